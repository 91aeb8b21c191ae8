/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one kernel report classifier (docs/classifier.md): fed kernel log
 * lines one at a time, from /dev/kmsg, a serial console or a saved log,
 * it gathers reports and names them with syzkaller-style titles.
 */
#ifndef KS_CLASSIFY_H
#define KS_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#define KS_REPORT_TEXT		8192
#define KS_REPORT_MAX_LINES	300
#define KS_CONTEXT_TEXT		2048

enum ks_severity { KS_SEV_BUG, KS_SEV_INFO, KS_SEV_CONTEXT };

struct ks_kind;

struct ks_kreport {
	const struct ks_kind *kind;
	char title[256];
	char guilty[128];		/* guilty frame, "" when none */
	int corrupted;
	char corrupt_why[96];
	char first[256];		/* the line that started it */
	char text[KS_REPORT_TEXT];
	size_t len;
	int lines;
	uint64_t seq;			/* of the first line, when known */
	int64_t ts_us;
	/* kind-specific facts */
	char cgroup[256];		/* memcg OOM: oom_memcg */
	char victim[64];		/* OOM: killed task's comm */
	int order;			/* allocation failure: order, -1 */
	char gfp[160];			/* allocation failure: gfp flags */
	/* the fault injection that preceded it */
	int has_context;
	char context_site[128];		/* first non-allocator frame */
	char context[KS_CONTEXT_TEXT];
};

/* Per-report-in-progress state; opaque to callers. */
struct ks_classifier {
	struct ks_kreport cur;
	int active;
	int in_trace;			/* a call trace has started */
	int after_call_trace;		/* past a "Call Trace:" line */
	int prev_frame;			/* the line before was a frame */
	int odd_line;			/* a non-frame line right after one */
	int interleaved;
	int frames;			/* frame lines seen */
	int trace_frames;		/* of them after "Call Trace:" */
	int memcg;			/* an OOM report's memcg lines seen */
	int global_mem;			/* and a global one's (Mem-Info:) */
	/*
	 * Guilty frame candidates by rank: named by the report's own lines
	 * (RIP, "at FILE:LINE F", "in F"), frames of the call trace, frames
	 * of other listings before it, unreliable ("?") frames.
	 */
	char best[4][128];		/* first not skipped, per rank */
	char first[4][128];		/* first at all, per rank */
	char kasan_type[64];
	char panic_msg[160];
	char prev[256];			/* the line before, e.g. "cut here" */
	/* fault-injection context waiting for the next report */
	struct ks_kreport fi;
	int fi_pending;			/* lines it may still explain */
	int fi_new;			/* fi was just completed (for --all) */
};

void ks_classifier_init(struct ks_classifier *c);
/*
 * Feed one line (console timestamps and caller ids are stripped here).
 * Returns 1 when a finished report was copied to *out; at most one per
 * line, the line may also have started the next one.
 */
int ks_classify_line(struct ks_classifier *c, const char *line,
		     uint64_t seq, int64_t ts_us, struct ks_kreport *out);
/* End of input: finish what is open (marked corrupted if cut off). */
int ks_classify_flush(struct ks_classifier *c, struct ks_kreport *out);

const char *ks_kreport_kind(const struct ks_kreport *r);	/* "warning" */
enum ks_severity ks_kreport_severity(const struct ks_kreport *r);
const char *ks_severity_name(enum ks_severity s);	/* "bug", ... */

/* The journal's kernel_report fields of r (cli/cmd_classify.c). */
struct json_t;
struct json_t *ks_kreport_json(const struct ks_kreport *r);

/* "[  12.345678] [ T123] text" -> "text" */
const char *ks_strip_console_prefix(const char *line);

#endif
