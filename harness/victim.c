// SPDX-License-Identifier: GPL-2.0
/*
 * The neighbour: its own cgroup beside the storm's, its own workload
 * state, workers paced at victim.rate that time every operation into a
 * histogram per phase (alone, then storm) in memory shared with the
 * harness.  Latencies are kept in buckets of a quarter of a power of two
 * (19% wide): a p99 is known to within that, for any number of
 * operations, at no cost to the worker.
 */
#include "victim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "errnoset.h"
#include "fsutil.h"
#include "memcg_json.h"
#include "utf8.h"
#include "worker.h"

#define LAT_BUCKETS	(4 * 40)	/* 1 µs to 2^40 µs */
#define PHASES		2		/* alone, storm */

struct lat_shared {
	volatile int phase;
	/* [worker][phase][bucket]: one writer each, no atomics needed */
	uint64_t hist[][PHASES][LAT_BUCKETS];
};

struct ks_victim {
	const struct ks_scenario *sc;
	struct ks_cgroup *run, *parent;
	struct ks_cgroup cg;
	int protected_run;		/* memory.low/min written on run */
	struct ks_wl_ctx ctx;
	int setup_done;
	struct ks_crew crew;
	struct lat_shared *lat;
	size_t lat_len;
	char buf[4096];
	int64_t current_min, current_max, low0, low_now, ooms, current;
	int64_t start_ns, storm_ns, stop_ns;
};

/* Bucket of a latency: four per power of two of microseconds. */
static int lat_bucket(int64_t ns)
{
	uint64_t us = ns > 0 ? (uint64_t)ns / 1000 : 0;
	int e;

	if (us < 4)
		return (int)us;
	e = 63 - __builtin_clzll(us);
	e = 4 * e + (int)((us >> (e - 2)) & 3) - 4;
	return e < LAT_BUCKETS ? e : LAT_BUCKETS - 1;
}

/* The smallest latency of bucket b, in microseconds. */
static int64_t bucket_us(int b)
{
	int e;

	if (b < 4)
		return b;
	e = (b + 4) / 4;
	return (int64_t)(4 + (b + 4) % 4) << (e - 2);
}

/* A victim worker: one operation, timed, then a wait for its next turn. */
static int victim_run(struct ks_wl_ctx *ctx, void *arg)
{
	struct ks_victim *v = arg;
	const struct ks_workload *wl = ctx->wl;
	int64_t period = 1000000000LL / v->sc->victim.rate, next, t0, t1;
	uint64_t w[KS_MAX_OPS] = { 0 };
	struct ks_mix mix;
	void *st;

	wl->weights(ctx, w);
	if (ks_mix_init(&mix, w, KS_MAX_OPS, ctx))
		return 1;
	st = wl->begin(ctx);
	if (!st)
		return ks_should_stop(ctx) ? 0 : 1;
	next = ks_now_ns();
	while (!ks_should_stop(ctx)) {
		int phase = v->lat->phase ? 1 : 0;

		t0 = ks_now_ns();
		wl->step(st, ks_mix_pick(&mix));
		t1 = ks_now_ns();
		v->lat->hist[ctx->worker][phase][lat_bucket(t1 - t0)]++;
		next += period;
		if (next > t1) {
			struct timespec ts = { .tv_sec = (next - t1) / 1000000000,
					       .tv_nsec = (next - t1) % 1000000000 };

			nanosleep(&ts, NULL);
		} else {
			next = t1;	/* behind: no burst to catch up */
		}
	}
	wl->end(st);
	return 0;
}

/* memory.low/min on a cgroup above the victim: protection reaches it. */
static int protect(struct ks_cgroup *cg, const struct ks_cg_limits *vl,
		   int on, char *err, size_t errlen)
{
	struct ks_cg_limits lim;

	ks_cg_limits_init(&lim);
	lim.low = vl->low < 0 ? -1 : on ? vl->low : 0;
	lim.min = vl->min < 0 ? -1 : on ? vl->min : 0;
	if (lim.low < 0 && lim.min < 0)
		return 0;
	return ks_cg_set_limits(cg, &lim, err, errlen);
}

static int make_cgroup(struct ks_victim *v, const struct ks_cg_root *root,
		       char *err, size_t errlen)
{
	const struct ks_cg_limits *vl = &v->sc->victim.limits;

	if (ks_cg_check_limits(root, vl, err, errlen) ||
	    ks_cg_create(root, v->parent, "victim", &v->cg, err, errlen) ||
	    ks_cg_set_limits(&v->cg, vl, err, errlen))
		return -1;
	if (protect(v->parent, vl, 1, err, errlen))
		return -1;
	v->protected_run = 1;
	return protect(v->run, vl, 1, err, errlen);
}

static int start_workers(struct ks_victim *v, const char *workdir,
			 char *err, size_t errlen)
{
	const struct ks_victim_cfg *c = &v->sc->victim;
	int r, i;

	v->ctx.wl = c->wl;
	v->ctx.scenario = v->sc->name;
	v->ctx.opt = c->opt;
	v->ctx.nworkers = c->workers;
	snprintf(v->ctx.workdir, sizeof(v->ctx.workdir), "%s", workdir);
	if (mkdir(v->ctx.workdir, 0700)) {
		snprintf(err, errlen, "%s: %s", workdir, strerror(errno));
		v->ctx.workdir[0] = '\0';
		return -1;
	}
	v->setup_done = 1;
	if (c->wl->setup && c->wl->setup(&v->ctx)) {
		snprintf(err, errlen, "victim %s setup: %s", c->wl->name,
			 v->ctx.err[0] ? v->ctx.err : "failed");
		return -1;
	}
	v->lat_len = sizeof(*v->lat) + (size_t)c->workers *
		     sizeof(v->lat->hist[0]);
	v->lat = mmap(NULL, v->lat_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (v->lat == MAP_FAILED) {
		v->lat = NULL;
		snprintf(err, errlen, "victim: %s", strerror(errno));
		return -1;
	}
	memset(v->lat, 0, v->lat_len);
	r = ks_crew_init(&v->crew, c->workers, &v->ctx);
	if (r) {
		snprintf(err, errlen, "victim workers: %s", strerror(-r));
		return -1;
	}
	v->crew.run = victim_run;
	v->crew.run_arg = v;
	/* It runs until it is stopped, after the storm. */
	ks_crew_set_deadline(&v->crew, ks_now_ns() + 86400LL * 1000000000);
	v->start_ns = ks_now_ns();
	for (i = 0; i < c->workers; i++) {
		r = ks_crew_start_one(&v->crew, i, &v->cg);
		if (r) {
			snprintf(err, errlen, "starting a victim worker in %s: %s",
				 v->cg.path, strerror(-r));
			return -1;
		}
	}
	return 0;
}

struct ks_victim *ks_victim_start(const struct ks_scenario *sc,
				  uint64_t seed,
				  const struct ks_cg_root *root,
				  struct ks_cgroup *run,
				  struct ks_cgroup *parent,
				  const char *workdir, char *err,
				  size_t errlen)
{
	struct ks_victim *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "victim: out of memory");
		return NULL;
	}
	v->sc = sc;
	/* Its own streams: not the storm's workers' of the same index. */
	v->ctx.seed = seed ^ 0x5C1C7E5EEDULL;
	v->run = run;
	v->parent = parent;
	v->cg.dirfd = -1;
	v->current_min = v->current_max = v->low0 = v->low_now = -1;
	if (make_cgroup(v, root, err, errlen) ||
	    start_workers(v, workdir, err, errlen)) {
		ks_victim_stop(v, 0);
		ks_victim_free(v);
		return NULL;
	}
	return v;
}

void ks_victim_storm_begins(struct ks_victim *v)
{
	struct ks_cg_usage u;

	if (!v)
		return;
	if (!ks_cg_read_usage(v->cg.version, v->cg.path, 0, &u, v->buf,
			      sizeof(v->buf)))
		v->low0 = u.low_events;
	v->storm_ns = ks_now_ns();
	v->lat->phase = 1;
}

void ks_victim_sample(struct ks_victim *v, json_t *rec)
{
	struct ks_counters sum;
	struct ks_cg_usage u;
	json_t *o;

	if (!v || !v->cg.path[0] ||
	    ks_cg_read_usage(v->cg.version, v->cg.path, 0, &u, v->buf,
			     sizeof(v->buf)))
		return;
	if (v->lat->phase && u.current >= 0 &&
	    (v->current_min < 0 || u.current < v->current_min))
		v->current_min = u.current;
	if (u.current > v->current_max)
		v->current_max = u.current;
	v->current = u.current > 0 ? u.current : 0;
	if (u.low_events >= 0)
		v->low_now = u.low_events;
	if (u.oom_kills >= 0)
		v->ooms = u.oom_kills;
	ks_crew_sum(&v->crew, &sum);
	if (!rec)
		return;
	o = json_object();
	ks_json_put_if(o, "current", u.current);
	ks_json_put_if(o, "low_events", u.low_events);
	ks_json_put_if(o, "oom_kills", u.oom_kills);
	json_object_set_new(o, "ops", json_integer(
		(json_int_t)ks_over_ops(sum.ops)));
	json_object_set_new(o, "fails", json_integer(
		(json_int_t)ks_over_ops(sum.fails)));
	json_object_set_new(rec, "victim", o);
}

int64_t ks_victim_usage(const struct ks_victim *v)
{
	return v ? v->current : 0;
}

void ks_victim_stop(struct ks_victim *v, int grace_ms)
{
	if (!v)
		return;
	if (v->crew.shm && !v->stop_ns) {
		ks_victim_sample(v, NULL);
		v->stop_ns = ks_now_ns();
		ks_crew_stop(&v->crew, &v->cg, grace_ms);
	}
	if (v->setup_done && v->sc->victim.wl->teardown)
		v->sc->victim.wl->teardown(&v->ctx);
	v->setup_done = 0;
	if (v->ctx.workdir[0]) {
		ks_rmtree_at(AT_FDCWD, v->ctx.workdir);
		v->ctx.workdir[0] = '\0';
	}
}

/* {"ops", "p50_us", "p99_us", "max_us"} of one phase over all workers. */
static json_t *phase_json(const struct ks_victim *v, int phase,
			  int64_t *p99)
{
	uint64_t total = 0, seen = 0, h[LAT_BUCKETS] = { 0 };
	int64_t p50 = -1, max = -1;
	int b, i;

	*p99 = -1;
	for (i = 0; i < v->sc->victim.workers; i++)
		for (b = 0; b < LAT_BUCKETS; b++)
			h[b] += v->lat->hist[i][phase][b];
	for (b = 0; b < LAT_BUCKETS; b++)
		total += h[b];
	for (b = 0; b < LAT_BUCKETS && total; b++) {
		if (!h[b])
			continue;
		seen += h[b];
		if (p50 < 0 && seen * 2 >= total)
			p50 = bucket_us(b);
		if (*p99 < 0 && seen * 100 >= total * 99)
			*p99 = bucket_us(b);
		max = bucket_us(b);
	}
	return json_pack("{s:I, s:I, s:I, s:I}", "ops", (json_int_t)total,
			 "p50_us", (json_int_t)p50, "p99_us", (json_int_t)*p99,
			 "max_us", (json_int_t)max);
}

/* {"ENOSPC": n, ...}: what its failed operations failed with. */
static json_t *errno_json(const struct ks_counters *c)
{
	json_t *o = json_object();
	char name[16];
	int e;

	for (e = 1; e < KS_ERRNO_MAX; e++)
		if (ks_errno_total(c, e))
			json_object_set_new(o, ks_errno_name(e, name,
							     sizeof(name)),
					    json_integer((json_int_t)
						ks_errno_total(c, e)));
	return o;
}

/* The errno its operations failed with most often, by name. */
static const char *most_errno(const struct ks_counters *c, char *buf,
			      size_t len)
{
	uint64_t best = 0;
	int e, which = 0;

	for (e = 1; e < KS_ERRNO_MAX; e++)
		if (ks_errno_total(c, e) > best) {
			best = ks_errno_total(c, e);
			which = e;
		}
	if (!which)
		return "-";
	return ks_errno_name(which, buf, len);
}

/* SIGKILLs from outside: the global OOM killer, or the memcg one. */
static int killed(const struct ks_victim *v)
{
	int i, n = 0;

	for (i = 0; i < v->crew.n; i++)
		n += v->crew.w[i].sigkilled;
	return n;
}

static void judge(struct ks_victim *v, int64_t p99a, int64_t p99s,
		  int64_t fails, const char *first_errno,
		  struct ks_verdict_result *vr)
{
	const struct ks_victim_cfg *c = &v->sc->victim;
	int64_t reclaimed = v->low0 >= 0 && v->low_now >= 0 ?
			    v->low_now - v->low0 : 0;
	int kills = killed(v);

	if (c->oom == KS_EXPECT_NO && (kills || v->ooms > 0))
		ks_verdict_fail(vr, "victim: OOM-killed (%d SIGKILLs, %lld memcg OOM kills) beside the storm (expect.victim_oom = no)",
				kills, (long long)(v->ooms > 0 ? v->ooms : 0));
	if (c->errors == KS_EXPECT_NO && fails)
		ks_verdict_fail(vr, "victim: %lld operations failed beside the storm, most with %s (expect.victim_errors = no)",
				(long long)fails, first_errno);
	if (c->reclaimed == KS_EXPECT_NO && reclaimed > 0)
		ks_verdict_fail(vr, "victim: reclaimed below its memory.low %lld times during the storm (memory.events low; expect.victim_reclaimed = no)",
				(long long)reclaimed);
	if (c->latency_pct && p99a > 0 && p99s > p99a * c->latency_pct / 100)
		ks_verdict_fail(vr, "victim: p99 latency %lld us during the storm is %.1f times its %lld us alone (expect.victim_latency = %.2f)",
				(long long)p99s, (double)p99s / p99a,
				(long long)p99a, c->latency_pct / 100.0);
}

json_t *ks_victim_judge(struct ks_victim *v, struct ks_verdict_result *vr)
{
	const struct ks_victim_cfg *c;
	struct ks_counters sum;
	int64_t p99a, p99s, fails;
	json_t *o, *alone, *storm, *mem;
	char first[16];

	if (!v || !v->lat)
		return NULL;
	c = &v->sc->victim;
	ks_crew_sum(&v->crew, &sum);
	fails = (int64_t)ks_over_ops(sum.fails);
	alone = phase_json(v, 0, &p99a);
	storm = phase_json(v, 1, &p99s);
	/* How long each phase ran: the rate bounds its operations. */
	json_object_set_new(alone, "ms", json_integer(
		(v->storm_ns - v->start_ns) / 1000000));
	json_object_set_new(storm, "ms", json_integer(
		(v->stop_ns - v->storm_ns) / 1000000));
	mem = json_object();
	ks_json_put_if(mem, "current_min", v->current_min);
	ks_json_put_if(mem, "current_max", v->current_max);
	ks_json_put_if(mem, "low", c->limits.low);
	ks_json_put_if(mem, "min", c->limits.min);
	ks_json_put_if(mem, "max", c->limits.max);
	if (v->low0 >= 0 && v->low_now >= 0)
		json_object_set_new(mem, "low_events",
				    json_integer(v->low_now - v->low0));
	o = json_pack("{s:o, s:i, s:i, s:o, s:o, s:o, s:I, s:I, s:i, s:I}",
		      "workload", ks_json_text(c->wl->name), "workers", c->workers,
		      "rate", c->rate, "alone", alone, "storm", storm,
		      "memory", mem, "fails", (json_int_t)fails,
		      "enomem", (json_int_t)ks_over_ops(sum.enomem),
		      "sigkilled", killed(v),
		      "oom_kills", (json_int_t)(v->ooms > 0 ? v->ooms : 0));
	if (o)
		json_object_set_new(o, "errno", errno_json(&sum));
	if (o && p99a > 0 && p99s >= 0)
		json_object_set_new(o, "latency_factor",
				    json_real((double)p99s / p99a));
	judge(v, p99a, p99s, fails, most_errno(&sum, first, sizeof(first)),
	      vr);
	return o;
}

void ks_victim_free(struct ks_victim *v)
{
	char err[256];

	if (!v)
		return;
	/* The victim's cgroup goes with its parent; the run's protection not. */
	if (v->protected_run)
		protect(v->run, &v->sc->victim.limits, 0, err, sizeof(err));
	ks_cg_close(&v->cg);
	ks_crew_free(&v->crew);
	if (v->lat)
		munmap(v->lat, v->lat_len);
	free(v);
}
