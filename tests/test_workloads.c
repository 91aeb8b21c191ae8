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

#include "workload.h"

#define NWORKERS 2

/*
 * Criterion asserts hang the runner when they fire in a forked child, so
 * the helpers, which also run in children that mount things in their own
 * namespace, check with CHECK(): in a child it prints and exits non-zero.
 */
static bool in_child;

#define CHECK(cond, ...)						\
	do {								\
		if (cond)						\
			break;						\
		if (in_child) {						\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			_exit(90);					\
		}							\
		cr_assert_fail(__VA_ARGS__);				\
	} while (0)

struct storm {
	const struct ks_workload *wl;
	struct ks_opt_value opt[KS_MAX_OPTS];
	struct ks_wl_ctx ctx;
	struct ks_counters *ctr;	/* NWORKERS, shared with the workers */
	struct ks_counters sum;
	volatile int stop;
};

/* "64", "256", "1G": enough of the plan syntax for the defaults. */
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

	CHECK(i >= 0, "%s has no option %s", s->wl->name, name);
	snprintf(s->opt[i].str, sizeof(s->opt[i].str), "%s", val);
	s->opt[i].num = s->wl->opts[i].type == KS_OPT_STRING ? 0 :
			parse_num(val);
}

static void storm_init(struct storm *s, const char *wl, const char *workdir)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->wl = ks_workload_find(wl);
	CHECK(s->wl, "no workload %s", wl);
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

/*
 * Fork the workers, run them ms milliseconds (or SIGKILL them after ms
 * when midway is set), sum their counters.  Returns how many exited non-zero.
 */
static int storm_run(struct storm *s, int ms, bool midway)
{
	pid_t pid[NWORKERS];
	int i, j, status, bad = 0;

	s->ctx.deadline_ns = now_ns() + (int64_t)ms * (midway ? 100 : 1) *
			     1000000;
	for (i = 0; i < NWORKERS; i++) {
		pid[i] = fork();
		CHECK(pid[i] >= 0, "fork: %s", strerror(errno));
		if (!pid[i]) {
			s->ctx.worker = i;
			s->ctx.ctr = &s->ctr[i];
			_exit(s->wl->run(&s->ctx));
		}
	}
	if (midway) {
		usleep(ms * 1000);
		for (i = 0; i < NWORKERS; i++)
			kill(pid[i], SIGKILL);
	}
	for (i = 0; i < NWORKERS; i++) {
		CHECK(waitpid(pid[i], &status, 0) == pid[i], "waitpid");
		if (!midway && !(WIFEXITED(status) && !WEXITSTATUS(status)))
			bad++;
	}
	memset(&s->sum, 0, sizeof(s->sum));
	for (i = 0; i < NWORKERS; i++) {
		for (j = 0; j < KS_MAX_OPS; j++) {
			s->sum.ops[j] += s->ctr[i].ops[j];
			s->sum.fails[j] += s->ctr[i].fails[j];
			s->sum.enomem[j] += s->ctr[i].enomem[j];
		}
		for (j = 0; j < KS_ERRNO_MAX; j++)
			s->sum.err[j] += s->ctr[i].err[j];
		s->sum.objects += s->ctr[i].objects;
	}
	return bad;
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

/* Is anything mounted at or below path? */
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

static void mkscratch(char *buf, size_t len, const char *base)
{
	snprintf(buf, len, "%s/kstest.XXXXXX", base);
	CHECK(mkdtemp(buf), "mkdtemp %s: %s", buf, strerror(errno));
}

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
	CHECK(!storm_run(&s, midway ? 100 : 200, midway), "a worker failed");
	if (!midway)
		assert_all_ops(&s);
	s.wl->teardown(&s.ctx);
	CHECK(!s.ctx.err[0], "teardown: %s", s.ctx.err);
	CHECK(!s.ctx.priv, "priv left");
	CHECK(dir_empty(workdir), "%s not empty", workdir);
	if (path)
		CHECK(dir_empty(path), "%s not empty", path);
	CHECK(!mounted_below(workdir), "mount left below %s", workdir);
	munmap(s.ctr, NWORKERS * sizeof(*s.ctr));
}

static const char *disk_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/var/tmp";
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
	cr_assert_eq(c.err[ENOMEM], 1);
	cr_assert_eq(c.err[ENOSPC], 1);
	cr_assert_eq(c.err[0], 1);
	cr_assert_eq(c.fails[0], 1);
	cr_assert_eq(c.err[EIO], 0);
}

Test(should_stop, flag_and_deadline)
{
	volatile int stop = 0;
	struct ks_wl_ctx ctx = { .stop = &stop };
	int i, stopped = 0;

	ctx.deadline_ns = now_ns() + 60LL * 1000000000;
	for (i = 0; i < 200; i++)
		cr_assert_not(ks_should_stop(&ctx));
	stop = 1;
	cr_assert(ks_should_stop(&ctx));
	stop = 0;
	ctx.deadline_ns = now_ns() - 1;
	for (i = 0; i < 64; i++)
		stopped += ks_should_stop(&ctx);
	cr_assert_gt(stopped, 0);
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
	storm_run(&s, 100, true);
	memset(s.ctr, 0, NWORKERS * sizeof(*s.ctr));
	cr_assert_eq(storm_run(&s, 100, false), 0);
	cr_expect_eq(s.sum.err[EEXIST], 0, "%s: EEXIST after respawn", wl);
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
		in_child = true;
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

	in_child = true;
	CHECK(!unshare(CLONE_NEWNS) &&
	      !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
	      "namespace: %s", strerror(errno));
	storm_init(&s, "inode", wd);
	storm_set(&s, "max_files", "50");
	storm_set(&s, "tmpfs_size", "16M");
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	snprintf(mnt, sizeof(mnt), "%s/tmpfs", wd);
	CHECK(mounted_below(mnt), "no tmpfs at %s", mnt);
	CHECK(!storm_run(&s, midway ? 100 : 200, midway), "a worker failed");
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

/* Without CAP_SYS_ADMIN the mount fails: a clean error, nothing left. */
Test(inode, tmpfs_mount_fails_cleanly)
{
	char wd[PATH_MAX];
	struct storm s;
	pid_t pid;
	int status;

	mkscratch(wd, sizeof(wd), disk_base());
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		in_child = true;
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
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status %#x", status);
	cr_assert(dir_empty(wd));
	rmdir(wd);
}
