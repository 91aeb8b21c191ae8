// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <string.h>

#include "verdict.h"

static struct ks_expectations x;
static struct ks_outcome o;
static struct ks_verdict_result r;

static void init(void)
{
	memset(&x, 0, sizeof(x));
	x.kernel_report = KS_EXPECT_NO;
	x.min_ops = -1;
	x.max_overshoot = -1;
	memset(&o, 0, sizeof(o));
	o.ops = 1000;
	o.peak = -1;
	o.sampled_max = -1;
	o.limit = -1;
}

TestSuite(verdict, .init = init);

Test(verdict, clean_run_passes)
{
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS);
	cr_expect_eq(r.nreasons, 0);
}

Test(verdict, kernel_report_fails_by_default)
{
	o.kernel_reports = 2;
	strcpy(o.first_report, "WARNING: CPU: 0 PID: 1 at mm/memcontrol.c:1");
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"kernel report: WARNING: CPU: 0 PID: 1 at mm/memcontrol.c:1 (and more)");
	x.kernel_report = KS_EXPECT_ANY;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS);
	x.kernel_report = KS_EXPECT_YES;
	o.kernel_reports = 0;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"kernel report never happened (expect.kernel_report = yes)");
}

Test(verdict, taint_fails_unless_reports_allowed)
{
	o.taint_new = 0x200;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
			 "kernel became tainted: W (a WARNING was issued)");
	o.taint_new = 0x280;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_str_eq(r.reason[0],
			 "kernel became tainted: D (the kernel died: Oops or BUG), W (a WARNING was issued)");
	x.kernel_report = KS_EXPECT_ANY;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS);
}

Test(verdict, worker_crash_fails)
{
	o.crashed = 1;
	strcpy(o.first_crash, "worker 1: SIGSEGV");
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0], "1 worker(s) crashed, first worker 1: SIGSEGV");
}

Test(verdict, sigkill_must_be_oom_kill)
{
	o.killed = 3;
	o.oom_kills = 3;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS, "OOM kills are containment working");
	o.oom_kills = 1;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0], "3 worker(s) SIGKILLed but only 1 OOM kill(s)");
}

Test(verdict, expectations)
{
	x.limit_hit = KS_EXPECT_YES;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"memory limit hit never happened (expect.limit_hit = yes)");
	o.limit_hits = 5;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS);

	x.oom_kill = KS_EXPECT_NO;
	o.oom_kills = 2;
	o.killed = 2;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"memcg OOM kill happened 2 times (expect.oom_kill = no)");

	init();
	x.enomem = KS_EXPECT_YES;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_str_eq(r.reason[0], "ENOMEM never happened (expect.enomem = yes)");

	init();
	x.min_ops = 5000;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_str_eq(r.reason[0],
		"1000 operations, fewer than expect.min_ops = 5000");
}

/* Not reached within the ceiling of duration.until_limit: it says so. */
Test(verdict, limit_not_reached_within_until_limit)
{
	x.limit_hit = KS_EXPECT_YES;
	o.until_limit_ms = 60000;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"memory limit hit never happened within duration.until_limit = 60s (expect.limit_hit = yes)");
	o.until_limit_ms = 1500;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_str_eq(r.reason[0],
		"memory limit hit never happened within duration.until_limit = 1500ms (expect.limit_hit = yes)");
	o.limit_hits = 1;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS);
	/* = no is judged as without the ceiling. */
	x.limit_hit = KS_EXPECT_NO;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_str_eq(r.reason[0],
		"memory limit hit happened 1 times (expect.limit_hit = no)");
}

Test(verdict, overshoot)
{
	x.max_overshoot = 4096;
	o.limit = 1 << 20;
	o.peak = (1 << 20) + 4096;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS, "exactly the allowed overshoot");
	o.peak++;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"usage not held at the limit: peak 1.0M is 4.0K over memory.max 1.0M (sampled max -; expect.max_overshoot = 4.0K)");
	o.peak = -1;	/* unknown peak never fails */
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS);
}

/*
 * A runaway (dentry at 175M against 32M) fails even where the limit was
 * "hit" as expect.limit_hit = yes asks: the hit was the usage running
 * past it, not being held at it.
 */
Test(verdict, a_runaway_is_no_limit_hit)
{
	x.limit_hit = KS_EXPECT_YES;
	x.max_overshoot = 8 << 20;
	o.limit = 32 << 20;
	o.limit_hits = 5000;
	o.peak = 175 << 20;
	o.sampled_max = 170 << 20;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_eq(r.nreasons, 1);
	cr_expect_str_eq(r.reason[0],
		"usage not held at the limit: peak 175.0M is 143.0M over memory.max 32.0M (sampled max 170.0M; expect.max_overshoot = 8.0M)");
	o.peak = (32 << 20) + (8 << 20);
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS, "held within the margin");
}

Test(verdict, all_reasons_listed)
{
	o.kernel_reports = 1;
	strcpy(o.first_report, "BUG: x");
	o.crashed = 1;
	strcpy(o.first_crash, "worker 0: SIGBUS");
	x.limit_hit = KS_EXPECT_YES;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_eq(r.nreasons, 3);
}

Test(verdict, interrupted_is_error)
{
	o.interrupted = 1;
	o.kernel_reports = 1;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_ERROR);
	cr_expect_str_eq(r.reason[0], "interrupted before the end");
}

Test(verdict, exit_codes)
{
	cr_expect_eq(ks_exit_code(3, 0, 0, 0), 0);
	cr_expect_eq(ks_exit_code(3, 0, 2, 0), 0, "some skipped still passes");
	cr_expect_eq(ks_exit_code(3, 1, 0, 0), 1);
	cr_expect_eq(ks_exit_code(0, 0, 4, 0), 4);
	cr_expect_eq(ks_exit_code(1, 1, 0, 1), 2);
	cr_expect_eq(ks_exit_code(0, 0, 3, 1), 2);
}

/* Stopped early for running away: one reason, not a missed limit too. */
Test(verdict, a_storm_stopped_for_running_away_has_one_reason)
{
	x.limit_hit = KS_EXPECT_YES;
	x.max_overshoot = 4 << 20;
	o.limit = 32 << 20;
	o.limit_hits = 0;
	o.until_limit_ms = 600000;
	o.ran_away = 1;
	o.peak = 37 << 20;
	o.sampled_max = 37 << 20;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_eq(r.nreasons, 1);
	cr_expect(strstr(r.reason[0], "usage not held at the limit"));
	o.ran_away = 0;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.nreasons, 2, "without the early stop the ceiling passed");
}
