/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The leak check after every scenario.  Once a scenario's cgroup is gone
 * its charges must be too: what the kernel could not free (slab objects,
 * socket memory) is reparented to the run cgroup, so the run cgroup's
 * usage is measured before the scenario and again after its removal,
 * after forced reclaim, until it is back within a margin and no dying
 * cgroup is left below it, or the wait runs out.  The harness's own
 * leaf (v2, cgroup_run.c) is left out of the sum: its memory is not the
 * scenario's.
 */
#ifndef KS_LEAK_H
#define KS_LEAK_H

#include <jansson.h>
#include <stdint.h>

#include "cgroup.h"

struct ks_leak_level {
	int64_t current, slab, sock, kernel, kmem, tcp;
	int64_t dying;			/* nr_dying_descendants */
};

struct ks_leak_check {
	int ok;				/* a baseline was read */
	struct ks_leak_level before;
	struct ks_leak_level after;	/* at the last look */
	int64_t waited_ms;
	int rounds;			/* reclaim rounds */
	int leaked;			/* usage above the margin at the end */
	int dying_left;			/* dying cgroups at the end */
	char why[128];			/* why no check was made */
};

/* Before the scenario's cgroup exists. */
void ks_leak_baseline(struct ks_leak_check *c, struct ks_cg_run *r);
/*
 * After its removal: write back the filesystem fs (a directory on it, or
 * NULL), then reclaim and look again until clean or wait_ms is over.
 * Clean: usage within margin of the baseline, and at most dying_max
 * dying cgroups below the run cgroup (counted whole, not against the
 * baseline: a cgroup a reference leak keeps dying stays, and the next
 * one makes two).
 * Returns 1 when something was left, 0 when clean or unchecked.
 */
int ks_leak_settle(struct ks_leak_check *c, struct ks_cg_run *r,
		   const char *fs, int64_t margin, int dying_max,
		   int64_t wait_ms);
/* {"bytes", "slab", ..., "dying", "waited_ms", "rounds"} or NULL. */
json_t *ks_leak_json(const struct ks_leak_check *c);
/* "1.5M left (slab 1.2M, sock 0.3M), 2 dying cgroups" into buf. */
const char *ks_leak_describe(const struct ks_leak_check *c, char *buf,
			     size_t len);

#endif
