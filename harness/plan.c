// SPDX-License-Identifier: GPL-2.0
/*
 * Plan loading.  inih does the INI syntax; this file tracks line numbers
 * (through its own reader, since the packaged inih has no line-number
 * handler), resolves [defaults] into every scenario, and validates every
 * value so that a bad plan is refused before anything is created.
 */
#include "plan.h"
#include "plan_internal.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "units.h"

struct entry {
	int line;
	int section;		/* index into sects */
	char key[96];
	char value[512];
};

struct sect {
	int line;
	char name[128];
};

struct pstate {
	const char *source;
	struct ks_plan_errors *errs;
	const char *text;	/* reader position */
	int line;
	int at_line_start;
	struct sect *sects;
	int nsects;
	struct entry *ents;
	int nents;
	int oom;
};

static void plan_err(struct pstate *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void plan_err(struct pstate *st, int line, const char *fmt, ...)
{
	struct ks_plan_errors *e = st->errs;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e->n >= KS_PLAN_ERRORS) {
		e->dropped++;
		return;
	}
	if (line > 0)
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s:%d: %s",
			 st->source, line, msg);
	else
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s: %s",
			 st->source, msg);
	e->n++;
}

static void *grow(void *p, int n, size_t size, int *oom)
{
	void *q;

	/* Capacity doubles from 16; n is the count before the append. */
	if (n != 0 && (n < 16 || (n & (n - 1))))
		return p;
	q = realloc(p, (size_t)(n ? n * 2 : 16) * size);
	if (!q)
		*oom = 1;
	return q ? q : p;
}

/* Called by inih for each physical line: count lines, note sections. */
static char *reader(char *str, int num, void *stream)
{
	struct pstate *st = stream;
	const char *p = st->text;
	int n = 0;

	if (!*p)
		return NULL;
	if (st->at_line_start) {
		st->line++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			const char *end = strchr(p, ']');
			const char *nl = strchr(p, '\n');

			if (end && (!nl || end < nl) && !st->oom) {
				struct sect *s;

				st->sects = grow(st->sects, st->nsects,
						 sizeof(*st->sects), &st->oom);
				if (!st->oom) {
					s = &st->sects[st->nsects++];
					s->line = st->line;
					snprintf(s->name, sizeof(s->name),
						 "%.*s", (int)(end - p - 1),
						 p + 1);
				}
			}
		}
		p = st->text;
	}
	while (n < num - 1 && p[n] && p[n] != '\n')
		n++;
	if (n < num - 1 && p[n] == '\n')
		n++;
	if (n == num - 1 && p[n] && p[n - 1] != '\n') {
		/*
		 * inih would read the rest of this line as a line of its own:
		 * a comment's tail would become a live key.  Refuse it, and
		 * hand inih an empty line for all of it.
		 */
		plan_err(st, st->line, "line too long (plan lines are at most %d bytes)",
			 num - 2);
		p += strcspn(p, "\n");
		if (*p)
			p++;
		st->text = p;
		st->at_line_start = 1;
		snprintf(str, num, "\n");
		return str;
	}
	memcpy(str, p, n);
	str[n] = '\0';
	st->text = p + n;
	st->at_line_start = n > 0 && str[n - 1] == '\n';
	return str;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct pstate *st = user;
	struct entry *e;

	if (st->oom)
		return 1;
	st->ents = grow(st->ents, st->nents, sizeof(*st->ents), &st->oom);
	if (st->oom)
		return 1;
	e = &st->ents[st->nents++];
	e->line = st->line;
	e->section = st->nsects - 1;	/* -1: before any section */
	snprintf(e->key, sizeof(e->key), "%s", name);
	snprintf(e->value, sizeof(e->value), "%s", value);
	(void)section;
	return 1;
}

/* The value of key in section, or NULL; its line in *line. */
static const char *section_value(struct pstate *st, int section,
				 const char *key, int *line)
{
	int i;

	for (i = 0; i < st->nents; i++)
		if (st->ents[i].section == section &&
		    !strcmp(st->ents[i].key, key)) {
			*line = st->ents[i].line;
			return st->ents[i].value;
		}
	return NULL;
}

/* Set the workload named in section (if any); report errors if asked. */
static int apply_workload(struct pstate *st, int section,
			  struct ks_scenario *sc, int report)
{
	const struct ks_workload *wl;
	const char *name;
	char err[256];
	int line = 0;

	name = section < 0 ? NULL : section_value(st, section, "workload",
						  &line);
	if (!name)
		return 0;
	wl = ks_workload_find(name);
	if (!wl) {
		if (report)
			plan_err(st, line,
				 "unknown workload '%s' (see 'kmemstorm list')",
				 name);
		return -1;
	}
	if (ks_plan_set_workload(sc, wl, err, sizeof(err))) {
		if (report)
			plan_err(st, line, "workload '%s': bad default: %s",
				 wl->name, err);
		return -1;
	}
	return 1;
}

/* Apply every key but "workload" of one section to sc. */
static void apply_section(struct pstate *st, int section,
			  struct ks_scenario *sc, int report)
{
	char err[256];
	int i;

	for (i = 0; i < st->nents; i++) {
		const struct entry *e = &st->ents[i];

		if (e->section != section || !strcmp(e->key, "workload"))
			continue;
		if (ks_plan_apply_key(sc, e->key, e->value, err, sizeof(err)) &&
		    report)
			plan_err(st, e->line, "%s: %s", e->key, err);
	}
}

static void plan_section(struct pstate *st, int section,
			 struct ks_plan *plan)
{
	char err[256];
	int i;

	for (i = 0; i < st->nents; i++) {
		const struct entry *e = &st->ents[i];
		const char *k = e->key, *v = e->value;
		int r = 0;

		if (e->section != section)
			continue;
		if (!strcmp(k, "name")) {
			if (!ks_plan_valid_name(v)) {
				snprintf(err, sizeof(err),
					 "'%s' is not a valid name (letters, digits, '_.-', at most %d)",
					 v, KS_NAME_MAX - 1);
				r = -1;
			} else {
				snprintf(plan->name, sizeof(plan->name), "%s", v);
			}
		} else if (!strcmp(k, "description")) {
			snprintf(plan->description, sizeof(plan->description),
				 "%s", v);
		} else if (!strcmp(k, "sample_interval")) {
			r = ks_parse_duration_ms(v, &plan->sample_ms, err,
						 sizeof(err));
			if (!r && (plan->sample_ms < 10 ||
				   plan->sample_ms > 60000)) {
				snprintf(err, sizeof(err),
					 "'%s' is outside [10ms, 60s]", v);
				r = -1;
			}
		} else if (!strcmp(k, "stop_grace")) {
			r = ks_parse_duration_ms(v, &plan->stop_grace_ms, err,
						 sizeof(err));
		} else if (!strcmp(k, "workdir")) {
			if (v[0] != '/') {
				snprintf(err, sizeof(err),
					 "'%s' is not an absolute path", v);
				r = -1;
			} else {
				snprintf(plan->workdir, sizeof(plan->workdir),
					 "%s", v);
			}
		} else if (!strcmp(k, "kernel")) {
			if (strcmp(v, "plain") && strcmp(v, "debug")) {
				snprintf(err, sizeof(err),
					 "'%s': plain or debug", v);
				r = -1;
			} else {
				snprintf(plan->kernel_flavour,
					 sizeof(plan->kernel_flavour), "%s", v);
			}
		} else if (!strcmp(k, "kmsg_markers")) {
			r = ks_parse_bool(v, &plan->kmsg_markers, err,
					  sizeof(err));
		} else {
			snprintf(err, sizeof(err), "unknown key '%s' in [plan]",
				 k);
			r = -1;
		}
		if (r)
			plan_err(st, e->line, "%s: %s", k, err);
	}
}

static void default_name(struct ks_plan *plan, const char *source)
{
	const char *base = strrchr(source, '/');
	const char *colon = strchr(source, ':');
	size_t n;

	base = base ? base + 1 : colon ? colon + 1 : source;
	n = strcspn(base, ".");
	snprintf(plan->name, sizeof(plan->name), "%.*s",
		 (int)(n < KS_NAME_MAX - 1 ? n : KS_NAME_MAX - 1), base);
	if (!ks_plan_valid_name(plan->name))
		snprintf(plan->name, sizeof(plan->name), "plan");
}

int ks_plan_parse(const char *text, const char *source, struct ks_plan *plan,
		  struct ks_plan_errors *errs)
{
	struct pstate st = { .source = source, .errs = errs, .text = text,
			     .at_line_start = 1 };
	struct ks_scenario dflt;
	char shape_err[256];
	int i, j, r, wline, defaults = -1, plansec = -1, nsc = 0;

	memset(plan, 0, sizeof(*plan));
	memset(errs, 0, sizeof(*errs));
	snprintf(plan->source, sizeof(plan->source), "%s", source);
	plan->sample_ms = 100;
	plan->stop_grace_ms = 2000;
	plan->kmsg_markers = 1;
	snprintf(plan->kernel_flavour, sizeof(plan->kernel_flavour), "plain");
	snprintf(plan->workdir, sizeof(plan->workdir), "/var/tmp");

	r = ini_parse_stream(reader, &st, handler, &st);
	if (st.oom) {
		plan_err(&st, 0, "out of memory while reading the plan");
		goto out;
	}
	if (r > 0)
		plan_err(&st, r,
			 "syntax error (expected '[section]' or 'key = value')");
	else if (r < 0)
		plan_err(&st, 0, "cannot read the plan");

	for (i = 0; i < st.nents; i++)
		if (st.ents[i].section < 0)
			plan_err(&st, st.ents[i].line,
				 "'%s' is outside any section", st.ents[i].key);
	for (i = 0; i < st.nsects; i++) {
		const struct sect *s = &st.sects[i];

		for (j = 0; j < i; j++)
			if (!strcmp(st.sects[j].name, s->name))
				break;
		if (j < i) {
			plan_err(&st, s->line,
				 "duplicate section [%s] (first at line %d)",
				 s->name, st.sects[j].line);
		} else if (!strcmp(s->name, "plan")) {
			plansec = i;
		} else if (!strcmp(s->name, "defaults")) {
			defaults = i;
		} else if (!strncmp(s->name, "scenario ", 9)) {
			if (!ks_plan_valid_name(s->name + 9))
				plan_err(&st, s->line,
					 "'%s' is not a valid scenario name (letters, digits, '_.-', at most %d)",
					 s->name + 9, KS_NAME_MAX - 1);
			nsc++;
		} else {
			plan_err(&st, s->line,
				 "unknown section [%s] (expected [plan], [defaults] or [scenario NAME])",
				 s->name);
		}
	}
	/* Duplicate keys within one section are almost always mistakes. */
	for (i = 0; i < st.nents; i++)
		for (j = 0; j < i; j++)
			if (st.ents[j].section == st.ents[i].section &&
			    !strcmp(st.ents[j].key, st.ents[i].key)) {
				plan_err(&st, st.ents[i].line,
					 "duplicate key '%s' (first at line %d)",
					 st.ents[i].key, st.ents[j].line);
				break;
			}

	if (plansec >= 0)
		plan_section(&st, plansec, plan);
	else
		default_name(plan, source);
	if (!plan->name[0])
		default_name(plan, source);

	/* Report errors of [defaults] once, not once per scenario. */
	if (defaults >= 0) {
		ks_plan_scenario_init(&dflt);
		apply_workload(&st, defaults, &dflt, 1);
		apply_section(&st, defaults, &dflt, 1);
	}
	if (nsc == 0) {
		plan_err(&st, 0, "the plan has no [scenario NAME] section");
		goto out;
	}
	plan->scenarios = calloc(nsc, sizeof(*plan->scenarios));
	if (!plan->scenarios) {
		plan_err(&st, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < st.nsects; i++) {
		struct ks_scenario *sc;
		const struct sect *s = &st.sects[i];

		if (strncmp(s->name, "scenario ", 9))
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(st.sects[j].name, s->name))
				break;
		if (j < i)
			continue;	/* duplicate, reported above */
		sc = &plan->scenarios[plan->nscenarios++];
		ks_plan_scenario_init(sc);
		snprintf(sc->name, sizeof(sc->name), "%s", s->name + 9);
		sc->line = s->line;
		/* The workload first: it decides which options apply. */
		if (apply_workload(&st, i, sc, 1) == 0)
			apply_workload(&st, defaults, sc, 0);
		if (defaults >= 0)
			apply_section(&st, defaults, sc, 0);
		apply_section(&st, i, sc, 1);
		ks_plan_scenario_finish(sc);
		if (!sc->wl && !section_value(&st, i, "workload", &wline) &&
		    (defaults < 0 ||
		     !section_value(&st, defaults, "workload", &wline)))
			plan_err(&st, s->line,
				 "scenario '%s' has no workload (add 'workload = NAME', see 'kmemstorm list')",
				 sc->name);
		if (sc->sweep && sc->wl && !sc->wl->step)
			plan_err(&st, s->line,
				 "scenario '%s': workload '%s' cannot run one operation at a time (mode = sweep)",
				 sc->name, sc->wl->name);
		if (sc->sweep && sc->inject_mask)
			plan_err(&st, s->line,
				 "scenario '%s': mode = sweep arms fail-nth itself; drop 'inject'",
				 sc->name);
		if (sc->sweep && sc->sweep_cfg.first_n > sc->sweep_cfg.max_n)
			plan_err(&st, s->line,
				 "scenario '%s': sweep.first_n is above sweep.max_n",
				 sc->name);
		if (sc->sweep && sc->wl && !sc->sweep_cfg.ops)
			for (j = 0; j < KS_MAX_OPS && sc->wl->ops[j]; j++)
				sc->sweep_cfg.ops |= 1u << j;
		if (ks_plan_shape_check(sc, shape_err, sizeof(shape_err)))
			plan_err(&st, s->line, "scenario '%s': %s", sc->name,
				 shape_err);
		if (sc->limits.max == KS_CG_UNSET && !sc->shape.nmax &&
		    sc->expect.max_overshoot >= 0)
			plan_err(&st, s->line,
				 "scenario '%s': expect.max_overshoot needs memory.max",
				 sc->name);
	}
out:
	free(st.ents);
	free(st.sects);
	if (errs->n || errs->dropped) {
		ks_plan_free(plan);
		return -1;
	}
	plan->text = strdup(text);
	if (!plan->text) {
		ks_plan_free(plan);
		return -1;
	}
	return 0;
}

void ks_plan_free(struct ks_plan *plan)
{
	free(plan->scenarios);
	free(plan->text);
	plan->scenarios = NULL;
	plan->text = NULL;
	plan->nscenarios = 0;
}
