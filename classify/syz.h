/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syzkaller's reading of a Linux report (docs/classifier.md, "Titles"):
 * which lines start one, which format it is, where its guilty frame is
 * and what it is titled.  The rules are learnt from syzkaller's
 * pkg/report and written here as tables of our own; the engine that
 * applies them is syz_title.c.
 */
#ifndef KS_SYZ_H
#define KS_SYZ_H

#include <stddef.h>
#include <stdint.h>

#include "needles.h"

/* A stack-format part that means "parse a stack trace from here". */
#define KS_PARSE_STACK	((const char *)1)

/* How the guilty frame is picked among a trace's frames. */
enum ks_extractor {
	KS_X_FIRST,	/* the first frame not skipped */
	KS_X_STALL,	/* the frame above a dispatch anchor (stalls) */
	KS_X_HANG,	/* hung tasks: rtnl/RCU buckets, else not a wait */
};

struct ks_stackfmt {
	const char *parts[5];	/* regexes and KS_PARSE_STACK, in order */
	const char *parts2[4];	/* tried when parts find no frame */
	const char *skip[16];	/* more frames to skip (substring regexes) */
	enum ks_extractor extractor;
};

struct ks_syzfmt {
	const char *kind;	/* the journal's kind name */
	const char *title;	/* regex: the report is of this format */
	const char *report;	/* regex the whole report must match, or NULL */
	/* "%[N]v": the Nth capture (title's, or report's), then frames */
	const char *fmt;
	const char *alt[2];	/* other titles, same notation */
	const struct ks_stackfmt *stack;
	unsigned char no_stack;	/* no stack trace expected */
	unsigned char corrupted;	/* this format means a cut report */
};

struct ks_oops {
	const char *header;	/* a line containing it starts a report */
	const struct ks_syzfmt *fmts;	/* ended by one with title NULL */
	const char *const *suppress;	/* regexes: such a line does not */
};

extern const struct ks_oops ks_oopses[];
extern const size_t ks_noopses;

/* Everything about stack traces that is not per format. */
extern const char *const ks_stack_start[];	/* a trace starts */
/* Every stack-start rule has one of these in its text (tested) */
extern const char *const ks_stack_start_needles[];
extern const char *const ks_frame_res[];	/* a frame line: (func) */
extern const char *const ks_skip_frames[];	/* never guilty */
extern const char *const ks_corrupted_lines[];	/* mixed-in stacks */
extern const char *const ks_strip_prefixes[];	/* syscall wrappers */
extern const char *const ks_stall_anchors[];	/* KS_X_STALL */
/* Header lines that do not start a second report inside one. */
extern const char *const ks_start_ignores[];
/* Messages with a stack of their own: a report ends before them. */
extern const char *const ks_info_with_stack[];

/* The title a finished report's text gets (syz_title.c). */
#define KS_ALT_MAX	6

struct ks_syz_title {
	const struct ks_syzfmt *fmt;	/* NULL: the header line itself */
	char title[256];
	char alt[KS_ALT_MAX][160];
	int nalt;
	char frame[128];	/* the guilty frame, "" when none */
	const char *corrupted;	/* why, or NULL */
};

/*
 * Title text (len bytes, lines without console prefixes), a report of
 * ks_oopses[oops].  more: another report followed, whose lines syzkaller
 * would also search for a stack trace (so a missing one is not held
 * against this one).  0, or -1 when the rules could not be compiled.
 */
int ks_syz_describe(size_t oops, const char *text, size_t len,
		    struct ks_syz_title *out, int more);
/* The index of the oops group a line starts, or -1. */
int ks_syz_header(const char *line, size_t len);
/*
 * The same in two steps, for a caller that scans each line for needles of
 * its own too: the headers go into an empty index first (bit o: oops
 * group o), and a scan's bits give the group.
 */
int ks_syz_header_index(struct ks_needles *nd);
int ks_syz_header_of(uint64_t found, const char *line, size_t len);
/* Does this header line continue a report instead of starting one? */
int ks_syz_start_ignored(const char *line);
/* Would syzkaller skip this frame when it looks for the guilty one? */
int ks_syz_frame_skipped(const char *fn);
/* Does this line open a stack of its own (fault injection...)? */
int ks_syz_info_with_stack(const char *line);

#endif
