// SPDX-License-Identifier: GPL-2.0
#include "inject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knobs.h"
#include "sysinfo.h"
#include "utf8.h"

void ks_inject_init(struct ks_inject *in, const struct ks_scenario *sc,
		    struct ks_cgroup *cg)
{
	int i;

	memset(in, 0, sizeof(*in));
	in->pending = 0;
	for (i = 0; ks_injectors[i]; i++) {
		struct ks_inj_ctx *c;

		if (!(sc->inject_mask & (1u << i)))
			continue;
		c = &in->ctx[in->n++];
		c->inj = ks_injectors[i];
		c->opt = sc->inj_opt[i];
		c->cg = cg;
		c->limits = &sc->limits;
		c->ops = sc->wl ? sc->wl->ops : NULL;
	}
}

void ks_inject_worker(const struct ks_inject *in)
{
	int i;

	for (i = 0; i < in->n; i++)
		if (in->ctx[i].inj->worker)
			in->ctx[i].inj->worker(&in->ctx[i]);
}

int ks_inject_arm(struct ks_inject *in, char *why, size_t len)
{
	int i, r;

	for (i = 0; i < in->n; i++) {
		struct ks_inj_ctx *c = &in->ctx[i];

		if (c->inj->kernel && !ks_kernel_is_disposable()) {
			snprintf(why, len,
				 "refusing to arm %s: this kernel is not marked disposable (boot it with kmemstorm.disposable=1, as 'kmemstorm vm' does, or force with KMEMSTORM_DISPOSABLE_KERNEL=1)",
				 c->inj->name);
			return 1;
		}
	}
	for (i = 0; i < in->n; i++) {
		struct ks_inj_ctx *c = &in->ctx[i];

		in->armed = true;
		r = c->inj->arm(c);
		if (r) {
			snprintf(why, len, "%s: %s", c->inj->name,
				 c->err[0] ? c->err : "cannot arm");
			return r == KS_INJ_UNSUPPORTED ? 1 : -1;
		}
	}
	return 0;
}

void ks_inject_tick(struct ks_inject *in, const struct ks_memcg_stats *st,
		    const struct ks_counters *sum, int64_t elapsed_ms)
{
	int i;

	for (i = 0; in->armed && i < in->n; i++) {
		in->ctx[i].elapsed_ms = elapsed_ms;
		in->ctx[i].sum = sum;
		if (in->ctx[i].inj->tick)
			in->ctx[i].inj->tick(&in->ctx[i], st);
		in->ctx[i].sum = NULL;	/* the caller's, gone after this */
	}
}

json_t *ks_inject_disarm(struct ks_inject *in, const struct ks_counters *sum,
			 char *err, size_t errlen)
{
	json_t *all;
	int i;

	err[0] = '\0';
	if (!in->armed)
		return NULL;
	in->armed = false;
	for (i = in->n - 1; i >= 0; i--) {
		in->ctx[i].sum = sum;
		if (in->ctx[i].inj->disarm)
			in->ctx[i].inj->disarm(&in->ctx[i]);
		in->ctx[i].sum = NULL;
	}
	/* Whatever failed above, every knob goes back (err says if not). */
	if (ks_knobs_saved())
		ks_knobs_restore(err, errlen);
	all = json_object();
	for (i = 0; i < in->n; i++) {
		json_t *r = in->ctx[i].inj->report ?
			    in->ctx[i].inj->report(&in->ctx[i]) : NULL;

		json_object_set_new(all, in->ctx[i].inj->name,
				    r ? r : json_object());
	}
	return all;
}

void ks_inject_kmsg_counts(const struct ks_inject *in, json_t *all)
{
	int i;

	if (!all)
		return;
	for (i = 0; i < in->n; i++) {
		int k = ks_injector_index(in->ctx[i].inj);
		json_t *r = json_object_get(all, in->ctx[i].inj->name);

		if (r && k >= 0 && in->msgs[k])
			json_object_set_new(r, "kernel_messages",
					    json_integer(in->msgs[k]));
	}
	if (in->msgs_from_workers || in->msgs_from_others) {
		json_t *s = json_pack("{s:I, s:I}",
			"workers", (json_int_t)in->msgs_from_workers,
			"others", (json_int_t)in->msgs_from_others);

		if (in->first_other[0])
			json_object_set_new(s, "first_other",
					    ks_json_text(in->first_other));
		json_object_set_new(all, "stacks", s);
	}
}

static bool worker_comm(const char *comm)
{
	/* workers, their io_uring threads, the stress-ng they exec */
	return !strncmp(comm, KS_WORKER_COMM, strlen(KS_WORKER_COMM)) ||
	       !strncmp(comm, "iou-", 4) || !strncmp(comm, "stress-ng", 9);
}

/*
 * Does this scenario's inj print a stack with each message (verbose=2)?
 * Only then is a message waiting for its "CPU:" line: counting verbose=1
 * messages would take the next warning's stack for an injection's.
 */
static bool prints_stack(const struct ks_inject *in,
			 const struct ks_injector *inj)
{
	int i, k = ks_injector_opt_index(inj, "verbose");

	for (i = 0; k >= 0 && i < in->n; i++)
		if (in->ctx[i].inj == inj)
			return in->ctx[i].opt[k].num >= 2;
	return false;
}

/* "name failslab, interval 1, ...": which injector's message it was */
static void count_message(struct ks_inject *in, const char *name)
{
	int i;

	for (i = 0; ks_injectors[i]; i++) {
		size_t l = strlen(ks_injectors[i]->name);

		if (!strncmp(name, ks_injectors[i]->name, l) &&
		    name[l] == ',') {
			in->msgs[i]++;
			if (prints_stack(in, ks_injectors[i]))
				in->pending++;
		}
	}
}

/*
 * The kernel prints "FAULT_INJECTION: forcing a failure.\nname %pd, ..."
 * in one printk, which the reader gives as two lines; an older reader
 * (or a hand-made log) may keep both on one.
 */
void ks_inject_kmsg(struct ks_inject *in, const char *text)
{
	const char *p;

	if (!in->n)
		return;
	if (in->name_next) {
		in->name_next = false;
		if (!strncmp(text, "name ", 5)) {
			count_message(in, text + 5);
			return;
		}
	}
	if (!strncmp(text, "FAULT_INJECTION: forcing a failure.", 35)) {
		p = strstr(text, "name ");
		if (p)
			count_message(in, p + 5);
		else
			in->name_next = true;
		return;
	}
	/* verbose=2: dump_stack()'s "CPU: 1 UID: 0 PID: 95 Comm: ksw-..." */
	if (in->pending > 0 && !strncmp(text, "CPU: ", 5)) {
		const char *pid = strstr(text, "PID: ");
		const char *comm = strstr(text, "Comm: ");

		in->pending--;
		if (!pid || !comm)
			return;
		if (worker_comm(comm + 6)) {
			in->msgs_from_workers++;
			return;
		}
		if (!in->msgs_from_others++) {
			char c[32] = "";

			sscanf(comm + 6, "%31s", c);
			snprintf(in->first_other, sizeof(in->first_other),
				 "PID %d Comm: %s", atoi(pid + 5), c);
		}
	}
}

/* {"failslab": {"probability": "10", ...}}: every option as planned. */
json_t *ks_inject_plan_json(const struct ks_scenario *sc)
{
	json_t *all = json_object();
	int i, k;

	for (i = 0; ks_injectors[i]; i++) {
		const struct ks_injector *inj = ks_injectors[i];
		json_t *o;

		if (!(sc->inject_mask & (1u << i)))
			continue;
		o = json_object();
		for (k = 0; inj->opts && inj->opts[k].name; k++)
			json_object_set_new(o, inj->opts[k].name,
					    ks_json_text(sc->inj_opt[i][k].str));
		json_object_set_new(all, inj->name, o);
	}
	return all;
}
