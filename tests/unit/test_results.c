// SPDX-License-Identifier: GPL-2.0
/*
 * The figures compare and gate judge, on small journals written here:
 * the cases the recorded guest journals do not have (a global OOM before
 * the memcg's, a chargefail overshoot, a run's own ops/s noise).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "gate.h"
#include "metrics.h"

static char dir[] = "/tmp/ks-results-XXXXXX";

static void setup(void)
{
	strcpy(dir, "/tmp/ks-results-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

/* DIR/NAME/journal.jsonl from the lines given, NULL-terminated. */
static void journal(const char *name, ...)
{
	char path[128];
	const char *l;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/journal.jsonl", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	va_start(ap, name);
	while ((l = va_arg(ap, const char *)))
		fprintf(f, "%s\n", l);
	va_end(ap);
	fclose(f);
}

#define START "{\"type\":\"run_start\",\"schema\":1,\"plan\":{\"name\":\"p\",\"scenarios\":[{\"name\":\"s\",\"workload\":\"dentry\"},{\"name\":\"never\",\"workload\":\"inode\"}]}}"
#define START1 "{\"type\":\"run_start\",\"schema\":1,\"plan\":{\"name\":\"p\",\"scenarios\":[{\"name\":\"s\",\"workload\":\"dentry\"}]}}"
#define SSTART "{\"type\":\"scenario_start\",\"scenario\":\"s\",\"index\":1}"

static void load(const char *name, struct ks_run_view *v)
{
	char path[128], err[256];

	snprintf(path, sizeof(path), "%s/%s/journal.jsonl", dir, name);
	cr_assert_eq(ks_run_view_load(path, v, err, sizeof(err)), 0, "%s", err);
}

TestSuite(results, .init = setup, .fini = teardown);

Test(results, global_oom_before_memcg_oom_and_overshoot)
{
	struct ks_scn_metrics m;
	struct ks_run_view v;

	journal("a", START, SSTART,
		"{\"type\":\"kernel_report\",\"scenario\":\"s\",\"kind\":\"oom\",\"severity\":\"info\",\"title\":\"out of memory: global OOM kill\"}",
		"{\"type\":\"kernel_report\",\"scenario\":\"s\",\"kind\":\"memcg_oom\",\"severity\":\"info\",\"title\":\"memcg OOM kill in /x\"}",
		"{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"ops_per_sec\":100.0,\"memcg\":{\"peak\":3145728,\"limit\":1048576,\"limit_hits\":4}}",
		NULL);
	load("a", &v);
	cr_assert_eq(v.nscn, 2);
	ks_metrics_get(&v, &v.scn[0], &m);
	cr_expect_eq(m.global_oom_first, 1);
	cr_expect_eq(m.global_oom_line, 3, "the line of the global OOM report");
	cr_expect_eq(m.overshoot, 2097152);
	cr_expect_eq(m.limit_reached, 1);
	cr_expect_eq(m.end_line, 5);
	ks_metrics_free(&m);
	/* The plan's second scenario never started: not run, its workload kept. */
	cr_expect_str_eq(v.scn[1].verdict, "notrun");
	cr_expect_str_eq(json_string_value(ks_scn_workload(&v.scn[1])), "inode");
	ks_run_view_free(&v);
}

Test(results, memcg_oom_first_is_containment)
{
	struct ks_scn_metrics m;
	struct ks_run_view v;

	journal("a", START, SSTART,
		"{\"type\":\"kernel_report\",\"scenario\":\"s\",\"kind\":\"memcg_oom\",\"severity\":\"info\",\"title\":\"t\"}",
		"{\"type\":\"kernel_report\",\"scenario\":\"s\",\"kind\":\"oom\",\"severity\":\"info\",\"title\":\"g\"}",
		"{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"memcg\":{\"peak\":10,\"limit\":9223372036854775807,\"limit_hits\":0}}",
		NULL);
	load("a", &v);
	ks_metrics_get(&v, &v.scn[0], &m);
	cr_expect_eq(m.global_oom_first, 0);
	cr_expect_eq(m.overshoot, -1, "no limit: no overshoot to speak of");
	cr_expect_eq(m.limit_reached, -1);
	ks_metrics_free(&m);
	ks_run_view_free(&v);
}

Test(results, chargefail_overshoot_is_against_the_limit_in_force)
{
	struct ks_scn_metrics m;
	struct ks_run_view v;

	journal("a", START, SSTART,
		"{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"memcg\":{\"peak\":99999999,\"limit\":1048576,\"limit_hits\":1},\"inject\":{\"chargefail\":{\"overshoot\":{\"sampled_max\":4096,\"peak_max\":8192}}}}",
		NULL);
	load("a", &v);
	ks_metrics_get(&v, &v.scn[0], &m);
	cr_expect_eq(m.overshoot, 8192);
	ks_metrics_free(&m);
	ks_run_view_free(&v);
}

/* Samples 200 ms apart with these ops counts, then the end. */
static void steady(const char *name, int step, int jitter, double rate)
{
	char lines[16][160], end[200];
	int i, ops = 0;

	for (i = 0; i < 12; i++) {
		ops += step + (i % 2 ? jitter : -jitter);
		snprintf(lines[i], sizeof(lines[i]),
			 "{\"type\":\"sample\",\"scenario\":\"s\",\"t_ms\":%d,\"ops\":%d}",
			 200 * (i + 1), ops);
	}
	snprintf(end, sizeof(end),
		 "{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"ops_per_sec\":%.1f}",
		 rate);
	journal(name, START, SSTART, lines[0], lines[1], lines[2], lines[3],
		lines[4], lines[5], lines[6], lines[7], lines[8], lines[9],
		lines[10], lines[11], end, NULL);
}

static int regressions(const char *base, const char *cand, json_t **diff)
{
	struct ks_compare_opts o = { KS_COMPARE_NOISE, KS_COMPARE_OVERSHOOT_TOL };
	struct ks_run_view b, c;
	int regs;

	load(base, &b);
	load(cand, &c);
	*diff = ks_compare(&b, 1, &c, 1, &o, &regs);
	ks_run_view_free(&b);
	ks_run_view_free(&c);
	return regs;
}

Test(results, throughput_beyond_the_runs_own_noise)
{
	json_t *diff;

	/* Steady runs: 20% slower is a regression. */
	steady("base", 100, 2, 500);
	steady("slow", 80, 2, 400);
	cr_expect_eq(regressions("base", "slow", &diff), 1);
	cr_expect_str_eq(ks_jstr(json_array_get(json_object_get(
		json_array_get(diff, 0), "changes"), 0), "what", ""),
		"throughput");
	json_decref(diff);
	/* A run in fits and starts: the same 20% is within its noise. */
	steady("jumpy", 80, 70, 400);
	cr_expect_eq(regressions("base", "jumpy", &diff), 0);
	cr_expect_eq(json_array_size(diff), 0, "%s", json_dumps(diff, 0));
	json_decref(diff);
}

Test(results, gate_fails_a_config_with_a_global_oom_first)
{
	struct ks_compare_opts o = { KS_COMPARE_NOISE, KS_COMPARE_OVERSHOOT_TOL };
	struct ks_gate_config cfg[2] = {
		{ .label = "ok", .append = "" },
		{ .label = "global", .append = "x=1" },
	};
	char err[256];
	json_t *out;
	FILE *f;

	journal("ok", START1, SSTART,
		"{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"ops_per_sec\":10.0,\"memcg\":{\"peak\":1,\"limit\":2,\"limit_hits\":1}}",
		NULL);
	journal("global", START1, SSTART,
		"{\"type\":\"kernel_report\",\"scenario\":\"s\",\"kind\":\"oom\",\"severity\":\"info\",\"title\":\"g\"}",
		"{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"ops_per_sec\":20.0,\"memcg\":{\"peak\":1,\"limit\":2,\"limit_hits\":1}}",
		NULL);
	snprintf(cfg[0].dir, sizeof(cfg[0].dir), "%s/ok", dir);
	snprintf(cfg[1].dir, sizeof(cfg[1].dir), "%s/global", dir);
	f = fopen("/dev/null", "w");
	cr_assert_eq(ks_gate_decide(f, cfg, 2, &o, &out, err, sizeof(err)), 1,
		     "%s", err);
	fclose(f);
	cr_expect_str_eq(ks_jstr(out, "decision", ""), "ok");
	cr_expect(json_is_false(json_object_get(json_array_get(
		json_object_get(out, "configs"), 1), "pass")));
	json_decref(out);

	/* A scenario of the plan that never ran: that config did not finish. */
	journal("ok", START, SSTART,
		"{\"type\":\"scenario_end\",\"scenario\":\"s\",\"verdict\":\"pass\",\"memcg\":{\"peak\":1,\"limit\":2,\"limit_hits\":1}}",
		NULL);
	f = fopen("/dev/null", "w");
	cr_assert_eq(ks_gate_decide(f, cfg, 2, &o, &out, err, sizeof(err)), 2);
	fclose(f);
	cr_expect(json_is_null(json_object_get(out, "decision")) ||
		  !json_object_get(out, "decision"));
	cr_expect_eq(ks_jint(json_array_get(json_object_get(out, "configs"), 0),
			     "incomplete", -1), 1);
	json_decref(out);
}

#define SURFACED(scn, err) "{\"type\":\"enomem_surfaced\",\"scenario\":\"" scn "\",\"op\":\"create\",\"errno\":\"" err "\",\"count\":3}"
#define END_OK(scn) "{\"type\":\"scenario_end\",\"scenario\":\"" scn "\",\"verdict\":\"pass\",\"ops_per_sec\":10.0,\"memcg\":{\"peak\":1,\"limit\":2,\"limit_hits\":1}}"
#define START2 "{\"type\":\"run_start\",\"schema\":1,\"plan\":{\"name\":\"p\",\"scenarios\":[{\"name\":\"s\",\"workload\":\"inode\"},{\"name\":\"f\",\"workload\":\"inode\"}]}}"
#define FSTART "{\"type\":\"scenario_start\",\"scenario\":\"f\",\"index\":2,\"inject\":{\"failslab\":{\"probability\":\"5\"}}}"

Test(results, gate_judges_a_config_on_its_own_problems)
{
	struct ks_compare_opts o = { KS_COMPARE_NOISE, KS_COMPARE_OVERSHOOT_TOL };
	struct ks_gate_config cfg[2] = {
		{ .label = "a", .append = "" },
		{ .label = "b", .append = "x=1" },
	};
	char err[256];
	json_t *out, *u;
	FILE *f;

	/*
	 * Both: ENOSPC in s (shared). a alone: EIO under failslab (forced).
	 * b alone: EROFS in s (its own).
	 */
	journal("a", START2, SSTART, SURFACED("s", "ENOSPC"), END_OK("s"),
		FSTART, SURFACED("f", "EIO"), END_OK("f"), NULL);
	journal("b", START2, SSTART, SURFACED("s", "ENOSPC"),
		SURFACED("s", "EROFS"), END_OK("s"), FSTART, END_OK("f"), NULL);
	snprintf(cfg[0].dir, sizeof(cfg[0].dir), "%s/a", dir);
	snprintf(cfg[1].dir, sizeof(cfg[1].dir), "%s/b", dir);
	f = fopen("/dev/null", "w");
	cr_assert_eq(ks_gate_decide(f, cfg, 2, &o, &out, err, sizeof(err)), 1,
		     "%s", err);
	fclose(f);
	cr_expect_str_eq(ks_jstr(out, "decision", ""), "a");
	u = json_object_get(json_array_get(json_object_get(out, "configs"), 0),
			    "unhandled_enomem");
	cr_assert_eq(json_array_size(u), 2);
	cr_expect(json_is_true(json_object_get(json_array_get(u, 0), "everywhere")));
	cr_expect(json_is_true(json_object_get(json_array_get(u, 1), "forced")));
	cr_expect(json_is_false(json_object_get(json_array_get(u, 1), "own")));
	u = json_object_get(json_array_get(json_object_get(out, "configs"), 1),
			    "unhandled_enomem");
	cr_expect_str_eq(ks_jstr(json_array_get(u, 1), "title", ""),
			 "EROFS from create");
	cr_expect(json_is_true(json_object_get(json_array_get(u, 1), "own")));
	json_decref(out);
}

#define BUG(title, alts) "{\"type\":\"kernel_report\",\"scenario\":\"s\",\"kind\":\"kasan\",\"severity\":\"bug\",\"title\":\"" title "\",\"alt_titles\":[" alts "]}"

/* A bug is the same bug under any of its titles: compare matches on all. */
Test(results, compare_matches_bugs_on_alternate_titles)
{
	json_t *diff;

	journal("base", START1, SSTART,
		BUG("KASAN: use-after-free Read in f",
		    "\"KASAN: slab-use-after-free Read in f\""),
		END_OK("s"), NULL);
	journal("alt", START1, SSTART,
		BUG("KASAN: slab-use-after-free Read in f", ""),
		END_OK("s"), NULL);
	journal("other", START1, SSTART,
		BUG("KASAN: slab-use-after-free Read in g", ""),
		END_OK("s"), NULL);
	cr_expect_eq(regressions("base", "alt", &diff), 0, "%s",
		     json_dumps(diff, 0));
	json_decref(diff);
	cr_expect_eq(regressions("base", "other", &diff), 1, "%s",
		     json_dumps(diff, 0));
	cr_expect(strstr(json_dumps(diff, 0),
			 "new: kernel report KASAN: slab-use-after-free Read in g"),
		  "%s", json_dumps(diff, 0));
	json_decref(diff);
}
