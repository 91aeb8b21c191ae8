/* SPDX-License-Identifier: GPL-2.0 */
/* The worker processes of one scenario and their shared counters. */
#ifndef KS_WORKER_H
#define KS_WORKER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "workload.h"

enum ks_worker_state {
	KS_W_NOT_STARTED,
	KS_W_RUNNING,
	KS_W_EXITED,		/* exit(status) */
	KS_W_SIGNALED,		/* killed by a signal */
};

struct ks_worker {
	pid_t pid;
	enum ks_worker_state state;
	int status;		/* exit code or signal number */
	bool killed_by_harness;	/* the harness sent the fatal SIGKILL */
	int sigkilled;		/* SIGKILL deaths not from the harness */
	int respawns;
	struct ks_cgroup *cg;	/* where it runs, and is respawned */
};

/* Memory shared between the harness and its workers. */
struct ks_shared {
	volatile int stop;
	/* The workers' deadline (ks_wl_ctx deadline_live): only ever earlier */
	int64_t deadline_ns;
	struct ks_counters ctr[];	/* one per worker */
};

struct ks_crew {
	int n;
	struct ks_worker *w;
	struct ks_shared *shm;
	size_t shm_len;
	struct ks_wl_ctx ctx;	/* template; each worker sets its index */
	/* in each worker before run(): the injectors' scoping */
	void (*before_run)(void *arg);
	void *before_arg;
	/* instead of the workload's run(), e.g. a fail-nth sweep */
	int (*run)(struct ks_wl_ctx *ctx, void *arg);
	void *run_arg;
};

/*
 * Once per run, before any worker: the harness goes to the highest
 * priority it may (nice -20 as root) and every worker starts at the nice
 * the harness was started with.  A thousand busy workers on two CPUs
 * would otherwise leave the sampler, the kernel-log reader and the
 * journal a thousandth of a CPU: two samples in a 16 s storm, seen.
 */
void ks_crew_priority_setup(void);

/* Allocate n workers' slots and shared counters; ctx is copied. */
int ks_crew_init(struct ks_crew *crew, int n, const struct ks_wl_ctx *ctx);
void ks_crew_free(struct ks_crew *crew);
/* Start every worker inside cg.  0, or -errno (already started keep running). */
int ks_crew_start(struct ks_crew *crew, struct ks_cgroup *cg);
/*
 * Worker i in cgs[i % ncg]: the scenario's workers spread over its
 * cgroups.  0, or -errno.
 */
int ks_crew_start_spread(struct ks_crew *crew, struct ks_cgroup *const *cgs,
			 int ncg);
/* Start worker i (not running) in cg, with deadline_ns its deadline. */
int ks_crew_start_one(struct ks_crew *crew, int i, struct ks_cgroup *cg);
/*
 * Start again every worker that a SIGKILL from outside (the OOM killer)
 * ended, as stress-ng does, so one OOM kill does not end the storm.
 * Returns how many were started.
 */
int ks_crew_respawn(struct ks_crew *crew, struct ks_cgroup *cg);
/* Collect exits without blocking; returns the number still running. */
int ks_crew_reap(struct ks_crew *crew);
/*
 * Ask workers to stop, wait up to grace_ms, then SIGKILL the cgroup and
 * wait for every worker.  Never leaves a child behind.
 */
void ks_crew_stop(struct ks_crew *crew, struct ks_cgroup *cg, int grace_ms);
/*
 * Set the workers' deadline (CLOCK_MONOTONIC), also of those already
 * running: once (before or just after ks_crew_start(); until then they
 * have none), then only ever to an earlier time.
 */
void ks_crew_set_deadline(struct ks_crew *crew, int64_t deadline_ns);
/* Sum of every worker's counters; _add adds them to sum. */
void ks_crew_sum(const struct ks_crew *crew, struct ks_counters *sum);
void ks_crew_sum_add(const struct ks_crew *crew, struct ks_counters *sum);

#endif
