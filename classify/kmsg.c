// SPDX-License-Identifier: GPL-2.0
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failpoint.h"

int ks_kmsg_open(struct ks_kmsg *k, FILE *log)
{
	memset(k, 0, sizeof(*k));
	ks_classifier_init(&k->cls);
	k->log = log;
	k->fd = ks_fiu_sys("kmemstorm/kmsg/open", EACCES,
			   open("/dev/kmsg",
				O_RDONLY | O_NONBLOCK | O_CLOEXEC));
	if (k->fd < 0) {
		int e = errno;

		snprintf(k->why, sizeof(k->why), "/dev/kmsg: %s", strerror(e));
		return -e;
	}
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		int e = errno;

		snprintf(k->why, sizeof(k->why), "/dev/kmsg: seek: %s",
			 strerror(e));
		close(k->fd);
		k->fd = -1;
		return -e;
	}
	return 0;
}

void ks_kmsg_close(struct ks_kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

int ks_kmsg_parse(const char *buf, size_t len, struct ks_kmsg_record *rec)
{
	unsigned long long seq, ts;
	const char *semi, *nl;
	unsigned int pri;
	size_t n;

	semi = memchr(buf, ';', len);
	if (!semi || sscanf(buf, "%u,%llu,%llu", &pri, &seq, &ts) != 3)
		return -EINVAL;
	rec->level = pri & 7;
	rec->seq = seq;
	rec->ts_us = (int64_t)ts;
	semi++;
	/* Dictionary lines (" KEY=value") follow the first newline. */
	nl = memchr(semi, '\n', len - (semi - buf));
	n = nl ? (size_t)(nl - semi) : len - (size_t)(semi - buf);
	if (n >= sizeof(rec->text))
		n = sizeof(rec->text) - 1;
	memcpy(rec->text, semi, n);
	rec->text[n] = '\0';
	return 0;
}

int ks_kmsg_read(struct ks_kmsg *k, struct ks_kmsg_record *rec)
{
	char buf[8192];
	ssize_t n;

	if (k->fd < 0)
		return 0;
	for (;;) {
		n = ks_fiu_sys("kmemstorm/kmsg/read", EIO,
			       read(k->fd, buf, sizeof(buf) - 1));
		if (n > 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		/*
		 * Overrun: the ring wrapped past us; carry on from the oldest
		 * record left.  The gap in sequence numbers says how many.
		 */
		if (n < 0 && errno == EPIPE)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (!n)
			return 0;
		/* Anything else will not go away: stop watching, say why. */
		n = -errno;
		snprintf(k->why, sizeof(k->why), "/dev/kmsg: read: %s",
			 strerror((int)-n));
		ks_kmsg_close(k);
		return (int)n;
	}
	buf[n] = '\0';
	if (ks_kmsg_parse(buf, (size_t)n, rec))
		return 0;
	if (k->next_seq && rec->seq > k->next_seq)
		k->lost += rec->seq - k->next_seq;
	k->next_seq = rec->seq + 1;
	if (k->log)
		fprintf(k->log, "[%5" PRId64 ".%06" PRId64 "] %s\n",
			rec->ts_us / 1000000, rec->ts_us % 1000000, rec->text);
	return 1;
}

int ks_kmsg_feed(struct ks_kmsg *k, const struct ks_kmsg_record *rec,
		 struct ks_kreport *done)
{
	return ks_classify_line(&k->cls, rec->text, rec->seq, rec->ts_us,
				done);
}

int ks_kmsg_flush(struct ks_kmsg *k, struct ks_kreport *done)
{
	return ks_classify_flush(&k->cls, done);
}

void ks_kmsg_marker(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int fd, n;

	n = snprintf(buf, sizeof(buf), "kmemstorm: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	/* Without a newline the kernel holds the record open: late markers. */
	buf[n++] = '\n';
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, buf, n) < 0) {
		/* Best effort: markers help attribution, never required. */
	}
	close(fd);
}

int ks_kmsg_boundary(struct ks_kmsg *k, struct ks_kreport *done)
{
	return ks_classify_line(&k->cls, "kmemstorm: boundary", 0, 0, done);
}
