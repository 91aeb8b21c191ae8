// SPDX-License-Identifier: GPL-2.0
/* A scenario's scenario_start and scenario_end journal records. */
#include "scenario_internal.h"

#include <string.h>

#include "errno_truth.h"
#include "inject.h"
#include "sysinfo.h"
#include "utf8.h"

/* The cgroups.* keys as the scenario runs them. */
static json_t *shape_plan_json(const struct ks_scenario *sc)
{
	const struct ks_cg_shape *sh = &sc->shape;
	json_t *o = json_pack("{s:i, s:i}", "n", sh->n, "depth", sh->depth);
	json_t *lim = json_array();
	int i;

	for (i = 0; i < sh->n && i < KS_SHAPE_MAX_LIMITS; i++)
		json_array_append_new(lim, json_integer(
			ks_shape_leaf_max(sc, i)));
	json_object_set_new(o, "max", lim);
	if (sh->parent_max != KS_CG_UNSET)
		json_object_set_new(o, "parent_max",
				    json_integer(sh->parent_max));
	if (sh->churn_rate)
		json_object_set_new(o, "churn", json_pack(
			"{s:i, s:i, s:i, s:I}", "rate", sh->churn_rate,
			"total", sh->churn_total, "live", sh->churn_live,
			"life_ms", (json_int_t)sh->churn_life_ms));
	return o;
}

void ks_scn_journal_start(struct scn *s)
{
	const struct ks_scenario *sc = s->sc;
	struct ks_run *run = s->run;
	json_t *o = ks_scn_record("scenario_start", s);

	if (o) {
		json_object_set_new(o, "index", json_integer(run->index));
		json_object_set_new(o, "workload", ks_json_text(sc->wl->name));
		json_object_set_new(o, "workers", json_integer(sc->workers));
		json_object_set_new(o, "seed",
				    json_integer((json_int_t)s->ctx.seed));
		json_object_set_new(o, "seed_drawn", json_boolean(!sc->seed));
		json_object_set_new(o, "duration_ms",
				    json_integer(sc->duration_ms));
		json_object_set_new(o, "until_limit_ms",
				    json_integer(sc->until_limit_ms));
		json_object_set_new(o, "limits", ks_limits_json(&sc->limits));
		json_object_set_new(o, "errno_allowed",
				    ks_errno_allowed_json(sc));
		if (sc->inject_mask)
			json_object_set_new(o, "inject", ks_inject_plan_json(sc));
		if (ks_shape_wanted(sc))
			json_object_set_new(o, "cgroups", shape_plan_json(sc));
		if (sc->victim.wl)
			json_object_set_new(o, "victim", json_pack(
				"{s:o, s:i, s:i, s:I, s:o}", "workload",
				ks_json_text(sc->victim.wl->name), "workers",
				sc->victim.workers, "rate", sc->victim.rate,
				"baseline_ms",
				(json_int_t)sc->victim.baseline_ms, "limits",
				ks_limits_json(&sc->victim.limits)));
	}
	ks_journal_write(&run->journal, o);
}

/*
 * The worker's first operation choices, hashed: the same seed, the same
 * hash (docs/journal.md, kmemstorm reproduce).
 */
static void pick_trace_json(json_t *o, const struct ks_counters *c)
{
	char hex[24];

	if (!c->picks_traced)
		return;
	snprintf(hex, sizeof(hex), "%016llx",
		 (unsigned long long)c->pick_hash);
	json_object_set_new(o, "picks_traced",
			    json_integer((json_int_t)c->picks_traced));
	json_object_set_new(o, "pick_hash", ks_json_text(hex));
}

static json_t *workers_json(const struct scn *s)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < s->crew.n; i++) {
		const struct ks_worker *w = &s->crew.w[i];
		json_t *o = json_pack("{s:i, s:i}", "worker", i, "pid",
				      (int)w->pid);

		if (w->state == KS_W_EXITED)
			json_object_set_new(o, "exit", json_integer(w->status));
		else if (w->state == KS_W_SIGNALED)
			json_object_set_new(o, "signal",
					    ks_json_text(sigabbrev_np(w->status)));
		if (w->killed_by_harness)
			json_object_set_new(o, "killed_by_harness",
					    json_true());
		json_object_set_new(o, "sigkilled", json_integer(w->sigkilled));
		json_object_set_new(o, "respawns", json_integer(w->respawns));
		pick_trace_json(o, &s->crew.shm->ctr[i]);
		json_array_append_new(a, o);
	}
	return a;
}

/* {"ENOSPC": n, ...}: failures of op by errno, or of every op if op < 0. */
static json_t *errno_json(const struct ks_counters *c, int op)
{
	json_t *o = json_object();
	char name[16];
	int e;

	for (e = 1; e < KS_ERRNO_MAX; e++) {
		uint64_t n = op < 0 ? ks_errno_total(c, e) : c->err[op][e];

		if (n)
			json_object_set_new(o, ks_errno_name(e, name,
							     sizeof(name)),
					    json_integer((json_int_t)n));
	}
	return o;
}

static json_t *ops_json(const struct scn *s, const struct ks_counters *c)
{
	json_t *o = json_object();
	int k;

	for (k = 0; k < KS_MAX_OPS && s->sc->wl->ops[k]; k++)
		json_object_set_new(o, s->sc->wl->ops[k],
				    json_pack("{s:I, s:I, s:I, s:o}",
					      "ok", (json_int_t)c->ops[k],
					      "fail", (json_int_t)c->fails[k],
					      "enomem", (json_int_t)c->enomem[k],
					      "errno", errno_json(c, k)));
	return o;
}

/*
 * When the storm first showed a limit hit, from its start, and how long
 * it ran after that: null when it never did.
 */
static void limit_times(const struct scn *s, json_t *o)
{
	int64_t reached = (s->reached_ns - s->start_ns) / 1000000;

	if (s->reached_ns < 0) {
		json_object_set_new(o, "limit_reached_ms", json_null());
		json_object_set_new(o, "held_ms", json_null());
		return;
	}
	json_object_set_new(o, "limit_reached_ms", json_integer(reached));
	json_object_set_new(o, "held_ms", json_integer(
		s->storm_ms > reached ? s->storm_ms - reached : 0));
}

void ks_scn_journal_end(struct scn *s, int64_t duration_ms)
{
	struct ks_run *run = s->run;
	const struct ks_scenario *sc = s->sc;
	struct ks_counters sum;
	json_t *o, *reasons;
	int64_t ops = 0;
	int k;

	memset(&sum, 0, sizeof(sum));
	if (s->crew.shm)
		ks_scn_sum(s, &sum);
	for (k = 0; k < KS_MAX_OPS; k++)
		ops += sum.ops[k];

	o = ks_scn_record("scenario_end", s);
	if (!o) {
		ks_journal_write(&run->journal, NULL);
		return;
	}
	json_object_set_new(o, "workload", ks_json_text(sc->wl->name));
	json_object_set_new(o, "verdict",
			    ks_json_text(ks_verdict_name(s->vr.verdict)));
	reasons = json_array();
	for (k = 0; k < s->vr.nreasons; k++)
		json_array_append_new(reasons, ks_json_text(s->vr.reason[k]));
	json_object_set_new(o, "reasons", reasons);
	json_object_set_new(o, "duration_ms", json_integer(duration_ms));
	if (s->crew.shm) {
		json_object_set_new(o, "ops_total", json_integer(ops));
		json_object_set_new(o, "storm_ms", json_integer(s->storm_ms));
		limit_times(s, o);
		/* What watching costs: sampling, kmsg, classifier, journal. */
		json_object_set_new(o, "harness_cpu_ms",
				    json_integer(s->cpu_ms));
		json_object_set_new(o, "ops_per_sec",
				    json_real(s->storm_ms > 0 ?
					      ops * 1000.0 / s->storm_ms : 0));
		json_object_set_new(o, "ops", ops_json(s, &sum));
		json_object_set_new(o, "errno", errno_json(&sum, -1));
		json_object_set_new(o, "enomem_surfaced",
				    json_integer(s->out.enomem_surfaced));
		if (s->out.enomem_surfaced)
			json_object_set_new(o, "enomem_surfaced_first",
				ks_json_text(s->out.first_surfaced));
		json_object_set_new(o, "enomem", json_integer(s->out.enomem));
		json_object_set_new(o, "workers", workers_json(s));
	}
	if (s->have_cg) {
		json_t *m = ks_memcg_json(&s->last);

		ks_json_put_if(m, "max_sampled_current", s->max_current);
		json_object_set_new(o, "memcg", m);
	}
	json_object_set_new(o, "kernel_reports",
			    json_integer(s->out.kernel_reports));
	json_object_set_new(o, "info_reports",
			    json_integer(s->out.info_reports));
	/* Reports may lack lines the ring lost before we read them. */
	json_object_set_new(o, "kmsg_lost", json_integer((json_int_t)
			    (run->kmsg.lost - s->kmsg_lost0)));
	if (s->taint_before >= 0 && s->taint_after >= 0) {
		char l1[40], l2[40], l3[40], why[256];

		json_object_set_new(o, "taint", json_pack(
			"{s:o, s:o, s:o, s:o}",
			"before",
			ks_json_text(ks_taint_letters(s->taint_before, l1,
			sizeof(l1))),
			"after",
			ks_json_text(ks_taint_letters(s->taint_after, l2,
			sizeof(l2))),
			"new",
			ks_json_text(ks_taint_letters(s->out.taint_new, l3,
			sizeof(l3))),
			"meaning",
			ks_json_text(ks_taint_describe(s->out.taint_new, why,
						     sizeof(why)))));
	}
	json_object_set_new(o, "limits", ks_limits_json(&sc->limits));
	if (s->shape_summary)
		json_object_set(o, "cgroups", s->shape_summary);
	if (s->victim_summary)
		json_object_set(o, "victim", s->victim_summary);
	if (s->dying_max >= 0)
		json_object_set_new(o, "dying", json_pack("{s:I, s:I}",
				    "max", (json_int_t)s->dying_max, "end",
				    (json_int_t)s->dying_end));
	if (s->shape && json_is_object(json_object_get(o, "dying")))
		json_object_set_new(json_object_get(o, "dying"), "pinned_max",
				    json_integer(s->pinned_max));
	if (s->kmemleak_objects >= 0)
		json_object_set_new(o, "kmemleak", json_pack("{s:i}",
				    "objects", s->kmemleak_objects));
	if (sc->leak_check && (s->leak.ok || s->leak.why[0]))
		json_object_set_new(o, "leak", ks_leak_json(&s->leak));
	if (s->inj_report)
		json_object_set(o, "inject", s->inj_report);
	if (s->mode->summary)
		json_object_set_new(o, s->mode->name, s->mode->summary(s));
	json_array_append(run->results, o);
	ks_journal_write(&run->journal, o);
	ks_journal_sync(&run->journal);
}
