// SPDX-License-Identifier: GPL-2.0
/*
 * The classifier's engine: cuts reports out of a stream of kernel log
 * lines the way syzkaller reads a console (a header anywhere in a line,
 * lines of the report's own printk caller only, the panic that follows a
 * report left out), titles them by syzkaller's rules (syz.h), and hands
 * the kernel's other messages worth a record (OOM kills, allocation
 * failures, fault injection) to classify_extra.c.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_internal.h"
#include "syz.h"
#include "utf8.h"

/* Lines between a fault-injection block and the report it explains. */
#define KS_CONTEXT_REACH 100

const char *ks_kreport_kind(const struct ks_kreport *r)
{
	return r->kind[0] ? r->kind : "?";
}

enum ks_severity ks_kreport_severity(const struct ks_kreport *r)
{
	return r->sev;
}

const char *ks_severity_name(enum ks_severity s)
{
	return s == KS_SEV_BUG ? "bug" : s == KS_SEV_INFO ? "info" : "context";
}

/*
 * syzkaller's console line: "** N printk messages dropped ** ", a
 * "host login: " the line was merged into, "<N>", "[  time]", then
 * "[ T123]" or "[  C1]" (CONFIG_PRINTK_CALLER) and a space.  The context
 * is the caller id, "console" without one, "" with no prefix at all.
 */
/* The context's name into ctx: on every console line, so no printf. */
static void set_ctx(char *ctx, size_t len, const char *name, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(ctx, name, n);
	ctx[n] = '\0';
}

const char *ks_console_context(const char *line, char *ctx, size_t len)
{
	const char *p = line, *q, *login;
	int digits;

	ctx[0] = '\0';
	if (!strncmp(p, "** ", 3) && (q = strstr(p + 3, " printk messages dropped ** ")))
		p = q + 28;
	/* A line that starts like a kernel line was merged into nothing. */
	login = *p == '[' || *p == '<' ? NULL : strstr(p, " login: ");
	while (login) {	/* the last one: ".* login: " is greedy */
		const char *next = strstr(login + 1, " login: ");

		if (!next)
			break;
		login = next;
	}
	if (login && strchr(login, '['))
		p = login + 8;
	if (*p == '<') {
		for (q = p + 1; isdigit((unsigned char)*q); q++)
			;
		if (*q == '>' && q > p + 1)
			p = q + 1;
	}
	if (*p != '[')
		return line;
	for (q = p + 1; *q == ' '; q++)
		;
	for (digits = 0; isdigit((unsigned char)*q); q++, digits++)
		;
	if (!digits || *q++ != '.' || !isdigit((unsigned char)*q))
		return line;
	while (isdigit((unsigned char)*q))
		q++;
	if (*q++ != ']')
		return line;
	if (*q == '[') {
		const char *id = q + 1;

		while (*id == ' ')
			id++;
		if ((*id == 'T' || *id == 'C') && isdigit((unsigned char)id[1])) {
			const char *e = id + 1;

			while (isdigit((unsigned char)*e))
				e++;
			if (*e == ']' && e[1] == ' ') {
				set_ctx(ctx, len, id, (size_t)(e - id));
				q = e + 1;
			}
		}
	}
	if (*q != ' ')
		return line;
	if (!ctx[0])
		set_ctx(ctx, len, "console", 7);
	/* What follows the first "] " of the line is its text. */
	q = strstr(line, "] ");
	return q ? q + 2 : line;
}

const char *ks_strip_console_prefix(const char *line)
{
	char ctx[16];
	const char *p = ks_console_context(line, ctx, sizeof(ctx));

	/* kmemleak.verbose=1 prefixes every line of its report. */
	if (!strncmp(p, "kmemleak: ", 10))
		p += 10;
	return p;
}

void ks_classifier_init(struct ks_classifier *c)
{
	memset(c, 0, sizeof(*c));
	c->oops = -1;
}

void ks_kreport_append(struct ks_kreport *r, const char *line)
{
	size_t n = strlen(line);

	if (r->len + n + 2 <= sizeof(r->text)) {
		memcpy(r->text + r->len, line, n);
		r->len += n;
		r->text[r->len++] = '\n';
		r->text[r->len] = '\0';
	}
	r->lines++;
}

static void corrupt(struct ks_kreport *r, const char *why)
{
	if (r->corrupted)
		return;
	r->corrupted = 1;
	ks_utf8_copy(r->corrupt_why, sizeof(r->corrupt_why), why);
}

/* The title of a syzkaller-kind report, from its text. */
static void syz_title(struct ks_classifier *c)
{
	struct ks_kreport *r = &c->cur;
	struct ks_syz_title t;
	int i;

	if (ks_syz_describe((size_t)c->oops, r->text + c->title_from,
			    r->len - c->title_from, &t, c->second)) {
		ks_utf8_copy(r->title, sizeof(r->title), r->first);
		corrupt(r, "the classifier's rules did not compile");
		return;
	}
	ks_utf8_copy(r->title, sizeof(r->title), t.title);
	ks_utf8_copy(r->guilty, sizeof(r->guilty), t.frame);
	ks_utf8_copy(r->kind, sizeof(r->kind), t.fmt ? t.fmt->kind : "bug");
	r->syz = 1;
	for (i = 0; i < t.nalt; i++)
		ks_utf8_copy(r->alt[i], sizeof(r->alt[i]), t.alt[i]);
	r->nalt = t.nalt;
	if (t.corrupted)
		corrupt(r, t.corrupted);
}

/*
 * The fields a report is known by, whatever bytes the log held and
 * however its kind's code filled them: valid UTF-8, so that the record,
 * the console's copy and the summary all name it the same.
 */
static void settle_text(struct ks_kreport *r)
{
	int i;

	ks_utf8_fix(r->title, sizeof(r->title));
	for (i = 0; i < r->nalt && i < KS_REPORT_ALTS; i++)
		ks_utf8_fix(r->alt[i], sizeof(r->alt[i]));
	ks_utf8_fix(r->guilty, sizeof(r->guilty));
	ks_utf8_fix(r->cgroup, sizeof(r->cgroup));
	ks_utf8_fix(r->victim, sizeof(r->victim));
	ks_utf8_fix(r->gfp, sizeof(r->gfp));
}

/* Close the open report into *out; 1 if it was one to hand out. */
static int finish(struct ks_classifier *c, struct ks_kreport *out)
{
	struct ks_kreport *r = &c->cur;

	if (!c->active)
		return 0;
	c->active = 0;
	if (c->oops >= 0)
		syz_title(c);
	else
		ks_extra_finish(c);
	settle_text(r);
	if (r->sev == KS_SEV_CONTEXT) {
		/* Context waits for the report it explains. */
		c->fi = *r;
		c->fi_pending = KS_CONTEXT_REACH;
		c->fi_new = 1;
		return 0;
	}
	if (c->fi_pending) {
		r->has_context = 1;
		/* verbose=1 prints no stack: the site is not known */
		ks_utf8_copy(r->context_site, sizeof(r->context_site), c->fi.guilty[0] ? c->fi.guilty : "?");
		ks_utf8_copy(r->context, sizeof(r->context), c->fi.text);
		c->fi_pending = 0;
	}
	*out = *r;
	return 1;
}

static void start(struct ks_classifier *c, int oops,
		  const struct ks_kind *extra, const char *text,
		  const char *ctx, uint64_t seq, int64_t ts)
{
	struct ks_kreport *r = &c->cur;

	memset(r, 0, sizeof(*r));
	ks_extra_reset(c);
	c->active = 1;
	c->started = 1;
	c->oops = oops;
	c->extra = extra;
	c->text_lines = c->skip_text = c->cpu_traceback = c->second = 0;
	c->frames = c->trace_frames = c->after_trace = c->rules = 0;
	c->end = oops >= 0 ? ks_end_rule(text) : NULL;
	ks_utf8_copy(c->ctx, sizeof(c->ctx), ctx);
	r->order = -1;
	r->seq = seq;
	r->ts_us = ts;
	r->sev = oops >= 0 ? KS_SEV_BUG : extra->sev;
	ks_utf8_copy(r->kind, sizeof(r->kind), oops >= 0 ? "bug" : extra->name);
	ks_utf8_copy(r->first, sizeof(r->first), text);
	if (strstr(c->prev, "cut here"))
		ks_kreport_append(r, c->prev);
	c->title_from = r->len;
	ks_kreport_append(r, text);
	if (oops < 0)
		ks_extra_gather(c, text);
}

/* Does an open report end before this line (which is not its own)? */
static int ends_before(struct ks_classifier *c, const char *text)
{
	if (c->oops < 0)
		return ks_extra_ends_before(c, text);
	return !c->end && c->trace_frames && !ks_is_trace_line(text);
}

/* Does this line, now in the report, end it? */
static int ends_with(struct ks_classifier *c, const char *text)
{
	if (c->oops < 0)
		return ks_extra_ends_with(c, text);
	if (!c->end)
		return 0;
	/* KASAN's closing rule, not the one above its header. */
	if (!strcmp(c->end, "===="))
		return strspn(text, "=") >= 60;
	return strstr(text, c->end) != NULL;
}

/* Track where the call trace is, for reports that end with it. */
static void count_frames(struct ks_classifier *c, const char *text)
{
	if (strstr(text, "Call Trace:") || strstr(text, "backtrace"))
		c->after_trace = 1;
	if (ks_frame_line(text)) {
		c->frames++;
		c->trace_frames += c->after_trace;
	}
}

/*
 * One pass over each line finds every report header syzkaller knows, the
 * texts that start the harness's own kinds, and the texts below, which
 * every line of a report would otherwise be searched for one by one.
 */
enum {
	MARK_LOCKDEP_OFF, MARK_NMI, MARK_PANIC, MARK_DEADLOCK, NR_MARKS,
	MARK_INFO = NR_MARKS,	/* and on: ks_info_with_stack[] */
};

static const char *const mark_text[NR_MARKS] = {
	[MARK_LOCKDEP_OFF] = "Disabling lock debugging due to kernel taint",
	[MARK_NMI] = "Sending NMI from CPU",
	[MARK_PANIC] = "Kernel panic - not syncing",
	[MARK_DEADLOCK] = "WARNING: possible circular locking dependency detected",
};

static struct ks_needles starts;
static int starts_ok, mark_bit[NR_MARKS];
static uint64_t info_bits;

static void index_starts(void)
{
	int i, b;

	/* Too many for one index (test_classify says not): the slow path. */
	starts_ok = !ks_syz_header_index(&starts) && !ks_extra_index(&starts);
	for (i = 0; i < NR_MARKS; i++)
		if ((mark_bit[i] = ks_needles_add(&starts, mark_text[i])) < 0)
			starts_ok = 0;
	for (i = 0; ks_info_with_stack[i]; i++) {
		if ((b = ks_needles_add(&starts, ks_info_with_stack[i])) < 0)
			starts_ok = 0;
		else
			info_bits |= 1ull << b;
	}
}

/* Has the line (scanned as a whole) this text? */
static int marked(const struct ks_classifier *c, int mark)
{
	return (c->marks >> mark_bit[mark]) & 1;
}

/*
 * Which report the line starts: an oops group's index, or -1 and *extra.
 * Leaves the line's texts in c->marks (all set on the slow path).
 */
static int line_starts(struct ks_classifier *c, const char *raw,
		       const char *text, const struct ks_kind **extra)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t len = strlen(raw);
	int oops;

	pthread_once(&once, index_starts);
	c->marks = starts_ok ? ks_needles_scan(&starts, raw, len) : ~0ull;
	/* A report's end line names it, but starts nothing. */
	if (!strncmp(text, "---[ end ", 9))
		oops = -1;
	else
		oops = starts_ok ? ks_syz_header_of(c->marks, raw, len) :
				   ks_syz_header(raw, len);
	*extra = oops < 0 ? ks_extra_match_found(text, c->marks) : NULL;
	return oops;
}

/* A line inside the open report; 1 if it finished it into *out. */
static int add_line(struct ks_classifier *c, const char *raw, const char *text,
		    const char *ctx, int questionable, struct ks_kreport *out)
{
	struct ks_kreport *r = &c->cur;

	/* Another printk caller's lines are not this report's. */
	if (questionable || (strcmp(ctx, c->ctx) &&
	    !(c->cpu_traceback && ctx[0] == 'C')))
		return 0;
	c->text_lines++;
	if (marked(c, MARK_LOCKDEP_OFF) &&
	    strstr(raw, mark_text[MARK_LOCKDEP_OFF]))
		return 0;
	if (marked(c, MARK_NMI) && strstr(raw, mark_text[MARK_NMI]))
		c->cpu_traceback = 1;
	/*
	 * panic_on_warn's panic, or the deadlock report an oops provokes,
	 * after enough of the report: theirs are not the report's lines.
	 */
	if (c->oops >= 0 && c->text_lines > (strstr(r->first, "BUG: KMSAN:") ? 16 : 22) &&
	    ((marked(c, MARK_PANIC) && strstr(raw, mark_text[MARK_PANIC])) ||
	     (marked(c, MARK_DEADLOCK) &&
	      strstr(raw, mark_text[MARK_DEADLOCK])))) {
		c->skip_text = 1;
		return finish(c, out);
	}
	ks_kreport_append(r, text);
	count_frames(c, text);
	if (c->oops < 0)
		ks_extra_gather(c, text);
	if (ends_with(c, text) || r->lines >= KS_REPORT_MAX_LINES)
		return finish(c, out);
	return 0;
}

/*
 * The harness's own output on a guest console (progress, the summary
 * table and its reasons) quotes report titles: never a report.
 */
static int harness_output(struct ks_classifier *c, const char *text)
{
	if (c->in_summary) {
		if (isdigit((unsigned char)text[0]) && strstr(text, " passed, "))
			c->in_summary = 0;
		return 1;
	}
	if (!strncmp(text, "SCENARIO ", 9) && strstr(text, " VERDICT ")) {
		c->in_summary = 1;
		return 1;
	}
	return text[0] == 'k' && (!strncmp(text, "kmemstorm: [", 12) ||
				  !strncmp(text, "kmemstorm-guest: ", 17));
}

/* The line before the next one (a "cut here" belongs to the report). */
static void remember(struct ks_classifier *c, const char *text)
{
	size_t n = strnlen(text, sizeof(c->prev) - 1);

	memcpy(c->prev, text, n);
	c->prev[n] = '\0';
}

static int is_marker(const char *text)
{
	return !strncmp(text, "kmemstorm: scenario ", 20) ||
	       !strcmp(text, "kmemstorm: boundary");
}

int ks_classify_line(struct ks_classifier *c, const char *raw, uint64_t seq,
		     int64_t ts_us, struct ks_kreport *out)
{
	char ctx[16];
	const char *text = ks_console_context(raw, ctx, sizeof(ctx));
	const struct ks_kind *extra = NULL;
	int oops, done = 0, questionable = 0, own;

	if (!strncmp(text, "kmemleak: ", 10))
		text += 10;
	c->started = 0;
	if (harness_output(c, text))
		return 0;
	if (c->fi_pending)
		c->fi_pending--;
	/* syzkaller drops a "? func" frame: the unwinder only guesses. */
	if (c->active && ctx[0] && !strstr(text, "<EOI>") &&
	    (strstr(text, " ? ") || !strncmp(text, "? ", 2)))
		questionable = 1;
	oops = line_starts(c, raw, text, &extra);
	own = c->active && !questionable && (!strcmp(ctx, c->ctx) ||
					    (c->cpu_traceback && ctx[0] == 'C'));
	if (c->active && is_marker(text)) {
		done = finish(c, out);
		goto out;
	}
	if (c->active && (oops >= 0 || extra)) {
		int second = oops >= 0 ?
			!(c->oops >= 0 && ks_syz_start_ignored(raw)) :
			!ks_extra_continues(c, extra);

		if (second) {
			c->second = 1;
			done = finish(c, out);
		}
	} else if (c->active && c->oops >= 0 && (c->marks & info_bits) &&
		   ks_syz_info_with_stack(text)) {
		done = finish(c, out);
		extra = ks_extra_match(text);
	} else if (own && ends_before(c, text)) {
		done = finish(c, out);
	}
	if (!c->active && (oops >= 0 || extra)) {
		if (extra && extra->syz_leak) {
			/* kmemleak on the console: the header syzkaller prints */
			start(c, 0, NULL, "BUG: memory leak", ctx, seq, ts_us);
			c->leak_objects = 1;
			add_line(c, raw, text, ctx, 0, out);
		} else {
			start(c, oops, extra, text, ctx, seq, ts_us);
		}
	} else if (c->active) {
		done = add_line(c, raw, text, ctx, questionable, out) || done;
	}
out:
	remember(c, text);
	return done;
}

int ks_classify_flush(struct ks_classifier *c, struct ks_kreport *out)
{
	return finish(c, out);
}

int ks_kreport_syzkaller(const struct ks_kreport *r)
{
	return r->syz;
}
