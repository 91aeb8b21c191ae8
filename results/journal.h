/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one journal writer: JSON Lines, one record per line, appended with a
 * single write() and fsync'd at least once a second and on demand (every
 * scenario end), so a crash loses at most the last second.  Schema in
 * docs/journal.md.
 */
#ifndef KS_JOURNAL_H
#define KS_JOURNAL_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define KS_JOURNAL_SCHEMA 1
#define KS_JOURNAL_MAX_TEES 2

struct ks_journal {
	int fd;
	int tee[KS_JOURNAL_MAX_TEES];	/* extra copies (e.g. a VM channel) */
	int ntee;
	char path[PATH_MAX];
	int64_t last_sync_ns;
	int64_t sync_interval_ns;
	int error;			/* first failure's errno, sticky */
	const char *error_what;		/* "write", "fsync", "record lost" */
	uint64_t records;
};

/* Create (truncate) path.  0, or -errno with a message in err. */
int ks_journal_open(struct ks_journal *j, const char *path, char *err,
		    size_t errlen);
/* The same, going on at the end of an existing journal (a resumed run). */
int ks_journal_open_append(struct ks_journal *j, const char *path, char *err,
			   size_t errlen);
/* Also copy every record to fd (not fsync'd, not closed). */
void ks_journal_add_tee(struct ks_journal *j, int fd);
/*
 * Append rec (reference stolen, may be NULL after an allocation failure).
 * Adds nothing to it.  Syncs when the last sync is older than the interval.
 * After the first failure (a lost record, a failed write or fsync) writes
 * nothing more, to the file or the tees: -error.
 */
int ks_journal_write(struct ks_journal *j, json_t *rec);
/*
 * Append bytes that already are journal lines (a guest's journal arriving
 * on the host), as they come: complete lines or not.
 */
int ks_journal_write_raw(struct ks_journal *j, const char *buf, size_t len);
int ks_journal_sync(struct ks_journal *j);
void ks_journal_close(struct ks_journal *j);

#endif
