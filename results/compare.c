// SPDX-License-Identifier: GPL-2.0
/*
 * The rules (docs/reports.md, "compare"): a regression is a scenario that
 * passed and no longer does, a kernel report title or an ENOMEM-surfaced
 * path that is new, a limit no longer reached, a global OOM before the
 * memcg's own, usage further over the limit than the tolerance, or ops/s
 * lower by more than the noise.  Everything else that moved is listed as
 * a change.
 */
#include "compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "units.h"
#include "utf8.h"

struct side {
	const struct ks_run_view *v;
	const struct ks_scn_view *s;
};

static struct side find(struct ks_run_view *runs, size_t n, const char *plan,
			const char *name)
{
	struct side x = { NULL, NULL };
	size_t r, i;

	for (r = 0; r < n; r++) {
		if (strcmp(runs[r].plan, plan))
			continue;
		for (i = 0; i < runs[r].nscn; i++)
			if (!strcmp(runs[r].scn[i].name, name)) {
				x.v = &runs[r];
				x.s = &runs[r].scn[i];
				return x;
			}
	}
	return x;
}

static void change(json_t *list, int *regs, int regression, const char *what,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void change(json_t *list, int *regs, int regression, const char *what,
		   const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(list,
					      json_pack("{s:o, s:o, s:b}",
							"what", ks_json_text(what),
					      "text", ks_json_text(text),
					      "regression",
					      regression));
	*regs += regression;
}

static int has(json_t *arr, const char *s)
{
	json_t *x;
	size_t i;

	json_array_foreach(arr, i, x)
		if (!strcmp(json_string_value(x), s))
			return 1;
	return 0;
}

/* Titles in one list and not the other: new ones are regressions. */
static void set_diff(json_t *list, int *regs, const char *what,
		     const char *label, json_t *b, json_t *c)
{
	json_t *x;
	size_t i;

	json_array_foreach(c, i, x)
		if (!has(b, json_string_value(x)))
			change(list, regs, 1, what, "new: %s%s", label,
			       json_string_value(x));
	json_array_foreach(b, i, x)
		if (!has(c, json_string_value(x)))
			change(list, regs, 0, what, "gone: %s%s", label,
			       json_string_value(x));
}

/* Bugs of one side that the other side has under none of their titles. */
static void bugs_only_in(json_t *list, int *regs, json_t *side,
			 json_t *other, int is_new)
{
	json_t *x, *y;
	size_t i, j;

	json_array_foreach(side, i, x) {
		int seen = 0;

		json_array_foreach(other, j, y)
			seen |= ks_names_meet(x, y);
		if (!seen)
			change(list, regs, is_new, "kernel_report",
			       "%s: kernel report %s", is_new ? "new" : "gone",
			       json_string_value(json_array_get(x, 0)));
	}
}

static void enomem_paths(json_t *list, int *regs, json_t *b, json_t *c)
{
	json_t *x;
	size_t i;

	/* ENOMEM handed back is the right answer: a change, not a regression. */
	json_array_foreach(c, i, x)
		if (!has(b, json_string_value(x)))
			change(list, regs, 0, "enomem_path",
			       "ENOMEM now returned by %s", json_string_value(x));
	json_array_foreach(b, i, x)
		if (!has(c, json_string_value(x)))
			change(list, regs, 0, "enomem_path",
			       "ENOMEM no longer returned by %s",
			       json_string_value(x));
}

static void throughput(json_t *list, int *regs, const struct ks_scn_metrics *b,
		       const struct ks_scn_metrics *c,
		       const struct ks_compare_opts *o)
{
	double noise = o->noise, ratio, se = 0;

	if (b->ops_per_sec <= 0 || c->ops_per_sec < 0)
		return;
	/* Two standard errors of the ratio, from each run's own wandering. */
	if (b->rate_rse > 0)
		se += b->rate_rse * b->rate_rse;
	if (c->rate_rse > 0)
		se += c->rate_rse * c->rate_rse;
	if (2 * sqrt(se) > noise)
		noise = 2 * sqrt(se);
	ratio = c->ops_per_sec / b->ops_per_sec;
	if (fabs(ratio - 1) <= noise)
		return;
	change(list, regs, ratio < 1, "throughput",
	       "ops/s %.0f -> %.0f (%+.1f%%, noise %.0f%%)", b->ops_per_sec,
	       c->ops_per_sec, (ratio - 1) * 100, noise * 100);
}

static void compare_scn(json_t *list, int *regs, const struct side *bs,
			const struct side *cs, const struct ks_compare_opts *o)
{
	struct ks_scn_metrics b, c;
	char x[16], y[16], l[16];

	ks_metrics_get(bs->v, bs->s, &b);
	ks_metrics_get(cs->v, cs->s, &c);
	if (strcmp(b.verdict, c.verdict))
		change(list, regs, !strcmp(b.verdict, "pass"), "verdict",
		       "verdict %s -> %s", b.verdict, c.verdict);
	bugs_only_in(list, regs, c.bug_names, b.bug_names, 1);
	bugs_only_in(list, regs, b.bug_names, c.bug_names, 0);
	set_diff(list, regs, "enomem_surfaced", "ENOMEM surfaced as ",
		 b.surfaced, c.surfaced);
	enomem_paths(list, regs, b.enomem_ops, c.enomem_ops);
	if (b.limit_reached != c.limit_reached && b.limit_reached >= 0 &&
	    c.limit_reached >= 0)
		change(list, regs, b.limit_reached, "containment",
		       "memory limit %s (peak %s of %s)",
		       c.limit_reached ? "now reached" : "no longer reached",
		       ks_format_size(c.peak, x, sizeof(x)),
		       ks_format_size(c.limit, l, sizeof(l)));
	if (c.global_oom_first && !b.global_oom_first)
		change(list, regs, 1, "containment",
		       "a global OOM kill before any memcg OOM");
	if (c.overshoot >= 0 && b.overshoot >= 0 &&
	    llabs(c.overshoot - b.overshoot) > o->overshoot_tol)
		change(list, regs, c.overshoot > b.overshoot, "overshoot",
		       "usage over the limit at most %s -> %s",
		       ks_format_size(b.overshoot, x, sizeof(x)),
		       ks_format_size(c.overshoot, y, sizeof(y)));
	throughput(list, regs, &b, &c, o);
	ks_metrics_free(&b);
	ks_metrics_free(&c);
}

static int seen(json_t *keys, const char *k)
{
	if (json_object_get(keys, k))
		return 1;
	json_object_set_new(keys, k, json_true());
	return 0;
}

json_t *ks_compare(struct ks_run_view *base, size_t nbase,
		   struct ks_run_view *cand, size_t ncand,
		   const struct ks_compare_opts *o, int *regressions)
{
	json_t *out = json_array(), *keys = json_object();
	struct ks_run_view *sets[2] = { base, cand };
	size_t nsets[2] = { nbase, ncand }, side, r, i;
	char key[256];

	*regressions = 0;
	for (side = 0; side < 2; side++)
		for (r = 0; r < nsets[side]; r++)
			for (i = 0; i < sets[side][r].nscn; i++) {
				const char *plan = sets[side][r].plan;
				const char *name = sets[side][r].scn[i].name;
				struct side b, c;
				json_t *list = json_array();

				snprintf(key, sizeof(key), "%s.%s", plan, name);
				if (seen(keys, key)) {
					json_decref(list);
					continue;
				}
				b = find(base, nbase, plan, name);
				c = find(cand, ncand, plan, name);
				if (!b.s)
					change(list, regressions, 0, "scenario",
					       "only in the candidate");
				else if (!c.s)
					change(list, regressions, 1, "scenario",
					       "not in the candidate");
				else
					compare_scn(list, regressions, &b, &c, o);
				if (json_array_size(list))
					json_array_append_new(out, json_pack(
						"{s:o, s:o}", "scenario",
						ks_json_text(key),
						"changes", list));
				else
					json_decref(list);
			}
	json_decref(keys);
	return out;
}

void ks_compare_print(FILE *f, json_t *diff, int regressions,
		      const struct ks_compare_opts *o)
{
	json_t *d, *c;
	size_t i, j;

	json_array_foreach(diff, i, d) {
		fprintf(f, "%s\n", ks_jstr(d, "scenario", "?"));
		json_array_foreach(json_object_get(d, "changes"), j, c)
			fprintf(f, "  %-10s %s\n",
				json_is_true(json_object_get(c, "regression")) ?
				"REGRESSION" : "change",
				ks_jstr(c, "text", ""));
	}
	if (!json_array_size(diff))
		fprintf(f, "no changes beyond noise (ops/s %.0f%%, overshoot %lld bytes)\n",
			o->noise * 100, (long long)o->overshoot_tol);
	fprintf(f, "%d regression%s\n", regressions, regressions == 1 ? "" : "s");
}
