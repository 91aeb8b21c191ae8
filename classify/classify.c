// SPDX-License-Identifier: GPL-2.0
/*
 * The classifier's engine: gathers the lines of a report, finds its
 * guilty frame in the call trace, builds its title, decides where it ends
 * and whether it is corrupted.  What reports look like is in the table,
 * classify_kinds.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_internal.h"

/* Lines between a fault-injection block and the report it explains. */
#define KS_CONTEXT_REACH 100

const char *ks_kreport_kind(const struct ks_kreport *r)
{
	return r->kind ? r->kind->name : "?";
}

enum ks_severity ks_kreport_severity(const struct ks_kreport *r)
{
	return r->kind ? r->kind->sev : KS_SEV_BUG;
}

const char *ks_severity_name(enum ks_severity s)
{
	return s == KS_SEV_BUG ? "bug" : s == KS_SEV_INFO ? "info" : "context";
}

const char *ks_strip_console_prefix(const char *p)
{
	const char *q;
	int pass;

	/*
	 * "<4>" from some consoles, "[   12.345678]" time, "[ T123]" caller
	 * id; not "[    150]" of an OOM task list.
	 */
	if (*p == '<' && isdigit((unsigned char)p[1]) && (q = strchr(p, '>')) &&
	    q - p < 5)
		p = q + 1;
	for (pass = 0; pass < 2 && *p == '['; pass++) {
		int dot = 0, tc = 0;

		for (q = p + 1; *q == ' ' || isdigit((unsigned char)*q) ||
		     *q == '.' || *q == 'T' || *q == 'C'; q++) {
			dot |= *q == '.';
			tc |= *q == 'T' || *q == 'C';
		}
		if (*q != ']' || (pass == 0 ? !dot && !tc : !tc))
			break;
		p = q + 1;
		if (*p == ' ')
			p++;
	}
	/* kmemleak.verbose=1 prefixes every line of its report. */
	if (!strncmp(p, "kmemleak: ", 10))
		p += 10;
	return p;
}

void ks_classifier_init(struct ks_classifier *c)
{
	memset(c, 0, sizeof(*c));
}

/* "func+0x1c/0x30", "[<ffff>] ? func+0x..", "func file.c:12 [inline]" */
static int frame_name(const char *l, char *fn, size_t len, int *unreliable)
{
	const char *p = l, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '[' && p[1] == '<') {
		p = strchr(p, ']');
		if (!p)
			return 0;
		p++;
		while (*p == ' ')
			p++;
	}
	*unreliable = 0;
	if (p[0] == '?' && p[1] == ' ') {
		*unreliable = 1;
		p += 2;
	}
	for (e = p; isalnum((unsigned char)*e) || *e == '_' || *e == '.' ||
	     *e == '$'; e++)
		;
	if (e == p || (strncmp(e, "+0x", 3) && !strstr(e, "[inline]")))
		return 0;
	if ((size_t)(e - p) >= len)
		return 0;
	memcpy(fn, p, e - p);
	fn[e - p] = '\0';
	/* Compiler clones dedupe with their original: "f.isra.0" -> "f". */
	if ((e = strchr(fn + 1, '.')))
		fn[e - fn] = '\0';
	return 1;
}

static int is_trace_line(const char *l)
{
	static const char *const marks[] = {
		"Call Trace:", "<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "<NMI>",
		"</NMI>", "<EOI>", "<SOFTIRQ>", "</SOFTIRQ>", "RIP:", "RSP:",
		"RAX:", "RDX:", "RBP:", "R10:", "R13:", "FS:", "CS:", "CR2:",
		"DR0:", "DR3:", "DR6:", "Code:", "PKRU:", "Stack:",
		"backtrace", "Backtrace:", NULL,
	};
	char fn[128];
	int i, unrel;

	while (*l == ' ' || *l == '\t')
		l++;
	for (i = 0; marks[i]; i++)
		if (!strncmp(l, marks[i], strlen(marks[i])))
			return 1;
	return frame_name(l, fn, sizeof(fn), &unrel);
}

static void append(struct ks_kreport *r, const char *line)
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

enum { CAND_NAMED, CAND_TRACE, CAND_OTHER, CAND_UNRELIABLE };

static void add_candidate(struct ks_classifier *c, int rank, const char *fn)
{
	if (!*fn)
		return;
	if (!c->first[rank][0])
		snprintf(c->first[rank], sizeof(c->first[0]), "%s", fn);
	if (!c->best[rank][0] && !ks_frame_skipped(fn))
		snprintf(c->best[rank], sizeof(c->best[0]), "%s", fn);
}

/* "... at FILE:LINE func+0x..": the function named after the location. */
static void candidate_after(struct ks_classifier *c, const char *l,
			    const char *key)
{
	const char *p = strstr(l, key);
	char fn[128];
	int unrel;

	if (!p)
		return;
	p += strlen(key);
	if (!strcmp(key, " at ")) {
		p = strchr(p, ' ');	/* skip FILE:LINE */
		if (!p)
			return;
	}
	if (frame_name(p, fn, sizeof(fn), &unrel))
		add_candidate(c, CAND_NAMED, fn);
}

/* Copy a token after key in l, up to a character in stop. */
static void field(const char *l, const char *key, const char *stop,
		  char *out, size_t len)
{
	const char *p = strstr(l, key);
	size_t n;

	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, stop);
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The run cgroup's pid would make every run's title differ. */
static void normalise_cgroup(char *s)
{
	char *p = s, *d;

	while ((p = strstr(p, "kmemstorm-"))) {
		p += 10;
		for (d = p; isdigit((unsigned char)*d); d++)
			;
		if (d > p && (*d == '/' || !*d)) {
			*p = 'N';
			memmove(p + 1, d, strlen(d) + 1);
		}
	}
}

static void start_report(struct ks_classifier *c, const struct ks_kind *k,
			 const char *line, uint64_t seq, int64_t ts)
{
	struct ks_kreport *r = &c->cur;
	const char *p;

	memset(r, 0, sizeof(*r));
	c->active = 1;
	c->in_trace = c->after_call_trace = c->frames = c->trace_frames = 0;
	c->prev_frame = c->odd_line = c->interleaved = c->memcg = 0;
	c->global_mem = 0;
	memset(c->best, 0, sizeof(c->best));
	memset(c->first, 0, sizeof(c->first));
	c->kasan_type[0] = c->panic_msg[0] = '\0';
	r->kind = k;
	r->order = -1;
	r->seq = seq;
	r->ts_us = ts;
	snprintf(r->first, sizeof(r->first), "%s", line);
	if (strstr(c->prev, "cut here"))
		append(r, c->prev);
	if (!strcmp(k->name, "warning"))
		candidate_after(c, line, " at ");
	if (!strcmp(k->name, "kasan") || !strcmp(k->name, "kfence")) {
		/* "BUG: KASAN: use-after-free in f+0x.." */
		p = strchr(line + 5, ':') + 2;
		field(p, "", " ", c->kasan_type, sizeof(c->kasan_type));
		if (!strcmp(k->name, "kfence")) {
			/* "use-after-free read in f": keep the access */
			const char *in = strstr(p, " in ");

			if (in)
				snprintf(c->kasan_type, sizeof(c->kasan_type),
					 "%.*s", (int)(in - p), p);
		}
		candidate_after(c, line, " in ");
	}
	if (!strcmp(k->name, "ubsan"))
		field(line, "UBSAN: ", " ", c->kasan_type,
		      sizeof(c->kasan_type));
	if (!strcmp(k->name, "page_fault"))
		snprintf(c->kasan_type, sizeof(c->kasan_type), "%s",
			 strstr(line, "NULL pointer") ?
			 "NULL pointer dereference" : "paging request");
	if (!strcmp(k->name, "panic"))
		field(line, "not syncing: ", "", c->panic_msg,
		      sizeof(c->panic_msg));
	if (!strcmp(k->name, "alloc_fail")) {
		char order[16] = "";

		field(line, "order:", ",", order, sizeof(order));
		r->order = atoi(order);
		field(line, "mode:", ",", r->gfp, sizeof(r->gfp));
	}
	append(r, line);
}

/* "0x1234" -> "0x...": titles must not differ by an address. */
static void normalise_message(char *s)
{
	char *p = s;

	while ((p = strstr(p, "0x"))) {
		char *d = p + 2;

		while (isxdigit((unsigned char)*d))
			d++;
		if (d - p > 2) {
			memcpy(p + 2, "...", 3);
			memmove(p + 5, d, strlen(d) + 1);
		}
		p += 2;
	}
}

static void build_title(struct ks_classifier *c)
{
	struct ks_kreport *r = &c->cur;
	const char *f = r->kind->title_fmt;
	char *o = r->title, *end = r->title + sizeof(r->title) - 1;
	char val[256];

	for (; *f && o < end; f++) {
		if (*f != '%') {
			*o++ = *f;
			continue;
		}
		f++;
		val[0] = '\0';
		switch (*f) {
		case 'F':
			snprintf(val, sizeof(val), "%s",
				 r->guilty[0] ? r->guilty : "?");
			break;
		case 'T':
			snprintf(val, sizeof(val), "%s", c->kasan_type);
			break;
		case 'A':
			/* " Read"/" Write"; a bad free has no access. */
			snprintf(val, sizeof(val), "%s",
				 strstr(r->text, "\nWrite of size") ? " Write" :
				 strstr(r->text, "\nRead of size") ? " Read" : "");
			break;
		case 'M':
			snprintf(val, sizeof(val), "%s", c->panic_msg);
			normalise_message(val);
			break;
		case 'C':
			snprintf(val, sizeof(val), "%s",
				 r->cgroup[0] ? r->cgroup : "?");
			break;
		case 'O':
			snprintf(val, sizeof(val), "%d", r->order);
			break;
		}
		o += snprintf(o, end - o + 1, "%s", val);
		if (o > end)
			o = end;
	}
	*o = '\0';
}

static void pick_guilty(struct ks_classifier *c)
{
	int rank;

	for (rank = 0; rank < 4; rank++)
		if (c->best[rank][0]) {
			snprintf(c->cur.guilty, sizeof(c->cur.guilty), "%s",
				 c->best[rank]);
			return;
		}
	/* Only skipped frames: better than nothing. */
	for (rank = 0; rank < 4; rank++)
		if (c->first[rank][0]) {
			snprintf(c->cur.guilty, sizeof(c->cur.guilty), "%s",
				 c->first[rank]);
			return;
		}
}

static void corrupt(struct ks_kreport *r, const char *why)
{
	if (r->corrupted)
		return;
	r->corrupted = 1;
	snprintf(r->corrupt_why, sizeof(r->corrupt_why), "%s", why);
}

/* Close the open report into *out; 1 if it was one to hand out. */
static int finish(struct ks_classifier *c, struct ks_kreport *out,
		  int cut_off)
{
	struct ks_kreport *r = &c->cur;

	if (!c->active)
		return 0;
	c->active = 0;
	if (cut_off)
		corrupt(r, "truncated: the log ends inside the report");
	if (r->kind->needs_stack && !c->frames)
		corrupt(r, "no stack trace");
	if (c->interleaved)
		corrupt(r, "interleaved: other output inside the call trace");
	pick_guilty(c);
	build_title(c);
	if (r->kind->sev == KS_SEV_CONTEXT) {
		/* Context waits for the report it explains. */
		c->fi = *r;
		c->fi_pending = KS_CONTEXT_REACH;
		c->fi_new = 1;
		return 0;
	}
	if (c->fi_pending) {
		r->has_context = 1;
		snprintf(r->context_site, sizeof(r->context_site), "%s",
			 c->fi.guilty);
		snprintf(r->context, sizeof(r->context), "%s", c->fi.text);
		c->fi_pending = 0;
	}
	*out = *r;
	return 1;
}

/* A report line that may look like a new report but continues this one. */
static int continues(struct ks_classifier *c, const struct ks_kind *k)
{
	const char *open = c->cur.kind->name;

	if (!strcmp(k->name, "panic"))
		return 1;
	/* The OOM killer found no victim: the same report, another kind. */
	if (!strcmp(k->name, "oom_no_killable"))
		return !strcmp(open, "oom");
	if (!strcmp(k->name, "oops") || !strcmp(k->name, "gpf"))
		return c->cur.lines <= 8 && strcmp(open, "fault_inject");
	return 0;
}

/* Facts an open report gathers from its later lines. */
static void gather(struct ks_classifier *c, const char *line)
{
	struct ks_kreport *r = &c->cur;
	char fn[128];
	int unrel;

	if (!strcmp(r->kind->name, "lockdep_held_return"))
		candidate_after(c, line, ", at: ");
	if (!strncmp(line, "oom-kill:constraint=", 20)) {
		if (!strncmp(line + 20, "CONSTRAINT_MEMCG", 16))
			r->kind = ks_kind_named("memcg_oom");
		field(line, "oom_memcg=", ",", r->cgroup, sizeof(r->cgroup));
		normalise_cgroup(r->cgroup);
		field(line, ",task=", ",", r->victim, sizeof(r->victim));
	}
	if (strstr(line, "Killed process ") && !r->victim[0])
		field(strstr(line, "Killed process "), "(", ")", r->victim,
		      sizeof(r->victim));
	if (!strncmp(line, "Kernel panic - not syncing: ", 28) &&
	    !c->panic_msg[0])
		field(line, "not syncing: ", "", c->panic_msg,
		      sizeof(c->panic_msg));
	/*
	 * mem_cgroup_print_oom_meminfo(): the OOM is a memcg's, whose path
	 * is the title's (no oom-kill:constraint line without a victim).
	 */
	if (!strncmp(line, "memory: usage ", 14))
		c->memcg = 1;
	if (!strncmp(line, "Memory cgroup stats for ", 24) && !r->cgroup[0]) {
		c->memcg = 1;
		field(line, "stats for ", ":", r->cgroup, sizeof(r->cgroup));
		normalise_cgroup(r->cgroup);
	}
	/*
	 * Global only when the report shows the global memory dump: under a
	 * storm of failed charges /dev/kmsg overruns and the ring loses the
	 * lines between the header and this one (memcg lines included), and
	 * dump_header() is ratelimited while this line is not.  A global one
	 * always goes on to panic("System is deadlocked on memory"), a
	 * report of its own, so nothing is hidden by leaning to the memcg.
	 */
	if (!strncmp(line, "Mem-Info:", 9))
		c->global_mem = 1;
	if (!strncmp(line, "Out of memory and no killable processes", 39))
		r->kind = ks_kind_named(c->memcg || !c->global_mem ?
			"memcg_oom_no_killable" : "oom_no_killable");
	if (!strncmp(line, "RIP: 0010:", 10) &&
	    frame_name(line + 10, fn, sizeof(fn), &unrel))
		add_candidate(c, CAND_NAMED, fn);
	if (!strncmp(line, "Call Trace:", 11) || !strncmp(line, "backtrace", 9)) {
		c->in_trace = 1;
		c->after_call_trace = 1;
	}
	if (frame_name(line, fn, sizeof(fn), &unrel)) {
		c->in_trace = 1;
		c->frames++;
		c->trace_frames += c->after_call_trace;
		/* One odd line between two frames: another CPU's output. */
		if (c->odd_line)
			c->interleaved = 1;
		c->prev_frame = 1;
		c->odd_line = 0;
		add_candidate(c, unrel ? CAND_UNRELIABLE : c->after_call_trace ?
			      CAND_TRACE : CAND_OTHER, fn);
		return;
	}
	/* Section headers ("Freed by task 1:") and blank lines belong. */
	c->odd_line = c->prev_frame && !is_trace_line(line) && *line &&
		      line[strlen(line) - 1] != ':';
	c->prev_frame = 0;
}

int ks_classify_line(struct ks_classifier *c, const char *raw, uint64_t seq,
		     int64_t ts_us, struct ks_kreport *out)
{
	const char *line = ks_strip_console_prefix(raw);
	const struct ks_kind *k;
	int done = 0;

	/* An injected failure explains only what follows within reach. */
	if (c->fi_pending)
		c->fi_pending--;
	if (c->active) {
		const struct ks_kind *ck = c->cur.kind;

		/*
		 * Reports that end where their call trace does; stacks
		 * listed before it ("Preemption disabled at:", lockdep's
		 * chains) do not end them.
		 */
		if (ck->end == KS_END_STACK && c->trace_frames &&
		    !is_trace_line(line))
			done = finish(c, out, 0);
	}
	k = ks_kind_match(line);
	if (c->active && k && !continues(c, k))
		done = finish(c, out, 0) || done;
	if (!c->active && k) {
		start_report(c, k, line, seq, ts_us);
	} else if (c->active) {
		append(&c->cur, line);
		gather(c, line);
		if ((c->cur.kind->end == KS_END_MARKER &&
		     (strstr(line, c->cur.kind->end_marker) ||
		      (c->cur.kind->end_marker2 &&
		       strstr(line, c->cur.kind->end_marker2)))) ||
		    (c->cur.kind->end == KS_END_KILLED &&
		     strstr(line, "Killed process")) ||
		    c->cur.lines >= KS_REPORT_MAX_LINES) {
			done = finish(c, out, 0);
		}
	}
	if (c->active && k && c->cur.lines == 1)
		gather(c, line);
	snprintf(c->prev, sizeof(c->prev), "%s", line);
	return done;
}

int ks_classify_flush(struct ks_classifier *c, struct ks_kreport *out)
{
	if (!c->active)
		return 0;
	/*
	 * A report that ends where its trace does cannot be told apart
	 * from one cut off after it; one with an end line can.
	 */
	return finish(c, out, c->cur.kind->end != KS_END_STACK);
}
