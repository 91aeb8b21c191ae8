// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the reading half of the cgroup layer: detection, the
 * parsers and statistics.  They run on copies of the fake trees in
 * tests/fixtures/cgroup (see the README there), so they need no
 * privileges and touch no real cgroup.  Limits, creation, teardown and
 * the root-only "real" suite are in test_cgroup_tree.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_fixture.h"

TestSuite(detect, .init = setup, .fini = teardown);
TestSuite(parse);
TestSuite(stats, .init = setup, .fini = teardown);

/* ---- detection ----------------------------------------------------- */

Test(detect, v1_hybrid_does_not_pick_unified)
{
	struct ks_cg_root root;
	char err[512] = "", want[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(root.version, KS_CG_V1);
	cr_assert_str_eq(root.mount, pathf(want, "%s%s", tmp, V1_MOUNT));
	cr_assert_str_eq(root.self, V1_SELF);
	cr_assert_str_eq(ks_cg_version_name(root.version), "v1");
}

Test(detect, v1_when_cgroup2_is_listed_first)
{
	struct ks_cg_root root;
	char err[512] = "", mounts[PATH_MAX];

	pathf(mounts, "%s/v1/mounts", tmp);
	put(mounts, "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n"
		    "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\n");
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(root.version, KS_CG_V1);
}

Test(detect, v2)
{
	struct ks_cg_root root;
	char err[512] = "", want[PATH_MAX];

	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(root.version, KS_CG_V2);
	cr_assert_str_eq(root.mount, pathf(want, "%s%s", tmp, V2_MOUNT));
	cr_assert_str_eq(root.self, V2_SELF);
}

Test(detect, v2_wins_when_cgroup2_has_memory)
{
	struct ks_cg_root root;
	char err[512] = "", path[PATH_MAX];

	pathf(path, "%s/v1/sys/fs/cgroup/unified/cgroup.controllers", tmp);
	put(path, "hugetlb memory\n");
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(root.version, KS_CG_V2);
	cr_assert_str_eq(root.self, "/");
}

Test(detect, none_names_the_reason)
{
	struct ks_cg_root root;
	char err[512] = "", mounts[PATH_MAX];

	pathf(mounts, "%s/v1/mounts", tmp);
	put(mounts, "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n"
		    "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n");
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), -ENODEV);
	cr_assert_eq(root.version, KS_CG_NONE);
	cr_assert(strstr(err, "no memory cgroup controller"), "%s", err);
	cr_assert(strstr(err, "does not list memory"), "%s", err);

	/* "memory_recursiveprot" is not the memory option. */
	put(mounts, "cgroup /x cgroup rw,memory_recursiveprot 0 0\n");
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), -ENODEV);
	cr_assert(strstr(err, "there is no cgroup2 mount"), "%s", err);
}

Test(detect, errors_name_the_file)
{
	struct ks_cg_root root;
	char err[512] = "", path[PATH_MAX];

	pathf(path, "%s/v1/mounts", tmp);
	unlink(path);
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, path), "%s", err);

	pathf(path, "%s/v2/proc-self-cgroup", tmp);
	put(path, "1:name=systemd:/x\n");
	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "0::/path"), "%s", err);

	put(path, "0::/no/such/cgroup\n");
	cr_assert_eq(detect_tree(&root, "v2", err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "not found"), "%s", err);
}

Test(detect, escaped_mount_point)
{
	struct ks_cg_root root;
	char err[512] = "", path[PATH_MAX], to[PATH_MAX];

	pathf(path, "%s/v1/sys/fs/cgroup/memory", tmp);
	pathf(to, "%s/v1/sys/fs/cgroup/mem ory", tmp);
	cr_assert_eq(rename(path, to), 0);
	pathf(path, "%s/v1/mounts", tmp);
	put(path, "cgroup /sys/fs/cgroup/mem\\040ory cgroup rw,memory 0 0\n");
	cr_assert_eq(detect_tree(&root, "v1", err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(root.mount, to);
}

/* ---- parsers ------------------------------------------------------- */

Test(parse, value)
{
	int64_t v;

	cr_assert_eq(ks_cg_parse_value("max\n", &v), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(ks_cg_parse_value("9223372036854771712\n", &v), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(ks_cg_parse_value("33554432\n", &v), 0);
	cr_assert_eq(v, 33554432);
	cr_assert_eq(ks_cg_parse_value("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(ks_cg_parse_value("", &v), -EINVAL);
	cr_assert_eq(ks_cg_parse_value("12abc", &v), -EINVAL);
	cr_assert_eq(ks_cg_parse_value("-1", &v), -EINVAL);
	cr_assert_eq(ks_cg_parse_value("maxi", &v), -EINVAL);
}

Test(parse, key_matches_line_start_exactly)
{
	int64_t v = -1;

	cr_assert_eq(ks_cg_parse_key("file_mapped 5\nfile 7\n", "file", &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(ks_cg_parse_key("file_mapped 5\n", "file", &v), -ENOENT);
	cr_assert_eq(ks_cg_parse_key("total_swap 9\nswap 3", "swap", &v), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(ks_cg_parse_key("oom 1\noom_kill 2\n", "oom_kill", &v), 0);
	cr_assert_eq(v, 2);
	cr_assert_eq(ks_cg_parse_key("oom 1\noom_kill 2\n", "oom", &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(ks_cg_parse_key("high max\n", "high", &v), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(ks_cg_parse_key("anon x\n", "anon", &v), -EINVAL);
	cr_assert_eq(ks_cg_parse_key("", "anon", &v), -ENOENT);
}

Test(parse, list)
{
	cr_assert(ks_cg_list_has("cpu io memory pids\n", "memory", " \n"));
	cr_assert(ks_cg_list_has("memory", "memory", " \n"));
	cr_assert_not(ks_cg_list_has("hugetlb\n", "memory", " \n"));
	cr_assert(ks_cg_list_has("rw,relatime,memory", "memory", ","));
	cr_assert_not(ks_cg_list_has("rw,memory_recursiveprot", "memory", ","));
}

Test(parse, kmem_limit_ignored)
{
	cr_assert_not(ks_cg_kmem_limit_ignored("4.19.0-26-amd64"));
	cr_assert_not(ks_cg_kmem_limit_ignored("5.15.0-91-generic"));
	cr_assert(ks_cg_kmem_limit_ignored("5.16.0-rc1"));
	cr_assert(ks_cg_kmem_limit_ignored("6.1"));
	cr_assert(ks_cg_kmem_limit_ignored("6.18.44-fc-v782"));
}

/* ---- statistics ---------------------------------------------------- */

Test(stats, v1_captured)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s%s%s", tmp, V1_MOUNT,
				      V1_SELF);
	struct ks_memcg_stats st;

	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	cr_assert_eq(st.current, 9252864);
	cr_assert_eq(st.peak, 9723904);
	cr_assert_eq(st.limit, INT64_MAX);
	cr_assert_eq(st.high, -1);
	cr_assert_eq(st.swap_current, 0);	/* memory.stat "swap" */
	cr_assert_eq(st.failcnt, 0);
	cr_assert_eq(st.memsw_failcnt, 0);
	cr_assert_eq(st.kmem_usage, 835584);
	cr_assert_eq(st.kmem_max_usage, 1437696);
	cr_assert_eq(st.kmem_failcnt, 0);
	cr_assert_eq(st.tcp_usage, 0);
	cr_assert_eq(st.oom_kill_disable, 0);
	cr_assert_eq(st.under_oom, 0);
	cr_assert_eq(st.ev_oom_kill, 0);
	cr_assert_eq(st.anon, 1757184);		/* rss */
	cr_assert_eq(st.file, 6402048);		/* cache */
	cr_assert_eq(st.shmem, 0);
	cr_assert_eq(st.kernel, 835584);	/* kmem.usage_in_bytes */
	cr_assert_eq(st.slab, -1);
	cr_assert_eq(st.kernel_stack, -1);
	cr_assert_eq(st.ev_max, -1);
	cr_assert_eq(st.evl_max, -1);
	cr_assert_eq(st.nr_descendants, -1);
	cr_assert_eq(ks_memcg_limit_hits(&st), 0);
	cr_assert_eq(ks_memcg_oom_kills(&st), 0);
}

Test(stats, v1_swap_fallback_and_counters)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V1, "%s%s%s", tmp, V1_MOUNT,
				      V1_SELF);
	struct ks_memcg_stats st;
	char p[PATH_MAX];

	/* Without memory.stat "swap": memsw - usage, never negative. */
	put(pathf(p, "%s/memory.stat", cg.path), "cache 1\nrss 2\n");
	put(pathf(p, "%s/memory.memsw.usage_in_bytes", cg.path), "9256960\n");
	put(pathf(p, "%s/memory.failcnt", cg.path), "12\n");
	put(pathf(p, "%s/memory.memsw.failcnt", cg.path), "30\n");
	put(pathf(p, "%s/memory.oom_control", cg.path),
	    "oom_kill_disable 1\nunder_oom 1\noom_kill 3\n");
	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	cr_assert_eq(st.swap_current, 4096);
	cr_assert_eq(st.memsw_failcnt, 30);
	cr_assert_eq(ks_memcg_limit_hits(&st), 42);
	cr_assert_eq(ks_memcg_oom_kills(&st), 3);
	cr_assert_eq(st.under_oom, 1);
	cr_assert_eq(st.oom_kill_disable, 1);
	put(pathf(p, "%s/memory.memsw.usage_in_bytes", cg.path), "4096\n");
	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	cr_assert_eq(st.swap_current, 0);
}

/* The sampler's light read of each of many cgroups. */
Test(stats, usage_v1_v2_and_gone)
{
	struct ks_cgroup c1 = fake_cg(KS_CG_V1, "%s%s%s", tmp, V1_MOUNT,
				      V1_SELF);
	struct ks_cgroup c2 = fake_cg(KS_CG_V2, "%s%s%s", tmp, V2_MOUNT,
				      V2_SELF);
	struct ks_cg_usage u;
	char buf[4096], p[PATH_MAX];

	cr_assert_eq(ks_cg_read_usage(KS_CG_V2, c2.path, 0, &u, buf,
				      sizeof(buf)), 0);
	cr_expect_eq(u.current, 14163968);
	cr_expect_eq(u.limit_hits, 17);
	cr_expect_eq(u.oom_kills, 1);
	cr_expect_eq(u.peak, -1, "peak read only when asked");
	cr_assert_eq(ks_cg_read_usage(KS_CG_V2, c2.path, 1, &u, buf,
				      sizeof(buf)), 0);
	cr_expect_eq(u.peak, 33378304);

	put(pathf(p, "%s/memory.failcnt", c1.path), "12\n");
	put(pathf(p, "%s/memory.memsw.failcnt", c1.path), "30\n");
	cr_assert_eq(ks_cg_read_usage(KS_CG_V1, c1.path, 0, &u, buf,
				      sizeof(buf)), 0);
	cr_expect_eq(u.current, 9252864);
	cr_expect_eq(u.limit_hits, 42, "memory and memsw hits");
	cr_expect_eq(u.oom_kills, 0);
	cr_assert_eq(ks_cg_read_usage(KS_CG_V1, c1.path, 1, &u, buf,
				      sizeof(buf)), 0);
	cr_expect_eq(u.limit_hits, 42);
	cr_expect_eq(u.peak, 9723904);

	cr_expect_eq(ks_cg_read_usage(KS_CG_V2, pathf(p, "%s/gone", c2.path),
				      0, &u, buf, sizeof(buf)), -ENOENT);
	cr_expect_eq(u.current, -1);
	cr_expect_eq(ks_cg_read_usage(KS_CG_NONE, c2.path, 0, &u, buf,
				      sizeof(buf)), -EINVAL);
}

Test(stats, v2_written)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V2, "%s%s%s", tmp, V2_MOUNT,
				      V2_SELF);
	struct ks_memcg_stats st;

	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	cr_assert_eq(st.current, 14163968);
	cr_assert_eq(st.peak, 33378304);
	cr_assert_eq(st.limit, 67108864);
	cr_assert_eq(st.high, INT64_MAX);
	cr_assert_eq(st.swap_current, 0);
	cr_assert_eq(st.ev_low, 0);
	cr_assert_eq(st.ev_high, 0);
	cr_assert_eq(st.ev_max, 17);
	cr_assert_eq(st.ev_oom, 2);
	cr_assert_eq(st.ev_oom_kill, 1);
	cr_assert_eq(st.ev_oom_group_kill, 0);
	cr_assert_eq(st.evl_max, 5);
	cr_assert_eq(st.evl_oom, 1);
	cr_assert_eq(st.evl_oom_kill, 1);
	cr_assert_eq(st.anon, 2097152);
	cr_assert_eq(st.file, 8388608);		/* not file_mapped */
	cr_assert_eq(st.kernel, 3670016);	/* not kernel_stack */
	cr_assert_eq(st.kernel_stack, 294912);
	cr_assert_eq(st.slab, 2912992);		/* not slab_reclaimable */
	cr_assert_eq(st.slab_reclaimable, 1842424);
	cr_assert_eq(st.slab_unreclaimable, 1070568);
	cr_assert_eq(st.sock, 8192);
	cr_assert_eq(st.shmem, 1048576);
	cr_assert_eq(st.percpu, 145920);
	cr_assert_eq(st.nr_descendants, 2);
	cr_assert_eq(st.nr_dying_descendants, 1);
	cr_assert_eq(st.failcnt, -1);
	cr_assert_eq(st.kmem_usage, -1);
	cr_assert_eq(ks_memcg_limit_hits(&st), 17);
	cr_assert_eq(ks_memcg_oom_kills(&st), 1);
}

Test(stats, missing_files_and_cgroup)
{
	struct ks_cgroup cg = fake_cg(KS_CG_V2, "%s%s%s", tmp, V2_MOUNT,
				      V2_SELF);
	struct ks_memcg_stats st;
	char p[PATH_MAX];

	unlink(pathf(p, "%s/memory.peak", cg.path));
	unlink(pathf(p, "%s/memory.stat", cg.path));
	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	cr_assert_eq(st.peak, -1);
	cr_assert_eq(st.anon, -1);
	cr_assert_eq(st.current, 14163968);

	strcat(cg.path, "/gone");
	cr_assert_eq(ks_cg_read_stats(&cg, &st), -ENOENT);
	cr_assert_eq(st.current, -1);
}

/* A tree captured from a 6.12 guest by scripts/capture-cgroup-v2. */
Test(stats, v2_captured_from_guest)
{
	char mounts[PATH_MAX], self[PATH_MAX], prefix[PATH_MAX], err[256];
	struct ks_cg_root root;
	struct ks_cgroup cg;
	struct ks_memcg_stats st;

	pathf(mounts, "%s/v2-guest/proc/self/mounts", tmp);
	pathf(self, "%s/v2-guest/proc/self/cgroup", tmp);
	pathf(prefix, "%s/v2-guest", tmp);
	cr_assert_eq(ks_cg_detect_from(&root, mounts, self, prefix, err,
				       sizeof(err)), 0, "%s", err);
	cr_expect_eq(root.version, KS_CG_V2);
	cr_expect_str_eq(root.self, "/test");

	cg = fake_cg(KS_CG_V2, "%s/v2-guest/sys/fs/cgroup/test", tmp);
	cr_assert_eq(ks_cg_read_stats(&cg, &st), 0);
	cr_expect_eq(st.current, 10186752);
	cr_expect_eq(st.peak, 33554432);
	cr_expect_eq(st.limit, 33554432);
	cr_expect_eq(st.high, 29360128);
	cr_expect_eq(st.swap_current, 0);
	cr_expect_eq(st.ev_high, 136);
	cr_expect_eq(st.ev_max, 35);
	cr_expect_eq(st.ev_oom, 1);
	cr_expect_eq(st.ev_oom_kill, 1);
	cr_expect_eq(st.evl_max, 35);
	cr_expect_eq(st.anon, 53248);
	cr_expect_eq(st.file, 8200192);
	cr_expect_eq(st.kernel, 1855488);
	cr_expect_eq(st.shmem, 8200192);
	cr_expect_eq(st.slab, 1810560);
	cr_expect_eq(st.slab_reclaimable, 403624);
	cr_expect_eq(st.nr_descendants, 0);
	cr_expect_eq(ks_memcg_limit_hits(&st), 35);
	cr_expect_eq(ks_memcg_oom_kills(&st), 1);
}
