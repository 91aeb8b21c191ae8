/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario's cgroup tree (the cgroups.* plan keys): many sibling
 * cgroups, chains of nested ones, and cgroups churned during the storm.
 * The sampler reads each cgroup once per interval and journals
 * aggregates, not one record per cgroup.
 */
#ifndef KS_SHAPE_H
#define KS_SHAPE_H

#include <jansson.h>

#include "cgroup.h"
#include "plan.h"
#include "worker.h"

struct ks_shape;

/*
 * Build the tree below top (the scenario's cgroup): cgroups, their chains
 * and limits.  NULL with err on failure; what was made is removed with
 * top.  A plain scenario (one cgroup, no churn) needs no shape.
 */
bool ks_shape_wanted(const struct ks_scenario *sc);
struct ks_shape *ks_shape_create(const struct ks_scenario *sc,
				 const struct ks_cg_root *root,
				 struct ks_cgroup *top, char *err,
				 size_t errlen);
/*
 * The cgroup an injector acting on one cgroup gets: the storm's own when
 * there is one (a victim beside it), else the scenario's.
 */
struct ks_cgroup *ks_shape_storm_cg(struct ks_shape *sh);
/* The cgroups the workers are spread over, n of them. */
struct ks_cgroup *const *ks_shape_cgroups(const struct ks_shape *sh, int *n);

/*
 * Churned cgroups' workers: a crew of cgroups.churn_live slots, run like
 * the storm's (ctx, before_run), numbered after its first_worker.
 */
int ks_shape_churn_init(struct ks_shape *sh, const struct ks_wl_ctx *ctx,
			int first_worker, void (*before_run)(void *),
			void *arg);
/*
 * Create the cgroups due by now (ks_now_ns()) and remove the ones whose
 * worker ended, until stop_ns; then none is created.
 */
void ks_shape_churn_tick(struct ks_shape *sh, int64_t stop_ns);
/*
 * cgroups.churn_total: every cgroup created and removed.  The storm waits
 * for that, at most ks_shape_churn_ceiling_ms() past its duration: a
 * minute, plus cgroups.churn_total at a twentieth of the rate the keys
 * allow.
 */
bool ks_shape_churn_done(const struct ks_shape *sh);
int64_t ks_shape_churn_ceiling_ms(const struct ks_scenario *sc);
/* How many were created and removed so far. */
void ks_shape_churn_counts(const struct ks_shape *sh, int64_t *created,
			   int64_t *removed);
/* The first reason a churned cgroup failed, or NULL. */
const char *ks_shape_churn_error(const struct ks_shape *sh);
/* Stop churning: workers asked to stop, then killed, cgroups removed. */
void ks_shape_churn_stop(struct ks_shape *sh, int grace_ms);

/*
 * One pass over every cgroup: rec gets "cgroups" with min/median/max
 * usage, limit hits, OOM kills.  Returns the largest excess of a
 * cgroup's usage over its limit plus its allowed overshoot (> 0: a
 * runaway, named in *name); *hits: limit hits over the tree so far.
 */
int64_t ks_shape_sample(struct ks_shape *sh, json_t *rec, const char **name,
			int64_t *hits);
/*
 * Usage of the cgroups alive at the last pass (steady and churned): what
 * the scenario's cgroup holds beyond it is charged to no live cgroup,
 * i.e. pinned by dead ones (their objects reparented, their pages).
 */
int64_t ks_shape_live_usage(const struct ks_shape *sh);
/* Counters of the churned cgroups' workers, added to sum. */
void ks_shape_sum_add(const struct ks_shape *sh, struct ks_counters *sum);

/* The totals the verdict judges, from the last pass and the churn. */
struct ks_shape_totals {
	int64_t limit_hits, oom_kills;
	int64_t worst_limit, worst_peak;	/* the most overshooting one */
	/* the one furthest past its limit plus its own allowed overshoot */
	int64_t held_limit, held_peak, held_allow;
	const char *held_name;
	int64_t cgroups;			/* created, churned included */
};
/* A last pass with peaks; the scenario's summary "cgroups" object. */
json_t *ks_shape_finish(struct ks_shape *sh, struct ks_shape_totals *t,
			int64_t harness_cpu_ms);
void ks_shape_free(struct ks_shape *sh);

#endif
