// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs injector against a fake debugfs tree: what arm() writes,
 * that disarm() puts every knob back, the recovery file a kill -9 leaves
 * and the next start's repair, refusals, and the kernel log's account.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"
#include "knobs.h"
#include "plan.h"
#include "symrange.h"

static char root[] = "/tmp/ks-inject-XXXXXX";
static char dfs[300], state[300], proc[300];

static const char *const knobs[][2] = {
	{ "task-filter", "N" }, { "probability", "0" }, { "interval", "1" },
	{ "times", "1" }, { "space", "0" }, { "verbose", "2" },
	{ "verbose_ratelimit_interval_ms", "5000" },
	{ "verbose_ratelimit_burst", "10" }, { "ignore-gfp-wait", "Y" },
	{ "stacktrace-depth", "32" },
	{ "require-start", "0x0000000000000000" },
	{ "require-end", "0xffffffffffffffff" },
	{ "cache-filter", "N" }, { "min-order", "1" },
	{ "ignore-gfp-highmem", "Y" },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f, "%s: %s", path, strerror(errno));
	fprintf(f, "%s\n", text);
	fclose(f);
}

static const char *get(const char *attr, const char *knob)
{
	static char buf[128];
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/%s", dfs, attr, knob);
	cr_assert_eq(ks_read_small(path, buf, sizeof(buf)), 0, "%s", path);
	return buf;
}

static void set_up(void)
{
	char path[512];
	size_t i;

	cr_assert(mkdtemp(root));
	snprintf(dfs, sizeof(dfs), "%s/debug", root);
	snprintf(state, sizeof(state), "%s/state", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	mkdir(dfs, 0700);
	mkdir(proc, 0700);
	snprintf(path, sizeof(path), "%s/failslab", dfs);
	mkdir(path, 0700);
	for (i = 0; i < NKNOBS; i++) {
		snprintf(path, sizeof(path), "%s/failslab/%s", dfs, knobs[i][0]);
		put(path, knobs[i][1]);
	}
	snprintf(path, sizeof(path), "%s/kallsyms", proc);
	put(path, "ffffffff81000000 T _stext\n"
		  "ffffffff81200000 T d_alloc\n"
		  "ffffffff81100000 t other\n"
		  "ffffffff81200400 T d_alloc_anon\n"
		  "ffffffffc0000000 t btrfs_init\t[btrfs]");
	snprintf(path, sizeof(path), "%s/modules", proc);
	put(path, "btrfs 1638400 0 - Live 0xffffffffc0000000");
	setenv("KMEMSTORM_DEBUGFS", dfs, 1);
	setenv("KMEMSTORM_STATE_DIR", state, 1);
	setenv("KMEMSTORM_PROC", proc, 1);
	setenv("KMEMSTORM_DISPOSABLE_KERNEL", "1", 1);
}

static void tear_down(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(inject, .init = set_up, .fini = tear_down);

static struct ks_plan plan;

static struct ks_scenario *scenario(const char *keys)
{
	struct ks_plan_errors errs;
	char text[1024];

	snprintf(text, sizeof(text), "[scenario s]\nworkload = dentry\n%s",
		 keys);
	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), 0, "%s",
		     errs.n ? errs.msg[0] : "");
	return &plan.scenarios[0];
}

static int originals_back(void)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++)
		if (strcmp(get("failslab", knobs[i][0]), knobs[i][1]))
			return 0;
	return 1;
}

static int state_file_exists(void)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/armed-knobs.json", state);
	return access(path, F_OK) == 0;
}

Test(inject, arms_scoped_and_restores_everything)
{
	struct ks_inject in;
	char why[512], err[512];
	json_t *rep, *fs;

	ks_inject_init(&in, scenario("inject = failslab\n"
				     "failslab.probability = 7\n"
				     "failslab.verbose = 2\n"
				     "failslab.require = d_alloc\n"), NULL);
	cr_assert_eq(in.n, 1);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 0, "%s", why);
	cr_expect_str_eq(get("failslab", "task-filter"), "Y");
	cr_expect_str_eq(get("failslab", "probability"), "7");
	cr_expect_str_eq(get("failslab", "ignore-gfp-wait"), "N");
	cr_expect_str_eq(get("failslab", "times"), "2147483647");
	cr_expect_str_eq(get("failslab", "require-start"), "0xffffffff81200000");
	cr_expect_str_eq(get("failslab", "require-end"), "0xffffffff81200400");
	cr_expect(state_file_exists(), "no recovery file while armed");
	/* The kernel counts down "times" on every injection. */
	put(strcat(strcpy(why, dfs), "/failslab/times"), "2147483640");
	ks_inject_kmsg(&in, "FAULT_INJECTION: forcing a failure.");
	ks_inject_kmsg(&in, "name failslab, interval 1, probability 7, space 0, times 2147483646");
	ks_inject_kmsg(&in, "CPU: 1 UID: 0 PID: 95 Comm: ksw-dentry Not tainted 6.12.0 #1");
	ks_inject_kmsg(&in, "FAULT_INJECTION: forcing a failure.\\x0aname failslab, interval 1, probability 7, space 0, times 2147483645");
	ks_inject_kmsg(&in, "CPU: 0 UID: 0 PID: 12 Comm: kworker/0:1 Not tainted 6.12.0 #1");
	/* Two CPUs at once: both messages, then both stacks. */
	ks_inject_kmsg(&in, "FAULT_INJECTION: forcing a failure.");
	ks_inject_kmsg(&in, "name failslab, interval 1, probability 7, space 0, times 2147483643");
	ks_inject_kmsg(&in, "FAULT_INJECTION: forcing a failure.\\x0aname failslab, interval 1, probability 7, space 0, times 2147483642");
	ks_inject_kmsg(&in, "CPU: 0 UID: 0 PID: 97 Comm: ksw-dentry Not tainted 6.12.0 #1");
	ks_inject_kmsg(&in, "CPU: 1 UID: 0 PID: 98 Comm: ksw-dentry Not tainted 6.12.0 #1");
	/* Injected as the storm ended: its stack is read after the disarm. */
	ks_inject_kmsg(&in, "FAULT_INJECTION: forcing a failure.");
	ks_inject_kmsg(&in, "name failslab, interval 1, probability 7, space 0, times 2147483644");
	rep = ks_inject_disarm(&in, NULL, err, sizeof(err));
	ks_inject_kmsg(&in, "CPU: 1 UID: 0 PID: 96 Comm: ksw-dentry Not tainted 6.12.0 #1");
	ks_inject_kmsg_counts(&in, rep);
	cr_assert_str_eq(err, "");
	cr_expect(originals_back(), "a knob was not restored");
	cr_expect(!state_file_exists(), "recovery file left after restore");
	fs = json_object_get(rep, "failslab");
	cr_expect_eq(json_integer_value(json_object_get(fs, "injected")), 7);
	cr_expect_eq(json_integer_value(json_object_get(fs, "kernel_messages")), 5);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(rep,
		"stacks"), "workers")), 4);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(rep,
		"stacks"), "others")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(rep,
		"stacks"), "first_other")), "PID 12 Comm: kworker/0:1");
	json_decref(rep);
	ks_plan_free(&plan);
}

/* verbose=1 prints no stack: a later warning's is not an injection's. */
Test(inject, no_stack_expected_without_verbose_2)
{
	struct ks_inject in;
	char why[512], err[512];
	json_t *rep;

	ks_inject_init(&in, scenario("inject = failslab\n"), NULL);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 0, "%s", why);
	ks_inject_kmsg(&in, "FAULT_INJECTION: forcing a failure.\\x0aname failslab, interval 1, probability 10, space 0, times 5");
	ks_inject_kmsg(&in, "CPU: 0 UID: 0 PID: 12 Comm: kworker/0:1 Not tainted 6.12.0 #1");
	rep = ks_inject_disarm(&in, NULL, err, sizeof(err));
	ks_inject_kmsg_counts(&in, rep);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(rep,
		"failslab"), "kernel_messages")), 1);
	cr_expect_null(json_object_get(rep, "stacks"));
	json_decref(rep);
	ks_plan_free(&plan);
}

Test(inject, refuses_a_kernel_not_marked_disposable)
{
	struct ks_inject in;
	char why[512], err[512];

	unsetenv("KMEMSTORM_DISPOSABLE_KERNEL");
	ks_inject_init(&in, scenario("inject = failslab\n"), NULL);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 1);
	cr_expect(strstr(why, "refusing to arm failslab"), "%s", why);
	cr_expect_null(ks_inject_disarm(&in, NULL, err, sizeof(err)));
	cr_expect(originals_back());
	ks_plan_free(&plan);
}

Test(inject, missing_attribute_is_unsupported)
{
	struct ks_inject in;
	char why[512], err[512];

	ks_inject_init(&in, scenario("inject = fail_page_alloc\n"), NULL);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 1);
	cr_expect(strstr(why, "fail_page_alloc: no ") &&
		  strstr(why, "CONFIG_FAIL_PAGE_ALLOC"), "%s", why);
	json_decref(ks_inject_disarm(&in, NULL, err, sizeof(err)));
	cr_expect_str_eq(err, "");
	ks_plan_free(&plan);
}

Test(inject, a_bad_require_touches_nothing)
{
	struct ks_inject in;
	char why[512], err[512];

	ks_inject_init(&in, scenario("inject = failslab\n"
				     "failslab.require = no_such_fn\n"), NULL);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), -1);
	cr_expect(strstr(why, "'no_such_fn' is neither a loaded module nor a function"),
		  "%s", why);
	json_decref(ks_inject_disarm(&in, NULL, err, sizeof(err)));
	cr_expect(originals_back());
	ks_plan_free(&plan);
}

/* A run killed while armed: the next start puts the knobs back. */
Test(inject, next_start_repairs_a_killed_run)
{
	char why[512], err[512];
	json_t *what;
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		struct ks_inject in;

		ks_inject_init(&in, scenario("inject = failslab\n"), NULL);
		_exit(ks_inject_arm(&in, why, sizeof(why)) ? 1 : 0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(st, 0);
	cr_assert_str_eq(get("failslab", "task-filter"), "Y", "not armed");
	cr_assert(state_file_exists());
	cr_assert_eq(ks_knobs_recover(&what, err, sizeof(err)), 9, "%s", err);
	cr_expect_eq(json_array_size(what), 9);
	json_decref(what);
	cr_expect(originals_back());
	cr_expect(!state_file_exists());
	cr_expect_eq(ks_knobs_recover(&what, err, sizeof(err)), 0);
}

Test(inject, knobs_held_by_a_live_run_are_left_alone)
{
	char path[400], boot[64], err[512];
	json_t *what;

	cr_assert_eq(ks_read_small("/proc/sys/kernel/random/boot_id", boot,
				  sizeof(boot)), 0);
	mkdir(state, 0700);
	snprintf(path, sizeof(path), "%s/armed-knobs.json", state);
	snprintf(err, sizeof(err),
		 "{\"pid\": %d, \"boot_id\": \"%s\", \"knobs\": []}",
		 (int)getppid(), boot);
	put(path, err);
	cr_assert_eq(ks_knobs_recover(&what, err, sizeof(err)), -EBUSY);
	cr_expect(strstr(err, "holds the fault injection knobs"), "%s", err);
	snprintf(path, sizeof(path), "%s/failslab/probability", dfs);
	cr_expect_eq(ks_knob_set(path, "5", err, sizeof(err)), -1,
		     "armed knobs would be saved as originals");
	cr_expect_str_eq(get("failslab", "probability"), "0");
}

Test(inject, text_ranges)
{
	uint64_t s, e;
	char err[256];

	cr_assert_eq(ks_symrange("btrfs", &s, &e, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(s, 0xffffffffc0000000ULL);
	cr_expect_eq(e, 0xffffffffc0000000ULL + 1638400);
	cr_assert_eq(ks_symrange("0x10-0x20", &s, &e, err, sizeof(err)), 0);
	cr_expect(s == 0x10 && e == 0x20);
	cr_expect_eq(ks_symrange("0x20-0x10", &s, &e, err, sizeof(err)), -1);
}

Test(inject, every_option_default_parses)
{
	const struct ks_injector *const *i;
	struct ks_scenario *sc = scenario("");
	int k;

	for (i = ks_injectors; *i; i++)
		for (k = 0; (*i)->opts && (*i)->opts[k].name; k++)
			cr_expect_str_eq(sc->inj_opt[i - ks_injectors][k].str,
					 (*i)->opts[k].def ? (*i)->opts[k].def : "",
					 "%s.%s", (*i)->name, (*i)->opts[k].name);
	ks_plan_free(&plan);
}

Test(inject, plan_errors)
{
	struct ks_plan_errors errs;

	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = dentry\ninject = failslub\n",
				   "t.plan", &plan, &errs), -1);
	cr_expect_str_eq(errs.msg[0], "t.plan:3: inject: no injector 'failslub' (see 'kmemstorm list')");
	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = dentry\nfailslab.probabilty = 3\n",
				   "t.plan", &plan, &errs), -1);
	cr_expect_str_eq(errs.msg[0], "t.plan:3: failslab.probabilty: injector 'failslab' has no option 'probabilty' (see 'kmemstorm list')");
	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = dentry\nfailslab.probability = 101\n",
				   "t.plan", &plan, &errs), -1);
}

Test(inject, sweep_plan_keys)
{
	static const struct { const char *keys, *want; } bad[] = {
		{ "mode = swept\n",
		  "t.plan:3: mode: 'swept' is not a mode (storm or sweep)" },
		{ "mode = sweep\nsweep.ops = create, mkdir\n",
		  "t.plan:4: sweep.ops: workload 'dentry' has no operation 'mkdir'" },
		{ "mode = sweep\ninject = failslab\n",
		  "t.plan:1: scenario 's': mode = sweep arms fail-nth itself; drop 'inject'" },
		{ "mode = sweep\nsweep.first_n = 9\nsweep.max_n = 3\n",
		  "t.plan:1: scenario 's': sweep.first_n is above sweep.max_n" },
	};
	struct ks_plan_errors errs;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[scenario s]\nworkload = dentry\n%s",
			 bad[i].keys);
		cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), -1,
			     "accepted: %s", bad[i].keys);
		cr_expect_str_eq(errs.msg[0], bad[i].want);
	}
	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = lkdtm\nmode = sweep\n",
				   "t.plan", &plan, &errs), -1);
	cr_expect_str_eq(errs.msg[0], "t.plan:1: scenario 's': workload 'lkdtm' cannot run one operation at a time (mode = sweep)");
	/* Every operation by default, only those named otherwise. */
	scenario("mode = sweep\n");
	cr_expect_eq(plan.scenarios[0].sweep_cfg.ops, 0xf);
	cr_expect_eq(plan.scenarios[0].sweep_cfg.first_n, 1);
	ks_plan_free(&plan);
	scenario("mode = sweep\nsweep.ops = rename unlink\nsweep.max_n = 50\n");
	cr_expect_eq(plan.scenarios[0].sweep_cfg.ops, 0xc);
	cr_expect_eq(plan.scenarios[0].sweep_cfg.max_n, 50);
	ks_plan_free(&plan);
}

/* A sweep on a kernel without the knobs: refused, nothing touched. */
Test(inject, sweep_refusals)
{
	char why[512];

	unsetenv("KMEMSTORM_DISPOSABLE_KERNEL");
	cr_expect_eq(ks_sweep_arm(why, sizeof(why)), 1);
	cr_expect(strstr(why, "refusing a fail-nth sweep"), "%s", why);
	cr_expect(originals_back());
	setenv("KMEMSTORM_DISPOSABLE_KERNEL", "1", 1);
	if (access("/proc/thread-self/fail-nth", F_OK) == 0) {
		cr_assert_eq(ks_sweep_arm(why, sizeof(why)), 0, "%s", why);
		cr_expect_str_eq(get("failslab", "verbose"), "2");
		cr_expect_str_eq(get("failslab", "probability"), "0");
		cr_expect_str_eq(get("failslab", "ignore-gfp-wait"), "N");
		cr_assert_geq(ks_knobs_restore(why, sizeof(why)), 1, "%s", why);
		cr_expect(originals_back());
	} else {
		cr_expect_eq(ks_sweep_arm(why, sizeof(why)), 1);
		cr_expect(strstr(why, "no /proc/thread-self/fail-nth"), "%s",
			  why);
	}
}
