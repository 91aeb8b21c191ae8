/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's parts (classify.c): kernel messages that are ours to
 * record but not syzkaller's to title (classify_extra.c), and what the
 * lines of a report look like (classify_kinds.c).
 */
#ifndef KS_CLASSIFY_INTERNAL_H
#define KS_CLASSIFY_INTERNAL_H

#include "classify.h"
#include "needles.h"

enum ks_end_rule {
	KS_END_STACK,		/* the first line after the call trace */
	KS_END_KILLED,		/* the OOM killer's "Killed process" line */
};

/* OOM kills, allocation failures, fault injection: titles of our own. */
struct ks_kind {
	const char *name;
	enum ks_severity sev;
	const char *start;	/* a line starting with this, */
	const char *within;	/* or containing this, starts one */
	/* %F guilty frame, %C cgroup, %O order */
	const char *title_fmt;
	enum ks_end_rule end;
	int syz_leak;		/* a kmemleak object: syzkaller's "BUG: memory leak" */
};

extern const struct ks_kind ks_kinds[];
const struct ks_kind *ks_kind_named(const char *name);
const struct ks_kind *ks_extra_match(const char *line);
/*
 * The same after a scan of the line's raw form (of which line is the
 * end): the kinds' texts go into the scan's index with ks_extra_index(),
 * and only those found (~0: all) are looked for in line.
 */
int ks_extra_index(struct ks_needles *nd);
const struct ks_kind *ks_extra_match_found(const char *line, uint64_t found);

void ks_extra_reset(struct ks_classifier *c);
void ks_extra_gather(struct ks_classifier *c, const char *line);
void ks_extra_finish(struct ks_classifier *c);
int ks_extra_ends_before(struct ks_classifier *c, const char *line);
int ks_extra_ends_with(struct ks_classifier *c, const char *line);
/* Does a kind-starting line continue the open report instead? */
int ks_extra_continues(struct ks_classifier *c, const struct ks_kind *k);

/* What line ends a syzkaller report with this header; NULL: its trace. */
const char *ks_end_rule(const char *header);
/* A stack frame ("func+0x1c/0x30", "func file.c:12 [inline]"), or a line of a trace. */
int ks_frame_line(const char *line);
int ks_is_trace_line(const char *line);
/* The function of a frame line; 0 if it is none (*unreliable: "? f"). */
int ks_frame_name(const char *l, char *fn, size_t len, int *unreliable);
void ks_kreport_append(struct ks_kreport *r, const char *line);

#endif
