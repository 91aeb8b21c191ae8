// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm reproduce's pieces that need no kernel: the scenario's plan
 * key by key, title matching, and the C reproducers of every emitter,
 * which must build -Wall -Wextra -Werror with libc alone and arm what the
 * scenario armed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "repro.h"

static const char plan_text[] =
	"[plan]\nname = t\nsample_interval = 100ms\n\n"
	"[defaults]\nworkers = 4\nmemory.max = 16M\n\n"
	"[scenario other]\nworkload = inode\n\n"
	"[scenario d]\nworkload = dentry\nduration = 3s\ndentry.fanout = 8\n"
	"inject = failslab\nfailslab.probability = 20\n";

Test(repro_plan, one_scenario_key_by_key)
{
	struct ks_repro_plan rp;
	struct ks_plan plan;
	char err[512], *text;

	cr_assert_eq(ks_rp_from_text(&rp, plan_text, "d", err, sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(ks_rp_get(&rp, "duration"), "3s");
	cr_assert_null(ks_rp_get(&rp, "workers"), "defaults are not the scenario's");
	cr_assert_eq(ks_rp_set(&rp, "duration", "1s"), 0);
	cr_assert_eq(ks_rp_set(&rp, "workers", "1"), 0);
	text = ks_rp_render(&rp);
	cr_assert(strstr(text, "[defaults]\nworkers = 4\n"), "%s", text);
	cr_assert(strstr(text, "duration = 1s\n"), "%s", text);
	cr_assert_null(strstr(text, "3s"), "%s", text);
	cr_assert_null(strstr(text, "[scenario other]"), "%s", text);
	free(text);
	/* what the harness will read: one scenario, the changes in effect */
	cr_assert_eq(ks_rp_parse(&rp, &plan, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(plan.nscenarios, 1);
	cr_assert_eq(plan.scenarios[0].workers, 1);
	cr_assert_eq(plan.scenarios[0].duration_ms, 1000);
	cr_assert_eq(plan.scenarios[0].limits.max, 16 << 20);
	ks_plan_free(&plan);
	ks_rp_free(&rp);
	cr_assert_eq(ks_rp_from_text(&rp, plan_text, "nosuch", err,
				     sizeof(err)), -1);
	cr_assert(strstr(err, "no [scenario nosuch]"), "%s", err);
}

Test(repro, titles_match_alternates)
{
	json_t *titles = json_pack("[s, s]", "BUG: unable to handle kernel paging request in f",
				   "KASAN: slab-out-of-bounds Read in g");
	json_t *a = json_pack("{s:s}", "title", "KASAN: slab-out-of-bounds Read in g");
	json_t *b = json_pack("{s:s, s:[s]}", "title", "other", "alt_titles",
			      "BUG: unable to handle kernel paging request in f");
	json_t *c = json_pack("{s:s, s:[s]}", "title", "WARNING in h",
			      "alt_titles", "WARNING in i");

	cr_assert(ks_repro_title_match(a, titles));
	cr_assert(ks_repro_title_match(b, titles));
	cr_assert_not(ks_repro_title_match(c, titles));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(titles);
}

/* Run at exit, so a failed assertion leaves nothing in /tmp either. */
static char cleanup_cmd[256];

static void run_cleanup(void)
{
	if (system(cleanup_cmd))
		fprintf(stderr, "cleanup: %s failed\n", cleanup_cmd);
}

static int atexit_cmd(const char *cmd)
{
	snprintf(cleanup_cmd, sizeof(cleanup_cmd), "%s", cmd);
	return atexit(run_cleanup);
}

static int file_has(const char *path, const char *needle)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void emit(const char *scenario_text, const char *dir, json_t *armed)
{
	static struct ks_repro r;
	char err[512], cmd[1024];

	memset(&r, 0, sizeof(r));
	cr_assert_eq(ks_rp_from_text(&r.c.plan, scenario_text, "s", err,
				     sizeof(err)), 0, "%s", err);
	snprintf(r.c.title, sizeof(r.c.title), "WARNING in f");
	r.c.titles = json_pack("[s]", r.c.title);
	r.c.seed = 42;
	r.c.armed = armed;
	r.hits = 2;
	r.runs = 3;
	cr_assert_eq(ks_repro_emit_c(&r, &r.c.plan, dir, err, sizeof(err)),
		     0, "%s", err);
	snprintf(cmd, sizeof(cmd),
		 "cc -O2 -Wall -Wextra -Werror -o %s/repro %s/repro.c 2> %s/cc.log",
		 dir, dir, dir);
	cr_assert_eq(sh(cmd), 0, "the reproducer in %s does not build clean", dir);
	snprintf(cmd, sizeof(cmd), "sh -n %s/repro.sh && sh -n %s/qemu.sh", dir, dir);
	cr_assert_eq(sh(cmd), 0, "%s: a script does not parse", dir);
	snprintf(cmd, sizeof(cmd), "grep -q '2 of 3 runs' %s/README.md", dir);
	cr_assert_eq(sh(cmd), 0, "the README does not say how often");
	ks_repro_case_free(&r.c);
}

Test(repro_emit, every_emitter_builds_clean)
{
	char dir[] = "/tmp/ks-emit.XXXXXX", sub[64], cmd[1024];
	json_t *armed = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
		"path", "/sys/kernel/debug/failslab/task-filter", "value", "Y",
		"path", "/sys/kernel/debug/failslab/times", "value", "100",
		"path", "/sys/kernel/debug/failslab/probability", "value", "20");

	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(atexit_cmd(cmd), 0);
	snprintf(sub, sizeof(sub), "%s/dentry", dir);
	emit("[scenario s]\nworkload = dentry\nmemory.max = 16M\n"
	     "dentry.rename = 0\ninject = failslab\n", sub, armed);
	snprintf(cmd, sizeof(cmd),
		 "grep -q \"^arm '/sys/kernel/debug/failslab/probability' '20' || exit 2$\" %s/repro.sh"
		 " && grep -q '^export KS_MAKE_IT_FAIL=1' %s/repro.sh"
		 " && grep -q 'echo 16777216 > \"$cg/memory.max\"' %s/repro.sh"
		 " && ! grep -q do_rename %s/repro.c", sub, sub, sub, sub);
	cr_assert_eq(sh(cmd), 0, "dentry: knobs, task filter, limit or a left-out operation wrong");
	snprintf(sub, sizeof(sub), "%s/inode", dir);
	emit("[scenario s]\nworkload = inode\ninode.links = 0\n", sub, NULL);
	snprintf(cmd, sizeof(cmd), "grep -q 'mount -t tmpfs -o size=1G,nr_inodes=0' %s/repro.sh"
		 " && ! grep -q '^arm ' %s/repro.sh", sub, sub);
	cr_assert_eq(sh(cmd), 0, "inode: its tmpfs, or knobs it never armed");
	snprintf(sub, sizeof(sub), "%s/path", dir);
	emit("[scenario s]\nworkload = dentry\ndentry.path = /tmp/it's here\n",
	     sub, NULL);
	snprintf(cmd, sizeof(cmd), "%s/repro.sh", sub);
	cr_assert(file_has(cmd, "fs=$(mktemp -d '/tmp/it'\\''s here'/ks-repro.XXXXXX)"),
		  "a path option is not quoted for sh");
	snprintf(sub, sizeof(sub), "%s/lkdtm", dir);
	emit("[scenario s]\nworkload = lkdtm\nlkdtm.crash = BUG\n", sub, NULL);
	snprintf(cmd, sizeof(cmd), "grep -q '#define OPT_CRASH \"BUG\"' %s/repro.c", sub);
	cr_assert_eq(sh(cmd), 0, "lkdtm: the crash type");
}

Test(repro_emit, refused_with_a_reason)
{
	static struct ks_repro r;
	char err[512];

	cr_assert_eq(ks_rp_from_text(&r.c.plan, "[scenario s]\nworkload = socket\n",
				     "s", err, sizeof(err)), 0, "%s", err);
	r.c.titles = json_array();
	cr_assert_eq(ks_repro_emit_c(&r, &r.c.plan, "/tmp/ks-emit-never", err,
				     sizeof(err)), -1);
	cr_assert(strstr(err, "no C emitter for the socket storm (there are: dentry inode lkdtm)"),
		  "%s", err);
	cr_assert_neq(access("/tmp/ks-emit-never", F_OK), 0, "a refused emit made its directory");
	ks_repro_case_free(&r.c);
}

/*
 * A kernel that warns only while creates run for at least 2 s: what the
 * minimiser must keep, and everything it may drop.
 */
static int fake_runs;

static int fake_run(const char *plan_path, const char *outdir, void *arg)
{
	static struct ks_plan_errors errs;
	struct ks_plan plan;
	char path[4200];
	const struct ks_scenario *sc;
	int create, crash;
	FILE *f;

	(void)arg;
	fake_runs++;
	cr_assert_eq(ks_plan_load(plan_path, &plan, &errs), 0);
	sc = &plan.scenarios[0];
	create = ks_workload_opt_index(sc->wl, "create");
	crash = sc->opt[create].num > 0 && sc->duration_ms >= 2000;
	mkdir(outdir, 0755);
	snprintf(path, sizeof(path), "%s/journal.jsonl", outdir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "{\"type\":\"scenario_start\",\"scenario\":\"%s\",\"seed\":7}\n",
		sc->name);
	if (crash)
		fprintf(f, "{\"type\":\"kernel_report\",\"scenario\":\"%s\",\"severity\":\"bug\",\"title\":\"WARNING in f\"}\n",
			sc->name);
	fclose(f);
	ks_plan_free(&plan);
	return crash;
}

Test(repro_minimise, keeps_what_the_crash_needs)
{
	static struct ks_repro r;
	struct ks_repro_plan out;
	struct ks_plan plan;
	char dir[] = "/tmp/ks-min.XXXXXX", err[512], cmd[64];
	const struct ks_scenario *sc;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(atexit_cmd(cmd), 0);
	cr_assert_eq(ks_rp_from_text(&r.c.plan,
		"[scenario s]\nworkload = dentry\nworkers = 8\nduration = 16s\n"
		"memory.max = 32M\ndentry.fanout = 16\n", "s", err,
		sizeof(err)), 0, "%s", err);
	r.c.titles = json_pack("[s]", "WARNING in f");
	r.run = fake_run;
	r.tries = 1;
	cr_assert_eq(ks_repro_open(&r, dir, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ks_repro_minimise(&r, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ks_rp_parse(&out, &plan, err, sizeof(err)), 0, "%s", err);
	sc = &plan.scenarios[0];
	cr_assert_eq(sc->workers, 1);
	/* 16 s: 2 s is the shortest of 2, 4, 8 that still warns */
	cr_assert_eq(sc->duration_ms, 2000);
	cr_assert_str_eq(ks_rp_get(&out, "memory.max"), "max");
	cr_assert_str_eq(ks_rp_get(&out, "dentry.lookup_neg"), "0");
	cr_assert_str_eq(ks_rp_get(&out, "dentry.rename"), "0");
	cr_assert_str_eq(ks_rp_get(&out, "dentry.unlink"), "0");
	cr_assert_null(ks_rp_get(&out, "dentry.create"), "the create the crash needs was dropped");
	cr_assert_eq(sc->opt[ks_workload_opt_index(sc->wl, "fanout")].num, 1);
	/* the seed the first run that warned drew, kept from then on */
	cr_assert_str_eq(ks_rp_get(&out, "seed"), "7");
	cr_assert_eq(fake_runs, r.ntry);
	ks_plan_free(&plan);
	ks_rp_free(&out);
	ks_repro_close(&r);
	ks_repro_case_free(&r.c);
}
