// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario's verdict once its storm is over: the outcome from the
 * workers' counters and the cgroups' statistics, the errno truth, the
 * rules of verdict.c, then what only the whole scenario knows (sweeps,
 * churn, the neighbour, the leak check).
 */
#include "scenario_internal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "errno_truth.h"
#include "units.h"
#include "utf8.h"
#include "verdict.h"

static void count_workers(struct scn *s)
{
	char why[64];
	int i;

	for (i = 0; i < s->crew.n; i++) {
		const struct ks_worker *w = &s->crew.w[i];

		s->out.killed += w->sigkilled;
		s->out.respawns += w->respawns;
		if (w->state == KS_W_SIGNALED && w->status == SIGKILL)
			continue;
		if (w->state == KS_W_SIGNALED)
			snprintf(why, sizeof(why), "SIG%s",
				 sigabbrev_np(w->status) ?
				 sigabbrev_np(w->status) : "?");
		else if (w->state == KS_W_EXITED && w->status)
			snprintf(why, sizeof(why), "exit status %d", w->status);
		else
			continue;
		if (!s->out.crashed++)
			snprintf(s->out.first_crash, sizeof(s->out.first_crash),
				 "worker %d: %s", i, why);
	}
}

static json_t *truth_record(const char *type, void *s)
{
	return ks_scn_record(type, s);
}

/* Journal "ENOMEM surfaced as X" and unexpected errnos; count for the verdict. */
static void judge_errnos(struct scn *s)
{
	struct ks_errno_findings f;
	struct ks_counters sum;
	json_t *recs = json_array();
	size_t i;
	json_t *o;

	ks_scn_sum(s, &sum);
	ks_errno_truth_finish(&s->truth, &sum, truth_record, s, recs, &f);
	json_array_foreach(recs, i, o)
		ks_journal_write(&s->run->journal, json_incref(o));
	json_decref(recs);
	if (!s->mode->judges_surfaced)
		return;		/* counted step by step, where they fired */
	s->out.enomem_surfaced = f.surfaced;
	snprintf(s->out.first_surfaced, sizeof(s->out.first_surfaced), "%s",
		 f.first);
}


/*
 * Many cgroups: hits and kills are the tree's (v2's events are
 * hierarchical, v1's failcnt is each cgroup's own), and the limit held
 * or not is the most overshooting cgroup's.
 */
static void outcome_from_shape(struct scn *s)
{
	struct ks_shape_totals t;
	int64_t pmax = s->sc->shape.parent_max;

	s->shape_summary = ks_shape_finish(s->shape, &t, s->cpu_ms);
	s->shape_t = t;
	if (s->cg.version == KS_CG_V1) {
		s->out.limit_hits = (s->out.limit_hits > 0 ?
				     s->out.limit_hits : 0) + t.limit_hits;
		s->out.oom_kills += t.oom_kills;
	}
	s->out.sampled_max = -1;
	/*
	 * The cgroups' limits are judged one by one (judge_held), each
	 * against its own allowance; the verdict's one rule judges only a
	 * parent limit.
	 */
	s->out.limit = t.worst_limit < 0 && pmax != KS_CG_UNSET &&
		       pmax != INT64_MAX ? pmax : -1;
}

/* A cgroup whose peak went past its limit by more than it may. */
static void judge_held(struct scn *s)
{
	const struct ks_shape_totals *t = &s->shape_t;
	char peak[16], over[16], lim[16], allow[16];

	if (t->held_allow < 0 || t->held_limit < 0 || !t->held_name ||
	    t->held_peak <= t->held_limit + t->held_allow)
		return;
	ks_verdict_fail(&s->vr, "usage not held at the limit in %s: peak %s is %s over memory.max %s (expect.max_overshoot = %s for it)",
			t->held_name,
			ks_format_size(t->held_peak, peak, sizeof(peak)),
			ks_format_size(t->held_peak - t->held_limit, over,
				       sizeof(over)),
			ks_format_size(t->held_limit, lim, sizeof(lim)),
			ks_format_size(t->held_allow, allow, sizeof(allow)));
}

static void outcome_from_stats(struct scn *s)
{
	struct ks_counters sum;
	int k;

	ks_scn_sum(s, &sum);
	for (k = 0; k < KS_MAX_OPS; k++) {
		s->out.ops += sum.ops[k];
		s->out.enomem += sum.enomem[k];
	}
	s->out.limit_hits = ks_memcg_limit_hits(&s->last);
	s->out.until_limit_ms = s->sc->until_limit_ms;
	s->out.ran_away = s->ran_away;
	s->out.oom_kills = ks_memcg_oom_kills(&s->last);
	if (s->out.oom_kills < 0)
		s->out.oom_kills = 0;
	s->out.peak = s->last.peak >= 0 ? s->last.peak : s->max_current;
	s->out.sampled_max = s->max_current;
	s->out.limit = s->sc->limits.max != KS_CG_UNSET &&
		       s->sc->limits.max != INT64_MAX ? s->sc->limits.max : -1;
	if (s->shape)
		outcome_from_shape(s);
	count_workers(s);
}

/*
 * What the scenario's cgroup left in the run cgroup once it was removed:
 * a leak record, and a failure unless the plan expects otherwise.
 */
void ks_scn_judge_leak(struct scn *s)
{
	const struct ks_scenario *sc = s->sc;
	char why[256];
	int left = ks_leak_settle(&s->leak, &s->run->runcg, s->run->scratch,
				  sc->leak_margin, sc->leak_dying_max,
				  sc->leak_wait_ms);
	json_t *o;

	if (!s->leak.ok)
		return;
	ks_leak_describe(&s->leak, why, sizeof(why));
	if (left) {
		json_t *facts = ks_leak_json(&s->leak);

		o = ks_scn_record("leak", s);
		if (o && facts)
			json_object_update(o, facts);
		if (o)
			json_object_set_new(o, "text", ks_json_text(why));
		json_decref(facts);
		ks_journal_write(&s->run->journal, o);
	}
	if (left && sc->expect.leak == KS_EXPECT_NO)
		ks_verdict_fail(&s->vr, "leak: %s (expect.leak = no)", why);
	else if (!left && sc->expect.leak == KS_EXPECT_YES)
		ks_verdict_fail(&s->vr, "leak never happened (expect.leak = yes)");
}

/*
 * Churn that fell short: cgroups the kernel would not create (memcg IDs
 * run out while dying cgroups pile up), or fewer than cgroups.churn_total
 * by the ceiling.
 */
static void judge_churn(struct scn *s)
{
	const struct ks_cg_shape *c = &s->sc->shape;
	int64_t made, gone;
	const char *why;

	if (!c->churn_rate || s->out.interrupted)
		return;
	ks_shape_churn_counts(s->shape, &made, &gone);
	why = ks_shape_churn_error(s->shape);
	if (why)
		ks_verdict_fail(&s->vr, "churn: a cgroup could not be created, limited or removed (%lld created, %lld removed): %s",
				(long long)made, (long long)gone, why);
	else if (c->churn_total && !s->churned)
		ks_verdict_fail(&s->vr, "churn: %lld of cgroups.churn_total = %d cgroups created and removed within %lld s",
				(long long)gone, c->churn_total,
				(long long)ks_shape_churn_ceiling_ms(s->sc) /
				1000);
}

/* Everything but the leak check, which waits for the cgroup's removal. */
void ks_scn_decide(struct scn *s)
{
	const struct ks_scenario *sc = s->sc;

	outcome_from_stats(s);
	judge_errnos(s);
	ks_verdict_decide(&sc->expect, &s->out, &s->vr);
	/*
	 * A sweep's reports belong to one failed allocation each: a
	 * bug there is the error path's, whatever = any allows.
	 */
	if (sc->sweep && sc->expect.kernel_report == KS_EXPECT_ANY &&
	    s->out.kernel_reports)
		ks_verdict_fail(&s->vr, "kernel report at a sweep step: %s (a sweep lets only the WARNINGs named in allow_report pass)",
				s->out.first_report);
	/* Memory usage unknown: nothing to judge by. */
	if (s->last.current < 0 && s->vr.verdict != KS_ERROR)
		ks_verdict_set(&s->vr, KS_ERROR,
			       "cannot read the memory statistics of %s",
			       s->cg.path);
	if (s->inj_err[0])
		ks_verdict_set(&s->vr, KS_ERROR, "fault injection: %s",
			       s->inj_err);
	if (s->shape) {
		judge_held(s);
		judge_churn(s);
	}
	if (s->victim)
		s->victim_summary = ks_victim_judge(s->victim, &s->vr);
}
