// SPDX-License-Identifier: GPL-2.0
/* Rerun a journaled scenario until its report comes back (repro.h). */
#include "repro.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fsutil.h"
#include "journal_read.h"
#include "utf8.h"

static const char *str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int ks_repro_title_match(json_t *report, json_t *titles)
{
	json_t *alt = json_object_get(report, "alt_titles");
	size_t i, j;
	json_t *t, *a;

	json_array_foreach(titles, i, t) {
		if (!strcmp(str_of(report, "title"), json_string_value(t)))
			return 1;
		json_array_foreach(alt, j, a)
			if (json_is_string(a) &&
			    !strcmp(json_string_value(a), json_string_value(t)))
				return 1;
	}
	return 0;
}

static int is_scenario(json_t *rec, const char *type, const char *scenario)
{
	return !strcmp(str_of(rec, "type"), type) &&
	       !strcmp(str_of(rec, "scenario"), scenario);
}

/* The report to bring back: named, or the scenario's first bug. */
static json_t *pick_report(json_t *recs, const char *scenario,
			   json_t *want)
{
	size_t i;
	json_t *rec;

	json_array_foreach(recs, i, rec) {
		if (!is_scenario(rec, "kernel_report", scenario))
			continue;
		if (want ? ks_repro_title_match(rec, want) :
		    !strcmp(str_of(rec, "severity"), "bug") &&
		    !json_is_true(json_object_get(rec, "allowed")))
			return rec;
	}
	return NULL;
}

static void set_titles(struct ks_repro_case *c, json_t *report,
		       const char *title)
{
	json_t *alt = json_object_get(report, "alt_titles");
	const char *site;
	size_t i;
	json_t *a;

	c->titles = json_array();
	snprintf(c->title, sizeof(c->title), "%s",
		 report ? str_of(report, "title") : title);
	json_array_append_new(c->titles, ks_json_text(c->title));
	json_array_foreach(alt, i, a)
		if (json_is_string(a))
			json_array_append(c->titles, a);
	if (title && strcmp(title, c->title))
		json_array_append_new(c->titles, ks_json_text(title));
	site = str_of(json_object_get(report, "context"), "site");
	/* A function the stack filter can take, not "?" or an address. */
	if ((isalpha((unsigned char)*site) || *site == '_') &&
	    strspn(site, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.") == strlen(site))
		snprintf(c->site, sizeof(c->site), "%s", site);
}

/* The sweep step whose reports hold the title, if it was a sweep's. */
static void find_step(struct ks_repro_case *c, json_t *recs)
{
	size_t i, j;
	json_t *rec, *t;

	json_array_foreach(recs, i, rec) {
		if (!is_scenario(rec, "sweep_step", c->scenario))
			continue;
		json_array_foreach(json_object_get(rec, "reports"), j, t) {
			json_t *probe = json_pack("{s:O}", "title", t);
			int hit = ks_repro_title_match(probe, c->titles);

			json_decref(probe);
			if (!hit)
				continue;
			snprintf(c->sweep_op, sizeof(c->sweep_op), "%s",
				 str_of(rec, "op"));
			c->sweep_n = json_integer_value(json_object_get(rec,
									"n"));
			return;
		}
	}
}

static void find_guest(struct ks_repro_case *c, json_t *recs)
{
	json_t *end = ks_journal_find(recs, "vm_end", NULL);

	if (!end)
		return;
	c->guest = 1;
	snprintf(c->kernel, sizeof(c->kernel), "%s", str_of(end, "kernel"));
	snprintf(c->append, sizeof(c->append), "%s", str_of(end, "append"));
}

int ks_repro_load(struct ks_repro_case *c, const char *journal,
		  const char *scenario, const char *title, char *err,
		  size_t errlen)
{
	json_t *recs, *start, *sstart, *report, *armed, *want = NULL;
	const char *text;
	char seed[32];
	int trunc, r = -1;

	memset(c, 0, sizeof(*c));
	snprintf(c->journal, sizeof(c->journal), "%s", journal);
	snprintf(c->scenario, sizeof(c->scenario), "%s", scenario);
	recs = ks_journal_load(journal, &trunc, err, errlen);
	if (!recs)
		return -1;
	start = ks_journal_find(recs, "run_start", NULL);
	text = str_of(json_object_get(start, "plan"), "text");
	sstart = ks_journal_find(recs, "scenario_start", "scenario", scenario,
				 NULL);
	if (!*text || !sstart) {
		snprintf(err, errlen, "%s: no %s", journal, *text ?
			 "scenario_start of that scenario" :
			 "run_start with the plan's text");
		goto out;
	}
	if (title)
		want = json_pack("[s]", title);
	report = pick_report(recs, scenario, want);
	if (!report && !title) {
		snprintf(err, errlen, "%s: scenario %s has no kernel report of severity bug: name the title to bring back with --title",
			 journal, scenario);
		goto out;
	}
	set_titles(c, report, title);
	find_step(c, recs);
	find_guest(c, recs);
	armed = ks_journal_find(recs, "inject_armed", "scenario", scenario,
				NULL);
	c->armed = json_incref(json_object_get(armed, "knobs"));
	snprintf(c->release, sizeof(c->release), "%s",
		 str_of(json_object_get(start, "kernel"), "release"));
	snprintf(c->cmdline, sizeof(c->cmdline), "%s",
		 str_of(json_object_get(start, "kernel"), "cmdline"));
	c->seed = json_integer_value(json_object_get(sstart, "seed"));
	if (ks_rp_from_text(&c->plan, text, scenario, err, errlen))
		goto out;
	/* The journaled seed, drawn or planned: the same choices again. */
	snprintf(seed, sizeof(seed), "%lld", (long long)c->seed);
	if (c->seed && ks_rp_set(&c->plan, "seed", seed)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	r = 0;
out:
	json_decref(want);
	json_decref(recs);
	if (r)
		ks_repro_case_free(c);
	return r;
}

void ks_repro_case_free(struct ks_repro_case *c)
{
	ks_rp_free(&c->plan);
	json_decref(c->titles);
	json_decref(c->armed);
	c->titles = c->armed = NULL;
}

int ks_repro_open(struct ks_repro *r, const char *outdir, char *err,
		  size_t errlen)
{
	char path[PATH_MAX + 32];
	int e;

	snprintf(r->outdir, sizeof(r->outdir), "%s", outdir);
	e = ks_mkdirs(outdir, 0755);
	if (e) {
		snprintf(err, errlen, "%s: %s", outdir, strerror(-e));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/reproduce.jsonl", outdir);
	if (ks_journal_open(&r->log, path, err, errlen))
		return -1;
	r->t0_ns = ks_now_ns();
	return 0;
}

void ks_repro_close(struct ks_repro *r)
{
	ks_journal_close(&r->log);
}

/* The titles of the run's reports of severity bug, and whether one hit. */
static int scan_run(const char *journal, json_t *titles, json_t *seen)
{
	char err[256];
	json_t *recs = ks_journal_load(journal, &(int){ 0 }, err, sizeof(err));
	size_t i;
	json_t *rec;
	int hit = 0;

	json_array_foreach(recs, i, rec) {
		if (strcmp(str_of(rec, "type"), "kernel_report"))
			continue;
		if (ks_repro_title_match(rec, titles))
			hit = 1;
		else if (strcmp(str_of(rec, "severity"), "bug"))
			continue;
		json_array_append_new(seen, ks_json_text(str_of(rec, "title")));
	}
	json_decref(recs);
	return hit;
}

/* "workers = 1" -> "workers-1": a directory name. */
static void slug(const char *phase, char *out, size_t len)
{
	size_t i, n = 0;

	for (i = 0; phase[i] && n + 1 < len && n < 40; i++) {
		char ch = phase[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == '_')
			out[n++] = ch;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

/*
 * A journal from before seeds were journaled: the first run that brings
 * the title back gives its drawn seed to every later one, so minimising
 * keeps the choices that crashed.
 */
static void adopt_seed(struct ks_repro *r, const char *journal)
{
	char err[256], seed[32];
	json_t *recs, *st;

	if (r->c.seed)
		return;
	recs = ks_journal_load(journal, &(int){ 0 }, err, sizeof(err));
	st = recs ? ks_journal_find(recs, "scenario_start", NULL) : NULL;
	r->c.seed = json_integer_value(json_object_get(st, "seed"));
	json_decref(recs);
	snprintf(seed, sizeof(seed), "%lld", (long long)r->c.seed);
	if (r->c.seed && !ks_rp_set(&r->c.plan, "seed", seed))
		fprintf(stderr, "kmemstorm: reproduce: the journal has no seed; keeping the one of run %d (%s)\n",
			r->ntry, seed);
}

static int one_try(struct ks_repro *r, const struct ks_repro_plan *rp,
		   const char *phase, int try, char *err, size_t errlen)
{
	char dir[PATH_MAX], plan[PATH_MAX + 16], out[PATH_MAX + 16];
	char journal[PATH_MAX + 48], name[48];
	int64_t t0 = ks_now_ns();
	json_t *seen = json_array(), *rec;
	int code, hit, e;

	slug(phase, name, sizeof(name));
	snprintf(dir, sizeof(dir), "%s/%03d-%s", r->outdir, ++r->ntry, name);
	snprintf(plan, sizeof(plan), "%s/plan", dir);
	snprintf(out, sizeof(out), "%s/run", dir);
	snprintf(journal, sizeof(journal), "%s/journal.jsonl", out);
	e = ks_mkdirs(dir, 0755);
	if (e || ks_rp_write(rp, plan, err, errlen)) {
		if (e)
			snprintf(err, errlen, "%s: %s", dir, strerror(-e));
		json_decref(seen);
		return -1;
	}
	fprintf(stderr, "kmemstorm: reproduce: run %d (%s, try %d)...\n",
		r->ntry, phase, try);
	code = r->run(plan, out, r->run_arg);
	hit = scan_run(journal, r->c.titles, seen);
	rec = json_pack("{s:s, s:I, s:o, s:i, s:i, s:o, s:o, s:i, s:b, s:o, s:f}",
			"type", "reproduce_try", "t_ms",
			(json_int_t)((ks_now_ns() - r->t0_ns) / 1000000),
			"phase", ks_json_text(phase), "run", r->ntry,
			"try", try, "plan", ks_json_text(plan), "journal",
			ks_json_text(journal), "exit", code, "reproduced",
			hit, "reports", seen,
			"seconds", (ks_now_ns() - t0) / 1e9);
	ks_journal_write(&r->log, rec);
	ks_journal_sync(&r->log);
	fprintf(stderr, "kmemstorm: reproduce: run %d: %s in %.0f s\n",
		r->ntry, hit ? "the title came back" : "not reproduced",
		(ks_now_ns() - t0) / 1e9);
	if (hit) {
		snprintf(r->last_journal, sizeof(r->last_journal), "%s",
			 journal);
		adopt_seed(r, journal);
	}
	/* Stopped by a signal, or a plan the harness refused: stop here. */
	if (code >= 128 || (code == 2 && !hit && access(journal, R_OK))) {
		snprintf(err, errlen, "run %d exited %d without a journal (%s)",
			 r->ntry, code, out);
		return -1;
	}
	return hit;
}

static int tries_of(struct ks_repro *r, const struct ks_repro_plan *rp,
		    const char *phase, int tries, int all, char *err,
		    size_t errlen)
{
	int t, hit, first = 0;

	r->hits = r->runs = 0;
	for (t = 1; t <= tries; t++) {
		hit = one_try(r, rp, phase, t, err, errlen);
		if (hit < 0)
			return -1;
		r->runs++;
		if (hit) {
			r->hits++;
			if (!first)
				first = t;
			if (!all)
				break;
		}
	}
	return first;
}

int ks_repro_attempt(struct ks_repro *r, const struct ks_repro_plan *rp,
		     const char *phase, int tries, char *err, size_t errlen)
{
	return tries_of(r, rp, phase, tries, 0, err, errlen);
}

int ks_repro_measure(struct ks_repro *r, const struct ks_repro_plan *rp,
		     const char *phase, int runs, char *err, size_t errlen)
{
	return tries_of(r, rp, phase, runs, 1, err, errlen) < 0 ? -1 :
	       r->hits;
}
