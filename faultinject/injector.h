/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An injector forces allocations or charges to fail while a storm runs.
 * One file in faultinject/ per injector, each exposing one struct
 * ks_injector listed in faultinject/registry.c.
 *
 * Life cycle, per scenario that names it in "inject =":
 *   worker()  in every worker process (and every respawn) before the
 *             storm: scope the injection to the workers (make-it-fail,
 *             oom_score_adj).  May be NULL.
 *   arm()     in the harness, once the workers run: save and set knobs.
 *   tick()    in the harness at every sample while armed, with the
 *             cgroup's stats and the workers' counters.  May be NULL.
 *   disarm()  in the harness on every exit path, also after a failed or
 *             refused arm(): restore everything arm() touched.
 *   report()  what was injected, for the scenario_end record.
 *
 * check() vets one option's value when the plan is read, so that a bad
 * value is refused before anything is created.  May be NULL.
 */
#ifndef KS_INJECTOR_H
#define KS_INJECTOR_H

#include <jansson.h>
#include <stdbool.h>

#include "cgroup.h"
#include "workload.h"

#define KS_MAX_INJECTORS	8

struct ks_inj_ctx {
	const struct ks_injector *inj;
	const struct ks_opt_value *opt;	/* inj->opts order */
	struct ks_cgroup *cg;		/* the scenario's cgroup */
	const struct ks_cg_limits *limits;	/* as the plan set them */
	const char *const *ops;		/* the workload's operation names */
	int64_t elapsed_ms;		/* of the storm, at tick() */
	const struct ks_counters *sum;	/* workers' totals: tick(), disarm() */
	void *priv;			/* arm() to disarm()/report() */
	char err[256];			/* why arm() refused or failed */
};

/* arm() results besides 0: the scenario is skipped or errors. */
#define KS_INJ_UNSUPPORTED	1	/* not on this kernel: skip, err says why */
#define KS_INJ_FAILED		(-1)	/* harness error, err says why */

struct ks_injector {
	const char *name;
	const char *summary;
	const struct ks_opt_desc *opts;	/* NULL-name terminated */
	bool kernel;		/* arms kernel knobs: disposable kernels only */
	/*
	 * Acts on the one cgroup the workers run in (its limit, its tasks):
	 * not for a scenario of many cgroups (harness/shape.h).
	 */
	bool one_cgroup;
	void (*worker)(const struct ks_inj_ctx *ctx);
	int (*arm)(struct ks_inj_ctx *ctx);
	void (*tick)(struct ks_inj_ctx *ctx, const struct ks_memcg_stats *st);
	void (*disarm)(struct ks_inj_ctx *ctx);
	json_t *(*report)(struct ks_inj_ctx *ctx);
	int (*check)(int opt, const struct ks_opt_value *v, char *err,
		     size_t errlen);
};

extern const struct ks_injector *const ks_injectors[];
const struct ks_injector *ks_injector_find(const char *name);
/* Index of inj in ks_injectors[], or -1. */
int ks_injector_index(const struct ks_injector *inj);
int ks_injector_opt_index(const struct ks_injector *inj, const char *name);

#endif
