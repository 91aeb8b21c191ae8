// SPDX-License-Identifier: GPL-2.0
/*
 * The html report: one self-contained page (inline CSS and SVG, no
 * script, nothing fetched) per call, a section per journal and within it
 * per scenario.  The plots are report_svg.c's; docs/reports.md says where
 * every figure comes from.
 */
#include "report.h"

#include <stdint.h>
#include <string.h>

#include "report_html.h"

#define U KS_HTML_UNKNOWN

static const char css[] =
	"body{font:14px/1.45 system-ui,'Segoe UI',sans-serif;color:#1d232a;"
	"max-width:1040px;margin:0 auto;padding:12px 24px 40px}\n"
	"h1{font-size:22px;margin:6px 0 2px}"
	"h2{font-size:19px;border-bottom:2px solid #ccd3db;padding-bottom:3px;"
	"margin:30px 0 8px;overflow-wrap:anywhere}\n"
	"h3{font-size:17px;margin:0 0 4px}h4{font-size:14px;margin:14px 0 4px}\n"
	"section.scn{border-top:1px solid #d5dbe1;margin-top:26px;padding-top:12px}\n"
	"table{border-collapse:collapse;margin:4px 0 8px}\n"
	"th,td{border:1px solid #d5dbe1;padding:2px 8px;text-align:left;"
	"vertical-align:top}th{background:#eef1f4;font-weight:600}\n"
	".n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	".v{display:inline-block;white-space:nowrap;padding:0 8px;border-radius:9px;color:#fff;"
	"font-weight:600;font-size:12px;vertical-align:2px}\n"
	".v-pass{background:#2b8a3e}.v-fail{background:#a61e2d}"
	".v-skip,.v-notrun{background:#77808a}.v-error{background:#b85c00}\n"
	"dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:0 14px;"
	"margin:4px 0}dl.kv dt{color:#56606b}dl.kv dd{margin:0;"
	"overflow-wrap:anywhere}\n"
	"code,pre{font:12px/1.35 ui-monospace,'DejaVu Sans Mono',monospace}\n"
	"pre{background:#f5f7f9;border:1px solid #d5dbe1;padding:6px 8px;"
	"overflow-x:auto;margin:4px 0}\n"
	"details{margin:3px 0}summary{cursor:pointer}"
	"details.kr>div{margin-left:18px}\n"
	".sev{font-size:11px;font-weight:700;padding:0 5px;border-radius:3px;"
	"color:#fff}.sev-bug{background:#a61e2d}.sev-info{background:#77808a}\n"
	".note{color:#4a535c;background:#f5f7f9;border-left:3px solid #b9c2cb;"
	"padding:5px 10px;margin:6px 0}\n"
	"ul.why{margin:4px 0;padding-left:22px}ul.why li{color:#a61e2d}\n"
	".bad{color:#a61e2d;font-weight:600}.dim{color:#6b747d}\n"
	"svg.plot{display:block;margin:8px 0 2px;max-width:100%;height:auto}\n"
	"svg .bg{fill:#fbfcfd}svg .grid{stroke:#e4e8ec}svg .axis{stroke:#6b747d}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#3a434c}"
	"svg .yt{text-anchor:end}svg .xt,svg .at{text-anchor:middle}\n"
	"svg .hov{fill:#000;fill-opacity:0}a{color:#0a5a8a}"
	"table.sum td:first-child{white-space:nowrap}\n";

const char *ks_html_size(char *buf, size_t len, long long v)
{
	double a = v < 0 ? -(double)v : (double)v;
	const char *sign = v < 0 ? "&minus;" : "";

	if (v == U)
		snprintf(buf, len, "-");
	else if (v == INT64_MAX)
		snprintf(buf, len, "max");
	else if (a < 1024)
		snprintf(buf, len, "%s%.0f B", sign, a);
	else if (a < 1048576)
		snprintf(buf, len, "%s%.1f KiB", sign, a / 1024);
	else if (a < 1073741824.0)
		snprintf(buf, len, "%s%.1f MiB", sign, a / 1048576);
	else
		snprintf(buf, len, "%s%.2f GiB", sign, a / 1073741824.0);
	return buf;
}

void ks_html_bytes(FILE *out, long long v)
{
	char buf[48];

	fputs(ks_html_size(buf, sizeof(buf), v), out);
}

void ks_html_int(FILE *out, json_t *o, const char *key)
{
	long long v = ks_jint(o, key, U);

	if (v == U)
		fputs("-", out);
	else
		fprintf(out, "%lld", v);
}

void ks_html_field_bytes(FILE *out, json_t *o, const char *key)
{
	ks_html_bytes(out, ks_jint(o, key, U));
}

void ks_html_str(FILE *out, json_t *o, const char *key)
{
	ks_xml_escape(out, ks_jstr(o, key, "-"));
}

static void put_verdict(FILE *out, const char *v)
{
	/* A verdict this version does not know still makes a safe class. */
	fprintf(out, "<span class=\"v v-%s\">",
		strspn(v, "abcdefghijklmnopqrstuvwxyz") == strlen(v) ? v : "error");
	ks_xml_escape(out, !strcmp(v, "notrun") ? "not run" : v);
	fputs("</span>", out);
}

/*
 * "key=value, ..." of an object of strings and numbers; with sizes, its
 * numbers are bytes (limits).
 */
static void put_options(FILE *out, json_t *o, int sizes)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach(o, k, v) {
		fputs(first ? "" : ", ", out);
		first = 0;
		ks_xml_escape(out, k);
		fputc('=', out);
		if (json_is_string(v))
			ks_xml_escape(out, json_string_value(v));
		else if (json_is_integer(v) && sizes)
			ks_html_bytes(out, json_integer_value(v));
		else if (json_is_integer(v))
			fprintf(out, "%lld", (long long)json_integer_value(v));
		else if (json_is_true(v) || json_is_false(v))
			fputs(json_is_true(v) ? "yes" : "no", out);
		else
			fputs("…", out);
	}
}

static void run_header(FILE *out, struct ks_run_view *v)
{
	static const char *const kinds[] = { "pass", "fail", "skip",
					     "error", "notrun" };
	size_t i, k;

	fputs("<dl class=\"kv\">\n<dt>plan</dt><dd>", out);
	ks_xml_escape(out, v->plan);
	fputs(" <span class=\"dim\">(", out);
	ks_html_str(out, v->run_start, "plan.source");
	fputs(")</span></dd>\n<dt>kernel</dt><dd>", out);
	ks_html_str(out, v->run_start, "kernel.release");
	fputs(" <span class=\"dim\">", out);
	ks_html_str(out, v->run_start, "kernel.version");
	fputs(" ", out);
	ks_html_str(out, v->run_start, "kernel.machine");
	fputs("</span></dd>\n<dt>cmdline</dt><dd><code>", out);
	ks_html_str(out, v->run_start, "kernel.cmdline");
	fputs("</code></dd>\n<dt>started</dt><dd>", out);
	ks_html_str(out, v->run_start, "time");
	fputs(", kmemstorm ", out);
	ks_html_str(out, v->run_start, "version");
	fputs("</dd>\n<dt>cgroup</dt><dd>", out);
	if (ks_jstr(v->run_start, "cgroup.unavailable", NULL)) {
		fputs("unavailable: ", out);
		ks_html_str(out, v->run_start, "cgroup.unavailable");
	} else {
		ks_html_str(out, v->run_start, "cgroup.version");
		fputs(" at ", out);
		ks_html_str(out, v->run_start, "cgroup.mount");
	}
	fputs("</dd>\n", out);
	if (v->vm_end) {
		fputs("<dt>guest</dt><dd>", out);
		fprintf(out, "<span class=\"%s\">",
			strcmp(ks_jstr(v->vm_end, "outcome", ""), "finished") ?
			"bad" : "");
		ks_html_str(out, v->vm_end, "outcome");
		fputs("</span>, guest exit ", out);
		ks_html_int(out, v->vm_end, "guest_exit");
		fputs(", ", out);
		ks_html_str(out, v->vm_end, "accel");
		fputs(", ", out);
		ks_html_int(out, v->vm_end, "memory_mb");
		fputs(" MB, ", out);
		ks_html_int(out, v->vm_end, "cpus");
		fputs(" CPUs", out);
		if (ks_jstr(v->vm_end, "panic", NULL)) {
			fputs("<br><span class=\"bad\">", out);
			ks_html_str(out, v->vm_end, "panic");
			fputs("</span>", out);
		}
		fputs("</dd>\n", out);
	}
	fputs("<dt>run</dt><dd>", out);
	if (v->run_end) {
		fputs("exit ", out);
		ks_html_int(out, v->run_end, "exit_code");
		if (json_is_true(json_object_get(v->run_end, "interrupted")))
			fputs(", <span class=\"bad\">interrupted</span>", out);
	} else {
		fputs("<span class=\"bad\">no run_end: the run was killed, its machine died, or it is still running</span>",
		      out);
	}
	if (v->truncated)
		fputs("; its last line was cut short and is left out", out);
	fputs("</dd>\n<dt>verdicts</dt><dd>", out);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int c = 0;

		for (i = 0; i < v->nscn; i++)
			c += !strcmp(v->scn[i].verdict, kinds[k]);
		fprintf(out, "%s%d ", k ? ", " : "", c);
		put_verdict(out, kinds[k]);
	}
	fputs("</dd>\n</dl>\n", out);
}

static void summary_table(FILE *out, struct ks_run_view *v, size_t r)
{
	size_t i;

	fputs("<table class=\"sum\">\n<tr><th>scenario</th><th>workload</th><th>verdict</th>"
	      "<th class=\"n\">ops/s</th><th class=\"n\">peak</th><th class=\"n\">limit</th>"
	      "<th class=\"n\">limit hits</th><th class=\"n\">OOM kills</th>"
	      "<th class=\"n\">ENOMEM</th><th class=\"n\">surfaced</th>"
	      "<th class=\"n\">bug reports</th><th class=\"n\">info reports</th></tr>\n",
	      out);
	for (i = 0; i < v->nscn; i++) {
		struct ks_scn_view *s = &v->scn[i];
		double rate = ks_jnum(s->end, "ops_per_sec", -1);

		fprintf(out, "<tr><td><a href=\"#r%zu-s%zu\">", r, i);
		ks_xml_escape(out, s->name);
		fputs("</a></td><td>", out);
		ks_xml_escape(out, ks_scn_workload(s) ?
			      json_string_value(ks_scn_workload(s)) : "-");
		fputs("</td><td>", out);
		put_verdict(out, s->verdict);
		if (rate >= 0)
			fprintf(out, "</td><td class=\"n\">%.0f", rate);
		else
			fputs("</td><td class=\"n\">-", out);
		fputs("</td><td class=\"n\">", out);
		ks_html_field_bytes(out, s->end, "memcg.peak");
		fputs("</td><td class=\"n\">", out);
		ks_html_field_bytes(out, s->end, "memcg.limit");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, s->end, "memcg.limit_hits");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, s->end, "memcg.oom_kills");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, s->end, "enomem");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, s->end, "enomem_surfaced");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, s->end, "kernel_reports");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, s->end, "info_reports");
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* duration.until_limit: when the limit was reached, how long held. */
static void scn_limit_time(FILE *out, const struct ks_scn_view *s,
			   json_t *src)
{
	long long ceiling = ks_jint(src, "until_limit_ms", 0);

	if (ks_jint(s->end, "limit_reached_ms", U) != U) {
		fputs("; the limit was reached after ", out);
		ks_html_int(out, s->end, "limit_reached_ms");
		fputs(" ms and held ", out);
		ks_html_int(out, s->end, "held_ms");
		fputs(" ms", out);
	} else if (ceiling > 0 && json_is_null(json_object_get(s->end,
					       "limit_reached_ms"))) {
		fprintf(out, "; the limit was not reached within %lld ms",
			ceiling);
	}
	if (ceiling > 0)
		fprintf(out, " (duration.until_limit %lld ms)", ceiling);
}

static void scn_meta(FILE *out, const struct ks_run_view *v,
		     const struct ks_scn_view *s)
{
	json_t *src = s->start ? s->start : s->planned, *inj;
	const char *k;

	if (!src)
		src = s->end;
	fputs("<dl class=\"kv\">\n<dt>workload</dt><dd>", out);
	ks_xml_escape(out, ks_jstr(src, "workload", "-"));
	fputs(", ", out);
	ks_html_int(out, src, "workers");
	fputs(" workers, ", out);
	ks_html_int(out, src, "duration_ms");
	fputs(" ms planned; the storm ran ", out);
	ks_html_int(out, s->end, "storm_ms");
	fputs(" ms, the scenario ", out);
	ks_html_int(out, s->end, "duration_ms");
	fputs(" ms", out);
	scn_limit_time(out, s, src);
	fputs("</dd>\n<dt>limits</dt><dd>", out);
	put_options(out, json_object_get(src, "limits"), 1);
	fputs("</dd>\n", out);
	json_object_foreach(json_object_get(s->start, "inject"), k, inj) {
		fputs("<dt>inject</dt><dd>", out);
		ks_xml_escape(out, k);
		fputs(": ", out);
		put_options(out, inj, 0);
		fputs("</dd>\n", out);
	}
}

/*
 * What the cgroup and the injectors said at the end (scenario_end).  Long
 * but flat: one table row per fact, in the order the page shows.
 */
static void scn_facts(FILE *out, const struct ks_scn_view *s)
{
	json_t *e = s->end, *cf = json_object_get(json_object_get(e, "inject"),
						  "chargefail");
	json_t *fs;
	const char *k;

	fputs("<dt>memcg</dt><dd>peak ", out);
	ks_html_field_bytes(out, e, "memcg.peak");
	fputs(", highest sampled ", out);
	ks_html_field_bytes(out, e, "memcg.max_sampled_current");
	fputs(", at the end ", out);
	ks_html_field_bytes(out, e, "memcg.current");
	fputs(" (kernel ", out);
	ks_html_field_bytes(out, e, "memcg.stat.kernel");
	fputs(", slab ", out);
	ks_html_field_bytes(out, e, "memcg.stat.slab");
	fputs("); limit ", out);
	ks_html_field_bytes(out, e, "memcg.limit");
	fputs(", ", out);
	ks_html_int(out, e, "memcg.limit_hits");
	fputs(" limit hits, ", out);
	ks_html_int(out, e, "memcg.oom_kills");
	fputs(" OOM kills, ", out);
	ks_html_int(out, e, "memcg.events.oom");
	fputs(" OOM events</dd>\n<dt>ops</dt><dd>", out);
	ks_html_int(out, e, "ops_total");
	fputs(" succeeded, ", out);
	if (ks_jnum(e, "ops_per_sec", -1) >= 0)
		fprintf(out, "%.1f", ks_jnum(e, "ops_per_sec", 0));
	else
		fputs("-", out);
	fputs(" per second; ", out);
	ks_html_int(out, e, "enomem");
	fputs(" ENOMEM, ", out);
	ks_html_int(out, e, "enomem_surfaced");
	fputs(" surfaced as another errno</dd>\n", out);
	if (ks_jstr(e, "taint.new", "")[0]) {
		fputs("<dt>taint</dt><dd class=\"bad\">", out);
		ks_html_str(out, e, "taint.meaning");
		fputs("</dd>\n", out);
	}
	json_object_foreach(json_object_get(e, "inject"), k, fs) {
		if (fs == cf || !json_is_object(fs))
			continue;
		fputs("<dt>", out);
		ks_xml_escape(out, k);
		fputs("</dt><dd>", out);
		if (!strcmp(k, "stacks")) {
			ks_html_int(out, fs, "workers");
			fputs(" stacks of workers, ", out);
			ks_html_int(out, fs, "others");
			fputs(" of other tasks", out);
		} else {
			ks_html_int(out, fs, "injected");
			fputs(" failures injected, ", out);
			ks_html_int(out, fs, "kernel_messages");
			fputs(" FAULT_INJECTION messages", out);
		}
		fputs("</dd>\n", out);
	}
	if (cf) {
		fputs("<dt>chargefail</dt><dd>", out);
		ks_html_str(out, cf, "method");
		fputs(": limit ", out);
		ks_html_field_bytes(out, cf, "plan_limit");
		fputs(" squeezed to ", out);
		ks_html_field_bytes(out, cf, "lowest_limit");
		fputs(" in ", out);
		ks_html_int(out, cf, "steps_taken");
		fputs(" steps; usage over the limit in ", out);
		ks_html_int(out, cf, "overshoot.samples_over");
		fputs(" of ", out);
		ks_html_int(out, cf, "overshoot.samples");
		fputs(" samples, at most ", out);
		ks_html_field_bytes(out, cf, "overshoot.sampled_max");
		fputs(" (peak ", out);
		ks_html_field_bytes(out, cf, "overshoot.peak_max");
		fputs("); ENOMEM ", out);
		ks_html_int(out, cf, "enomem.before_squeeze");
		fputs(" before the squeeze, ", out);
		ks_html_int(out, cf, "enomem.squeezed");
		fputs(" after", out);
		if (ks_jstr(cf, "error", NULL)) {
			fputs("; <span class=\"bad\">", out);
			ks_html_str(out, cf, "error");
			fputs("</span>", out);
		}
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n", out);
}

static int scn_section(FILE *out, struct ks_run_view *v, size_t r, size_t i)
{
	struct ks_scn_view *s = &v->scn[i];
	json_t *x;
	size_t j;
	int rc;

	fprintf(out, "<section class=\"scn\" id=\"r%zu-s%zu\">\n<h3>%d. ", r, i,
		s->index);
	ks_xml_escape(out, s->name);
	fputs(" ", out);
	put_verdict(out, s->verdict);
	fputs("</h3>\n", out);
	if (json_array_size(json_object_get(s->end, "reasons")) || s->why[0]) {
		fputs("<ul class=\"why\">\n", out);
		json_array_foreach(json_object_get(s->end, "reasons"), j, x) {
			fputs("<li>", out);
			ks_xml_escape(out, json_string_value(x));
			fputs("</li>\n", out);
		}
		if (s->why[0]) {
			fputs("<li>", out);
			ks_xml_escape(out, s->why);
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
	}
	scn_meta(out, v, s);
	if (s->end)
		scn_facts(out, s);
	else
		fputs("</dl>\n", out);

	rc = ks_svg_mem_plot(out, s);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		fputs("<p class=\"note noplot\">No plot: the journal has no samples of this scenario (",
		      out);
		if (!strcmp(s->verdict, "notrun"))
			fputs("it never started", out);
		else if (!strcmp(s->verdict, "skip"))
			fputs("it was skipped", out);
		else
			fputs("none were taken", out);
		fputs(").</p>\n", out);
	} else {
		rc = ks_svg_ops_plot(out, s);
		if (rc < 0)
			return -1;
		if (rc > 0)
			fputs("<p class=\"note\">No ops/s plot: fewer than two samples counted operations.</p>\n",
			      out);
	}
	ks_html_cgroups(out, s);
	ks_html_ops_table(out, s);
	ks_html_surfaced_table(out, s);
	ks_html_findings_list(out, s);
	if (ks_html_reports_list(out, s))
		return -1;
	fputs("</section>\n", out);
	return 0;
}

int ks_report_html(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	size_t r, i;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>kmemstorm report", out);
	for (r = 0; r < nruns; r++) {
		fputs(r ? ", " : ": ", out);
		ks_xml_escape(out, runs[r].plan);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>kmemstorm report</h1>\n<p class=\"dim\">%zu journal%s. "
		"Every figure below is a journal field (docs/journal.md); "
		"&ldquo;-&rdquo; means the journal does not say. "
		"Hover over the plots' markers for details.</p>\n",
		css, nruns, nruns == 1 ? "" : "s");
	for (r = 0; r < nruns; r++) {
		struct ks_run_view *v = &runs[r];

		fprintf(out, "<section class=\"run\" id=\"r%zu\">\n<h2>", r);
		ks_xml_escape(out, v->path);
		fputs("</h2>\n", out);
		run_header(out, v);
		summary_table(out, v, r);
		for (i = 0; i < v->nscn; i++)
			if (scn_section(out, v, r, i)) {
				fprintf(stderr, "kmemstorm report: out of memory\n");
				return -1;
			}
		fputs("</section>\n", out);
	}
	fputs("</body>\n</html>\n", out);
	return 0;
}
