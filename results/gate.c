// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's rule (docs/reports.md, "gate"): a configuration fails on
 * problems of its own: a kernel bug title, an unhandled ENOMEM path (a
 * scenario's ENOMEM surfaced as another errno) or a global OOM before the
 * memcg's that not every other configuration shows too, usage over a
 * limit beyond the others' by more than the tolerance, or a scenario that
 * did not finish.  What every configuration shows does not tell them
 * apart, and neither does what forced allocation failures (failslab,
 * fail_page_alloc, fail-nth sweeps) bring out: those fail the same
 * allocations whatever the configuration.  Both are listed, and a kernel
 * bug anywhere still fails the run.  Of the configurations that pass, the
 * one that kept the most storms within their limits is the decision, ties
 * going to the faster; throughput is the geometric mean of ops/s ratios
 * against the first configuration, over the scenarios both ran.
 */
#include "gate.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gate_neighbours.h"
#include "metrics.h"
#include "units.h"
#include "utf8.h"

struct cfg_result {
	struct ks_run_view *runs;
	size_t nruns;
	int total, passed, incomplete, limited, reached, global_first;
	int own_over;		/* its overshoot is beyond the others' */
	long long over_max, enomem;
	double log_ratio;
	int nratio;
	json_t *doc;		/* what gate.json says of this config */
	json_t *bugs, *surfaced, *contained, *over, *globals, *fails;
	json_t *neighbours;	/* gate_neighbours.c */
};

static json_t *src(const struct ks_run_view *v, const char *scn, int line)
{
	return json_pack("{s:o, s:o, s:i}", "journal", ks_json_text(v->path),
			 "scenario",
			 ks_json_text(scn), "line", line);
}

/*
 * One entry per key, the first source kept, counts summed; forced while
 * every occurrence came from forced allocation failures.
 */
static void tally(json_t *list, const char *key, const char *title,
		  long long count, int forced, json_t *source)
{
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (!strcmp(ks_jstr(x, "key", ""), key)) {
			json_object_set_new(x, "count", json_integer(
				ks_jint(x, "count", 0) + count));
			if (!forced)
				json_object_set_new(x, "forced", json_false());
			json_decref(source);
			return;
		}
	json_object_set_new(source, "key", ks_json_text(key));
	json_object_set_new(source, "title", ks_json_text(title));
	json_object_set_new(source, "count", json_integer(count));
	json_object_set_new(source, "forced", json_boolean(forced));
	json_array_append_new(list, source);
}

/* One row per bug: a report whose titles meet a row's counts there. */
static void tally_bug(json_t *list, json_t *r, int forced, json_t *source)
{
	json_t *names = ks_report_names(r), *x;
	const char *key = ks_jstr(r, "title", "?");
	size_t i;

	json_array_foreach(list, i, x)
		if (ks_names_meet(json_object_get(x, "names"), names)) {
			key = ks_jstr(x, "key", key);
			break;
		}
	if (!json_object_get(source, "names"))
		json_object_set(source, "names", names);
	tally(list, key, ks_jstr(r, "title", "?"), 1, forced, source);
	json_decref(names);
}

/* Failures forced on the storm, not a charge that failed. */
static int forced(const struct ks_scn_view *s)
{
	const char *k;
	json_t *x;

	if (json_object_get(s->end, "sweep"))
		return 1;
	json_object_foreach(json_object_get(s->start, "inject"), k, x)
		if (strcmp(k, "chargefail"))
			return 1;
	return 0;
}

static double base_rate(struct cfg_result *base, const char *plan,
			const char *scn)
{
	size_t r, i;

	for (r = 0; r < base->nruns; r++)
		for (i = 0; i < base->runs[r].nscn; i++)
			if (!strcmp(base->runs[r].plan, plan) &&
			    !strcmp(base->runs[r].scn[i].name, scn))
				return ks_jnum(base->runs[r].scn[i].end,
					       "ops_per_sec", -1);
	return -1;
}

static void add_scenario(struct cfg_result *c, struct cfg_result *base,
			 const struct ks_run_view *v,
			 const struct ks_scn_view *s)
{
	int f = forced(s);
	struct ks_scn_metrics m;
	char key[256];
	json_t *r, *x;
	size_t i;
	double b;

	ks_metrics_get(v, s, &m);
	c->total++;
	c->passed += !strcmp(m.verdict, "pass");
	if (!strcmp(m.verdict, "notrun") || !m.end_line) {
		c->incomplete++;
		json_array_append_new(c->fails, json_pack("{s:o, s:o, s:o}",
			"journal", ks_json_text(v->path), "scenario",
			ks_json_text(s->name), "why", ks_json_text(s->why)));
	}
	json_array_foreach(s->reports, i, r)
		if (!strcmp(ks_jstr(r, "severity", ""), "bug"))
			tally_bug(c->bugs, r, f, src(v, s->name, ks_rec_line(v, r)));
	json_array_foreach(s->surfaced, i, r) {
		char path[160];

		snprintf(path, sizeof(path), "%s from %s",
			 ks_jstr(r, "errno", "?"), ks_jstr(r, "op", "?"));
		/* A path is the scenario's: the same errno elsewhere is another. */
		snprintf(key, sizeof(key), "%s.%s: %s", v->plan, s->name, path);
		tally(c->surfaced, key, path, ks_jint(r, "count", 0), f,
		      src(v, s->name, ks_rec_line(v, r)));
	}
	if (m.limit_reached >= 0) {
		x = src(v, s->name, m.end_line);
		json_object_set_new(x, "plan", ks_json_text(v->plan));
		json_object_set_new(x, "reached", json_boolean(m.limit_reached));
		json_object_set_new(x, "peak", json_integer(m.peak));
		json_object_set_new(x, "limit", json_integer(m.limit));
		json_array_append_new(c->contained, x);
	}
	if (m.overshoot > c->over_max) {
		c->over_max = m.overshoot;
		json_decref(c->over);
		c->over = src(v, s->name, m.end_line);
		json_object_set_new(c->over, "bytes", json_integer(m.overshoot));
	}
	if (m.global_oom_first) {
		c->global_first++;
		x = src(v, s->name, m.global_oom_line);
		snprintf(key, sizeof(key), "%s.%s", v->plan, s->name);
		json_object_set_new(x, "key", ks_json_text(key));
		json_object_set_new(x, "forced", json_boolean(f));
		json_array_append_new(c->globals, x);
	}
	b = base_rate(base, v->plan, s->name);
	if (b > 0 && m.ops_per_sec > 0) {
		c->log_ratio += log(m.ops_per_sec / b);
		c->nratio++;
	}
	ks_metrics_free(&m);
}

/*
 * A config whose journal cannot be read (its guest never started, the
 * gate was interrupted first) did not finish: that is its result.
 */
static void load(struct cfg_result *c, struct cfg_result *base,
		 struct ks_gate_config *cfg)
{
	char *arg = cfg->dir, err[512];
	size_t r, i;

	c->bugs = json_array();
	c->surfaced = json_array();
	c->contained = json_array();
	c->globals = json_array();
	c->fails = json_array();
	c->over_max = -1;
	if (ks_run_views_load_args(&arg, 1, &c->runs, &c->nruns, err,
				   sizeof(err))) {
		c->incomplete++;
		json_array_append_new(c->fails, json_pack("{s:o, s:s, s:o}",
			"journal", ks_json_text(cfg->dir), "scenario", "-",
			"why", ks_json_text(err)));
		return;
	}
	for (r = 0; r < c->nruns; r++)
		for (i = 0; i < c->runs[r].nscn; i++)
			add_scenario(c, base ? base : c, &c->runs[r],
				     &c->runs[r].scn[i]);
	c->neighbours = ks_gate_neighbours(c->runs, c->nruns);
}

static int has_key(json_t *list, const char *key)
{
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (!strcmp(ks_jstr(x, "key", ""), key))
			return 1;
	return 0;
}

enum finding { BUGS, SURFACED, GLOBALS };

static json_t *findings(struct cfg_result *c, enum finding which)
{
	return which == BUGS ? c->bugs : which == SURFACED ? c->surfaced :
	       c->globals;
}

/* Mark what is config i's own: not forced, not in every other config. */
static int mark_own(struct cfg_result *res, int n, int i, enum finding which)
{
	json_t *list = findings(&res[i], which), *x;
	int own = 0, j, everywhere;
	size_t k;

	json_array_foreach(list, k, x) {
		const char *key = ks_jstr(x, "key", "");

		for (everywhere = n > 1, j = 0; j < n && everywhere; j++)
			if (j != i)
				everywhere = has_key(findings(&res[j], which),
						     key);
		json_object_set_new(x, "everywhere", json_boolean(everywhere));
		json_object_set_new(x, "own", json_boolean(!everywhere &&
			!json_is_true(json_object_get(x, "forced"))));
		own += !everywhere && !json_is_true(json_object_get(x, "forced"));
	}
	return own;
}

static int own_neighbours(struct cfg_result *res, int n, int i)
{
	json_t *rows[n];
	int k;

	for (k = 0; k < n; k++)
		rows[k] = res[k].neighbours;
	return ks_gate_neighbours_own(rows, n, i);
}

static json_t *verdict(struct cfg_result *res, int n, int i,
		       const struct ks_compare_opts *o)
{
	struct cfg_result *c = &res[i];
	long long floor = c->over_max;
	json_t *why = json_array();
	char buf[64];
	int k;

	k = mark_own(res, n, i, BUGS);
	if (k)
		json_array_append_new(why, json_sprintf("%d kernel bug title(s) of its own", k));
	k = mark_own(res, n, i, SURFACED);
	if (k)
		json_array_append_new(why, json_sprintf("ENOMEM surfaced as another errno on %d path(s) of its own", k));
	k = mark_own(res, n, i, GLOBALS);
	if (k)
		json_array_append_new(why, json_sprintf("global OOM before memcg OOM in %d scenario(s) of its own", k));
	/* Against the config that overshot least: what they all do is no news. */
	for (k = 0; k < n && n > 1; k++)
		if (k != i && res[k].over_max < floor)
			floor = res[k].over_max;
	if (n == 1 || floor < 0)
		floor = 0;
	c->own_over = c->over_max > o->overshoot_tol &&
		      c->over_max - floor > o->overshoot_tol;
	if (c->own_over)
		json_array_append_new(why, json_sprintf("usage %s over a limit",
					ks_format_size(c->over_max, buf, sizeof(buf))));
	if (c->incomplete)
		json_array_append_new(why, json_sprintf("%d scenario(s) did not finish",
					c->incomplete));
	k = own_neighbours(res, n, i);
	if (k)
		json_array_append_new(why, json_sprintf("the neighbour harmed in %d scenario(s) of its own",
					k));
	return why;
}

static void print_row(FILE *f, int width, const char *label,
		      struct cfg_result *c, int baseline, json_t *why)
{
	char pass[32], unh[48], lim[32], over[16], tput[24];
	long long n = 0;
	json_t *x;
	size_t i;

	json_array_foreach(c->surfaced, i, x)
		n += ks_jint(x, "count", 0);
	snprintf(pass, sizeof(pass), "%d/%d", c->passed, c->total);
	snprintf(unh, sizeof(unh), "%zu (%lld)", json_array_size(c->surfaced), n);
	snprintf(lim, sizeof(lim), "%d/%d", c->reached, c->limited);
	if (c->over_max < 0)
		snprintf(over, sizeof(over), "-");
	else
		ks_format_size(c->over_max, over, sizeof(over));
	if (baseline)
		snprintf(tput, sizeof(tput), "baseline");
	else if (!c->nratio)
		snprintf(tput, sizeof(tput), "-");
	else
		snprintf(tput, sizeof(tput), "%+.1f%%",
			 (exp(c->log_ratio / c->nratio) - 1) * 100);
	fprintf(f, "%-*s %6s %5zu %14s %8s %9s %7d %10s  %s\n", width, label,
		pass, json_array_size(c->bugs), unh, lim, over,
		c->global_first, tput, json_array_size(why) ? "FAIL" : "PASS");
}

/* Why a finding does or does not count against its config. */
static const char *whose(json_t *x)
{
	if (json_is_true(json_object_get(x, "own")))
		return " [its own]";
	if (json_is_true(json_object_get(x, "forced")))
		return " [forced failures]";
	return " [every config]";
}

static void print_sources(FILE *f, const char *label, struct cfg_result *c,
			  json_t *why)
{
	json_t *x;
	size_t i;

	fprintf(f, "\n%s: %s\n", label, json_array_size(why) ? "FAIL" : "PASS");
	json_array_foreach(why, i, x)
		fprintf(f, "  fails: %s\n", json_string_value(x));
	for (i = 0; i < c->nruns; i++)
		fprintf(f, "  journal %s\n", c->runs[i].path);
	json_array_foreach(c->bugs, i, x)
		fprintf(f, "  kernel bug: %s (%s, line %lld)%s\n",
			ks_jstr(x, "title", "?"), ks_jstr(x, "scenario", "?"),
			ks_jint(x, "line", 0), whose(x));
	json_array_foreach(c->surfaced, i, x)
		fprintf(f, "  unhandled ENOMEM: %s, %lld failures (%s, line %lld)%s\n",
			ks_jstr(x, "title", "?"), ks_jint(x, "count", 0),
			ks_jstr(x, "scenario", "?"), ks_jint(x, "line", 0),
			whose(x));
	json_array_foreach(c->globals, i, x)
		fprintf(f, "  global OOM before memcg OOM: %s, line %lld%s\n",
			ks_jstr(x, "scenario", "?"), ks_jint(x, "line", 0),
			whose(x));
	json_array_foreach(c->contained, i, x)
		if (json_is_true(json_object_get(x, "bound")) &&
		    !json_is_true(json_object_get(x, "reached")))
			fprintf(f, "  limit not reached: %s (scenario_end memcg.limit_hits = 0, line %lld; reached under another config)\n",
				ks_jstr(x, "scenario", "?"), ks_jint(x, "line", 0));
	if (c->over)
		fprintf(f, "  most over a limit: %lld bytes in %s (line %lld)%s\n",
			ks_jint(c->over, "bytes", 0),
			ks_jstr(c->over, "scenario", "?"),
			ks_jint(c->over, "line", 0),
			c->own_over ? " [its own]" : "");
	json_array_foreach(c->fails, i, x)
		if (!strcmp(ks_jstr(x, "scenario", "-"), "-"))
			fprintf(f, "  did not run: %s\n", ks_jstr(x, "why", ""));
		else
			fprintf(f, "  did not finish: %s: %s\n",
				ks_jstr(x, "scenario", "?"),
				ks_jstr(x, "why", ""));
}

static void free_result(struct cfg_result *c)
{
	ks_run_views_free(c->runs, c->nruns);
	json_decref(c->doc);
	json_decref(c->bugs);
	json_decref(c->surfaced);
	json_decref(c->contained);
	json_decref(c->over);
	json_decref(c->globals);
	json_decref(c->fails);
	json_decref(c->neighbours);
}

static json_t *config_doc(struct ks_gate_config *cfg, struct cfg_result *c,
			  json_t *why, int baseline)
{
	json_t *d = json_pack("{s:o, s:o?, s:o, s:o, s:i, s:i, s:O, s:O, s:i, s:i, s:O, s:O, s:i, s:O, s:b, s:O}",
		"config", ks_json_text(cfg->label), "kernel",
		ks_json_text(cfg->kernel),
		"append", ks_json_text(cfg->append),
		"dir",
		ks_json_text(strrchr(cfg->dir, '/') ? strrchr(cfg->dir,
		'/') + 1 : cfg->dir),
		"scenarios", c->total, "passed", c->passed,
		"kernel_bugs", c->bugs, "unhandled_enomem", c->surfaced,
		"limits", c->limited, "limits_reached", c->reached,
		"containment", c->contained,
		"global_oom_first", c->globals, "incomplete", c->incomplete,
		"did_not_finish", c->fails, "pass", !json_array_size(why),
		"fails", why);

	if (c->over)
		json_object_set(d, "over_limit", c->over);
	if (json_array_size(c->neighbours))
		json_object_set(d, "neighbours", c->neighbours);
	if (baseline)
		json_object_set_new(d, "throughput", ks_json_text("baseline"));
	else if (c->nratio)
		json_object_set_new(d, "throughput", json_pack("{s:f, s:i}",
			"ratio", exp(c->log_ratio / c->nratio),
			"scenarios", c->nratio));
	return d;
}

static void print_neighbours(FILE *f, struct ks_gate_config *cfgs,
			     struct cfg_result *res, int n, int width)
{
	const char *labels[n];
	json_t *rows[n];
	int k;

	for (k = 0; k < n; k++) {
		labels[k] = cfgs[k].label;
		rows[k] = res[k].neighbours;
	}
	ks_gate_neighbours_print(f, labels, rows, n, width);
}

static int reached_in(struct cfg_result *c, const char *plan,
		      const char *scn)
{
	json_t *x;
	size_t i;

	json_array_foreach(c->contained, i, x)
		if (!strcmp(ks_jstr(x, "plan", ""), plan) &&
		    !strcmp(ks_jstr(x, "scenario", ""), scn) &&
		    json_is_true(json_object_get(x, "reached")))
			return 1;
	return 0;
}

/*
 * A storm is bound by its limit when it reached it under some config:
 * those are the ones a config can fail to contain.  Scenarios that never
 * come near their limit anywhere (an LKDTM trigger) say nothing.
 */
static void count_bound(struct cfg_result *res, int n)
{
	int i, j, bound;
	json_t *x;
	size_t k;

	for (i = 0; i < n; i++)
		json_array_foreach(res[i].contained, k, x) {
			const char *plan = ks_jstr(x, "plan", "");
			const char *scn = ks_jstr(x, "scenario", "");

			for (bound = 0, j = 0; j < n && !bound; j++)
				bound = reached_in(&res[j], plan, scn);
			json_object_set_new(x, "bound", json_boolean(bound));
			res[i].limited += bound;
			res[i].reached += bound &&
				json_is_true(json_object_get(x, "reached"));
		}
}

/* Of the configs that pass: most limits reached, then the faster. */
static int recommend(struct cfg_result *res, json_t **whys, int n)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		double r = res[i].nratio ? res[i].log_ratio / res[i].nratio : 0;
		double rb;

		if (json_array_size(whys[i]))
			continue;
		if (best < 0 || res[i].reached > res[best].reached) {
			best = i;
			continue;
		}
		rb = res[best].nratio ? res[best].log_ratio / res[best].nratio : 0;
		if (res[i].reached == res[best].reached && r > rb)
			best = i;
	}
	return best;
}

int ks_gate_decide(FILE *f, struct ks_gate_config *cfgs, int n,
		   const struct ks_compare_opts *o, json_t **out, char *err,
		   size_t errlen)
{
	struct cfg_result *res = calloc(n, sizeof(*res));
	json_t **whys = calloc(n, sizeof(*whys)), *configs;
	int i, failed = 0, best, width = 20, bugs = 0;

	*out = NULL;
	if (!res || !whys) {
		snprintf(err, errlen, "out of memory");
		failed = -1;
		goto out;
	}
	for (i = 0; i < n; i++)
		load(&res[i], i ? &res[0] : NULL, &cfgs[i]);
	for (i = 0; i < n; i++)
		if ((int)strlen(cfgs[i].label) > width)
			width = (int)strlen(cfgs[i].label);
	fprintf(f, "%-*s %6s %5s %14s %8s %9s %7s %10s  %s\n", width, "CONFIG",
		"PASSED", "BUGS", "UNHANDLED", "LIMITED", "OVER-LIM",
		"GLOBAL", "OPS/S", "GATE");
	configs = json_array();
	count_bound(res, n);
	for (i = 0; i < n; i++) {
		whys[i] = verdict(res, n, i, o);
		failed += json_array_size(whys[i]) > 0;
		print_row(f, width, cfgs[i].label, &res[i], i == 0, whys[i]);
		json_array_append_new(configs, config_doc(&cfgs[i], &res[i],
							  whys[i], i == 0));
	}
	fprintf(f, "(BUGS: distinct kernel bug titles; UNHANDLED: ENOMEM surfaced as another\n"
		   " errno, paths (failures); LIMITED: storms that reached their memory limit, of\n"
		   " those that reached it under any config;\n"
		   " OVER-LIM: most usage above a limit; GLOBAL: global OOM before memcg OOM;\n"
		   " OPS/S: geometric mean against the first config; GATE: FAIL on problems of\n"
		   " its own, not shared by every config nor brought out by forced failures)\n");
	print_neighbours(f, cfgs, res, n, width);
	for (i = 0; i < n; i++)
		print_sources(f, cfgs[i].label, &res[i], whys[i]);
	best = recommend(res, whys, n);
	if (best < 0)
		fprintf(f, "\ndecision: no configuration passes the gate\n");
	else
		fprintf(f, "\ndecision: %s (passes; keeps %d of %d storms within their limits)\n",
			cfgs[best].label, res[best].reached, res[best].limited);
	for (i = 0; i < n && best >= 0; i++) {
		double lb = res[best].nratio ? res[best].log_ratio / res[best].nratio : 0;
		double li = res[i].nratio ? res[i].log_ratio / res[i].nratio : 0;

		if (i != best && !json_array_size(whys[i]) && li > lb &&
		    (res[best].nratio || best == 0) && (res[i].nratio || i == 0))
			fprintf(f, "  it costs %.1f%% of the ops/s of %s\n",
				(1 - exp(lb - li)) * 100, cfgs[i].label);
		if (i != best && res[i].reached < res[best].reached)
			fprintf(f, "  %s: %d storm(s) never reached their limit: memory they used went unaccounted or elsewhere\n",
				cfgs[i].label, res[best].reached - res[i].reached);
		if (i != best && json_array_size(whys[i]))
			fprintf(f, "  %s: fails on its own problems (%s), though it keeps %d of %d storms within their limits\n",
				cfgs[i].label,
				json_string_value(json_array_get(whys[i], 0)),
				res[i].reached, res[i].limited);
	}
	for (i = 0; i < n; i++)
		bugs += json_array_size(res[i].bugs) > 0;
	if (bugs)
		fprintf(f, "kernel bug reports in %d of %d configs: they fail the run whatever the decision\n",
			bugs, n);
	*out = json_pack("{s:i, s:o, s:o?, s:i, s:i}", "schema", 1, "configs",
			 configs, "decision",
			 ks_json_text(best >= 0 ? cfgs[best].label : NULL),
			 "failed", failed, "configs_with_bugs", bugs);
out:
	for (i = 0; res && whys && i < n; i++) {
		free_result(&res[i]);
		json_decref(whys[i]);
	}
	free(res);
	free(whys);
	return failed;
}
