// SPDX-License-Identifier: GPL-2.0
/*
 * The writing half of the cgroup layer: creation, spawning workers into a
 * cgroup and tearing it down again, on cgroup v1 and v2 alike.  Limits
 * live in cgroup_limits.c; detection, the parsers and statistics in
 * cgroup_stats.c.
 *
 * Safety rules this file keeps: cgroups are only ever created below the
 * process's own cgroup (or below one created from there), every error
 * path removes what it created, and pids are only signalled when they
 * were read from a real cgroup filesystem.
 */
#ifdef HAVE_CONFIG_H
#include "clock.h"
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/sched.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "failpoint.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Deeper than any tree we create; stops a runaway walk. */
#define KS_CG_MAX_DEPTH 16
#define KS_CG_RMDIR_MS 2000
#define KS_CG_DRAIN_MS 2000

/*
 * On v2 a child only gets memory.* files when its parent delegates the
 * controller.  Read first: writing "+memory" when it is already there is
 * harmless, but it fails on a parent that still has processes, and a
 * parent set up by the administrator may already have it.
 */
static int enable_memory(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], buf[1024];
	ssize_t n;
	int ret;

	if (ks_cg_join(path, sizeof(path), dir, "cgroup.subtree_control"))
		return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				  "%s: path too long", dir);
	n = ks_file_read(path, buf, sizeof(buf));
	if (n < 0)
		return ks_cg_fail(err, errlen, (int)n, "%s: %s", path,
				  strerror((int)-n));
	if (ks_cg_list_has(buf, "memory", " \t\n"))
		return 0;
	ret = ks_cg_write_file(path, "+memory", err, errlen);
	if (ret == -EBUSY && err && errlen) {
		size_t len = strlen(err);

		/* The most common v2 surprise gets a hint. */
		if (len < errlen)
			snprintf(err + len, errlen - len,
				 " (no internal processes: %s has processes of its own; start kmemstorm in a cgroup whose subtree_control already has memory)",
				 dir);
	}
	return ret;
}

static bool valid_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int ks_cg_create(const struct ks_cg_root *root, const struct ks_cgroup *parent,
		 const char *name, struct ks_cgroup *out, char *err,
		 size_t errlen)
{
	char dir[PATH_MAX];
	int ret;

	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
	if (root->version != KS_CG_V1 && root->version != KS_CG_V2)
		return ks_cg_fail(err, errlen, -ENODEV,
				  "no memory cgroup controller");
	if (!valid_name(name))
		return ks_cg_fail(err, errlen, -EINVAL,
				  "invalid cgroup name \"%s\"",
				  name ? name : "(null)");
	if (parent) {
		if (!parent->path[0])
			return ks_cg_fail(err, errlen, -EINVAL,
					  "parent cgroup was not created");
		snprintf(dir, sizeof(dir), "%s", parent->path);
	} else if (ks_cg_self_dir(root, dir, sizeof(dir))) {
		return ks_cg_fail(err, errlen, -ENAMETOOLONG,
				  "%s%s: path too long", root->mount,
				  root->self);
	}
	if (ks_cg_join(out->path, sizeof(out->path), dir, name)) {
		ret = ks_cg_fail(err, errlen, -ENAMETOOLONG,
				 "%s/%s: path too long", dir, name);
		goto fail;
	}
	/*
	 * Before mkdir, so a failure leaves nothing behind.  The parent's
	 * "+memory" is not undone on later errors: siblings may rely on it
	 * and it changes nothing else.
	 */
	if (root->version == KS_CG_V2) {
		ret = enable_memory(dir, err, errlen);
		if (ret)
			goto fail;
	}
	/* The run's own cgroup (no parent), or a scenario's. */
	if (ks_fiu_sys(parent ? "kmemstorm/cgroup/mkdir" :
			"kmemstorm/runcg/mkdir", ENOSPC,
		       mkdir(out->path, 0755)) < 0) {
		ret = -errno;
		ks_cg_fail(err, errlen, ret, "mkdir %s: %s", out->path,
			   strerror(-ret));
		goto fail;
	}
	/* O_PATH is enough for CLONE_INTO_CGROUP and keeps no file open. */
	out->dirfd = open(out->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (out->dirfd < 0) {
		ret = -errno;
		ks_cg_fail(err, errlen, ret, "open %s: %s", out->path,
			   strerror(-ret));
		goto fail_rmdir;
	}
	out->version = root->version;
	return 0;

fail_rmdir:
	rmdir(out->path);
fail:
	out->path[0] = '\0';
	out->dirfd = -1;
	return ret;
}

int ks_cg_attach(struct ks_cgroup *cg, pid_t pid, char *err, size_t errlen)
{
	char val[24];

	snprintf(val, sizeof(val), "%d", (int)pid);
	return ks_cg_write_in(cg->path, "cgroup.procs", val, err, errlen);
}

/*
 * fork() fallback: the child moves itself before running fn and reports
 * the move's outcome through a close-on-exec pipe, so the caller gets an
 * error instead of a pid, and no worker ever runs outside its cgroup.
 */
static pid_t spawn_fork(struct ks_cgroup *cg, int (*fn)(void *), void *arg)
{
	struct pollfd pl;
	int pfd[2], ret, cerr = 0;
	ssize_t n = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return ret;
	}
	if (pid == 0) {
		close(pfd[0]);
		cerr = -ks_cg_attach(cg, 0, NULL, 0);
		n = write(pfd[1], &cerr, sizeof(cerr));
		if (cerr)
			_exit(127);
		close(pfd[1]);
		_exit(fn(arg));
	}
	close(pfd[1]);
	/*
	 * Not until EOF: had that close failed, we would wait for ourselves.
	 * No word within 5 s (or a failed read): the child runs fn only in
	 * its cgroup, and its exit status tells the rest.
	 */
	pl.fd = pfd[0];
	pl.events = POLLIN;
	if (poll(&pl, 1, 5000) > 0) {
		do {
			n = read(pfd[0], &cerr, sizeof(cerr));
		} while (n < 0 && errno == EINTR);
	}
	close(pfd[0]);
	if (n == (ssize_t)sizeof(cerr) && cerr) {
		waitpid(pid, NULL, 0);
		return -cerr;
	}
	return pid;
}

pid_t ks_cg_spawn(struct ks_cgroup *cg, int (*fn)(void *), void *arg)
{
	struct clone_args ca;
	long pid;

	if (!cg->path[0])
		return -EINVAL;
	fiu_return_on("kmemstorm/worker/fork", -EAGAIN);
	if (cg->version == KS_CG_V2 && cg->dirfd >= 0) {
		memset(&ca, 0, sizeof(ca));
		ca.flags = CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = (uint64_t)cg->dirfd;
		/*
		 * No stack and no CLONE_VM: the child runs on a copy of our
		 * stack, exactly as after fork(), but without glibc's atfork
		 * handlers, so spawn from a single-threaded harness.
		 */
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid == 0)
			_exit(fn(arg));
		if (pid > 0)
			return (pid_t)pid;
		/* Kernels before 5.7 or without CLONE_INTO_CGROUP. */
		if (errno != ENOSYS && errno != EINVAL && errno != E2BIG)
			return -errno;
	}
	return spawn_fork(cg, fn, arg);
}

static int read_pids(const char *dir, pid_t *pids, int max)
{
	char path[PATH_MAX];
	int n = 0, ret = 0;
	long v;
	FILE *f;

	if (ks_cg_join(path, sizeof(path), dir, "cgroup.procs"))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%ld", &v) == 1) {
		if (v <= 0 || v > INT_MAX) {
			ret = -EINVAL;
			break;
		}
		if (pids && n < max)
			pids[n] = (pid_t)v;
		n++;
		if (pids && n >= max)
			break;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	fclose(f);
	return ret ? ret : n;
}

int ks_cg_pids(struct ks_cgroup *cg, pid_t *pids, int max)
{
	if (max < 0)
		return -EINVAL;
	if (!max)
		return 0;
	return read_pids(cg->path, pids, max);
}

/* Visit the child cgroups of dir, or only its directories on a fake tree. */
static int for_each_child(const char *dir,
			  int (*fn)(const char *path, int depth, void *data),
			  int depth, void *data)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	int ret = 0, r;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (ks_cg_join(path, sizeof(path), dir, de->d_name))
			continue;
		if (de->d_type == DT_UNKNOWN &&
		    (lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)))
			continue;
		r = fn(path, depth + 1, data);
		if (r < 0 && !ret)
			ret = r;
	}
	closedir(d);
	return ret;
}

static bool on_cgroupfs(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf) < 0)
		return false;
	return sf.f_type == CGROUP_SUPER_MAGIC ||
	       sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* SIGKILL what is in dir and below, deepest last. */
static int kill_tree(const char *dir, int depth, void *data)
{
	pid_t pids[256];
	int n, i, ret = 0;

	if (depth > KS_CG_MAX_DEPTH)
		return -ELOOP;
	n = read_pids(dir, pids, (int)(sizeof(pids) / sizeof(pids[0])));
	if (n < 0 && n != -ENOENT)
		ret = n;
	/*
	 * Never signal pids read from an ordinary file: a fake test tree or
	 * a stale copy could name anybody's processes.
	 */
	if (n > 0 && !on_cgroupfs(dir))
		ret = -EXDEV;
	else
		for (i = 0; i < n; i++)
			if (kill(pids[i], SIGKILL) < 0 && errno != ESRCH &&
			    !ret)
				ret = -errno;
	i = for_each_child(dir, kill_tree, depth, data);
	return ret ? ret : i;
}

int ks_cg_kill(struct ks_cgroup *cg)
{
	char path[PATH_MAX];
	int ret;

	if (!cg->path[0])
		return 0;
	/* cgroup.kill (5.14+) kills the whole subtree atomically. */
	if (cg->version == KS_CG_V2 &&
	    !ks_cg_join(path, sizeof(path), cg->path, "cgroup.kill")) {
		ret = ks_cg_write_file(path, "1", NULL, 0);
		if (ret != -ENOENT)
			return ret;
	}
	/*
	 * One pass can miss a child forked meanwhile; ks_cg_destroy() calls
	 * this again until the tree drains.
	 */
	return kill_tree(cg->path, 0, NULL);
}

/* Count the processes in dir and below. */
static int count_tree(const char *dir, int depth, void *data)
{
	int *total = data, n;

	if (depth > KS_CG_MAX_DEPTH)
		return -ELOOP;
	n = read_pids(dir, NULL, 0);
	if (n == -ENOENT)
		n = 0;
	if (n < 0)
		return n;
	*total += n;
	return for_each_child(dir, count_tree, depth, data);
}

int ks_cg_drain(struct ks_cgroup *cg, int timeout_ms)
{
	int64_t deadline = ks_now_ns() / 1000000 + timeout_ms;
	int total, ret;

	if (!cg->path[0])
		return 0;
	for (;;) {
		total = 0;
		ret = count_tree(cg->path, 0, &total);
		if (ret < 0)
			return ret;
		if (!total)
			return 0;
		if (ks_now_ns() / 1000000 >= deadline)
			return -ETIMEDOUT;
		ks_sleep_ms(10);
	}
}

struct rm_ctx {
	int64_t deadline;
	int err;
	char path[PATH_MAX];
};

/* rmdir depth-first, one pass: ks_cg_destroy() tries again. */
static int rm_tree(const char *dir, int depth, void *data)
{
	struct rm_ctx *rc = data;
	int ret;

	if (depth > KS_CG_MAX_DEPTH)
		return -ELOOP;
	ret = for_each_child(dir, rm_tree, depth, data);
	if (ret < 0)
		return ret;
	if (!ks_fiu_sys("kmemstorm/cgroup/rmdir", EBUSY, rmdir(dir)) ||
	    errno == ENOENT)
		return 0;
	rc->err = errno;
	snprintf(rc->path, sizeof(rc->path), "%s", dir);
	return -rc->err;
}

void ks_cg_close(struct ks_cgroup *cg)
{
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	cg->dirfd = -1;
}

int ks_cg_destroy(struct ks_cgroup *cg, char *err, size_t errlen)
{
	struct rm_ctx rc = { 0 };
	int ret, i;

	if (!cg->path[0])
		return 0;
	/* Kill again if a task forked while we were killing. */
	for (i = 0; i < 3; i++) {
		ks_cg_kill(cg);
		if (!ks_cg_drain(cg, KS_CG_DRAIN_MS / 2))
			break;
	}
	/*
	 * EBUSY while the last tasks exit, or from a child a failed walk
	 * missed: walk again, and kill again, until the deadline.
	 */
	rc.deadline = ks_now_ns() / 1000000 + KS_CG_RMDIR_MS;
	for (;;) {
		rc.err = 0;
		ret = rm_tree(cg->path, 0, &rc);
		if (!ret || ks_now_ns() / 1000000 >= rc.deadline)
			break;
		ks_cg_kill(cg);
		ks_sleep_ms(20);
	}
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	cg->dirfd = -1;
	if (ret < 0) {
		if (rc.err)
			return ks_cg_fail(err, errlen, ret, "rmdir %s: %s",
					  rc.path, strerror(rc.err));
		return ks_cg_fail(err, errlen, ret, "%s: %s", cg->path,
				  strerror(-ret));
	}
	cg->path[0] = '\0';
	cg->version = KS_CG_NONE;
	return 0;
}

int ks_cg_reap_stale(const struct ks_cg_root *root, const char *prefix_name)
{
	size_t plen = strlen(prefix_name);
	char dir[PATH_MAX], err[256];
	struct ks_cgroup cg;
	struct dirent *de;
	int reaped = 0;
	DIR *d;

	if (root->version != KS_CG_V1 && root->version != KS_CG_V2)
		return -ENODEV;
	if (!plen || ks_cg_self_dir(root, dir, sizeof(dir)))
		return -EINVAL;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		const char *p = de->d_name + plen;
		char *end;
		long pid;

		if (strncmp(de->d_name, prefix_name, plen) || !isdigit(*p))
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (*end || errno || pid <= 0 || pid > INT_MAX ||
		    pid == getpid())
			continue;
		/*
		 * Only a pid that is certainly gone: EPERM means somebody
		 * else's live process, and a reused pid keeps its cgroup
		 * until a later run finds it dead.
		 */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		memset(&cg, 0, sizeof(cg));
		cg.version = root->version;
		cg.dirfd = -1;
		if (ks_cg_join(cg.path, sizeof(cg.path), dir, de->d_name))
			continue;
		/* readdir copes with entries removed behind its position. */
		if (!ks_cg_destroy(&cg, err, sizeof(err)))
			reaped++;
	}
	closedir(d);
	return reaped;
}
