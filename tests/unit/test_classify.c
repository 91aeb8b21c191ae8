// SPDX-License-Identifier: GPL-2.0
/*
 * The report classifier: every fixture in tests/fixtures/reports must
 * classify as its header says, and the rules behind titles hold.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "classify_internal.h"
#include "syz.h"

static struct ks_classifier c;
static struct ks_kreport r, scratch;

/* Feed lines separated by '\n'; the first report that is not context. */
static int first_report(const char *log, struct ks_kreport *out)
{
	char *copy = strdup(log), *save = NULL, *l;
	struct ks_kreport *got = &scratch;
	int found = 0;

	ks_classifier_init(&c);
	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (l[0] == '#' && !c.active && !found) {
			continue;	/* the fixture's header */
		} else if (ks_classify_line(&c, l, 0, 0, got) && !found) {
			*out = *got;
			found = 1;
		}
	if (ks_classify_flush(&c, got) && !found) {
		*out = *got;
		found = 1;
	}
	free(copy);
	return found;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	cr_assert_eq(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void header(const char *log, const char *key, char *out, size_t len)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "# %s: ", key);
	out[0] = '\0';
	p = strstr(log, pat);
	if (p)
		snprintf(out, len, "%.*s", (int)strcspn(p + strlen(pat), "\n"),
			 p + strlen(pat));
}

/* A fixture's "# alt: T" lines, if any, are all its alternate titles. */
static int alts_match(const char *log, const struct ks_kreport *got)
{
	const char *p = log;
	int n = 0, i;

	while ((p = strstr(p, "\n# alt: "))) {
		size_t len;

		p += 8;
		len = strcspn(p, "\n");
		for (i = 0; i < got->nalt; i++)
			if (strlen(got->alt[i]) == len &&
			    !strncmp(got->alt[i], p, len))
				break;
		if (i == got->nalt)
			return 0;
		n++;
	}
	return !n || n == got->nalt;
}

Test(fixtures, every_fixture_classifies_as_its_header_says)
{
	const char *base = getenv("KS_FIXTURES") ?: "tests/fixtures";
	char dir[512], path[1024], title[256], kind[64], corrupted[8], ctx[8];
	struct ks_kreport got;
	struct dirent *de;
	int n = 0, bad = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/reports", base);
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d))) {
		char *log;
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".log"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		log = slurp(path);
		header(log, "title", title, sizeof(title));
		header(log, "kind", kind, sizeof(kind));
		header(log, "corrupted", corrupted, sizeof(corrupted));
		header(log, "context", ctx, sizeof(ctx));
		cr_expect(title[0] && kind[0], "%s: header lacks title/kind",
			  de->d_name);
		n++;
		/* "none": lines syzkaller does not count as a report */
		if (!strcmp(kind, "none")) {
			int found = first_report(log, &got);

			cr_expect(!found || !ks_kreport_syzkaller(&got),
				  "%s: a report where syzkaller finds none: %s",
				  de->d_name, got.title);
			free(log);
			continue;
		}
		if (!first_report(log, &got)) {
			cr_expect_fail("%s: no report found", de->d_name);
			bad++;
			free(log);
			continue;
		}
		if (!alts_match(log, &got)) {
			cr_expect_fail("%s: alternate titles differ from its # alt: lines",
				       de->d_name);
			bad++;
		}
		if (strcmp(got.title, title) || strcmp(ks_kreport_kind(&got), kind) ||
		    got.corrupted != !strcmp(corrupted, "yes") ||
		    (ctx[0] && got.has_context != !strcmp(ctx, "yes"))) {
			cr_expect_fail("%s:\n  want %s | %s | corrupted %s | context %s\n  got  %s | %s | corrupted %s%s%s | context %s",
				       de->d_name, title, kind, corrupted, ctx,
				       got.title, ks_kreport_kind(&got),
				       got.corrupted ? "yes (" : "no",
				       got.corrupted ? got.corrupt_why : "",
				       got.corrupted ? ")" : "",
				       got.has_context ? "yes" : "no");
			bad++;
		}
		free(log);
	}
	closedir(d);
	cr_log_info("%d fixtures, %d wrong", n, bad);
	cr_expect_geq(n, 150, "only %d fixtures", n);
}

Test(rules, console_prefixes_are_stripped)
{
	cr_expect_str_eq(ks_strip_console_prefix("[   12.345678] WARNING: x"),
			 "WARNING: x");
	cr_expect_str_eq(ks_strip_console_prefix("[   12.345678][ T123] BUG: x"),
			 "BUG: x");
	cr_expect_str_eq(ks_strip_console_prefix("<4>[    1.000000] Oops"), "Oops");
	/* An OOM task list entry is not a timestamp. */
	cr_expect_str_eq(ks_strip_console_prefix("[    150]     0   150"),
			 "[    150]     0   150");
}

Test(rules, warning_title_from_the_warning_line)
{
	cr_assert(first_report(
		"------------[ cut here ]------------\n"
		"WARNING: CPU: 1 PID: 50 at drivers/misc/lkdtm/bugs.c:118 lkdtm_WARNING+0x12/0x20\n"
		"Modules linked in:\n"
		"RIP: 0010:lkdtm_WARNING+0x12/0x20\n"
		"Call Trace:\n"
		" <TASK>\n"
		" ? __warn+0x7d/0x130\n"
		" lkdtm_do_action+0x18/0x1b\n"
		" </TASK>\n"
		"---[ end trace 0000000000000000 ]---\n", &r));
	cr_expect_str_eq(r.title, "WARNING in lkdtm_WARNING");
	cr_expect_str_eq(r.guilty, "lkdtm_WARNING");
	cr_expect_str_eq(ks_kreport_kind(&r), "warning");
	cr_expect_eq(r.corrupted, 0);
	cr_expect(strstr(r.text, "cut here"), "cut-here line kept");
}

/*
 * syzkaller skips a frame when a pattern matches anywhere in its name:
 * alloc_pages_mpol ("alloc_page"), __memcg_slab_post_alloc_hook
 * ("slab_"), kmem_cache_alloc_noprof ("kmem_cache").
 */
Test(rules, frames_skipped_by_substring)
{
	cr_assert(first_report(
		"WARNING: CPU: 0 PID: 7 at mm/page_alloc.c:4000 __alloc_pages_noprof+0x1/0x2\n"
		"Call Trace:\n"
		" __alloc_pages_noprof+0x1/0x2\n"
		" alloc_pages_mpol+0x1/0x2\n"
		" __memcg_slab_post_alloc_hook+0x1/0x2\n"
		" kmem_cache_alloc_noprof+0x1/0x2\n"
		" d_alloc+0x1/0x2\n"
		"---[ end trace 0000000000000000 ]---\n", &r));
	cr_expect_str_eq(r.title, "WARNING in d_alloc");
}

Test(rules, unreliable_frames_only_as_a_last_resort)
{
	cr_assert(first_report(
		"INFO: task kmemstorm:50 blocked for more than 10 seconds.\n"
		"Call Trace:\n"
		" <TASK>\n"
		" __schedule+0x1/0x2\n"
		" ? lkdtm_SOMETHING_ELSE+0x1/0x2\n"
		" schedule+0x1/0x2\n"
		" lkdtm_HUNG_TASK+0x1/0x2\n"
		" </TASK>\n"
		"next unrelated line\n", &r));
	cr_expect_str_eq(r.title, "INFO: task hung in lkdtm_HUNG_TASK");
	cr_expect_eq(r.corrupted, 0);
}

Test(rules, bug_oops_and_panic_are_one_report)
{
	cr_assert(first_report(
		"kernel BUG at drivers/misc/lkdtm/bugs.c:105!\n"
		"Oops: invalid opcode: 0000 [#1] SMP\n"
		"CPU: 0 UID: 0 PID: 50 Comm: kmemstorm Not tainted 6.12.117-kmemstorm #1\n"
		"RIP: 0010:lkdtm_BUG+0x0/0x2\n"
		"Call Trace:\n"
		" <TASK>\n"
		" lkdtm_do_action+0x18/0x1b\n"
		" </TASK>\n"
		"---[ end trace 0000000000000000 ]---\n"
		"Kernel panic - not syncing: Fatal exception\n", &r));
	cr_expect_str_eq(r.title, "kernel BUG in lkdtm_BUG");
	cr_expect_eq(r.corrupted, 0);
}

/* syzkaller's corruption rules: a trace needs frames, and lines after it. */
Test(rules, stackless_reports_are_corrupted)
{
	cr_assert(first_report(
		"WARNING: CPU: 0 PID: 1 at fs/x.c:1 f+0x1/0x2\n"
		"Call Trace:\n"
		" f+0x1/0x2\n", &r));
	cr_expect_eq(r.corrupted, 1);
	cr_expect_str_eq(r.corrupt_why, "call trace is missed");
	cr_assert(first_report(
		"BUG: scheduling while atomic: kworker/0:1/12/0x00000002\n"
		"Modules linked in:\n"
		"some unrelated line\n", &r));
	cr_expect_eq(r.corrupted, 1);
	cr_expect_str_eq(r.corrupt_why, "extracted no frames");
	cr_expect_str_eq(r.title, "BUG: scheduling while atomic in corrupted");
}

Test(rules, memcg_oom_names_cgroup_and_victim)
{
	cr_assert(first_report(
		"kmemstorm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"CPU: 1 UID: 0 PID: 90 Comm: kmemstorm Not tainted 6.12.117-kmemstorm #1\n"
		"Call Trace:\n"
		" dump_stack_lvl+0x1/0x2\n"
		" oom_kill_process+0x1/0x2\n"
		"memory: usage 16384kB, limit 16384kB, failcnt 120\n"
		"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
		"[     90]     0    90     1000      100    40960        0             0 kmemstorm\n"
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kmemstorm.scope/kmemstorm-71/oom-16m,task_memcg=/kmemstorm.scope/kmemstorm-71/oom-16m,task=kmemstorm,pid=90,uid=0\n"
		"Memory cgroup out of memory: Killed process 90 (kmemstorm) total-vm:4000kB, anon-rss:100kB\n", &r));
	cr_expect_str_eq(ks_kreport_kind(&r), "memcg_oom");
	cr_expect_eq(ks_kreport_severity(&r), KS_SEV_INFO);
	cr_expect_str_eq(r.title, "memcg OOM kill in /kmemstorm.scope/kmemstorm-N/oom-16m");
	cr_expect_str_eq(r.cgroup, "/kmemstorm.scope/kmemstorm-N/oom-16m");
	cr_expect_str_eq(r.victim, "kmemstorm");
}

/*
 * No victim in a memcg: the charge fails with ENOMEM and the kernel goes
 * on, a fact under chargefail; the same with no memcg lines is a global
 * OOM on its way to panic("System is deadlocked on memory").
 */
static const char no_killable_head[] =
	"ksw-inode invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=-1000\n"
	"CPU: 1 UID: 0 PID: 90 Comm: ksw-inode Not tainted 6.12.117-kmemstorm #1\n"
	"Call Trace:\n"
	" <TASK>\n"
	" dump_stack_lvl+0x1/0x2\n"
	" dump_header+0x1/0x2\n"
	" out_of_memory+0x1/0x2\n"
	" mem_cgroup_out_of_memory+0x1/0x2\n"
	" try_charge_memcg+0x1/0x2\n"
	" </TASK>\n";
static const char no_killable_tail[] =
	"Tasks state (memory values in pages):\n"
	"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
	"[     90]     0    90     1000      100    40960        0         -1000 ksw-inode\n"
	"Out of memory and no killable processes...\n"
	"ksw-inode: something after it\n";

Test(rules, memcg_oom_without_victim_is_info)
{
	char log[4096];

	snprintf(log, sizeof(log), "%s%s%s", no_killable_head,
		 "memory: usage 40960kB, limit 40960kB, failcnt 3120\n"
		 "swap: usage 0kB, limit 9007199254740988kB, failcnt 0\n"
		 "Memory cgroup stats for /kmemstorm.scope/kmemstorm-71/inode:\n"
		 "anon 1089536\n"
		 "slab 37535744\n", no_killable_tail);
	cr_assert(first_report(log, &r));
	cr_expect_str_eq(ks_kreport_kind(&r), "memcg_oom_no_killable");
	cr_expect_eq(ks_kreport_severity(&r), KS_SEV_INFO);
	cr_expect_str_eq(r.title, "memcg OOM: no killable processes in /kmemstorm.scope/kmemstorm-N/inode");
	cr_expect_str_eq(r.cgroup, "/kmemstorm.scope/kmemstorm-N/inode");
	cr_expect_eq(r.corrupted, 0);
	cr_expect(strstr(r.text, "Out of memory and no killable processes"));

	/* The same without the memcg lines: global, a bug. */
	snprintf(log, sizeof(log), "%s%s%s", no_killable_head,
		 "Mem-Info:\n"
		 "active_anon:2135 inactive_anon:8586 isolated_anon:0\n",
		 no_killable_tail);
	cr_assert(first_report(log, &r));
	cr_expect_str_eq(ks_kreport_kind(&r), "oom_no_killable");
	cr_expect_eq(ks_kreport_severity(&r), KS_SEV_BUG);
	cr_expect_str_eq(r.title, "out of memory: no killable processes");

	/* Its lines lost by a kmsg overrun (seen in TCG guests): a memcg's. */
	cr_assert(first_report("iou-wrk-84 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=-1000\n"
			       "Out of memory and no killable processes...\n"
			       "ksw-inode: something after it\n", &r));
	cr_expect_str_eq(ks_kreport_kind(&r), "memcg_oom_no_killable");
	cr_expect_eq(ks_kreport_severity(&r), KS_SEV_INFO);

	/* Its header ratelimited away: a memcg's; a global one panics next. */
	cr_assert(first_report("Out of memory and no killable processes...\n"
			       "ksw-inode: something after it\n", &r));
	cr_expect_str_eq(ks_kreport_kind(&r), "memcg_oom_no_killable");
	cr_expect_eq(ks_kreport_severity(&r), KS_SEV_INFO);
	cr_expect_str_eq(r.title, "memcg OOM: no killable processes in ?");
}

Test(rules, injected_failure_is_context_of_the_next_report)
{
	cr_assert(first_report(
		"FAULT_INJECTION: forcing a failure.\n"
		"name failslab, interval 1, probability 100, space 0, times 1\n"
		"CPU: 0 UID: 0 PID: 60 Comm: kmemstorm Not tainted 6.12.117-kmemstorm #1\n"
		"Call Trace:\n"
		" <TASK>\n"
		" dump_stack_lvl+0x1/0x2\n"
		" should_fail_ex+0x1/0x2\n"
		" should_failslab+0x1/0x2\n"
		" kmem_cache_alloc_noprof+0x1/0x2\n"
		" d_alloc+0x1/0x2\n"
		" </TASK>\n"
		"kmemstorm: page allocation failure: order:0, mode:0x400cc0(GFP_KERNEL_ACCOUNT), nodemask=(null)\n"
		"Call Trace:\n"
		" warn_alloc+0x1/0x2\n"
		" __alloc_pages_slowpath+0x1/0x2\n"
		" new_slab+0x1/0x2\n"
		" d_alloc_parallel+0x1/0x2\n"
		"Mem-Info:\n", &r));
	cr_expect_str_eq(r.title, "page allocation failure: order:0 in d_alloc_parallel");
	cr_expect_str_eq(r.gfp, "0x400cc0(GFP_KERNEL_ACCOUNT)");
	cr_expect_eq(r.has_context, 1);
	cr_expect_str_eq(r.context_site, "d_alloc");
	cr_expect(strstr(r.context, "name failslab"));
}

/* With CONFIG_PRINTK_CALLER, another task's lines are not the report's. */
Test(rules, other_callers_lines_left_out)
{
	cr_assert(first_report(
		"[   10.000001][  T100] WARNING: CPU: 0 PID: 100 at fs/x.c:1 f+0x1/0x2\n"
		"[   10.000002][  T100] RIP: 0010:f+0x1/0x2\n"
		"[   10.000003][  T200] RIP: 0010:intruder+0x1/0x2\n"
		"[   10.000004][  T100] Call Trace:\n"
		"[   10.000005][  T200]  intruder_caller+0x1/0x2\n"
		"[   10.000006][  T100]  <TASK>\n"
		"[   10.000007][  T100]  g+0x1/0x2\n"
		"[   10.000008][  T100]  </TASK>\n"
		"[   10.000009][  T100] ---[ end trace 0000000000000000 ]---\n", &r));
	cr_expect_str_eq(r.title, "WARNING in f");
	cr_expect_eq(r.corrupted, 0);
	cr_expect_null(strstr(r.text, "intruder"));
}

Test(rules, panic_message_normalised)
{
	cr_assert(first_report(
		"Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n"
		"CPU: 0 PID: 1 Comm: init\n"
		"Call Trace:\n"
		" panic+0x1/0x2\n"
		"Kernel Offset: disabled\n", &r));
	cr_expect_str_eq(r.title, "kernel panic: Attempted to kill init!");
	cr_expect_eq(r.corrupted, 0);
}

/*
 * Headers are matched anywhere in a line, so the guest's own progress
 * and summary lines, which quote titles, must not count as reports.
 */
Test(rules, harness_lines_quoting_titles_are_no_reports)
{
	cr_expect(!first_report(
		"kmemstorm: [8/21] inode-failslab: fail (1422 ops in 0.3s): kernel report: kernel BUG in __d_alloc (and more)\n"
		"SCENARIO                 WORKLOAD VERDICT      OPS/S\n"
		"dentry-32m               dentry   fail             0\n"
		"    kernel report: WARNING in d_alloc\n"
		"1 passed, 1 failed, 0 skipped, 0 errors\n"
		"kmemstorm-guest: exit=1 kernel BUG in x\n", &r),
		"found %s", r.title);
	/* After the table, kernel lines count again. */
	cr_assert(first_report(
		"SCENARIO                 WORKLOAD VERDICT      OPS/S\n"
		"    kernel report: WARNING in d_alloc\n"
		"1 passed, 1 failed, 0 skipped, 0 errors\n"
		"[   10.0] kernel BUG at fs/x.c:1!\n"
		"[   10.1] RIP: 0010:f+0x1/0x2\n"
		"[   10.2] Call Trace:\n"
		"[   10.3]  <TASK>\n"
		"[   10.4]  g+0x1/0x2\n"
		"[   10.5]  </TASK>\n"
		"[   10.6] ---[ end trace 0000000000000000 ]---\n", &r));
	cr_expect_str_eq(r.title, "kernel BUG in f");
}

/*
 * The stack parser skips the regexes on lines without a needle (and the
 * corrupted-line ones on lines without "should_fail"): a rule added
 * without its needle would silently never match.
 */
Test(rules, every_stack_start_rule_has_a_needle)
{
	int i, k, found;

	for (i = 0; ks_stack_start[i]; i++) {
		for (k = found = 0; ks_stack_start_needles[k]; k++)
			found |= !!strstr(ks_stack_start[i],
					  ks_stack_start_needles[k]);
		cr_expect(found, "stack-start rule \"%s\" has no needle",
			  ks_stack_start[i]);
	}
	for (k = 0; ks_stack_start_needles[k]; k++)
		cr_expect_geq(strlen(ks_stack_start_needles[k]), 4,
			      "needle \"%s\": the index takes 4 bytes or more",
			      ks_stack_start_needles[k]);
	for (i = 0; ks_corrupted_lines[i]; i++)
		cr_expect(strstr(ks_corrupted_lines[i], "should_fail"),
			  "corrupted-line rule \"%s\" lacks should_fail",
			  ks_corrupted_lines[i]);
}


/* The header and kind texts fit the one index every line is scanned with. */
Test(rules, report_starts_fit_one_needle_index)
{
	static struct ks_needles nd;

	cr_assert_eq(ks_syz_header_index(&nd), 0, "%zu oops groups", ks_noopses);
	cr_assert_eq(ks_extra_index(&nd), 0, "%d needles before the kinds",
		     nd.n);
}
