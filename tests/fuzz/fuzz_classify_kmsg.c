// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kmsg records as the in-guest monitor reads them (classify/kmsg.c):
 * the input's NUL-separated pieces are records, each one read() from a
 * SOCK_SEQPACKET socket as /dev/kmsg gives one per read, read as they
 * come.  Holds: every report is a record with a UTF-8 title, and the
 * sequence numbers lost are counted, never negative.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "kmsg.h"

static void drain(struct ks_kmsg *k, struct ks_kmsg_record *rec,
		  struct ks_kreport *done)
{
	int n;

	while ((n = ks_kmsg_read(k, rec)) > 0) {
		/* A record "\x01": the end of a sweep step. */
		if (!strcmp(rec->text, "\x01")) {
			if (ks_kmsg_boundary(k, done))
				ks_fuzz_check_report(done);
			continue;
		}
		if (ks_kmsg_feed(k, rec, done))
			ks_fuzz_check_report(done);
	}
	KS_FUZZ_CHECK(n == 0, "ks_kmsg_read: %d (%s)", n, k->why);
}

int ks_fuzz_classify_kmsg(const uint8_t *data, size_t size)
{
	struct ks_kmsg *k = calloc(1, sizeof(*k));
	struct ks_kmsg_record *rec = calloc(1, sizeof(*rec));
	struct ks_kreport *done = calloc(1, sizeof(*done));
	const uint8_t *p = data, *end = data + size;
	int sv[2];

	if (!k || !rec || !done ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0, sv))
		abort();
	ks_classifier_init(&k->cls);
	k->fd = sv[0];
	while (p < end) {
		const uint8_t *z = memchr(p, '\0', (size_t)(end - p));
		size_t n = (z ? z : end) - p;

		/* /dev/kmsg gives at most a record of its buffer size. */
		if (n > 8000)
			n = 8000;
		if (n && write(sv[1], p, n) != (ssize_t)n)
			abort();
		drain(k, rec, done);
		p = z ? z + 1 : end;
	}
	if (ks_kmsg_flush(k, done))
		ks_fuzz_check_report(done);
	ks_kmsg_close(k);
	close(sv[1]);
	free(done);
	free(rec);
	free(k);
	return 0;
}
