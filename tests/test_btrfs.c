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

#include "workload.h"

#define NWORKERS 2

/* Criterion asserts hang the runner in a forked child: CHECK() exits. */
#define CHECK(cond, ...)						\
	do {								\
		if (cond)						\
			break;						\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		_exit(90);						\
	} while (0)

struct storm {
	const struct ks_workload *wl;
	struct ks_opt_value opt[KS_MAX_OPTS];
	struct ks_wl_ctx ctx;
	struct ks_counters *ctr;	/* NWORKERS, shared with the workers */
	struct ks_counters sum;
	volatile int stop;
};

static int64_t parse_num(const char *s)
{
	char *end;
	int64_t v = strtoll(s, &end, 10);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; break;
	}
	return v;
}

static void storm_set(struct storm *s, const char *name, const char *val)
{
	int i = ks_workload_opt_index(s->wl, name);

	CHECK(i >= 0, "btrfs has no option %s", name);
	snprintf(s->opt[i].str, sizeof(s->opt[i].str), "%s", val);
	s->opt[i].num = s->wl->opts[i].type == KS_OPT_STRING ? 0 :
			parse_num(val);
}

static void storm_init(struct storm *s, const char *workdir)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->wl = ks_workload_find("btrfs");
	CHECK(s->wl, "no workload btrfs");
	for (i = 0; s->wl->opts[i].name; i++)
		storm_set(s, s->wl->opts[i].name, s->wl->opts[i].def);
	s->ctr = mmap(NULL, NWORKERS * sizeof(*s->ctr), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s->ctr != MAP_FAILED, "mmap: %s", strerror(errno));
	s->ctx.wl = s->wl;
	s->ctx.scenario = "test";
	snprintf(s->ctx.workdir, sizeof(s->ctx.workdir), "%s", workdir);
	s->ctx.opt = s->opt;
	s->ctx.nworkers = NWORKERS;
	s->ctx.stop = &s->stop;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Run the workers ms milliseconds, or SIGKILL them then if kill_them. */
static void storm_run(struct storm *s, int ms, bool kill_them)
{
	pid_t pid[NWORKERS];
	int i, j, status;

	s->ctx.deadline_ns = now_ns() + (int64_t)ms * 1000000 *
			     (kill_them ? 100 : 1);
	for (i = 0; i < NWORKERS; i++) {
		pid[i] = fork();
		CHECK(pid[i] >= 0, "fork: %s", strerror(errno));
		if (!pid[i]) {
			s->ctx.worker = i;
			s->ctx.ctr = &s->ctr[i];
			_exit(s->wl->run(&s->ctx));
		}
	}
	if (kill_them) {
		usleep(ms * 1000);
		for (i = 0; i < NWORKERS; i++)
			kill(pid[i], SIGKILL);
	}
	for (i = 0; i < NWORKERS; i++) {
		CHECK(waitpid(pid[i], &status, 0) == pid[i], "waitpid");
		CHECK(kill_them || (WIFEXITED(status) && !WEXITSTATUS(status)),
		      "worker %d: status %d", i, status);
	}
	memset(&s->sum, 0, sizeof(s->sum));
	for (i = 0; i < NWORKERS; i++) {
		for (j = 0; j < KS_MAX_OPS; j++) {
			s->sum.ops[j] += s->ctr[i].ops[j];
			s->sum.fails[j] += s->ctr[i].fails[j];
		}
		for (j = 0; j < KS_ERRNO_MAX; j++)
			s->sum.err[j] += s->ctr[i].err[j];
	}
}

static bool mounted_below(const char *path)
{
	char line[4096], mp[4096];
	size_t n = strlen(path);
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	CHECK(f, "mountinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
		    !strncmp(mp, path, n) && (!mp[n] || mp[n] == '/'))
			found = true;
	fclose(f);
	return found;
}

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

static bool dir_empty(const char *path)
{
	struct dirent *de;
	bool empty = true;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

static void check_clean(struct storm *s, const char *wd)
{
	CHECK(!s->ctx.err[0], "teardown: %s", s->ctx.err);
	CHECK(!s->ctx.priv, "priv left");
	CHECK(!mounted_below(wd), "mount left below %s", wd);
	CHECK(!loop_below(wd), "loop device left bound below %s", wd);
	CHECK(dir_empty(wd), "%s not empty", wd);
}

enum how { FULL, KILLED, BAD_MOUNT };

/* In the child: a private namespace, setup, storm, teardown, checks. */
static void cycle(const char *wd, enum how how)
{
	struct storm s;
	int i;

	CHECK(!unshare(CLONE_NEWNS), "unshare: %s", strerror(errno));
	CHECK(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
	      "private /: %s", strerror(errno));
	storm_init(&s, wd);
	storm_set(&s, "max_files", "64");	/* reach the deletes */
	storm_set(&s, "max_snaps", "2");
	storm_set(&s, "max_subvols", "2");
	if (how == BAD_MOUNT) {
		/* Fails after the loop device and mkfs: a half setup. */
		storm_set(&s, "mount_opts", "no_such_option");
		CHECK(s.wl->setup(&s.ctx), "setup took a bad option");
		s.ctx.err[0] = 0;
	} else {
		CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
		storm_run(&s, how == KILLED ? 500 : 1500, how == KILLED);
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

Test(btrfs, teardown_after_half_setup, .timeout = 120)
{
	run_cycle(BAD_MOUNT);
}
