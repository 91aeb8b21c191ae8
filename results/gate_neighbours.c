// SPDX-License-Identifier: GPL-2.0
#include "gate_neighbours.h"

#include <string.h>

#include "units.h"
#include "utf8.h"

static json_t *row(const struct ks_run_view *v, const struct ks_scn_view *s)
{
	json_t *e = s->end, *vic = json_object_get(e, "victim");
	long long killed = ks_jint(vic, "sigkilled", 0) +
			   ks_jint(vic, "oom_kills", 0);
	long long fails = ks_jint(vic, "fails", 0);
	long long low = ks_jint(vic, "memory.low_events", 0);
	json_t *r = json_pack("{s:o, s:o, s:o, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
		"plan", ks_json_text(v->plan), "scenario", ks_json_text(s->name),
		"journal", ks_json_text(v->path),
		"line", ks_rec_line(v, e),
		"p99_alone_us", (json_int_t)ks_jint(vic, "alone.p99_us", -1),
		"p99_storm_us", (json_int_t)ks_jint(vic, "storm.p99_us", -1),
		"fails", (json_int_t)fails, "killed", (json_int_t)killed,
		"reclaimed", (json_int_t)low,
		"usage_min", (json_int_t)ks_jint(vic, "memory.current_min", -1),
		"harmed", killed > 0 || fails > 0 || low > 0);

	ks_jcopy(r, "latency_factor", json_object_get(vic, "latency_factor"));
	return r;
}

json_t *ks_gate_neighbours(const struct ks_run_view *runs, size_t nruns)
{
	json_t *rows = json_array();
	size_t r, i;

	for (r = 0; r < nruns; r++)
		for (i = 0; i < runs[r].nscn; i++)
			if (json_is_object(json_object_get(runs[r].scn[i].end,
							   "victim")))
				json_array_append_new(rows,
					row(&runs[r], &runs[r].scn[i]));
	return rows;
}

/* Config k's row for plan.scenario, or NULL. */
static json_t *find(json_t *rows, json_t *like)
{
	json_t *x;
	size_t i;

	json_array_foreach(rows, i, x)
		if (!strcmp(ks_jstr(x, "plan", ""), ks_jstr(like, "plan", "?")) &&
		    !strcmp(ks_jstr(x, "scenario", ""),
			    ks_jstr(like, "scenario", "?")))
			return x;
	return NULL;
}

int ks_gate_neighbours_own(json_t *const *rows, int n, int i)
{
	json_t *x, *y;
	size_t j;
	int k, own = 0, everywhere;

	json_array_foreach(rows[i], j, x) {
		if (!json_is_true(json_object_get(x, "harmed")))
			continue;
		everywhere = 1;
		for (k = 0; k < n; k++) {
			y = k == i ? x : find(rows[k], x);
			if (!y || !json_is_true(json_object_get(y, "harmed")))
				everywhere = 0;
		}
		own += !everywhere || n == 1;
	}
	return own;
}

void ks_gate_neighbours_print(FILE *f, const char *const *labels,
			      json_t *const *rows, int n, int width)
{
	char mn[16], fac[16];
	json_t *x;
	size_t j;
	int i, any = 0;

	for (i = 0; i < n; i++)
		any += json_array_size(rows[i]) > 0;
	if (!any)
		return;
	fprintf(f, "\nNEIGHBOURS (a victim cgroup beside the storm)\n");
	fprintf(f, "%-*s %-20s %9s %9s %7s %6s %6s %9s %9s  %s\n", width,
		"CONFIG", "SCENARIO", "P99-ALONE", "P99-STORM", "FACTOR",
		"FAILS", "KILLED", "RECLAIMED", "USAGE-MIN", "JOURNAL:LINE");
	for (i = 0; i < n; i++)
		json_array_foreach(rows[i], j, x) {
			json_t *lf = json_object_get(x, "latency_factor");

			snprintf(fac, sizeof(fac), "-");
			if (json_is_number(lf))
				snprintf(fac, sizeof(fac), "x%.1f",
					 json_number_value(lf));
			ks_format_size(ks_jint(x, "usage_min", -1), mn,
				       sizeof(mn));
			fprintf(f, "%-*s %-20s %7lldus %7lldus %7s %6lld %6lld %9lld %9s  %s:%lld\n",
				width, labels[i], ks_jstr(x, "scenario", "?"),
				ks_jint(x, "p99_alone_us", -1),
				ks_jint(x, "p99_storm_us", -1), fac,
				ks_jint(x, "fails", 0), ks_jint(x, "killed", 0),
				ks_jint(x, "reclaimed", 0), mn,
				ks_jstr(x, "journal", "?"),
				ks_jint(x, "line", 0));
		}
	fprintf(f, "(P99: the victim's operation latency alone and beside the storm; FACTOR:\n"
		   " the ratio; FAILS: its failed operations; KILLED: SIGKILLs and memcg OOM\n"
		   " kills; RECLAIMED: memory.events low during the storm; USAGE-MIN: its\n"
		   " lowest memory.current meanwhile)\n");
}
