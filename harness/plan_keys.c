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
#include <stddef.h>
#include <stdint.h>

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
	sc->expect.max_overshoot = KS_OVERSHOOT_AUTO;
	ks_plan_shape_init(&sc->shape);
	ks_plan_victim_init(&sc->victim);
	sc->expect.leak = KS_EXPECT_NO;
	sc->leak_check = 1;
	sc->leak_margin = KS_LEAK_MARGIN_DEFAULT;
	sc->leak_dying_max = 1;
	sc->leak_wait_ms = KS_LEAK_WAIT_DEFAULT_MS;
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
	if (sc->expect.max_overshoot == KS_OVERSHOOT_AUTO) {
		int64_t max = sc->shape.nmax ? sc->shape.max[0] :
			      sc->limits.max;

		sc->expect.max_overshoot = -1;
		sc->expect.overshoot_auto = 1;
		if (max != KS_CG_UNSET && max != INT64_MAX && max >= 0)
			sc->expect.max_overshoot =
				max / KS_OVERSHOOT_SHARE > KS_OVERSHOOT_FLOOR ?
				max / KS_OVERSHOOT_SHARE : KS_OVERSHOOT_FLOOR;
	}
}

int ks_plan_opt_defaults(const struct ks_workload *wl,
			 struct ks_opt_value *opt, char *err, size_t errlen)
{
	int i;

	for (i = 0; wl->opts && wl->opts[i].name; i++)
		if (parse_opt(&wl->opts[i], wl->opts[i].def ? wl->opts[i].def
			      : "", &opt[i], err, errlen))
			return -1;
	return 0;
}

/* Give every workload option its default (validated at build time). */
int ks_plan_set_workload(struct ks_scenario *sc, const struct ks_workload *wl,
			 char *err, size_t errlen)
{
	sc->wl = wl;
	if (ks_plan_opt_defaults(wl, sc->opt, err, errlen))
		return -1;
	return 0;
}

#define FIELD(sc, k, type) ((type *)((char *)(sc) + (k)->off))

static int key_int(struct ks_scenario *sc, const struct ks_plan_key *k,
		   const char *v, char *err, size_t errlen)
{
	int64_t n;

	if (ks_parse_int(v, k->min, k->max, &n, err, errlen))
		return -1;
	if (k->max <= INT32_MAX)
		*FIELD(sc, k, int32_t) = (int32_t)n;
	else
		*FIELD(sc, k, int64_t) = n;
	return 0;
}

static int key_size(struct ks_scenario *sc, const struct ks_plan_key *k,
		    const char *v, char *err, size_t errlen)
{
	return ks_parse_size(v, FIELD(sc, k, int64_t), err, errlen);
}

/* A size, auto (the default: ks_plan_scenario_finish()) or none. */
static int key_overshoot(struct ks_scenario *sc, const struct ks_plan_key *k,
			 const char *v, char *err, size_t errlen)
{
	int64_t *x = FIELD(sc, k, int64_t);

	if (!strcmp(v, "auto") || !strcmp(v, "none")) {
		*x = v[0] == 'a' ? KS_OVERSHOOT_AUTO : -1;
		return 0;
	}
	return ks_parse_size(v, x, err, errlen);
}

/*
 * "allow_report = TITLE[ | TITLE...]" (';' would start an ini comment):
 * kernel reports with exactly these
 * titles are journaled but fail nothing.  Only WARNINGs: a BUG, an Oops,
 * a KASAN report is never a known finding to live with.
 */
static int key_allow_report(struct ks_scenario *sc,
			    const struct ks_plan_key *k, const char *v,
			    char *err, size_t errlen)
{
	const char *p = v;

	(void)k;
	sc->nallow_report = 0;
	while (*p) {
		size_t n = strcspn(p, "|");
		const char *end = p + n;
		char *t;

		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (end > p) {
			if (sc->nallow_report == KS_ALLOW_REPORTS) {
				snprintf(err, errlen, "at most %d titles",
					 KS_ALLOW_REPORTS);
				return -1;
			}
			t = sc->allow_report[sc->nallow_report];
			snprintf(t, sizeof(sc->allow_report[0]), "%.*s",
				 (int)(end - p), p);
			if (strncmp(t, "WARNING", 7)) {
				snprintf(err, errlen,
					 "'%.60s': only WARNING titles can be allowed",
					 t);
				return -1;
			}
			sc->nallow_report++;
		}
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

static int key_bool(struct ks_scenario *sc, const struct ks_plan_key *k,
		    const char *v, char *err, size_t errlen)
{
	return ks_parse_bool(v, FIELD(sc, k, int), err, errlen);
}

static int key_expect(struct ks_scenario *sc, const struct ks_plan_key *k,
		      const char *v, char *err, size_t errlen)
{
	return parse_expect(v, FIELD(sc, k, enum ks_expect), err, errlen);
}

static int key_duration(struct ks_scenario *sc, const struct ks_plan_key *k,
			const char *v, char *err, size_t errlen)
{
	int64_t *ms = FIELD(sc, k, int64_t);

	if (ks_parse_duration_ms(v, ms, err, errlen))
		return -1;
	if (*ms < 10) {
		snprintf(err, errlen, "duration '%s' is shorter than 10ms", v);
		return -1;
	}
	return 0;
}

static int key_mode(struct ks_scenario *sc, const struct ks_plan_key *k,
		    const char *v, char *err, size_t errlen)
{
	(void)k;
	if (strcmp(v, "storm") && strcmp(v, "sweep")) {
		snprintf(err, errlen, "'%s' is not a mode (storm or sweep)", v);
		return -1;
	}
	sc->sweep = !strcmp(v, "sweep");
	return 0;
}

/* "duration.until_limit = 60s", or 0, off or no. */
static int key_until_limit(struct ks_scenario *sc,
			   const struct ks_plan_key *k, const char *v,
			   char *err, size_t errlen)
{
	int64_t ms;
	int b;

	(void)k;
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
static int key_sweep_ops(struct ks_scenario *sc, const struct ks_plan_key *key,
			 const char *v, char *err, size_t errlen)
{
	const char *p = v;
	unsigned int mask = 0;
	int k;

	(void)key;
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
static int key_inject(struct ks_scenario *sc, const struct ks_plan_key *k,
		      const char *v, char *err, size_t errlen)
{
	const char *p = v;
	unsigned int mask = 0;

	(void)k;
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
static int key_allow_errno(struct ks_scenario *sc, const char *wop,
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

#define AT(member) offsetof(struct ks_scenario, member)
#define DUR "duration (e.g. 30s, 2m; ms, s, m, h)"
#define EXPECT "yes, no or any"

/*
 * Every key of [defaults] and [scenario NAME] but the workload's and the
 * injectors' own options: parsed by this table, listed from it by
 * 'kmemstorm list', and checked against kmemstorm.plan(5) by make check.
 */
const struct ks_plan_key ks_plan_keys[] = {
	{ "workload", NULL, NULL, 0, 0, 0, "NAME",
	  "the storm to run (required; applied before every other key)" },
	{ "workers", key_int, NULL, AT(workers), 1, 4096, "N",
	  "worker processes (default 2)" },
	{ "duration", key_duration, NULL, AT(duration_ms), 0, 0, DUR,
	  "how long the storm runs (default 5s); with duration.until_limit, "
	  "how long once the limit is reached" },
	{ "duration.until_limit", key_until_limit, NULL, AT(until_limit_ms),
	  0, 0, DUR ", or 0, off, no",
	  "first run until the memory limit is hit, for at most this long "
	  "(default 60s where expect.limit_hit = yes, else off)" },
	{ "seed", key_int, NULL, AT(seed), 0, INT64_MAX, "N",
	  "the seed every worker's random choices come from: the same seed "
	  "makes the same choices per worker (default 0: one is drawn and "
	  "journaled)" },
	{ "respawn", key_bool, NULL, AT(respawn), 0, 0, "BOOL",
	  "start a new worker for one the OOM killer took (default yes)" },
	{ "leak.check", key_bool, NULL, AT(leak_check), 0, 0, "BOOL",
	  "once the scenario's cgroup is removed, reclaim and check that its "
	  "charges and dying cgroups are gone from the run cgroup (default "
	  "yes)" },
	{ "leak.margin", key_size, NULL, AT(leak_margin), 0, 0, "SIZE",
	  "usage that may stay above the level before the scenario "
	  "(default 1M)" },
	{ "leak.dying_max", key_int, NULL, AT(leak_dying_max), 0, 100000,
	  "N", "dying cgroups that may stay below the run cgroup (default 1: "
	  "a disk filesystem's tree root page pins the cgroup that wrote it "
	  "until the next scenario rewrites it)" },
	{ "leak.wait", key_duration, NULL, AT(leak_wait_ms), 0, 0, DUR,
	  "how long reclaim may take to get back there (default 10s)" },
	{ "cgroups", key_int, NULL, AT(shape.n), 1, KS_SHAPE_MAX_CGROUPS, "N",
	  "sibling cgroups below the scenario's, workers spread over them "
	  "round robin, each with the scenario's limits (default 1: the "
	  "workers run in the scenario's own cgroup)" },
	{ "cgroups.depth", key_int, NULL, AT(shape.depth), 1,
	  KS_SHAPE_MAX_DEPTH, "D",
	  "each of those cgroups the bottom of a chain of D nested ones, "
	  "every level above limited to 3/4 of the one below, so parents "
	  "bind first (default 1)" },
	{ "cgroups.max", ks_plan_key_shape_max, NULL, 0, 0, 0,
	  "SIZE[, SIZE...] or SIZE-SIZE",
	  "memory.max of each cgroup instead of the scenario's: a list taken "
	  "round robin, or a range spread evenly" },
	{ "cgroups.parent_max", key_size, NULL, AT(shape.parent_max), 0, 0,
	  "SIZE", "memory.max of the scenario's cgroup above them all" },
	{ "cgroups.churn", key_int, NULL, AT(shape.churn_rate), 0, 1000,
	  "RATE", "cgroups per second created below the scenario's during "
	  "the storm, stormed by one worker for cgroups.churn_life and "
	  "removed (default 0: none)" },
	{ "cgroups.churn_total", key_int, NULL, AT(shape.churn_total), 0,
	  1000000, "N", "stop churning after N cgroups (default 0: until "
	  "the storm ends)" },
	{ "cgroups.churn_live", key_int, NULL, AT(shape.churn_live), 1, 256,
	  "N", "churned cgroups alive at once at most (default 8)" },
	{ "cgroups.churn_life", key_duration, NULL, AT(shape.churn_life_ms),
	  0, 0, DUR, "how long a churned cgroup is stormed (default 500ms)" },
	{ "victim", ks_plan_key_victim, NULL, 0, 0, 0, "WORKLOAD or none",
	  "a neighbour: a cgroup beside the storm's running WORKLOAD's "
	  "operations at victim.rate, timed, alone for victim.baseline first "
	  "(default none)" },
	{ "victim.workers", key_int, NULL, AT(victim.workers), 1, 64, "N",
	  "the neighbour's workers (default 1)" },
	{ "victim.rate", key_int, NULL, AT(victim.rate), 1, 100000, "N",
	  "operations per second of each (default 200)" },
	{ "victim.baseline", key_duration, NULL, AT(victim.baseline_ms), 0, 0,
	  DUR, "how long it runs alone before the storm (default 2s)" },
	{ "victim.memory.max", key_size, NULL, AT(victim.limits.max), 0, 0,
	  "SIZE", "its memory.max (default none)" },
	{ "victim.memory.low", key_size, NULL, AT(victim.limits.low), 0, 0,
	  "SIZE", "its v2 memory.low, also set on the cgroups above it" },
	{ "victim.memory.min", key_size, NULL, AT(victim.limits.min), 0, 0,
	  "SIZE", "its v2 memory.min, also set on the cgroups above it" },
	{ "expect.victim_oom", key_expect, NULL, AT(victim.oom), 0, 0, EXPECT,
	  "the neighbour is OOM-killed (default no)" },
	{ "expect.victim_errors", key_expect, NULL, AT(victim.errors), 0, 0,
	  EXPECT, "the neighbour's operations fail (default no)" },
	{ "expect.victim_reclaimed", key_expect, NULL, AT(victim.reclaimed),
	  0, 0, EXPECT, "the neighbour is reclaimed below its memory.low or "
	  "memory.min (v2 memory.events low; default no)" },
	{ "expect.victim_latency", ks_plan_key_latency, NULL, 0, 0, 0,
	  "FACTOR or none", "the neighbour's p99 latency during the storm at "
	  "most FACTOR times its p99 alone (default none)" },
	{ "mode", key_mode, NULL, 0, 0, 0, "storm or sweep",
	  "a storm of N workers, or a fail-nth sweep (default storm)" },
	{ "inject", key_inject, NULL, 0, 0, 0, "NAME[, NAME...] or none",
	  "fault injectors armed during the storm" },
	{ "memory.max", key_size, NULL, AT(limits.max), 0, 0, "SIZE",
	  "v2 memory.max, v1 memory.limit_in_bytes" },
	{ "memory.high", key_size, NULL, AT(limits.high), 0, 0, "SIZE",
	  "v2 memory.high" },
	{ "memory.swap.max", key_size, NULL, AT(limits.swap_max), 0, 0, "SIZE",
	  "v2 memory.swap.max, v1 memsw = max + this" },
	{ "memory.kmem.limit_in_bytes", key_size, NULL, AT(limits.kmem_max),
	  0, 0, "SIZE", "v1 only, before 5.16" },
	{ "memory.kmem.tcp.limit_in_bytes", key_size, NULL,
	  AT(limits.tcp_max), 0, 0, "SIZE", "v1 only" },
	{ "memory.oom.group", key_bool, NULL, AT(limits.oom_group), 0, 0,
	  "BOOL", "v2: the OOM killer takes the whole cgroup" },
	{ "memory.oom_control", key_bool, NULL, AT(limits.oom_kill_disable),
	  0, 0, "BOOL", "v1: the OOM killer off in the cgroup" },
	{ "expect.limit_hit", key_expect, NULL, AT(expect.limit_hit), 0, 0,
	  EXPECT, "the memory limit is hit" },
	{ "expect.oom_kill", key_expect, NULL, AT(expect.oom_kill), 0, 0,
	  EXPECT, "the memcg OOM killer kills" },
	{ "expect.enomem", key_expect, NULL, AT(expect.enomem), 0, 0, EXPECT,
	  "workers see ENOMEM" },
	{ "expect.kernel_report", key_expect, NULL, AT(expect.kernel_report),
	  0, 0, EXPECT, "a bug-severity kernel report (default no)" },
	{ "expect.enomem_surfaced", key_expect, NULL,
	  AT(expect.enomem_surfaced), 0, 0, EXPECT,
	  "an errno no operation may return under pressure" },
	{ "expect.min_ops", key_int, NULL, AT(expect.min_ops), 0, INT64_MAX,
	  "N", "at least this many successful operations" },
	{ "expect.max_overshoot", key_overshoot, NULL,
	  AT(expect.max_overshoot), 0, 0, "SIZE|auto|none",
	  "peak usage at most this far over memory.max; auto (default): "
	  "the larger of 4M and an eighth of memory.max" },
	{ "allow_report", key_allow_report, NULL, 0, 0, 0,
	  "TITLE[ | TITLE...]",
	  "WARNING titles journaled as known findings that fail nothing, "
	  "not even a sweep" },
	{ "expect.leak", key_expect, NULL, AT(expect.leak), 0, 0, EXPECT,
	  "charges or dying cgroups left after the leak check (default no)" },
	{ "sweep.ops", key_sweep_ops, NULL, 0, 0, 0, "OP[, OP...]",
	  "mode = sweep: only these operations (default all)" },
	{ "sweep.first_n", key_int, NULL, AT(sweep_cfg.first_n), 1, INT32_MAX,
	  "N", "mode = sweep: the first call to fail (default 1)" },
	{ "sweep.max_n", key_int, NULL, AT(sweep_cfg.max_n), 1, INT32_MAX,
	  "N", "mode = sweep: give up on an operation after N (default 10000)" },
	{ "allow_errno.", NULL, key_allow_errno, 0, 0, 0, "ERRNO[ ERRNO...]",
	  "allow_errno.WORKLOAD.OP: the errnos OP may fail with under pressure "
	  "besides ENOMEM, replacing the storm's own" },
	{ NULL },
};

const struct ks_plan_key *ks_plan_key_find(const char *key)
{
	const struct ks_plan_key *k;

	for (k = ks_plan_keys; k->key; k++) {
		size_t n = strlen(k->key);

		if (k->apply_rest ? !strncmp(key, k->key, n) :
				    !strcmp(key, k->key))
			return k;
	}
	return NULL;
}

/* "<workload>.<option>": 1 when key names no workload. */
static int apply_wl_opt(struct ks_scenario *sc, const char *key,
			const char *v, char *err, size_t errlen)
{
	const char *dot = strchr(key, '.');
	const struct ks_workload *wl;
	struct ks_opt_value tmp;
	char wname[KS_NAME_MAX];
	int i;

	if (!dot || dot == key || (size_t)(dot - key) >= sizeof(wname))
		return 1;
	snprintf(wname, sizeof(wname), "%.*s", (int)(dot - key), key);
	wl = ks_workload_find(wname);
	if (!wl)
		return 1;
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

/*
 * Apply one scenario key (from [defaults] or [scenario]).  The workload
 * key has been applied before anything else.  Returns 0 or -1 with err.
 */
int ks_plan_apply_key(struct ks_scenario *sc, const char *key, const char *v,
		      char *err, size_t errlen)
{
	const struct ks_plan_key *k = ks_plan_key_find(key);
	int r;

	if (k && k->apply_rest)
		return k->apply_rest(sc, key + strlen(k->key), v, err, errlen);
	if (k)
		return k->apply ? k->apply(sc, k, v, err, errlen) : 0;
	r = apply_wl_opt(sc, key, v, err, errlen);
	if (r <= 0)
		return r;
	r = apply_inj_opt(sc, key, v, err, errlen);
	if (r <= 0)
		return r;
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
