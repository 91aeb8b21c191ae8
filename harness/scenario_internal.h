/* SPDX-License-Identifier: GPL-2.0 */
/* One scenario's state, shared by the storm (scenario.c) and sweep modes. */
#ifndef KS_SCENARIO_INTERNAL_H
#define KS_SCENARIO_INTERNAL_H

#include "errno_truth.h"
#include "inject.h"
#include "leak.h"
#include "scenario.h"
#include "shape.h"
#include "victim.h"
#include "verdict.h"
#include "worker.h"

struct ks_sweep_mon;

struct scn {
	struct ks_run *run;
	const struct ks_scenario *sc;
	struct ks_cgroup cg;
	int have_cg;
	struct ks_wl_ctx ctx;
	int setup_done;
	struct ks_crew crew;
	int64_t start_ns;
	int64_t end_ns;			/* the storm's end, as known so far */
	int64_t reached_ns;		/* first sample with a limit hit; -1 */
	int holding;			/* duration.until_limit: limit reached */
	int ran_away;			/* usage went past expect.max_overshoot */
	int64_t storm_ms;		/* workers' running time */
	int64_t max_current;
	struct ks_outcome out;
	struct ks_verdict_result vr;
	struct ks_memcg_stats last;
	struct ks_kreport report;	/* scratch for watch_kmsg() */
	uint64_t kmsg_lost0;		/* the log's lost records at start */
	struct ks_leak_check leak;	/* leak.check */
	int kmemleak_objects;		/* found by the end scan; -1 none ran */
	long taint_before, taint_after;
	int64_t cpu_ms;			/* the harness's own CPU while storming */
	struct ks_errno_truth truth;
	struct ks_inject inj;
	json_t *inj_report;		/* what the injectors did */
	char inj_err[512];		/* a knob not restored */
	const struct ks_mode *mode;	/* storm or sweep */
	struct ks_sweep_mon *sweep;	/* mode = sweep */
	struct ks_shape *shape;		/* cgroups.*: the tree below cg */
	json_t *shape_summary;		/* its part of scenario_end */
	struct ks_shape_totals shape_t;	/* its totals, for the verdict */
	int64_t dying_max, dying_end;	/* nr_dying_descendants below cg */
	int64_t pinned_max;		/* cg's usage beyond its live cgroups' */
	int64_t shape_excess;		/* of the worst cgroup; > 0 runaway */
	const char *shape_worst;	/* its name */
	int churned;			/* cgroups.churn_total reached */
	struct ks_victim *victim;	/* victim = WORKLOAD: the neighbour */
	json_t *victim_summary;		/* its part of scenario_end */
	int sweep_stepping;		/* reports wait for their step */
};

/* Every worker's counters: the storm's and the churned cgroups'. */
void ks_scn_sum(const struct scn *s, struct ks_counters *sum);
/* A journal record {"type", "scenario", "t_ms"} to fill. */
json_t *ks_scn_record(const char *type, const struct scn *s);
/*
 * Drain the kernel log, journaling every finished report; with until_ns
 * (ks_now_ns() time) stop there even if more is waiting.
 */
void ks_scn_watch_kmsg(struct scn *s, int flush, int64_t until_ns);
/* Journal one finished kernel report of s and count it for the verdict. */
void ks_scn_journal_report(struct scn *s, const struct ks_kreport *r);

/* The verdict of a scenario that ran, but its leak check (scenario_judge.c). */
void ks_scn_decide(struct scn *s);
/* Once its cgroup is gone: what it left in the run cgroup. */
void ks_scn_judge_leak(struct scn *s);

/* The scenario_start and scenario_end records (scenario_journal.c). */
void ks_scn_journal_start(struct scn *s);
void ks_scn_journal_end(struct scn *s, int64_t duration_ms);

/*
 * How a scenario runs once its cgroup, workload setup and crew exist:
 * "mode = storm" (scenario.c) or "mode = sweep" (scenario_sweep.c).
 */
struct ks_mode {
	const char *name;
	int (*workers)(const struct ks_scenario *sc);	/* crew size */
	/* Workers started and injection armed: 0, or -1 with s->vr set. */
	int (*start)(struct scn *s);
	/* Until the end, all workers gone, or a signal. */
	void (*monitor)(struct scn *s);
	/* Every knob back; one left armed is a harness error in s->vr. */
	void (*disarm)(struct scn *s);
	/* A kernel report's record: 1 when the mode keeps it, else 0. */
	int (*hold_report)(struct scn *s, json_t *rec,
			   const struct ks_kreport *r);
	/* Its part of scenario_end, under its name (NULL: nothing). */
	json_t *(*summary)(struct scn *s);
	/* ENOMEM surfaced as another errno is the errno truth's to judge. */
	int judges_surfaced;
	void (*free)(struct scn *s);
};
extern const struct ks_mode ks_mode_storm, ks_mode_sweep;

#endif
