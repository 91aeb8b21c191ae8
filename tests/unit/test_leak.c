// SPDX-License-Identifier: GPL-2.0
/* The leak check after a scenario (harness/leak.c) on a fake v2 cgroup. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leak.h"

static char dir[64];
static struct ks_cg_run run;

static void put(const char *file, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void level(long long current, long long slab, int dying)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%lld\n", current);
	put("memory.current", buf);
	snprintf(buf, sizeof(buf), "anon 0\nslab %lld\nsock 0\nkernel %lld\n",
		 slab, slab + 4096);
	put("memory.stat", buf);
	snprintf(buf, sizeof(buf), "nr_descendants 0\nnr_dying_descendants %d\n",
		 dying);
	put("cgroup.stat", buf);
}

static void init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ks-leak.XXXXXX");
	cr_assert(mkdtemp(dir));
	memset(&run, 0, sizeof(run));
	run.run.version = KS_CG_V2;
	run.run.dirfd = -1;
	snprintf(run.run.path, sizeof(run.run.path), "%s", dir);
	put("memory.reclaim", "");
	level(10 << 20, 1 << 20, 0);
}

static void fini(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(leak, .init = init, .fini = fini);

Test(leak, clean_within_the_margin)
{
	struct ks_leak_check c;

	ks_leak_baseline(&c, &run);
	cr_assert(c.ok);
	level((10 << 20) + (512 << 10), 1 << 20, 0);
	cr_expect_eq(ks_leak_settle(&c, &run, NULL, 1 << 20, 1, 100), 0);
	cr_expect_eq(c.rounds, 1, "clean at the first look");
}

Test(leak, charges_left_are_a_leak_with_their_kinds)
{
	struct ks_leak_check c;
	char why[256];
	json_t *j;

	ks_leak_baseline(&c, &run);
	level(14 << 20, 4 << 20, 0);
	cr_expect_eq(ks_leak_settle(&c, &run, NULL, 1 << 20, 1, 120), 1);
	cr_expect(c.rounds > 1, "reclaimed again while waiting");
	cr_expect(c.waited_ms >= 120);
	cr_expect(c.leaked);
	cr_expect_not(c.dying_left);
	j = ks_leak_json(&c);
	cr_expect_eq(json_integer_value(json_object_get(j, "bytes")), 4 << 20);
	cr_expect_eq(json_integer_value(json_object_get(j, "slab")), 3 << 20);
	json_decref(j);
	ks_leak_describe(&c, why, sizeof(why));
	cr_expect(strstr(why, "4.0M left in the run cgroup (slab 3.0M, kernel 3.0M)"),
		  "%s", why);
}

Test(leak, dying_cgroups_left_are_a_leak)
{
	struct ks_leak_check c;

	ks_leak_baseline(&c, &run);
	level(10 << 20, 1 << 20, 1);
	cr_expect_eq(ks_leak_settle(&c, &run, NULL, 1 << 20, 1, 0), 0,
		     "one may stay: a page pins it until rewritten");
	level(10 << 20, 1 << 20, 2);
	cr_expect_eq(ks_leak_settle(&c, &run, NULL, 1 << 20, 1, 60), 1);
	cr_expect(c.dying_left);
	cr_expect_not(c.leaked);
}

Test(leak, reclaim_is_forced)
{
	struct ks_leak_check c;
	char path[128], buf[16] = "";
	FILE *f;

	ks_leak_baseline(&c, &run);
	ks_leak_settle(&c, &run, NULL, 1 << 20, 1, 0);
	snprintf(path, sizeof(path), "%s/memory.reclaim", dir);
	f = fopen(path, "r");
	cr_assert(f);
	cr_expect(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_expect_str_eq(buf, "1G");
}

/* The harness's own leaf is not the scenario's. */
Test(leak, the_harness_leaf_is_left_out)
{
	struct ks_leak_check c;
	char leaf[96];

	snprintf(leaf, sizeof(leaf), "%s/harness", dir);
	cr_assert_eq(mkdir(leaf, 0755), 0);
	snprintf(run.leaf, sizeof(run.leaf), "%s", leaf);
	put("harness/memory.current", "1048576\n");
	ks_leak_baseline(&c, &run);
	level(16 << 20, 1 << 20, 0);
	put("harness/memory.current", "7340032\n");	/* 7M */
	cr_expect_eq(ks_leak_settle(&c, &run, NULL, 1 << 20, 1, 0), 0);
}
