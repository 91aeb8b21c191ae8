/* SPDX-License-Identifier: GPL-2.0 */
/* The compiled rules, shared by syz_title.c and syz_stack.c. */
#ifndef KS_SYZ_INTERNAL_H
#define KS_SYZ_INTERNAL_H

#include "syz.h"
#include "syz_re.h"

struct cstack {		/* a stack format, compiled */
	pcre2_code *parts[5], *parts2[4];
	int nparts, nparts2;
	pcre2_code *skip;	/* the format's own skip list (rx.skip: all) */
};

struct cfmt {
	pcre2_code *title, *report;
	struct cstack stack;
};

struct ks_syz_rx {
	int ok;
	struct cfmt *fmts[64];		/* per oops, per format */
	pcre2_code *suppress[64];	/* per oops, its list as one */
	pcre2_code *stack_start[16], *frame[4], *corrupted_line[4];
	/* each list as one alternation: one search per line to say none */
	pcre2_code *any_stack_start, *any_frame, *any_anchor;
	pcre2_code *anchors[128], *start_ignore[8], *corrupt_title;
	pcre2_code *title_frame, *skip;
	pcre2_code *repl[9];
};
extern struct ks_syz_rx ks_syz_rx;

#define KS_MAX_FRAMES	4	/* guilty frames of one report (per trace) */

struct ks_frame {
	char canonical[128];	/* syscall wrapper prefixes stripped */
	char raw[128];
};

/*
 * The guilty frames of a report (text from its format's match on), one
 * per stack trace the format parses.  Returns how many; *ok is 0 when
 * one could not be found (the frame is then "corrupted").
 */
int ks_stack_frames(const struct ks_stackfmt *fmt, const struct cstack *c,
		    const char *text, size_t len, struct ks_frame *out,
		    int *ok);
/* Is a frame-like line present within the few after each trace start? */
const char *ks_stack_corrupted(const char *text, size_t len);

#endif
