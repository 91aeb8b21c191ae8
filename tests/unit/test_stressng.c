// SPDX-License-Identifier: GPL-2.0
/*
 * The stressng storm: its YAML reader on reports captured from stress-ng
 * 0.15 (tests/fixtures/stressng), its option checks, and one real 2 s run
 * in a forked child that must end with stress-ng's process group gone.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "workload.h"

#include "stressng.h"

#ifndef KS_SRCDIR_FIXTURES
#define KS_SRCDIR_FIXTURES "tests/fixtures/stressng"
#endif

struct got {
	int n;
	char name[8][32];
	uint64_t bogo[8];
	double real[8];
};

static int collect(void *arg, const char *name, uint64_t bogo, double real,
		   double cpu)
{
	struct got *g = arg;

	(void)cpu;
	if (g->n == 8)
		return 1;
	snprintf(g->name[g->n], sizeof(g->name[0]), "%s", name);
	g->bogo[g->n] = bogo;
	g->real[g->n++] = real;
	return 0;
}

static void fixture(const char *file, struct got *g)
{
	char path[4096], err[256] = "";
	const char *dir = getenv("KS_FIXTURES");

	if (dir)
		snprintf(path, sizeof(path), "%s/stressng/%s", dir, file);
	else
		snprintf(path, sizeof(path), "%s/%s", KS_SRCDIR_FIXTURES, file);
	memset(g, 0, sizeof(*g));
	cr_assert_eq(ks_stressng_yaml(path, collect, g, err, sizeof(err)), 0,
		     "%s", err);
}

Test(stressng_yaml, two_stressors)
{
	struct got g;

	fixture("dentry-sock.yaml", &g);
	cr_assert_eq(g.n, 2);
	cr_assert_str_eq(g.name[0], "dentry");
	cr_assert_eq(g.bogo[0], 569);
	cr_assert_float_eq(g.real[0], 542.8328, 0.001);
	cr_assert_str_eq(g.name[1], "sock");
	cr_assert_eq(g.bogo[1], 218);
}

Test(stressng_yaml, unsupported_stressor_absent)
{
	struct got g;

	/* --dentry 1 --apparmor 1: exit status 0, apparmor not in metrics. */
	fixture("apparmor-missing.yaml", &g);
	cr_assert_eq(g.n, 1);
	cr_assert_str_eq(g.name[0], "dentry");
	cr_assert_eq(g.bogo[0], 3344);
}

Test(stressng_yaml, zero_bogo_ops)
{
	struct got g;

	fixture("inode-flags-zero.yaml", &g);
	cr_assert_eq(g.n, 3);
	cr_assert_str_eq(g.name[2], "inode-flags");
	cr_assert_eq(g.bogo[2], 0);
}

Test(stressng_yaml, errors)
{
	char path[] = "/tmp/ks-sng-XXXXXX", err[256] = "";
	struct got g = { 0 };
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "a: [b\n", 6), 6);
	close(fd);
	cr_assert_eq(ks_stressng_yaml(path, collect, &g, err, sizeof(err)), -1);
	cr_assert(err[0]);
	unlink(path);
	cr_assert_eq(ks_stressng_yaml("/nonexistent/x.yaml", collect, &g, err,
				      sizeof(err)), -1);
	cr_assert(strstr(err, "No such file"), "%s", err);
}

Test(stressng_opts, args)
{
	char err[256];

	cr_assert_eq(ks_stressng_check_args("", err, sizeof(err)), 0);
	cr_assert_eq(ks_stressng_check_args("--verify --tz", err,
					    sizeof(err)), 2);
	cr_assert_eq(ks_stressng_check_args("--temp-path /x", err,
					    sizeof(err)), 2);
	cr_assert_eq(ks_stressng_check_args("-t 5", err, sizeof(err)), -1);
	cr_assert(strstr(err, "-t"), "%s", err);
	cr_assert_eq(ks_stressng_check_args("-t5", err, sizeof(err)), -1);
	cr_assert_eq(ks_stressng_check_args("--verify --timeout=3", err,
					    sizeof(err)), -1);
	cr_assert_eq(ks_stressng_check_args("--timeout 3", err,
					    sizeof(err)), -1);
	cr_assert_eq(ks_stressng_check_args("--yaml /x", err, sizeof(err)),
		     -1);
}

struct storm {
	const struct ks_workload *wl;
	struct ks_opt_value opt[KS_MAX_OPTS];
	struct ks_wl_ctx ctx;
};

static void storm_init(struct storm *s, const char *workdir)
{
	const struct ks_opt_desc *d;
	int i;

	memset(s, 0, sizeof(*s));
	s->wl = ks_workload_find("stressng");
	cr_assert(s->wl);
	for (i = 0, d = s->wl->opts; d->name; d++, i++) {
		snprintf(s->opt[i].str, sizeof(s->opt[i].str), "%s", d->def);
		s->opt[i].num = !strcmp(d->def, "yes");
	}
	s->ctx.wl = s->wl;
	s->ctx.opt = s->opt;
	s->ctx.nworkers = 1;
	snprintf(s->ctx.workdir, sizeof(s->ctx.workdir), "%s", workdir);
}

static void storm_set(struct storm *s, const char *name, const char *v)
{
	int i = ks_workload_opt_index(s->wl, name);

	cr_assert(i >= 0);
	snprintf(s->opt[i].str, sizeof(s->opt[i].str), "%s", v);
}

static bool have_stressng(void)
{
	return !system("command -v stress-ng >/dev/null 2>&1");
}

Test(stressng_opts, setup_errors)
{
	struct storm s;

	storm_init(&s, "/tmp");
	storm_set(&s, "args", "--verify -t 3");
	cr_assert_eq(s.wl->setup(&s.ctx), -1);
	cr_assert(strstr(s.ctx.err, "-t"), "%s", s.ctx.err);
	s.wl->teardown(&s.ctx);

	storm_init(&s, "/tmp");
	storm_set(&s, "stressors", "dentry:x");
	cr_assert_eq(s.wl->setup(&s.ctx), -1);
	cr_assert(strstr(s.ctx.err, "count"), "%s", s.ctx.err);
	s.wl->teardown(&s.ctx);

	storm_init(&s, "/tmp");
	storm_set(&s, "stressors", "Dentry;rm");
	cr_assert_eq(s.wl->setup(&s.ctx), -1);
	s.wl->teardown(&s.ctx);
	cr_assert_null(s.ctx.priv);

	if (!have_stressng())
		cr_skip_test("stress-ng not installed (Debian package stress-ng)");
	storm_init(&s, "/tmp");
	storm_set(&s, "stressors", "dentry:1,no-such-stressor:1,sock");
	cr_assert_eq(s.wl->setup(&s.ctx), -1);
	cr_assert(strstr(s.ctx.err, "no-such-stressor") &&
		  !strstr(s.ctx.err, "dentry"), "%s", s.ctx.err);
	s.wl->teardown(&s.ctx);
}

/* Is any process's command line mentioning needle? */
static bool cmdline_has(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char path[300], buf[8192];
		size_t n, i;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = '\0';
		found = strstr(buf, needle) != NULL;
	}
	closedir(d);
	return found;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

Test(stressng_run, two_seconds, .timeout = 30)
{
	char workdir[] = "/tmp/ks-stressng-XXXXXX";
	struct ks_counters *ctr;
	volatile int *stop;
	struct storm s;
	int status, i;
	pid_t pid;

	if (!have_stressng())
		cr_skip_test("stress-ng not installed (Debian package stress-ng)");
	cr_assert(mkdtemp(workdir));
	ctr = mmap(NULL, sizeof(*ctr) + sizeof(int), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert(ctr != MAP_FAILED);
	stop = (volatile int *)(ctr + 1);
	storm_init(&s, workdir);
	storm_set(&s, "stressors", "dentry:1,sock:1");
	cr_assert_eq(s.wl->setup(&s.ctx), 0, "%s", s.ctx.err);
	s.ctx.stop = stop;
	s.ctx.deadline_ns = mono_ns() + 2000000000LL;

	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		s.ctx.worker = 0;
		s.ctx.ctr = ctr;
		_exit(ks_workload_run(&s.ctx));
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	/* Its group is killed and reaped: nothing names our workdir. */
	for (i = 0; i < 50 && cmdline_has(workdir); i++)
		usleep(20000);
	cr_assert(!cmdline_has(workdir), "stress-ng left running");
	cr_assert(mono_ns() < s.ctx.deadline_ns + 3000000000LL,
		  "ran past the hard deadline");
	cr_assert_eq(ctr->ops[0] + ctr->fails[0], 1, "run counted once");
	cr_assert_gt(ctr->ops[1], 0, "no bogo ops");
	cr_assert_eq(ctr->ops[2] + ctr->fails[2], 2);
	s.wl->teardown(&s.ctx);
	cr_assert(!s.ctx.err[0], "%s", s.ctx.err);
	cr_assert_eq(rmdir(workdir), 0, "%s: %s", workdir, strerror(errno));
}

/* An early stop (the harness interrupted) kills the group at once. */
Test(stressng_run, early_stop_kills_group, .timeout = 30)
{
	char workdir[] = "/tmp/ks-stressng-XXXXXX";
	struct ks_counters *ctr;
	volatile int *stop;
	struct storm s;
	int64_t t0;
	int status;
	pid_t pid;

	if (!have_stressng())
		cr_skip_test("stress-ng not installed (Debian package stress-ng)");
	cr_assert(mkdtemp(workdir));
	ctr = mmap(NULL, sizeof(*ctr) + sizeof(int), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert(ctr != MAP_FAILED);
	stop = (volatile int *)(ctr + 1);
	storm_init(&s, workdir);
	storm_set(&s, "stressors", "dentry:1");
	cr_assert_eq(s.wl->setup(&s.ctx), 0, "%s", s.ctx.err);
	s.ctx.stop = stop;
	t0 = mono_ns();
	s.ctx.deadline_ns = t0 + 20000000000LL;

	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		s.ctx.ctr = ctr;
		_exit(ks_workload_run(&s.ctx));
	}
	usleep(1000000);
	cr_assert(cmdline_has(workdir), "stress-ng not running");
	*stop = 1;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(mono_ns() - t0 < 5000000000LL, "not stopped at once");
	cr_assert(!cmdline_has(workdir), "stress-ng left running");
	cr_assert_eq(ctr->fails[0], 1, "run not counted as failed");
	cr_assert_eq(ctr->err[0][ETIME], 1);
	s.wl->teardown(&s.ctx);
	/* SIGKILLed: stress-ng may leave its temp dir behind in workdir. */
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", workdir);
		cr_assert_eq(system(cmd), 0);
	}
}

/*
 * The harness moving the deadline earlier (duration.until_limit: the
 * limit was hit) ends stress-ng as its own timeout would: exit 0, with
 * its metrics, not SIGKILLed.
 */
Test(stressng_run, deadline_moved_earlier_ends_cleanly, .timeout = 30)
{
	char workdir[] = "/tmp/ks-stressng-XXXXXX";
	struct ks_counters *ctr;
	int64_t t0, *live;
	struct storm s;
	int status;
	pid_t pid;

	if (!have_stressng())
		cr_skip_test("stress-ng not installed (Debian package stress-ng)");
	cr_assert(mkdtemp(workdir));
	ctr = mmap(NULL, sizeof(*ctr) + sizeof(*live), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert(ctr != MAP_FAILED);
	live = (int64_t *)(ctr + 1);
	storm_init(&s, workdir);
	storm_set(&s, "stressors", "dentry:1");
	cr_assert_eq(s.wl->setup(&s.ctx), 0, "%s", s.ctx.err);
	t0 = mono_ns();
	s.ctx.deadline_ns = *live = t0 + 20000000000LL;
	s.ctx.deadline_live = live;

	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		s.ctx.ctr = ctr;
		_exit(ks_workload_run(&s.ctx));
	}
	usleep(1500000);
	cr_assert(cmdline_has(workdir), "stress-ng not running");
	__atomic_store_n(live, mono_ns(), __ATOMIC_RELAXED);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	cr_assert(mono_ns() - t0 < 5000000000LL, "did not end at the new deadline");
	cr_assert(!cmdline_has(workdir), "stress-ng left running");
	cr_assert_eq(ctr->ops[0], 1, "run not a success: %llu failed",
		     (unsigned long long)ctr->fails[0]);
	cr_assert_gt(ctr->ops[1], 0, "no bogo ops: no metrics written");
	s.wl->teardown(&s.ctx);
	cr_assert(!s.ctx.err[0], "%s", s.ctx.err);
	cr_assert_eq(rmdir(workdir), 0, "%s: %s", workdir, strerror(errno));
}
