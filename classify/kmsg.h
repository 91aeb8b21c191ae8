/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log as the harness sees it while a scenario runs: records
 * from /dev/kmsg fed to the report classifier, and scenario markers
 * written back to it so a console reader can attribute reports.
 */
#ifndef KS_KMSG_H
#define KS_KMSG_H

#include <stdint.h>
#include <stdio.h>

#include "classify.h"

#define KS_KMSG_TEXT	1024

struct ks_kmsg_record {
	uint64_t seq;
	int64_t ts_us;		/* since boot */
	int level;
	char text[KS_KMSG_TEXT];
};

struct ks_kmsg {
	int fd;			/* -1 when the log cannot be read */
	char why[160];		/* why not */
	uint64_t lost;		/* records overwritten before we read them */
	uint64_t next_seq;	/* the sequence number due next; 0: none yet */
	FILE *log;		/* every record we read, may be NULL */
	/* The lines of the last record not handed out yet (see read). */
	struct ks_kmsg_record rest;
	struct ks_classifier cls;
};

/* Open positioned at the end: only what happens from now on counts. */
int ks_kmsg_open(struct ks_kmsg *k, FILE *log);
void ks_kmsg_close(struct ks_kmsg *k);
/*
 * 1: a line in rec (a record's text decoded; a record of several lines
 * comes as one call per line, each with the record's seq and time);
 * 0: none pending; <0: -errno, the log is closed and why says what failed.
 */
int ks_kmsg_read(struct ks_kmsg *k, struct ks_kmsg_record *rec);
/*
 * Parse one /dev/kmsg record ("pri,seq,ts,flags;text\n..."); the text
 * comes decoded (\xNN escapes undone), newlines and all.
 */
int ks_kmsg_parse(const char *buf, size_t len, struct ks_kmsg_record *rec);
/*
 * Feed one record to the classifier.  Returns 1 when a finished report
 * was copied to *done (the caller journals it), 0 otherwise.
 */
int ks_kmsg_feed(struct ks_kmsg *k, const struct ks_kmsg_record *rec,
		 struct ks_kreport *done);
/*
 * A point where nothing more belongs to what was printed before (a sweep
 * step ended): finish an open report or fault-injection block as if
 * another message had come.  1 if *done was filled.
 */
int ks_kmsg_boundary(struct ks_kmsg *k, struct ks_kreport *done);
/* Finish a report in progress (scenario end); 1 if *done was filled. */
int ks_kmsg_flush(struct ks_kmsg *k, struct ks_kreport *done);

/* Write "kmemstorm: <text>" to /dev/kmsg; ignored when not permitted. */
void ks_kmsg_marker(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
