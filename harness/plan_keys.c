// SPDX-License-Identifier: GPL-2.0
/*
 * The keys of [defaults] and [scenario NAME] sections: what each means and
 * how its value is checked.
 */
#include "plan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "units.h"

const char *ks_expect_name(enum ks_expect e)
{
	return e == KS_EXPECT_YES ? "yes" : e == KS_EXPECT_NO ? "no" : "any";
}

static int parse_expect(const char *s, enum ks_expect *out, char *err,
			size_t errlen)
{
	int b;

	if (!strcasecmp(s, "any")) {
		*out = KS_EXPECT_ANY;
		return 0;
	}
	if (ks_parse_bool(s, &b, err, errlen) == 0) {
		*out = b ? KS_EXPECT_YES : KS_EXPECT_NO;
		return 0;
	}
	snprintf(err, errlen, "invalid expectation '%s' (expected yes, no or any)",
		 s);
	return -1;
}

/* Parse one workload option value according to its descriptor. */
static int parse_opt(const struct ks_opt_desc *d, const char *s,
		     struct ks_opt_value *v, char *err, size_t errlen)
{
	int b;

	memset(v, 0, sizeof(*v));
	if (strlen(s) >= sizeof(v->str)) {
		snprintf(err, errlen, "value is longer than %zu characters",
			 sizeof(v->str) - 1);
		return -1;
	}
	strcpy(v->str, s);
	switch (d->type) {
	case KS_OPT_INT:
		return ks_parse_int(s, d->max > d->min ? d->min : INT64_MIN,
				    d->max > d->min ? d->max : INT64_MAX,
				    &v->num, err, errlen);
	case KS_OPT_SIZE:
		if (ks_parse_size(s, &v->num, err, errlen))
			return -1;
		if (d->max > d->min && (v->num < d->min || v->num > d->max)) {
			char a[16], c[16];

			snprintf(err, errlen, "size %s is out of range [%s, %s]",
				 s, ks_format_size(d->min, a, sizeof(a)),
				 ks_format_size(d->max, c, sizeof(c)));
			return -1;
		}
		return 0;
	case KS_OPT_BOOL:
		if (ks_parse_bool(s, &b, err, errlen))
			return -1;
		v->num = b;
		return 0;
	case KS_OPT_STRING:
		return 0;
	}
	return -1;
}

void ks_plan_scenario_init(struct ks_scenario *sc)
{
	char err[256];
	int i, k;

	memset(sc, 0, sizeof(*sc));
	sc->workers = 2;
	sc->duration_ms = 5000;
	sc->until_limit_ms = -1;	/* ks_plan_scenario_finish() decides */
	sc->respawn = 1;
	ks_cg_limits_init(&sc->limits);
	/* Defaults are checked by the unit tests: they parse. */
	for (i = 0; ks_injectors[i]; i++)
		for (k = 0; ks_injectors[i]->opts &&
			    ks_injectors[i]->opts[k].name; k++)
			parse_opt(&ks_injectors[i]->opts[k],
				  ks_injectors[i]->opts[k].def ?
				  ks_injectors[i]->opts[k].def : "",
				  &sc->inj_opt[i][k], err, sizeof(err));
	sc->expect.kernel_report = KS_EXPECT_NO;
	sc->sweep_cfg.first_n = 1;
	sc->sweep_cfg.max_n = 10000;
	sc->expect.min_ops = -1;
	sc->expect.max_overshoot = -1;
}

void ks_plan_scenario_finish(struct ks_scenario *sc)
{
	/* An explicit value wins, from [defaults] or the scenario. */
	if (sc->until_limit_ms < 0)
		sc->until_limit_ms = sc->expect.limit_hit == KS_EXPECT_YES ?
				     KS_UNTIL_LIMIT_DEFAULT_MS : 0;
	/* A sweep is bounded by its duration alone (kmemstorm.plan(5)). */
	if (sc->sweep)
		sc->until_limit_ms = 0;
}

/* Give every workload option its default (validated at build time). */
int ks_plan_set_workload(struct ks_scenario *sc, const struct ks_workload *wl,
			 char *err, size_t errlen)
{
	int i;

	sc->wl = wl;
	for (i = 0; wl->opts && wl->opts[i].name; i++)
		if (parse_opt(&wl->opts[i], wl->opts[i].def ? wl->opts[i].def
			      : "", &sc->opt[i], err, errlen))
			return -1;
	return 0;
}

static int set_size(const char *v, int64_t *out, char *err, size_t errlen)
{
	return ks_parse_size(v, out, err, errlen);
}

static int set_bool(const char *v, int *out, char *err, size_t errlen)
{
	return ks_parse_bool(v, out, err, errlen);
}

/* "duration.until_limit = 60s", or 0, off or no. */
static int apply_until_limit(struct ks_scenario *sc, const char *v, char *err,
			     size_t errlen)
{
	int64_t ms;
	int b;

	if (!ks_parse_bool(v, &b, err, errlen) && !b) {
		sc->until_limit_ms = 0;
		return 0;
	}
	if (ks_parse_duration_ms(v, &ms, err, errlen)) {
		/* Not "too long": that message says it all already. */
		if (!strncmp(err, "invalid", 7))
			snprintf(err, errlen,
				 "invalid duration '%s' (expected e.g. 30s, 2m or 1h; 0, off or no to disable)",
				 v);
		return -1;
	}
	if (ms > 0 && ms < 10) {
		snprintf(err, errlen, "duration '%s' is shorter than 10ms", v);
		return -1;
	}
	sc->until_limit_ms = ms;
	return 0;
}

/* "sweep.ops = create rename": operations of the scenario's workload. */
static int apply_sweep_ops(struct ks_scenario *sc, const char *v, char *err,
			   size_t errlen)
{
	const char *p = v;
	unsigned int mask = 0;
	int k;

	while (sc->wl && *p) {
		size_t n = strcspn(p, " \t,");

		if (!n) {
			p++;
			continue;
		}
		for (k = 0; k < KS_MAX_OPS && sc->wl->ops[k]; k++)
			if (strlen(sc->wl->ops[k]) == n &&
			    !strncmp(sc->wl->ops[k], p, n))
				break;
		if (k == KS_MAX_OPS || !sc->wl->ops[k]) {
			snprintf(err, errlen,
				 "workload '%s' has no operation '%.*s'",
				 sc->wl->name, (int)n, p);
			return -1;
		}
		mask |= 1u << k;
		p += n;
	}
	sc->sweep_cfg.ops = mask;
	return 0;
}

/* "inject = failslab, chargefail" or "none": which injectors arm. */
static int apply_inject(struct ks_scenario *sc, const char *v, char *err,
			size_t errlen)
{
	const char *p = v;
	unsigned int mask = 0;

	while (*p) {
		const struct ks_injector *inj;
		size_t n = strcspn(p, " \t,");
		char name[KS_NAME_MAX];

		if (!n) {
			p++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n;
		if (!strcmp(name, "none"))
			continue;
		inj = ks_injector_find(name);
		if (!inj) {
			snprintf(err, errlen,
				 "no injector '%s' (see 'kmemstorm list')",
				 name);
			return -1;
		}
		mask |= 1u << ks_injector_index(inj);
	}
	sc->inject_mask = mask;
	return 0;
}

/* "<injector>.<option> = value"; 1 when key names no injector. */
static int apply_inj_opt(struct ks_scenario *sc, const char *key,
			 const char *v, char *err, size_t errlen)
{
	const struct ks_injector *inj;
	const char *dot = strchr(key, '.');
	char name[KS_NAME_MAX];
	int i, k;

	if (!dot || (size_t)(dot - key) >= sizeof(name))
		return 1;
	snprintf(name, sizeof(name), "%.*s", (int)(dot - key), key);
	inj = ks_injector_find(name);
	if (!inj)
		return 1;
	i = ks_injector_index(inj);
	k = ks_injector_opt_index(inj, dot + 1);
	if (k < 0) {
		snprintf(err, errlen,
			 "injector '%s' has no option '%s' (see 'kmemstorm list')",
			 name, dot + 1);
		return -1;
	}
	if (parse_opt(&inj->opts[k], v, &sc->inj_opt[i][k], err, errlen))
		return -1;
	return inj->check ? inj->check(k, &sc->inj_opt[i][k], err, errlen) : 0;
}

/*
 * "allow_errno.<workload>.<op> = NAMES": the errnos op may fail with under
 * memory pressure besides ENOMEM, replacing the storm's own set.  Checked
 * for every scenario (so a typo in [defaults] is caught), kept only by
 * scenarios of that workload.
 */
static int apply_allow_errno(struct ks_scenario *sc, const char *wop,
			     const char *v, char *err, size_t errlen)
{
	const struct ks_workload *wl;
	const char *dot = strchr(wop, '.');
	struct ks_errno_set set = { 0 };
	char wname[KS_NAME_MAX];
	int k;

	if (!dot || dot == wop || (size_t)(dot - wop) >= sizeof(wname)) {
		snprintf(err, errlen,
			 "expected allow_errno.<workload>.<operation>");
		return -1;
	}
	snprintf(wname, sizeof(wname), "%.*s", (int)(dot - wop), wop);
	wl = ks_workload_find(wname);
	if (!wl) {
		snprintf(err, errlen, "no workload '%s'", wname);
		return -1;
	}
	for (k = 0; k < KS_MAX_OPS && wl->ops[k]; k++)
		if (!strcmp(wl->ops[k], dot + 1))
			break;
	if (k == KS_MAX_OPS || !wl->ops[k]) {
		snprintf(err, errlen,
			 "workload '%s' has no operation '%s'",
			 wname, dot + 1);
		return -1;
	}
	if (ks_errno_set_parse(v, &set, err, errlen))
		return -1;
	if (sc->wl == wl) {
		sc->allow[k] = set;
		sc->allow_set[k] = 1;
	}
	return 0;
}

/*
 * Apply one scenario key (from [defaults] or [scenario]).  The workload
 * key has been applied before anything else.  Returns 0 or -1 with err.
 */
int ks_plan_apply_key(struct ks_scenario *sc, const char *key, const char *v,
		      char *err, size_t errlen)
{
	struct ks_expectations *x = &sc->expect;
	struct ks_cg_limits *l = &sc->limits;
	const struct ks_workload *wl;
	const char *dot;
	int64_t n;
	int i;

	if (!strcmp(key, "workload"))
		return 0;
	if (!strcmp(key, "workers")) {
		if (ks_parse_int(v, 1, 4096, &n, err, errlen))
			return -1;
		sc->workers = (int)n;
		return 0;
	}
	if (!strcmp(key, "duration")) {
		if (ks_parse_duration_ms(v, &sc->duration_ms, err, errlen))
			return -1;
		if (sc->duration_ms < 10) {
			snprintf(err, errlen, "duration '%s' is shorter than 10ms", v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "duration.until_limit"))
		return apply_until_limit(sc, v, err, errlen);
	if (!strcmp(key, "respawn"))
		return set_bool(v, &sc->respawn, err, errlen);
	if (!strcmp(key, "memory.max"))
		return set_size(v, &l->max, err, errlen);
	if (!strcmp(key, "memory.high"))
		return set_size(v, &l->high, err, errlen);
	if (!strcmp(key, "memory.swap.max"))
		return set_size(v, &l->swap_max, err, errlen);
	if (!strcmp(key, "memory.kmem.limit_in_bytes"))
		return set_size(v, &l->kmem_max, err, errlen);
	if (!strcmp(key, "memory.kmem.tcp.limit_in_bytes"))
		return set_size(v, &l->tcp_max, err, errlen);
	if (!strcmp(key, "memory.oom.group"))
		return set_bool(v, &l->oom_group, err, errlen);
	if (!strcmp(key, "memory.oom_control"))
		return set_bool(v, &l->oom_kill_disable, err, errlen);
	if (!strcmp(key, "expect.limit_hit"))
		return parse_expect(v, &x->limit_hit, err, errlen);
	if (!strcmp(key, "expect.oom_kill"))
		return parse_expect(v, &x->oom_kill, err, errlen);
	if (!strcmp(key, "expect.enomem"))
		return parse_expect(v, &x->enomem, err, errlen);
	if (!strcmp(key, "expect.kernel_report"))
		return parse_expect(v, &x->kernel_report, err, errlen);
	if (!strcmp(key, "expect.enomem_surfaced"))
		return parse_expect(v, &x->enomem_surfaced, err, errlen);
	if (!strcmp(key, "inject"))
		return apply_inject(sc, v, err, errlen);
	if (!strcmp(key, "mode")) {
		if (strcmp(v, "storm") && strcmp(v, "sweep")) {
			snprintf(err, errlen,
				 "'%s' is not a mode (storm or sweep)", v);
			return -1;
		}
		sc->sweep = !strcmp(v, "sweep");
		return 0;
	}
	if (!strcmp(key, "sweep.ops"))
		return apply_sweep_ops(sc, v, err, errlen);
	if (!strcmp(key, "sweep.first_n")) {
		if (ks_parse_int(v, 1, INT32_MAX, &n, err, errlen))
			return -1;
		sc->sweep_cfg.first_n = (int32_t)n;
		return 0;
	}
	if (!strcmp(key, "sweep.max_n")) {
		if (ks_parse_int(v, 1, INT32_MAX, &n, err, errlen))
			return -1;
		sc->sweep_cfg.max_n = (int32_t)n;
		return 0;
	}
	if (!strncmp(key, "allow_errno.", 12))
		return apply_allow_errno(sc, key + 12, v, err, errlen);
	if (!strcmp(key, "expect.min_ops"))
		return ks_parse_int(v, 0, INT64_MAX, &x->min_ops, err, errlen);
	if (!strcmp(key, "expect.max_overshoot"))
		return set_size(v, &x->max_overshoot, err, errlen);

	/* "<workload>.<option>" */
	dot = strchr(key, '.');
	if (dot && dot != key) {
		char wname[KS_NAME_MAX];
		struct ks_opt_value tmp;

		snprintf(wname, sizeof(wname), "%.*s", (int)(dot - key), key);
		wl = ks_workload_find(wname);
		if (wl) {
			i = ks_workload_opt_index(wl, dot + 1);
			if (i < 0) {
				snprintf(err, errlen,
					 "workload '%s' has no option '%s' (see 'kmemstorm list')",
					 wname, dot + 1);
				return -1;
			}
			if (parse_opt(&wl->opts[i], v, &tmp, err, errlen))
				return -1;
			if (sc->wl == wl)
				sc->opt[i] = tmp;
			return 0;
		}
	}
	i = apply_inj_opt(sc, key, v, err, errlen);
	if (i <= 0)
		return i;
	snprintf(err, errlen, "unknown key '%s'", key);
	return -1;
}

int ks_plan_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= KS_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}
