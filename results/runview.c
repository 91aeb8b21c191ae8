// SPDX-License-Identifier: GPL-2.0
#include "runview.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_read.h"
#include "utf8.h"

#define CONSOLE_MAX (64 << 20)

json_t *ks_jget(json_t *o, const char *dotted)
{
	char key[128];
	const char *dot;

	while (o && (dot = strchr(dotted, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - dotted), dotted);
		o = json_object_get(o, key);
		dotted = dot + 1;
	}
	return o ? json_object_get(o, dotted) : NULL;
}

void ks_jcopy(json_t *o, const char *key, json_t *src)
{
	if (src)
		json_object_set(o, key, src);
}

void ks_jcopy_figures(json_t *o, json_t *e)
{
	static const char *const keys[][2] = {
		{ "ops_total", "ops_total" }, { "ops_per_sec", "ops_per_sec" },
		{ "peak", "memcg.peak" }, { "limit", "memcg.limit" },
		{ "limit_hits", "memcg.limit_hits" },
		{ "oom_kills", "memcg.oom_kills" }, { "enomem", "enomem" },
		{ "enomem_surfaced", "enomem_surfaced" },
		{ "enomem_surfaced_first", "enomem_surfaced_first" },
		{ "cut_short", "cut_short" },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ks_jcopy(o, keys[i][0], ks_jget(e, keys[i][1]));
}

long long ks_jint(json_t *o, const char *dotted, long long dflt)
{
	json_t *v = ks_jget(o, dotted);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v)) {
		double d = json_real_value(v);

		/* Out of range (or NaN) the cast is undefined: saturate. */
		if (!(d == d))
			return dflt;
		if (d >= 9.2e18)
			return LLONG_MAX;
		if (d <= -9.2e18)
			return LLONG_MIN;
		return (long long)d;
	}
	return dflt;
}

double ks_jnum(json_t *o, const char *dotted, double dflt)
{
	json_t *v = ks_jget(o, dotted);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *ks_jstr(json_t *o, const char *dotted, const char *dflt)
{
	json_t *v = ks_jget(o, dotted);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

static struct ks_scn_view *scn_get(struct ks_run_view *v, const char *name,
				   int create)
{
	struct ks_scn_view *s;
	size_t i;

	for (i = 0; i < v->nscn; i++)
		if (!strcmp(v->scn[i].name, name))
			return &v->scn[i];
	if (!create)
		return NULL;
	s = realloc(v->scn, (v->nscn + 1) * sizeof(*s));
	if (!s)
		return NULL;
	v->scn = s;
	s = &v->scn[v->nscn++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->index = (int)v->nscn;
	s->samples = json_array();
	s->reports = json_array();
	s->surfaced = json_array();
	s->findings = json_array();
	return s;
}

static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The plan's scenarios first, so those never started are listed too. */
static int add_planned(struct ks_run_view *v)
{
	json_t *sc;
	size_t i;

	json_array_foreach(ks_jget(v->run_start, "plan.scenarios"), i, sc) {
		const char *name = ks_jstr(sc, "name", NULL);
		struct ks_scn_view *s;

		if (!name)
			continue;
		s = scn_get(v, name, 1);
		if (!s)
			return -1;
		s->planned = sc;
	}
	return 0;
}

static int add_record(struct ks_run_view *v, json_t *r)
{
	const char *type = ks_jstr(r, "type", ""), *name;
	struct ks_scn_view *s;

	if (!strcmp(type, "run_start") && !v->run_start) {
		v->run_start = r;
		return add_planned(v);
	}
	if (!strcmp(type, "run_end"))
		v->run_end = r;
	if (!strcmp(type, "vm_end")) {
		v->vm_end = r;
		json_array_append(v->vm_ends, r);
	}
	name = ks_jstr(r, "scenario", NULL);
	if (!name)
		return 0;
	s = scn_get(v, name, 1);
	if (!s)
		return -1;
	if (!strcmp(type, "scenario_start")) {
		s->start = r;
		s->index = (int)ks_jint(r, "index", s->index);
	} else if (!strcmp(type, "scenario_end")) {
		/* The guest's own record wins over the host's stand-in. */
		if (!s->end || !strcmp(ks_jstr(s->end, "source", ""), "host"))
			s->end = r;
	} else if (!strcmp(type, "sample")) {
		json_array_append(s->samples, r);
	} else if (!strcmp(type, "kernel_report")) {
		json_array_append(s->reports, r);
	} else if (!strcmp(type, "enomem_surfaced")) {
		json_array_append(s->surfaced, r);
	} else if (!strcmp(type, "sweep_finding")) {
		json_array_append(s->findings, r);
	}
	return 0;
}

static void settle_verdicts(struct ks_run_view *v)
{
	size_t i;

	for (i = 0; i < v->nscn; i++) {
		struct ks_scn_view *s = &v->scn[i];

		if (s->end) {
			s->verdict = ks_jstr(s->end, "verdict", "error");
		} else if (s->start) {
			s->verdict = "error";
			snprintf(s->why, sizeof(s->why),
				 "no scenario_end: the run was killed or its machine died");
		} else {
			s->verdict = "notrun";
			snprintf(s->why, sizeof(s->why), "never started%s",
				 v->run_end || v->vm_end ?
				 " (the run was interrupted)" :
				 " (the run ended before it)");
		}
	}
}

static int cmp_pos(const void *a, const void *b)
{
	const json_t *x = ((const struct ks_rec_pos *)a)->rec;
	const json_t *y = ((const struct ks_rec_pos *)b)->rec;

	return (x > y) - (x < y);
}

/* A dropped cut-off line can only be the last: index + 1 is the line. */
static int index_lines(struct ks_run_view *v)
{
	size_t i, n = json_array_size(v->recs);

	v->pos = calloc(n ? n : 1, sizeof(*v->pos));
	if (!v->pos)
		return -1;
	for (i = 0; i < n; i++) {
		v->pos[i].rec = json_array_get(v->recs, i);
		v->pos[i].line = (int)i + 1;
	}
	qsort(v->pos, n, sizeof(*v->pos), cmp_pos);
	return 0;
}

int ks_rec_line(const struct ks_run_view *v, const json_t *rec)
{
	struct ks_rec_pos key = { .rec = rec }, *p;

	if (!v->pos || !rec)
		return 0;
	p = bsearch(&key, v->pos, json_array_size(v->recs), sizeof(key),
		    cmp_pos);
	return p ? p->line : 0;
}

/* Exit codes of a run's guests: the worse of two, "all skipped" least. */
static int worse_code(int a, int b)
{
	if (a < 0 || a == 4)
		return b;
	if (b < 0 || b == 4)
		return a < 0 ? b : a;
	return a > b ? a : b;
}

static void settle_exit_code(struct ks_run_view *v)
{
	json_t *e;
	size_t i;

	v->exit_code = (int)ks_jint(v->run_end, "exit_code", -1);
	if (!json_array_size(v->vm_ends))
		return;
	v->exit_code = -1;
	json_array_foreach(v->vm_ends, i, e)
		v->exit_code = worse_code(v->exit_code,
					  (int)ks_jint(e, "exit_code", -1));
}

int ks_run_view_load(const char *path, struct ks_run_view *v, char *err,
		     size_t errlen)
{
	char con[sizeof(v->path) + 16], *slash;
	json_t *r;
	size_t i;

	memset(v, 0, sizeof(*v));
	snprintf(v->path, sizeof(v->path), "%s", path);
	v->vm_ends = json_array();
	v->recs = ks_journal_load(path, &v->truncated, err, errlen);
	if (!v->recs)
		goto fail;
	if (!json_array_size(v->recs) ||
	    strcmp(ks_jstr(json_array_get(v->recs, 0), "type", ""),
		   "run_start")) {
		snprintf(err, errlen, "%s: not a kmemstorm journal (no run_start first)",
			 path);
		goto fail;
	}
	json_array_foreach(v->recs, i, r)
		if (add_record(v, r)) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto fail;
		}
	if (index_lines(v)) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	v->plan = ks_jstr(v->run_start, "plan.name", "unknown");
	settle_verdicts(v);
	settle_exit_code(v);
	snprintf(con, sizeof(con), "%s", path);
	slash = strrchr(con, '/');
	snprintf(slash ? slash + 1 : con,
		 sizeof(con) - (slash ? (size_t)(slash + 1 - con) : 0),
		 "console.log");
	v->console = slurp(con, CONSOLE_MAX);
	return 0;
fail:
	ks_run_view_free(v);
	return -1;
}

void ks_run_view_free(struct ks_run_view *v)
{
	size_t i;

	for (i = 0; i < v->nscn; i++) {
		json_decref(v->scn[i].samples);
		json_decref(v->scn[i].reports);
		json_decref(v->scn[i].surfaced);
		json_decref(v->scn[i].findings);
	}
	free(v->scn);
	free(v->console);
	free(v->pos);
	json_decref(v->recs);
	json_decref(v->vm_ends);
	memset(v, 0, sizeof(*v));
}

/* The last "kmemstorm: scenario NAME start" line and what follows it. */
static const char *console_span(const char *con, const char *name,
				size_t *len)
{
	char start[192], end[192];
	const char *p, *b = NULL, *e;

	snprintf(start, sizeof(start), "kmemstorm: scenario %s start", name);
	snprintf(end, sizeof(end), "kmemstorm: scenario %s end", name);
	for (p = con; (p = strstr(p, start)); p++) {
		const char *after = p + strlen(start);

		if (*after == '\r' || *after == '\n' || !*after)
			b = p;
	}
	if (!b)
		return NULL;
	while (b > con && b[-1] != '\n')
		b--;
	e = strstr(b, end);
	if (e) {
		e = strchr(e, '\n');
		e = e ? e + 1 : b + strlen(b);
	} else {
		e = b + strlen(b);
	}
	*len = (size_t)(e - b);
	return b;
}

char *ks_scn_log_excerpt(const struct ks_run_view *v,
			 const struct ks_scn_view *s, size_t max_bytes)
{
	const char *span = NULL;
	size_t len = 0, i, o = 0;
	char *out;
	json_t *r;

	if (v->console)
		span = console_span(v->console, s->name, &len);
	if (span) {
		if (len > max_bytes) {
			span += len - max_bytes;
			len = max_bytes;
			while (len && span[-1] != '\n') {
				span++;
				len--;
			}
		}
		out = malloc(len + 1);
		if (!out)
			return NULL;
		for (i = 0; i < len; i++)
			if (span[i] != '\r')
				out[o++] = span[i];
		out[o] = '\0';
		return out;
	}
	/* No console (a run on this machine): the journaled report texts. */
	out = malloc(max_bytes + 1);
	if (!out)
		return NULL;
	out[0] = '\0';
	json_array_foreach(s->reports, i, r) {
		int n = snprintf(out + o, max_bytes + 1 - o, "%s\n",
				 ks_jstr(r, "text", ks_jstr(r, "title", "")));

		if (n < 0 || (size_t)n >= max_bytes + 1 - o) {
			o = max_bytes;
			break;
		}
		o += (size_t)n;
	}
	out[o] = '\0';
	return out;
}

json_t *ks_scn_titles(const struct ks_scn_view *s, const char *severity)
{
	json_t *titles = json_array(), *r, *t;
	size_t i, j;

	json_array_foreach(s->reports, i, r) {
		const char *title = ks_jstr(r, "title", NULL);
		int dup = 0;

		if (!title || strcmp(ks_jstr(r, "severity", ""), severity))
			continue;
		json_array_foreach(titles, j, t)
			dup |= !strcmp(json_string_value(t), title);
		if (!dup)
			json_array_append_new(titles, ks_json_text(title));
	}
	return titles;
}

json_t *ks_scn_workload(const struct ks_scn_view *s)
{
	json_t *w = json_object_get(s->end, "workload");

	if (!w)
		w = json_object_get(s->start, "workload");
	if (!w)
		w = json_object_get(s->planned, "workload");
	return w;
}

json_t *ks_scn_bug_titles(const struct ks_scn_view *s)
{
	return ks_scn_titles(s, "bug");
}

int ks_reasons_name_report(json_t *reasons, const char *title)
{
	json_t *x;
	size_t i;

	json_array_foreach(reasons, i, x) {
		const char *r = json_string_value(x);

		if (r && !strncmp(r, "kernel report: ", 15) &&
		    !strcmp(r + 15, title))
			return 1;
	}
	return 0;
}

static int add_view(const char *path, struct ks_run_view **out, size_t *n,
		    char *err, size_t errlen)
{
	struct ks_run_view *v = realloc(*out, (*n + 1) * sizeof(**out));

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = v;
	if (ks_run_view_load(path, &v[*n], err, errlen))
		return -1;
	(*n)++;
	return 0;
}

int ks_run_views_load_args(char **args, int nargs, struct ks_run_view **out,
			   size_t *nout, char *err, size_t errlen)
{
	char path[4200];
	struct stat st;
	glob_t g;
	size_t j;
	int i, rc;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < nargs; i++) {
		if (stat(args[i], &st)) {
			snprintf(err, errlen, "%s: %s", args[i], strerror(errno));
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (add_view(args[i], out, nout, err, errlen))
				goto fail;
			continue;
		}
		snprintf(path, sizeof(path), "%s/journal.jsonl", args[i]);
		if (!access(path, F_OK)) {
			if (add_view(path, out, nout, err, errlen))
				goto fail;
			continue;
		}
		snprintf(path, sizeof(path), "%s/*/journal.jsonl", args[i]);
		rc = glob(path, 0, NULL, &g);
		if (rc) {
			snprintf(err, errlen, "%s: no journal.jsonl in it or its subdirectories",
				 args[i]);
			goto fail;
		}
		for (j = 0; j < g.gl_pathc; j++)
			if (add_view(g.gl_pathv[j], out, nout, err, errlen)) {
				globfree(&g);
				goto fail;
			}
		globfree(&g);
	}
	return 0;
fail:
	ks_run_views_free(*out, *nout);
	*out = NULL;
	*nout = 0;
	return -1;
}

void ks_run_views_free(struct ks_run_view *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ks_run_view_free(&v[i]);
	free(v);
}
