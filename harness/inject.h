/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The injectors of one scenario, as the scenario runs them: arm them all
 * once the workers run, tick them at every sample, disarm them and put
 * every kernel knob back on every exit path, and count what the kernel
 * says it injected ("FAULT_INJECTION: forcing a failure." in its log).
 */
#ifndef KS_INJECT_H
#define KS_INJECT_H

#include <jansson.h>
#include <stdbool.h>

#include "injector.h"
#include "plan.h"

struct ks_inject {
	int n;
	struct ks_inj_ctx ctx[KS_MAX_INJECTORS];
	bool armed;			/* arm() was tried: disarm() owed */
	/* the kernel log's own account of the injections */
	int64_t msgs[KS_MAX_INJECTORS];	/* FAULT_INJECTION lines per injector */
	int64_t msgs_from_workers;	/* with verbose=2: stack of a worker */
	int64_t msgs_from_others;	/* ... of any other task */
	char first_other[64];		/* "PID 12 Comm: kworker/0:1" */
	/*
	 * Messages whose stack has not come yet: two CPUs failing at once
	 * print both FAULT_INJECTION lines before either stack.
	 */
	int pending;
	/* The "name failslab, ..." line that follows FAULT_INJECTION's */
	bool name_next;
};

void ks_inject_init(struct ks_inject *in, const struct ks_scenario *sc,
		    struct ks_cgroup *cg);
/* In each worker, before its storm: scope the injection to it. */
void ks_inject_worker(const struct ks_inject *in);
/*
 * Arm every injector.  0 (also with none), 1 refused or unsupported here
 * (skip), -1 failed; why says which injector and why.  Call
 * ks_inject_disarm() whatever it returns.
 */
int ks_inject_arm(struct ks_inject *in, char *why, size_t len);
void ks_inject_tick(struct ks_inject *in, const struct ks_memcg_stats *st,
		    const struct ks_counters *sum, int64_t elapsed_ms);
/*
 * Disarm, restore every knob, and return {"name": report, ...} (NULL when
 * nothing was armed).  sum: the workers' totals now (or NULL), so that a
 * report counts up to the disarm, not only to the last tick.  A knob that
 * cannot be restored is an error in err.
 */
json_t *ks_inject_disarm(struct ks_inject *in, const struct ks_counters *sum,
			 char *err, size_t errlen);
/*
 * Into that report, what the kernel log said: each injector's
 * "kernel_messages" and the "stacks" they came with.  Call it once the
 * workers are gone and the log is drained: a failure injected as the
 * storm ended prints its stack after the disarm.
 */
void ks_inject_kmsg_counts(const struct ks_inject *in, json_t *report);
/* {"failslab": {"probability": "10", ...}}: the scenario's injectors. */
json_t *ks_inject_plan_json(const struct ks_scenario *sc);
/* One kernel log record's text, while the scenario runs. */
void ks_inject_kmsg(struct ks_inject *in, const char *text);
/* Prefix of a worker's comm (prctl PR_SET_NAME), as kernel reports show it. */
#define KS_WORKER_COMM	"ksw-"

#endif
