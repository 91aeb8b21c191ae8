// SPDX-License-Identifier: GPL-2.0
/*
 * JUnit XML as Jenkins' junit-4.xsd has it (the test fetches it, see
 * tests/lib.sh junit_xsd): a <testsuite> per journal, a <testcase> per
 * scenario of its plan with the console lines of its run as system-out.
 */
#include "report.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Console lines per scenario in its <system-out>: the end of them. */
#define EXCERPT_MAX (64 << 10)

/* The scenario's reasons: scenario_end's, else why it has none. */
static json_t *scn_reasons(const struct ks_scn_view *s)
{
	json_t *r = json_object_get(s->end, "reasons");

	if (json_is_array(r) && json_array_size(r))
		return json_incref(r);
	return json_pack("[o]",
			 ks_json_text(s->end ? "no reason journaled" : s->why));
}

static long long last_t_ms(json_t *recs, long long t)
{
	json_t *r;
	size_t i;

	json_array_foreach(recs, i, r)
		if (ks_jint(r, "t_ms", -1) > t)
			t = ks_jint(r, "t_ms", -1);
	return t;
}

/*
 * time is required. A scenario the run never reached took none; one that
 * never ended took at least as long as its records show.
 */
static double scn_seconds(const struct ks_scn_view *s)
{
	long long ms = ks_jint(s->end, "duration_ms", -1), t0, t;

	if (ms >= 0)
		return ms / 1000.0;
	t0 = ks_jint(s->start, "t_ms", -1);
	if (t0 < 0)
		return 0;
	t = last_t_ms(s->samples, t0);
	t = last_t_ms(s->reports, t);
	return (t - t0) / 1000.0;
}

/*
 * Written as an xs:dateTime without a time zone, as the stricter JUnit
 * schemas want it; the journal's is UTC, so the Z goes. A journal without one (its run_start
 * always has it) gets the epoch, since the attribute cannot be left out.
 */
static void put_timestamp(FILE *out, const char *iso)
{
	int y, mo, d, h, mi, sec;

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h,
			   &mi, &sec) != 6) {
		y = 1970;
		mo = d = 1;
		h = mi = sec = 0;
	}
	fprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
}

static void put_prop(FILE *out, const char *name, const char *value)
{
	if (!value)
		return;		/* unknown: no property, not an empty one */
	fprintf(out, "      <property name=\"%s\" value=\"", name);
	ks_xml_escape(out, value);
	fputs("\"/>\n", out);
}

static void put_props(FILE *out, const struct ks_run_view *v)
{
	json_t *rs = v->run_start;
	char num[32];

	fputs("    <properties>\n", out);
	put_prop(out, "journal", v->path);
	put_prop(out, "kmemstorm.version", ks_jstr(rs, "version", NULL));
	put_prop(out, "plan.source", ks_jstr(rs, "plan.source", NULL));
	put_prop(out, "kernel.release", ks_jstr(rs, "kernel.release", NULL));
	put_prop(out, "kernel.version", ks_jstr(rs, "kernel.version", NULL));
	put_prop(out, "kernel.machine", ks_jstr(rs, "kernel.machine", NULL));
	put_prop(out, "kernel.cmdline", ks_jstr(rs, "kernel.cmdline", NULL));
	put_prop(out, "cgroup.version", ks_jstr(rs, "cgroup.version", NULL));
	if (v->vm_end) {
		put_prop(out, "guest.outcome",
			 ks_jstr(v->vm_end, "outcome", NULL));
		snprintf(num, sizeof(num), "%lld",
			 ks_jint(v->vm_end, "guest_exit", -1));
		put_prop(out, "guest.exit", num);
		put_prop(out, "guest.panic", ks_jstr(v->vm_end, "panic", NULL));
	}
	if (!v->run_end)
		put_prop(out, "run.end",
			 "none: the run was killed or its machine died");
	else if (json_is_true(json_object_get(v->run_end, "interrupted")))
		put_prop(out, "run.end", "interrupted");
	if (v->truncated)
		put_prop(out, "journal.truncated",
			 "its last line was cut short and is left out");
	fputs("    </properties>\n", out);
}

/* What kind of failure, from the first reason the verdict gives. */
static const char *fail_type(const struct ks_scn_view *s, const char *first)
{
	if (!strcmp(ks_jstr(s->end, "source", ""), "host"))
		return "guest";
	if (!strncmp(first, "kernel report:", 14))
		return "kernel_report";
	if (!strncmp(first, "ENOMEM surfaced", 15))
		return "enomem_surfaced";
	if (!strncmp(first, "kernel became tainted", 21))
		return "taint";
	return "expectation";
}

/* Every reason, then the kernel reports and sweep findings behind them. */
static void put_body(FILE *out, const struct ks_scn_view *s, json_t *reasons)
{
	json_t *titles = ks_scn_bug_titles(s), *x;
	size_t i;

	json_array_foreach(reasons, i, x) {
		ks_xml_escape(out, json_string_value(x));
		fputc('\n', out);
	}
	json_array_foreach(titles, i, x) {
		/* Most are a reason already: "kernel report: TITLE". */
		if (ks_reasons_name_report(reasons, json_string_value(x)))
			continue;
		fputs("kernel report: ", out);
		ks_xml_escape(out, json_string_value(x));
		fputc('\n', out);
	}
	json_array_foreach(s->findings, i, x) {
		fputs("sweep finding at ", out);
		ks_xml_escape(out, ks_jstr(x, "op", "?"));
		fprintf(out, " n=%lld: ", ks_jint(x, "n", -1));
		ks_xml_escape(out, ks_jstr(x, "finding", "?"));
		fputc('\n', out);
	}
	json_decref(titles);
}

/* What the console printed while the scenario ran, as its stdout. */
static int put_case_out(FILE *out, const struct ks_run_view *v,
			const struct ks_scn_view *s)
{
	char *log = ks_scn_log_excerpt(v, s, EXCERPT_MAX);

	if (!log)
		return -1;
	if (*log) {
		fputs("      <system-out>", out);
		ks_xml_escape(out, log);
		fputs("</system-out>\n", out);
	}
	free(log);
	return 0;
}

static int put_testcase(FILE *out, const struct ks_run_view *v,
			const struct ks_scn_view *s)
{
	json_t *reasons = scn_reasons(s);
	const char *first, *verdict = s->verdict;
	int rc;

	if (!reasons)
		return -1;
	first = json_string_value(json_array_get(reasons, 0));
	first = first ? first : "";
	fputs("    <testcase classname=\"kmemstorm.", out);
	ks_xml_escape(out, v->plan);
	fputs("\" name=\"", out);
	ks_xml_escape(out, s->name);
	fprintf(out, "\" time=\"%.3f\">\n", scn_seconds(s));
	if (!strcmp(verdict, "skip") || !strcmp(verdict, "notrun")) {
		/* junit-4.xsd: the reason is the text, there is no message. */
		fputs("      <skipped>", out);
		ks_xml_escape(out, first);
		fputs("</skipped>\n", out);
	} else if (strcmp(verdict, "pass")) {
		int fail = !strcmp(verdict, "fail");

		fprintf(out, "      <%s message=\"", fail ? "failure" : "error");
		ks_xml_escape(out, first);
		fprintf(out, "\" type=\"%s\">",
			fail ? fail_type(s, first) :
			s->end ? "error" : "no_scenario_end");
		put_body(out, s, reasons);
		fprintf(out, "</%s>\n", fail ? "failure" : "error");
	}
	rc = put_case_out(out, v, s);
	fputs("    </testcase>\n", out);
	json_decref(reasons);
	return rc;
}

/* A guest run's only stderr of its own: what QEMU said. */
static void put_system_err(FILE *out, const struct ks_run_view *v)
{
	fputs("    <system-err>", out);
	ks_xml_escape(out, ks_jstr(v->vm_end, "qemu_stderr", ""));
	fputs("</system-err>\n", out);
}

static int put_suite(FILE *out, const struct ks_run_view *v, size_t id)
{
	int fail = 0, error = 0, skip = 0;
	double secs = 0;
	size_t i;

	for (i = 0; i < v->nscn; i++) {
		const char *vd = v->scn[i].verdict;

		fail += !strcmp(vd, "fail");
		error += !strcmp(vd, "error");
		skip += !strcmp(vd, "skip") || !strcmp(vd, "notrun");
		secs += scn_seconds(&v->scn[i]);
	}
	fputs("  <testsuite name=\"kmemstorm.", out);
	ks_xml_escape(out, v->plan);
	fprintf(out, "\" package=\"kmemstorm\" id=\"%zu\" timestamp=\"", id);
	put_timestamp(out, ks_jstr(v->run_start, "time", NULL));
	/* The journal does not name the machine; the schema's own stand-in. */
	fprintf(out, "\" hostname=\"localhost\" tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
		v->nscn, fail, error, skip, secs);
	put_props(out, v);
	for (i = 0; i < v->nscn; i++)
		if (put_testcase(out, v, &v->scn[i]))
			return -1;
	put_system_err(out, v);
	fputs("  </testsuite>\n", out);
	return 0;
}

int ks_report_junit(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	size_t r;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n",
	      out);
	for (r = 0; r < nruns; r++)
		if (put_suite(out, &runs[r], r)) {
			fprintf(stderr, "kmemstorm report: junit: out of memory\n");
			return -1;
		}
	fputs("</testsuites>\n", out);
	return 0;
}
