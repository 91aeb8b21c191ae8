// SPDX-License-Identifier: GPL-2.0
/*
 * The dentry and inode storms, driven by hand the way the harness drives
 * them: setup, workers forked with counters in shared memory, teardown.
 * No cgroup here: these check the storms work and clean up after
 * themselves, not what the kernel does at a limit.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include <criterion/criterion.h>

#include "storm_fixture.h"
#include "workload.h"

static void assert_all_ops(const struct storm *s)
{
	int i;

	for (i = 0; s->wl->ops[i]; i++)
		CHECK(s->sum.ops[i] > 0, "%s: no %s succeeded",
		      s->wl->name, s->wl->ops[i]);
}

/* Setup, a short storm, teardown; the scratch dirs must end up empty. */
static void storm_cycle(const char *wl, const char *workdir,
			const char *path, bool midway)
{
	struct storm s;

	storm_init(&s, wl, workdir);
	storm_set(&s, "max_files", "50");	/* reach the unlinks */
	if (path)
		storm_set(&s, "path", path);
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	CHECK(!storm_run(&s, midway ? 100 : 200, midway, NULL, NULL),
	      "a worker failed");
	if (!midway)
		assert_all_ops(&s);
	s.wl->teardown(&s.ctx);
	storm_check_clean(&s, workdir);
	if (path)
		CHECK(dir_empty(path), "%s not empty", path);
	munmap(s.ctr, NWORKERS * sizeof(*s.ctr));
}

Test(registry, finds_both_and_their_options)
{
	const struct ks_workload *const *w;
	int i, j, n = 0;

	cr_assert_eq(ks_workload_find("dentry"), ks_workloads[0]);
	cr_assert_eq(ks_workload_find("inode"), ks_workloads[1]);
	cr_assert_null(ks_workload_find("nosuch"));
	cr_assert_null(ks_workload_find(NULL));
	cr_assert_eq(ks_workload_opt_index(ks_workloads[0], "name_len"), 1);
	cr_assert_eq(ks_workload_opt_index(ks_workloads[1], "xattr_size"), 3);
	cr_assert_eq(ks_workload_opt_index(ks_workloads[1], "nosuch"), -1);
	for (w = ks_workloads; *w; w++, n++) {
		for (i = 0; (*w)->ops[i]; i++)
			;
		cr_assert_leq(i, KS_MAX_OPS - 1);
		cr_assert_geq(i, 1);
		for (i = 0; (*w)->opts[i].name; i++) {
			const struct ks_opt_desc *d = &(*w)->opts[i];
			int64_t v = parse_num(d->def);

			cr_assert_eq(ks_workload_opt_index(*w, d->name), i);
			cr_assert_not_null(d->help);
			if (d->type == KS_OPT_INT || d->type == KS_OPT_SIZE)
				cr_assert(v >= d->min && v <= d->max,
					  "%s.%s default", (*w)->name, d->name);
			for (j = 0; j < i; j++)
				cr_assert_str_neq(d->name,
						  (*w)->opts[j].name);
		}
		cr_assert_lt(i, KS_MAX_OPTS);
	}
	cr_assert_geq(n, 3, "dentry, inode, lkdtm and more");
}

Test(count, sorts_outcomes)
{
	struct ks_counters c = { 0 };
	struct ks_wl_ctx ctx = { .ctr = &c };

	ks_count(&ctx, 1, 0, 0);
	ks_count(&ctx, 1, 3, EIO);
	ks_count(&ctx, 2, -1, ENOMEM);
	ks_count(&ctx, 2, -1, ENOSPC);
	ks_count(&ctx, 0, -1, 5000);
	ks_count(&ctx, KS_MAX_OPS, -1, EIO);	/* ignored */
	cr_assert_eq(c.ops[1], 2);
	cr_assert_eq(c.fails[2], 2);
	cr_assert_eq(c.enomem[2], 1);
	cr_assert_eq(c.err[2][ENOMEM], 1);
	cr_assert_eq(c.err[2][ENOSPC], 1);
	cr_assert_eq(c.err[0][0], 1);
	cr_assert_eq(c.fails[0], 1);
	cr_assert_eq(ks_errno_total(&c, EIO), 0);
	cr_assert_eq(ks_errno_total(&c, ENOSPC), 1);
}

/* Each Test runs in a process of its own: the stop state is per process. */
Test(should_stop, flag)
{
	volatile int stop = 0;
	struct ks_wl_ctx ctx = { .stop = &stop };
	int i;

	ctx.deadline_ns = now_ns() + 60LL * 1000000000;
	for (i = 0; i < 200; i++)
		cr_assert_not(ks_should_stop(&ctx));
	stop = 1;
	cr_assert(ks_should_stop(&ctx));
}

/*
 * The deadline is read every 64 calls; once seen, every later call says
 * stop (a storm's run() asks again after a helper gave up on it).
 */
Test(should_stop, deadline_sticks)
{
	struct ks_wl_ctx ctx = { 0 };
	int i, stopped = 0;

	ctx.deadline_ns = now_ns() - 1;
	for (i = 0; i < 64 && !stopped; i++)
		stopped += ks_should_stop(&ctx);
	cr_assert(stopped, "deadline not seen in 64 calls");
	for (i = 0; i < 200; i++)
		cr_assert(ks_should_stop(&ctx), "call %d forgot the stop", i);
}

/*
 * A deadline in shared memory (deadline_live) wins over deadline_ns: the
 * harness moves it earlier while the worker runs.
 */
Test(should_stop, live_deadline_moves_earlier)
{
	struct ks_wl_ctx ctx = { 0 };
	int64_t live = now_ns() + 60LL * 1000000000;
	int i, stopped = 0;

	ctx.deadline_ns = live;
	ctx.deadline_live = &live;
	cr_assert_eq(ks_deadline(&ctx), live);
	for (i = 0; i < 200; i++)
		cr_assert_not(ks_should_stop(&ctx));
	live = now_ns() - 1;
	cr_assert_eq(ks_deadline(&ctx), live);
	cr_assert_gt(ctx.deadline_ns, live, "the start value stays");
	for (i = 0; i < 64 && !stopped; i++)
		stopped += ks_should_stop(&ctx);
	cr_assert(stopped, "moved deadline not seen in 64 calls");
}

Test(teardown, without_setup)
{
	struct ks_wl_ctx ctx = { .workdir = "/nonexistent" };
	const struct ks_workload *const *w;

	for (w = ks_workloads; *w; w++)
		if ((*w)->teardown)
			(*w)->teardown(&ctx);
}

Test(dentry, disk_workdir)
{
	char wd[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	storm_cycle("dentry", wd, NULL, false);
	rmdir(wd);
}

Test(dentry, disk_path_option)
{
	char wd[PATH_MAX], path[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	mkscratch(path, sizeof(path), disk_base());
	storm_cycle("dentry", wd, path, false);
	rmdir(path);
	rmdir(wd);
}

Test(dentry, killed_midway)
{
	char wd[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	storm_cycle("dentry", wd, NULL, true);
	rmdir(wd);
}

/*
 * The harness respawns an OOM-killed worker under the same index: it must
 * not trip over the files its predecessor left behind.
 */
static void respawned(const char *wl, bool with_path)
{
	char wd[PATH_MAX], path[PATH_MAX];
	struct storm s;

	mkscratch(wd, sizeof(wd), disk_base());
	storm_init(&s, wl, wd);
	if (with_path) {
		mkscratch(path, sizeof(path), disk_base());
		storm_set(&s, "path", path);
	}
	storm_set(&s, "max_files", "1000000");	/* keep every file */
	cr_assert_eq(s.wl->setup(&s.ctx), 0, "setup: %s", s.ctx.err);
	storm_run(&s, 100, true, NULL, NULL);
	memset(s.ctr, 0, NWORKERS * sizeof(*s.ctr));
	cr_assert_eq(storm_run(&s, 100, false, NULL, NULL), 0);
	cr_expect_eq(ks_errno_total(&s.sum, EEXIST), 0, "%s: EEXIST after respawn", wl);
	cr_expect_gt(s.sum.ops[1], 0);
	s.wl->teardown(&s.ctx);
	cr_expect(dir_empty(wd));
	rmdir(wd);
	if (with_path) {
		cr_expect(dir_empty(path));
		rmdir(path);
	}
}

Test(dentry, respawned_worker)
{
	respawned("dentry", false);
}

Test(inode, respawned_worker)
{
	respawned("inode", true);
}

/*
 * tmpfs drops negative dentries at once: a different path through the
 * dcache, same storm.  Root mounts a private one; others use /dev/shm.
 */
Test(dentry, tmpfs_path)
{
	char wd[PATH_MAX], tmpfs[PATH_MAX];
	struct statfs sf;
	pid_t pid;
	int status;

	if (geteuid() &&
	    (statfs("/dev/shm", &sf) || sf.f_type != TMPFS_MAGIC))
		cr_skip_test("needs root or a tmpfs on /dev/shm");
	mkscratch(wd, sizeof(wd), disk_base());
	if (geteuid()) {
		mkscratch(tmpfs, sizeof(tmpfs), "/dev/shm");
		storm_cycle("dentry", wd, tmpfs, false);
		goto out;
	}
	mkscratch(tmpfs, sizeof(tmpfs), disk_base());
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		storm_in_child = true;
		/* Our own namespace: the tmpfs vanishes with this child. */
		CHECK(!unshare(CLONE_NEWNS) &&
		      !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
		      !mount("kstest", tmpfs, "tmpfs", 0, "size=64m"),
		      "namespace/mount: %s", strerror(errno));
		storm_cycle("dentry", wd, tmpfs, false);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status %#x", status);
out:
	rmdir(tmpfs);
	rmdir(wd);
}

Test(inode, path_option)
{
	char wd[PATH_MAX], path[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	mkscratch(path, sizeof(path), disk_base());
	storm_cycle("inode", wd, path, false);
	rmdir(path);
	rmdir(wd);
}

Test(inode, path_killed_midway)
{
	char wd[PATH_MAX], path[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	mkscratch(path, sizeof(path), disk_base());
	storm_cycle("inode", wd, path, true);
	rmdir(path);
	rmdir(wd);
}

/* Sets up, checks the mount, storms, tears down: in its own namespace. */
static void inode_tmpfs_child(const char *wd, bool midway)
{
	struct storm s;
	char mnt[PATH_MAX + 8];

	storm_in_child = true;
	CHECK(!unshare(CLONE_NEWNS) &&
	      !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
	      "namespace: %s", strerror(errno));
	storm_init(&s, "inode", wd);
	storm_set(&s, "max_files", "50");
	storm_set(&s, "tmpfs_size", "16M");
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	snprintf(mnt, sizeof(mnt), "%s/tmpfs", wd);
	CHECK(mounted_below(mnt), "no tmpfs at %s", mnt);
	CHECK(!storm_run(&s, midway ? 100 : 200, midway, NULL, NULL),
	      "a worker failed");
	if (!midway)
		assert_all_ops(&s);
	s.wl->teardown(&s.ctx);
	CHECK(!s.ctx.err[0], "teardown: %s", s.ctx.err);
	CHECK(!mounted_below(wd), "mount left below %s", wd);
	CHECK(dir_empty(wd), "%s not empty", wd);
	_exit(0);
}

static void inode_tmpfs(bool midway)
{
	char wd[PATH_MAX];
	pid_t pid;
	int status;

	if (geteuid())
		cr_skip_test("needs root");
	mkscratch(wd, sizeof(wd), disk_base());
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid)
		inode_tmpfs_child(wd, midway);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status %#x", status);
	cr_assert(dir_empty(wd));
	rmdir(wd);
}

Test(inode, tmpfs)
{
	inode_tmpfs(false);
}

Test(inode, tmpfs_killed_midway)
{
	inode_tmpfs(true);
}

/* In a child, as nobody when root: the mount must fail cleanly. */
static void tmpfs_mount_fails_child(const char *wd)
{
	struct storm s;

	if (!geteuid() && (chmod(wd, 0777) ||
			   setresgid(65534, 65534, 65534) ||
			   setresuid(65534, 65534, 65534)))
		_exit(99);
	storm_init(&s, "inode", wd);
	if (!s.wl->setup(&s.ctx))
		_exit(98);
	if (!strstr(s.ctx.err, "mount"))
		_exit(97);
	s.wl->teardown(&s.ctx);
	_exit(dir_empty(wd) && !s.ctx.priv ? 0 : 96);
}

/* Without CAP_SYS_ADMIN the mount fails: a clean error, nothing left. */
Test(inode, tmpfs_mount_fails_cleanly)
{
	char wd[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	storm_in_fork(tmpfs_mount_fails_child, wd);
	cr_assert(dir_empty(wd));
	rmdir(wd);
}

/* Seeds (kmemstorm reproduce): the same seed, the same choices. */
static void picks(uint64_t seed, int worker, int n, int *out,
		  struct ks_counters *c)
{
	static const uint64_t w[KS_MAX_OPS] = { 5, 0, 3, 1, 1 };
	struct ks_wl_ctx ctx = { .seed = seed, .worker = worker, .ctr = c };
	struct ks_mix m;
	int i;

	cr_assert_eq(ks_mix_init(&m, w, 5, &ctx), 0);
	for (i = 0; i < n; i++)
		out[i] = ks_mix_pick(&m);
}

Test(seed, same_seed_same_sequence_per_worker)
{
	static int a[2000], b[2000], c[2000], d[2000];
	struct ks_counters ca = { 0 }, cb = { 0 }, cc = { 0 };
	int i, same_w = 0, same_s = 0, counts[5] = { 0 };

	picks(42, 3, 2000, a, &ca);
	picks(42, 3, 2000, b, &cb);
	cr_assert_arr_eq(a, b, sizeof(a), "seed 42 worker 3 differs between runs");
	cr_assert_eq(ca.picks_traced, KS_PICK_TRACE);
	cr_assert_eq(ca.pick_hash, cb.pick_hash);
	picks(42, 4, 2000, c, &cc);
	picks(43, 3, 2000, d, NULL);
	for (i = 0; i < 2000; i++) {
		same_w += a[i] == c[i];
		same_s += a[i] == d[i];
		counts[a[i]]++;
	}
	/* another worker or seed: another sequence (about 36% agree by chance) */
	cr_assert_lt(same_w, 1000, "workers 3 and 4 share a sequence");
	cr_assert_lt(same_s, 1000, "seeds 42 and 43 share a sequence");
	cr_assert_neq(ca.pick_hash, cc.pick_hash);
	/* weight 0 is never picked; the rest roughly by weight */
	cr_assert_eq(counts[1], 0);
	cr_assert_gt(counts[0], counts[2]);
	cr_assert_gt(counts[2], counts[3]);
}

Test(seed, streams_apart_and_never_zero)
{
	struct ks_wl_ctx a = { .seed = 0, .worker = 0 };
	struct ks_wl_ctx b = { .seed = 1, .worker = 0 };
	struct ks_wl_ctx c = { .seed = 0, .worker = 1 };

	cr_assert_neq(ks_worker_seed(&a, 0), 0);
	cr_assert_eq(ks_worker_seed(&a, 0), ks_worker_seed(&a, 0));
	cr_assert_neq(ks_worker_seed(&a, 0), ks_worker_seed(&a, 1));
	cr_assert_neq(ks_worker_seed(&a, 0), ks_worker_seed(&b, 0));
	cr_assert_neq(ks_worker_seed(&a, 0), ks_worker_seed(&c, 0));
	cr_assert_neq(ks_worker_seed(&b, 0), ks_worker_seed(&c, 0));
}
