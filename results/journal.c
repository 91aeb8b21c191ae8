// SPDX-License-Identifier: GPL-2.0
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failpoint.h"

static int journal_open(struct ks_journal *j, const char *path, int trunc,
			char *err, size_t errlen)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->sync_interval_ns = 1000000000;
	snprintf(j->path, sizeof(j->path), "%s", path);
	j->fd = ks_fiu_sys("kmemstorm/journal/open", ENOSPC,
			   open(path, O_WRONLY | O_CREAT | trunc | O_APPEND |
				O_CLOEXEC, 0644));
	if (j->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	j->last_sync_ns = ks_now_ns();
	return 0;
}

int ks_journal_open(struct ks_journal *j, const char *path, char *err,
		    size_t errlen)
{
	return journal_open(j, path, O_TRUNC, err, errlen);
}

int ks_journal_open_append(struct ks_journal *j, const char *path, char *err,
			   size_t errlen)
{
	return journal_open(j, path, 0, err, errlen);
}

void ks_journal_add_tee(struct ks_journal *j, int fd)
{
	if (j->ntee < KS_JOURNAL_MAX_TEES)
		j->tee[j->ntee++] = fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	fiu_return_on("kmemstorm/journal/write", -EIO);
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Remember the first failure.  From then on nothing more is appended, so
 * the journal stays a valid prefix of the run (at most its last line cut
 * short) rather than one with a hole in it.
 */
static int set_error(struct ks_journal *j, const char *what, int e)
{
	if (!j->error) {
		j->error = e;
		j->error_what = what;
	}
	return -e;
}

int ks_journal_sync(struct ks_journal *j)
{
	if (j->fd < 0)
		return -EBADF;
	j->last_sync_ns = ks_now_ns();
	if (ks_fiu_sys("kmemstorm/journal/fsync", EIO, fsync(j->fd)))
		set_error(j, "fsync", errno);
	return j->error ? -j->error : 0;
}

/*
 * rec as one line, newline included, in a buffer of our own: json_dumps()
 * silently drops an object key when an allocation fails half way through
 * (jansson's dump_string() result goes unchecked for keys), json_dumpb()
 * into memory that is already there cannot.  NULL when out of memory.
 */
static char *dump_line(json_t *rec, size_t *len)
{
	size_t size = 4096, n;
	char *buf;

	for (;;) {
		buf = malloc(size);
		if (!buf)
			return NULL;
		n = json_dumpb(rec, buf, size - 1,
			       JSON_COMPACT | JSON_ENSURE_ASCII);
		if (n && n < size) {
			buf[n] = '\n';
			*len = n + 1;
			return buf;
		}
		free(buf);
		if (!n)
			return NULL;
		size = n + 1;
	}
}

int ks_journal_write(struct ks_journal *j, json_t *rec)
{
	char *line;
	size_t len;
	int r, i;

	if (j->error) {
		json_decref(rec);
		return -j->error;
	}
	if (!rec)
		return set_error(j, "record lost", ENOMEM);
	line = dump_line(rec, &len);
	json_decref(rec);
	if (!line)
		return set_error(j, "record lost", ENOMEM);
	r = j->fd >= 0 ? write_all(j->fd, line, len) : -EBADF;
	if (r)
		set_error(j, "write", -r);
	/* A broken tee (the VM channel) must not stop the local journal. */
	for (i = 0; i < j->ntee; i++)
		write_all(j->tee[i], line, len);
	free(line);
	if (!r)
		j->records++;
	if (!r && ks_now_ns() - j->last_sync_ns >= j->sync_interval_ns)
		r = ks_journal_sync(j);
	return r;
}

int ks_journal_write_raw(struct ks_journal *j, const char *buf, size_t len)
{
	int r;

	if (j->error)
		return -j->error;
	r = j->fd >= 0 ? write_all(j->fd, buf, len) : -EBADF;
	if (r)
		set_error(j, "write", -r);
	if (!r && ks_now_ns() - j->last_sync_ns >= j->sync_interval_ns)
		r = ks_journal_sync(j);
	return r;
}

void ks_journal_close(struct ks_journal *j)
{
	if (j->fd >= 0) {
		ks_journal_sync(j);
		close(j->fd);
	}
	j->fd = -1;
}
