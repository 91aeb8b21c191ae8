// SPDX-License-Identifier: GPL-2.0
/* Errno sets, the "ENOMEM surfaced as X" tracker, its plan key and verdict. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "errno_truth.h"
#include "plan.h"
#include "verdict.h"

Test(errnoset, parses_names_in_any_case_and_separator)
{
	struct ks_errno_set s = { 0 };
	char err[128], buf[128];

	cr_assert_eq(ks_errno_set_parse("ENOSPC, emfile\tEDQUOT", &s, err,
					sizeof(err)), 0, "%s", err);
	cr_expect(ks_errno_set_has(&s, ENOSPC));
	cr_expect(ks_errno_set_has(&s, EMFILE));
	cr_expect(ks_errno_set_has(&s, EDQUOT));
	cr_expect(!ks_errno_set_has(&s, ENOMEM));
	cr_expect(!ks_errno_set_has(&s, 0), "slot 0 is never allowed");
	cr_expect_str_eq(ks_errno_set_format(&s, buf, sizeof(buf)),
			 "EMFILE ENOSPC EDQUOT");
	cr_assert_eq(ks_errno_set_parse("*", &s, err, sizeof(err)), 0);
	cr_expect(ks_errno_set_has(&s, EIO));
	cr_expect_str_eq(ks_errno_set_format(&s, buf, sizeof(buf)), "*");
}

Test(errnoset, names_the_bad_word)
{
	struct ks_errno_set s = { 0 };
	char err[128];

	cr_assert_eq(ks_errno_set_parse("ENOSPC ENOPE", &s, err, sizeof(err)),
		     -1);
	cr_expect_str_eq(err, "'ENOPE' is not an errno name (e.g. ENOSPC, EMFILE)");
	cr_assert_eq(ks_errno_set_parse("28", &s, err, sizeof(err)), -1);
}

/* One of a storm's per-operation tables: it parses, names only its ops. */
static void check_table(const struct ks_workload *w, const char *const *t,
			const char *what, struct ks_errno_set *sets)
{
	char err[128];
	int k;

	for (k = 0; k < KS_MAX_OPS; k++) {
		memset(&sets[k], 0, sizeof(sets[k]));
		if (!t[k])
			continue;
		cr_expect(w->ops[k], "%s: %s[%d] without an op", w->name, what,
			  k);
		cr_expect_eq(ks_errno_set_parse(t[k], &sets[k], err,
						sizeof(err)), 0,
			     "%s.%s: %s: %s", w->name, w->ops[k], what, err);
	}
}

/* Every storm's tables parse and name only operations it has. */
Test(errnoset, every_storm_table_is_valid)
{
	struct ks_errno_set allow[KS_MAX_OPS], known[KS_MAX_OPS];
	const struct ks_workload *const *w;
	int k;

	for (w = ks_workloads; *w; w++) {
		check_table(*w, (*w)->allow, "allow", allow);
		check_table(*w, (*w)->known, "known", known);
		for (k = 0; k < KS_MAX_OPS; k++) {
			cr_expect(!ks_errno_set_has(&allow[k], ENFILE) ||
				  allow[k].any,
				  "%s.%s allows ENFILE, the issue's own example",
				  (*w)->name, (*w)->ops[k]);
			cr_expect(!known[k].any,
				  "%s.%s: known conversions are named",
				  (*w)->name, (*w)->ops[k]);
			cr_expect(!ks_errno_set_has(&known[k], EIO) ||
				  !strcmp((*w)->name, "btrfs"),
				  "%s.%s: EIO is no known conversion outside btrfs",
				  (*w)->name, (*w)->ops[k]);
		}
	}
}

static struct ks_plan plan;
static struct ks_plan_errors errs;

static void parse(const char *text)
{
	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), 0, "%s",
		     errs.n ? errs.msg[0] : "");
}

static json_t *mkrec(const char *type, void *arg)
{
	(void)arg;
	return json_pack("{s:s}", "type", type);
}

/* A sample: counters and cgroup stats with or without a limit hit. */
static void feed(struct ks_errno_truth *t, struct ks_counters *c, int hit,
		 int64_t ms)
{
	struct ks_memcg_stats st;

	ks_memcg_stats_init(&st);
	st.ev_max = hit;
	ks_errno_truth_sample(t, c, &st, ms);
}

static int find(json_t *recs, const char *type, const char *op,
		const char *e, json_int_t *count)
{
	size_t i;
	json_t *r;

	json_array_foreach(recs, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "type")), type) ||
		    strcmp(json_string_value(json_object_get(r, "op")), op) ||
		    strcmp(json_string_value(json_object_get(r, "errno")), e))
			continue;
		*count = json_integer_value(json_object_get(r, "count"));
		return 1;
	}
	return 0;
}

Test(truth, splits_before_and_after_pressure)
{
	struct ks_errno_truth t;
	struct ks_errno_findings f;
	struct ks_counters c;
	json_t *recs = json_array();
	json_int_t n;

	parse("[scenario s]\nworkload = inode\n");
	ks_errno_truth_init(&t, &plan.scenarios[0]);
	memset(&c, 0, sizeof(c));
	c.err[0][ENFILE] = 2;			/* create, no pressure yet */
	feed(&t, &c, 0, 100);
	c.err[0][ENFILE] = 3;			/* one more, pressure begins */
	feed(&t, &c, 1, 200);
	c.err[0][ENFILE] = 10;
	c.err[0][ENOMEM] = 50;			/* allowed everywhere */
	c.err[0][EDQUOT] = 5;			/* allowed for create */
	c.err[2][EIO] = 4;			/* link: not allowed */
	ks_errno_truth_finish(&t, &c, mkrec, NULL, recs, &f);
	cr_expect_eq(f.surfaced, 8 + 4);
	cr_expect_eq(f.unexpected, 2);
	cr_expect_str_eq(f.first, "ENFILE from create");
	cr_assert(find(recs, "unexpected_errno", "create", "ENFILE", &n));
	cr_expect_eq(n, 2);
	cr_assert(find(recs, "enomem_surfaced", "create", "ENFILE", &n));
	cr_expect_eq(n, 8, "the interval that saw pressure begin counts");
	cr_assert(find(recs, "enomem_surfaced", "link", "EIO", &n));
	cr_expect_eq(n, 4);
	cr_expect(!find(recs, "enomem_surfaced", "create", "EDQUOT", &n));
	cr_expect(!find(recs, "enomem_surfaced", "create", "ENOMEM", &n));
	cr_expect_eq(json_array_size(recs), 3);
	json_decref(recs);
	ks_plan_free(&plan);
}

Test(truth, nothing_surfaces_without_pressure)
{
	struct ks_errno_truth t;
	struct ks_errno_findings f;
	struct ks_counters c;
	json_t *recs = json_array();

	parse("[scenario s]\nworkload = dentry\n");
	ks_errno_truth_init(&t, &plan.scenarios[0]);
	memset(&c, 0, sizeof(c));
	c.err[3][EIO] = 7;
	feed(&t, &c, 0, 100);
	ks_errno_truth_finish(&t, &c, mkrec, NULL, recs, &f);
	cr_expect_eq(f.surfaced, 0);
	cr_expect_eq(f.unexpected, 7);
	/* An injector arming is pressure too. */
	ks_errno_truth_pressure(&t, 150, "failslab armed");
	json_array_clear(recs);
	ks_errno_truth_finish(&t, &c, mkrec, NULL, recs, &f);
	cr_expect_eq(f.surfaced, 0, "base was taken before the injector");
	json_decref(recs);
	ks_plan_free(&plan);
}

Test(truth, plan_replaces_a_storms_set)
{
	struct ks_errno_truth t;
	struct ks_errno_findings f;
	struct ks_counters c;
	json_t *recs = json_array(), *allowed;

	parse("[defaults]\nallow_errno.inode.create = ENOSPC\n"
	      "allow_errno.dentry.create = EIO\n"
	      "[scenario s]\nworkload = inode\nexpect.enomem_surfaced = no\n");
	cr_expect_eq(plan.scenarios[0].expect.enomem_surfaced, KS_EXPECT_NO);
	allowed = ks_errno_allowed_json(&plan.scenarios[0]);
	cr_expect_str_eq(json_string_value(json_object_get(allowed, "create")),
			 "ENOMEM ENOSPC", "replaced, EDQUOT gone");
	cr_expect_str_eq(json_string_value(json_object_get(allowed, "link")),
			 "ENOMEM EMLINK EDQUOT");
	json_decref(allowed);
	ks_errno_truth_init(&t, &plan.scenarios[0]);
	memset(&c, 0, sizeof(c));
	feed(&t, &c, 1, 100);
	c.err[0][ENOSPC] = 9;
	c.err[0][EDQUOT] = 1;
	ks_errno_truth_finish(&t, &c, mkrec, NULL, recs, &f);
	cr_expect_eq(f.surfaced, 1);
	cr_expect_str_eq(f.first, "EDQUOT from create");
	json_decref(recs);
	ks_plan_free(&plan);
}

/*
 * Known conversions count only where faults are injected, and only those
 * named: tmpfs ENOSPC from create passes under failslab, a lookup's EIO
 * (a new conversion) does not, and a plain storm allows neither.
 */
Test(truth, known_conversions_only_under_injection)
{
	struct ks_errno_truth t;
	struct ks_errno_findings f;
	struct ks_counters c;
	json_t *recs = json_array();
	json_int_t n;

	parse("[scenario plain]\nworkload = inode\n"
	      "[scenario injected]\nworkload = inode\ninject = failslab\n");
	memset(&c, 0, sizeof(c));
	c.err[0][ENOSPC] = 6;			/* create: tmpfs's */
	c.err[2][EIO] = 2;			/* link: nobody's */
	ks_errno_truth_init(&t, &plan.scenarios[0]);
	ks_errno_truth_pressure(&t, 0, "limit");
	ks_errno_truth_finish(&t, &c, mkrec, NULL, recs, &f);
	cr_expect_eq(f.surfaced, 8, "a plain storm allows no conversion");
	json_array_clear(recs);
	ks_errno_truth_init(&t, &plan.scenarios[1]);
	ks_errno_truth_pressure(&t, 0, "failslab armed");
	ks_errno_truth_finish(&t, &c, mkrec, NULL, recs, &f);
	cr_expect_eq(f.surfaced, 2);
	cr_expect_str_eq(f.first, "EIO from link");
	cr_expect(!find(recs, "enomem_surfaced", "create", "ENOSPC", &n));
	json_decref(recs);
	ks_plan_free(&plan);
}

Test(truth, plan_key_errors_name_the_problem)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "allow_errno.nope.create = EIO",
		  "t.plan:3: allow_errno.nope.create: no workload 'nope'" },
		{ "allow_errno.inode.mkdir = EIO",
		  "t.plan:3: allow_errno.inode.mkdir: workload 'inode' has no operation 'mkdir'" },
		{ "allow_errno.inode = EIO",
		  "t.plan:3: allow_errno.inode: expected allow_errno.<workload>.<operation>" },
		{ "allow_errno.inode.create = ENOSPC EBOGUS",
		  "t.plan:3: allow_errno.inode.create: 'EBOGUS' is not an errno name (e.g. ENOSPC, EMFILE)" },
		{ "expect.enomem_surfaced = sometimes",
		  "t.plan:3: expect.enomem_surfaced: invalid expectation 'sometimes' (expected yes, no or any)" },
	};
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[scenario s]\nworkload = inode\n%s\n", bad[i].text);
		cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), -1,
			     "accepted: %s", bad[i].text);
		cr_expect_str_eq(errs.msg[0], bad[i].want);
	}
}

Test(truth, verdict_fails_only_when_the_plan_says_no)
{
	struct ks_expectations x = { .min_ops = -1, .max_overshoot = -1 };
	struct ks_outcome o = { .ops = 10, .peak = -1, .limit = -1 };
	struct ks_verdict_result r;

	o.enomem_surfaced = 3;
	strcpy(o.first_surfaced, "ENOSPC from create");
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_PASS, "any: recorded, not judged");
	x.enomem_surfaced = KS_EXPECT_NO;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
	cr_expect_str_eq(r.reason[0],
		"ENOMEM surfaced as another errno 3 times, first ENOSPC from create (expect.enomem_surfaced = no)");
	x.enomem_surfaced = KS_EXPECT_YES;
	o.enomem_surfaced = 0;
	ks_verdict_decide(&x, &o, &r);
	cr_expect_eq(r.verdict, KS_FAIL);
}
