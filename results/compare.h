/* SPDX-License-Identifier: GPL-2.0 */
/* kmemstorm compare: what changed per scenario between two sets of runs. */
#ifndef KS_COMPARE_H
#define KS_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "runview.h"

struct ks_compare_opts {
	double noise;		/* smallest ops/s change counted (0.10 = 10%) */
	int64_t overshoot_tol;	/* bytes over the limit taken as noise */
};

#define KS_COMPARE_NOISE 0.10
#define KS_COMPARE_OVERSHOOT_TOL (1LL << 20)

/*
 * Per scenario ("plan.scenario") of either side, its changes:
 * [{"scenario", "changes": [{"what", "text", "regression"}]}], only
 * scenarios with changes; *regressions counts the regressions.
 */
json_t *ks_compare(struct ks_run_view *base, size_t nbase,
		   struct ks_run_view *cand, size_t ncand,
		   const struct ks_compare_opts *o, int *regressions);
void ks_compare_print(FILE *f, json_t *diff, int regressions,
		      const struct ks_compare_opts *o);

#endif
