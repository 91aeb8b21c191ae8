// SPDX-License-Identifier: GPL-2.0
/*
 * mode = sweep: one worker runs faultinject/sweep.c's fail-nth loop; here
 * the harness takes each step's record, drains the kernel log, attributes
 * what it printed to that (operation, n), journals it, and lets the next
 * step go.  Findings (kernel bugs, ENOMEM surfaced as another errno) carry
 * the command that replays them.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errnoset.h"
#include "knobs.h"
#include "scenario_internal.h"
#include "utf8.h"

#define MAX_SITES	64

struct site {
	char name[128];
	int32_t n;			/* first n that failed here */
	int count;
	int err;			/* errno of that step's failure, 0 none */
};

struct op_sum {
	const char *status;		/* NULL while running */
	int steps, fired;
	int32_t last_n;
	int nsites;
	struct site sites[MAX_SITES];
};

struct ks_sweep_mon {
	int out[2], ack[2];
	json_t *pending;		/* kernel_report records of the step */
	struct op_sum ops[KS_MAX_OPS];
	int64_t steps, findings;
	int cur_op;			/* op of the last record, -1 none */
};

static int sweep_run(struct ks_wl_ctx *ctx, void *arg)
{
	struct scn *s = arg;
	struct ks_sweep_mon *m = s->sweep;

	close(m->out[0]);
	close(m->ack[1]);
	return ks_sweep_worker(ctx, &s->sc->sweep_cfg, m->out[1], m->ack[0]);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int sweep_start(struct scn *s)
{
	struct ks_sweep_mon *m = calloc(1, sizeof(*m));
	char why[512];
	int r;

	if (!m) {
		ks_verdict_set(&s->vr, KS_ERROR, "sweep: out of memory");
		return -1;
	}
	s->sweep = m;
	m->out[0] = m->out[1] = m->ack[0] = m->ack[1] = -1;
	m->cur_op = -1;
	m->pending = json_array();
	if (pipe(m->out) || pipe(m->ack)) {
		ks_verdict_set(&s->vr, KS_ERROR, "sweep: pipe: %s",
			       strerror(errno));
		return -1;
	}
	r = ks_sweep_arm(why, sizeof(why));
	if (r) {
		ks_verdict_set(&s->vr, r > 0 ? KS_SKIP : KS_ERROR, "%s", why);
		return -1;
	}
	ks_errno_truth_pressure(&s->truth, 0, "fail-nth sweep");
	s->crew.run = sweep_run;
	s->crew.run_arg = s;
	r = ks_crew_start(&s->crew, &s->cg);
	if (r) {
		ks_verdict_set(&s->vr, KS_ERROR, "starting the sweep worker in %s: %s",
			       s->cg.path, strerror(-r));
		return -1;
	}
	/* Only the worker writes records: its death is our EOF. */
	close_fd(&m->out[1]);
	close_fd(&m->ack[0]);
	return 0;
}

static int sweep_hold_report(struct scn *s, json_t *rec,
			     const struct ks_kreport *r)
{
	(void)r;
	if (!s->sweep_stepping)
		return 0;
	/* Held until the step it belongs to is known. */
	json_array_append(s->sweep->pending, rec);
	return 1;
}

static void add_site(struct op_sum *o, const char *site,
		     const struct ks_sweep_rec *r)
{
	int i;

	for (i = 0; i < o->nsites; i++)
		if (!strcmp(o->sites[i].name, site)) {
			o->sites[i].count++;
			return;
		}
	if (o->nsites == MAX_SITES)
		return;
	snprintf(o->sites[i].name, sizeof(o->sites[i].name), "%s", site);
	o->sites[i].n = r->n;
	o->sites[i].count = 1;
	o->sites[i].err = r->fails ? r->err : 0;
	o->nsites++;
}

/* Is a failure with errno e of op what the storm allows under pressure? */
static int allowed(const struct ks_scenario *sc, int op, int e)
{
	struct ks_errno_set set;

	ks_errno_allowed(sc, op, &set);
	return ks_errno_set_has(&set, e);
}

static void finding(struct scn *s, const struct ks_sweep_rec *r,
		    const char *what)
{
	const char *op = s->sc->wl->ops[r->op];
	json_t *o = ks_scn_record("sweep_finding", s);

	s->sweep->findings++;
	if (!o)
		return;
	json_object_set_new(o, "op", ks_json_text(op));
	json_object_set_new(o, "n", json_integer(r->n));
	json_object_set_new(o, "finding", ks_json_text(what));
	/* JOURNAL: this one, wherever it ends up (a guest's comes home). */
	json_object_set_new(o, "replay", json_sprintf(
		"kmemstorm replay JOURNAL --scenario %s --op %s --nth %d",
		s->sc->name, op, r->n));
	ks_journal_write(&s->run->journal, o);
}

/* Journal one step with what the kernel printed meanwhile. */
static void take_step(struct scn *s, const struct ks_sweep_rec *r)
{
	struct ks_sweep_mon *m = s->sweep;
	struct ks_kmsg *k = &s->run->kmsg;
	struct op_sum *o = &m->ops[r->op];
	json_t *rec, *titles = json_array(), *p;
	char site[128] = "", name[16], what[256];
	int bug = 0;
	size_t i;

	ks_scn_watch_kmsg(s, 2, 0);
	if (k->cls.fi_new) {
		snprintf(site, sizeof(site), "%s", k->cls.fi.guilty[0] ?
			 k->cls.fi.guilty : "?");
		k->cls.fi_new = 0;
	}
	json_array_foreach(m->pending, i, p) {
		json_object_set_new(p, "sweep", json_pack("{s:o, s:i}", "op",
			ks_json_text(s->sc->wl->ops[r->op]), "n", r->n));
		json_array_append(titles, json_object_get(p, "title"));
		bug |= !strcmp(json_string_value(json_object_get(p,
						 "severity")) ?: "", "bug") &&
		       !json_is_true(json_object_get(p, "allowed"));
		ks_journal_write(&s->run->journal, json_incref(p));
	}
	json_array_clear(m->pending);
	rec = ks_scn_record("sweep_step", s);
	if (rec) {
		json_object_set_new(rec, "op", ks_json_text(s->sc->wl->ops[r->op]));
		json_object_set_new(rec, "n", json_integer(r->n));
		json_object_set_new(rec, "fired", json_boolean(r->fired));
		json_object_set_new(rec, "ok", json_integer(r->ok));
		json_object_set_new(rec, "fails", json_integer(r->fails));
		if (r->fail_op >= 0) {
			json_object_set_new(rec, "errno", ks_json_text(
				ks_errno_name(r->err, name, sizeof(name))));
			json_object_set_new(rec, "fail_op", ks_json_text(
				s->sc->wl->ops[r->fail_op]));
		}
		if (site[0])
			json_object_set_new(rec, "site", ks_json_text(site));
		json_object_set_new(rec, "us", json_integer(r->us));
		json_object_set_new(rec, "reports", json_incref(titles));
	}
	ks_journal_write(&s->run->journal, rec);
	m->steps++;
	o->steps++;
	o->last_n = r->n;
	if (r->fired) {
		o->fired++;
		add_site(o, site[0] ? site : "(no message: __GFP_NOWARN)", r);
	}
	if (bug) {
		snprintf(what, sizeof(what), "kernel report: %s",
			 json_string_value(json_array_get(titles, 0)));
		finding(s, r, what);
	}
	if (r->fired && r->fail_op >= 0 &&
	    !allowed(s->sc, r->fail_op, r->err)) {
		snprintf(what, sizeof(what), "ENOMEM surfaced as %s from %s",
			 ks_errno_name(r->err, name, sizeof(name)),
			 s->sc->wl->ops[r->fail_op]);
		finding(s, r, what);
		if (!s->out.enomem_surfaced++)
			snprintf(s->out.first_surfaced,
				 sizeof(s->out.first_surfaced), "%s from %s",
				 name, s->sc->wl->ops[r->fail_op]);
	}
	json_decref(titles);
}

static const char *const status_of[] = {
	[KS_SWEEP_DONE] = "done", [KS_SWEEP_LIMIT] = "max_n reached",
	[KS_SWEEP_SKIPPED] = "skipped", [KS_SWEEP_NO_FAILNTH] = "no fail-nth",
};

static void op_end(struct scn *s, const struct ks_sweep_rec *r)
{
	struct op_sum *o;
	json_t *rec;
	char name[16];

	if (r->op < 0 || r->op >= KS_MAX_OPS) {
		ks_verdict_set(&s->vr, KS_SKIP, "sweep: no fail-nth: %s",
			       strerror(r->err));
		return;
	}
	o = &s->sweep->ops[r->op];
	o->status = status_of[r->kind];
	rec = ks_scn_record("sweep_op_end", s);
	if (!rec)
		return;
	json_object_set_new(rec, "op", ks_json_text(s->sc->wl->ops[r->op]));
	json_object_set_new(rec, "status", ks_json_text(o->status));
	json_object_set_new(rec, "steps", json_integer(o->steps));
	json_object_set_new(rec, "sites", json_integer(o->nsites));
	if (r->kind == KS_SWEEP_SKIPPED)
		json_object_set_new(rec, "errno", ks_json_text(
			ks_errno_name(r->err, name, sizeof(name))));
	ks_journal_write(&s->run->journal, rec);
}

static void sweep_monitor(struct scn *s)
{
	struct ks_sweep_mon *m = s->sweep;
	int64_t deadline = s->start_ns + s->sc->duration_ms * 1000000;
	json_t *p;
	size_t i;
	struct pollfd pfd[2] = {
		{ .fd = m->out[0], .events = POLLIN },
		{ .fd = s->run->kmsg.fd, .events = POLLIN },
	};

	s->sweep_stepping = 1;
	while (!ks_interrupted && ks_now_ns() < deadline) {
		struct ks_sweep_rec r;
		ssize_t n;

		ks_scn_watch_kmsg(s, 0, ks_now_ns() + 200 * 1000000LL);
		pfd[1].fd = s->run->kmsg.fd;	/* -1 once a read failed */
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, 200) <= 0 ||
		    !(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(m->out[0], &r, sizeof(r));
		if (n != (ssize_t)sizeof(r))
			break;		/* the worker is gone */
		m->cur_op = r.op;
		if (r.kind == KS_SWEEP_STEP)
			take_step(s, &r);
		else
			op_end(s, &r);
		if (write(m->ack[1], "k", 1) != 1)
			break;
	}
	ks_scn_watch_kmsg(s, 2, 0);
	/* No step to pin them on any more: as they come, from now on. */
	s->sweep_stepping = 0;
	json_array_foreach(m->pending, i, p)
		ks_journal_write(&s->run->journal, json_incref(p));
	json_array_clear(m->pending);
	/* A worker waiting for its ack sees EOF and ends. */
	close_fd(&m->ack[1]);
	if (ks_interrupted)
		s->out.interrupted = 1;
}

static void sweep_disarm(struct scn *s)
{
	s->inj_err[0] = '\0';
	if (s->sweep && ks_knobs_saved())
		ks_knobs_restore(s->inj_err, sizeof(s->inj_err));
	if (s->inj_err[0])
		ks_verdict_set(&s->vr, KS_ERROR, "sweep: %s", s->inj_err);
}

static json_t *sweep_summary(struct scn *s)
{
	struct ks_sweep_mon *m = s->sweep;
	json_t *ops, *o;
	char name[16];
	int k, i;

	if (!m)
		return NULL;
	ops = json_object();
	for (k = 0; k < KS_MAX_OPS && s->sc->wl->ops[k]; k++) {
		struct op_sum *os = &m->ops[k];
		json_t *sites = json_array();

		if (!(s->sc->sweep_cfg.ops & (1u << k)))
			continue;
		for (i = 0; i < os->nsites; i++) {
			json_t *st = json_pack("{s:o, s:i, s:i}", "site",
					       ks_json_text(os->sites[i].name), "n",
					       os->sites[i].n, "count",
					       os->sites[i].count);

			if (os->sites[i].err)
				json_object_set_new(st, "errno", ks_json_text(
					ks_errno_name(os->sites[i].err, name,
						      sizeof(name))));
			json_array_append_new(sites, st);
		}
		o = json_pack("{s:o, s:i, s:i, s:i, s:o}", "status",
			      ks_json_text(os->status ? os->status : "not finished"),
			      "steps", os->steps, "fired", os->fired,
			      "last_n", os->last_n, "sites", sites);
		json_object_set_new(ops, s->sc->wl->ops[k], o);
	}
	return json_pack("{s:o, s:I, s:I}", "ops", ops, "steps",
			 (json_int_t)m->steps, "findings",
			 (json_int_t)m->findings);
}

static void sweep_free(struct scn *s)
{
	struct ks_sweep_mon *m = s->sweep;

	if (!m)
		return;
	close_fd(&m->out[0]);
	close_fd(&m->out[1]);
	close_fd(&m->ack[0]);
	close_fd(&m->ack[1]);
	json_decref(m->pending);
	free(m);
	s->sweep = NULL;
}

static int sweep_workers(const struct ks_scenario *sc)
{
	(void)sc;
	return 1;
}

const struct ks_mode ks_mode_sweep = {
	.name = "sweep",
	.workers = sweep_workers,
	.start = sweep_start,
	.monitor = sweep_monitor,
	.disarm = sweep_disarm,
	.hold_report = sweep_hold_report,
	.summary = sweep_summary,
	.free = sweep_free,
};
