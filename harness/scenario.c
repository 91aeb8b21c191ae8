// SPDX-License-Identifier: GPL-2.0
/*
 * One scenario: cgroup, scratch dir, workload setup, workers, sampling
 * and kernel-log watch until the deadline, then stop, teardown, verdict.
 * Everything created here is removed here, on every path.
 */
#include "kmemleak.h"
#include "scenario_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "errno_truth.h"
#include "failpoint.h"
#include "inject.h"
#include "knobs.h"
#include "progress.h"
#include "sysinfo.h"
#include "verdict.h"
#include "worker.h"
#include "utf8.h"

static int64_t self_cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

void ks_scn_sum(const struct scn *s, struct ks_counters *sum)
{
	ks_crew_sum(&s->crew, sum);
	ks_shape_sum_add(s->shape, sum);
}

json_t *ks_scn_record(const char *type, const struct scn *s)
{
	json_t *o = json_pack("{s:o, s:o, s:I}", "type", ks_json_text(type),
			      "scenario",
			      ks_json_text(s->sc->name), "t_ms",
			      (json_int_t)ks_ms_since(s->run->t0_ns));
	return o;
}

/* A WARNING the plan names in allow_report: journaled, fails nothing. */
static int report_allowed(const struct ks_scenario *sc,
			  const struct ks_kreport *r)
{
	int i;

	int a;

	/* By its title or any other syzkaller gives it. */
	for (i = 0; i < sc->nallow_report; i++) {
		if (!strcmp(sc->allow_report[i], r->title))
			return 1;
		for (a = 0; a < r->nalt; a++)
			if (!strcmp(sc->allow_report[i], r->alt[a]))
				return 1;
	}
	return 0;
}

void ks_scn_journal_report(struct scn *s, const struct ks_kreport *r)
{
	json_t *o = ks_scn_record("kernel_report", s);
	int allowed = ks_kreport_severity(r) == KS_SEV_BUG &&
		      report_allowed(s->sc, r);

	if (o) {
		json_t *rj = ks_kreport_json(r);

		if (rj)
			json_object_update(o, rj);
		json_decref(rj);
		json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
		json_object_set_new(o, "ts_us", json_integer(r->ts_us));
		if (allowed)
			json_object_set_new(o, "allowed", json_true());
	}
	if (o && s->mode->hold_report && s->mode->hold_report(s, o, r))
		json_decref(o);
	else
		ks_journal_write(&s->run->journal, o);
	/* Memcg OOM kills and allocation failures are facts, not bugs. */
	if (ks_kreport_severity(r) != KS_SEV_BUG || allowed) {
		s->out.info_reports++;
		s->out.allowed_reports += allowed;
		return;
	}
	if (!s->out.kernel_reports++)
		snprintf(s->out.first_report, sizeof(s->out.first_report),
			 "%s", r->title);
}

/*
 * Drain the kernel log, journaling every finished report.  A storm that
 * floods the log (an OOM report for every failed charge, on a slow TCG
 * guest) must not starve the sampler and the injectors' ticks: with
 * until_ns the drain stops there and the rest waits for the next call.
 */
void ks_scn_watch_kmsg(struct scn *s, int flush, int64_t until_ns)
{
	struct ks_kmsg *k = &s->run->kmsg;
	struct ks_kmsg_record rec;
	struct ks_kreport *done = &s->report;
	unsigned int n = 0;
	int r;

	while ((r = ks_kmsg_read(k, &rec)) > 0) {
		ks_inject_kmsg(&s->inj, rec.text);
		if (ks_kmsg_feed(k, &rec, done))
			ks_scn_journal_report(s, done);
		/* The clock every 32 records: cheap, and fine enough. */
		if (until_ns && !(++n % 32) && ks_now_ns() >= until_ns)
			break;
	}
	if (r < 0)
		fprintf(stderr,
			"kmemstorm: %s: kernel reports will not be seen from here on\n",
			k->why);
	if (flush == 2 && ks_kmsg_boundary(k, done))
		ks_scn_journal_report(s, done);
	else if (flush == 1 && ks_kmsg_flush(k, done))
		ks_scn_journal_report(s, done);
}

/* Progress: ms held at the limit, -1 while filling up to it. */
static int64_t held_ms(const struct scn *s)
{
	if (!s->sc->until_limit_ms)
		return -1;
	return s->holding ? ks_ms_since(s->reached_ns) : -1;
}

/*
 * The injectors see the cgroup they act on: the storm's own beside a
 * victim (chargefail squeezes its limit to its usage), not their parent.
 */
static void inject_tick(struct scn *s, const struct ks_counters *sum)
{
	struct ks_cgroup *cg = s->shape ? ks_shape_storm_cg(s->shape) : &s->cg;
	struct ks_memcg_stats own;

	if (!s->inj.n || cg == &s->cg) {
		ks_inject_tick(&s->inj, &s->last, sum,
			       ks_ms_since(s->start_ns));
		return;
	}
	ks_memcg_stats_init(&own);
	ks_cg_read_stats(cg, &own);
	ks_inject_tick(&s->inj, &own, sum, ks_ms_since(s->start_ns));
}

/*
 * What the scenario's cgroup holds beyond its live cgroups' usage: charged
 * to dead cgroups below it (their reparented objects, their pages).
 */
static void pinned_by_dead(struct scn *s, json_t *rec)
{
	int64_t p;

	if (s->last.current < 0)
		return;
	p = s->last.current - ks_shape_live_usage(s->shape) -
	    ks_victim_usage(s->victim);
	if (p < 0)
		p = 0;
	if (p > s->pinned_max)
		s->pinned_max = p;
	json_object_set_new(json_object_get(rec, "cgroups"),
			    "pinned_by_dead", json_integer(p));
}

static void sample(struct scn *s)
{
	struct ks_counters sum;
	int64_t ops = 0, fails = 0, enomem = 0;
	json_t *o;
	int k;

	ks_memcg_stats_init(&s->last);
	ks_cg_read_stats(&s->cg, &s->last);
	if (s->last.current > s->max_current)
		s->max_current = s->last.current;
	if (s->last.nr_dying_descendants > s->dying_max)
		s->dying_max = s->last.nr_dying_descendants;
	if (s->reached_ns < 0 && ks_memcg_limit_hits(&s->last) > 0)
		s->reached_ns = ks_now_ns();
	ks_scn_sum(s, &sum);
	for (k = 0; k < KS_MAX_OPS; k++) {
		ops += sum.ops[k];
		fails += sum.fails[k];
		enomem += sum.enomem[k];
	}
	ks_errno_truth_sample(&s->truth, &sum, &s->last,
			      ks_ms_since(s->start_ns));
	inject_tick(s, &sum);
	o = ks_scn_record("sample", s);
	if (o) {
		ks_json_put_if(o, "current", s->last.current);
		ks_json_put_if(o, "limit_hits", ks_memcg_limit_hits(&s->last));
		ks_json_put_if(o, "oom_kills", ks_memcg_oom_kills(&s->last));
		ks_json_put_if(o, "high_events", s->last.ev_high);
		ks_json_put_if(o, "slab", s->last.slab);
		ks_json_put_if(o, "kernel", s->last.kernel);
		ks_json_put_if(o, "dying", s->last.nr_dying_descendants);
		json_object_set_new(o, "ops", json_integer(ops));
		json_object_set_new(o, "fails", json_integer(fails));
		json_object_set_new(o, "enomem", json_integer(enomem));
		json_object_set_new(o, "objects",
				    json_integer((json_int_t)sum.objects));
	}
	ks_victim_sample(s->victim, o);
	if (s->shape) {
		int64_t hits;

		s->shape_excess = ks_shape_sample(s->shape, o,
						  &s->shape_worst, &hits);
		/* v1's failcnt is each cgroup's own: the parent has none. */
		if (s->reached_ns < 0 && hits > 0)
			s->reached_ns = ks_now_ns();
		if (hits > 0)
			ks_errno_truth_pressure(&s->truth,
						ks_ms_since(s->start_ns),
						"memory limit hit in a cgroup of the scenario's");
		pinned_by_dead(s, o);
	}
	ks_journal_write(&s->run->journal, o);
	if (s->run->progress)
		ks_progress_update(s->run, s->sc, ks_ms_since(s->start_ns),
				   held_ms(s), ops, enomem, &s->last);
}

static void inject_worker(void *inj)
{
	ks_inject_worker(inj);
}

/*
 * The storm starts now.  duration.until_limit: it ends at the ceiling
 * unless the limit is hit first (hold_from_limit()); the workers'
 * deadline, the latest possible end, then moves earlier.
 */
static void start_clock(struct scn *s)
{
	const struct ks_scenario *sc = s->sc;

	int64_t churn = ks_shape_churn_ceiling_ms(sc);

	s->start_ns = ks_now_ns();
	s->end_ns = s->start_ns + (sc->until_limit_ms ? sc->until_limit_ms :
				   sc->duration_ms) * 1000000;
	ks_crew_set_deadline(&s->crew, s->start_ns + (sc->until_limit_ms +
				sc->duration_ms) * 1000000);
	/* cgroups.churn_total: until all are churned (hold_until_churned) */
	if (churn && s->start_ns + churn * 1000000 > s->end_ns) {
		s->end_ns = s->start_ns + churn * 1000000;
		ks_crew_set_deadline(&s->crew, s->end_ns);
	}
}

/*
 * cgroups.churn_total: once every cgroup was created and removed, the
 * storm ends at its duration (or now, if that has passed).
 */
static void hold_until_churned(struct scn *s)
{
	int64_t end;

	if (s->churned || !ks_shape_churn_done(s->shape))
		return;
	s->churned = 1;
	end = (s->holding ? s->reached_ns : s->start_ns) +
	      s->sc->duration_ms * 1000000;
	if (end < ks_now_ns())
		end = ks_now_ns();
	if (end < s->end_ns) {
		s->end_ns = end;
		ks_crew_set_deadline(&s->crew, end);
	}
}

/*
 * A seed for a plan that set none: journaled in scenario_start, so the run
 * can be made again (kmemstorm reproduce).  Kept below 2^63, as JSON
 * readers take integers.
 */
static uint64_t draw_seed(void)
{
	uint64_t x = 0;

	if (getrandom(&x, sizeof(x), 0) != sizeof(x))
		x = (uint64_t)ks_now_ns() ^ (uint64_t)getpid() << 32;
	x &= INT64_MAX;
	return x ? x : 1;
}

/*
 * The neighbour starts first and runs alone for victim.baseline: the
 * latencies the storm's are compared with.
 */
static int start_victim(struct scn *s)
{
	const struct ks_scenario *sc = s->sc;
	int64_t until;
	char err[256], dir[PATH_MAX];
	int r;

	r = ks_cg_check_limits(&s->run->root, &sc->victim.limits, err,
			       sizeof(err));
	if (r) {
		ks_verdict_set(&s->vr, r == -EOPNOTSUPP ? KS_SKIP : KS_ERROR,
			       "victim: %s", err);
		return -1;
	}
	if (snprintf(dir, sizeof(dir), "%s-victim", s->ctx.workdir) >=
	    (int)sizeof(dir)) {
		ks_verdict_set(&s->vr, KS_ERROR, "victim: %s: path too long",
			       s->ctx.workdir);
		return -1;
	}
	s->victim = ks_victim_start(sc, s->ctx.seed, &s->run->root,
				    &s->run->runcg.run, &s->cg, dir, err,
				    sizeof(err));
	if (!s->victim) {
		ks_verdict_set(&s->vr, KS_ERROR, "%s", err);
		return -1;
	}
	until = ks_now_ns() + sc->victim.baseline_ms * 1000000;
	while (ks_now_ns() < until && !ks_interrupted) {
		ks_scn_watch_kmsg(s, 0, until);
		ks_sleep_ms(20);
	}
	ks_victim_storm_begins(s->victim);
	return 0;
}

/* Create cgroup, scratch dir and workload state; start the workers. */
static int prepare(struct scn *s)
{
	struct ks_run *run = s->run;
	const struct ks_scenario *sc = s->sc;
	char err[256];
	int r;

	if (!run->have_cg) {
		ks_verdict_set(&s->vr, KS_SKIP, "%s", run->cg_why);
		return -1;
	}
	if (ks_cg_check_limits(&run->root, &sc->limits, err, sizeof(err))) {
		ks_verdict_set(&s->vr, KS_SKIP, "%s", err);
		return -1;
	}
	r = ks_cg_create(&run->root, &run->runcg.run, sc->name, &s->cg, err,
			 sizeof(err));
	if (r) {
		ks_verdict_set(&s->vr, KS_ERROR, "%s", err);
		return -1;
	}
	s->have_cg = 1;
	if (ks_shape_wanted(sc)) {
		/* The limits go to the cgroups below, not to their parent. */
		s->shape = ks_shape_create(sc, &run->root, &s->cg, err,
					   sizeof(err));
		r = s->shape ? 0 : -1;
	} else {
		r = ks_cg_set_limits(&s->cg, &sc->limits, err, sizeof(err));
	}
	if (r) {
		ks_verdict_set(&s->vr, r == -EOPNOTSUPP ? KS_SKIP : KS_ERROR,
			       "%s", err);
		return -1;
	}

	s->ctx.wl = sc->wl;
	s->ctx.scenario = sc->name;
	s->ctx.opt = sc->opt;
	s->ctx.nworkers = sc->workers;
	snprintf(s->ctx.workdir, sizeof(s->ctx.workdir), "%s/%s",
		 run->scratch, sc->name);
	if (ks_fiu_sys("kmemstorm/workdir/mkdir", ENOSPC,
		       mkdir(s->ctx.workdir, 0700))) {
		ks_verdict_set(&s->vr, KS_ERROR, "%s: %s", s->ctx.workdir,
			       strerror(errno));
		s->ctx.workdir[0] = '\0';
		return -1;
	}
	s->setup_done = 1;	/* teardown copes with a half-built state */
	if (sc->wl->setup && sc->wl->setup(&s->ctx)) {
		ks_verdict_set(&s->vr, KS_ERROR, "%s setup: %s", sc->wl->name,
			       s->ctx.err[0] ? s->ctx.err : "failed");
		return -1;
	}
	r = ks_crew_init(&s->crew, s->mode->workers(sc), &s->ctx);
	if (r) {
		ks_verdict_set(&s->vr, KS_ERROR, "workers: %s", strerror(-r));
		return -1;
	}
	if (sc->victim.wl && start_victim(s))
		return -1;
	ks_inject_init(&s->inj, sc,
		       s->shape ? ks_shape_storm_cg(s->shape) : &s->cg);
	s->crew.before_run = inject_worker;
	s->crew.before_arg = &s->inj;
	r = s->shape ? ks_shape_churn_init(s->shape, &s->ctx, s->crew.n,
					   inject_worker, &s->inj) : 0;
	if (r) {
		ks_verdict_set(&s->vr, KS_ERROR, "churn workers: %s",
			       strerror(-r));
		return -1;
	}
	/*
	 * The clock starts once every worker runs: a thousand take seconds
	 * to start, which are not the storm's.  Until then their deadline
	 * is none (0), and start_clock() sets it in the shared memory.
	 */
	r = s->mode->start(s);
	start_clock(s);
	return r;
}

/* The storm: every worker at once, then the scenario's injectors armed. */
/*
 * The kernel knobs as armed, journaled before the storm can crash the
 * kernel: a reproducer arms the same (kmemstorm reproduce --emit-c).
 */
static void journal_armed(struct scn *s)
{
	json_t *o = ks_scn_record("inject_armed", s);

	if (o)
		json_object_set_new(o, "knobs", ks_knobs_written());
	ks_journal_write(&s->run->journal, o);
}

static int storm_start(struct scn *s)
{
	struct ks_cgroup *const *cgs;
	char err[256];
	int r, ncg;

	if (s->shape) {
		cgs = ks_shape_cgroups(s->shape, &ncg);
		r = ks_crew_start_spread(&s->crew, cgs, ncg);
	} else {
		r = ks_crew_start(&s->crew, &s->cg);
	}

	if (r) {
		ks_verdict_set(&s->vr, KS_ERROR, "starting workers in %s: %s",
			       s->cg.path, strerror(-r));
		return -1;
	}
	r = ks_inject_arm(&s->inj, err, sizeof(err));
	if (r) {
		ks_verdict_set(&s->vr, r > 0 ? KS_SKIP : KS_ERROR, "%s", err);
		return -1;
	}
	if (s->inj.n) {
		ks_errno_truth_pressure(&s->truth, 0, "fault injection armed");
		journal_armed(s);
	}
	return 0;
}

/* Disarm and restore every knob; a knob left armed is a harness error. */
static void storm_disarm(struct scn *s)
{
	struct ks_counters sum;

	/*
	 * What the kernel printed up to now, all of it (the monitor's drain
	 * stops at each sample): the injectors' reports count it.
	 */
	ks_scn_watch_kmsg(s, 0, 0);	/* what the injectors' ticks saw */
	ks_scn_sum(s, &sum);
	s->inj_report = ks_inject_disarm(&s->inj, &sum, s->inj_err,
					 sizeof(s->inj_err));
	if (s->inj_err[0])
		ks_verdict_set(&s->vr, KS_ERROR, "fault injection: %s",
			       s->inj_err);
}

/* duration.until_limit: from the first sample with a limit hit, hold. */
static void hold_from_limit(struct scn *s)
{
	int64_t latest = s->crew.ctx.deadline_ns;

	if (!s->sc->until_limit_ms || s->holding || s->reached_ns < 0)
		return;
	s->holding = 1;
	/* Churning on to cgroups.churn_total: hold_until_churned() ends it. */
	if (ks_shape_churn_ceiling_ms(s->sc) && !s->churned)
		return;
	s->end_ns = s->reached_ns + s->sc->duration_ms * 1000000;
	/* Seen at the ceiling itself: never past the workers' deadline. */
	if (s->end_ns > latest)
		s->end_ns = latest;
	ks_crew_set_deadline(&s->crew, s->end_ns);
}

/*
 * Usage past memory.max by more than expect.max_overshoot already fails
 * the scenario: a kernel that does not hold the limit would otherwise
 * storm on to the ceiling of duration.until_limit (minutes) for nothing.
 */
static void stop_runaway(struct scn *s)
{
	int64_t limit = s->sc->limits.max, allow = s->sc->expect.max_overshoot;
	json_t *o;

	if (s->shape) {
		if (s->ran_away || s->shape_excess <= 0 || !s->shape_worst)
			return;
	} else if (s->ran_away || allow < 0 || limit == KS_CG_UNSET ||
		   limit == INT64_MAX || s->max_current <= limit + allow) {
		return;
	}
	s->ran_away = 1;
	o = ks_scn_record("runaway", s);
	if (o && s->shape) {
		json_object_set_new(o, "cgroup", ks_json_text(s->shape_worst));
		json_object_set_new(o, "excess",
				    json_integer(s->shape_excess));
	} else if (o) {
		json_object_set_new(o, "current", json_integer(s->max_current));
		json_object_set_new(o, "limit", json_integer(limit));
		json_object_set_new(o, "max_overshoot", json_integer(allow));
	}
	ks_journal_write(&s->run->journal, o);
	s->end_ns = ks_now_ns();
	ks_crew_set_deadline(&s->crew, s->end_ns);
}

/*
 * Sample and watch until the end (the deadline, or the ceiling of
 * duration.until_limit without a limit hit), all workers gone, or a
 * signal.
 */
static void monitor(struct scn *s)
{
	const struct ks_plan *plan = s->run->plan;
	int64_t next = s->start_ns;
	struct pollfd pfd = { .fd = s->run->kmsg.fd, .events = POLLIN };

	for (;;) {
		int64_t now, wait_ms;
		int running;

		ks_scn_watch_kmsg(s, 0, next);
		now = ks_now_ns();
		if (now >= next) {
			sample(s);
			hold_from_limit(s);
			stop_runaway(s);
			hold_until_churned(s);
			next += plan->sample_ms * 1000000;
			if (next < now)
				next = now + plan->sample_ms * 1000000;
		}
		running = ks_crew_reap(&s->crew);
		if (s->sc->respawn && now < s->end_ns && !ks_interrupted)
			running += ks_crew_respawn(&s->crew, &s->cg);
		if (s->shape)
			ks_shape_churn_tick(s->shape, s->end_ns);
		if (!running || now >= s->end_ns || ks_interrupted)
			break;
		wait_ms = ((next < s->end_ns ? next : s->end_ns) - now) /
			  1000000;
		/* Churn: woken for each cgroup due (at most 1000 a second). */
		if (s->sc->shape.churn_rate &&
		    wait_ms > 1000 / s->sc->shape.churn_rate)
			wait_ms = 1000 / s->sc->shape.churn_rate;
		pfd.fd = s->run->kmsg.fd;	/* -1 once a read failed */
		poll(&pfd, pfd.fd >= 0, wait_ms > 0 ? (int)wait_ms : 1);
	}
	if (ks_interrupted) {
		s->out.interrupted = 1;
		return;
	}
	/*
	 * The storm ends now (at the ceiling, without a limit hit): workers
	 * stop as at their deadline, not as interrupted.
	 */
	if (ks_now_ns() < s->crew.ctx.deadline_ns)
		ks_crew_set_deadline(&s->crew, ks_now_ns());
}

/* Teardown left files in the workdir: an error, but none left behind. */
static void workdir_left(struct scn *s)
{
	int e = errno, r = ks_rmtree_at(AT_FDCWD, s->ctx.workdir);

	if (s->vr.verdict == KS_ERROR)
		return;
	if (r)
		ks_verdict_set(&s->vr, KS_ERROR, "%s left behind: %s",
			       s->ctx.workdir, strerror(-r));
	else
		ks_verdict_set(&s->vr, KS_ERROR, "teardown left %s: %s",
			       s->ctx.workdir,
			       s->ctx.err[0] ? s->ctx.err : strerror(e));
}

/* The plan's stop_grace, or the workload's own if it needs longer. */
static int stop_grace_ms(const struct ks_plan *plan,
			 const struct ks_scenario *sc)
{
	int64_t ms = plan->stop_grace_ms;

	if (sc->wl->stop_grace_ms > ms)
		ms = sc->wl->stop_grace_ms;
	return (int)ms;
}

static int storm_workers(const struct ks_scenario *sc)
{
	return sc->workers;
}

const struct ks_mode ks_mode_storm = {
	.name = "storm",
	.workers = storm_workers,
	.start = storm_start,
	.monitor = monitor,
	.disarm = storm_disarm,
	.judges_surfaced = 1,
};

/* By "mode = storm|sweep": the plan's sc->sweep. */
static const struct ks_mode *const modes[] = { &ks_mode_storm,
					       &ks_mode_sweep };

void ks_scenario_run(struct ks_run *run, const struct ks_scenario *sc)
{
	struct scn s = { .run = run, .sc = sc, .mode = modes[!!sc->sweep],
			 .max_current = -1,
			 .reached_ns = -1,
			 .taint_before = ks_sysinfo_tainted(),
			 .taint_after = -1, .kmemleak_objects = -1,
			 .dying_max = -1, .dying_end = -1 };
	char err[256];
	int64_t t0 = ks_now_ns();
	int ran;

	s.ctx.seed = sc->seed ? (uint64_t)sc->seed : draw_seed();
	ks_memcg_stats_init(&s.last);
	ks_errno_truth_init(&s.truth, sc);
	s.kmsg_lost0 = run->kmsg.lost;
	ks_scn_journal_start(&s);
	ks_progress_start(run, sc);

	if (run->have_cg && sc->leak_check)
		ks_leak_baseline(&s.leak, &run->runcg);
	ran = prepare(&s) == 0;
	if (ran) {
		if (run->plan->kmsg_markers)
			ks_kmsg_marker("scenario %s start", sc->name);
		s.cpu_ms = self_cpu_ms();
		s.mode->monitor(&s);
		s.cpu_ms = self_cpu_ms() - s.cpu_ms;
		s.mode->disarm(&s);
		ks_crew_stop(&s.crew, &s.cg, stop_grace_ms(run->plan, sc));
		ks_shape_churn_stop(s.shape, stop_grace_ms(run->plan, sc));
		s.storm_ms = ks_ms_since(s.start_ns);
		sample(&s);
		s.dying_end = s.last.nr_dying_descendants;
		ks_victim_stop(s.victim, stop_grace_ms(run->plan, sc));
	} else if (s.crew.shm) {
		/* Some workers may have started before a later one failed. */
		s.mode->disarm(&s);
		ks_crew_stop(&s.crew, &s.cg, 0);
		ks_shape_churn_stop(s.shape, 0);
	}
	ks_victim_stop(s.victim, 0);

	/* Unmounting a filesystem the storm broke may print its reports. */
	if (s.setup_done && sc->wl->teardown)
		sc->wl->teardown(&s.ctx);
	if (ran) {
		/* Reports the workers' last moments caused may lag a little. */
		ks_scn_watch_kmsg(&s, 1, 0);
		ks_kmemleak_scan(&s);
		/* Every worker gone, the log read: the injections' messages. */
		ks_inject_kmsg_counts(&s.inj, s.inj_report);
		if (run->plan->kmsg_markers)
			ks_kmsg_marker("scenario %s end", sc->name);
		s.taint_after = ks_sysinfo_tainted();
		if (s.taint_before >= 0 && s.taint_after >= 0)
			s.out.taint_new = (int)(s.taint_after & ~s.taint_before);
		/* The W of WARNINGs allow_report lets pass is theirs. */
		if (s.out.allowed_reports && !s.out.kernel_reports)
			s.out.taint_new &= ~(1 << KS_TAINT_WARN);
		ks_scn_decide(&s);
	}
	if (s.ctx.workdir[0] && rmdir(s.ctx.workdir) && errno != ENOENT)
		workdir_left(&s);
	if (s.have_cg && ks_cg_destroy(&s.cg, err, sizeof(err)))
		ks_verdict_set(&s.vr, KS_ERROR, "%s", err);
	else if (s.have_cg && sc->leak_check)
		ks_scn_judge_leak(&s);

	switch (s.vr.verdict) {
	case KS_PASS: run->npass++; break;
	case KS_FAIL: run->nfail++; break;
	case KS_SKIP: run->nskip++; break;
	case KS_ERROR: run->nerror++; break;
	}
	ks_scn_journal_end(&s, (ks_now_ns() - t0) / 1000000);
	ks_progress_done(run, sc, &s.vr, s.out.ops,
			 (ks_now_ns() - t0) / 1000000, s.reached_ns < 0 ? -1 :
			 (s.reached_ns - s.start_ns) / 1000000);
	if (run->kmsg.lost > s.kmsg_lost0)
		fprintf(stderr,
			"kmemstorm: [%d/%d] %s: %llu kernel log records wrapped out of the ring before they were read: reports among them are missed (journal: kmsg_lost)\n",
			run->index, run->plan->nscenarios, sc->name,
			(unsigned long long)(run->kmsg.lost - s.kmsg_lost0));
	ks_crew_free(&s.crew);
	ks_shape_free(s.shape);
	json_decref(s.shape_summary);
	ks_victim_free(s.victim);
	json_decref(s.victim_summary);
	if (s.mode->free)
		s.mode->free(&s);
	json_decref(s.inj_report);
}
