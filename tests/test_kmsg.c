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

Test(kmsg, next_report_closes_the_open_one)
{
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kreport d;

	feed(&k, "BUG: kernel NULL pointer dereference, address: 0", 0, &d);
	feed(&k, "Oops: 0000 [#1] SMP", 1, &d);
	cr_expect_str_eq(d.kind, "BUG");
	/* The panic that follows an Oops is part of it. */
	feed(&k, "Kernel panic - not syncing: Fatal exception", 0, &d);
	cr_expect_eq(ks_kmsg_flush(&k, &d), 1);
	cr_expect_str_eq(d.kind, "Oops");
	cr_expect_eq(d.lines, 2);
}
