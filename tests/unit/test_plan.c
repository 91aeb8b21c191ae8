// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"
#include "units.h"

static struct ks_plan plan;
static struct ks_plan_errors errs;

static void fini(void)
{
	ks_plan_free(&plan);
}

TestSuite(plan, .fini = fini);

#define HEAD "[scenario s]\nworkload = dentry\n"

/* Parse text and expect exactly one error, equal to want. */
static void expect_error(const char *text, const char *want)
{
	int r = ks_plan_parse(text, "t.plan", &plan, &errs);

	cr_assert_eq(r, -1, "plan accepted, expected: %s", want);
	cr_assert_geq(errs.n, 1);
	cr_expect_str_eq(errs.msg[0], want);
	cr_expect_eq(errs.n, 1, "more than one error, second: %s",
		     errs.n > 1 ? errs.msg[1] : "");
	cr_expect_null(plan.scenarios, "failed parse left scenarios");
}

/* Long: one assertion per key of the example plan. */
Test(plan, full_example)
{
	static const char text[] =
		"; comment\n"
		"[plan]\n"
		"name = nightly\n"
		"description = all of it\n"
		"sample_interval = 250ms\n"
		"stop_grace = 3s\n"
		"workdir = /tmp\n"
		"kmsg_markers = no\n"
		"\n"
		"[defaults]\n"
		"workers = 3\n"
		"duration = 2s\n"
		"memory.max = 32M\n"
		"dentry.name_len = 100\n"
		"\n"
		"[scenario a]\n"
		"workload = dentry\n"
		"memory.high = 24M\n"
		"expect.limit_hit = yes\n"
		"expect.oom_kill = no\n"
		"expect.enomem = any\n"
		"expect.min_ops = 10\n"
		"expect.max_overshoot = 1M\n"
		"\n"
		"[scenario b]\n"
		"workload = inode\n"
		"workers = 1\n"
		"memory.max = max\n"
		"memory.swap.max = 0\n"
		"memory.oom.group = yes\n"
		"memory.oom_control = on\n"
		"memory.kmem.limit_in_bytes = 16M\n"
		"memory.kmem.tcp.limit_in_bytes = max\n"
		"respawn = no\n"
		"inode.xattr_size = 1K\n"
		"expect.kernel_report = any\n";
	const struct ks_scenario *a, *b;
	int i;

	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), 0, "%s",
		     errs.msg[0]);
	cr_expect_str_eq(plan.name, "nightly");
	cr_expect_str_eq(plan.description, "all of it");
	cr_expect_eq(plan.sample_ms, 250);
	cr_expect_eq(plan.stop_grace_ms, 3000);
	cr_expect_str_eq(plan.workdir, "/tmp");
	cr_expect_eq(plan.kmsg_markers, 0);
	cr_expect_str_eq(plan.text, text);
	cr_assert_eq(plan.nscenarios, 2);
	a = &plan.scenarios[0];
	b = &plan.scenarios[1];
	cr_expect_str_eq(a->name, "a");
	cr_expect_eq(a->line, 16);
	cr_expect_str_eq(a->wl->name, "dentry");
	cr_expect_eq(a->workers, 3);
	cr_expect_eq(a->duration_ms, 2000);
	cr_expect_eq(a->respawn, 1);
	cr_expect_eq(a->limits.max, 32 << 20);
	cr_expect_eq(a->limits.high, 24 << 20);
	cr_expect_eq(a->limits.swap_max, KS_CG_UNSET);
	cr_expect_eq(a->expect.limit_hit, KS_EXPECT_YES);
	cr_expect_eq(a->expect.oom_kill, KS_EXPECT_NO);
	cr_expect_eq(a->expect.enomem, KS_EXPECT_ANY);
	cr_expect_eq(a->expect.kernel_report, KS_EXPECT_NO);
	cr_expect_eq(a->expect.min_ops, 10);
	cr_expect_eq(a->expect.max_overshoot, 1 << 20);
	i = ks_workload_opt_index(a->wl, "name_len");
	cr_assert_geq(i, 0);
	cr_expect_eq(a->opt[i].num, 100, "[defaults] option not applied");

	cr_expect_str_eq(b->wl->name, "inode");
	cr_expect_eq(b->line, 25);
	cr_expect_eq(b->workers, 1);
	cr_expect_eq(b->respawn, 0);
	cr_expect_eq(b->limits.max, KS_SIZE_MAX);
	cr_expect_eq(b->limits.swap_max, 0);
	cr_expect_eq(b->limits.oom_group, 1);
	cr_expect_eq(b->limits.oom_kill_disable, 1);
	cr_expect_eq(b->limits.kmem_max, 16 << 20);
	cr_expect_eq(b->limits.tcp_max, KS_SIZE_MAX);
	cr_expect_eq(a->limits.tcp_max, KS_CG_UNSET);
	cr_expect_eq(b->expect.kernel_report, KS_EXPECT_ANY);
	i = ks_workload_opt_index(b->wl, "xattr_size");
	cr_assert_geq(i, 0);
	cr_expect_eq(b->opt[i].num, 1024);
}

Test(plan, defaults_when_unset)
{
	int i;

	cr_assert_eq(ks_plan_parse(HEAD, "dir/my-plan.plan", &plan, &errs), 0);
	cr_expect_str_eq(plan.name, "my-plan", "name from the file name");
	cr_expect_eq(plan.sample_ms, 100);
	cr_expect_eq(plan.scenarios[0].workers, 2);
	cr_expect_eq(plan.scenarios[0].duration_ms, 5000);
	cr_expect_eq(plan.scenarios[0].until_limit_ms, 0);
	cr_expect_eq(plan.scenarios[0].limits.max, KS_CG_UNSET);
	cr_expect_eq(plan.scenarios[0].expect.min_ops, -1);
	/* Every option starts at its documented default. */
	for (i = 0; plan.scenarios[0].wl->opts[i].name; i++)
		cr_expect_str_eq(plan.scenarios[0].opt[i].str,
				 plan.scenarios[0].wl->opts[i].def ?
				 plan.scenarios[0].wl->opts[i].def : "");
}

Test(plan, defaults_workload_and_override)
{
	static const char text[] =
		"[defaults]\nworkload = inode\nworkers = 4\ninode.links = 5\n"
		"[scenario x]\n"
		"[scenario y]\nworkload = dentry\nworkers = 1\n"
		"[scenario z]\ninode.links = 1\n";
	int li;

	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), 0, "%s",
		     errs.msg[0]);
	cr_assert_eq(plan.nscenarios, 3);
	cr_expect_str_eq(plan.scenarios[0].wl->name, "inode");
	cr_expect_eq(plan.scenarios[0].workers, 4);
	li = ks_workload_opt_index(plan.scenarios[0].wl, "links");
	cr_expect_eq(plan.scenarios[0].opt[li].num, 5);
	cr_expect_str_eq(plan.scenarios[1].wl->name, "dentry");
	cr_expect_eq(plan.scenarios[1].workers, 1);
	cr_expect_eq(plan.scenarios[2].opt[li].num, 1, "scenario wins");
}

/* Scenario name's until_limit_ms, after a parse that must succeed. */
static int64_t until_limit(const char *text, int idx)
{
	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), 0, "%s",
		     errs.msg[0]);
	cr_assert_lt(idx, plan.nscenarios);
	return plan.scenarios[idx].until_limit_ms;
}

Test(plan, until_limit_defaults_with_limit_hit)
{
	cr_expect_eq(until_limit(HEAD, 0), 0, "off without expect.limit_hit");
	ks_plan_free(&plan);
	cr_expect_eq(until_limit(HEAD "expect.limit_hit = no\n", 0), 0);
	ks_plan_free(&plan);
	cr_expect_eq(until_limit(HEAD "expect.limit_hit = any\n", 0), 0);
	ks_plan_free(&plan);
	cr_expect_eq(until_limit(HEAD "expect.limit_hit = yes\n", 0),
		     KS_UNTIL_LIMIT_DEFAULT_MS);
	cr_expect_eq(KS_UNTIL_LIMIT_DEFAULT_MS, 60000);
	ks_plan_free(&plan);
	/* expect.limit_hit from [defaults] brings the default along... */
	cr_expect_eq(until_limit("[defaults]\nexpect.limit_hit = yes\n"
				 HEAD "[scenario t]\nworkload = inode\n"
				 "expect.limit_hit = any\n", 0), 60000);
	/* ...unless the scenario says the limit need not be hit. */
	cr_expect_eq(plan.scenarios[1].until_limit_ms, 0);
	ks_plan_free(&plan);
	cr_expect_eq(until_limit(HEAD "expect.limit_hit = yes\n"
				 "mode = sweep\n", 0), 0, "sweeps ignore it");
}

Test(plan, until_limit_explicit_wins)
{
	cr_expect_eq(until_limit(HEAD "duration.until_limit = 2m\n", 0),
		     120000, "also without expect.limit_hit");
	ks_plan_free(&plan);
	cr_expect_eq(until_limit(HEAD "expect.limit_hit = yes\n"
				 "duration.until_limit = 1.5s\n", 0), 1500);
	ks_plan_free(&plan);
	cr_expect_eq(until_limit("[defaults]\nduration.until_limit = 30s\n"
				 HEAD "[scenario t]\nworkload = inode\n"
				 "duration.until_limit = 250ms\n", 1), 250);
	cr_expect_eq(plan.scenarios[0].until_limit_ms, 30000);
	ks_plan_free(&plan);
	/* An explicit off in [defaults] beats the default of limit_hit. */
	cr_expect_eq(until_limit("[defaults]\nduration.until_limit = off\n"
				 HEAD "expect.limit_hit = yes\n", 0), 0);
}

Test(plan, until_limit_off)
{
	static const char *const off[] = { "0", "0s", "off", "OFF", "no",
					   "false" };
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		snprintf(text, sizeof(text),
			 HEAD "expect.limit_hit = yes\nduration.until_limit = %s\n",
			 off[i]);
		cr_expect_eq(until_limit(text, 0), 0, "'%s' is off", off[i]);
		ks_plan_free(&plan);
	}
}

Test(plan, until_limit_errors)
{
	expect_error(HEAD "duration.until_limit = soon\n",
		     "t.plan:3: duration.until_limit: invalid duration 'soon' (expected e.g. 30s, 2m or 1h; 0, off or no to disable)");
	expect_error(HEAD "duration.until_limit = yes\n",
		     "t.plan:3: duration.until_limit: invalid duration 'yes' (expected e.g. 30s, 2m or 1h; 0, off or no to disable)");
	expect_error(HEAD "duration.until_limit = -5s\n",
		     "t.plan:3: duration.until_limit: invalid duration '-5s' (expected e.g. 30s, 2m or 1h; 0, off or no to disable)");
	expect_error(HEAD "duration.until_limit = 5ms\n",
		     "t.plan:3: duration.until_limit: duration '5ms' is shorter than 10ms");
	expect_error(HEAD "duration.until_limit = 1000d\n",
		     "t.plan:3: duration.until_limit: invalid duration '1000d' (expected e.g. 30s, 2m or 1h; 0, off or no to disable)");
	expect_error(HEAD "duration.until_limit = 9000h\n",
		     "t.plan:3: duration.until_limit: duration '9000h' is too long");
	/* In [defaults]: reported once, at its own line. */
	expect_error("[defaults]\nduration.until_limit = x\n" HEAD
		     "[scenario t]\nworkload = inode\n",
		     "t.plan:2: duration.until_limit: invalid duration 'x' (expected e.g. 30s, 2m or 1h; 0, off or no to disable)");
}

Test(plan, builtin_plans_are_valid)
{
	const struct ks_builtin_plan *b;
	int n = 0;

	for (b = ks_builtin_plans; b->name; b++, n++) {
		cr_expect_eq(ks_plan_parse(b->text, b->name, &plan, &errs), 0,
			     "built-in plan %s: %s", b->name, errs.msg[0]);
		ks_plan_free(&plan);
	}
	cr_expect_geq(n, 1);
	cr_assert_eq(ks_plan_load(NULL, &plan, &errs), 0);
	cr_expect_str_eq(plan.name, "smoke");
	cr_expect_str_eq(plan.source, "builtin:smoke");
	/* Its limit-hit storm fills up whatever the machine's speed. */
	cr_expect_str_eq(plan.scenarios[0].name, "dentry-32m");
	cr_expect_eq(plan.scenarios[0].until_limit_ms, 60000);
	cr_expect_eq(plan.scenarios[1].until_limit_ms, 0);
}

Test(plan, errors_syntax_and_structure)
{
	expect_error("[scenario s]\nworkload = dentry\nthis is not ini\n",
		     "t.plan:3: syntax error (expected '[section]' or 'key = value')");
	expect_error("workers = 2\n" HEAD,
		     "t.plan:1: 'workers' is outside any section");
	expect_error(HEAD "[scenario s]\n",
		     "t.plan:3: duplicate section [scenario s] (first at line 1)");
	expect_error(HEAD "[scenario bad/name]\nworkload = dentry\n",
		     "t.plan:3: 'bad/name' is not a valid scenario name (letters, digits, '_.-', at most 63)");
	expect_error(HEAD "[scenarios]\n",
		     "t.plan:3: unknown section [scenarios] (expected [plan], [defaults] or [scenario NAME])");
	expect_error(HEAD "workers = 1\nworkers = 2\n",
		     "t.plan:4: duplicate key 'workers' (first at line 3)");
	expect_error("[plan]\nname = x\n",
		     "t.plan: the plan has no [scenario NAME] section");
	expect_error("", "t.plan: the plan has no [scenario NAME] section");
	expect_error("\n\n[scenario s]\nworkers = 1\n",
		     "t.plan:3: scenario 's' has no workload (add 'workload = NAME', see 'kmemstorm list')");
	expect_error("[scenario s]\nworkload = dentry\nexpect.max_overshoot = 1M\n",
		     "t.plan:1: scenario 's': expect.max_overshoot needs memory.max");
}

Test(plan, errors_values)
{
	expect_error("[scenario s]\nworkload = nosuch\n",
		     "t.plan:2: unknown workload 'nosuch' (see 'kmemstorm list')");
	expect_error(HEAD "workers = 0\n",
		     "t.plan:3: workers: 0 is out of range [1, 4096]");
	expect_error(HEAD "workers = lots\n",
		     "t.plan:3: workers: invalid number 'lots'");
	expect_error(HEAD "duration = soon\n",
		     "t.plan:3: duration: invalid duration 'soon' (expected e.g. 250ms, 5s, 2m or 1h)");
	expect_error(HEAD "duration = 5ms\n",
		     "t.plan:3: duration: duration '5ms' is shorter than 10ms");
	expect_error(HEAD "memory.max = 32Q\n",
		     "t.plan:3: memory.max: invalid size '32Q' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "memory.high = -1\n",
		     "t.plan:3: memory.high: invalid size '-1' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "memory.swap.max = x\n",
		     "t.plan:3: memory.swap.max: invalid size 'x' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "memory.kmem.limit_in_bytes = x\n",
		     "t.plan:3: memory.kmem.limit_in_bytes: invalid size 'x' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "memory.kmem.tcp.limit_in_bytes = lots\n",
		     "t.plan:3: memory.kmem.tcp.limit_in_bytes: invalid size 'lots' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "memory.oom.group = perhaps\n",
		     "t.plan:3: memory.oom.group: invalid boolean 'perhaps' (expected yes or no)");
	expect_error(HEAD "memory.oom_control = 2\n",
		     "t.plan:3: memory.oom_control: invalid boolean '2' (expected yes or no)");
	expect_error(HEAD "respawn = always\n",
		     "t.plan:3: respawn: invalid boolean 'always' (expected yes or no)");
	expect_error(HEAD "expect.limit_hit = sometimes\n",
		     "t.plan:3: expect.limit_hit: invalid expectation 'sometimes' (expected yes, no or any)");
	expect_error(HEAD "expect.oom_kill = x\n",
		     "t.plan:3: expect.oom_kill: invalid expectation 'x' (expected yes, no or any)");
	expect_error(HEAD "expect.enomem = x\n",
		     "t.plan:3: expect.enomem: invalid expectation 'x' (expected yes, no or any)");
	expect_error(HEAD "expect.kernel_report = x\n",
		     "t.plan:3: expect.kernel_report: invalid expectation 'x' (expected yes, no or any)");
	expect_error(HEAD "expect.min_ops = -5\n",
		     "t.plan:3: expect.min_ops: -5 is out of range [0, 9223372036854775807]");
	expect_error(HEAD "expect.max_overshoot = big\n",
		     "t.plan:3: expect.max_overshoot: invalid size 'big' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "colour = blue\n",
		     "t.plan:3: colour: unknown key 'colour'");
	expect_error(HEAD "dentry.nosuch = 1\n",
		     "t.plan:3: dentry.nosuch: workload 'dentry' has no option 'nosuch' (see 'kmemstorm list')");
	expect_error(HEAD "dentry.name_len = 0\n",
		     "t.plan:3: dentry.name_len: 0 is out of range [1, 255]");
	expect_error("[defaults]\ninode.links = many\n" HEAD,
		     "t.plan:2: inode.links: invalid number 'many'");
}

Test(plan, errors_plan_section)
{
	expect_error("[plan]\nname = has space\n" HEAD,
		     "t.plan:2: name: 'has space' is not a valid name (letters, digits, '_.-', at most 63)");
	expect_error("[plan]\nsample_interval = 1ms\n" HEAD,
		     "t.plan:2: sample_interval: '1ms' is outside [10ms, 60s]");
	expect_error("[plan]\nsample_interval = often\n" HEAD,
		     "t.plan:2: sample_interval: invalid duration 'often' (expected e.g. 250ms, 5s, 2m or 1h)");
	expect_error("[plan]\nstop_grace = x\n" HEAD,
		     "t.plan:2: stop_grace: invalid duration 'x' (expected e.g. 250ms, 5s, 2m or 1h)");
	expect_error("[plan]\nworkdir = tmp\n" HEAD,
		     "t.plan:2: workdir: 'tmp' is not an absolute path");
	expect_error("[plan]\nkmsg_markers = x\n" HEAD,
		     "t.plan:2: kmsg_markers: invalid boolean 'x' (expected yes or no)");
	expect_error("[plan]\nworkers = 2\n" HEAD,
		     "t.plan:2: workers: unknown key 'workers' in [plan]");
}

Test(plan, reports_every_error_in_order)
{
	static const char text[] =
		"[scenario a]\nworkload = dentry\nworkers = 0\n"
		"[scenario b]\nworkload = nosuch\n"
		"[scenario c]\nworkload = inode\nduration = x\n";

	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), -1);
	cr_assert_eq(errs.n, 3);
	cr_expect_str_eq(errs.msg[0], "t.plan:3: workers: 0 is out of range [1, 4096]");
	cr_expect_str_eq(errs.msg[1], "t.plan:5: unknown workload 'nosuch' (see 'kmemstorm list')");
	cr_expect_str_eq(errs.msg[2], "t.plan:8: duration: invalid duration 'x' (expected e.g. 250ms, 5s, 2m or 1h)");
}

Test(plan, error_list_is_bounded)
{
	char text[8192] = HEAD;
	int i;

	for (i = 0; i < 40; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "bad%d = 1\n", i);
	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), -1);
	cr_expect_eq(errs.n, KS_PLAN_ERRORS);
	cr_expect_eq(errs.dropped, 40 - KS_PLAN_ERRORS);
}

Test(plan, load_errors)
{
	char dir[] = "/tmp/ks-plan-XXXXXX", path[64];
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	cr_expect_eq(ks_plan_load("no-such-plan", &plan, &errs), -1);
	cr_expect_str_eq(errs.msg[0],
		"no-such-plan: no such plan file or built-in plan (see 'kmemstorm list')");
	snprintf(path, sizeof(path), "%s/missing.plan", dir);
	cr_expect_eq(ks_plan_load(path, &plan, &errs), -1);
	cr_expect(strstr(errs.msg[0], "No such file or directory"), "%s",
		  errs.msg[0]);
	cr_expect_eq(ks_plan_load(dir, &plan, &errs), -1);
	cr_expect(strstr(errs.msg[0], "is a directory, not a plan file"),
		  "%s", errs.msg[0]);
	snprintf(path, sizeof(path), "%s/bin.plan", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fwrite("[plan]\0\1\2", 1, 10, f);
	fclose(f);
	cr_expect_eq(ks_plan_load(path, &plan, &errs), -1);
	cr_expect(strstr(errs.msg[0], "not a text file"), "%s", errs.msg[0]);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ok.plan", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(HEAD, f);
	fclose(f);
	cr_expect_eq(ks_plan_load(path, &plan, &errs), 0, "%s", errs.msg[0]);
	cr_expect_str_eq(plan.name, "ok");
	cr_expect_str_eq(plan.source, path);
	unlink(path);
	rmdir(dir);
}

/* allow_report: WARNING titles only, split on '|'; the leak keys. */
Test(plan, allow_report_and_leak_keys)
{
	struct ks_plan p;

	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = dentry\n"
				   "allow_report = WARNING in f | WARNING in g|\n"
				   "leak.margin = 2M\nleak.dying_max = 3\n"
				   "leak.wait = 1s\nexpect.leak = any\n",
				   "t.plan", &p, &errs), 0, "%s", errs.msg[0]);
	cr_expect_eq(p.scenarios[0].nallow_report, 2);
	cr_expect_str_eq(p.scenarios[0].allow_report[0], "WARNING in f");
	cr_expect_str_eq(p.scenarios[0].allow_report[1], "WARNING in g");
	cr_expect_eq(p.scenarios[0].leak_margin, 2 << 20);
	cr_expect_eq(p.scenarios[0].leak_dying_max, 3);
	cr_expect_eq(p.scenarios[0].leak_wait_ms, 1000);
	cr_expect_eq(p.scenarios[0].expect.leak, KS_EXPECT_ANY);
	ks_plan_free(&p);
	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = dentry\n",
				   "t.plan", &p, &errs), 0);
	cr_expect_eq(p.scenarios[0].leak_check, 1);
	cr_expect_eq(p.scenarios[0].expect.leak, KS_EXPECT_NO);
	ks_plan_free(&p);
	expect_error("[scenario s]\nworkload = dentry\nallow_report = BUG: KASAN: x\n",
		     "t.plan:3: allow_report: 'BUG: KASAN: x': only WARNING titles can be allowed");
}

/* [plan] kernel: the flavour of the default guest kernel. */
Test(plan, kernel_flavour)
{
	struct ks_plan p;

	cr_assert_eq(ks_plan_parse("[plan]\nkernel = debug\n[scenario s]\nworkload = dentry\n",
				   "t.plan", &p, &errs), 0);
	cr_expect_str_eq(p.kernel_flavour, "debug");
	ks_plan_free(&p);
	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = dentry\n",
				   "t.plan", &p, &errs), 0);
	cr_expect_str_eq(p.kernel_flavour, "plain");
	ks_plan_free(&p);
	expect_error("[plan]\nkernel = fancy\n[scenario s]\nworkload = dentry\n",
		     "t.plan:2: kernel: 'fancy': plain or debug");
}

/* expect.max_overshoot = auto: max(4M, memory.max / 8); none: off. */
Test(plan, overshoot_is_judged_by_default)
{
	static const char text[] =
		"[scenario small]\nworkload = dentry\nmemory.max = 16M\n"
		"[scenario big]\nworkload = dentry\nmemory.max = 128M\n"
		"[scenario nolimit]\nworkload = dentry\n"
		"[scenario off]\nworkload = dentry\nmemory.max = 32M\n"
		"expect.max_overshoot = none\n"
		"[scenario set]\nworkload = dentry\nmemory.max = 32M\n"
		"expect.max_overshoot = 2M\n";
	struct ks_plan p;

	cr_assert_eq(ks_plan_parse(text, "t.plan", &p, &errs), 0);
	cr_expect_eq(p.scenarios[0].expect.max_overshoot, 4 << 20);
	cr_expect_eq(p.scenarios[1].expect.max_overshoot, 16 << 20);
	cr_expect_eq(p.scenarios[2].expect.max_overshoot, -1);
	cr_expect_eq(p.scenarios[3].expect.max_overshoot, -1);
	cr_expect_eq(p.scenarios[4].expect.max_overshoot, 2 << 20);
	ks_plan_free(&p);
}

/* cgroups.*: shapes, limits per cgroup, churn, and what is refused. */
Test(plan, cgroup_shapes)
{
	static const char text[] =
		"[scenario list]\nworkload = dentry\nworkers = 4\n"
		"memory.max = 32M\ncgroups = 4\ncgroups.max = 8M, 16M\n"
		"[scenario range]\nworkload = dentry\nworkers = 5\n"
		"cgroups = 5\ncgroups.max = 8M-16M\ncgroups.depth = 3\n"
		"cgroups.parent_max = 20M\n"
		"[scenario churn]\nworkload = socket\nmemory.max = 8M\n"
		"cgroups.churn = 50\ncgroups.churn_total = 1000\n"
		"cgroups.churn_live = 16\ncgroups.churn_life = 200ms\n"
		"[scenario plain]\nworkload = dentry\nmemory.max = 8M\n";
	struct ks_plan p;
	const struct ks_scenario *sc;

	cr_assert_eq(ks_plan_parse(text, "t.plan", &p, &errs), 0, "%s",
		     errs.msg[0]);
	sc = &p.scenarios[0];
	cr_expect_eq(sc->shape.n, 4);
	cr_expect_eq(sc->shape.depth, 1);
	cr_expect_eq(ks_shape_leaf_max(sc, 0), 8 << 20);
	cr_expect_eq(ks_shape_leaf_max(sc, 1), 16 << 20);
	cr_expect_eq(ks_shape_leaf_max(sc, 2), 8 << 20);
	/* auto overshoot from the first per-cgroup limit: the 4M floor */
	cr_expect_eq(sc->expect.max_overshoot, 4 << 20);
	cr_expect(sc->expect.overshoot_auto);
	sc = &p.scenarios[1];
	cr_expect_eq(sc->shape.depth, 3);
	cr_expect_eq(sc->shape.parent_max, 20 << 20);
	cr_expect_eq(ks_shape_leaf_max(sc, 0), 8 << 20);
	cr_expect_eq(ks_shape_leaf_max(sc, 2), 12 << 20);
	cr_expect_eq(ks_shape_leaf_max(sc, 4), 16 << 20);
	sc = &p.scenarios[2];
	cr_expect_eq(sc->shape.n, 1);
	cr_expect_eq(sc->shape.churn_rate, 50);
	cr_expect_eq(sc->shape.churn_total, 1000);
	cr_expect_eq(sc->shape.churn_live, 16);
	cr_expect_eq(sc->shape.churn_life_ms, 200);
	cr_expect_eq(ks_shape_leaf_max(sc, 7), 8 << 20);
	sc = &p.scenarios[3];
	cr_expect_eq(sc->shape.n, 1);
	cr_expect_eq(sc->shape.churn_rate, 0);
	cr_expect_eq(sc->shape.churn_live, 8);
	cr_expect_eq(sc->shape.parent_max, -1);
	ks_plan_free(&p);

	expect_error(HEAD "cgroups = 0\n",
		     "t.plan:3: cgroups: 0 is out of range [1, 4096]");
	expect_error(HEAD "cgroups.depth = 9\n",
		     "t.plan:3: cgroups.depth: 9 is out of range [1, 8]");
	expect_error(HEAD "cgroups.max = 16M-8M\n",
		     "t.plan:3: cgroups.max: range '16M-8M' runs downwards");
	expect_error(HEAD "cgroups.max = 8M, max\n",
		     "t.plan:3: cgroups.max: 'max' is not a limit of at least 4K");
	expect_error(HEAD "cgroups.max = 8M,\n",
		     "t.plan:3: cgroups.max: invalid size '' (expected e.g. 4096, 64K, 32M, 1G or max)");
	expect_error(HEAD "cgroups.churn = 2000\n",
		     "t.plan:3: cgroups.churn: 2000 is out of range [0, 1000]");
	expect_error(HEAD "workers = 2\ncgroups = 8\n",
		     "t.plan:1: scenario 's': workers = 2 is fewer than cgroups = 8: every cgroup needs a worker (set workers = 8 or more)");
	expect_error(HEAD "workers = 4096\ncgroups = 1024\ncgroups.depth = 8\n",
		     "t.plan:1: scenario 's': cgroups = 1024 at cgroups.depth = 8 makes 8192 cgroups, more than 4096");
	expect_error(HEAD "cgroups = 2\nworkers = 2\ninject = chargefail\n",
		     "t.plan:1: scenario 's': inject = chargefail acts on the one cgroup the workers run in: not with cgroups, cgroups.depth or cgroups.churn");
	expect_error(HEAD "mode = sweep\ncgroups.churn = 5\n",
		     "t.plan:1: scenario 's': mode = sweep runs one worker in one cgroup: drop the cgroups keys");
}

/* victim.*: a paced neighbour, its limits and what it must not suffer. */
Test(plan, victim_keys)
{
	static const char text[] =
		"[scenario n]\nworkload = socket\nmemory.max = 16M\n"
		"victim = dentry\nvictim.workers = 2\nvictim.rate = 50\n"
		"victim.baseline = 500ms\nvictim.memory.low = 8M\n"
		"victim.memory.max = 32M\nexpect.victim_latency = 2.5\n"
		"expect.victim_oom = any\n"
		"[scenario plain]\nworkload = dentry\n";
	struct ks_plan p;
	const struct ks_scenario *sc;
	int k;

	cr_assert_eq(ks_plan_parse(text, "t.plan", &p, &errs), 0, "%s",
		     errs.msg[0]);
	sc = &p.scenarios[0];
	cr_assert_not_null(sc->victim.wl);
	cr_expect_str_eq(sc->victim.wl->name, "dentry");
	cr_expect_eq(sc->victim.workers, 2);
	cr_expect_eq(sc->victim.rate, 50);
	cr_expect_eq(sc->victim.baseline_ms, 500);
	cr_expect_eq(sc->victim.limits.low, 8 << 20);
	cr_expect_eq(sc->victim.limits.min, -1);
	cr_expect_eq(sc->victim.limits.max, 32 << 20);
	cr_expect_eq(sc->victim.latency_pct, 250);
	cr_expect_eq(sc->victim.oom, KS_EXPECT_ANY);
	cr_expect_eq(sc->victim.errors, KS_EXPECT_NO);
	cr_expect_eq(sc->victim.reclaimed, KS_EXPECT_NO);
	/* the dentry victim's options at their defaults */
	k = ks_workload_opt_index(sc->victim.wl, "name_len");
	cr_assert_geq(k, 0);
	cr_expect_gt(sc->victim.opt[k].num, 0);
	cr_expect_eq(sc->victim.opt[k].num, atoll(sc->victim.wl->opts[k].def));
	sc = &p.scenarios[1];
	cr_expect_null(sc->victim.wl);
	cr_expect_eq(sc->victim.latency_pct, 0);
	ks_plan_free(&p);

	expect_error(HEAD "victim = nosuch\n",
		     "t.plan:3: victim: unknown workload 'nosuch' (see 'kmemstorm list')");
	expect_error(HEAD "victim = stressng\n",
		     "t.plan:3: victim: workload 'stressng' runs as a whole, not one timed operation at a time: a victim cannot be paced");
	expect_error(HEAD "victim = dentry\nexpect.victim_latency = 0.5\n",
		     "t.plan:4: expect.victim_latency: '0.5' is not a factor from 1 to 10000, or none");
	expect_error(HEAD "victim.memory.low = 8M\n",
		     "t.plan:1: scenario 's': victim.* keys without a victim: add 'victim = WORKLOAD'");
	expect_error(HEAD "victim = dentry\nmode = sweep\n",
		     "t.plan:1: scenario 's': mode = sweep has no neighbours: drop 'victim'");
}
