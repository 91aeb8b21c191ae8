// SPDX-License-Identifier: GPL-2.0
/*
 * The bare loop of any storm: the workload's own code (workloads/, its
 * setup, begin, step and end, its weighted mix and its counting), with
 * default options, and nothing of the harness around it: no cgroup, no
 * sampler, journal or kernel-log watcher, no shared deadline.  SIGALRM
 * stops it.  It measures how fast the kernel runs exactly the storm's
 * operations on this machine, and cannot drift from the storm: it is the
 * storm.
 *
 *   bare-storm STORM WORKERS SECONDS DIR
 *
 * forks WORKERS processes in DIR (the storm's workdir) and prints
 *
 *   ops N seconds S ops_per_sec R OP=N ...
 *
 * successful operations as the storm counts them, S from before the first
 * fork to the last worker reaped, like kmemstorm's storm_ms.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "clock.h"
#include "plan.h"
#include "workload.h"

/* Set by SIGALRM: the stop flag ks_should_stop() reads. */
static volatile int stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGALRM at deadline (ks_now_ns() time) in the calling process. */
static void arm_alarm(int64_t deadline)
{
	struct sigaction sa = { .sa_handler = on_alarm,
				.sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	int64_t left = deadline - ks_now_ns();

	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (left <= 0) {
		stop = 1;
		return;
	}
	it.it_value.tv_sec = left / 1000000000;
	it.it_value.tv_usec = left % 1000000000 / 1000 ?: 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* The storm's default options, as a one-scenario plan would give them. */
static int default_scenario(const char *storm, struct ks_plan *plan)
{
	struct ks_plan_errors errs;
	char text[256];

	snprintf(text, sizeof(text),
		 "[plan]\nname = bare\n[scenario bare]\nworkload = %s\n",
		 storm);
	if (ks_plan_parse(text, "bare", plan, &errs)) {
		ks_plan_errors_print(&errs, stderr);
		return -1;
	}
	return 0;
}

static void report(const struct ks_workload *wl, const struct ks_counters *c,
		   int nw, int64_t t0, int64_t t1)
{
	uint64_t total = 0, sum;
	int i, k;

	for (i = 0; i < nw; i++)
		for (k = 0; k < KS_MAX_OPS; k++)
			total += c[i].ops[k];
	printf("ops %llu seconds %.3f ops_per_sec %.1f",
	       (unsigned long long)total, (t1 - t0) / 1e9,
	       total / ((t1 - t0) / 1e9));
	for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++) {
		for (i = 0, sum = 0; i < nw; i++)
			sum += c[i].ops[k];
		printf(" %s=%llu", wl->ops[k], (unsigned long long)sum);
	}
	printf("\n");
}

/* Every worker, forked, until SIGALRM; 0 when all ran to their end. */
static int run_workers(struct ks_wl_ctx *ctx, struct ks_counters *c, int nw,
		       int64_t deadline)
{
	pid_t pid[64];
	int i, n, status, ret = 0;

	for (n = 0; n < nw; n++) {
		pid[n] = fork();
		if (pid[n] < 0) {
			perror("bare-storm: fork");
			ret = 1;
			break;
		}
		if (!pid[n]) {
			arm_alarm(deadline);
			ctx->worker = n;
			ctx->ctr = &c[n];
			_exit(ks_workload_run(ctx));
		}
	}
	for (i = 0; i < n; i++)
		if (waitpid(pid[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "bare-storm: worker %d failed\n", i);
			ret = 1;
		}
	return ret;
}

int main(int argc, char **argv)
{
	struct ks_wl_ctx ctx = { 0 };
	struct ks_counters *c;
	struct ks_plan plan;
	const struct ks_scenario *sc;
	int64_t t0;
	double secs;
	int nw, ret;

	if (argc != 5 || (nw = atoi(argv[2])) < 1 || nw > 64 ||
	    (secs = atof(argv[3])) <= 0) {
		fprintf(stderr, "usage: bare-storm STORM WORKERS SECONDS DIR\n");
		return 2;
	}
	if (default_scenario(argv[1], &plan))
		return 2;
	sc = &plan.scenarios[0];
	ctx.wl = sc->wl;
	ctx.scenario = "bare";
	ctx.opt = sc->opt;
	ctx.nworkers = nw;
	ctx.stop = &stop;
	snprintf(ctx.workdir, sizeof(ctx.workdir), "%s", argv[4]);
	c = mmap(NULL, nw * sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		perror("bare-storm: mmap");
		return 1;
	}
	memset(c, 0, nw * sizeof(*c));
	if (ctx.wl->setup && ctx.wl->setup(&ctx)) {
		fprintf(stderr, "bare-storm: %s setup: %s\n", ctx.wl->name,
			ctx.err);
		return 1;
	}
	t0 = ks_now_ns();
	ret = run_workers(&ctx, c, nw, t0 + (int64_t)(secs * 1e9));
	report(ctx.wl, c, nw, t0, ks_now_ns());
	if (ctx.wl->teardown)
		ctx.wl->teardown(&ctx);
	if (ctx.err[0])
		fprintf(stderr, "bare-storm: %s teardown: %s\n", ctx.wl->name,
			ctx.err);
	ks_plan_free(&plan);
	return ret;
}
