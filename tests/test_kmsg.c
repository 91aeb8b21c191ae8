// SPDX-License-Identifier: GPL-2.0
/* Reading /dev/kmsg records. */
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
