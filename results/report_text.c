// SPDX-License-Identifier: GPL-2.0
/* The text report: each run's header and the summary table 'run' prints. */
#include "report.h"

#include <string.h>

#include "summary.h"
#include "utf8.h"

/* A stand-in scenario_end for one that has none, so the table lists it. */
static json_t *end_or_standin(const struct ks_scn_view *s)
{
	if (s->end)
		return json_incref(s->end);
	return json_pack("{s:o, s:o, s:o, s:[o]}", "scenario",
			 ks_json_text(s->name),
			 "workload", ks_json_text(ks_scn_workload(s) ?
			 json_string_value(ks_scn_workload(s)) : "-"),
			 "verdict", ks_json_text(s->verdict), "reasons",
			 ks_json_text(s->why));
}

/* One line per guest of a plan resumed after crashes. */
static void guest_lines(FILE *out, const struct ks_run_view *v)
{
	json_t *e, *sc;
	size_t i, j;

	fprintf(out, "guests: %zu, exit %d\n", json_array_size(v->vm_ends),
		v->exit_code);
	json_array_foreach(v->vm_ends, i, e) {
		fprintf(out, "  guest %lld: %s, exit %lld:",
			ks_jint(e, "guest", (long long)i + 1),
			ks_jstr(e, "outcome", "?"), ks_jint(e, "exit_code", -1));
		json_array_foreach(json_object_get(e, "scenarios"), j, sc)
			fprintf(out, " %s", json_string_value(sc) ?
				json_string_value(sc) : "?");
		fputc('\n', out);
	}
}

int ks_report_text(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	size_t r, i, j;
	json_t *x;

	for (r = 0; r < nruns; r++) {
		struct ks_run_view *v = &runs[r];
		json_t *ends = json_array();

		fprintf(out, "%s%s\n", r ? "\n" : "", v->path);
		fprintf(out, "plan %s, kernel %s, started %s\n", v->plan,
			ks_jstr(v->run_start, "kernel.release", "?"),
			ks_jstr(v->run_start, "time", "?"));
		fprintf(out, "cmdline: %s\n",
			ks_jstr(v->run_start, "kernel.cmdline", "?"));
		if (json_array_size(v->vm_ends) > 1)
			guest_lines(out, v);
		else if (v->vm_end)
			fprintf(out, "guest: %s, exit %lld\n",
				ks_jstr(v->vm_end, "outcome", "?"),
				ks_jint(v->vm_end, "exit_code", -1));
		if (!v->run_end && !v->vm_end)
			fprintf(out, "no run_end: the run was killed or is still running\n");
		if (v->truncated)
			fprintf(out, "its last line was cut short and is left out\n");
		for (i = 0; i < v->nscn; i++)
			json_array_append_new(ends, end_or_standin(&v->scn[i]));
		ks_summary_print(out, ends);
		json_decref(ends);
		for (i = 0; i < v->nscn; i++) {
			json_t *titles = ks_scn_bug_titles(&v->scn[i]);

			json_array_foreach(titles, j, x)
				fprintf(out, "%s: kernel report: %s\n",
					v->scn[i].name, json_string_value(x));
			json_decref(titles);
			json_array_foreach(v->scn[i].findings, j, x)
				fprintf(out, "%s: sweep finding at %s n=%lld: %s\n",
					v->scn[i].name, ks_jstr(x, "op", "?"),
					ks_jint(x, "n", -1),
					ks_jstr(x, "finding", "?"));
		}
	}
	return 0;
}
