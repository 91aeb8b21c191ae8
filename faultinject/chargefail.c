// SPDX-License-Identifier: GPL-2.0
/*
 * Real memcg charge failures: not an allocation failing (failslab), but
 * the charge of an accounted allocation meeting the cgroup's limit with
 * nothing to reclaim and nobody to kill, so that try_charge_memcg()
 * returns -ENOMEM to the allocation site.
 *
 * Nobody to kill: every worker writes -1000 to its oom_score_adj (needs
 * CAP_SYS_RESOURCE), or on cgroup v1 the cgroup gets memory.oom_control
 * = 1.  With the first, each failed charge still runs the OOM killer,
 * which finds no victim and prints "Out of memory and no killable
 * processes..." (a fact under chargefail, classified as info); with the
 * second, no OOM report is printed.  Either way a page fault that fails
 * its charge never returns ENOMEM: v2 retries it forever, v1 parks the
 * task in the OOM wait queue.  So workers lock their memory (mlockall)
 * before the storm, while the limit is still wide.
 *
 * The limit: from start_ms into the storm on, every interval_ms it steps
 * down towards the usage (faultinject/chargefail.h), so the storm lives
 * just below it.  Allocations the kernel must not fail (__GFP_NOFAIL,
 * socket buffers, __GFP_HIGH, reclaim's own) are force-charged past the
 * limit: that overshoot is measured, from the samples and, on v2 since
 * 6.12, from a memory.peak of our own reset at every step.
 *
 * Nothing outside the scenario is touched: oom_score_adj is the workers'
 * own and dies with them, memory.max and oom_control belong to the
 * scenario's cgroup (the plan's limit goes back at disarm so that waiting
 * workers can finish; the cgroup is removed after).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chargefail.h"
#include "injector.h"
#include "utf8.h"

enum {
	O_METHOD, O_START_MS, O_INTERVAL_MS, O_STEP, O_MARGIN, O_FLOOR,
	O_MLOCK,
};

static const struct ks_opt_desc chargefail_opts[] = {
	[O_METHOD] = { "method", KS_OPT_STRING, "auto", 0, 0,
		"how no worker can be OOM-killed: oom_score_adj (-1000 in "
		"each worker; needs CAP_SYS_RESOURCE), oom_control (cgroup "
		"v1 memory.oom_control = 1), auto (oom_score_adj where it "
		"works, else oom_control on v1)" },
	[O_START_MS] = { "start_ms", KS_OPT_INT, "1000", 0, INT_MAX,
		"milliseconds into the storm before the first step" },
	[O_INTERVAL_MS] = { "interval_ms", KS_OPT_INT, "1000", 1, INT_MAX,
		"milliseconds between steps (taken at samples, so no "
		"shorter than sample_interval)" },
	[O_STEP] = { "step", KS_OPT_SIZE, "4M", 0, 0,
		"how much a step lowers the limit, and how far above the "
		"usage it may be after one; 0: straight to usage + margin" },
	[O_MARGIN] = { "margin", KS_OPT_SIZE, "512K", 0, 0,
		"a step never sets the limit closer than this above the "
		"usage of the moment, so that setting it reclaims nothing" },
	[O_FLOOR] = { "floor", KS_OPT_SIZE, "4M", 0, 0,
		"the limit never goes below this" },
	[O_MLOCK] = { "mlock", KS_OPT_BOOL, "yes", 0, 0,
		"each worker locks its memory (mlockall) before the storm, so "
		"that its own pages are charged while the limit is still "
		"wide: a page fault failing its charge is retried forever "
		"(v2) or waits for memory (v1 oom_control), ENOMEM never "
		"reaches the storm" },
	{ NULL },
};

enum { M_SCORE_ADJ, M_OOM_CONTROL };
static const char *const method_names[] = { "oom_score_adj", "oom_control" };

#define KS_CF_MAX_STEPS	512	/* limit history for the report */
#define KS_CF_MAX_PIDS	1024	/* tasks checked for oom_score_adj */

struct cf_step {
	int64_t t_ms;		/* ms into the storm */
	int64_t limit;		/* set (INT64_MAX: none) */
	int64_t usage;		/* when it was set */
	int64_t peak;		/* highest usage under it; -1 unknown */
};

struct cf {
	int method;
	struct ks_squeeze q;
	int64_t start_ms, interval_ms, next_ms;
	int64_t plan_limit;	/* at arm: the plan's, or none */
	int64_t limit;		/* in force */
	struct cf_step step[KS_CF_MAX_STEPS];
	int nsteps;
	int64_t steps_dropped;
	int64_t held_tight;	/* step times with the limit at usage */
	int64_t held_killable;	/* ... with a task still killable */
	int64_t refused;	/* v1: EBUSY, usage could not be reclaimed */
	int64_t errors;
	char error[200];
	int peak_fd;		/* our own memory.peak; -1: none */
	/* over samples: usage - limit in force */
	int64_t samples, samples_over;
	int64_t over_max, over_ms, over_limit;
	int64_t peak_end;	/* memory.peak at disarm */
	char restore_error[200];
	/* ENOMEM per operation: at the first step, at the last sample */
	int squeezing;
	uint64_t base[KS_MAX_OPS], last[KS_MAX_OPS];
	pid_t pids[KS_CF_MAX_PIDS];
};

int64_t ks_squeeze_next(const struct ks_squeeze *q, int64_t limit,
			int64_t usage)
{
	int64_t lo = usage + q->margin, want;

	if (lo < q->floor)
		lo = q->floor;
	if (!q->step)
		want = lo;
	else if (limit == INT64_MAX || limit - q->step > usage + q->step)
		want = usage + q->step;	/* far above: start here */
	else
		want = limit - q->step;
	if (want < lo)
		want = lo;
	/* The kernel rounds a limit down to pages: state what it holds. */
	if (q->page > 1 && want % q->page)
		want += q->page - want % q->page;
	return want < limit ? want : limit;
}

static int method_of(const char *s)
{
	if (!strcmp(s, "auto"))
		return -1;
	if (!strcmp(s, "oom_score_adj"))
		return M_SCORE_ADJ;
	if (!strcmp(s, "oom_control"))
		return M_OOM_CONTROL;
	return -2;
}

static int cf_check(int opt, const struct ks_opt_value *v, char *err,
		    size_t errlen)
{
	if (opt == O_METHOD && method_of(v->str) == -2) {
		snprintf(err, errlen,
			 "'%s' is not auto, oom_score_adj or oom_control",
			 v->str);
		return -1;
	}
	return 0;
}

/* 0, or the errno of making this process unkillable. */
static int score_adj_min(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	int e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, "-1000", 5) != 5)
		e = errno ? errno : EIO;
	if (close(fd) && !e)
		e = errno;
	return e;
}

/*
 * Fault in and lock what the worker has (copy-on-write pages shared with
 * the harness, some stack) and what it maps later (MCL_FUTURE populates
 * at mmap time, while there is memory; if there is none the mmap still
 * succeeds and the fault comes later).
 */
static void lock_memory(void)
{
	volatile char stack[256 << 10];
	size_t i;

	for (i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 0;
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fprintf(stderr, "kmemstorm: chargefail: mlockall: %s\n",
			strerror(errno));
}

/* In each worker, before its storm. */
static void cf_worker(const struct ks_inj_ctx *ctx)
{
	int m = method_of(ctx->opt[O_METHOD].str), e;

	if (ctx->opt[O_MLOCK].num)
		lock_memory();
	if (m == M_OOM_CONTROL)
		return;
	e = score_adj_min();
	/* With auto, arm() finds the same refusal and takes oom_control. */
	if (e && m == M_SCORE_ADJ)
		fprintf(stderr, "kmemstorm: chargefail: /proc/self/oom_score_adj: %s\n",
			strerror(e));
}

/*
 * Whether the workers will manage: a child of ours tries it on itself
 * (capable() asks the initial user namespace; only trying tells).
 */
static int probe_score_adj(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return errno;
	if (!pid)
		_exit(score_adj_min());
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

static int pick_method(struct ks_inj_ctx *ctx, struct cf *a)
{
	int m = method_of(ctx->opt[O_METHOD].str);
	int e = m == M_OOM_CONTROL ? 0 : probe_score_adj();
	struct ks_cg_limits lim;
	char err[200];

	if (m != M_OOM_CONTROL && !e) {
		a->method = M_SCORE_ADJ;
		return 0;
	}
	if (m == M_SCORE_ADJ || (m < 0 && ctx->cg->version != KS_CG_V1)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "workers cannot be made unkillable: writing -1000 to oom_score_adj: %s (needs CAP_SYS_RESOURCE)%s",
			 strerror(e), m < 0 ?
			 "; memory.oom_control, the other way, is cgroup v1 only" :
			 "");
		return KS_INJ_UNSUPPORTED;
	}
	ks_cg_limits_init(&lim);
	lim.oom_kill_disable = 1;
	if (ks_cg_set_limits(ctx->cg, &lim, err, sizeof(err))) {
		snprintf(ctx->err, sizeof(ctx->err), "%s", err);
		return ctx->cg->version == KS_CG_V1 ? KS_INJ_FAILED :
		       KS_INJ_UNSUPPORTED;
	}
	a->method = M_OOM_CONTROL;
	return 0;
}

static int cf_arm(struct ks_inj_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct ks_memcg_stats st;
	struct cf *a;
	int r;

	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(ctx->err, sizeof(ctx->err), "out of memory");
		return KS_INJ_FAILED;
	}
	ctx->priv = a;
	a->peak_fd = -1;
	a->peak_end = -1;
	a->q.step = o[O_STEP].num;
	a->q.margin = o[O_MARGIN].num;
	a->q.floor = o[O_FLOOR].num;
	a->q.page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	a->start_ms = o[O_START_MS].num;
	a->interval_ms = o[O_INTERVAL_MS].num;
	a->next_ms = a->start_ms;
	if (!ctx->cg || ks_cg_read_stats(ctx->cg, &st) || st.current < 0) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "cannot read the scenario cgroup's usage");
		return KS_INJ_FAILED;
	}
	r = pick_method(ctx, a);
	if (r)
		return r;
	a->plan_limit = st.limit >= 0 ? st.limit : INT64_MAX;
	a->limit = a->plan_limit;
	a->step[0] = (struct cf_step){ 0, a->limit, st.current, -1 };
	a->nsteps = 1;
	/* Where the kernel cannot reset a peak of ours: samples only. */
	a->peak_fd = ks_cg_peak_open(ctx->cg, NULL, 0);
	if (a->peak_fd < 0)
		a->peak_fd = -1;
	return 0;
}

/* Is every task of the cgroup out of the OOM killer's reach? */
static int unkillable(struct ks_inj_ctx *ctx, struct cf *a)
{
	char path[64], buf[32];
	int i, n;

	if (a->method == M_OOM_CONTROL)
		return 1;	/* set by arm(), on a cgroup only we write */
	n = ks_cg_pids(ctx->cg, a->pids, KS_CF_MAX_PIDS);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj",
			 (int)a->pids[i]);
		/* Gone since: nothing to kill either. */
		if (ks_file_read(path, buf, sizeof(buf)) < 0)
			continue;
		if (atoi(buf) != -1000)
			return 0;
	}
	return 1;
}

static void sample_overshoot(struct cf *a, int64_t t_ms,
			     const struct ks_memcg_stats *st)
{
	int64_t limit = st->limit >= 0 ? st->limit : a->limit, over;

	if (st->current < 0 || limit == INT64_MAX)
		return;
	over = st->current - limit;
	if (over > 0)
		a->samples_over++;
	if (!a->samples++ || over > a->over_max) {
		a->over_max = over;
		a->over_ms = t_ms;
		a->over_limit = limit;
	}
}

/* The peak of our own memory.peak for the limit in force, then reset. */
static void close_interval(struct cf *a, int reset)
{
	int64_t p;

	if (a->peak_fd < 0)
		return;
	p = ks_cg_peak_read(a->peak_fd);
	if (p >= 0)
		a->step[a->nsteps - 1].peak = p;
	if (reset)
		ks_cg_peak_reset(a->peak_fd);
}

static void add_step(struct cf *a, int64_t t_ms, int64_t limit,
		     int64_t usage)
{
	if (a->nsteps == KS_CF_MAX_STEPS) {
		/* Keep the first ones and the latest. */
		a->steps_dropped++;
		a->nsteps--;
	}
	a->step[a->nsteps++] = (struct cf_step){ t_ms, limit, usage, -1 };
}

static void cf_tick(struct ks_inj_ctx *ctx, const struct ks_memcg_stats *st)
{
	struct cf *a = ctx->priv;
	int64_t next;
	char err[200];
	int r;

	if (!a)
		return;
	sample_overshoot(a, ctx->elapsed_ms, st);
	if (ctx->sum)
		memcpy(a->last, ctx->sum->enomem, sizeof(a->last));
	if (ctx->elapsed_ms < a->next_ms || st->current < 0)
		return;
	a->next_ms += a->interval_ms;
	if (a->next_ms <= ctx->elapsed_ms)
		a->next_ms = ctx->elapsed_ms + a->interval_ms;
	next = ks_squeeze_next(&a->q, a->limit, st->current);
	if (next >= a->limit) {
		a->held_tight++;
		return;
	}
	if (!unkillable(ctx, a)) {
		a->held_killable++;
		return;
	}
	r = ks_cg_set_max(ctx->cg, next, err, sizeof(err));
	if (r == -EBUSY) {
		a->refused++;
		return;
	}
	if (r) {
		if (!a->errors++)
			snprintf(a->error, sizeof(a->error), "%s", err);
		return;
	}
	close_interval(a, 1);
	add_step(a, ctx->elapsed_ms, next, st->current);
	a->limit = next;
	if (!a->squeezing) {
		a->squeezing = 1;
		memcpy(a->base, a->last, sizeof(a->base));
	}
}

static void cf_disarm(struct ks_inj_ctx *ctx)
{
	struct cf *a = ctx->priv;
	struct ks_memcg_stats st;

	if (!a)
		return;
	/* What the workers met since the last tick is squeezed too. */
	if (ctx->sum)
		memcpy(a->last, ctx->sum->enomem, sizeof(a->last));
	close_interval(a, 0);
	if (a->peak_fd >= 0)
		close(a->peak_fd);
	a->peak_fd = -1;
	if (ctx->cg && !ks_cg_read_stats(ctx->cg, &st))
		a->peak_end = st.peak;
	/*
	 * The plan's limit back, so that workers waiting for memory (v1
	 * OOM wait, v2 page faults retried) see the stop and exit in time.
	 */
	if (a->nsteps > 1 &&
	    ks_cg_set_max(ctx->cg, a->plan_limit, a->restore_error,
			  sizeof(a->restore_error)) == 0)
		a->restore_error[0] = '\0';
}

static json_t *steps_json(const struct cf *a)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; i < a->nsteps; i++) {
		const struct cf_step *s = &a->step[i];
		json_t *o = json_pack("{s:I, s:I, s:I}", "t_ms",
				      (json_int_t)s->t_ms, "limit",
				      (json_int_t)s->limit, "usage",
				      (json_int_t)s->usage);

		if (s->peak >= 0)
			json_object_set_new(o, "peak", json_integer(s->peak));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *overshoot_json(const struct cf *a, int64_t lowest)
{
	json_t *o = json_pack("{s:I, s:I}", "samples", (json_int_t)a->samples,
			      "samples_over", (json_int_t)a->samples_over);
	int64_t best = INT64_MIN, best_limit = 0;
	int i;

	if (a->samples) {
		json_object_set_new(o, "sampled_max",
				    json_integer(a->over_max));
		json_object_set_new(o, "sampled_max_ms",
				    json_integer(a->over_ms));
		json_object_set_new(o, "sampled_max_limit",
				    json_integer(a->over_limit));
	}
	for (i = 0; i < a->nsteps; i++) {
		const struct cf_step *s = &a->step[i];

		if (s->peak >= 0 && s->limit != INT64_MAX &&
		    s->peak - s->limit > best) {
			best = s->peak - s->limit;
			best_limit = s->limit;
		}
	}
	if (best != INT64_MIN) {
		json_object_set_new(o, "peak_max", json_integer(best));
		json_object_set_new(o, "peak_max_limit",
				    json_integer(best_limit));
	}
	if (a->peak_end >= 0) {
		json_object_set_new(o, "peak", json_integer(a->peak_end));
		if (lowest != INT64_MAX)
			json_object_set_new(o, "peak_over_lowest",
					    json_integer(a->peak_end - lowest));
	}
	return o;
}

static json_t *enomem_json(const struct ks_inj_ctx *ctx, const struct cf *a)
{
	uint64_t before = 0, during = 0;
	json_t *by = json_object();
	int k;

	for (k = 0; k < KS_MAX_OPS; k++) {
		uint64_t b = a->squeezing ? a->base[k] : a->last[k];
		uint64_t d = a->last[k] - b;

		before += b;
		during += d;
		if (d && ctx->ops && ctx->ops[k])
			json_object_set_new(by, ctx->ops[k],
					    json_integer((json_int_t)d));
	}
	return json_pack("{s:I, s:I, s:o}", "before_squeeze",
			 (json_int_t)before, "squeezed", (json_int_t)during,
			 "by_op", by);
}

static json_t *cf_report(struct ks_inj_ctx *ctx)
{
	struct cf *a = ctx->priv;
	json_t *o;

	if (!a)
		return NULL;
	if (!a->nsteps) {
		/* arm() gave up before choosing a method: nothing to say. */
		free(a);
		ctx->priv = NULL;
		return NULL;
	}
	o = json_pack("{s:o, s:I, s:I, s:o, s:I}",
		      "method", ks_json_text(method_names[a->method]),
		      "plan_limit", (json_int_t)a->plan_limit,
		      "lowest_limit", (json_int_t)a->limit,
		      "steps", steps_json(a),
		      "steps_taken", (json_int_t)(a->nsteps - 1 +
						   a->steps_dropped));
	if (a->steps_dropped)
		json_object_set_new(o, "steps_dropped",
				    json_integer(a->steps_dropped));
	json_object_set_new(o, "held", json_pack("{s:I, s:I}",
		"at_usage", (json_int_t)a->held_tight,
		"killable_task", (json_int_t)a->held_killable));
	json_object_set_new(o, "refused", json_integer(a->refused));
	if (a->errors) {
		json_object_set_new(o, "errors", json_integer(a->errors));
		json_object_set_new(o, "error", ks_json_text(a->error));
	}
	json_object_set_new(o, "overshoot", overshoot_json(a, a->limit));
	json_object_set_new(o, "enomem", enomem_json(ctx, a));
	if (a->restore_error[0])
		json_object_set_new(o, "restore_error",
				    ks_json_text(a->restore_error));
	free(a);
	ctx->priv = NULL;
	return o;
}

const struct ks_injector ks_inj_chargefail = {
	.name = "chargefail",
	.summary = "real memcg charge failures: no worker can be OOM-killed "
		   "and the limit is squeezed down to the usage in steps",
	.opts = chargefail_opts,
	.one_cgroup = true,
	.worker = cf_worker,
	.arm = cf_arm,
	.tick = cf_tick,
	.disarm = cf_disarm,
	.report = cf_report,
	.check = cf_check,
};
