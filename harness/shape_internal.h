/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by shape.c (the tree, sampling, totals) and shape_churn.c. */
#ifndef KS_SHAPE_INTERNAL_H
#define KS_SHAPE_INTERNAL_H

#include "shape.h"

#define SHAPE_BUF	4096
#define SHAPE_WORST	5

/* One of the N: the chain's top (read) and its bottom (workers run). */
struct chain {
	char name[16];			/* c0001 */
	char *top;			/* directory of the chain's top */
	struct ks_cgroup leaf;
	int64_t limit;			/* the chain's smallest memory.max */
	int64_t allow;			/* overshoot allowed past it; -1 */
	int64_t current, max_current, peak, hits, ooms;
};

struct churn_slot {
	struct ks_cgroup cg;		/* path[0] == 0: free */
	char name[16];
	int64_t limit, allow;
	int64_t started_ns;
};

struct ks_shape {
	const struct ks_scenario *sc;
	const struct ks_cg_root *root;
	struct ks_cgroup *top;
	int n;
	struct chain *c;
	struct ks_cgroup **leaves;
	int64_t *scratch;		/* n usages, sorted per pass */
	char buf[SHAPE_BUF];
	/* churn */
	struct ks_crew crew;
	int first_worker;
	struct churn_slot *slot;
	int64_t churn_t0;
	int64_t created, removed, churn_failed, churn_hits, churn_ooms;
	int64_t churn_peak_max;
	char churn_err[256];
	int64_t passes;
	int64_t live_usage;		/* the last pass: cgroups alive */
};

/* Usage of the churned cgroups alive now (shape_churn.c). */
int64_t ks_shape_churn_usage(struct ks_shape *sh);


/* The limits of a cgroup of the scenario's with this memory.max. */
int ks_shape_bottom_limits(const struct ks_scenario *sc, struct ks_cgroup *cg,
			   int64_t max, char *err, size_t errlen);

#endif
