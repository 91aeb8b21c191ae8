// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario of many cgroups, its dying cgroups and its neighbour in the
 * html report: the cgroups' spread and the worst by name, dying cgroups
 * over the storm (a small plot of the samples' "dying"), and the victim's
 * latency alone and beside the storm.
 */
#include "report_html.h"

#include <string.h>

#include "utf8.h"

/* nr_dying_descendants of every sample, as a polyline 300 x 40. */
static void dying_plot(FILE *out, const struct ks_scn_view *s)
{
	long long t0 = -1, t1 = 0, max = 1, t, d;
	json_t *x;
	size_t i;

	json_array_foreach(s->samples, i, x) {
		if (!json_is_integer(json_object_get(x, "dying")))
			continue;
		t = ks_jint(x, "t_ms", 0);
		if (t0 < 0)
			t0 = t;
		t1 = t;
		d = ks_jint(x, "dying", 0);
		if (d > max)
			max = d;
	}
	if (t0 < 0 || t1 <= t0)
		return;
	fprintf(out, "<svg class=\"plot dying\" width=\"300\" height=\"48\" viewBox=\"0 0 300 48\" role=\"img\"><title>dying cgroups over the storm, at most %lld</title><polyline fill=\"none\" stroke=\"" KS_HTML_INFO "\" points=\"",
		max);
	json_array_foreach(s->samples, i, x) {
		if (!json_is_integer(json_object_get(x, "dying")))
			continue;
		t = ks_jint(x, "t_ms", 0);
		d = ks_jint(x, "dying", 0);
		fprintf(out, "%.1f,%.1f ", 300.0 * (t - t0) / (t1 - t0),
			44.0 - 40.0 * d / max);
	}
	fputs("\"/></svg>", out);
}

static void worst_table(FILE *out, json_t *c)
{
	json_t *w;
	size_t i;

	if (!json_array_size(json_object_get(c, "worst")))
		return;
	fputs("<table class=\"worst\"><tr><th>cgroup</th><th>peak</th><th>limit</th><th>over</th><th>limit hits</th><th>OOM kills</th></tr>\n",
	      out);
	json_array_foreach(json_object_get(c, "worst"), i, w) {
		fputs("<tr><td>", out);
		ks_html_str(out, w, "cgroup");
		fputs("</td><td>", out);
		ks_html_field_bytes(out, w, "peak");
		fputs("</td><td>", out);
		ks_html_field_bytes(out, w, "limit");
		fputs("</td><td>", out);
		ks_html_field_bytes(out, w, "over");
		fputs("</td><td>", out);
		ks_html_int(out, w, "limit_hits");
		fputs("</td><td>", out);
		ks_html_int(out, w, "oom_kills");
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void cgroups_facts(FILE *out, json_t *c)
{
	fputs("<dt>cgroups</dt><dd>", out);
	ks_html_int(out, c, "n");
	fputs(" at depth ", out);
	ks_html_int(out, c, "depth");
	fputs(", ", out);
	ks_html_int(out, c, "cgroups");
	fputs(" made (", out);
	ks_html_int(out, c, "churn.created");
	fputs(" churned, ", out);
	ks_html_int(out, c, "churn.removed");
	fputs(" removed); peak min ", out);
	ks_html_field_bytes(out, c, "peak.min");
	fputs(", median ", out);
	ks_html_field_bytes(out, c, "peak.median");
	fputs(", max ", out);
	ks_html_field_bytes(out, c, "peak.max");
	fputs("; ", out);
	ks_html_int(out, c, "cgroups_hit");
	fputs(" hit their limit, ", out);
	ks_html_int(out, c, "cgroups_oom");
	fputs(" had OOM kills; harness CPU ", out);
	ks_html_int(out, c, "harness_cpu_us_per_cgroup");
	fputs(" &micro;s per cgroup</dd>\n", out);
}

static void victim_facts(FILE *out, json_t *v)
{
	fputs("<dt>victim</dt><dd>", out);
	ks_html_str(out, v, "workload");
	fputs(": p99 ", out);
	ks_html_int(out, v, "alone.p99_us");
	fputs(" &micro;s alone, ", out);
	ks_html_int(out, v, "storm.p99_us");
	fputs(" &micro;s beside the storm; ", out);
	ks_html_int(out, v, "fails");
	fputs(" failed, ", out);
	ks_html_int(out, v, "sigkilled");
	fputs(" SIGKILLs, ", out);
	ks_html_int(out, v, "oom_kills");
	fputs(" OOM kills, reclaimed below memory.low ", out);
	ks_html_int(out, v, "memory.low_events");
	fputs(" times; usage at least ", out);
	ks_html_field_bytes(out, v, "memory.current_min");
	fputs("</dd>\n", out);
}

void ks_html_cgroups(FILE *out, const struct ks_scn_view *s)
{
	json_t *e = s->end, *c = json_object_get(e, "cgroups");
	json_t *v = json_object_get(e, "victim");
	int dying = json_is_object(json_object_get(e, "dying"));

	if (!json_is_object(c) && !json_is_object(v) && !dying)
		return;
	fputs("<dl class=\"facts cgroups\">\n", out);
	if (json_is_object(c))
		cgroups_facts(out, c);
	if (dying) {
		fputs("<dt>dying cgroups</dt><dd>at most ", out);
		ks_html_int(out, e, "dying.max");
		fputs(" during the storm, ", out);
		ks_html_int(out, e, "dying.end");
		fputs(" at its end, ", out);
		ks_html_field_bytes(out, e, "dying.pinned_max");
		fputs(" at most charged to no live cgroup, ", out);
		ks_html_int(out, e, "leak.dying");
		fputs(" after the leak check's reclaim ", out);
		dying_plot(out, s);
		fputs("</dd>\n", out);
	}
	if (json_is_object(v))
		victim_facts(out, v);
	fputs("</dl>\n", out);
	if (json_is_object(c))
		worst_table(out, c);
}
