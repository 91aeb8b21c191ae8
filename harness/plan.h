/* SPDX-License-Identifier: GPL-2.0 */
/* Plans: INI files (see kmemstorm.plan(5)) read with inih. */
#ifndef KS_PLAN_H
#define KS_PLAN_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "errnoset.h"
#include "injector.h"
#include "sweep.h"
#include "workload.h"

#define KS_NAME_MAX	64
#define KS_PLAN_ERRORS	16
/* duration.until_limit where expect.limit_hit = yes and it is not set */
#define KS_UNTIL_LIMIT_DEFAULT_MS	60000
/*
 * expect.max_overshoot = auto (the default): usage may pass memory.max by
 * the larger of a floor and a share of the limit.  A correct kernel does
 * pass it a little: socket buffers are force-charged (__GFP_NOFAIL), and
 * a dying task's or an OOM victim's charges are let through.  Measured on
 * the project kernel in BENCHMARKS.md ("Overshoot margin").
 */
#define KS_OVERSHOOT_AUTO		(-2)
#define KS_OVERSHOOT_FLOOR		(4LL << 20)
#define KS_OVERSHOOT_SHARE		8	/* limit / 8 */

/* An expectation on an outcome: not checked, must happen, must not. */
enum ks_expect { KS_EXPECT_ANY = 0, KS_EXPECT_YES, KS_EXPECT_NO };

struct ks_expectations {
	enum ks_expect limit_hit;	/* memcg max events / v1 failcnt */
	enum ks_expect oom_kill;	/* memcg OOM kills */
	enum ks_expect enomem;		/* workers saw ENOMEM */
	enum ks_expect kernel_report;	/* BUG/Oops/WARNING/panic in kmsg */
	enum ks_expect enomem_surfaced;	/* disallowed errnos under pressure */
	int64_t min_ops;		/* -1: unchecked */
	int64_t max_overshoot;		/* bytes peak may exceed memory.max; -1 */
	int overshoot_auto;		/* max_overshoot = auto: per cgroup */
	enum ks_expect leak;		/* charges left once the cgroup is gone */
};

/* The leak check after each scenario (harness/leak.h). */
#define KS_LEAK_MARGIN_DEFAULT		(1LL << 20)
#define KS_LEAK_WAIT_DEFAULT_MS		10000

/*
 * The scenario's cgroup tree (cgroups.* keys, harness/shape.h): n sibling
 * cgroups below the scenario's own, each the bottom of a chain of depth
 * levels, plus cgroups created and removed during the storm (churn).
 * n = 1, depth = 1, no churn: the workers run in the scenario's cgroup.
 */
#define KS_SHAPE_MAX_CGROUPS	4096
#define KS_SHAPE_MAX_DEPTH	8
#define KS_SHAPE_MAX_LIMITS	16
struct ks_cg_shape {
	int n;				/* cgroups */
	int depth;			/* cgroups.depth */
	int nmax;			/* cgroups.max: entries in max[] */
	int max_range;			/* max[0]-max[1], spread evenly */
	int64_t max[KS_SHAPE_MAX_LIMITS];
	int64_t parent_max;		/* cgroups.parent_max; -1 unset */
	int churn_rate;			/* cgroups.churn: per second, 0 off */
	int churn_total;		/* cgroups.churn_total; 0 unbounded */
	int churn_live;			/* cgroups.churn_live: at once */
	int64_t churn_life_ms;		/* cgroups.churn_life */
};

/*
 * A neighbour (victim = WORKLOAD, harness/victim.h): a cgroup beside the
 * storming ones running a light, paced, timed workload, judged on what
 * the storm does to it.
 */
struct ks_victim_cfg {
	const struct ks_workload *wl;	/* NULL: no victim */
	int workers;			/* victim.workers */
	int rate;			/* victim.rate: ops/s per worker */
	int64_t baseline_ms;		/* victim.baseline: alone first */
	struct ks_cg_limits limits;	/* victim.memory.{max,low,min} */
	struct ks_opt_value opt[KS_MAX_OPTS];	/* its workload's defaults */
	enum ks_expect oom;		/* expect.victim_oom (default no) */
	enum ks_expect errors;		/* expect.victim_errors (default no) */
	enum ks_expect reclaimed;	/* expect.victim_reclaimed (no) */
	int64_t latency_pct;		/* expect.victim_latency x 100; 0 off */
};

struct ks_scenario {
	char name[KS_NAME_MAX];
	int line;			/* of its [scenario NAME] header */
	const struct ks_workload *wl;
	int workers;
	int64_t duration_ms;
	int64_t seed;			/* seed: the workers' randomness; 0 drawn */
	/*
	 * duration.until_limit: first run until the memory limit is hit,
	 * for at most this long, then for duration_ms; 0 off.  -1 (unset)
	 * only while the plan is parsed.
	 */
	int64_t until_limit_ms;
	int respawn;			/* restart OOM-killed workers */
	int leak_check;			/* leak.check */
	int64_t leak_margin;		/* leak.margin: bytes that may stay */
	int leak_dying_max;		/* leak.dying_max: dying cgroups */
	int64_t leak_wait_ms;		/* leak.wait: reclaim for this long */
	struct ks_cg_limits limits;
	struct ks_cg_shape shape;
	struct ks_victim_cfg victim;
	struct ks_opt_value opt[KS_MAX_OPTS];
	struct ks_expectations expect;
	/* allow_errno.<workload>.<op>: replaces the storm's set for op */
	struct ks_errno_set allow[KS_MAX_OPS];
	unsigned char allow_set[KS_MAX_OPS];
	/* allow_report: WARNING titles that fail nothing (known findings) */
#define KS_ALLOW_REPORTS	8
	char allow_report[KS_ALLOW_REPORTS][256];
	int nallow_report;
	/* mode = sweep: fail-nth over sweep.ops, one worker, no storm */
	int sweep;
	struct ks_sweep_cfg sweep_cfg;
	/* inject = ...: bit i for ks_injectors[i], and their options */
	unsigned int inject_mask;
	struct ks_opt_value inj_opt[KS_MAX_INJECTORS][KS_MAX_OPTS];
};

struct ks_plan {
	char name[KS_NAME_MAX];
	char description[256];
	char source[PATH_MAX];		/* file path or "builtin:NAME" */
	int64_t sample_ms;		/* sampling interval */
	int64_t stop_grace_ms;		/* workers' time to stop before SIGKILL */
	char workdir[PATH_MAX];		/* where scratch directories go */
	int kmsg_markers;		/* write scenario markers to /dev/kmsg */
	/* [plan] kernel: the default guest kernel's build-kernel --flavour */
	char kernel_flavour[16];
	int nscenarios;
	struct ks_scenario *scenarios;
	char *text;			/* the plan as read, for the journal */
};

/* "FILE:LINE: message" lines, in order of appearance. */
struct ks_plan_errors {
	int n;
	int dropped;			/* beyond KS_PLAN_ERRORS */
	char msg[KS_PLAN_ERRORS][384];
};

/* One plan compiled into the binary (harness/plan_builtin.c). */
struct ks_builtin_plan {
	const char *name;
	const char *text;
};
extern const struct ks_builtin_plan ks_builtin_plans[];
#define KS_DEFAULT_PLAN "smoke"

/* Parse plan text; source names it in messages.  0, or -1 with errs. */
int ks_plan_parse(const char *text, const char *source, struct ks_plan *plan,
		  struct ks_plan_errors *errs);
/*
 * arg: NULL (the default plan), a path to a plan file, or the name of a
 * built-in plan.  A path wins when a file of that name exists.
 */
int ks_plan_load(const char *arg, struct ks_plan *plan,
		 struct ks_plan_errors *errs);
void ks_plan_free(struct ks_plan *plan);
void ks_plan_errors_print(const struct ks_plan_errors *errs, FILE *f);

const char *ks_expect_name(enum ks_expect e);
/* memory.max of the i-th of the scenario's cgroups (cgroups.max). */
int64_t ks_shape_leaf_max(const struct ks_scenario *sc, int i);	/* "any", "yes", "no" */

/*
 * A key of [defaults] and [scenario NAME] (harness/plan_keys.c): the one
 * table the parser, 'kmemstorm list' and kmemstorm.plan(5) share.  Keys
 * ending in '.' are prefixes: apply_rest() gets what follows.
 */
struct ks_plan_key {
	const char *key;
	int (*apply)(struct ks_scenario *sc, const struct ks_plan_key *k,
		     const char *v, char *err, size_t errlen);
	int (*apply_rest)(struct ks_scenario *sc, const char *rest,
			  const char *v, char *err, size_t errlen);
	size_t off;		/* of the field in struct ks_scenario */
	int64_t min, max;	/* for numbers */
	const char *value;	/* what the value looks like */
	const char *help;
};
extern const struct ks_plan_key ks_plan_keys[];
const struct ks_plan_key *ks_plan_key_find(const char *key);

#endif
