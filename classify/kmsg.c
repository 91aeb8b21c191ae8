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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * /dev/kmsg writes control bytes, bytes >= 127 and the backslash of a
 * record's text as \xNN.  One printk() with embedded newlines (KFENCE's
 * "BUG: KFENCE: ...\n\n", a lockdep header) is one record whose lines
 * the console prints apart: decoded, the text holds them with their
 * newlines, and ks_kmsg_read() hands them out one at a time.
 */
static size_t kmsg_unescape(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		int hi, lo;

		if (src[i] == '\\' && i + 3 < n &&
		    src[i + 1] == 'x' && (hi = hexval(src[i + 2])) >= 0 &&
		    (lo = hexval(src[i + 3])) >= 0) {
			dst[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		dst[o++] = src[i];
	}
	dst[o] = '\0';
	return o;
}

int ks_kmsg_parse(const char *buf, size_t len, struct ks_kmsg_record *rec)
{
	unsigned long long seq, ts;
	const char *semi, *nl;
	unsigned int pri;
	char head[80];
	size_t n;

	/* The prefix alone: buf need not end in a NUL. */
	semi = memchr(buf, ';', len);
	if (!semi || (size_t)(semi - buf) >= sizeof(head))
		return -EINVAL;
	memcpy(head, buf, (size_t)(semi - buf));
	head[semi - buf] = '\0';
	if (sscanf(head, "%u,%llu,%llu", &pri, &seq, &ts) != 3)
		return -EINVAL;
	rec->level = pri & 7;
	rec->seq = seq;
	rec->ts_us = (int64_t)ts;
	semi++;
	/* Dictionary lines (" KEY=value") follow the first newline. */
	nl = memchr(semi, '\n', len - (semi - buf));
	n = nl ? (size_t)(nl - semi) : len - (size_t)(semi - buf);
	kmsg_unescape(rec->text, sizeof(rec->text), semi, n);
	return 0;
}

/* The next line of a record with several: 1 if there was one. */
static int next_piece(struct ks_kmsg *k, struct ks_kmsg_record *rec)
{
	char *nl;

	if (!k->rest.text[0])
		return 0;
	*rec = k->rest;
	nl = strchr(rec->text, '\n');
	if (nl) {
		*nl = '\0';
		memmove(k->rest.text, k->rest.text + (nl - rec->text) + 1,
			strlen(nl + 1) + 1);
	} else {
		k->rest.text[0] = '\0';
	}
	return 1;
}

int ks_kmsg_read(struct ks_kmsg *k, struct ks_kmsg_record *rec)
{
	char buf[8192];
	ssize_t n;

	if (next_piece(k, rec))
		goto log;
	if (k->fd < 0)
		return 0;
	for (;;) {
		n = ks_fiu_sys("kmemstorm/kmsg/read", EIO,
			       read(k->fd, buf, sizeof(buf) - 1));
		if (n > 0) {
			buf[n] = '\0';
			/* Not a record (nothing the kernel writes): the next. */
			if (!ks_kmsg_parse(buf, (size_t)n, &k->rest))
				break;
			k->rest.text[0] = '\0';
			continue;
		}
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
	if (k->next_seq && k->rest.seq > k->next_seq)
		k->lost += k->rest.seq - k->next_seq;
	k->next_seq = k->rest.seq + 1;
	if (!next_piece(k, rec))
		rec->text[0] = '\0';	/* an empty record is a line too */
	rec->seq = k->rest.seq;
	rec->ts_us = k->rest.ts_us;
	rec->level = k->rest.level;
log:
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
