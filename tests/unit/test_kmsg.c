// SPDX-License-Identifier: GPL-2.0
/* Reading /dev/kmsg records. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "kmsg.h"
#include "scenario_internal.h"

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

/* How many records are still waiting on fd. */
static int pending(int fd)
{
	char buf[256];
	int n = 0;

	while (read(fd, buf, sizeof(buf)) > 0)
		n++;
	return n;
}

/*
 * A log flood must not starve the sampler: with a time to stop at that
 * has passed, the drain takes one batch and leaves the rest; without one
 * it takes everything.  A SOCK_SEQPACKET pair reads back one record per
 * read(), as /dev/kmsg does.
 */
Test(kmsg, watch_stops_at_its_deadline)
{
	struct ks_run run = { 0 };
	struct scn s = { .run = &run };
	char rec[64];
	int sv[2], i;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0,
				sv), 0);
	ks_classifier_init(&run.kmsg.cls);
	run.kmsg.fd = sv[0];
	for (i = 0; i < 200; i++) {
		int n = snprintf(rec, sizeof(rec), "6,%d,%d,-;flood %d\n",
				 i, i, i);

		cr_assert_eq(write(sv[1], rec, n), n);
	}
	ks_scn_watch_kmsg(&s, 0, 1);	/* long past */
	cr_expect_eq(pending(sv[0]), 200 - 32);

	for (i = 0; i < 200; i++) {
		int n = snprintf(rec, sizeof(rec), "6,%d,%d,-;more %d\n",
				 i, i, i);

		cr_assert_eq(write(sv[1], rec, n), n);
	}
	ks_scn_watch_kmsg(&s, 0, 0);
	cr_expect_eq(pending(sv[0]), 0);
	close(sv[0]);
	close(sv[1]);
}

/*
 * After an overrun (EPIPE) the next read returns the oldest record left:
 * the gap in sequence numbers is what the ring lost.
 */
Test(kmsg, sequence_gap_counts_lost_records)
{
	static const char *const recs[] = {
		"6,10,1,-;first\n", "6,11,2,-;second\n",
		"6,40,3,-;after a wrap\n", "6,41,4,-;next\n",
	};
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kmsg_record r;
	int sv[2];
	size_t i;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0,
				sv), 0);
	k.fd = sv[0];
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		ssize_t n = (ssize_t)strlen(recs[i]);

		cr_assert_eq(write(sv[1], recs[i], n), n);
	}
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		cr_assert_eq(ks_kmsg_read(&k, &r), 1);
	cr_expect_eq(r.seq, 41);
	cr_expect_eq(k.lost, 40 - 12);
	close(sv[0]);
	close(sv[1]);
}

/*
 * One printk() with newlines in it is one record, escaped: KFENCE prints
 * its header and a blank line together.  The console shows two lines; so
 * must the monitor, or the classifier sees "\x0a" in a title.
 */
Test(kmsg, escaped_newlines_come_as_lines)
{
	static const char rec[] =
		"3,7,100,-;BUG: KFENCE: use-after-free read in f+0x1/0x2\\x0a\\x0aUse-after-free read at 0x0 (in kfence-#1):\n"
		" SUBSYSTEM=x\n";
	static const char next[] = "6,8,200,-;back\\x5cslash \\xc3\\xa9\\x0\n";
	struct ks_kmsg k = { .fd = -1 };
	struct ks_kmsg_record r;
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0,
				sv), 0);
	k.fd = sv[0];
	cr_assert_eq(write(sv[1], rec, strlen(rec)), (ssize_t)strlen(rec));
	cr_assert_eq(write(sv[1], next, strlen(next)), (ssize_t)strlen(next));
	cr_assert_eq(ks_kmsg_read(&k, &r), 1);
	cr_expect_str_eq(r.text, "BUG: KFENCE: use-after-free read in f+0x1/0x2");
	cr_expect_eq(r.seq, 7);
	cr_assert_eq(ks_kmsg_read(&k, &r), 1);
	cr_expect_str_eq(r.text, "");
	cr_expect_eq(r.ts_us, 100);
	cr_assert_eq(ks_kmsg_read(&k, &r), 1);
	cr_expect_str_eq(r.text, "Use-after-free read at 0x0 (in kfence-#1):");
	cr_assert_eq(ks_kmsg_read(&k, &r), 1);
	/* A truncated escape stays as it was. */
	cr_expect_str_eq(r.text, "back\\slash \xc3\xa9\\x0");
	cr_expect_eq(r.seq, 8);
	cr_expect_eq(ks_kmsg_read(&k, &r), 0);
	cr_expect_eq(k.lost, 0);
	close(sv[0]);
	close(sv[1]);
}
