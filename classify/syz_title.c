// SPDX-License-Identifier: GPL-2.0
/*
 * A finished report's title by syzkaller's rules (syz.h): the format
 * matched earliest in the report, its captures and guilty frame put in
 * its title, the other titles it could have had, whether it is
 * corrupted, and the clean-up every title gets (addresses, numbers).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syz.h"
#include "syz_internal.h"

struct ks_syz_rx ks_syz_rx;
#define rx ks_syz_rx

/* Titles must not differ by what changes from run to run. */
static const struct {
	const char *re, *with;
} replacements[9] = {
	{ "syz-executor\\.?[0-9]+((/|:)[0-9]+)?", "syz-executor" },
	{ "syzkaller[0-9]+((/|:)[0-9]+)?", "syzkaller" },
	{ "([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}", "${1}ADDR" },
	{ "([0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3})", "IP" },
	{ "(\\.\\w+)(:[0-9]+)+", "${1}:LINE" },
	{ "([a-zA-Z][a-zA-Z0-9_.]+)\\+0x[0-9a-z]+/0x[0-9a-z]+", "${1}" },
	{ "CPU#[0-9]+", "CPU" },
	{ "(\\W)(\\d+)(\\W|$)", "${1}NUM${3}" },
	{ "(\\d+){7,}", "NUM" },
};

static int compile_list(const char *const *src, pcre2_code **dst, size_t max)
{
	size_t i;

	for (i = 0; src[i] && i < max; i++)
		if (!(dst[i] = ks_re_compile(src[i])))
			return -1;
	return 0;
}

static int compile_stack(const struct ks_stackfmt *s, struct cstack *c)
{
	int i;

	for (i = 0; i < 5 && s->parts[i]; i++, c->nparts++)
		if (s->parts[i] != KS_PARSE_STACK &&
		    !(c->parts[i] = ks_re_compile(s->parts[i])))
			return -1;
	for (i = 0; i < 4 && s->parts2[i]; i++, c->nparts2++)
		if (s->parts2[i] != KS_PARSE_STACK &&
		    !(c->parts2[i] = ks_re_compile(s->parts2[i])))
			return -1;
	/* The global list is compiled once (rx.skip); here the format's own. */
	c->skip = s->skip[0] ? ks_re_join(s->skip, NULL) : NULL;
	return s->skip[0] && !c->skip ? -1 : 0;
}

static int compile_oops(size_t o)
{
	const struct ks_oops *op = &ks_oopses[o];
	size_t n, i;

	for (n = 0; op->fmts[n].title; n++)
		;
	rx.fmts[o] = calloc(n, sizeof(struct cfmt));
	/* One alternation: a header line is searched once, not per rule. */
	if (!rx.fmts[o] || (op->suppress[0] &&
	    !(rx.suppress[o] = ks_re_join(op->suppress, NULL))))
		return -1;
	for (i = 0; i < n; i++) {
		const struct ks_syzfmt *f = &op->fmts[i];
		struct cfmt *c = &rx.fmts[o][i];

		if (!(c->title = ks_re_compile_opts(f->title,
						     PCRE2_USE_OFFSET_LIMIT)) ||
		    (f->report && !(c->report = ks_re_compile(f->report))) ||
		    (f->stack && compile_stack(f->stack, &c->stack)))
			return -1;
	}
	return 0;
}

static void compile_all(void)
{
	size_t o, i;

	if (!(rx.skip = ks_re_join(ks_skip_frames, NULL)))
		return;
	for (o = 0; o < ks_noopses && o < 64; o++)
		if (compile_oops(o))
			return;
	if (!(rx.any_stack_start = ks_re_join(ks_stack_start, NULL)) ||
	    !(rx.any_frame = ks_re_join(ks_frame_res, NULL)) ||
	    !(rx.any_anchor = ks_re_join(ks_stall_anchors, NULL)) ||
	    compile_list(ks_stack_start, rx.stack_start, 15) ||
	    compile_list(ks_frame_res, rx.frame, 3) ||
	    compile_list(ks_corrupted_lines, rx.corrupted_line, 3) ||
	    compile_list(ks_stall_anchors, rx.anchors, 127) ||
	    compile_list(ks_start_ignores, rx.start_ignore, 7) ||
	    !(rx.corrupt_title = ks_re_compile("\\[ *[0-9]+\\.[0-9]+\\]")) ||
	    !(rx.title_frame = ks_re_compile(
		".* in ((?:<[a-zA-Z0-9_: ]+>)?[a-zA-Z0-9_:]+)")))
		return;
	for (i = 0; i < 9; i++)
		if (!(rx.repl[i] = ks_re_compile(replacements[i].re)))
			return;
	rx.ok = 1;
}

static int ready(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, compile_all);
	return rx.ok;
}

static int any(pcre2_code *const *res, const char *s, size_t len)
{
	for (; *res; res++)
		if (ks_re_search(*res, s, len, NULL))
			return 1;
	return 0;
}

int ks_syz_header_index(struct ks_needles *nd)
{
	size_t o;

	for (o = 0; o < ks_noopses; o++)
		if (ks_needles_add(nd, ks_oopses[o].header) != (int)o)
			return -1;
	return 0;
}

int ks_syz_header_of(uint64_t found, const char *line, size_t len)
{
	int o;

	if (!ready())
		return -1;
	found &= ks_noopses >= 64 ? ~0ull : (1ull << ks_noopses) - 1;
	/* The first header of the table the line has, not suppressed. */
	for (o = 0; found; o++, found >>= 1)
		if ((found & 1) && !(rx.suppress[o] &&
		    ks_re_search(rx.suppress[o], line, len, NULL)))
			return o;
	return -1;
}

static struct ks_needles headers;

static void index_headers(void)
{
	ks_syz_header_index(&headers);
}

int ks_syz_header(const char *line, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, index_headers);
	return ks_syz_header_of(ks_needles_scan(&headers, line, len), line,
				len);
}

int ks_syz_start_ignored(const char *line)
{
	return ready() && any(rx.start_ignore, line, strlen(line));
}

int ks_syz_frame_skipped(const char *fn)
{
	return ready() && ks_re_search(rx.skip, fn, strlen(fn), NULL);
}

int ks_syz_info_with_stack(const char *line)
{
	int i;

	for (i = 0; ks_info_with_stack[i]; i++)
		if (strstr(line, ks_info_with_stack[i]))
			return 1;
	return 0;
}


/* Go's "%[N]v" (the Nth argument) and nothing else of fmt's notation. */
static void format(char *out, size_t cap, const char *f, char (*args)[128],
		   int nargs)
{
	size_t o = 0;

	while (*f && o + 1 < cap) {
		int n, used;

		if (f[0] == '%' && f[1] == '[' &&
		    sscanf(f, "%%[%d]%*[vs]%n", &n, &used) == 1 && used > 0) {
			const char *a = n >= 1 && n <= nargs ? args[n - 1] :
					"%!v(BADINDEX)";

			o += snprintf(out + o, cap - o, "%s", a);
			if (o >= cap)
				o = cap - 1;
			f += used;
			continue;
		}
		out[o++] = *f++;
	}
	out[o] = '\0';
}

static void add_alt(struct ks_syz_title *t, const char *s)
{
	int i;

	for (i = 0; i < t->nalt; i++)
		if (!strcmp(t->alt[i], s))
			return;
	if (t->nalt < KS_ALT_MAX)
		snprintf(t->alt[t->nalt++], sizeof(t->alt[0]), "%s", s);
}

#define MAX_ARGS	(KS_RE_GROUPS + KS_MAX_FRAMES)

/* Titles and alternates of one format that matched, from its args. */
static void titles(const struct ks_syzfmt *f, char (*args)[128], int npre,
		   const struct ks_frame *fr, int nfr, struct ks_syz_title *t)
{
	char alt[256];
	int i, k, j;

	format(t->title, sizeof(t->title), f->fmt, args, npre + nfr);
	for (i = 0; i < 2 && f->alt[i]; i++) {
		format(alt, sizeof(alt), f->alt[i], args, npre + nfr);
		add_alt(t, alt);
	}
	/* The frames as printed, and with each wrapper prefix taken off. */
	for (k = -1; ks_strip_prefixes[k + 1] || k < 0; k++) {
		const char *pre = k < 0 ? "" : ks_strip_prefixes[k];
		int changed = k < 0;

		for (j = 0; j < nfr; j++) {
			const char *raw = fr[j].raw;

			if (*pre && !strncmp(raw, pre, strlen(pre))) {
				raw += strlen(pre);
				changed = 1;
			}
			snprintf(args[npre + j], 128, "%s", raw);
		}
		if (!changed)
			continue;
		format(alt, sizeof(alt), f->fmt, args, npre + nfr);
		if (strcmp(alt, t->title))
			add_alt(t, alt);
		for (i = 0; i < 2 && f->alt[i]; i++) {
			format(alt, sizeof(alt), f->alt[i], args, npre + nfr);
			add_alt(t, alt);
		}
	}
	for (j = 0; j < nfr; j++)
		snprintf(args[npre + j], 128, "%s", fr[j].canonical);
}

/*
 * One format whose title matched: its report regex (if any) must match
 * too; its captures and frames make the title.  0 if it does not apply.
 */
static int try_format(const struct ks_syzfmt *f, const struct cfmt *c,
		      const char *text, size_t len,
		      const struct ks_re_match *title_m, struct ks_syz_title *t)
{
	char args[MAX_ARGS][128];
	struct ks_frame fr[KS_MAX_FRAMES];
	struct ks_re_match m = *title_m;
	int g, npre = 0, nfr = 0, ok = 1;

	if (c->report && !ks_re_search(c->report, text, len, &m))
		return 0;
	for (g = 1; g <= m.groups && g < m.n && npre < KS_RE_GROUPS; g++)
		snprintf(args[npre++], 128, "%.*s",
			 m.so[g] < 0 ? 0 : (int)(m.eo[g] - m.so[g]),
			 m.so[g] < 0 ? "" : text + m.so[g]);
	t->corrupted = NULL;
	if (f->stack) {
		nfr = ks_stack_frames(f->stack, &c->stack, text + m.so[0],
				      len - m.so[0], fr, &ok);
		if (!ok)
			t->corrupted = "extracted no frames";
		for (g = 0; g < nfr; g++)
			snprintf(args[npre + g], 128, "%s", fr[g].canonical);
	}
	titles(f, args, npre, fr, nfr, t);
	t->fmt = f;
	return 1;
}

/* The header line, when no format titles the report. */
static void header_line(const char *h, const char *text, size_t len,
			struct ks_syz_title *t)
{
	const char *p = memmem(text, len, h, strlen(h)), *e;

	if (!p)
		return;
	e = memchr(p, '\n', text + len - p);
	snprintf(t->title, sizeof(t->title), "%.*s",
		 (int)((e ? e : text + len) - p), p);
}

static void clean(char *s, size_t cap)
{
	char out[256];
	size_t i, o = 0;
	char prev = ' ';
	int r, pass;

	for (r = 0; r < 9; r++)
		for (pass = 0; pass < 8 &&
		     ks_re_replace(rx.repl[r], replacements[r].with, s, cap);
		     pass++)
			;
	/* Printable ASCII, one space at a time, 120 bytes of input at most. */
	for (i = 0; s[i] && i < 120 && o + 1 < sizeof(out); i++) {
		char ch = s[i] == '\t' ? ' ' : s[i];

		if ((unsigned char)ch < 0x20 || (unsigned char)ch >= 0x7f)
			continue;
		if (ch == ' ' && prev == ' ')
			continue;
		out[o++] = ch;
		prev = ch;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	snprintf(s, cap, "%s", out);
}

/* Is the report cut or mixed up (syzkaller's isCorrupted)? */
static const char *corrupted(const struct ks_syz_title *t, const char *text,
			     size_t len, int more)
{
	if (ks_re_search(rx.corrupt_title, t->title, strlen(t->title), NULL))
		return "title matches corrupted regexp";
	if (!t->fmt || t->fmt->no_stack || more)
		return NULL;
	return ks_stack_corrupted(text, len);
}

/* syzkaller's rep.Frame: what the title says the report is "in". */
static void title_frame(struct ks_syz_title *t)
{
	struct ks_re_match m;

	t->frame[0] = '\0';
	if (ks_re_search(rx.title_frame, t->title, strlen(t->title), &m) &&
	    m.so[1] >= 0)
		snprintf(t->frame, sizeof(t->frame), "%.*s",
			 (int)(m.eo[1] - m.so[1]), t->title + m.so[1]);
}

int ks_syz_describe(size_t oops, const char *text, size_t len,
		    struct ks_syz_title *t, int more)
{
	const struct ks_syzfmt *fmts = ks_oopses[oops].fmts;
	long start = (long)len;
	int i, matched = 0, pass;
	const char *first_line;
	size_t upto;

	memset(t, 0, sizeof(*t));
	if (!ready())
		return -1;
	/*
	 * The earliest match wins: when one starts in the header line, no
	 * format need be searched for past it (the whole report otherwise,
	 * every format of the group: most of the classifier's time).
	 */
	first_line = memchr(text, '\n', len);
	upto = first_line ? (size_t)(first_line - text) : len;
	for (pass = 0; pass < 2 && !matched; pass++, upto = (size_t)-1)
	for (i = 0; fmts[i].title; i++) {
		struct ks_re_match m;
		struct ks_syz_title try = *t;

		if (!ks_re_search_upto(rx.fmts[oops][i].title, text, len, upto,
				       &m) ||
		    m.so[0] > start || (m.so[0] == start && t->title[0]))
			continue;
		if (m.so[0] < start) {
			/* An earlier match: what later ones said is forgotten */
			t->title[0] = '\0';
			t->fmt = NULL;
			t->corrupted = NULL;
			start = m.so[0];
		}
		matched = 1;
		if (try_format(&fmts[i], &rx.fmts[oops][i], text, len, &m,
			       &try)) {
			*t = try;
		}
	}
	if (!t->title[0]) {
		t->corrupted = matched ? "matched title but not report regexp" :
			       NULL;
		header_line(ks_oopses[oops].header, text, len, t);
	}
	if (!t->corrupted && t->fmt && t->fmt->corrupted)
		t->corrupted = "report format is marked as corrupted";
	if (!t->corrupted)
		t->corrupted = corrupted(t, text, len, more);
	clean(t->title, sizeof(t->title));
	for (i = 0; i < t->nalt; i++)
		clean(t->alt[i], sizeof(t->alt[i]));
	if (!t->title[0]) {
		/*
		 * A format's captures came out empty and the header is not in
		 * the text (it began mid-line): never an untitled report.
		 */
		snprintf(t->title, sizeof(t->title), "%.*s",
			 (int)(first_line ? first_line - text : (long)len), text);
		clean(t->title, sizeof(t->title));
		if (!t->title[0])
			snprintf(t->title, sizeof(t->title), "%s",
				 ks_oopses[oops].header);
		t->fmt = NULL;
		t->corrupted = "no title: named after its first line";
	}
	title_frame(t);
	return 0;
}
