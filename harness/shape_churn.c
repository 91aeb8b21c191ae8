// SPDX-License-Identifier: GPL-2.0
/*
 * Churn (cgroups.churn): cgroups created below the scenario's during the
 * storm, each stormed by a worker of its own for cgroups.churn_life and
 * removed once it ends, at most cgroups.churn_live at a time, the way
 * containers and systemd units come and go.  What each saw is read just
 * before its removal.
 */
#include "shape_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "memcg_json.h"
#include "utf8.h"

/* A churned cgroup's worker: its own short life, not the storm's. */
static int churn_run(struct ks_wl_ctx *ctx, void *arg)
{
	const struct ks_shape *sh = arg;

	ctx->worker += sh->first_worker;
	ctx->deadline_live = NULL;
	return ks_workload_run(ctx);
}

int ks_shape_churn_init(struct ks_shape *sh, const struct ks_wl_ctx *ctx,
			int first_worker, void (*before_run)(void *),
			void *arg)
{
	int live = sh->sc->shape.churn_live, r;

	if (!sh->sc->shape.churn_rate)
		return 0;
	sh->slot = calloc(live, sizeof(*sh->slot));
	if (!sh->slot)
		return -ENOMEM;
	r = ks_crew_init(&sh->crew, live, ctx);
	if (r)
		return r;
	sh->crew.before_run = before_run;
	sh->crew.before_arg = arg;
	sh->crew.run = churn_run;
	sh->crew.run_arg = sh;
	sh->first_worker = first_worker;
	sh->churn_t0 = ks_now_ns();
	return 0;
}

static void churn_error(struct ks_shape *sh, const char *err)
{
	sh->churn_failed++;
	if (!sh->churn_err[0])
		snprintf(sh->churn_err, sizeof(sh->churn_err), "%s", err);
}

/* Its worker gone: what the cgroup saw, then the cgroup removed. */
static void churn_retire(struct ks_shape *sh, struct churn_slot *cs)
{
	struct ks_cg_usage u;
	char err[256];

	if (!ks_cg_read_usage(cs->cg.version, cs->cg.path, 1, &u, sh->buf,
			      sizeof(sh->buf))) {
		sh->churn_hits += u.limit_hits > 0 ? u.limit_hits : 0;
		sh->churn_ooms += u.oom_kills > 0 ? u.oom_kills : 0;
		if (u.peak > sh->churn_peak_max)
			sh->churn_peak_max = u.peak;
	}
	if (ks_cg_destroy(&cs->cg, err, sizeof(err)))
		churn_error(sh, err);
	else
		sh->removed++;
	cs->cg.path[0] = '\0';
}

/* A free slot's next cgroup and its worker: 0, or -1 (counted). */
static int churn_start(struct ks_shape *sh, int i, int64_t stop_ns)
{
	const struct ks_scenario *sc = sh->sc;
	struct churn_slot *cs = &sh->slot[i];
	int64_t max = ks_shape_leaf_max(sc, (int)(sh->created % sc->shape.n));
	int64_t now = ks_now_ns(), end;
	char err[256];
	int r;

	snprintf(cs->name, sizeof(cs->name), "k%06lld",
		 (long long)sh->created + 1);
	sh->created++;
	r = ks_cg_create(sh->root, sh->top, cs->name, &cs->cg, err,
			 sizeof(err));
	if (!r)
		r = ks_shape_bottom_limits(sc, &cs->cg, max, err, sizeof(err));
	if (r) {
		churn_error(sh, err);
		if (cs->cg.path[0] && !ks_cg_destroy(&cs->cg, err, sizeof(err)))
			cs->cg.path[0] = '\0';
		return -1;
	}
	end = now + sc->shape.churn_life_ms * 1000000;
	ks_crew_set_deadline(&sh->crew, end < stop_ns ? end : stop_ns);
	cs->started_ns = now;
	r = ks_crew_start_one(&sh->crew, i, &cs->cg);
	if (r) {
		snprintf(err, sizeof(err), "starting a worker in %s: %s",
			 cs->cg.path, strerror(-r));
		churn_error(sh, err);
		churn_retire(sh, cs);
		return -1;
	}
	return 0;
}

void ks_shape_churn_tick(struct ks_shape *sh, int64_t stop_ns)
{
	const struct ks_cg_shape *cfg = &sh->sc->shape;
	int64_t now = ks_now_ns(), due;
	int i;

	if (!sh->slot)
		return;
	ks_crew_reap(&sh->crew);
	for (i = 0; i < cfg->churn_live; i++) {
		struct ks_worker *w = &sh->crew.w[i];

		if (!sh->slot[i].cg.path[0])
			continue;
		if (w->state != KS_W_RUNNING) {
			churn_retire(sh, &sh->slot[i]);
			continue;
		}
		/* Stuck past its life and a grace: the next tick retires it. */
		if (now - sh->slot[i].started_ns >
		    (cfg->churn_life_ms + 2000) * 1000000) {
			w->killed_by_harness = true;
			kill(w->pid, SIGKILL);
		}
	}
	due = 1 + (now - sh->churn_t0) / 1000000 * cfg->churn_rate / 1000;
	for (i = 0; i < cfg->churn_live && sh->created < due &&
		    (!cfg->churn_total || sh->created < cfg->churn_total) &&
		    now < stop_ns; i++)
		if (!sh->slot[i].cg.path[0] &&
		    sh->crew.w[i].state != KS_W_RUNNING)
			churn_start(sh, i, stop_ns);
}

int64_t ks_shape_churn_usage(struct ks_shape *sh)
{
	struct ks_cg_usage u;
	int64_t sum = 0;
	int i;

	for (i = 0; sh->slot && i < sh->sc->shape.churn_live; i++)
		if (sh->slot[i].cg.path[0] &&
		    !ks_cg_read_usage(sh->slot[i].cg.version,
				      sh->slot[i].cg.path, 0, &u, sh->buf,
				      sizeof(sh->buf)) && u.current > 0)
			sum += u.current;
	return sum;
}

bool ks_shape_churn_done(const struct ks_shape *sh)
{
	int i;

	if (!sh || !sh->slot || !sh->sc->shape.churn_total ||
	    sh->created < sh->sc->shape.churn_total)
		return false;
	for (i = 0; i < sh->sc->shape.churn_live; i++)
		if (sh->slot[i].cg.path[0])
			return false;
	return true;
}

int64_t ks_shape_churn_ceiling_ms(const struct ks_scenario *sc)
{
	const struct ks_cg_shape *c = &sc->shape;
	/* cgroups a second: the rate, or what live slots of life allow */
	int64_t rate_milli = (int64_t)c->churn_rate * 1000, cap;

	if (!c->churn_rate || !c->churn_total)
		return 0;
	cap = c->churn_life_ms > 0 ? (int64_t)c->churn_live * 1000000 /
				     c->churn_life_ms : rate_milli;
	if (cap < rate_milli)
		rate_milli = cap;
	if (rate_milli < 1)
		rate_milli = 1;
	/*
	 * Wide, so that no machine's speed decides: a storm ends as soon as
	 * its churn is done, and this only bounds one that never gets there.
	 */
	return sc->duration_ms + 60000 + 20 * (int64_t)c->churn_total *
					 1000000 / rate_milli;
}

void ks_shape_churn_counts(const struct ks_shape *sh, int64_t *created,
			   int64_t *removed)
{
	*created = sh ? sh->created : 0;
	*removed = sh ? sh->removed : 0;
}

const char *ks_shape_churn_error(const struct ks_shape *sh)
{
	return sh && sh->churn_failed ? sh->churn_err : NULL;
}

void ks_shape_churn_stop(struct ks_shape *sh, int grace_ms)
{
	int i;

	if (!sh || !sh->slot)
		return;
	ks_crew_stop(&sh->crew, NULL, grace_ms);
	for (i = 0; i < sh->sc->shape.churn_live; i++)
		if (sh->slot[i].cg.path[0])
			churn_retire(sh, &sh->slot[i]);
}

void ks_shape_sum_add(const struct ks_shape *sh, struct ks_counters *sum)
{
	if (sh && sh->slot)
		ks_crew_sum_add(&sh->crew, sum);
}

