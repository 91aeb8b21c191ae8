/* SPDX-License-Identifier: GPL-2.0 */
/* The report kinds table (classify_kinds.c) and what the engine needs. */
#ifndef KS_CLASSIFY_INTERNAL_H
#define KS_CLASSIFY_INTERNAL_H

#include "classify.h"

enum ks_end_rule {
	KS_END_MARKER,		/* a line containing end_marker, included */
	KS_END_STACK,		/* the first line after the call trace */
	KS_END_KILLED,		/* the OOM killer's "Killed process" line */
};

struct ks_kind {
	const char *name;
	enum ks_severity sev;
	const char *start[4];	/* line prefixes (after console prefixes) */
	const char *within;	/* or a substring anywhere in the line */
	/*
	 * %F guilty frame, %T type (KASAN, UBSAN...), %A access (Read,
	 * Write), %M message, %C cgroup, %O order.
	 */
	const char *title_fmt;
	int needs_stack;	/* a report without frames is corrupted */
	enum ks_end_rule end;
	const char *end_marker, *end_marker2;
};

extern const struct ks_kind ks_kinds[];
const struct ks_kind *ks_kind_named(const char *name);

/* Frames a guilty frame is never taken from (allocators, debugging...). */
int ks_frame_skipped(const char *fn);
/* The kind a line starts, or NULL. */
const struct ks_kind *ks_kind_match(const char *line);

#endif
