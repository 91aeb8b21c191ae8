// SPDX-License-Identifier: GPL-2.0
/*
 * KCIDB I/O JSON, what KernelCI's KCIDB database ingests: per journal a
 * checkout and a build standing for the kernel that ran (filled in from
 * what the journal knows: its release, the compiler, config and build
 * time scripts/build-kernel recorded, the command line), and a test per
 * scenario.  Schema 5.3, kcidb-io's latest, by default; 4.5 for older
 * consumers (--kcidb-version), whose build says "valid" where 5.x says
 * "status".
 */
#include "report.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The versions written: the first is the default. */
static const struct { const char *name; int major, minor; } versions[] = {
	{ "5.3", 5, 3 },
	{ "4.5", 4, 5 },
};
static int version;	/* index in versions[] */

int ks_report_kcidb_version(const char *v, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (!strcmp(v, versions[i].name)) {
			version = (int)i;
			return 0;
		}
	snprintf(err, errlen, "KCIDB version '%s': 5.3 or 4.5", v);
	return -1;
}
/* The schema's maxLength for log_excerpt, in characters. */
#define EXCERPT_MAX 16384

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, ks_json_text(s));
}

/*
 * The part of every id after "kmemstorm:": the run's start time, pid
 * and plan, which name the run for a reader, and a hash of its whole
 * run_start record, which tells apart guests of one 'kmemstorm vm' that
 * started in the same second with the same pid. The record never
 * changes, so neither does the id: a report made twice is the same.
 */
static void run_key(const struct ks_run_view *v, char *buf, size_t len)
{
	char *dump = json_dumps(v->run_start, JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	const char *p;

	for (p = dump ? dump : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	free(dump);
	snprintf(buf, len, "%s:%lld:%s:%08llx",
		 ks_jstr(v->run_start, "time", "unknown"),
		 ks_jint(v->run_start, "pid", -1), v->plan,
		 (unsigned long long)(h & 0xffffffff));
}

/* A path element: the schema allows [.a-zA-Z0-9_-] only. */
static void path_part(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = strchr("._-", src[i]) ||
			 (src[i] >= 'a' && src[i] <= 'z') ||
			 (src[i] >= 'A' && src[i] <= 'Z') ||
			 (src[i] >= '0' && src[i] <= '9') ? src[i] : '_';
	dst[i] = '\0';
}

/*
 * When the scenario started: the run's wall clock plus the monotonic
 * t_ms of its scenario_start. 0 when either is unknown.
 */
static int start_time(const struct ks_run_view *v,
		      const struct ks_scn_view *s, char *buf, size_t len)
{
	long long t_ms = ks_jint(s->start, "t_ms", -1);
	const char *iso = ks_jstr(v->run_start, "time", NULL);
	struct tm tm = { 0 };
	time_t t;

	if (t_ms < 0 || !iso ||
	    sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm) + (time_t)(t_ms / 1000);
	if (!gmtime_r(&t, &tm))
		return 0;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03lld+00:00",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, t_ms % 1000);
	return 1;
}

static const char *kcidb_status(const char *verdict)
{
	if (!strcmp(verdict, "pass"))
		return "PASS";
	if (!strcmp(verdict, "fail"))
		return "FAIL";
	if (!strcmp(verdict, "error"))
		return "ERROR";
	return "SKIP";	/* skip, and not run: the run ended before it */
}

/* scripts/build-kernel's record of the guest's kernel (vm_end), if any. */
static json_t *kernel_build(const struct ks_run_view *v)
{
	return v->vm_end ? json_object_get(v->vm_end, "kernel_build") : NULL;
}

static json_t *checkout_of(const struct ks_run_view *v, const char *id)
{
	const char *rel = ks_jstr(v->run_start, "kernel.release", NULL);
	const char *src = ks_jstr(kernel_build(v), "source", NULL);
	json_t *c = json_pack("{s:o, s:s, s:b, s:{}}", "id", ks_json_text(id),
			      "origin", "kmemstorm", "valid", 1, "misc");
	char buf[512];

	if (!c)
		return NULL;
	/* No tree or commit: a release, and the source it was built from. */
	if (rel) {
		snprintf(buf, sizeof(buf), "Linux %s%s%s", rel,
			 src ? " from " : "", src ? src : "");
		set_str(c, "comment", buf);
	}
	ks_jcopy(json_object_get(c, "misc"), "kernel_release",
		 ks_jget(v->run_start, "kernel.release"));
	ks_jcopy(json_object_get(c, "misc"), "source",
		 json_object_get(kernel_build(v), "source"));
	return c;
}

/* "gcc (Debian 12.2.0-14) 12.2.0" from /proc/version's banner. */
static void banner_compiler(const char *banner, char *buf, size_t len)
{
	const char *p = banner ? strstr(banner, ") (") : NULL;
	size_t n;

	buf[0] = '\0';
	if (!p)
		return;
	p += 3;
	n = strcspn(p, ",");
	if (n && n < len && p[n] == ',')
		snprintf(buf, len, "%.*s", (int)n, p);
}

/*
 * scripts/build-kernel's config: tinyconfig, kvm_guest.config, then each
 * fragment (space-separated paths), by file name; the flavour after.
 */
static void config_name(const char *frag, const char *fl, char *buf,
			size_t len)
{
	size_t n = snprintf(buf, len, "tinyconfig+kvm_guest.config");
	const char *p = frag ? frag : "";

	while (*p && n < len) {
		size_t w = strcspn(p, " "), b = w;

		while (b && p[b - 1] != '/')
			b--;
		if (w)
			n += snprintf(buf + n, len - n, "+%.*s",
				      (int)(w - b), p + b);
		p += w + strspn(p + w, " ");
	}
	if (fl && n < len)
		snprintf(buf + n, len - n, " (%s)", fl);
}

/* Build fields both versions have, from scripts/build-kernel's record. */
static void build_fields(json_t *b, const struct ks_run_view *v)
{
	json_t *kb = kernel_build(v);
	const char *fl = ks_jstr(kb, "flavour", NULL);
	const char *frag = ks_jstr(kb, "fragments", NULL);
	char buf[512];
	double secs;

	if (ks_jstr(kb, "compiler", NULL)) {
		set_str(b, "compiler", ks_jstr(kb, "compiler", NULL));
	} else {
		banner_compiler(ks_jstr(v->run_start, "kernel.banner", NULL),
				buf, sizeof(buf));
		if (buf[0])
			set_str(b, "compiler", buf);
	}
	if (fl || frag) {
		config_name(frag, fl, buf, sizeof(buf));
		set_str(b, "config_name", buf);
		snprintf(buf, sizeof(buf), "scripts/build-kernel --flavour %s",
			 fl ? fl : "plain");
		set_str(b, "command", buf);
	}
	secs = strtod(ks_jstr(kb, "build_seconds", "0"), NULL);
	if (secs > 0)
		json_object_set_new(b, "duration", json_real(secs));
	if (ks_jstr(kb, "built_at", NULL))
		ks_jcopy(json_object_get(b, "misc"), "built_at",
			 json_object_get(kb, "built_at"));
}

static json_t *build_of(const struct ks_run_view *v, const char *id)
{
	const char *arch = ks_jstr(v->run_start, "kernel.machine", NULL);
	json_t *b = json_pack("{s:o, s:o, s:s, s:{}}", "id", ks_json_text(id),
			      "checkout_id", ks_json_text(id), "origin",
			      "kmemstorm", "misc"), *misc;

	if (!b)
		return NULL;
	/* It booted and ran the harness, so it built. */
	if (versions[version].major >= 5)
		json_object_set_new(b, "status", ks_json_text("PASS"));
	else
		json_object_set_new(b, "valid", json_true());
	if (arch && strspn(arch, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
	    strlen(arch))
		set_str(b, "architecture", arch);
	set_str(b, "comment", ks_jstr(v->run_start, "kernel.version", NULL));
	misc = json_object_get(b, "misc");
	ks_jcopy(misc, "kernel_release", ks_jget(v->run_start, "kernel.release"));
	ks_jcopy(misc, "kernel_version", ks_jget(v->run_start, "kernel.version"));
	ks_jcopy(misc, "kernel_machine", ks_jget(v->run_start, "kernel.machine"));
	ks_jcopy(misc, "cmdline", ks_jget(v->run_start, "kernel.cmdline"));
	build_fields(b, v);
	return b;
}

/* Where it ran: the kernel command line, and the guest when there was one. */
static json_t *environment_of(const struct ks_run_view *v)
{
	json_t *env = json_pack("{s:{}}", "misc"), *misc;
	char buf[160];

	if (!env)
		return NULL;
	misc = json_object_get(env, "misc");
	ks_jcopy(misc, "cmdline", ks_jget(v->run_start, "kernel.cmdline"));
	ks_jcopy(misc, "cgroup", ks_jget(v->run_start, "cgroup.version"));
	ks_jcopy(misc, "tainted_at_start",
	     ks_jget(v->run_start, "kernel.tainted"));
	if (v->vm_end) {
		snprintf(buf, sizeof(buf), "QEMU guest (%s), %lld MiB, %lld CPUs",
			 ks_jstr(v->vm_end, "accel", "?"),
			 ks_jint(v->vm_end, "memory_mb", -1),
			 ks_jint(v->vm_end, "cpus", -1));
		set_str(env, "comment", buf);
		ks_jcopy(misc, "guest_outcome", json_object_get(v->vm_end,
							   "outcome"));
	}
	return env;
}

/* The figures of the scenario the journal has, by their journal names. */
static json_t *misc_of(const struct ks_run_view *v,
		       const struct ks_scn_view *s, json_t *reasons)
{
	json_t *e = s->end, *m = json_object(), *titles, *info, *r;
	const char *k;
	size_t i;

	if (!m)
		return NULL;
	set_str(m, "journal", v->path);
	set_str(m, "verdict", s->verdict);
	ks_jcopy(m, "workload", ks_scn_workload(s));
	json_object_set(m, "reasons", reasons);
	ks_jcopy(m, "duration_ms", json_object_get(e, "duration_ms"));
	ks_jcopy_figures(m, e);
	titles = ks_scn_bug_titles(s);
	json_object_set_new(m, "kernel_reports", titles);
	/* A storm journals hundreds of equal OOM reports: each title once. */
	info = json_object();
	json_array_foreach(s->reports, i, r)
		if (!strcmp(ks_jstr(r, "severity", ""), "info") &&
		    ks_jstr(r, "title", NULL))
			json_object_set_new(info, ks_jstr(r, "title", ""),
					    json_true());
	titles = json_array();
	json_object_foreach(info, k, r)
		json_array_append_new(titles, ks_json_text(k));
	json_decref(info);
	json_object_set_new(m, "info_reports", titles);
	ks_jcopy(m, "info_report_count", json_object_get(e, "info_reports"));
	return m;
}

static json_t *test_of(const struct ks_run_view *v,
		       const struct ks_scn_view *s, const char *key,
		       const char *build_id)
{
	char id[640], path[512], plan[200], scn[200], when[64];
	json_t *t, *reasons, *x;
	char *log, *clean;

	path_part(plan, sizeof(plan), v->plan);
	path_part(scn, sizeof(scn), s->name);
	snprintf(id, sizeof(id), "kmemstorm:%s:%s", key, s->name);
	snprintf(path, sizeof(path), "kmemstorm.%s.%s", plan, scn);
	t = json_pack("{s:o, s:o, s:s, s:o, s:o}", "id", ks_json_text(id),
		      "build_id",
		      ks_json_text(build_id), "origin", "kmemstorm", "path",
		      ks_json_text(path),
		      "status", ks_json_text(kcidb_status(s->verdict)));
	if (!t)
		return NULL;
	reasons = json_object_get(s->end, "reasons");
	reasons = json_is_array(reasons) ? json_incref(reasons) :
		  json_pack("[o]", ks_json_text(s->why));
	x = json_array_get(reasons, 0);
	if (strcmp(s->verdict, "pass") && json_is_string(x))
		json_object_set(t, "comment", x);
	if (json_is_integer(json_object_get(s->end, "duration_ms")))
		json_object_set_new(t, "duration", json_real(
			ks_jint(s->end, "duration_ms", 0) / 1000.0));
	if (start_time(v, s, when, sizeof(when)))
		set_str(t, "start_time", when);
	log = ks_scn_log_excerpt(v, s, EXCERPT_MAX);
	/*
	 * At most EXCERPT_MAX bytes, so at most as many characters once
	 * cleaned: each byte that is not UTF-8 becomes one U+FFFD.
	 */
	clean = log ? ks_utf8_clean(log) : NULL;
	if (clean && *clean)
		set_str(t, "log_excerpt", clean);
	free(log);
	free(clean);
	json_object_set_new(t, "environment", environment_of(v));
	json_object_set_new(t, "misc", misc_of(v, s, reasons));
	json_decref(reasons);
	return t;
}

static int add_run(json_t *doc, const struct ks_run_view *v)
{
	char key[512], id[600];
	size_t i;

	run_key(v, key, sizeof(key));
	snprintf(id, sizeof(id), "kmemstorm:%s", key);
	if (json_array_append_new(json_object_get(doc, "checkouts"),
				  checkout_of(v, id)) ||
	    json_array_append_new(json_object_get(doc, "builds"),
				  build_of(v, id)))
		return -1;
	for (i = 0; i < v->nscn; i++)
		if (json_array_append_new(json_object_get(doc, "tests"),
					  test_of(v, &v->scn[i], key, id)))
			return -1;
	return 0;
}

int ks_report_kcidb(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	json_t *doc = json_pack("{s:{s:i, s:i}, s:[], s:[], s:[]}",
				"version", "major", versions[version].major,
				"minor", versions[version].minor,
				"checkouts", "builds", "tests");
	size_t r;

	for (r = 0; doc && r < nruns; r++)
		if (add_run(doc, &runs[r])) {
			json_decref(doc);
			doc = NULL;
		}
	return ks_report_dump_json(out, doc, "kcidb");
}
