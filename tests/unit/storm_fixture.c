// SPDX-License-Identifier: GPL-2.0
/* Scaffolding shared by the storm tests: see storm_fixture.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "storm_fixture.h"

bool storm_in_child;

int64_t parse_num(const char *s)
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

void storm_set(struct storm *s, const char *name, const char *val)
{
	int i = ks_workload_opt_index(s->wl, name);

	CHECK(i >= 0, "%s has no option %s", s->wl->name, name);
	snprintf(s->opt[i].str, sizeof(s->opt[i].str), "%s", val);
	s->opt[i].num = s->wl->opts[i].type == KS_OPT_STRING ? 0 :
			parse_num(val);
}

void storm_init(struct storm *s, const char *wl, const char *workdir)
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

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int storm_run(struct storm *s, int ms, bool midway, storm_worker_fn *fn,
	      void *arg)
{
	pid_t pid[NWORKERS];
	int i, j, e, status, bad = 0;

	s->ctx.deadline_ns = now_ns() + (int64_t)ms * (midway ? 100 : 1) *
			     1000000;
	for (i = 0; i < NWORKERS; i++) {
		pid[i] = fork();
		CHECK(pid[i] >= 0, "fork: %s", strerror(errno));
		if (pid[i])
			continue;
		if (fn)
			fn(s, i, arg);
		s->ctx.worker = i;
		s->ctx.ctr = &s->ctr[i];
		_exit(ks_workload_run(&s->ctx));
	}
	if (midway) {
		usleep(ms * 1000);
		for (i = 0; i < NWORKERS; i++)
			kill(pid[i], SIGKILL);
	}
	for (i = 0; i < NWORKERS; i++) {
		CHECK(waitpid(pid[i], &status, 0) == pid[i], "waitpid");
		if (!midway && !(WIFEXITED(status) && !WEXITSTATUS(status))) {
			fprintf(stderr, "worker %d: status %#x\n", i, status);
			bad++;
		}
	}
	memset(&s->sum, 0, sizeof(s->sum));
	for (i = 0; i < NWORKERS; i++) {
		for (j = 0; j < KS_MAX_OPS; j++) {
			s->sum.ops[j] += s->ctr[i].ops[j];
			s->sum.fails[j] += s->ctr[i].fails[j];
			s->sum.enomem[j] += s->ctr[i].enomem[j];
			for (e = 0; e < KS_ERRNO_MAX; e++)
				s->sum.err[j][e] += s->ctr[i].err[j][e];
		}
		s->sum.objects += s->ctr[i].objects;
	}
	return bad;
}

void storm_in_fork(void (*fn)(const char *wd), const char *wd)
{
	pid_t pid;
	int status;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		storm_in_child = true;
		fn(wd);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status %#x", status);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	CHECK(d, "/proc/self/fd: %s", strerror(errno));
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* What one step counted, checked against op: one success, nothing else. */
static void check_step(const struct storm *s, const struct ks_counters *a,
		       int op, int rep)
{
	const struct ks_counters *b = s->ctx.ctr;
	uint64_t ok, fail;
	int k, e;

	for (k = 0; k < KS_MAX_OPS; k++) {
		ok = b->ops[k] - a->ops[k];
		fail = b->fails[k] - a->fails[k];
		for (e = 0; fail && e < KS_ERRNO_MAX; e++)
			if (b->err[k][e] != a->err[k][e])
				break;
		CHECK(ok == (k == op) && !fail,
		      "%s: step %d of %s counted %llu ok, %llu failed "
		      "(errno %d) of %s", s->wl->name, rep, s->wl->ops[op],
		      (unsigned long long)ok, (unsigned long long)fail, e,
		      s->wl->ops[k] ? s->wl->ops[k] : "?");
	}
}

void storm_sweep_hooks(struct storm *s, int reps)
{
	struct ks_counters before;
	int op, i, fds;
	void *st;

	CHECK(s->wl->begin && s->wl->step && s->wl->end, "%s: no hooks",
	      s->wl->name);
	s->ctx.worker = 0;
	s->ctx.ctr = &s->ctr[0];
	for (op = 0; op < KS_MAX_OPS && s->wl->ops[op]; op++) {
		fds = open_fds();
		st = s->wl->begin(&s->ctx);
		CHECK(st, "%s: begin() for %s failed", s->wl->name,
		      s->wl->ops[op]);
		for (i = 0; i < reps; i++) {
			CHECK(!s->wl->prepare || !s->wl->prepare(st, op),
			      "%s: prepare(%s): %s", s->wl->name,
			      s->wl->ops[op], strerror(errno));
			before = *s->ctx.ctr;
			s->wl->step(st, op);
			check_step(s, &before, op, i);
		}
		s->wl->end(st);
		CHECK(open_fds() == fds, "%s: %d descriptors left after %s",
		      s->wl->name, open_fds() - fds, s->wl->ops[op]);
	}
}

bool dir_empty(const char *path)
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

bool mounted_below(const char *path)
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

const char *disk_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/var/tmp";
}

void mkscratch(char *buf, size_t len, const char *base)
{
	snprintf(buf, len, "%s/kstest.XXXXXX", base);
	CHECK(mkdtemp(buf), "mkdtemp %s: %s", buf, strerror(errno));
}

void storm_check_clean(const struct storm *s, const char *workdir)
{
	CHECK(!s->ctx.err[0], "teardown: %s", s->ctx.err);
	CHECK(!s->ctx.priv, "priv left");
	CHECK(!mounted_below(workdir), "mount left below %s", workdir);
	CHECK(dir_empty(workdir), "%s not empty", workdir);
}
