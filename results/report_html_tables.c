// SPDX-License-Identifier: GPL-2.0
/*
 * The html report's tables and lists of a scenario: failures per
 * operation and errno, ENOMEM surfaced, sweep findings, kernel reports.
 */
#include "report.h"

#include <string.h>

#include "report_html.h"
#include "utf8.h"

#define U KS_HTML_UNKNOWN
#define SAME_TITLE_SHOWN 3	/* report texts shown per title */
#define SAME_TITLE_TIMES 40	/* and the times of the others */

/* Is errno name e in the space-separated list (or is the list "*")? */
static int in_list(const char *list, const char *e)
{
	size_t n = strlen(e);
	const char *p;

	if (!strcmp(list, "*"))
		return 1;
	if (!n)		/* a journal's "" key: strstr would find it forever */
		return 0;
	for (p = list; (p = strstr(p, e)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

void ks_html_ops_table(FILE *out, const struct ks_scn_view *s)
{
	json_t *ops = json_object_get(s->end, "ops"), *op, *n;
	json_t *allowed = json_object_get(s->start, "errno_allowed");
	const char *name, *e;

	if (!json_object_size(ops))
		return;
	fputs("<h4>Operations</h4>\n<table class=\"ops\">\n<tr><th>operation</th>"
	      "<th class=\"n\">ok</th><th class=\"n\">fail</th><th class=\"n\">ENOMEM</th>"
	      "<th>failures by errno</th><th>allowed errnos</th></tr>\n", out);
	json_object_foreach(ops, name, op) {
		const char *al = json_string_value(json_object_get(allowed,
								   name));
		int first = 1;

		fputs("<tr><td>", out);
		ks_xml_escape(out, name);
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, op, "ok");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, op, "fail");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, op, "enomem");
		fputs("</td><td>", out);
		if (!json_is_object(json_object_get(op, "errno")))
			fputs("-", out);
		json_object_foreach(json_object_get(op, "errno"), e, n) {
			/* Not allowed, not ENOMEM: what errno truth judges. */
			int bad = al && strcmp(e, "ENOMEM") && !in_list(al, e);

			fprintf(out, "%s<span class=\"%s\">", first ? "" : ", ",
				bad ? "bad" : "");
			ks_xml_escape(out, e);
			fprintf(out, " %lld</span>",
				(long long)json_integer_value(n));
			first = 0;
		}
		fputs("</td><td class=\"dim\">", out);
		ks_xml_escape(out, al ? al : "-");
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

void ks_html_surfaced_table(FILE *out, const struct ks_scn_view *s)
{
	json_t *r;
	size_t i;

	if (!json_array_size(s->surfaced))
		return;
	fputs("<h4>ENOMEM surfaced as another errno</h4>\n<table class=\"surfaced\">\n"
	      "<tr><th>operation</th><th>errno</th><th class=\"n\">count</th>"
	      "<th>allowed</th><th>pressure since</th><th>pressure</th></tr>\n",
	      out);
	json_array_foreach(s->surfaced, i, r) {
		fputs("<tr><td>", out);
		ks_html_str(out, r, "op");
		fputs("</td><td class=\"bad\">", out);
		ks_html_str(out, r, "errno");
		fputs("</td><td class=\"n\">", out);
		ks_html_int(out, r, "count");
		fputs("</td><td class=\"dim\">", out);
		ks_html_str(out, r, "allowed");
		fputs("</td><td class=\"n\">", out);
		if (ks_jint(r, "pressure_since_ms", U) != U)
			fprintf(out, "%lld ms", ks_jint(r, "pressure_since_ms", 0));
		else
			fputs("-", out);
		fputs("</td><td>", out);
		ks_html_str(out, r, "pressure");
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

void ks_html_findings_list(FILE *out, const struct ks_scn_view *s)
{
	json_t *r;
	size_t i;

	if (!json_array_size(s->findings))
		return;
	fputs("<h4>Sweep findings</h4>\n<ul>\n", out);
	json_array_foreach(s->findings, i, r) {
		fputs("<li>", out);
		ks_html_str(out, r, "op");
		fputs(" n=", out);
		ks_html_int(out, r, "n");
		fputs(": ", out);
		ks_html_str(out, r, "finding");
		fputs("<br><code>", out);
		ks_html_str(out, r, "replay");
		fputs("</code></li>\n", out);
	}
	fputs("</ul>\n", out);
}

/* When, relative to the scenario start; console reports have no such time. */
static void report_time(FILE *out, const struct ks_scn_view *s, json_t *r)
{
	if (!strcmp(ks_jstr(r, "source", ""), "console"))
		fputs("on the console (host clock)", out);
	else if (ks_jint(r, "t_ms", U) == U)
		fputs("-", out);
	else
		fprintf(out, "%.3f s", ((double)ks_jint(r, "t_ms", 0) -
					(double)ks_html_t0(s)) / 1000);
}

static void report_one(FILE *out, const struct ks_scn_view *s, json_t *r)
{
	if (!strcmp(ks_jstr(r, "source", ""), "console")) {
		fputs("<div><p>from the serial console (the guest did not journal it)",
		      out);
	} else {
		fputs("<div><p>at ", out);
		report_time(out, s, r);
	}
	fputs(", kind ", out);
	ks_html_str(out, r, "kind");
	if (ks_jstr(r, "guilty", "")[0]) {
		fputs(", guilty <code>", out);
		ks_html_str(out, r, "guilty");
		fputs("</code>", out);
	}
	if (ks_jstr(r, "victim", NULL)) {
		fputs(", victim ", out);
		ks_html_str(out, r, "victim");
	}
	if (ks_jint(r, "order", U) != U) {
		fputs(", order ", out);
		ks_html_int(out, r, "order");
		fputs(" gfp ", out);
		ks_html_str(out, r, "gfp");
	}
	if (json_is_true(json_object_get(r, "corrupted"))) {
		fputs(", <span class=\"bad\">corrupted: ", out);
		ks_html_str(out, r, "corrupt_reason");
		fputs("</span>", out);
	}
	fputs("</p>\n", out);
	if (json_is_object(json_object_get(r, "context"))) {
		fputs("<details class=\"ctx\"><summary>fault-injection context: <code>",
		      out);
		ks_html_str(out, r, "context.site");
		fputs("</code></summary><pre>", out);
		ks_html_str(out, r, "context.text");
		fputs("</pre></details>\n", out);
	}
	fputs("<pre>", out);
	ks_html_str(out, r, "text");
	fputs("</pre></div>\n", out);
}

/* Reports grouped by title, in order of first sight; bugs open. */
int ks_html_reports_list(FILE *out, const struct ks_scn_view *s)
{
	json_t *titles = json_array(), *groups = json_object(), *r, *g, *t;
	size_t i, j, nbug = 0;

	if (!titles || !groups)
		goto oom;
	json_array_foreach(s->reports, i, r) {
		const char *title = ks_jstr(r, "title", "(no title)");

		nbug += !strcmp(ks_jstr(r, "severity", ""), "bug");
		g = json_object_get(groups, title);
		if (!g) {
			g = json_array();
			if (!g || json_object_set_new(groups, title, g) ||
			    json_array_append_new(titles, ks_json_text(title)))
				goto oom;
		}
		if (json_array_append(g, r))
			goto oom;
	}
	if (json_array_size(s->reports))
		fprintf(out, "<h4>Kernel reports: %zu bug, %zu info</h4>\n",
			nbug, json_array_size(s->reports) - nbug);
	json_array_foreach(titles, i, t) {
		const char *title = json_string_value(t);
		int bug;

		g = json_object_get(groups, title);
		r = json_array_get(g, 0);
		bug = !strcmp(ks_jstr(r, "severity", ""), "bug");
		fprintf(out, "<details class=\"kr\"%s><summary><span class=\"sev sev-%s\">%s</span> ",
			bug ? " open" : "", bug ? "bug" : "info",
			bug ? "bug" : "info");
		if (json_array_size(g) > 1)
			fprintf(out, "%zu&times; ", json_array_size(g));
		ks_xml_escape(out, title);
		fputs("</summary>\n", out);
		json_array_foreach(g, j, r) {
			if (j < SAME_TITLE_SHOWN) {
				report_one(out, s, r);
				continue;
			}
			if (j == SAME_TITLE_SHOWN)
				fprintf(out, "<p class=\"note\">%zu more with this title, at ",
					json_array_size(g) - SAME_TITLE_SHOWN);
			if (j < SAME_TITLE_SHOWN + SAME_TITLE_TIMES) {
				fputs(j > SAME_TITLE_SHOWN ? ", " : "", out);
				report_time(out, s, r);
			} else if (j == SAME_TITLE_SHOWN + SAME_TITLE_TIMES) {
				fputs(", &hellip;", out);
			}
		}
		if (json_array_size(g) > SAME_TITLE_SHOWN)
			fputs("</p>\n", out);
		fputs("</details>\n", out);
	}
	json_decref(titles);
	json_decref(groups);
	return 0;
oom:
	json_decref(titles);
	json_decref(groups);
	return -1;
}

