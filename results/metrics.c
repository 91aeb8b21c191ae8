// SPDX-License-Identifier: GPL-2.0
#include "metrics.h"
#include "utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * How sure the run is of its own ops/s: the relative standard error of
 * the mean of its per-interval rates (standard deviation over mean and
 * the square root of the intervals).  compare counts a change in ops/s
 * only beyond about two of these, so a storm that ran in fits and starts
 * (a chargefail squeeze) needs a bigger change than a steady one.
 */
static double rate_rse(json_t *samples)
{
	size_t i, n = 0, cnt = json_array_size(samples);
	double sum = 0, sq = 0, mean, var;

	/* The last sample is taken after the workers stopped: left out. */
	for (i = 1; i + 1 < cnt; i++) {
		json_t *a = json_array_get(samples, i - 1);
		json_t *b = json_array_get(samples, i);
		long long dt = ks_jint(b, "t_ms", -1) - ks_jint(a, "t_ms", -1);
		long long dops = ks_jint(b, "ops", -1) - ks_jint(a, "ops", -1);
		double r;

		if (dt <= 0 || ks_jint(a, "ops", -1) < 0 || dops < 0)
			continue;
		r = dops * 1000.0 / dt;
		sum += r;
		sq += r * r;
		n++;
	}
	if (n < 3)
		return -1;
	mean = sum / n;
	if (mean <= 0)
		return -1;
	var = (sq - n * mean * mean) / (n - 1);
	return sqrt(var > 0 ? var : 0) / mean / sqrt(n);
}

/*
 * Many cgroups (scenario_end.cgroups): the limits are theirs, not their
 * parent's; the one that went furthest over its own stands for them.
 */
static void shape_figures(json_t *end, struct ks_scn_metrics *m)
{
	json_t *c = json_object_get(end, "cgroups");
	json_t *w = json_array_get(json_object_get(c, "worst"), 0);

	if (!json_is_object(c) || ks_jint(w, "limit", -1) < 0)
		return;
	m->peak = ks_jint(w, "peak", -1);
	m->limit = ks_jint(w, "limit", -1);
	m->limit_hits = ks_jint(c, "limit_hits", -1);
}

static long long overshoot(json_t *end, long long peak, long long limit)
{
	json_t *cf = json_object_get(json_object_get(end, "inject"),
				     "chargefail");
	long long o = -1;

	/* A squeezed limit: the injector measured against the one in force. */
	if (cf) {
		o = ks_jint(cf, "overshoot.peak_max",
			    ks_jint(cf, "overshoot.sampled_max", -1));
		return o < 0 ? 0 : o;
	}
	if (peak < 0 || limit < 0 || limit == INT64_MAX)
		return -1;
	return peak > limit ? peak - limit : 0;
}

json_t *ks_report_names(json_t *r)
{
	json_t *names = json_array(), *x;
	size_t i;

	json_array_append_new(names, ks_json_text(ks_jstr(r, "title", "?")));
	json_array_foreach(json_object_get(r, "alt_titles"), i, x)
		if (json_is_string(x))
			json_array_append(names, x);
	return names;
}

int ks_names_meet(json_t *a, json_t *b)
{
	json_t *x, *y;
	size_t i, j;

	json_array_foreach(a, i, x)
		json_array_foreach(b, j, y)
			if (json_equal(x, y))
				return 1;
	return 0;
}

static void add_title(json_t *titles, json_t *lines, const char *t, int line)
{
	json_t *x;
	size_t i;

	json_array_foreach(titles, i, x)
		if (!strcmp(json_string_value(x), t))
			return;
	json_array_append_new(titles, ks_json_text(t));
	json_array_append_new(lines, json_integer(line));
}

/* A bug report, once per bug: reports whose names meet are one. */
static void add_bug(struct ks_scn_metrics *m, json_t *r, int line)
{
	json_t *names = ks_report_names(r), *x;
	size_t i;

	json_array_foreach(m->bug_names, i, x)
		if (ks_names_meet(x, names)) {
			json_decref(names);
			return;
		}
	json_array_append_new(m->bug_titles,
	ks_json_text(ks_jstr(r, "title", "?")));
	json_array_append_new(m->bug_lines, json_integer(line));
	json_array_append_new(m->bug_names, names);
}

void ks_metrics_get(const struct ks_run_view *v, const struct ks_scn_view *s,
		    struct ks_scn_metrics *m)
{
	json_t *e = s->end, *r, *op;
	int memcg_oom = 0;
	const char *k;
	char buf[160];
	size_t i;

	memset(m, 0, sizeof(*m));
	m->name = s->name;
	m->verdict = s->verdict;
	m->end_line = e ? ks_rec_line(v, e) : 0;
	m->ops_per_sec = ks_jnum(e, "ops_per_sec", -1);
	m->rate_rse = rate_rse(s->samples);
	m->peak = ks_jint(e, "memcg.peak", -1);
	m->limit = ks_jint(e, "memcg.limit", -1);
	m->limit_hits = ks_jint(e, "memcg.limit_hits", -1);
	shape_figures(e, m);
	m->overshoot = overshoot(e, m->peak, m->limit);
	m->enomem = ks_jint(e, "enomem", -1);
	m->limit_reached = -1;
	if (m->limit >= 0 && m->limit != INT64_MAX && m->limit_hits >= 0)
		m->limit_reached = m->limit_hits > 0;
	m->bug_titles = json_array();
	m->bug_lines = json_array();
	m->bug_names = json_array();
	m->surfaced = json_array();
	m->surfaced_lines = json_array();
	m->enomem_ops = json_array();
	json_array_foreach(s->reports, i, r) {
		const char *kind = ks_jstr(r, "kind", "");

		if (!strcmp(kind, "memcg_oom") ||
		    !strcmp(kind, "memcg_oom_no_killable"))
			memcg_oom = 1;
		if ((!strcmp(kind, "oom") || !strcmp(kind, "oom_no_killable")) &&
		    !memcg_oom && !m->global_oom_first) {
			m->global_oom_first = 1;
			m->global_oom_line = ks_rec_line(v, r);
		}
		if (!strcmp(ks_jstr(r, "severity", ""), "bug"))
			add_bug(m, r, ks_rec_line(v, r));
	}
	json_array_foreach(s->surfaced, i, r) {
		snprintf(buf, sizeof(buf), "%s from %s", ks_jstr(r, "errno", "?"),
			 ks_jstr(r, "op", "?"));
		add_title(m->surfaced, m->surfaced_lines, buf, ks_rec_line(v, r));
	}
	json_object_foreach(json_object_get(e, "ops"), k, op)
		if (ks_jint(op, "enomem", 0) > 0)
			json_array_append_new(m->enomem_ops, ks_json_text(k));
}

void ks_metrics_free(struct ks_scn_metrics *m)
{
	json_decref(m->bug_titles);
	json_decref(m->bug_lines);
	json_decref(m->bug_names);
	json_decref(m->surfaced);
	json_decref(m->surfaced_lines);
	json_decref(m->enomem_ops);
	memset(m, 0, sizeof(*m));
}
