// SPDX-License-Identifier: GPL-2.0
/*
 * The chargefail injector: the squeeze arithmetic, and arm/tick/disarm
 * against fake cgroup trees (tests/fixtures/cgroup): what it writes, the
 * steps, the overshoot and ENOMEM it reports, and what it refuses.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_fixture.h"
#include "chargefail.h"
#include "inject.h"
#include "plan.h"

#define M (1LL << 20)
#define K (1LL << 10)

static const struct ks_squeeze q = {
	.step = 4 * M, .margin = 512 * K, .floor = 4 * M, .page = 4096,
};

Test(squeeze, comes_down_to_one_step_above_the_usage_at_once)
{
	cr_expect_eq(ks_squeeze_next(&q, INT64_MAX, 10 * M), 14 * M);
	cr_expect_eq(ks_squeeze_next(&q, 128 * M, 10 * M), 14 * M);
}

Test(squeeze, then_by_steps_but_never_below_usage_and_margin)
{
	cr_expect_eq(ks_squeeze_next(&q, 20 * M, 10 * M), 14 * M);
	cr_expect_eq(ks_squeeze_next(&q, 16 * M, 10 * M), 12 * M);
	cr_expect_eq(ks_squeeze_next(&q, 14 * M, 10 * M), 10 * M + 512 * K);
	/* At the usage: hold (the result is the limit itself). */
	cr_expect_eq(ks_squeeze_next(&q, 10 * M + 512 * K, 10 * M + 100 * K),
		     10 * M + 512 * K);
	/* Usage grew past the limit (force charges): never raised. */
	cr_expect_eq(ks_squeeze_next(&q, 10 * M, 11 * M), 10 * M);
	/* Usage fell: the limit follows, a step at a time. */
	cr_expect_eq(ks_squeeze_next(&q, 10 * M + 512 * K, 5 * M),
		     6 * M + 512 * K);
}

Test(squeeze, floor_step_zero_and_pages)
{
	struct ks_squeeze z = q;

	cr_expect_eq(ks_squeeze_next(&q, 8 * M, 1 * M), 4 * M);
	cr_expect_eq(ks_squeeze_next(&q, 4 * M, 1 * M), 4 * M);
	z.step = 0;
	cr_expect_eq(ks_squeeze_next(&z, INT64_MAX, 10 * M), 10 * M + 512 * K);
	cr_expect_eq(ks_squeeze_next(&z, 64 * M, 10 * M), 10 * M + 512 * K);
	/* The kernel keeps whole pages: say what it will hold. */
	cr_expect_eq(ks_squeeze_next(&z, 64 * M, 10 * M + 1),
		     10 * M + 512 * K + 4096);
}

/* ---- the injector on a fake cgroup ----------------------------------- */

static struct ks_plan plan;
static struct ks_cgroup cg;
static char dir[PATH_MAX];

TestSuite(chargefail, .init = setup, .fini = teardown);

static struct ks_scenario *scenario(const char *keys)
{
	struct ks_plan_errors errs;
	char text[1024];

	snprintf(text, sizeof(text),
		 "[scenario s]\nworkload = inode\ninject = chargefail\n%s",
		 keys);
	cr_assert_eq(ks_plan_parse(text, "t.plan", &plan, &errs), 0, "%s",
		     errs.n ? errs.msg[0] : "");
	return &plan.scenarios[0];
}

static void v1_cgroup(void)
{
	pathf(dir, "%s" V1_MOUNT V1_SELF, tmp);
	cg = fake_cg(KS_CG_V1, "%s", dir);
}

static void file_put(const char *name, const char *text)
{
	char path[PATH_MAX];

	put(pathf(path, "%s/%s", dir, name), text);
}

static int64_t file_num(const char *name)
{
	char path[PATH_MAX];

	return strtoll(get(pathf(path, "%s/%s", dir, name)), NULL, 10);
}

/* One sample: the stats as the harness reads them, then tick(). */
static void sample(struct ks_inject *in, int64_t t_ms, int64_t usage,
		   const struct ks_counters *sum)
{
	struct ks_memcg_stats st;
	char v[32];

	snprintf(v, sizeof(v), "%lld\n", (long long)usage);
	file_put("memory.usage_in_bytes", v);
	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	ks_inject_tick(in, &st, sum, t_ms);
}

static json_t *path_get(json_t *o, const char *a, const char *b)
{
	o = json_object_get(o, a);
	return b ? json_object_get(o, b) : o;
}

Test(chargefail, v1_oom_control_squeezes_and_reports)
{
	struct ks_counters sum = { 0 };
	struct ks_inject in;
	char why[512], err[512];
	json_t *rep, *cf, *steps;

	v1_cgroup();
	ks_inject_init(&in, scenario("memory.max = 64M\n"
				     "chargefail.method = oom_control\n"
				     "chargefail.start_ms = 500\n"
				     "chargefail.interval_ms = 1000\n"
				     "chargefail.step = 8M\n"), &cg);
	file_put("memory.limit_in_bytes", "67108864\n");
	file_put("memory.usage_in_bytes", "1048576\n");
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 0, "%s", why);
	cr_expect_str_eq(get(pathf(why, "%s/memory.oom_control", dir)), "1");
	/* The kernel shows oom_control as keys; the fake keeps what we wrote. */
	file_put("memory.oom_control", "oom_kill_disable 1\nunder_oom 0\n");

	sample(&in, 100, 20 * M, &sum);		/* before start_ms */
	cr_expect_eq(file_num("memory.limit_in_bytes"), 64 * M);
	sum.enomem[0] = 3;			/* ENOMEM before the squeeze */
	sample(&in, 500, 20 * M, &sum);		/* first step: usage + step */
	cr_expect_eq(file_num("memory.limit_in_bytes"), 28 * M);
	sample(&in, 1000, 21 * M, &sum);	/* not yet time */
	cr_expect_eq(file_num("memory.limit_in_bytes"), 28 * M);
	sample(&in, 1500, 21 * M, &sum);	/* down to usage + margin */
	cr_expect_eq(file_num("memory.limit_in_bytes"), 21 * M + 512 * K);
	/* Force charges took usage past the limit: sampled overshoot. */
	sum.enomem[0] = 10;
	sum.enomem[2] = 5;
	sample(&in, 1700, 21 * M + 800 * K, &sum);
	sample(&in, 2500, 21 * M + 600 * K, &sum);	/* held at usage */
	cr_expect_eq(file_num("memory.limit_in_bytes"), 21 * M + 512 * K);
	/* Met after the last tick, before the disarm: still squeezed. */
	sum.enomem[2] = 9;

	rep = ks_inject_disarm(&in, &sum, err, sizeof(err));
	cr_assert_str_eq(err, "");
	/* The plan's limit is back, so that waiting workers can finish. */
	cr_expect_eq(file_num("memory.limit_in_bytes"), 64 * M);
	cf = json_object_get(rep, "chargefail");
	cr_assert_not_null(cf);
	cr_expect_str_eq(json_string_value(path_get(cf, "method", NULL)),
			 "oom_control");
	cr_expect_eq(json_integer_value(path_get(cf, "plan_limit", NULL)),
		     64 * M);
	cr_expect_eq(json_integer_value(path_get(cf, "lowest_limit", NULL)),
		     21 * M + 512 * K);
	steps = json_object_get(cf, "steps");
	cr_assert_eq(json_array_size(steps), 3);
	cr_expect_eq(json_integer_value(path_get(json_array_get(steps, 1),
						 "t_ms", NULL)), 500);
	cr_expect_eq(json_integer_value(path_get(json_array_get(steps, 1),
						 "limit", NULL)), 28 * M);
	cr_expect_eq(json_integer_value(path_get(json_array_get(steps, 1),
						 "usage", NULL)), 20 * M);
	cr_expect_eq(json_integer_value(path_get(cf, "steps_taken", NULL)), 2);
	cr_expect_eq(json_integer_value(path_get(cf, "held", "at_usage")), 1);
	cr_expect_eq(json_integer_value(path_get(cf, "overshoot",
						 "sampled_max")), 288 * K);
	cr_expect_eq(json_integer_value(path_get(cf, "overshoot",
						 "sampled_max_ms")), 1700);
	cr_expect_eq(json_integer_value(path_get(cf, "overshoot",
						 "samples_over")), 2);
	cr_expect_null(path_get(cf, "overshoot", "peak_max"),
		       "v1 has no peak of our own");
	cr_expect_eq(json_integer_value(path_get(cf, "enomem",
						 "before_squeeze")), 3);
	cr_expect_eq(json_integer_value(path_get(cf, "enomem", "squeezed")),
		     16);
	cr_expect_eq(json_integer_value(path_get(path_get(cf, "enomem",
		"by_op"), "create", NULL)), 7);
	cr_expect_eq(json_integer_value(path_get(path_get(cf, "enomem",
		"by_op"), "link", NULL)), 9);
	json_decref(rep);
	ks_plan_free(&plan);
}

Test(chargefail, v1_a_refused_step_is_counted_not_fatal)
{
	struct ks_inject in;
	char why[512], err[512], path[PATH_MAX];
	json_t *rep;

	v1_cgroup();
	ks_inject_init(&in, scenario("chargefail.method = oom_control\n"
				     "chargefail.start_ms = 0\n"), &cg);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 0, "%s", why);
	/* A directory where the limit file was: the write fails. */
	unlink(pathf(path, "%s/memory.limit_in_bytes", dir));
	mkdir(path, 0700);
	sample(&in, 0, 10 * M, NULL);
	rep = ks_inject_disarm(&in, NULL, err, sizeof(err));
	cr_expect_str_eq(err, "");
	cr_expect_eq(json_integer_value(path_get(path_get(rep, "chargefail",
		NULL), "errors", NULL)), 1);
	cr_expect(strstr(json_string_value(path_get(path_get(rep,
		"chargefail", NULL), "error", NULL)), "memory.limit_in_bytes"));
	json_decref(rep);
	ks_plan_free(&plan);
}

Test(chargefail, v2_oom_control_is_unsupported)
{
	struct ks_inject in;
	char why[512], err[512];
	json_t *rep;

	pathf(dir, "%s" V2_MOUNT V2_SELF, tmp);
	cg = fake_cg(KS_CG_V2, "%s", dir);
	ks_inject_init(&in, scenario("chargefail.method = oom_control\n"),
		       &cg);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 1);
	cr_expect(strstr(why, "chargefail: memory.oom_control: not supported on cgroup v2"),
		  "%s", why);
	rep = ks_inject_disarm(&in, NULL, err, sizeof(err));
	cr_expect_str_eq(err, "");
	/* Nothing was squeezed: no method, no steps to report. */
	cr_expect_eq(json_object_size(json_object_get(rep, "chargefail")), 0);
	cr_expect_eq(file_num("memory.max"), 64 * M, "the limit was touched");
	json_decref(rep);
	ks_plan_free(&plan);
}

/* Can a child of ours make itself unkillable (CAP_SYS_RESOURCE)? */
static int can_score_adj(void)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (!pid) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY);

		_exit(fd >= 0 && write(fd, "-1000", 5) == 5 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

Test(chargefail, v2_without_cap_sys_resource_is_unsupported)
{
	struct ks_inject in;
	char why[512], err[512];

	if (can_score_adj())
		cr_skip_test("this process may lower oom_score_adj");
	pathf(dir, "%s" V2_MOUNT V2_SELF, tmp);
	cg = fake_cg(KS_CG_V2, "%s", dir);
	ks_inject_init(&in, scenario(""), &cg);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 1);
	cr_expect(strstr(why, "oom_score_adj: Permission denied (needs CAP_SYS_RESOURCE); memory.oom_control, the other way, is cgroup v1 only"),
		  "%s", why);
	json_decref(ks_inject_disarm(&in, NULL, err, sizeof(err)));
	ks_plan_free(&plan);
}

/* v2 with the capability (guests, CI as real root): per-step peaks. */
Test(chargefail, v2_oom_score_adj_peaks_per_step)
{
	struct ks_inject in;
	char why[512], err[512];
	json_t *rep, *cf, *steps;

	if (!can_score_adj())
		cr_skip_test("needs CAP_SYS_RESOURCE to lower oom_score_adj");
	pathf(dir, "%s" V2_MOUNT V2_SELF, tmp);
	cg = fake_cg(KS_CG_V2, "%s", dir);
	file_put("memory.max", "max\n");
	file_put("cgroup.procs", "");
	ks_inject_init(&in, scenario("chargefail.start_ms = 0\n"), &cg);
	cr_assert_eq(ks_inject_arm(&in, why, sizeof(why)), 0, "%s", why);
	file_put("memory.current", "10485760\n");
	file_put("memory.peak", "11534336\n");
	{
		struct ks_memcg_stats st;

		cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
		ks_inject_tick(&in, &st, NULL, 0);
	}
	cr_expect_str_eq(get(pathf(why, "%s/memory.max", dir)), "14680064");
	file_put("memory.peak", "15728640\n");	/* 1M over 14M */
	rep = ks_inject_disarm(&in, NULL, err, sizeof(err));
	cf = json_object_get(rep, "chargefail");
	cr_expect_str_eq(json_string_value(path_get(cf, "method", NULL)),
			 "oom_score_adj");
	steps = json_object_get(cf, "steps");
	cr_assert_eq(json_array_size(steps), 2);
	cr_expect_eq(json_integer_value(path_get(json_array_get(steps, 0),
						 "peak", NULL)), 11 * M);
	cr_expect_eq(json_integer_value(path_get(json_array_get(steps, 1),
						 "peak", NULL)), 15 * M);
	cr_expect_eq(json_integer_value(path_get(cf, "overshoot", "peak_max")),
		     1 * M);
	cr_expect_str_eq(get(pathf(why, "%s/memory.max", dir)), "max");
	json_decref(rep);
	ks_plan_free(&plan);
}

Test(chargefail, a_bad_method_is_a_plan_error)
{
	struct ks_plan_errors errs;

	cr_assert_eq(ks_plan_parse("[scenario s]\nworkload = inode\n"
				   "chargefail.method = oom_kill\n",
				   "t.plan", &plan, &errs), -1);
	cr_expect_str_eq(errs.msg[0], "t.plan:3: chargefail.method: 'oom_kill' is not auto, oom_score_adj or oom_control");
}
