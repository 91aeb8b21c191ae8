// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroups.* keys: how many cgroups a scenario storms in, how deep,
 * with which limits, and how many come and go while it runs.
 */
#include "plan_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

void ks_plan_shape_init(struct ks_cg_shape *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->n = 1;
	sh->depth = 1;
	sh->parent_max = KS_CG_UNSET;
	sh->churn_live = 8;
	sh->churn_life_ms = 500;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* One size of cgroups.max; "max" (no limit) makes no sense per cgroup. */
static int limit_size(const char *s, int64_t *out, char *err, size_t errlen)
{
	if (ks_parse_size(s, out, err, errlen))
		return -1;
	if (*out == INT64_MAX || *out < 4096) {
		snprintf(err, errlen,
			 "'%s' is not a limit of at least 4K", s);
		return -1;
	}
	return 0;
}

/* "cgroups.max = 8M, 16M, 32M" (round robin) or "8M-32M" (spread). */
int ks_plan_key_shape_max(struct ks_scenario *sc, const struct ks_plan_key *k,
			  const char *v, char *err, size_t errlen)
{
	struct ks_cg_shape *sh = &sc->shape;
	char buf[512], *save, *tok, *dash;

	(void)k;
	if (strlen(v) >= sizeof(buf)) {
		snprintf(err, errlen, "value is too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	sh->nmax = 0;
	sh->max_range = 0;
	dash = strchr(buf, '-');
	if (dash && !strchr(buf, ',')) {
		*dash = '\0';
		if (limit_size(trim(buf), &sh->max[0], err, errlen) ||
		    limit_size(trim(dash + 1), &sh->max[1], err, errlen))
			return -1;
		if (sh->max[0] > sh->max[1]) {
			snprintf(err, errlen,
				 "range '%s' runs downwards", v);
			return -1;
		}
		sh->nmax = 2;
		sh->max_range = 1;
		return 0;
	}
	/* strsep(), not strtok(): "8M,,16M" and "8M," have an empty one. */
	for (save = buf; (tok = strsep(&save, ",")) != NULL;) {
		if (sh->nmax == KS_SHAPE_MAX_LIMITS) {
			snprintf(err, errlen,
				 "more than %d limits",
				 KS_SHAPE_MAX_LIMITS);
			return -1;
		}
		if (limit_size(trim(tok), &sh->max[sh->nmax], err,
			       errlen))
			return -1;
		sh->nmax++;
	}
	if (!sh->nmax) {
		snprintf(err, errlen, "no limit given");
		return -1;
	}
	return 0;
}

void ks_plan_victim_init(struct ks_victim_cfg *v)
{
	memset(v, 0, sizeof(*v));
	v->workers = 1;
	v->rate = 200;
	v->baseline_ms = 2000;
	ks_cg_limits_init(&v->limits);
	v->oom = KS_EXPECT_NO;
	v->errors = KS_EXPECT_NO;
	v->reclaimed = KS_EXPECT_NO;
}

/* "victim = dentry": a workload the harness's loop runs (not stress-ng). */
int ks_plan_key_victim(struct ks_scenario *sc, const struct ks_plan_key *k,
		       const char *v, char *err, size_t errlen)
{
	const struct ks_workload *wl;

	(void)k;
	if (!strcmp(v, "none")) {
		sc->victim.wl = NULL;
		return 0;
	}
	wl = ks_workload_find(v);
	if (!wl) {
		snprintf(err, errlen,
			 "unknown workload '%s' (see 'kmemstorm list')", v);
		return -1;
	}
	if (wl->run || !wl->step) {
		snprintf(err, errlen,
			 "workload '%s' runs as a whole, not one timed operation at a time: a victim cannot be paced",
			 v);
		return -1;
	}
	sc->victim.wl = wl;
	return ks_plan_opt_defaults(wl, sc->victim.opt, err, errlen);
}

/* "expect.victim_latency = 5" or "2.5": a factor, kept as a percentage. */
int ks_plan_key_latency(struct ks_scenario *sc, const struct ks_plan_key *k,
			const char *v, char *err, size_t errlen)
{
	char *end;
	double f;

	(void)k;
	if (!strcmp(v, "none")) {
		sc->victim.latency_pct = 0;
		return 0;
	}
	errno = 0;
	f = strtod(v, &end);
	if (errno || end == v || *end || f < 1 || f > 10000) {
		snprintf(err, errlen,
			 "'%s' is not a factor from 1 to 10000, or none", v);
		return -1;
	}
	sc->victim.latency_pct = (int64_t)(f * 100 + 0.5);
	return 0;
}

/* Checks across keys, once every section applied: 0 or -1 with err. */
int ks_plan_shape_check(const struct ks_scenario *sc, char *err,
			size_t errlen)
{
	const struct ks_cg_shape *sh = &sc->shape;
	int i;

	if (sh->n * sh->depth > KS_SHAPE_MAX_CGROUPS) {
		snprintf(err, errlen,
			 "cgroups = %d at cgroups.depth = %d makes %d cgroups, more than %d",
			 sh->n, sh->depth, sh->n * sh->depth,
			 KS_SHAPE_MAX_CGROUPS);
		return -1;
	}
	if (sh->n > 1 && sc->workers < sh->n) {
		snprintf(err, errlen,
			 "workers = %d is fewer than cgroups = %d: every cgroup needs a worker (set workers = %d or more)",
			 sc->workers, sh->n, sh->n);
		return -1;
	}
	for (i = 0; ks_injectors[i]; i++)
		if ((sc->inject_mask & (1u << i)) && ks_injectors[i]->one_cgroup &&
		    (sh->n > 1 || sh->depth > 1 || sh->churn_rate)) {
			snprintf(err, errlen,
				 "inject = %s acts on the one cgroup the workers run in: not with cgroups, cgroups.depth or cgroups.churn",
				 ks_injectors[i]->name);
			return -1;
		}
	if (sc->sweep && sc->victim.wl) {
		snprintf(err, errlen,
			 "mode = sweep has no neighbours: drop 'victim'");
		return -1;
	}
	if (!sc->victim.wl && (sc->victim.limits.low >= 0 ||
			       sc->victim.limits.min >= 0 ||
			       sc->victim.limits.max >= 0 ||
			       sc->victim.latency_pct)) {
		snprintf(err, errlen,
			 "victim.* keys without a victim: add 'victim = WORKLOAD'");
		return -1;
	}
	if (sc->sweep && (sh->n > 1 || sh->depth > 1 || sh->churn_rate)) {
		snprintf(err, errlen,
			 "mode = sweep runs one worker in one cgroup: drop the cgroups keys");
		return -1;
	}
	return 0;
}

/*
 * The memory.max of cgroup i of n at the bottom of its chain: the
 * scenario's memory.max unless cgroups.max says otherwise.
 */
int64_t ks_shape_leaf_max(const struct ks_scenario *sc, int i)
{
	const struct ks_cg_shape *sh = &sc->shape;

	if (!sh->nmax)
		return sc->limits.max;
	if (!sh->max_range)
		return sh->max[i % sh->nmax];
	if (sh->n <= 1)
		return sh->max[0];
	return sh->max[0] + (sh->max[1] - sh->max[0]) * (i % sh->n) /
			    (sh->n - 1);
}
