// SPDX-License-Identifier: GPL-2.0
/*
 * TAP 13 the way the kernel's kselftests print it: one plan over every
 * scenario of every journal, diagnostics as "# " lines before each
 * result, a YAML block after each failure, and kselftest's "# Totals:"
 * line at the end.
 */
#include "report.h"

#include <stdint.h>
#include <string.h>

#include "units.h"
#include "utf8.h"

/* One line of text: a newline would end the TAP line early. */
static void put_line(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
}

/* A test name: '#' would start a directive. */
static void put_name(FILE *out, const char *plan, const char *scn)
{
	const char *parts[2] = { plan, scn };
	const char *p;
	int i;

	fputs("kmemstorm", out);
	for (i = 0; i < 2; i++) {
		fputc('.', out);
		for (p = parts[i]; *p; p++) {
			if (*p == '#')
				fputc('\\', out);
			fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
		}
	}
}

/*
 * A YAML double-quoted scalar both TAP::Parser's YAMLish reader and a
 * YAML 1.1 parser read back as it was: \" \\ and \xHH for controls
 * only, since to YAML \xHH is a code point, not a byte.
 */
static void put_yaml_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* "# dentry, 18880 ops/s, peak 16.0M, limit 16.0M, ...": known ones only. */
static void put_figures(FILE *out, const struct ks_scn_view *s)
{
	json_t *e = s->end;
	char a[32];
	long long n;

	fputs("# ", out);
	put_line(out, ks_jstr(e, "workload",
			      ks_jstr(s->start, "workload", "?")));
	if (json_is_number(json_object_get(e, "ops_per_sec"))) {
		double r = ks_jnum(e, "ops_per_sec", 0);

		/* A lkdtm provocation does one op: 0.5/s, not 0/s. */
		fprintf(out, r < 100 ? ", %.2g ops/s" : ", %.0f ops/s", r);
	}
	if ((n = ks_jint(e, "memcg.peak", -1)) >= 0)
		fprintf(out, ", peak %s", ks_format_size(n, a, sizeof(a)));
	if ((n = ks_jint(e, "memcg.limit", -1)) >= 0)
		fprintf(out, ", limit %s", ks_format_size(n, a, sizeof(a)));
	if ((n = ks_jint(e, "memcg.limit_hits", -1)) >= 0)
		fprintf(out, ", limit hits %lld", n);
	if ((n = ks_jint(e, "memcg.oom_kills", -1)) >= 0)
		fprintf(out, ", OOM kills %lld", n);
	if ((n = ks_jint(e, "enomem", -1)) >= 0)
		fprintf(out, ", ENOMEM %lld", n);
	if ((n = ks_jint(e, "enomem_surfaced", -1)) > 0) {
		fprintf(out, ", ENOMEM surfaced %lld (first ", n);
		put_line(out, ks_jstr(e, "enomem_surfaced_first", "?"));
		fputc(')', out);
	}
	if ((n = ks_jint(e, "duration_ms", -1)) >= 0)
		fprintf(out, ", %lld ms", n);
	/* duration.until_limit: how long it took, how long it was held. */
	if ((n = ks_jint(e, "limit_reached_ms", -1)) >= 0)
		fprintf(out, ", limit reached at %lld ms, held %lld ms", n,
			ks_jint(e, "held_ms", 0));
	else if (ks_jint(s->start, "until_limit_ms", 0) > 0 &&
		 json_is_null(json_object_get(e, "limit_reached_ms")))
		fprintf(out, ", limit not reached within %lld ms",
			ks_jint(s->start, "until_limit_ms", 0));
	fputc('\n', out);
}

static json_t *scn_reasons(const struct ks_scn_view *s)
{
	json_t *r = json_object_get(s->end, "reasons");

	if (json_is_array(r))
		return json_incref(r);
	return json_pack("[o]", ks_json_text(s->why));
}

/* Why it did not pass, the kernel's reports and the sweep's findings. */
static void put_diag(FILE *out, const struct ks_scn_view *s, json_t *reasons,
		     json_t *titles)
{
	json_t *x;
	size_t i;

	if (strcmp(s->verdict, "pass"))
		json_array_foreach(reasons, i, x) {
			fputs("# ", out);
			put_line(out, json_string_value(x));
			fputc('\n', out);
		}
	json_array_foreach(titles, i, x) {
		if (!strcmp(s->verdict, "pass") ||
		    !ks_reasons_name_report(reasons, json_string_value(x))) {
			fputs("# kernel report: ", out);
			put_line(out, json_string_value(x));
			fputc('\n', out);
		}
	}
	json_array_foreach(s->findings, i, x) {
		fputs("# sweep finding at ", out);
		put_line(out, ks_jstr(x, "op", "?"));
		fprintf(out, " n=%lld: ", ks_jint(x, "n", -1));
		put_line(out, ks_jstr(x, "finding", "?"));
		fputc('\n', out);
	}
}

static void put_yaml(FILE *out, const struct ks_scn_view *s, json_t *reasons,
		     json_t *titles)
{
	json_t *x;
	size_t i;

	fputs("  ---\n  message: ", out);
	put_yaml_str(out, json_string_value(json_array_get(reasons, 0)));
	fputs("\n  severity: ", out);
	put_yaml_str(out, s->verdict);
	fputc('\n', out);
	if (json_array_size(reasons) > 1) {
		fputs("  reasons:\n", out);
		json_array_foreach(reasons, i, x) {
			fputs("    - ", out);
			put_yaml_str(out, json_string_value(x));
			fputc('\n', out);
		}
	}
	if (json_array_size(titles)) {
		fputs("  kernel_reports:\n", out);
		json_array_foreach(titles, i, x) {
			fputs("    - ", out);
			put_yaml_str(out, json_string_value(x));
			fputc('\n', out);
		}
	}
	fputs("  ...\n", out);
}

struct totals {
	int pass, fail, skip, error;
};

static int put_test(FILE *out, const struct ks_run_view *v,
		    const struct ks_scn_view *s, int n, struct totals *t)
{
	json_t *reasons = scn_reasons(s), *titles = ks_scn_bug_titles(s);
	const char *vd = s->verdict;
	int skip = !strcmp(vd, "skip") || !strcmp(vd, "notrun");

	if (!reasons || !titles) {
		json_decref(reasons);
		json_decref(titles);
		return -1;
	}
	if (s->end)
		put_figures(out, s);
	if (!skip)
		put_diag(out, s, reasons, titles);
	fputs(!strcmp(vd, "pass") || skip ? "ok" : "not ok", out);
	fprintf(out, " %d ", n);
	put_name(out, v->plan, s->name);
	if (skip) {
		fputs(" # SKIP ", out);
		put_line(out, json_string_value(json_array_get(reasons, 0)));
		t->skip++;
	} else if (!strcmp(vd, "error")) {
		fputs(" # error", out);	/* kselftest's spelling */
		t->error++;
	} else if (!strcmp(vd, "pass")) {
		t->pass++;
	} else {
		t->fail++;
	}
	fputc('\n', out);
	if (!strcmp(vd, "fail") || !strcmp(vd, "error"))
		put_yaml(out, s, reasons, titles);
	json_decref(reasons);
	json_decref(titles);
	return 0;
}

/* Each journal's header, as kselftest's runner names what it runs. */
static void put_header(FILE *out, const struct ks_run_view *v)
{
	fputs("# kmemstorm.", out);
	put_line(out, v->plan);
	fputs(": ", out);
	put_line(out, v->path);
	fputc('\n', out);
	fputs("# kernel ", out);
	put_line(out, ks_jstr(v->run_start, "kernel.release", "?"));
	fputs(", started ", out);
	put_line(out, ks_jstr(v->run_start, "time", "?"));
	if (v->vm_end) {
		fputs(", guest ", out);
		put_line(out, ks_jstr(v->vm_end, "outcome", "?"));
		fprintf(out, ", exit %lld", ks_jint(v->vm_end, "guest_exit", -1));
	}
	fputc('\n', out);
	fputs("# cmdline: ", out);
	put_line(out, ks_jstr(v->run_start, "kernel.cmdline", "?"));
	fputc('\n', out);
	if (!v->run_end && !v->vm_end)
		fputs("# no run_end: the run was killed or is still running\n",
		      out);
	if (v->truncated)
		fputs("# its last line was cut short and is left out\n", out);
}

int ks_report_tap(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	struct totals t = { 0 };
	size_t r, i, total = 0;
	int n = 0;

	for (r = 0; r < nruns; r++)
		total += runs[r].nscn;
	fprintf(out, "TAP version 13\n1..%zu\n", total);
	for (r = 0; r < nruns; r++) {
		put_header(out, &runs[r]);
		for (i = 0; i < runs[r].nscn; i++)
			if (put_test(out, &runs[r], &runs[r].scn[i], ++n, &t)) {
				fprintf(stderr, "kmemstorm report: tap: out of memory\n");
				return -1;
			}
	}
	fprintf(out, "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:%d\n",
		t.pass, t.fail, t.skip, t.error);
	return 0;
}
