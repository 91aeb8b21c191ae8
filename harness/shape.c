// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario's cgroup tree: cgroups = N siblings below the scenario's
 * cgroup, each the bottom of a chain of cgroups.depth levels whose limits
 * shrink going up (parents bind first), and cgroups.churn more created,
 * stormed briefly by a worker of their own and removed during the storm.
 *
 * With a thousand cgroups the sampler is the harness's cost: one pass per
 * interval reads two files of each chain's top (its usage and
 * hierarchical events cover the whole chain), into preallocated arrays,
 * and journals aggregates.
 */
#include "shape_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>

#include "clock.h"
#include "memcg_json.h"
#include "utf8.h"

bool ks_shape_wanted(const struct ks_scenario *sc)
{
	/* A neighbour needs the storm in a cgroup of its own beside it. */
	return sc->shape.n > 1 || sc->shape.depth > 1 ||
	       sc->shape.churn_rate > 0 || sc->victim.wl;
}

/* max_overshoot = auto is per cgroup: the larger of 4M and limit / 8. */
static int64_t allowance(const struct ks_scenario *sc, int64_t limit)
{
	if (limit < 0 || limit == INT64_MAX)
		return -1;
	if (!sc->expect.overshoot_auto)
		return sc->expect.max_overshoot;
	return limit / KS_OVERSHOOT_SHARE > KS_OVERSHOOT_FLOOR ?
	       limit / KS_OVERSHOOT_SHARE : KS_OVERSHOOT_FLOOR;
}

/* Each level above the bottom: 3/4 of the one below, page aligned. */
static int64_t level_max(int64_t leaf_max, int levels_below)
{
	int64_t m = leaf_max;
	int i;

	if (leaf_max < 0 || leaf_max == INT64_MAX)
		return leaf_max;
	for (i = 0; i < levels_below; i++)
		m = m / 4 * 3;
	return m & ~4095LL;
}

static int set_max(struct ks_cgroup *cg, int64_t max, char *err,
		   size_t errlen)
{
	if (max == KS_CG_UNSET)
		return 0;
	return ks_cg_set_max(cg, max, err, errlen);
}

/* The bottom gets the scenario's limits with its own memory.max. */
int ks_shape_bottom_limits(const struct ks_scenario *sc, struct ks_cgroup *cg,
			   int64_t max, char *err, size_t errlen)
{
	struct ks_cg_limits lim = sc->limits;

	lim.max = max;
	return ks_cg_set_limits(cg, &lim, err, errlen);
}

/*
 * One chain of depth levels below parent, named name at its top; the
 * bottom left open in *leaf.  Its effective limit is returned in *limit.
 */
static int make_chain(struct ks_shape *sh, struct ks_cgroup *parent,
		      const char *name, int64_t leaf_max,
		      struct ks_cgroup *leaf, int64_t *limit, char *err,
		      size_t errlen)
{
	int depth = sh->sc->shape.depth, lvl, r;
	/* A level is made from the one above: two take turns. */
	struct ks_cgroup lv[2], *up = parent, *next;
	char lname[16];

	*limit = leaf_max == KS_CG_UNSET ? -1 : leaf_max;
	for (lvl = 0; lvl < depth; lvl++) {
		int below = depth - 1 - lvl;

		if (lvl)
			snprintf(lname, sizeof(lname), "l%d", lvl + 1);
		next = below ? &lv[lvl & 1] : leaf;
		r = ks_cg_create(sh->root, up, lvl ? lname : name, next, err,
				 errlen);
		if (r)
			goto fail;
		if (up != parent)
			ks_cg_close(up);
		up = next;
		r = below ? set_max(up, level_max(leaf_max, below), err, errlen)
			  : ks_shape_bottom_limits(sh->sc, up, leaf_max, err,
						   errlen);
		if (r)
			goto fail;
	}
	if (leaf_max != KS_CG_UNSET && depth > 1)
		*limit = level_max(leaf_max, depth - 1);
	return 0;
fail:
	if (up != parent)
		ks_cg_close(up);
	return r;
}

/*
 * A thousand O_PATH descriptors: more than a default soft limit of 1024.
 * Returns how many cgroups may keep theirs; the others' workers start by
 * fork() and attach (ks_cg_spawn()) instead of CLONE_INTO_CGROUP.
 */
static int room_for_fds(int n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if (rl.rlim_cur < (rlim_t)n + 256) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)n + 256 ? rl.rlim_max :
			      (rlim_t)n + 256;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur > 256 ? (int)(rl.rlim_cur - 256) : 0;
}

static int alloc_shape(struct ks_shape *sh, int n)
{
	sh->c = calloc(n, sizeof(*sh->c));
	sh->leaves = calloc(n, sizeof(*sh->leaves));
	sh->scratch = calloc(n, sizeof(*sh->scratch));
	return sh->c && sh->leaves && sh->scratch ? 0 : -ENOMEM;
}

struct ks_shape *ks_shape_create(const struct ks_scenario *sc,
				 const struct ks_cg_root *root,
				 struct ks_cgroup *top, char *err,
				 size_t errlen)
{
	struct ks_shape *sh = calloc(1, sizeof(*sh));
	int i, n = sc->shape.n, fds;

	if (!sh || alloc_shape(sh, n)) {
		snprintf(err, errlen, "cgroups: out of memory");
		goto fail;
	}
	sh->sc = sc;
	sh->root = root;
	sh->top = top;
	fds = room_for_fds(n + sc->shape.churn_live) - sc->shape.churn_live;
	if (set_max(top, sc->shape.parent_max, err, errlen))
		goto fail;
	for (i = 0; i < n; i++) {
		struct chain *c = &sh->c[i];

		c->leaf.dirfd = -1;
		c->current = c->max_current = c->peak = -1;
		c->hits = c->ooms = 0;
		snprintf(c->name, sizeof(c->name), "c%04d", i + 1);
		if (make_chain(sh, top, c->name, ks_shape_leaf_max(sc, i),
			       &c->leaf, &c->limit, err, errlen))
			goto fail;
		sh->n = i + 1;
		if (i >= fds)
			ks_cg_close(&c->leaf);
		c->allow = allowance(sc, c->limit);
		if (asprintf(&c->top, "%s/%s", top->path, c->name) < 0) {
			c->top = NULL;
			snprintf(err, errlen, "cgroups: out of memory");
			goto fail;
		}
		sh->leaves[i] = &c->leaf;
	}
	return sh;
fail:
	ks_shape_free(sh);
	return NULL;
}

struct ks_cgroup *ks_shape_storm_cg(struct ks_shape *sh)
{
	return sh->n == 1 && sh->sc->shape.depth == 1 ? &sh->c[0].leaf :
							  sh->top;
}

struct ks_cgroup *const *ks_shape_cgroups(const struct ks_shape *sh, int *n)
{
	*n = sh->n;
	return sh->leaves;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* {"min", "median", "max"} of v[0..n), sorted in place. */
static json_t *spread_json(int64_t *v, int n)
{
	if (n <= 0)
		return json_null();
	qsort(v, n, sizeof(*v), cmp64);
	return json_pack("{s:I, s:I, s:I}", "min", (json_int_t)v[0],
			 "median", (json_int_t)v[n / 2], "max",
			 (json_int_t)v[n - 1]);
}

/* The excess of usage over limit + allow: > 0 is a runaway. */
static int64_t excess(int64_t current, int64_t limit, int64_t allow)
{
	if (current < 0 || limit < 0 || allow < 0)
		return INT64_MIN;
	return current - limit - allow;
}

int64_t ks_shape_sample(struct ks_shape *sh, json_t *rec, const char **name,
			int64_t *hits_out)
{
	int64_t worst = INT64_MIN, hits = 0, ooms = 0;
	int i, m = 0, over = 0;
	json_t *o;

	*name = NULL;
	sh->passes++;
	for (i = 0; i < sh->n; i++) {
		struct chain *c = &sh->c[i];
		struct ks_cg_usage u;
		int64_t x;

		if (ks_cg_read_usage(sh->top->version, c->top, 0, &u, sh->buf,
				     sizeof(sh->buf)))
			continue;
		c->current = u.current;
		if (u.current > c->max_current)
			c->max_current = u.current;
		if (u.limit_hits >= 0)
			c->hits = u.limit_hits;
		if (u.oom_kills >= 0)
			c->ooms = u.oom_kills;
		hits += c->hits;
		ooms += c->ooms;
		if (u.current >= 0)
			sh->scratch[m++] = u.current;
		if (c->limit >= 0 && u.current > c->limit)
			over++;
		x = excess(u.current, c->limit, c->allow);
		if (x > worst) {
			worst = x;
			*name = c->name;
		}
	}
	*hits_out = hits + sh->churn_hits;
	sh->live_usage = ks_shape_churn_usage(sh);
	for (i = 0; i < m; i++)
		sh->live_usage += sh->scratch[i];
	if (!rec)
		return worst;
	o = json_pack("{s:i, s:o, s:I, s:I, s:i}", "n", sh->n, "current",
		      spread_json(sh->scratch, m), "limit_hits",
		      (json_int_t)(hits + sh->churn_hits), "oom_kills",
		      (json_int_t)(ooms + sh->churn_ooms), "over_limit", over);
	if (o && sh->sc->shape.churn_rate)
		json_object_set_new(o, "churned", json_integer(sh->created));
	json_object_set_new(rec, "cgroups", o ? o : json_null());
	return worst;
}

int64_t ks_shape_live_usage(const struct ks_shape *sh)
{
	return sh ? sh->live_usage : 0;
}

static int by_overshoot(const void *a, const void *b, void *arg)
{
	const struct chain *c = arg;
	const struct chain *x = &c[*(const int *)a], *y = &c[*(const int *)b];
	int64_t ox = x->limit >= 0 ? x->peak - x->limit : x->peak;
	int64_t oy = y->limit >= 0 ? y->peak - y->limit : y->peak;

	return ox > oy ? -1 : ox < oy;
}

/* The cgroups that went furthest past their limit, by name. */
static json_t *worst_json(struct ks_shape *sh)
{
	json_t *a = json_array();
	int *idx = calloc(sh->n, sizeof(*idx)), i;

	if (!idx)
		return a;
	for (i = 0; i < sh->n; i++)
		idx[i] = i;
	qsort_r(idx, sh->n, sizeof(*idx), by_overshoot, sh->c);
	for (i = 0; i < sh->n && i < SHAPE_WORST; i++) {
		const struct chain *c = &sh->c[idx[i]];
		json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "cgroup",
				      ks_json_text(c->name), "peak", (json_int_t)c->peak,
				      "limit_hits", (json_int_t)c->hits,
				      "oom_kills", (json_int_t)c->ooms);

		ks_json_put_if(o, "limit", c->limit);
		if (c->limit >= 0)
			json_object_set_new(o, "over", json_integer(
				c->peak > c->limit ? c->peak - c->limit : 0));
		json_array_append_new(a, o);
	}
	free(idx);
	return a;
}

/* Each chain's peak: memory.peak where the kernel has it. */
static void read_peaks(struct ks_shape *sh)
{
	int i;

	for (i = 0; i < sh->n; i++) {
		struct chain *c = &sh->c[i];
		struct ks_cg_usage u;

		c->peak = c->max_current;
		if (!ks_cg_read_usage(sh->top->version, c->top, 1, &u, sh->buf,
				      sizeof(sh->buf)) && u.peak >= 0)
			c->peak = u.peak;
		if (!ks_cg_read_usage(sh->top->version, c->top, 0, &u, sh->buf,
				      sizeof(sh->buf))) {
			c->hits = u.limit_hits >= 0 ? u.limit_hits : c->hits;
			c->ooms = u.oom_kills >= 0 ? u.oom_kills : c->ooms;
		}
	}
}

static json_t *churn_json(const struct ks_shape *sh)
{
	const struct ks_cg_shape *cfg = &sh->sc->shape;
	json_t *o = json_pack("{s:i, s:I, s:I, s:I, s:I, s:I}", "rate",
			      cfg->churn_rate, "created",
			      (json_int_t)sh->created, "removed",
			      (json_int_t)sh->removed, "failed",
			      (json_int_t)sh->churn_failed, "limit_hits",
			      (json_int_t)sh->churn_hits, "oom_kills",
			      (json_int_t)sh->churn_ooms);

	if (o && sh->churn_peak_max > 0)
		json_object_set_new(o, "peak_max",
				    json_integer(sh->churn_peak_max));
	if (o && sh->churn_err[0])
		json_object_set_new(o, "error", ks_json_text(sh->churn_err));
	return o;
}

json_t *ks_shape_finish(struct ks_shape *sh, struct ks_shape_totals *t,
			int64_t harness_cpu_ms)
{
	int64_t worst = INT64_MIN, judged = INT64_MIN;
	int i, hit = 0, oomed = 0;
	json_t *o;

	memset(t, 0, sizeof(*t));
	t->worst_limit = t->worst_peak = -1;
	t->held_limit = t->held_peak = t->held_allow = -1;
	read_peaks(sh);
	for (i = 0; i < sh->n; i++) {
		const struct chain *c = &sh->c[i];

		t->limit_hits += c->hits;
		t->oom_kills += c->ooms;
		hit += c->hits > 0;
		oomed += c->ooms > 0;
		sh->scratch[i] = c->peak;
		if (c->limit >= 0 && c->peak >= 0 &&
		    c->peak - c->limit > worst) {
			worst = c->peak - c->limit;
			t->worst_limit = c->limit;
			t->worst_peak = c->peak;
		}
		/* Judged each against its own allowance (auto: of its limit). */
		if (excess(c->peak, c->limit, c->allow) > judged) {
			judged = excess(c->peak, c->limit, c->allow);
			t->held_limit = c->limit;
			t->held_peak = c->peak;
			t->held_allow = c->allow;
			t->held_name = c->name;
		}
	}
	t->limit_hits += sh->churn_hits;
	t->oom_kills += sh->churn_ooms;
	t->cgroups = (int64_t)sh->n * sh->sc->shape.depth + sh->created;
	o = json_pack("{s:i, s:i, s:I, s:o, s:I, s:i, s:I, s:i, s:o, s:I}",
		      "n", sh->n, "depth", sh->sc->shape.depth,
		      "cgroups", (json_int_t)t->cgroups,
		      "peak", spread_json(sh->scratch, sh->n),
		      "limit_hits", (json_int_t)t->limit_hits,
		      "cgroups_hit", hit,
		      "oom_kills", (json_int_t)t->oom_kills,
		      "cgroups_oom", oomed,
		      "worst", worst_json(sh),
		      "passes", (json_int_t)sh->passes);
	if (!o)
		return NULL;
	if (worst > INT64_MIN)
		json_object_set_new(o, "overshoot_max",
				    json_integer(worst > 0 ? worst : 0));
	if (sh->sc->shape.parent_max != KS_CG_UNSET)
		json_object_set_new(o, "parent_max",
				    json_integer(sh->sc->shape.parent_max));
	if (sh->slot)
		json_object_set_new(o, "churn", churn_json(sh));
	if (t->cgroups)
		json_object_set_new(o, "harness_cpu_us_per_cgroup",
				    json_integer(harness_cpu_ms * 1000 /
						 t->cgroups));
	return o;
}

void ks_shape_free(struct ks_shape *sh)
{
	char err[256];
	int i;

	if (!sh)
		return;
	for (i = 0; sh->c && i < sh->n; i++) {
		free(sh->c[i].top);
		ks_cg_close(&sh->c[i].leaf);
	}
	for (i = 0; sh->slot && i < sh->sc->shape.churn_live; i++)
		if (sh->slot[i].cg.path[0])
			ks_cg_destroy(&sh->slot[i].cg, err, sizeof(err));
	ks_crew_free(&sh->crew);
	free(sh->slot);
	free(sh->c);
	free(sh->leaves);
	free(sh->scratch);
	free(sh);
}
