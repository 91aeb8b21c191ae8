/* SPDX-License-Identifier: GPL-2.0 */
/* The verdict rules: a pure function of what a scenario observed. */
#ifndef KS_VERDICT_H
#define KS_VERDICT_H

#include <stdint.h>

#include "plan.h"

enum ks_verdict { KS_PASS, KS_FAIL, KS_SKIP, KS_ERROR };

/* What one scenario observed, as the verdict needs it. */
struct ks_outcome {
	int64_t ops;			/* successful operations */
	int64_t enomem;			/* ENOMEM seen by workers */
	int64_t limit_hits;		/* v2 max events / v1 failcnt */
	int64_t until_limit_ms;		/* the scenario's duration.until_limit */
	int ran_away;			/* stopped: usage past max_overshoot */
	int64_t oom_kills;		/* memcg OOM kills */
	int64_t peak;			/* bytes, -1 unknown */
	int64_t sampled_max;		/* highest memory.current sampled; -1 */
	int64_t limit;			/* memory.max set, -1 none */
	int kernel_reports;		/* of severity bug */
	int info_reports;		/* memcg OOM, allocation failures */
	int allowed_reports;		/* bugs allow_report names (in info) */
	char first_report[160];		/* title of the first bug */
	int crashed;			/* workers dead by a signal (not KILL) or exit != 0 */
	char first_crash[96];		/* e.g. "worker 1: SIGSEGV" */
	int killed;			/* SIGKILLs not from the harness */
	int respawns;			/* workers started again after one */
	int interrupted;		/* SIGINT/SIGTERM ended the scenario */
	int taint_new;			/* taint flags gained meanwhile */
	int64_t enomem_surfaced;	/* failures: ENOMEM surfaced as X */
	char first_surfaced[96];	/* "ENFILE from create" */
};

#define KS_MAX_REASONS 8
struct ks_verdict_result {
	enum ks_verdict verdict;
	int nreasons;
	char reason[KS_MAX_REASONS][192];
};

void ks_verdict_decide(const struct ks_expectations *x,
		       const struct ks_outcome *o, struct ks_verdict_result *r);
/* Mark skipped or errored with one reason (no rules evaluated). */
void ks_verdict_set(struct ks_verdict_result *r, enum ks_verdict v,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* One more reason after the rules: a pass becomes a fail, others stay. */
void ks_verdict_fail(struct ks_verdict_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *ks_verdict_name(enum ks_verdict v);	/* "pass", "fail", ... */
/* Run exit code: 2 any error, 1 any fail, 4 all skipped, else 0. */
int ks_exit_code(int pass, int fail, int skip, int error);

#endif
