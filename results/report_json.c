// SPDX-License-Identifier: GPL-2.0
/*
 * One JSON document for scripts: every run and its scenarios with the
 * figures the other formats print, under names that stay (schema 1;
 * fields are added, never renamed without bumping it).
 */
#include "report.h"

#include <string.h>

#define REPORT_SCHEMA 1

static json_t *get2(json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

/* A field the journal lacks is unknown: left out, never 0 or null. */
static void copy(json_t *o, const char *key, json_t *src)
{
	if (src)
		json_object_set(o, key, src);
}

/* Titles of the scenario's reports of that severity, each once, in order. */
static json_t *titles(const struct ks_scn_view *s, const char *severity)
{
	json_t *seen = json_object(), *out = json_array(), *r;
	size_t i;

	json_array_foreach(s->reports, i, r) {
		const char *t = ks_jstr(r, "title", NULL);

		if (!t || strcmp(ks_jstr(r, "severity", ""), severity) ||
		    json_object_get(seen, t))
			continue;
		json_object_set_new(seen, t, json_true());
		json_array_append_new(out, json_string(t));
	}
	json_decref(seen);
	return out;
}

static json_t *findings(const struct ks_scn_view *s)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(s->findings, i, f) {
		json_t *o = json_object();

		copy(o, "op", json_object_get(f, "op"));
		copy(o, "n", json_object_get(f, "n"));
		copy(o, "finding", json_object_get(f, "finding"));
		copy(o, "replay", json_object_get(f, "replay"));
		json_array_append_new(out, o);
	}
	return out;
}

static json_t *scenario(const struct ks_scn_view *s)
{
	json_t *e = s->end, *o, *reasons;

	o = json_pack("{s:s, s:i, s:s}", "name", s->name, "index", s->index,
		      "verdict", s->verdict);
	if (!o)
		return NULL;
	copy(o, "workload", json_object_get(e, "workload") ?
	     json_object_get(e, "workload") :
	     json_object_get(s->start, "workload"));
	/* No scenario_end: runview's account of why is the reason. */
	reasons = json_object_get(e, "reasons");
	if (json_is_array(reasons))
		json_object_set(o, "reasons", reasons);
	else
		json_object_set_new(o, "reasons", json_pack("[s]", s->why));
	copy(o, "duration_ms", json_object_get(e, "duration_ms"));
	copy(o, "storm_ms", json_object_get(e, "storm_ms"));
	copy(o, "ops_total", json_object_get(e, "ops_total"));
	copy(o, "ops_per_sec", json_object_get(e, "ops_per_sec"));
	copy(o, "peak", get2(e, "memcg", "peak"));
	copy(o, "limit", get2(e, "memcg", "limit"));
	copy(o, "limit_hits", get2(e, "memcg", "limit_hits"));
	copy(o, "oom_kills", get2(e, "memcg", "oom_kills"));
	copy(o, "enomem", json_object_get(e, "enomem"));
	copy(o, "enomem_surfaced", json_object_get(e, "enomem_surfaced"));
	copy(o, "enomem_surfaced_first",
	     json_object_get(e, "enomem_surfaced_first"));
	copy(o, "errno", json_object_get(e, "errno"));
	copy(o, "taint_new", get2(e, "taint", "new"));
	copy(o, "cut_short", json_object_get(e, "cut_short"));
	json_object_set_new(o, "bug_titles", titles(s, "bug"));
	json_object_set_new(o, "info_titles", titles(s, "info"));
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

static json_t *run(const struct ks_run_view *v)
{
	json_t *rs = v->run_start, *o, *k, *scns;
	size_t i;

	o = json_pack("{s:s, s:s, s:{}, s:s, s:b}", "journal", v->path,
		      "plan", v->plan, "kernel", "outcome", outcome(v),
		      "truncated", v->truncated);
	if (!o)
		return NULL;
	copy(o, "started", json_object_get(rs, "time"));
	copy(o, "pid", json_object_get(rs, "pid"));
	copy(o, "version", json_object_get(rs, "version"));
	k = json_object_get(o, "kernel");
	copy(k, "release", get2(rs, "kernel", "release"));
	copy(k, "version", get2(rs, "kernel", "version"));
	copy(k, "machine", get2(rs, "kernel", "machine"));
	copy(k, "tainted", get2(rs, "kernel", "tainted"));
	copy(o, "cmdline", get2(rs, "kernel", "cmdline"));
	copy(o, "cgroup", get2(rs, "cgroup", "version"));
	copy(o, "exit_code", json_object_get(v->vm_end ? v->vm_end :
					     v->run_end, "exit_code"));
	if (v->vm_end)
		copy(o, "guest_exit", json_object_get(v->vm_end, "guest_exit"));
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
				"runs"), *runs_a;
	size_t r;
	int rc = -1;

	if (!doc)
		goto oom;
	runs_a = json_object_get(doc, "runs");
	for (r = 0; r < nruns; r++)
		if (json_array_append_new(runs_a, run(&runs[r])))
			goto oom;
	if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		goto out;	/* cmd_report names the write error */
	fputc('\n', out);
	rc = 0;
	goto out;
oom:
	fprintf(stderr, "kmemstorm report: json: out of memory\n");
out:
	json_decref(doc);
	return rc;
}
