// SPDX-License-Identifier: GPL-2.0
/*
 * The btrfs storm, driven by hand the way the harness drives it: setup,
 * workers forked with counters in shared memory, teardown.  Each test runs
 * in a forked child with a private mount namespace, as the harness does;
 * afterwards nothing may be left: no mount, no loop device bound to the
 * image, no image.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "storm_fixture.h"
#include "workload.h"

/* Is any loop device backed by a file below dir? */
static bool loop_below(const char *dir)
{
	char path[PATH_MAX], buf[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d = opendir("/sys/block");
	FILE *f;

	CHECK(d, "/sys/block: %s", strerror(errno));
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/block/%s/loop/backing_file", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) &&
		    !strncmp(buf, dir, strlen(dir)))
			found = true;
		fclose(f);
	}
	closedir(d);
	return found;
}

static void check_clean(struct storm *s, const char *wd)
{
	storm_check_clean(s, wd);
	CHECK(!loop_below(wd), "loop device left bound below %s", wd);
}

enum how { FULL, KILLED, BAD_MOUNT, HOOKS, READ_ONLY };

/*
 * A btrfs gone read-only (as after an aborted transaction; here by a
 * remount) is mounted again by prepare(), and the step goes through.
 */
static void read_only(struct storm *s, const char *wd)
{
	struct ks_counters before;
	char mnt[PATH_MAX];
	int op;
	void *st;

	for (op = 0; strcmp(s->wl->ops[op], "write_fsync"); op++)
		;
	snprintf(mnt, sizeof(mnt), "%s/mnt", wd);
	CHECK(!s->wl->setup(&s->ctx), "setup: %s", s->ctx.err);
	s->ctx.ctr = &s->ctr[0];
	st = s->wl->begin(&s->ctx);
	CHECK(st, "begin failed");
	CHECK(!mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL),
	      "remount ro: %s", strerror(errno));
	CHECK(!s->wl->prepare(st, op), "prepare: %s", strerror(errno));
	before = s->ctr[0];
	s->wl->step(st, op);
	CHECK(s->ctr[0].ops[op] == before.ops[op] + 1 &&
	      s->ctr[0].fails[op] == before.fails[op],
	      "write_fsync after the remount: %" PRIu64 " failed",
	      s->ctr[0].fails[op] - before.fails[op]);
	s->wl->end(st);
}

/* In the child: a private namespace, setup, storm, teardown, checks. */
static void cycle(const char *wd, enum how how)
{
	struct storm s;
	int i;

	storm_in_child = true;
	CHECK(!unshare(CLONE_NEWNS), "unshare: %s", strerror(errno));
	CHECK(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
	      "private /: %s", strerror(errno));
	storm_init(&s, "btrfs", wd);
	storm_set(&s, "max_files", "64");	/* reach the deletes */
	storm_set(&s, "max_snaps", "2");
	storm_set(&s, "max_subvols", "2");
	if (how == BAD_MOUNT) {
		/* Fails after the loop device and mkfs: a half setup. */
		storm_set(&s, "mount_opts", "no_such_option");
		CHECK(s.wl->setup(&s.ctx), "setup took a bad option");
		s.ctx.err[0] = 0;
	} else if (how == READ_ONLY) {
		read_only(&s, wd);
	} else if (how == HOOKS) {
		/* Every operation three times, one at a time: caps reached. */
		CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
		storm_sweep_hooks(&s, 3);
	} else {
		CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
		CHECK(!storm_run(&s, how == KILLED ? 500 : 1500, how == KILLED,
				 NULL, NULL), "a worker failed");
	}
	if (how == FULL)
		for (i = 0; s.wl->ops[i]; i++)
			CHECK(s.sum.ops[i] > 0, "no %s succeeded (%" PRIu64
			      " failed)", s.wl->ops[i], s.sum.fails[i]);
	s.wl->teardown(&s.ctx);
	check_clean(&s, wd);
	_exit(0);
}

static void run_cycle(enum how how)
{
	char wd[PATH_MAX];
	int status;
	pid_t pid;

	if (geteuid())
		cr_skip_test("needs root (loop devices, mount)");
	if (access("/dev/loop-control", R_OK | W_OK))
		cr_skip_test("no /dev/loop-control");
	if (system("PATH=$PATH:/usr/sbin:/sbin command -v mkfs.btrfs "
		   ">/dev/null 2>&1"))
		cr_skip_test("no mkfs.btrfs (Debian package btrfs-progs)");
	snprintf(wd, sizeof(wd), "/var/tmp/ksbtrfs.XXXXXX");
	cr_assert_not_null(mkdtemp(wd));
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid)
		cycle(wd, how);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	rmdir(wd);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status),
		  "child failed (status %d), see stderr", status);
	/* The child's namespace is gone: nothing may be bound here either. */
	cr_assert_not(loop_below(wd), "loop device outlived the namespace");
}

Test(btrfs, storm_counts_and_cleans_up, .timeout = 120)
{
	run_cycle(FULL);
}

Test(btrfs, teardown_after_killed_workers, .timeout = 120)
{
	run_cycle(KILLED);
}

/* begin/prepare/step/end without fail-nth: each step one op, counted. */
Test(btrfs, sweep_hooks_one_op_per_step, .timeout = 120)
{
	run_cycle(HOOKS);
}

Test(btrfs, mounted_again_when_read_only, .timeout = 120)
{
	run_cycle(READ_ONLY);
}

Test(btrfs, teardown_after_half_setup, .timeout = 120)
{
	run_cycle(BAD_MOUNT);
}
