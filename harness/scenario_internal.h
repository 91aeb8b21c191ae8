/* SPDX-License-Identifier: GPL-2.0 */
/* One scenario's state, shared by the storm (scenario.c) and sweep modes. */
#ifndef KS_SCENARIO_INTERNAL_H
#define KS_SCENARIO_INTERNAL_H

#include "errno_truth.h"
#include "inject.h"
#include "scenario.h"
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
	int64_t storm_ms;		/* workers' running time */
	int64_t max_current;
	struct ks_outcome out;
	struct ks_verdict_result vr;
	struct ks_memcg_stats last;
	struct ks_kreport report;	/* scratch for watch_kmsg() */
	long taint_before, taint_after;
	int64_t cpu_ms;			/* the harness's own CPU while storming */
	struct ks_errno_truth truth;
	struct ks_inject inj;
	json_t *inj_report;		/* what the injectors did */
	char inj_err[512];		/* a knob not restored */
	struct ks_sweep_mon *sweep;	/* mode = sweep */
	int sweep_stepping;		/* reports wait for their step */
};

/* A journal record {"type", "scenario", "t_ms"} to fill. */
json_t *ks_scn_record(const char *type, const struct scn *s);
/*
 * Drain the kernel log, journaling every finished report; with until_ns
 * (ks_now_ns() time) stop there even if more is waiting.
 */
void ks_scn_watch_kmsg(struct scn *s, int flush, int64_t until_ns);

/* The scenario_start and scenario_end records (scenario_journal.c). */
void ks_scn_journal_start(struct scn *s);
void ks_scn_journal_end(struct scn *s, int64_t duration_ms);

/* mode = sweep (scenario_sweep.c) */
/* Start the one sweep worker and arm; 0, or -1 with s->vr set. */
int ks_sweep_start(struct scn *s);
/* Step by step until the sweep ends, the deadline, or a signal. */
void ks_sweep_monitor(struct scn *s);
/* Put the knobs back; a knob left armed sets err. */
void ks_sweep_disarm(struct scn *s, char *err, size_t errlen);
/* A kernel report arrived: attribute it to the current step. */
void ks_sweep_report(struct scn *s, json_t *rec, const struct ks_kreport *r);
/* The scenario_end "sweep" summary; NULL when not a sweep. */
json_t *ks_sweep_summary(struct scn *s);
void ks_sweep_free(struct scn *s);

#endif
