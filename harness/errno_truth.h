/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errno truth: once a scenario's cgroup is under memory pressure, an
 * operation failing with an errno outside its allowed set is taken for an
 * allocation failure the kernel reported as something else ("ENOMEM
 * surfaced as ENFILE").  Before any pressure the same errno is only
 * "unexpected": a storm or environment problem, not a finding.
 *
 * Pressure is the first sample showing a limit hit (v2 max event, v1
 * failcnt), a kmem charge failure, an OOM event or a worker's ENOMEM, or
 * an injector arming.  Samples are plan.sample_interval apart, so failures
 * in the interval that saw pressure begin count as surfaced.
 */
#ifndef KS_ERRNO_TRUTH_H
#define KS_ERRNO_TRUTH_H

#include <jansson.h>

#include "cgroup.h"
#include "errnoset.h"
#include "plan.h"

struct ks_errno_truth {
	const struct ks_scenario *sc;
	int64_t pressure_ms;		/* since scenario start; -1: none yet */
	char pressure_why[48];
	/* failures per op and errno at the last sample without pressure */
	uint64_t base[KS_MAX_OPS][KS_ERRNO_MAX];
};

/* Totals over a scenario, for the verdict. */
struct ks_errno_findings {
	int64_t surfaced;		/* failures counted as ENOMEM surfaced */
	int64_t unexpected;		/* disallowed errnos before pressure */
	char first[96];			/* "ENFILE from create" */
};

void ks_errno_truth_init(struct ks_errno_truth *t,
			 const struct ks_scenario *sc);
/* Feed one sample: the workers' sums and the cgroup's counters. */
void ks_errno_truth_sample(struct ks_errno_truth *t,
			   const struct ks_counters *sum,
			   const struct ks_memcg_stats *st, int64_t t_ms);
/* Pressure from elsewhere (an injector arming), with why. */
void ks_errno_truth_pressure(struct ks_errno_truth *t, int64_t t_ms,
			     const char *why);
/*
 * Classify the final sums: one record per (op, errno) outside the allowed
 * set, each a new object made by mkrec(type, arg) and filled here, appended
 * to out (a JSON array).  Fills *f.
 */
void ks_errno_truth_finish(const struct ks_errno_truth *t,
			   const struct ks_counters *sum,
			   json_t *(*mkrec)(const char *type, void *arg),
			   void *arg, json_t *out,
			   struct ks_errno_findings *f);
/*
 * What op may fail with under pressure: the plan's allow_errno if it set
 * one, else the storm's allow[] and, where faults are injected, its known
 * conversions; ENOMEM always.
 */
void ks_errno_allowed(const struct ks_scenario *sc, int op,
		      struct ks_errno_set *set);
/* {"op": "ENOMEM ENOSPC", ...}: every operation's allowed set. */
json_t *ks_errno_allowed_json(const struct ks_scenario *sc);

#endif
