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
#include <stdio.h>

#define KS_REPORT_TEXT		8192
#define KS_REPORT_MAX_LINES	300
#define KS_CONTEXT_TEXT		2048

enum ks_severity { KS_SEV_BUG, KS_SEV_INFO, KS_SEV_CONTEXT };

struct ks_kind;

#define KS_REPORT_ALTS	6

struct ks_kreport {
	char kind[24];			/* "kasan", "warning", "memcg_oom"... */
	enum ks_severity sev;
	int syz;			/* a report syzkaller titles too */
	char title[256];
	/* the other titles syzkaller gives it, for matching across runs */
	char alt[KS_REPORT_ALTS][160];
	int nalt;
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
	int oops;			/* its syzkaller header group, or -1 */
	const struct ks_kind *extra;	/* else its kind of our own */
	char ctx[16];			/* printk caller of its header line */
	size_t title_from;		/* text offset of the header line */
	const char *end;		/* line that ends it; NULL: its trace */
	int rules;			/* KASAN's "=====" lines seen */
	int text_lines, skip_text, cpu_traceback;
	int frames, trace_frames, after_trace;
	int leak_objects;		/* kmemleak objects in the report */
	int second;			/* ended by the next report's header */
	int in_summary;			/* inside the harness's summary table */
	int started;			/* the last line started the open report */
	/* OOM reports: which lines were seen */
	int memcg, global_mem;
	char kasan_type[64];
	char prev[256];			/* the line before, e.g. "cut here" */
	/* fault-injection context waiting for the next report */
	struct ks_kreport fi;
	int fi_pending;			/* lines it may still explain */
	int fi_new;			/* fi was just completed (for --all) */
	uint64_t marks;			/* the line's texts (classify.c) */
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

/*
 * A saved log (dmesg, serial console, kmsg.log): every report to found(),
 * with all also the fault-injection context blocks of their own.  Lines
 * may hold any bytes.  0, or -ENOMEM.
 */
typedef void (*ks_report_fn)(const struct ks_kreport *r, void *arg);
int ks_classify_log(FILE *f, int all, ks_report_fn found, void *arg);

/* The journal's kernel_report fields of r (cli/cmd_classify.c). */
struct json_t;
struct json_t *ks_kreport_json(const struct ks_kreport *r);

/* "[  12.345678] [ T123] text" -> "text" */
const char *ks_strip_console_prefix(const char *line);
/* The same, and the printk caller ("T123", "console", "" with no prefix). */
const char *ks_console_context(const char *line, char *ctx, size_t len);
/* Would syzkaller report it (not an OOM kill or fault-injection block)? */
int ks_kreport_syzkaller(const struct ks_kreport *r);

#endif
