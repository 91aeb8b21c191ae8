// SPDX-License-Identifier: GPL-2.0
/*
 * --minimise: shrink the scenario while its report still comes back.
 * One table of passes, in the order that saves the most time first
 * (fewer workers and a shorter storm make every later try quicker).  A
 * pass offers candidates, each a few key changes on the plan kept so
 * far; candidates of one group are alternatives, smallest first, and the
 * first that still reproduces is kept.  Every try is logged by
 * ks_repro_attempt().
 */
#include "repro.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "injector.h"
#include "shape.h"
#include "units.h"
#include "workload.h"

#define MAX_CANDS	64
#define MAX_EDITS	3

struct edit {
	char key[96];
	char value[200];
};

struct cand {
	int group;
	int n;
	struct edit e[MAX_EDITS];
};

struct cands {
	int n, group;
	struct cand c[MAX_CANDS];
};

/* A new group of alternatives. */
static void group(struct cands *cs)
{
	cs->group++;
}

static void add(struct cands *cs, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct cands *cs, const char *key, const char *fmt, ...)
{
	struct cand *c;
	va_list ap;

	if (cs->n == MAX_CANDS)
		return;
	c = &cs->c[cs->n++];
	memset(c, 0, sizeof(*c));
	c->group = cs->group;
	c->n = 1;
	snprintf(c->e[0].key, sizeof(c->e[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(c->e[0].value, sizeof(c->e[0].value), fmt, ap);
	va_end(ap);
}

/* One more change in the candidate added last. */
static void also(struct cands *cs, const char *key, const char *value)
{
	struct cand *c = &cs->c[cs->n - 1];

	if (!cs->n || c->n == MAX_EDITS)
		return;
	snprintf(c->e[c->n].key, sizeof(c->e[0].key), "%s", key);
	snprintf(c->e[c->n].value, sizeof(c->e[0].value), "%s", value);
	c->n++;
}

/* n/8, n/4, n/2 (those >= lo and below n, smallest first). */
static void smaller(struct cands *cs, const char *key, int64_t n, int64_t lo,
		    const char *unit)
{
	int64_t last = -1, v;
	int d;

	for (d = 8; d >= 2; d /= 2) {
		v = n / d;
		if (v < lo)
			v = lo;
		if (v >= n || v == last)
			continue;
		add(cs, key, "%" PRId64 "%s", v, unit);
		last = v;
	}
}

static void sweep_step(const struct ks_scenario *sc,
		       const struct ks_repro_case *c, struct cands *cs)
{
	char n[32];

	if (!sc->sweep || !c->sweep_op[0])
		return;
	group(cs);
	snprintf(n, sizeof(n), "%" PRId64, c->sweep_n);
	add(cs, "sweep.ops", "%s", c->sweep_op);
	also(cs, "sweep.first_n", n);
	also(cs, "sweep.max_n", n);
}

static void workers(const struct ks_scenario *sc,
		    const struct ks_repro_case *c, struct cands *cs)
{
	(void)c;
	group(cs);
	if (sc->workers > 1)
		add(cs, "workers", "1");
	smaller(cs, "workers", sc->workers, 2, "");
}

static void neighbour(const struct ks_scenario *sc,
		      const struct ks_repro_case *c, struct cands *cs)
{
	(void)c;
	if (!sc->victim.wl)
		return;
	group(cs);
	add(cs, "victim", "none");
}

static void duration(const struct ks_scenario *sc,
		     const struct ks_repro_case *c, struct cands *cs)
{
	(void)c;
	if (sc->sweep)
		return;
	group(cs);
	smaller(cs, "duration", sc->duration_ms, 1000, "ms");
	if (sc->until_limit_ms > 0) {
		group(cs);
		add(cs, "duration.until_limit", "off");
	}
}

static void injectors(const struct ks_scenario *sc,
		      const struct ks_repro_case *c, struct cands *cs)
{
	char key[96];
	int i, k;

	if (!sc->inject_mask)
		return;
	group(cs);
	add(cs, "inject", "none");
	for (i = 0; ks_injectors[i]; i++) {
		const struct ks_injector *inj = ks_injectors[i];

		if (!(sc->inject_mask & (1u << i)))
			continue;
		k = ks_injector_opt_index(inj, "probability");
		if (k >= 0 && sc->inj_opt[i][k].num > 1) {
			group(cs);
			snprintf(key, sizeof(key), "%s.probability", inj->name);
			smaller(cs, key, sc->inj_opt[i][k].num, 1, "");
		}
		/* Narrowed to the allocation that failed before the report. */
		k = ks_injector_opt_index(inj, "require");
		if (k >= 0 && !sc->inj_opt[i][k].str[0] && c->site[0]) {
			group(cs);
			snprintf(key, sizeof(key), "%s.require", inj->name);
			add(cs, key, "%s", c->site);
		}
	}
}

static void limits(const struct ks_scenario *sc,
		   const struct ks_repro_case *c, struct cands *cs)
{
	static const struct { const char *key; size_t at; } others[] = {
		{ "memory.high", offsetof(struct ks_cg_limits, high) },
		{ "memory.kmem.limit_in_bytes",
		  offsetof(struct ks_cg_limits, kmem_max) },
		{ "memory.kmem.tcp.limit_in_bytes",
		  offsetof(struct ks_cg_limits, tcp_max) },
	};
	int64_t max = sc->limits.max;
	size_t i;

	(void)c;
	if (max > 0 && max != KS_SIZE_MAX && !ks_shape_wanted(sc)) {
		group(cs);
		/* No limit: nothing to wait for, nothing to hold. */
		add(cs, "memory.max", "max");
		also(cs, "duration.until_limit", "off");
		also(cs, "expect.max_overshoot", "none");
		add(cs, "memory.max", "%" PRId64, max * 4);
		add(cs, "memory.max", "%" PRId64, max * 2);
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		int64_t v = *(const int64_t *)((const char *)&sc->limits +
					       others[i].at);

		if (v > 0 && v != KS_SIZE_MAX) {
			group(cs);
			add(cs, others[i].key, "max");
		}
	}
}

static int is_weight(const struct ks_workload *wl, const char *opt)
{
	int k;

	for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
		if (!strcmp(wl->ops[k], opt))
			return 1;
	return 0;
}

/* Each operation's weight to zero in turn (the storm keeps one). */
static void weights(const struct ks_scenario *sc,
		    const struct ks_repro_case *c, struct cands *cs)
{
	const struct ks_opt_desc *d;
	char key[96];
	int i;

	(void)c;
	if (sc->sweep || !sc->wl->weights)
		return;
	for (i = 0, d = sc->wl->opts; d && d->name; d++, i++) {
		if (!is_weight(sc->wl, d->name) || sc->opt[i].num <= 0)
			continue;
		group(cs);
		snprintf(key, sizeof(key), "%s.%s", sc->wl->name, d->name);
		add(cs, key, "0");
	}
}

static int planned(const struct ks_repro_plan *rp, const char *key)
{
	int i;

	for (i = 0; i < rp->n; i++)
		if (strcmp(rp->kv[i].section, "plan") &&
		    !strcmp(rp->kv[i].key, key))
			return 1;
	return 0;
}

/* The storm's options the plan set, back to their default or smaller. */
static void options(const struct ks_scenario *sc,
		    const struct ks_repro_case *c, struct cands *cs,
		    const struct ks_repro_plan *rp)
{
	const struct ks_opt_desc *d;
	char key[96];
	int i;

	(void)c;
	for (i = 0, d = sc->wl->opts; d && d->name; d++, i++) {
		const struct ks_opt_value *v = &sc->opt[i];

		snprintf(key, sizeof(key), "%s.%s", sc->wl->name, d->name);
		if (is_weight(sc->wl, d->name) || !planned(rp, key))
			continue;
		group(cs);
		if (d->type == KS_OPT_INT || d->type == KS_OPT_SIZE) {
			int64_t lo = d->max > d->min ? d->min : 0;

			/* the least it takes first, then halves down to it */
			if (v->num > lo)
				add(cs, key, "%" PRId64, lo);
			smaller(cs, key, v->num, lo + 1, "");
		} else if (strcmp(v->str, d->def)) {
			add(cs, key, "%s", d->def);
		}
	}
}

struct pass {
	const char *name;
	void (*make)(const struct ks_scenario *sc,
		     const struct ks_repro_case *c, struct cands *cs);
};

static const struct pass passes[] = {
	{ "the sweep's one step", sweep_step },
	{ "fewer workers", workers },
	{ "the neighbour left out", neighbour },
	{ "a shorter storm", duration },
	{ "injection narrowed", injectors },
	{ "a larger limit, or none", limits },
	{ "operations left out", weights },
	{ "storm options reduced", NULL },	/* options(): needs the plan */
};

/* The candidate on top of base, checked as the harness will read it. */
static int apply(const struct ks_repro_plan *base, const struct cand *c,
		 struct ks_repro_plan *out, char *what, size_t len)
{
	struct ks_plan plan;
	char err[512];
	size_t n = 0;
	int i, r;

	if (ks_rp_copy(out, base))
		return -1;
	what[0] = '\0';
	for (i = 0; i < c->n; i++) {
		if (ks_rp_set(out, c->e[i].key, c->e[i].value))
			goto bad;
		n += snprintf(what + n, n < len ? len - n : 0, "%s%s = %s",
			      i ? ", " : "", c->e[i].key, c->e[i].value);
	}
	r = ks_rp_parse(out, &plan, err, sizeof(err));
	if (!r && plan.scenarios[0].wl->weights) {
		uint64_t w[KS_MAX_OPS] = { 0 }, sum = 0;
		struct ks_wl_ctx ctx = { .wl = plan.scenarios[0].wl,
					 .opt = plan.scenarios[0].opt };
		int k;

		plan.scenarios[0].wl->weights(&ctx, w);
		for (k = 0; k < KS_MAX_OPS; k++)
			sum += w[k];
		r = sum ? 0 : -1;	/* the last operation stays */
	}
	if (!r) {
		ks_plan_free(&plan);
		return 0;
	}
	if (plan.scenarios)
		ks_plan_free(&plan);
bad:
	ks_rp_free(out);
	return -1;
}

/* A seed adopted from a run during minimising stays from then on. */
static void pin_seed(const struct ks_repro *r, struct ks_repro_plan *rp)
{
	char seed[32];

	if (!r->c.seed || ks_rp_get(rp, "seed"))
		return;
	snprintf(seed, sizeof(seed), "%lld", (long long)r->c.seed);
	ks_rp_set(rp, "seed", seed);
}

static int run_pass(struct ks_repro *r, const struct pass *p,
		    struct ks_repro_plan *cur, char *err, size_t errlen)
{
	static struct cands cs;
	struct ks_repro_plan next;
	struct ks_plan plan;
	char what[700];
	int i, kept = -1, hit;

	if (ks_rp_parse(cur, &plan, err, errlen))
		return -1;
	memset(&cs, 0, sizeof(cs));
	if (p->make)
		p->make(&plan.scenarios[0], &r->c, &cs);
	else
		options(&plan.scenarios[0], &r->c, &cs, cur);
	ks_plan_free(&plan);
	if (cs.n)
		fprintf(stderr, "kmemstorm: minimise: %s\n", p->name);
	for (i = 0; i < cs.n; i++) {
		if (cs.c[i].group == kept)
			continue;
		if (apply(cur, &cs.c[i], &next, what, sizeof(what)))
			continue;	/* not a plan the harness takes */
		hit = ks_repro_attempt(r, &next, what, r->tries, err, errlen);
		if (hit < 0) {
			ks_rp_free(&next);
			return -1;
		}
		fprintf(stderr, "kmemstorm: minimise: %s: %s\n", what,
			hit ? "kept" : "needed as it was");
		if (hit) {
			pin_seed(r, &next);
			ks_rp_free(cur);
			*cur = next;
			kept = cs.c[i].group;
		} else {
			ks_rp_free(&next);
		}
	}
	return 0;
}

int ks_repro_minimise(struct ks_repro *r, struct ks_repro_plan *out,
		      char *err, size_t errlen)
{
	size_t i;

	if (ks_rp_copy(out, &r->c.plan)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		if (run_pass(r, &passes[i], out, err, errlen)) {
			ks_rp_free(out);
			return -1;
		}
	}
	return 0;
}
