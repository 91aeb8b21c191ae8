// SPDX-License-Identifier: GPL-2.0
#include "summary.h"

#include <stdint.h>
#include <string.h>

#include "units.h"

static int64_t geti(json_t *o, const char *path)
{
	char key[64];
	const char *dot;
	json_t *v = o;

	/* "memcg.peak": one level of nesting is all the table needs. */
	while (v && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		v = json_object_get(v, key);
		path = dot + 1;
	}
	v = v ? json_object_get(v, path) : NULL;
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

static const char *num(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* "12.0M/9.5M": how far the peak and the sampled max went past the limit. */
static void over_limit(json_t *o, char *buf, size_t len)
{
	int64_t lim = geti(o, "memcg.limit"), peak = geti(o, "memcg.peak");
	int64_t smp = geti(o, "memcg.max_sampled_current");
	char a[16], b[16];

	if (lim < 0 || lim == INT64_MAX || peak < 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (peak > lim)
		ks_format_size(peak - lim, a, sizeof(a));
	else
		snprintf(a, sizeof(a), "0");
	if (smp > lim)
		ks_format_size(smp - lim, b, sizeof(b));
	else
		snprintf(b, sizeof(b), smp < 0 ? "-" : "0");
	snprintf(buf, len, "%s/%s", a, b);
}

/* The first key of keys o has as an integer; -1 if none. */
static int64_t geti_first(json_t *o, const char *a, const char *b)
{
	int64_t v = geti(o, a);

	return v >= 0 ? v : geti(o, b);
}

/* The neighbour: its latency alone and in the storm, what it lost. */
static void victim_line(FILE *f, json_t *v)
{
	json_t *factor = json_object_get(v, "latency_factor");
	char fac[24] = "-", mn[16];

	if (!json_is_object(v))
		return;
	if (json_is_number(factor))
		snprintf(fac, sizeof(fac), "x%.1f", json_number_value(factor));
	ks_format_size(geti(v, "memory.current_min"), mn, sizeof(mn));
	fprintf(f, "    victim %s: p99 %lldus alone, %lldus in the storm (%s); %lld failed, %lld OOM kills, %lld SIGKILLs, usage at least %s, reclaimed below low %lld times\n",
		str_or(v, "workload", "?"), (long long)geti(v, "alone.p99_us"),
		(long long)geti(v, "storm.p99_us"), fac,
		(long long)geti(v, "fails"), (long long)geti(v, "oom_kills"),
		(long long)geti(v, "sigkilled"), mn,
		(long long)(geti(v, "memory.low_events") > 0 ?
			    geti(v, "memory.low_events") : 0));
}

/*
 * Below the row of a scenario of many cgroups: how they fared, the worst
 * by name; and dying cgroups wherever some stayed.
 */
static void shape_lines(FILE *f, json_t *o)
{
	json_t *c = json_object_get(o, "cgroups");
	json_t *w = json_array_get(json_object_get(c, "worst"), 0);
	char mn[16], md[16], mx[16], pk[16], lim[16];

	if (json_is_object(c)) {
		ks_format_size(geti(c, "peak.min"), mn, sizeof(mn));
		ks_format_size(geti(c, "peak.median"), md, sizeof(md));
		ks_format_size(geti(c, "peak.max"), mx, sizeof(mx));
		fprintf(f, "    cgroups: %lld at depth %lld, %lld made (%lld churned); peak min/median/max %s/%s/%s; %lld hit their limit, %lld had OOM kills\n",
			(long long)geti(c, "n"), (long long)geti(c, "depth"),
			(long long)geti(c, "cgroups"),
			(long long)geti(c, "churn.created") > 0 ?
			(long long)geti(c, "churn.created") : 0,
			mn, md, mx, (long long)geti(c, "cgroups_hit"),
			(long long)geti(c, "cgroups_oom"));
	}
	if (json_is_object(w)) {
		ks_format_size(geti(w, "peak"), pk, sizeof(pk));
		ks_format_size(geti(w, "limit"), lim, sizeof(lim));
		fprintf(f, "    worst cgroup: %s, peak %s of %s\n",
			str_or(w, "cgroup", "?"), pk, lim);
	}
	victim_line(f, json_object_get(o, "victim"));
	if (geti(o, "dying.max") > 0) {
		ks_format_size(geti(o, "dying.pinned_max"), pk, sizeof(pk));
		fprintf(f, "    dying cgroups: at most %lld during the storm, %lld at its end; at most %s charged to no live cgroup\n",
			(long long)geti(o, "dying.max"),
			(long long)geti(o, "dying.end"), pk);
	}
}

void ks_summary_print(FILE *f, json_t *ends)
{
	char peak[16], lim[16], hits[24], oom[24], enomem[24], rate[24];
	char kr[24], over[40];
	int pass = 0, fail = 0, skip = 0, error = 0;
	size_t i, j;
	json_t *o, *r;

	fprintf(f, "%-24s %-8s %-7s %10s %17s %15s %10s %5s %8s %7s\n",
		"SCENARIO", "WORKLOAD", "VERDICT", "OPS/S", "PEAK/LIMIT",
		"OVER(PEAK/SMP)", "LIMIT-HIT", "OOM", "ENOMEM", "KREPORT");
	json_array_foreach(ends, i, o) {
		const char *v = json_string_value(json_object_get(o, "verdict"));
		json_t *ops = json_object_get(o, "ops_per_sec");
		char pl[40];

		v = v ? v : "?";
		pass += !strcmp(v, "pass");
		fail += !strcmp(v, "fail");
		skip += !strcmp(v, "skip");
		/* A verdict not known here is no pass: an error. */
		error += strcmp(v, "pass") && strcmp(v, "fail") &&
			 strcmp(v, "skip");
		snprintf(rate, sizeof(rate), "%s", "-");
		if (json_is_number(ops))
			snprintf(rate, sizeof(rate), "%.0f",
				 json_number_value(ops));
		ks_format_size(geti(o, "memcg.peak"), peak, sizeof(peak));
		ks_format_size(geti(o, "memcg.limit"), lim, sizeof(lim));
		snprintf(pl, sizeof(pl), "%s/%s", peak, lim);
		over_limit(o, over, sizeof(over));
		fprintf(f, "%-24s %-8s %-7s %10s %17s %15s %10s %5s %8s %7s\n",
			str_or(o, "scenario", "?"), str_or(o, "workload", "?"),
			v, rate, pl, over,
			num(geti_first(o, "cgroups.limit_hits",
				       "memcg.limit_hits"), hits, sizeof(hits)),
			num(geti_first(o, "cgroups.oom_kills",
				       "memcg.oom_kills"), oom, sizeof(oom)),
			num(geti(o, "enomem"), enomem, sizeof(enomem)),
			num(geti(o, "kernel_reports"), kr, sizeof(kr)));
		shape_lines(f, o);
		json_array_foreach(json_object_get(o, "reasons"), j, r)
			if (strcmp(v, "pass"))
				fprintf(f, "    %s\n", json_string_value(r) ?
					json_string_value(r) : "?");
		/* A finding even where the plan let it pass. */
		if (!strcmp(v, "pass") && geti(o, "enomem_surfaced") > 0)
			fprintf(f, "    ENOMEM surfaced as another errno %lld times, first %s\n",
				(long long)geti(o, "enomem_surfaced"),
				str_or(o, "enomem_surfaced_first", "?"));
	}
	fprintf(f, "%d passed, %d failed, %d skipped, %d errors\n", pass, fail,
		skip, error);
}
