// SPDX-License-Identifier: GPL-2.0
/*
 * One JSON document for scripts: every run and its scenarios with the
 * figures the other formats print, under names that stay (schema 1;
 * fields are added, never renamed without bumping it).
 */
#include "report.h"
#include "utf8.h"

#include <string.h>

#define REPORT_SCHEMA 1

static json_t *findings(const struct ks_scn_view *s)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(s->findings, i, f) {
		json_t *o = json_object();

		ks_jcopy(o, "op", json_object_get(f, "op"));
		ks_jcopy(o, "n", json_object_get(f, "n"));
		ks_jcopy(o, "finding", json_object_get(f, "finding"));
		ks_jcopy(o, "replay", json_object_get(f, "replay"));
		json_array_append_new(out, o);
	}
	return out;
}

static json_t *scenario(const struct ks_scn_view *s)
{
	json_t *e = s->end, *o, *reasons;

	o = json_pack("{s:o, s:i, s:o}", "name", ks_json_text(s->name), "index",
		      s->index,
		      "verdict", ks_json_text(s->verdict));
	if (!o)
		return NULL;
	ks_jcopy(o, "workload", ks_scn_workload(s));
	/* No scenario_end: runview's account of why is the reason. */
	reasons = json_object_get(e, "reasons");
	if (json_is_array(reasons))
		json_object_set(o, "reasons", reasons);
	else
		json_object_set_new(o, "reasons",
							    json_pack("[o]",
								      ks_json_text(s->why)));
	ks_jcopy(o, "duration_ms", json_object_get(e, "duration_ms"));
	ks_jcopy(o, "storm_ms", json_object_get(e, "storm_ms"));
	ks_jcopy(o, "until_limit_ms",
		 json_object_get(s->start, "until_limit_ms"));
	ks_jcopy(o, "limit_reached_ms", json_object_get(e, "limit_reached_ms"));
	ks_jcopy(o, "held_ms", json_object_get(e, "held_ms"));
	ks_jcopy_figures(o, e);
	ks_jcopy(o, "errno", json_object_get(e, "errno"));
	ks_jcopy(o, "taint_new", ks_jget(e, "taint.new"));
	json_object_set_new(o, "bug_titles", ks_scn_titles(s, "bug"));
	json_object_set_new(o, "info_titles", ks_scn_titles(s, "info"));
	json_object_set_new(o, "findings", findings(s));
	return o;
}

/* How the run ended: the guest's outcome, else what run_end says. */
static const char *outcome(const struct ks_run_view *v)
{
	if (v->vm_end)
		return ks_jstr(v->vm_end, "outcome", "unknown");
	if (!v->run_end)
		return "killed";
	if (json_is_true(json_object_get(v->run_end, "interrupted")))
		return "interrupted";
	return "finished";
}

/* A plan resumed after crashes: each guest, how it ended, what it ran. */
static json_t *guests(const struct ks_run_view *v)
{
	json_t *a = json_array(), *e;
	size_t i;

	json_array_foreach(v->vm_ends, i, e)
		json_array_append_new(a, json_pack("{s:I, s:o, s:I, s:O?}",
			"guest", (json_int_t)ks_jint(e, "guest", (json_int_t)i + 1),
			"outcome", ks_json_text(ks_jstr(e, "outcome", "unknown")),
			"exit_code", (json_int_t)ks_jint(e, "exit_code", -1),
			"scenarios", json_object_get(e, "scenarios")));
	return a;
}

static json_t *run(const struct ks_run_view *v)
{
	json_t *rs = v->run_start, *o, *k, *scns;
	size_t i;

	o = json_pack("{s:o, s:o, s:{}, s:o, s:b}", "journal",
		      ks_json_text(v->path),
		      "plan", ks_json_text(v->plan), "kernel", "outcome",
		      ks_json_text(outcome(v)),
		      "truncated", v->truncated);
	if (!o)
		return NULL;
	ks_jcopy(o, "started", json_object_get(rs, "time"));
	ks_jcopy(o, "pid", json_object_get(rs, "pid"));
	ks_jcopy(o, "version", json_object_get(rs, "version"));
	k = json_object_get(o, "kernel");
	ks_jcopy(k, "release", ks_jget(rs, "kernel.release"));
	ks_jcopy(k, "version", ks_jget(rs, "kernel.version"));
	ks_jcopy(k, "machine", ks_jget(rs, "kernel.machine"));
	ks_jcopy(k, "tainted", ks_jget(rs, "kernel.tainted"));
	ks_jcopy(o, "cmdline", ks_jget(rs, "kernel.cmdline"));
	ks_jcopy(o, "cgroup", ks_jget(rs, "cgroup.version"));
	if (v->exit_code >= 0)
		json_object_set_new(o, "exit_code", json_integer(v->exit_code));
	if (v->vm_end)
		ks_jcopy(o, "guest_exit", json_object_get(v->vm_end, "guest_exit"));
	if (json_array_size(v->vm_ends) > 1)
		json_object_set_new(o, "guests", guests(v));
	scns = json_array();
	json_object_set_new(o, "scenarios", scns);
	for (i = 0; i < v->nscn; i++)
		if (json_array_append_new(scns, scenario(&v->scn[i]))) {
			json_decref(o);
			return NULL;
		}
	return o;
}

int ks_report_json_doc(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	json_t *doc = json_pack("{s:i, s:[]}", "schema", REPORT_SCHEMA,
				"runs");
	size_t r;

	for (r = 0; doc && r < nruns; r++)
		if (json_array_append_new(json_object_get(doc, "runs"),
					  run(&runs[r]))) {
			json_decref(doc);
			doc = NULL;
		}
	return ks_report_dump_json(out, doc, "json");
}
