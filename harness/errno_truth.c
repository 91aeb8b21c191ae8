// SPDX-License-Identifier: GPL-2.0
#include "errno_truth.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void ks_errno_truth_init(struct ks_errno_truth *t,
			 const struct ks_scenario *sc)
{
	memset(t, 0, sizeof(*t));
	t->sc = sc;
	t->pressure_ms = -1;
}

void ks_errno_truth_pressure(struct ks_errno_truth *t, int64_t t_ms,
			     const char *why)
{
	if (t->pressure_ms >= 0)
		return;
	t->pressure_ms = t_ms;
	snprintf(t->pressure_why, sizeof(t->pressure_why), "%s", why);
}

static const char *pressure_seen(const struct ks_counters *sum,
				 const struct ks_memcg_stats *st)
{
	int k;

	if (ks_memcg_limit_hits(st) > 0)
		return "memory limit hit";
	if (st->kmem_failcnt > 0)
		return "kmem charge failure";
	if (st->ev_oom > 0 || ks_memcg_oom_kills(st) > 0 || st->under_oom > 0)
		return "memcg OOM";
	for (k = 0; k < KS_MAX_OPS; k++)
		if (sum->enomem[k])
			return "ENOMEM seen by a worker";
	return NULL;
}

void ks_errno_truth_sample(struct ks_errno_truth *t,
			   const struct ks_counters *sum,
			   const struct ks_memcg_stats *st, int64_t t_ms)
{
	const char *why;

	if (t->pressure_ms >= 0)
		return;
	why = pressure_seen(sum, st);
	if (why)
		ks_errno_truth_pressure(t, t_ms, why);
	else
		memcpy(t->base, sum->err, sizeof(t->base));
}

void ks_errno_allowed(const struct ks_scenario *sc, int op,
		      struct ks_errno_set *set)
{
	char err[128];

	/* Storm tables are checked by the unit tests: they parse. */
	if (sc->allow_set[op]) {
		*set = sc->allow[op];
	} else {
		memset(set, 0, sizeof(*set));
		if (sc->wl->allow[op])
			ks_errno_set_parse(sc->wl->allow[op], set, err,
					   sizeof(err));
		if ((sc->inject_mask || sc->sweep) && sc->wl->known[op])
			ks_errno_set_parse(sc->wl->known[op], set, err,
					   sizeof(err));
	}
	ks_errno_set_add(set, ENOMEM);
}

json_t *ks_errno_allowed_json(const struct ks_scenario *sc)
{
	json_t *o = json_object();
	int k;

	for (k = 0; k < KS_MAX_OPS && sc->wl->ops[k]; k++) {
		struct ks_errno_set set;
		char buf[512];

		ks_errno_allowed(sc, k, &set);
		json_object_set_new(o, sc->wl->ops[k],
			ks_json_text(ks_errno_set_format(&set, buf, sizeof(buf))));
	}
	return o;
}

static void add_record(const struct ks_errno_truth *t, const char *type,
		       int op, int e, uint64_t n, const char *allow,
		       json_t *(*mkrec)(const char *, void *), void *arg,
		       json_t *out)
{
	json_t *o = mkrec(type, arg);
	char name[16];

	if (!o)
		return;
	json_object_set_new(o, "op", ks_json_text(t->sc->wl->ops[op]));
	json_object_set_new(o, "errno",
			    ks_json_text(ks_errno_name(e, name, sizeof(name))));
	json_object_set_new(o, "count", json_integer((json_int_t)n));
	json_object_set_new(o, "allowed", ks_json_text(allow));
	if (t->pressure_ms >= 0) {
		json_object_set_new(o, "pressure_since_ms",
				    json_integer(t->pressure_ms));
		json_object_set_new(o, "pressure",
				    ks_json_text(t->pressure_why));
	}
	json_array_append_new(out, o);
}

void ks_errno_truth_finish(const struct ks_errno_truth *t,
			   const struct ks_counters *sum,
			   json_t *(*mkrec)(const char *type, void *arg),
			   void *arg, json_t *out,
			   struct ks_errno_findings *f)
{
	const struct ks_scenario *sc = t->sc;
	int k, e;

	memset(f, 0, sizeof(*f));
	for (k = 0; k < KS_MAX_OPS && sc->wl->ops[k]; k++) {
		struct ks_errno_set set;
		char allow[512];

		ks_errno_allowed(sc, k, &set);
		if (set.any)
			continue;
		ks_errno_set_format(&set, allow, sizeof(allow));
		/* e == 0: errnos without a slot, never an allowed one. */
		for (e = 0; e < KS_ERRNO_MAX; e++) {
			uint64_t n = sum->err[k][e], before;

			if (!n || ks_errno_set_has(&set, e))
				continue;
			before = t->pressure_ms >= 0 ? t->base[k][e] : n;
			if (before > n)		/* racy sums: never negative */
				before = n;
			if (before)
				add_record(t, "unexpected_errno", k, e, before,
					   allow, mkrec, arg, out);
			f->unexpected += before;
			if (n == before)
				continue;
			add_record(t, "enomem_surfaced", k, e, n - before,
				   allow, mkrec, arg, out);
			if (!f->surfaced) {
				char name[16];

				snprintf(f->first, sizeof(f->first),
					 "%s from %s",
					 ks_errno_name(e, name, sizeof(name)),
					 sc->wl->ops[k]);
			}
			f->surfaced += n - before;
		}
	}
}
