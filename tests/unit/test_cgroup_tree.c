// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the writing half of the cgroup layer: limits, creation,
 * spawning and teardown.  Everything but the "real" suite runs on copies
 * of the fake trees in tests/fixtures/cgroup (see the README there), so
 * it needs no privileges and touches no real cgroup.  The real suite
 * creates, uses and removes cgroups below the test's own cgroup and skips
 * itself when not root or when there is no memory controller.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_fixture.h"

TestSuite(limits, .init = setup, .fini = teardown);
TestSuite(lifecycle, .init = setup, .fini = teardown);

/* ---- limits -------------------------------------------------------- */

static struct ks_cg_limits lim_none(void)
{
	struct ks_cg_limits lim;

	ks_cg_limits_init(&lim);
	return lim;
}

Test(limits, check_v1)
{
	struct ks_cg_root root;
	struct ks_cg_limits lim;
	struct utsname uts;
	char err[512] = "", p[PATH_MAX];
	int ret;

	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);

	lim = lim_none();
	lim.max = 32 << 20;
	lim.swap_max = 16 << 20;
	lim.oom_kill_disable = 1;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)), 0,
		     "%s", err);

	lim = lim_none();
	lim.high = 1 << 20;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err, "memory.high: not supported on cgroup v1");

	lim = lim_none();
	lim.oom_group = 1;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err, "memory.oom.group: not supported on cgroup v1");

	lim = lim_none();
	lim.kmem_max = 8 << 20;
	cr_assert_eq(uname(&uts), 0);
	ret = ks_cg_check_limits(&root, &lim, err, sizeof(err));
	if (ks_cg_kmem_limit_ignored(uts.release)) {
		cr_assert_eq(ret, -EOPNOTSUPP);
		cr_assert(strstr(err, "memory.kmem.limit_in_bytes: not supported"),
			  "%s", err);
		cr_assert(strstr(err, uts.release), "%s", err);
	} else {
		cr_assert_eq(ret, 0, "%s", err);
	}

	lim = lim_none();
	lim.max = 32 << 20;
	lim.swap_max = 0;
	unlink(pathf(p, "%s%s/memory.memsw.limit_in_bytes", root.mount,
		     root.self));
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err,
			 "memory.memsw.limit_in_bytes: not supported: swap accounting disabled");
}

Test(limits, check_v2)
{
	struct ks_cg_root root;
	struct ks_cg_limits lim;
	char err[512] = "", p[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), 0, "%s", err);

	lim = lim_none();
	lim.max = 64 << 20;
	lim.high = 48 << 20;
	lim.swap_max = 0;
	lim.oom_group = 1;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)), 0,
		     "%s", err);

	lim = lim_none();
	lim.kmem_max = 8 << 20;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert(strstr(err, "memory.kmem.limit_in_bytes: not supported on cgroup v2"),
		  "%s", err);

	lim = lim_none();
	lim.oom_kill_disable = 1;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err, "memory.oom_control: not supported on cgroup v2");

	lim = lim_none();
	lim.swap_max = 0;
	unlink(pathf(p, "%s%s/memory.swap.max", root.mount, root.self));
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err,
			 "memory.swap.max: not supported: swap accounting disabled");
}

static struct ks_cgroup fake_v1_knobs(void)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s/knobs", tmp);
	const char *files[] = { "memory.limit_in_bytes",
				"memory.memsw.limit_in_bytes",
				"memory.kmem.limit_in_bytes",
				"memory.kmem.tcp.limit_in_bytes",
				"memory.oom_control" };
	char p[PATH_MAX];
	size_t i;

	cr_assert_eq(mkdir(cg.path, 0755), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(pathf(p, "%s/%s", cg.path, files[i]),
		    "9223372036854771712\n");
	return cg;
}

Test(limits, write_v1)
{
	struct ks_cgroup cg = fake_v1_knobs();
	struct ks_cg_limits lim = lim_none();
	char err[512] = "", p[PATH_MAX];

	lim.max = 32 << 20;
	lim.swap_max = 16 << 20;
	lim.oom_kill_disable = 1;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_str_eq(get(pathf(p, "%s/memory.limit_in_bytes", cg.path)),
			 "33554432");
	cr_assert_str_eq(get(pathf(p, "%s/memory.memsw.limit_in_bytes",
				   cg.path)), "50331648");
	cr_assert_str_eq(get(pathf(p, "%s/memory.oom_control", cg.path)), "1");

	lim = lim_none();
	lim.max = INT64_MAX;
	lim.swap_max = 16 << 20;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_str_eq(get(pathf(p, "%s/memory.limit_in_bytes", cg.path)),
			 "-1");
	cr_assert_str_eq(get(pathf(p, "%s/memory.memsw.limit_in_bytes",
				   cg.path)), "-1");
	/* Untouched knobs stay as they were. */
	cr_assert_str_eq(get(pathf(p, "%s/memory.oom_control", cg.path)), "1");

	/* "max" is -1: still written, as that turns on socket charging. */
	lim = lim_none();
	lim.tcp_max = INT64_MAX;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_str_eq(get(pathf(p, "%s/memory.kmem.tcp.limit_in_bytes",
				   cg.path)), "-1");
	lim.tcp_max = 8 << 20;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_str_eq(get(pathf(p, "%s/memory.kmem.tcp.limit_in_bytes",
				   cg.path)), "8388608");
}

Test(limits, tcp_limit_is_v1_only)
{
	struct ks_cg_root root;
	struct ks_cg_limits lim = lim_none();
	char err[512] = "";

	lim.tcp_max = 8 << 20;
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_expect_str_eq(err,
		"memory.kmem.tcp.limit_in_bytes: not supported on cgroup v2 (socket memory counts against memory.max)");
}

Test(limits, write_v1_refuses_unsupported_without_writing)
{
	struct ks_cgroup cg = fake_v1_knobs();
	struct ks_cg_limits lim = lim_none();
	char err[512] = "", p[PATH_MAX];

	lim.max = 32 << 20;
	lim.high = 16 << 20;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err, "memory.high: not supported on cgroup v1");
	cr_assert_str_eq(get(pathf(p, "%s/memory.limit_in_bytes", cg.path)),
			 "9223372036854771712\n");
}

Test(limits, write_v2)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V2, "%s%s%s", tmp, V2_MOUNT,
				      V2_SELF);
	struct ks_cg_limits lim = lim_none();
	char err[512] = "", p[PATH_MAX];

	lim.max = 64 << 20;
	lim.high = INT64_MAX;
	lim.swap_max = 0;
	lim.oom_group = 1;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_str_eq(get(pathf(p, "%s/memory.max", cg.path)), "67108864");
	cr_assert_str_eq(get(pathf(p, "%s/memory.high", cg.path)), "max");
	cr_assert_str_eq(get(pathf(p, "%s/memory.swap.max", cg.path)), "0");
	cr_assert_str_eq(get(pathf(p, "%s/memory.oom.group", cg.path)), "1");

	/* An error names the file and the reason. */
	unlink(pathf(p, "%s/memory.high", cg.path));
	lim.high = 1 << 20;
	cr_assert_eq(ks_cg_set_limits(&cg, &lim, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, p), "%s", err);
	cr_assert(strstr(err, strerror(ENOENT)), "%s", err);
}

/* What an injector changes while workers run: the limit, a peak of its own. */
Test(limits, set_max_at_runtime)
{
	struct ks_cgroup v1 = fake_cg(KS_CG_V1, "%s%s%s", tmp, V1_MOUNT,
				      V1_SELF);
	struct ks_cgroup v2 = fake_cg(KS_CG_V2, "%s%s%s", tmp, V2_MOUNT,
				      V2_SELF);
	char err[512] = "", p[PATH_MAX];
	int fd;

	cr_assert_eq(ks_cg_set_max(&v1, 32 << 20, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_str_eq(get(pathf(p, "%s/memory.limit_in_bytes", v1.path)),
			 "33554432");
	cr_assert_eq(ks_cg_set_max(&v1, INT64_MAX, err, sizeof(err)), 0);
	cr_expect_str_eq(get(p), "-1");
	cr_assert_eq(ks_cg_set_max(&v2, 40960, err, sizeof(err)), 0);
	cr_expect_str_eq(get(pathf(p, "%s/memory.max", v2.path)), "40960");
	cr_assert_eq(ks_cg_set_max(&v2, INT64_MAX, err, sizeof(err)), 0);
	cr_expect_str_eq(get(p), "max");
	cr_expect_eq(ks_cg_set_max(&v2, -5, err, sizeof(err)), -EINVAL);

	cr_expect_eq(ks_cg_peak_open(&v1, err, sizeof(err)), -EOPNOTSUPP);
	cr_expect(strstr(err, "no per-file reset on cgroup v1"), "%s", err);
	fd = ks_cg_peak_open(&v2, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	put(pathf(p, "%s/memory.peak", v2.path), "8192\n");
	cr_expect_eq(ks_cg_peak_read(fd), 8192);
	close(fd);
}

/* ---- create, spawn, teardown --------------------------------------- */

Test(lifecycle, create_v2_enables_memory_when_missing)
{
	struct ks_cg_root root;
	struct ks_cgroup cg;
	char err[512] = "", p[PATH_MAX], own[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), 0, "%s", err);
	pathf(own, "%s%s", root.mount, root.self);
	cr_assert_eq(ks_cg_create(&root, NULL, "kmemstorm-1", &cg, err,
				  sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(get(pathf(p, "%s/cgroup.subtree_control", own)),
			 "+memory");
	cr_assert_str_eq(cg.path, pathf(p, "%s/kmemstorm-1", own));
	cr_assert_eq(cg.version, KS_CG_V2);
	cr_assert_geq(cg.dirfd, 0);
	cr_assert(exists(cg.path));

	cr_assert_eq(ks_cg_destroy(&cg, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(exists(p));
	cr_assert_eq(cg.dirfd, -1);
	/* A second destroy has nothing left to do. */
	cr_assert_eq(ks_cg_destroy(&cg, err, sizeof(err)), 0, "%s", err);
}

Test(lifecycle, create_v2_leaves_present_memory_alone)
{
	struct ks_cg_root root;
	struct ks_cgroup cg;
	char err[512] = "", p[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), 0, "%s", err);
	pathf(p, "%s%s/cgroup.subtree_control", root.mount, root.self);
	put(p, "cpu memory pids\n");
	cr_assert_eq(ks_cg_create(&root, NULL, "kmemstorm-2", &cg, err,
				  sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(get(p), "cpu memory pids\n");
	cr_assert_eq(ks_cg_destroy(&cg, err, sizeof(err)), 0, "%s", err);
}

Test(lifecycle, create_v2_error_leaves_nothing)
{
	struct ks_cg_root root;
	struct ks_cgroup cg;
	char err[512] = "", p[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), 0, "%s", err);
	unlink(pathf(p, "%s%s/cgroup.subtree_control", root.mount,
		     root.self));
	cr_assert_eq(ks_cg_create(&root, NULL, "kmemstorm-3", &cg, err,
				  sizeof(err)), -ENOENT);
	cr_assert(strstr(err, p), "%s", err);
	cr_assert_not(exists(pathf(p, "%s%s/kmemstorm-3", root.mount,
				   root.self)));
	cr_assert_eq(cg.dirfd, -1);
	cr_assert_str_eq(cg.path, "");
	/* Destroying the failed result is harmless. */
	cr_assert_eq(ks_cg_destroy(&cg, err, sizeof(err)), 0);
}

Test(lifecycle, create_v1_nested_and_exists)
{
	struct ks_cg_root root;
	struct ks_cgroup run, scn, again;
	char err[512] = "", p[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ks_cg_create(&root, NULL, "kmemstorm-4", &run, err,
				  sizeof(err)), 0, "%s", err);
	cr_assert_eq(ks_cg_create(&root, &run, "scn-a", &scn, err,
				  sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(scn.path, pathf(p, "%s/scn-a", run.path));
	cr_assert_eq(ks_cg_create(&root, NULL, "kmemstorm-4", &again, err,
				  sizeof(err)), -EEXIST);
	cr_assert(strstr(err, run.path), "%s", err);
	cr_assert_eq(ks_cg_create(&root, NULL, "../x", &again, err,
				  sizeof(err)), -EINVAL);

	/* Destroying the run removes what is left below it too. */
	close(scn.dirfd);
	pathf(p, "%s", run.path);
	cr_assert_eq(ks_cg_destroy(&run, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(exists(p));
}

Test(lifecycle, destroy_zeroed)
{
	struct ks_cgroup cg;
	char err[64];

	memset(&cg, 0, sizeof(cg));
	cr_assert_eq(ks_cg_destroy(&cg, err, sizeof(err)), 0);
	cr_assert_eq(ks_cg_kill(&cg), 0);
	cr_assert_eq(ks_cg_drain(&cg, 10), 0);
}

Test(lifecycle, pids_from_captured_procs)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s%s%s", tmp, V1_MOUNT,
				      V1_SELF);
	pid_t pids[8];

	cr_assert_eq(ks_cg_pids(&cg, pids, 8), 5);
	cr_assert_eq(pids[0], 3262);
	cr_assert_eq(pids[4], 4563);
	cr_assert_eq(ks_cg_pids(&cg, pids, 2), 2);
	cr_assert_eq(pids[1], 3263);
}

static int ret42(void *arg)
{
	(void)arg;
	return 42;
}

Test(lifecycle, spawn_fork_path_attaches_first)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s/spawn", tmp);
	char p[PATH_MAX];
	int status;
	pid_t pid;

	cr_assert_eq(mkdir(cg.path, 0755), 0);
	put(pathf(p, "%s/cgroup.procs", cg.path), "");
	pid = ks_cg_spawn(&cg, ret42, NULL);
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	cr_assert_str_eq(get(p), "0");

	/* No way into the cgroup: an error, and fn never ran. */
	unlink(p);
	pid = ks_cg_spawn(&cg, ret42, NULL);
	cr_assert_eq(pid, -ENOENT);
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
	cr_assert_eq(errno, ECHILD);
}

Test(lifecycle, attach_writes_pid)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s/attach", tmp);
	char err[256] = "", p[PATH_MAX];

	cr_assert_eq(mkdir(cg.path, 0755), 0);
	put(pathf(p, "%s/cgroup.procs", cg.path), "");
	cr_assert_eq(ks_cg_attach(&cg, 1234, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(get(p), "1234");
}

Test(lifecycle, kill_refuses_pids_outside_cgroupfs)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s/victim", tmp);
	char p[PATH_MAX], val[32];
	int status;
	pid_t child;

	/* Only our own child is listed, so a broken guard hurts no one. */
	child = fork();
	cr_assert_geq(child, 0);
	if (!child) {
		pause();
		_exit(0);
	}
	cr_assert_eq(mkdir(cg.path, 0755), 0);
	snprintf(val, sizeof(val), "%d\n", (int)child);
	put(pathf(p, "%s/cgroup.procs", cg.path), val);
	cr_assert_eq(ks_cg_kill(&cg), -EXDEV);
	usleep(20000);
	cr_assert_eq(waitpid(child, &status, WNOHANG), 0, "child was killed");
	cr_assert_eq(ks_cg_drain(&cg, 50), -ETIMEDOUT);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

Test(lifecycle, reap_stale)
{
	struct ks_cg_root root;
	char err[512] = "", own[PATH_MAX], p[PATH_MAX];
	pid_t dead1 = dead_pid(), dead2 = dead_pid();

	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	pathf(own, "%s%s", root.mount, root.self);
	cr_assert_eq(mkdir(pathf(p, "%s/kmemstorm-%d", own, dead1), 0755), 0);
	cr_assert_eq(mkdir(pathf(p, "%s/kmemstorm-%d/scn-a", own, dead1),
			   0755), 0);
	cr_assert_eq(mkdir(pathf(p, "%s/kmemstorm-%d/scn-a/inner", own, dead1),
			   0755), 0);
	cr_assert_eq(mkdir(pathf(p, "%s/kmemstorm-%d", own, dead2), 0755), 0);
	cr_assert_eq(mkdir(pathf(p, "%s/kmemstorm-%d", own, getpid()), 0755),
		     0);
	cr_assert_eq(mkdir(pathf(p, "%s/kmemstorm-1x", own), 0755), 0);
	cr_assert_eq(mkdir(pathf(p, "%s/other-%d", own, dead1), 0755), 0);

	cr_assert_eq(ks_cg_reap_stale(&root, "kmemstorm-"), 2);
	cr_assert_not(exists(pathf(p, "%s/kmemstorm-%d", own, dead1)));
	cr_assert_not(exists(pathf(p, "%s/kmemstorm-%d", own, dead2)));
	cr_assert(exists(pathf(p, "%s/kmemstorm-%d", own, getpid())));
	cr_assert(exists(pathf(p, "%s/kmemstorm-1x", own)));
	cr_assert(exists(pathf(p, "%s/other-%d", own, dead1)));
	cr_assert(exists(pathf(p, "%s/memory.stat", own)));
	cr_assert_eq(ks_cg_reap_stale(&root, "kmemstorm-"), 0);
}

/* ---- the real thing (root only) ------------------------------------ */

static void real_root(struct ks_cg_root *root)
{
	char err[512] = "", dir[PATH_MAX];

	if (geteuid() != 0)
		cr_skip_test("needs root to create cgroups");
	if (ks_cg_detect(root, err, sizeof(err)))
		cr_skip_test("no memory cgroup controller: %s", err);
	cr_assert_eq(ks_cg_self_dir(root, dir, sizeof(dir)), 0);
	if (access(dir, W_OK))
		cr_skip_test("own cgroup %s is not writable", dir);
}

/*
 * Whatever a failed assertion leaves behind is removed here: the test's
 * cgroups and, by their removal, the sleeper it started.
 */
static struct ks_cgroup real_cg = { .dirfd = -1 };
static char real_stale[PATH_MAX];

static void real_fini(void)
{
	struct ks_cgroup stale = { .version = real_cg.version, .dirfd = -1 };
	char err[512];

	ks_cg_destroy(&real_cg, err, sizeof(err));
	if (real_stale[0] && exists(real_stale)) {
		snprintf(stale.path, sizeof(stale.path), "%s", real_stale);
		ks_cg_destroy(&stale, err, sizeof(err));
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

TestSuite(real, .fini = real_fini, .timeout = 30);

static int sleeper(void *arg)
{
	(void)arg;
	sleep(60);
	return 0;
}

Test(real, create_limit_spawn_stats_destroy)
{
	struct ks_cg_root root;
	struct ks_cg_limits lim;
	struct ks_memcg_stats st;
	struct ks_cgroup *cg = &real_cg;
	char err[512] = "", name[64], path[PATH_MAX];
	pid_t pid, pids[4];
	int status;

	real_root(&root);
	ks_cg_limits_init(&lim);
	lim.max = 32 << 20;
	cr_assert_eq(ks_cg_check_limits(&root, &lim, err, sizeof(err)), 0,
		     "%s", err);
	snprintf(name, sizeof(name), "kmemstorm-test-%d", (int)getpid());
	cr_assert_eq(ks_cg_create(&root, NULL, name, cg, err, sizeof(err)),
		     0, "%s", err);
	memcpy(path, cg->path, sizeof(path));
	cr_assert_eq(ks_cg_set_limits(cg, &lim, err, sizeof(err)), 0, "%s",
		     err);

	pid = ks_cg_spawn(cg, sleeper, NULL);
	cr_assert_gt(pid, 0, "spawn: %s", strerror(-pid));
	cr_assert_eq(ks_cg_pids(cg, pids, 4), 1);
	cr_assert_eq(pids[0], pid);

	cr_assert_eq(ks_cg_read_stats(cg, &st), 0);
	cr_assert_eq(st.limit, 32 << 20);
	cr_assert_geq(st.current, 0);
	cr_assert_geq(ks_memcg_limit_hits(&st), 0);
	cr_assert_geq(ks_memcg_oom_kills(&st), 0);

	cr_assert_eq(ks_cg_destroy(cg, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(exists(path), "%s still exists", path);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

Test(real, reap_stale)
{
	struct ks_cg_root root;
	struct ks_cgroup run, scn;
	char err[512] = "", name[64];
	pid_t dead;

	real_root(&root);
	real_cg.version = root.version;
	dead = dead_pid();
	snprintf(name, sizeof(name), "kmemstorm-reaptest-%d", (int)dead);
	cr_assert_eq(ks_cg_create(&root, NULL, name, &run, err, sizeof(err)),
		     0, "%s", err);
	snprintf(real_stale, sizeof(real_stale), "%s", run.path);
	/* Left behind as a kill -9 would leave them. */
	close(run.dirfd);
	cr_assert_eq(ks_cg_create(&root, &run, "scn-a", &scn, err, sizeof(err)),
		     0, "%s", err);
	close(scn.dirfd);
	cr_assert_eq(ks_cg_reap_stale(&root, "kmemstorm-reaptest-"), 1);
	cr_assert_not(exists(real_stale), "%s still exists", real_stale);
}
