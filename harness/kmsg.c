// SPDX-License-Identifier: GPL-2.0
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ks_kmsg_open(struct ks_kmsg *k, FILE *log)
{
	memset(k, 0, sizeof(*k));
	k->log = log;
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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
		n = read(k->fd, buf, sizeof(buf) - 1);
		if (n > 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		/* Overrun: the ring wrapped past us; carry on from here. */
		if (n < 0 && errno == EPIPE) {
			k->lost++;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			return 0;
		return n < 0 ? -errno : 0;
	}
	buf[n] = '\0';
	if (ks_kmsg_parse(buf, (size_t)n, rec))
		return 0;
	if (k->log)
		fprintf(k->log, "[%5" PRId64 ".%06" PRId64 "] %s\n",
			rec->ts_us / 1000000, rec->ts_us % 1000000, rec->text);
	return 1;
}

const char *ks_kmsg_match(const char *t)
{
	static const struct { const char *prefix; const char *kind; } m[] = {
		{ "BUG: ", "BUG" },
		{ "kernel BUG at ", "BUG" },
		{ "Oops", "Oops" },
		{ "general protection fault", "Oops" },
		{ "WARNING: ", "WARNING" },
		{ "Kernel panic - not syncing", "panic" },
	};
	size_t i;

	while (*t == ' ')
		t++;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strncmp(t, m[i].prefix, strlen(m[i].prefix)))
			return m[i].kind;
	return NULL;
}

static void report_append(struct ks_kreport *r, const char *text)
{
	size_t n = strlen(text);

	if (r->len + n + 2 > sizeof(r->text))
		return;
	memcpy(r->text + r->len, text, n);
	r->len += n;
	r->text[r->len++] = '\n';
	r->text[r->len] = '\0';
	r->lines++;
}

static int report_finish(struct ks_kmsg *k, struct ks_kreport *done)
{
	if (!k->cur.active)
		return 0;
	*done = k->cur;
	done->active = 0;
	k->cur.active = 0;
	return 1;
}

int ks_kmsg_feed(struct ks_kmsg *k, const struct ks_kmsg_record *rec,
		 struct ks_kreport *done)
{
	const char *kind = ks_kmsg_match(rec->text);
	struct ks_kreport *r = &k->cur;
	int finished = 0;

	if (kind) {
		/*
		 * "Kernel panic" after a report belongs to it, and so does
		 * the "Oops" that a "kernel BUG at" line is followed by.
		 */
		int same = r->active && (!strcmp(kind, "panic") ||
			   (!strcmp(kind, "Oops") && !strcmp(r->kind, "BUG") &&
			    r->lines <= 6));

		if (r->active && !same)
			finished = report_finish(k, done);
		if (!r->active) {
			memset(r, 0, sizeof(*r));
			r->active = 1;
			r->kind = kind;
			r->seq = rec->seq;
			r->ts_us = rec->ts_us;
			snprintf(r->title, sizeof(r->title), "%s", rec->text);
		}
	}
	if (!r->active)
		return finished;
	report_append(r, rec->text);
	if (strstr(rec->text, "---[ end trace") ||
	    strstr(rec->text, "---[ end Kernel panic") ||
	    r->lines >= KS_REPORT_LINES) {
		if (finished)	/* cannot hand out two at once: keep it open */
			return finished;
		return report_finish(k, done);
	}
	return finished;
}

int ks_kmsg_flush(struct ks_kmsg *k, struct ks_kreport *done)
{
	return report_finish(k, done);
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
