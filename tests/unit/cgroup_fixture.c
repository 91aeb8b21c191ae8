// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture shared by the cgroup unit tests (test_cgroup.c and
 * test_cgroup_tree.c): a per-test copy of the fake trees in
 * tests/fixtures/cgroup, and small file helpers that assert as they go.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_fixture.h"

/* The per-test copy of tests/fixtures/cgroup. */
char tmp[PATH_MAX];

char *pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && n < PATH_MAX, "path too long");
	return out;
}

void put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "create %s: %s", path, strerror(errno));
	fputs(content, f);
	cr_assert_eq(fclose(f), 0);
}

/* File contents in a static buffer: one call per assertion. */
const char *get(const char *path)
{
	static char buf[65536];
	ssize_t n = ks_file_read(path, buf, sizeof(buf));

	cr_assert_geq(n, 0, "read %s: %s", path, strerror((int)-n));
	return buf;
}

bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void copy_tree(const char *src, const char *dst)
{
	char s[PATH_MAX], d[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *dir;

	cr_assert_eq(mkdir(dst, 0755), 0, "mkdir %s: %s", dst,
		     strerror(errno));
	dir = opendir(src);
	cr_assert_not_null(dir, "fixtures at %s: %s (set KS_FIXTURES)", src,
			   strerror(errno));
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		pathf(s, "%s/%s", src, de->d_name);
		pathf(d, "%s/%s", dst, de->d_name);
		cr_assert_eq(lstat(s, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			copy_tree(s, d);
		} else if (S_ISREG(sb.st_mode)) {
			static char buf[65536];
			ssize_t n = ks_file_read(s, buf, sizeof(buf));

			cr_assert_geq(n, 0, "read %s", s);
			put(d, buf);
		}
	}
	closedir(dir);
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void setup(void)
{
	const char *fx = getenv("KS_FIXTURES");
	char src[PATH_MAX], dst[PATH_MAX];

	if (!fx || !*fx)
		fx = "tests/fixtures";
	snprintf(tmp, sizeof(tmp), "/tmp/ks-cgtest-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	pathf(src, "%s/cgroup", fx);
	pathf(dst, "%s/t", tmp);
	copy_tree(src, dst);
	/* Tests see the copy as tmp itself. */
	strcat(tmp, "/t");
}

void teardown(void)
{
	char *slash;

	if (!tmp[0])
		return;
	slash = strrchr(tmp, '/');
	*slash = '\0';
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int detect_tree(struct ks_cg_root *root, const char *tree, char *err,
		size_t errlen)
{
	char mounts[PATH_MAX], self[PATH_MAX], prefix[PATH_MAX];

	pathf(mounts, "%s/%s/mounts", tmp, tree);
	pathf(self, "%s/%s/proc-self-cgroup", tmp, tree);
	pathf(prefix, "%s/%s", tmp, tree);
	return ks_cg_detect_from(root, mounts, self, prefix, err, errlen);
}

/* A struct ks_cgroup for a directory of the fake tree. */
struct ks_cgroup fake_cg(enum ks_cg_version v, const char *fmt, ...)
{
	struct ks_cgroup cg = { .version = v, .dirfd = -1 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cg.path, sizeof(cg.path), fmt, ap);
	va_end(ap);
	return cg;
}

pid_t dead_pid(void)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (!pid)
		_exit(0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}
