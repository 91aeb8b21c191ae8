// SPDX-License-Identifier: GPL-2.0
/* The minimal kernel-log scan of the run loop. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kmsg.h"

Test(kmsg, parse_record)
{
	static const char rec[] =
		"4,1234,5678901,-;WARNING: CPU: 1 PID: 42 at mm/slub.c:10 f+0x1/0x2\n"
		" SUBSYSTEM=cpu\n";
	struct ks_kmsg_record r;

	cr_assert_eq(ks_kmsg_parse(rec, strlen(rec), &r), 0);
	cr_expect_eq(r.level, 4);
	cr_expect_eq(r.seq, 1234);
	cr_expect_eq(r.ts_us, 5678901);
	cr_expect_str_eq(r.text,
		"WARNING: CPU: 1 PID: 42 at mm/slub.c:10 f+0x1/0x2");
	cr_expect_eq(ks_kmsg_parse("garbage", 7, &r), -EINVAL);
}

Test(kmsg, match_minimal_kinds)
{
	cr_expect_str_eq(ks_kmsg_match("BUG: unable to handle page fault"), "BUG");
	cr_expect_str_eq(ks_kmsg_match("kernel BUG at fs/btrfs/ctree.c:1!"), "BUG");
	cr_expect_str_eq(ks_kmsg_match("Oops: 0002 [#1] SMP"), "Oops");
	cr_expect_str_eq(ks_kmsg_match("WARNING: CPU: 0 PID: 1 at x"), "WARNING");
	cr_expect_str_eq(ks_kmsg_match("Kernel panic - not syncing: x"), "panic");
	cr_expect_null(ks_kmsg_match("kmemstorm: scenario BUG: start"));
	cr_expect_null(ks_kmsg_match("memory: usage 32768kB, limit 32768kB"));
	cr_expect_null(ks_kmsg_match("a WARNING: in the middle"));
}

static void feed(struct ks_kmsg *k, const char *text, int want_done,
		 struct ks_kreport *done)
{
	struct ks_kmsg_record r = { .seq = 1 };

	snprintf(r.text, sizeof(r.text), "%s", text);
	cr_expect_eq(ks_kmsg_feed(k, &r, done), want_done, "feeding '%s'",
		     text);
}

Test(kmsg, gathers_a_report_until_end_trace)
{
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kreport d;

	feed(&k, "unrelated", 0, &d);
	feed(&k, "------------[ cut here ]------------", 0, &d);
	feed(&k, "WARNING: CPU: 0 PID: 7 at mm/memcontrol.c:99 f+0x1/0x9", 0, &d);
	feed(&k, "Call Trace:", 0, &d);
	feed(&k, "---[ end trace 0000000000000000 ]---", 1, &d);
	cr_expect_str_eq(d.kind, "WARNING");
	cr_expect_str_eq(d.title,
		"WARNING: CPU: 0 PID: 7 at mm/memcontrol.c:99 f+0x1/0x9");
	cr_expect_eq(d.lines, 3);
	cr_expect(strstr(d.text, "Call Trace:\n"));
	feed(&k, "after", 0, &d);
	cr_expect_eq(ks_kmsg_flush(&k, &d), 0, "nothing open");
}

Test(kmsg, oops_and_panic_belong_to_the_bug_before_them)
{
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kreport d;

	feed(&k, "kernel BUG at drivers/misc/lkdtm/bugs.c:105!", 0, &d);
	feed(&k, "Oops: invalid opcode: 0000 [#1] SMP", 0, &d);
	feed(&k, "Kernel panic - not syncing: Fatal exception", 0, &d);
	/* A new kind of report closes the open one. */
	feed(&k, "WARNING: CPU: 0 PID: 1 at mm/slub.c:1 f+0x0/0x1", 1, &d);
	cr_expect_str_eq(d.kind, "BUG");
	cr_expect_str_eq(d.title, "kernel BUG at drivers/misc/lkdtm/bugs.c:105!");
	cr_expect_eq(d.lines, 3);
	cr_expect_eq(ks_kmsg_flush(&k, &d), 1);
	cr_expect_str_eq(d.kind, "WARNING");
}

Test(kmsg, page_fault_bug_and_its_oops_are_one_report)
{
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kreport d;

	feed(&k, "BUG: kernel NULL pointer dereference, address: 0", 0, &d);
	feed(&k, "#PF: supervisor read access in kernel mode", 0, &d);
	feed(&k, "#PF: error_code(0x0000) - not-present page", 0, &d);
	feed(&k, "PGD 0 P4D 0", 0, &d);
	feed(&k, "Oops: 0000 [#1] PREEMPT SMP", 0, &d);
	cr_expect_eq(ks_kmsg_flush(&k, &d), 1);
	cr_expect_str_eq(d.kind, "BUG");
	cr_expect_eq(d.lines, 5);
}

Test(kmsg, a_late_oops_is_a_report_of_its_own)
{
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kreport d;
	int i;

	feed(&k, "BUG: scheduling while atomic: x/1/0x00000002", 0, &d);
	for (i = 0; i < 8; i++)
		feed(&k, "  frame", 0, &d);
	feed(&k, "Oops: 0000 [#1] SMP", 1, &d);
	cr_expect_str_eq(d.kind, "BUG");
	cr_expect_eq(ks_kmsg_flush(&k, &d), 1);
	cr_expect_str_eq(d.kind, "Oops");
}
