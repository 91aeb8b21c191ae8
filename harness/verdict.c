// SPDX-License-Identifier: GPL-2.0
#include "verdict.h"

#include "sysinfo.h"
#include "units.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void reason(struct ks_verdict_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reason(struct ks_verdict_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nreasons >= KS_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason[r->nreasons++], sizeof(r->reason[0]), fmt, ap);
	va_end(ap);
}

/* "expect.X = yes" met by count > 0, "= no" by count == 0. */
static void check(struct ks_verdict_result *r, enum ks_expect e,
		  int64_t count, const char *what, const char *key)
{
	if (e == KS_EXPECT_YES && count <= 0)
		reason(r, "%s never happened (%s = yes)", what, key);
	else if (e == KS_EXPECT_NO && count > 0)
		reason(r, "%s happened %lld times (%s = no)", what,
		       (long long)count, key);
}

/*
 * A limit is held when usage stays within expect.max_overshoot of it; a
 * limit "hit" by usage running past it is a runaway, the very thing the
 * harness is for, whatever expect.limit_hit says.
 */
static void overshoot(const struct ks_expectations *x,
		      const struct ks_outcome *o, struct ks_verdict_result *r)
{
	char peak[16], over[16], lim[16], allow[16], smax[16];

	if (x->max_overshoot < 0 || o->limit < 0 || o->peak < 0 ||
	    o->peak <= o->limit + x->max_overshoot)
		return;
	ks_format_size(o->peak, peak, sizeof(peak));
	ks_format_size(o->peak - o->limit, over, sizeof(over));
	ks_format_size(o->limit, lim, sizeof(lim));
	ks_format_size(x->max_overshoot, allow, sizeof(allow));
	ks_format_size(o->sampled_max, smax, sizeof(smax));
	reason(r, "usage not held at the limit: peak %s is %s over memory.max %s (sampled max %s; expect.max_overshoot = %s)",
	       peak, over, lim, o->sampled_max >= 0 ? smax : "-", allow);
}

void ks_verdict_decide(const struct ks_expectations *x,
		       const struct ks_outcome *o, struct ks_verdict_result *r)
{
	char d[32];

	memset(r, 0, sizeof(*r));
	if (o->interrupted) {
		r->verdict = KS_ERROR;
		reason(r, "interrupted before the end");
		return;
	}
	if (o->kernel_reports && x->kernel_report == KS_EXPECT_NO)
		reason(r, "kernel report: %s%s", o->first_report,
		       o->kernel_reports > 1 ? " (and more)" : "");
	else
		check(r, x->kernel_report, o->kernel_reports, "kernel report",
		      "expect.kernel_report");
	if (o->taint_new && x->kernel_report == KS_EXPECT_NO) {
		char why[160];

		reason(r, "kernel became tainted: %s",
		       ks_taint_describe(o->taint_new, why, sizeof(why)));
	}
	if (o->crashed)
		reason(r, "%d worker(s) crashed, first %s", o->crashed,
		       o->first_crash);
	/* A SIGKILL nobody accounts for is not the OOM killer doing its job. */
	if (o->killed > o->oom_kills)
		reason(r, "%d worker(s) SIGKILLed but only %lld OOM kill(s)",
		       o->killed, (long long)o->oom_kills);
	/* A storm stopped for running away: the overshoot says it all. */
	if (o->ran_away)
		;
	else if (x->limit_hit == KS_EXPECT_YES && o->limit_hits <= 0 &&
	    o->until_limit_ms > 0)
		reason(r, "memory limit hit never happened within duration.until_limit = %s (expect.limit_hit = yes)",
		       ks_format_duration(o->until_limit_ms, d, sizeof(d)));
	else
		check(r, x->limit_hit, o->limit_hits, "memory limit hit",
		      "expect.limit_hit");
	check(r, x->oom_kill, o->oom_kills, "memcg OOM kill",
	      "expect.oom_kill");
	check(r, x->enomem, o->enomem, "ENOMEM", "expect.enomem");
	if (o->enomem_surfaced && x->enomem_surfaced == KS_EXPECT_NO)
		reason(r, "ENOMEM surfaced as another errno %lld times, first %s (expect.enomem_surfaced = no)",
		       (long long)o->enomem_surfaced, o->first_surfaced);
	else
		check(r, x->enomem_surfaced, o->enomem_surfaced,
		      "ENOMEM surfaced as another errno",
		      "expect.enomem_surfaced");
	if (x->min_ops >= 0 && o->ops < x->min_ops)
		reason(r, "%lld operations, fewer than expect.min_ops = %lld",
		       (long long)o->ops, (long long)x->min_ops);
	overshoot(x, o, r);
	r->verdict = r->nreasons ? KS_FAIL : KS_PASS;
}

void ks_verdict_set(struct ks_verdict_result *r, enum ks_verdict v,
		    const char *fmt, ...)
{
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->verdict = v;
	r->nreasons = 1;
	va_start(ap, fmt);
	vsnprintf(r->reason[0], sizeof(r->reason[0]), fmt, ap);
	va_end(ap);
}

void ks_verdict_fail(struct ks_verdict_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->verdict == KS_SKIP || r->verdict == KS_ERROR)
		return;
	r->verdict = KS_FAIL;
	if (r->nreasons >= KS_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason[r->nreasons++], sizeof(r->reason[0]), fmt, ap);
	va_end(ap);
}

const char *ks_verdict_name(enum ks_verdict v)
{
	static const char *const names[] = { "pass", "fail", "skip", "error" };

	return v <= KS_ERROR ? names[v] : "?";
}

int ks_exit_code(int pass, int fail, int skip, int error)
{
	if (error)
		return 2;
	if (fail)
		return 1;
	if (skip && !pass)
		return 4;
	return 0;
}
