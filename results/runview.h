/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One journal read back and grouped by scenario: the model every report
 * format, compare and gate work from.  Nothing here is measured anew;
 * every figure is a journal field (docs/journal.md).
 */
#ifndef KS_RUNVIEW_H
#define KS_RUNVIEW_H

#include <jansson.h>
#include <stddef.h>

struct ks_scn_view {
	const char *name;	/* borrowed from the records */
	int index;		/* 1-based position in the plan */
	json_t *planned;	/* its entry in run_start's plan.scenarios */
	json_t *start;		/* scenario_start, NULL if never started */
	json_t *end;		/* scenario_end (guest's, else host's) */
	json_t *samples;	/* sample records, in order */
	json_t *reports;	/* kernel_report records (bug and info) */
	json_t *surfaced;	/* enomem_surfaced records */
	json_t *findings;	/* sweep_finding records */
	/*
	 * "pass", "fail", "skip", "error" from scenario_end; "error" when it
	 * started and never ended, "notrun" when it never started.
	 */
	const char *verdict;
	char why[160];		/* the verdict's reason when no record has one */
};

struct ks_run_view {
	char path[4096];	/* the journal */
	json_t *recs;		/* every record */
	json_t *run_start, *run_end, *vm_end;	/* borrowed; may be NULL */
	/*
	 * Every guest's vm_end, in order: a plan resumed in a fresh guest
	 * after a crash has one per guest, vm_end being the last.
	 */
	json_t *vm_ends;
	int exit_code;		/* the worst of them, else run_end's; -1 */
	const char *plan;	/* plan name, "unknown" without run_start */
	struct ks_scn_view *scn;
	size_t nscn;
	int truncated;		/* its last line was cut short */
	char *console;		/* console.log next to it, NULL if none */
	struct ks_rec_pos *pos;	/* records sorted by address: their lines */
};

struct ks_rec_pos {
	const json_t *rec;
	int line;
};

/* 1-based journal line of one of v's records (0: not v's). */
int ks_rec_line(const struct ks_run_view *v, const json_t *rec);

/* NULL-safe accessors for the figures the formats print. */
json_t *ks_jget(json_t *o, const char *dotted);
/* o[key] = src when the journal has it: an unknown field stays out. */
void ks_jcopy(json_t *o, const char *key, json_t *src);
/*
 * The figures every machine-readable format gives a scenario, from its
 * scenario_end e: ops_total, ops_per_sec, peak, limit, limit_hits,
 * oom_kills, enomem, enomem_surfaced(_first), cut_short.
 */
void ks_jcopy_figures(json_t *o, json_t *e);
long long ks_jint(json_t *o, const char *dotted, long long dflt);
double ks_jnum(json_t *o, const char *dotted, double dflt);
const char *ks_jstr(json_t *o, const char *dotted, const char *dflt);

int ks_run_view_load(const char *path, struct ks_run_view *v, char *err,
		     size_t errlen);
void ks_run_view_free(struct ks_run_view *v);
/*
 * What the serial console printed while the scenario ran (between the
 * harness's "kmemstorm: scenario NAME start/end" markers), at most
 * max_bytes of its end; else the report texts. malloc'd, never NULL
 * unless out of memory.
 */
char *ks_scn_log_excerpt(const struct ks_run_view *v,
			 const struct ks_scn_view *s, size_t max_bytes);
/* Its workload: from scenario_end, scenario_start or the plan; or NULL. */
json_t *ks_scn_workload(const struct ks_scn_view *s);
/* Titles of the scenario's reports of a severity, unique, in order. */
json_t *ks_scn_titles(const struct ks_scn_view *s, const char *severity);
json_t *ks_scn_bug_titles(const struct ks_scn_view *s);
/* One of the reasons is "kernel report: TITLE". */
int ks_reasons_name_report(json_t *reasons, const char *title);



/*
 * Load every journal the arguments name: a journal file, a run directory
 * (DIR/journal.jsonl), or a directory of guest runs (DIR/ * /journal.jsonl,
 * as 'kmemstorm vm' writes with several guests), in order.
 */
int ks_run_views_load_args(char **args, int nargs, struct ks_run_view **out,
			   size_t *nout, char *err, size_t errlen);
void ks_run_views_free(struct ks_run_view *v, size_t n);

#endif
