/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the cgroup unit tests; defined in cgroup_fixture.c.  setup()
 * copies tests/fixtures/cgroup (or $KS_FIXTURES/cgroup) to a fresh
 * directory, tmp, and teardown() removes it again.  The helpers assert on
 * failure, so a test need not check them.
 */
#ifndef KS_CGROUP_FIXTURE_H
#define KS_CGROUP_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"

#define V1_SELF "/process_api/d8a2a9190084fb667e3b0048fac95efb"
#define V2_SELF "/system.slice/kmemstorm-ci.service"
#define V1_MOUNT "/v1/sys/fs/cgroup/memory"
#define V2_MOUNT "/v2/sys/fs/cgroup"

/* The per-test copy of tests/fixtures/cgroup. */
extern char tmp[PATH_MAX];

void setup(void);
void teardown(void);

/* Format a path into out (PATH_MAX bytes) and return it. */
__attribute__((format(printf, 2, 3)))
char *pathf(char *out, const char *fmt, ...);
void put(const char *path, const char *content);
/* File contents in a static buffer: one call per assertion. */
const char *get(const char *path);
bool exists(const char *path);

/* ks_cg_detect_from() on the fake tree tmp/tree ("v1" or "v2"). */
int detect_tree(struct ks_cg_root *root, const char *tree, char *err,
		size_t errlen);
/* A struct ks_cgroup for a directory of the fake tree. */
struct ks_cgroup fake_cg(enum ks_cg_version v, const char *fmt, ...);
/* The pid of a child that has exited and been reaped. */
pid_t dead_pid(void);

#endif
