// SPDX-License-Identifier: GPL-2.0
/*
 * The guilty frame of a report, syzkaller's way: walk the stack format's
 * parts over the report's lines (a regex to find, or a stack trace to
 * parse up to the next trace), gather the frames not skipped, and pick
 * one: the first, or for stalls and hangs the one that says where.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "syz_internal.h"
#include "utf8.h"

#define MAX_LINES	400
#define MAX_RAW		64

struct lines {
	const char *p[MAX_LINES];
	size_t len[MAX_LINES];
	int n;
};

static void split(const char *text, size_t len, struct lines *l)
{
	const char *p = text, *end = text + len, *nl;

	l->n = 0;
	while (p <= end && l->n < MAX_LINES) {
		nl = memchr(p, '\n', end - p);
		l->p[l->n] = p;
		l->len[l->n++] = (nl ? nl : end) - p;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static int any(pcre2_code *const *res, const char *s, size_t len)
{
	for (; *res; res++)
		if (ks_re_search(*res, s, len, NULL))
			return 1;
	return 0;
}

static struct ks_needles start_needles;

static void index_start_needles(void)
{
	int i;

	for (i = 0; ks_stack_start_needles[i]; i++)
		ks_needles_add(&start_needles, ks_stack_start_needles[i]);
}

/* Does a stack trace start on this line? */
static int trace_starts(const char *s, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, index_start_needles);
	return ks_needles_scan(&start_needles, s, n) &&
	       ks_re_search(ks_syz_rx.any_stack_start, s, n, NULL);
}

/*
 * A fault-injection stack inside the report's.  Every corrupted-line rule
 * names should_fail: lines without it (nearly all) need no regex.
 */
static int corrupted_line(const char *s, size_t n)
{
	return memmem(s, n, "should_fail", 11) &&
	       any(ks_syz_rx.corrupted_line, s, n);
}

struct raw {
	char f[MAX_RAW][128];
	int n;
};

/*
 * Is this frame skipped?  The global list is one alternation of some 150
 * patterns, costly on every frame of every report; the same functions
 * come back in report after report, so the answers are remembered (per
 * thread: the monitor and the console reader classify side by side).
 */
#define SKIP_CACHE	1024
struct skip_memo {
	const pcre2_code *re;
	char fn[56];
	int skipped;
};

static int skipped_by(const pcre2_code *re, const char *fn, size_t n)
{
	static __thread struct skip_memo memo[SKIP_CACHE];
	struct skip_memo *e;
	uint32_t h = 2166136261u;
	size_t i;

	if (n >= sizeof(memo[0].fn))
		return ks_re_search(re, fn, n, NULL);
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)fn[i]) * 16777619u;
	h ^= (uint32_t)(uintptr_t)re;
	e = &memo[h % SKIP_CACHE];
	if (e->re != re || strcmp(e->fn, fn)) {
		e->re = re;
		memcpy(e->fn, fn, n + 1);
		e->skipped = ks_re_search(re, fn, n, NULL);
	}
	return e->skipped;
}

/* Every group a part's or frame regex captured, unless skipped. */
static void take(struct raw *r, const char *line, const struct ks_re_match *m,
		 const pcre2_code *skip)
{
	int g;

	for (g = 1; g < m->n && g <= m->groups; g++) {
		/* all set: JIT's vector loads read past the subject's end */
		char fn[128] = { 0 };
		long n = m->eo[g] - m->so[g];

		if (m->so[g] < 0 || n <= 0 || r->n >= MAX_RAW)
			continue;
		snprintf(fn, sizeof(fn), "%.*s", (int)n, line + m->so[g]);
		if (skipped_by(ks_syz_rx.skip, fn, strlen(fn)) ||
		    (skip && skipped_by(skip, fn, strlen(fn))))
			continue;
		snprintf(r->f[r->n++], sizeof(fn), "%s", fn);
	}
}

/* The shortest of a frame with each syscall-wrapper prefix taken off. */
static void strip(const char *raw, char *out, size_t len)
{
	const char *best = raw;
	int i;

	for (i = 0; ks_strip_prefixes[i]; i++) {
		size_t n = strlen(ks_strip_prefixes[i]);

		if (!strncmp(raw, ks_strip_prefixes[i], n) &&
		    strlen(raw + n) < strlen(best))
			best = raw + n;
	}
	snprintf(out, len, "%s", best);
}

static int stall_pick(char (*fr)[128], int n, const char **pick)
{
	int i, prev = 0;

	for (i = 0; i < n; i++) {
		if (ks_re_search(ks_syz_rx.any_anchor, fr[i], strlen(fr[i]),
				 NULL)) {
			if (strstr(fr[i], "smp_call_function")) {
				*pick = "smp_call_function";
				return i;
			}
			*pick = fr[prev];
			return prev;
		}
		prev = i;
	}
	return -1;
}

/* Hangs on RCU or rtnl are one bucket each, wherever they wait from. */
static int hang_pick(char (*fr)[128], int n, const char **pick)
{
	static const char *const anchors[][2] = {
		{ "rtnl_lock", NULL }, { "synchronize_rcu", "synchronize_rcu" },
		{ "synchronize_srcu", "synchronize_rcu" },
		{ "synchronize_net", "synchronize_rcu" },
		{ "synchronize_sched", "synchronize_rcu" },
	};
	static const char *const waits[] = {
		"sched", "_lock", "_slowlock", "down", "rwsem", "completion",
		"kthread", "wait", "synchronize", "context_switch", "__switch_to",
		"cancel_delayed_work", "rcu_barrier", NULL,
	};
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < 5; j++)
			if (strstr(fr[i], anchors[j][0])) {
				*pick = anchors[j][1] ? anchors[j][1] : fr[i];
				return i;
			}
	for (i = 0; i < n; i++) {
		for (j = 0; waits[j] && !strstr(fr[i], waits[j]); j++)
			;
		if (!waits[j]) {
			*pick = fr[i];
			return i;
		}
	}
	return -1;
}

static int pick(const struct ks_stackfmt *fmt, struct raw *r,
		struct ks_frame *out)
{
	char stripped[MAX_RAW][128];
	const char *p = NULL;
	int i, idx = 0;

	if (!r->n)
		return 0;
	for (i = 0; i < r->n; i++)
		strip(r->f[i], stripped[i], sizeof(stripped[i]));
	if (fmt->extractor == KS_X_FIRST)
		p = stripped[0];
	else if (fmt->extractor == KS_X_STALL)
		idx = stall_pick(stripped, r->n, &p);
	else
		idx = hang_pick(stripped, r->n, &p);
	if (!p || !*p)
		return 0;
	ks_utf8_copy(out->canonical, sizeof(out->canonical), p);
	ks_utf8_copy(out->raw, sizeof(out->raw), r->f[idx]);
	return 1;
}

static int frames_of(const struct ks_stackfmt *fmt, pcre2_code *const *parts,
		     const char *const *src, int nparts, const struct cstack *c,
		     const struct lines *l, struct ks_frame *out, int *ok)
{
	struct ks_re_match m;
	struct raw raw;	/* 8K: only .n needs a value */
	int part, ln = 0, nout = 0, traces = 0;

	raw.n = 0;
	*ok = 1;
	for (part = 0;; part++) {
		if (part == nparts || (src[part] == KS_PARSE_STACK && traces)) {
			if (nout < KS_MAX_FRAMES && !pick(fmt, &raw, &out[nout])) {
				snprintf(out[nout].canonical,
					 sizeof(out[nout].canonical),
					 "corrupted");
				snprintf(out[nout].raw, sizeof(out[nout].raw),
					 "corrupted");
				*ok = 0;
			}
			if (nout < KS_MAX_FRAMES)
				nout++;
			raw.n = 0;
		}
		if (part == nparts)
			break;
		if (src[part] != KS_PARSE_STACK) {
			while (ln < l->n) {
				const char *s = l->p[ln];
				size_t n = l->len[ln++];

				if (corrupted_line(s, n)) {
					*ok = 0;
					break;
				}
				if (ks_re_search(parts[part], s, n, &m)) {
					take(&raw, s, &m, c->skip);
					break;
				}
			}
			continue;
		}
		traces++;
		while (ln < l->n) {
			const char *s = l->p[ln];
			size_t n = l->len[ln++];
			int f;

			if (corrupted_line(s, n)) {
				*ok = 0;
				break;
			}
			if (trace_starts(s, n))
				break;
			/* The next part may end the trace and take this line. */
			if (part + 1 < nparts && src[part + 1] != KS_PARSE_STACK &&
			    ks_re_search(parts[part + 1], s, n, &m)) {
				take(&raw, s, &m, c->skip);
				part++;
				break;
			}
			for (f = 0; ks_syz_rx.frame[f]; f++)
				if (ks_re_search(ks_syz_rx.frame[f], s, n, &m)) {
					take(&raw, s, &m, c->skip);
					break;
				}
		}
	}
	return nout;
}

int ks_stack_frames(const struct ks_stackfmt *fmt, const struct cstack *c,
		    const char *text, size_t len, struct ks_frame *out,
		    int *ok)
{
	static __thread struct lines l;	/* too big for a thread's stack */
	int n;

	split(text, len, &l);
	n = frames_of(fmt, c->parts, fmt->parts, c->nparts, c, &l, out, ok);
	if (*ok || !c->nparts2)
		return n;
	return frames_of(fmt, c->parts2, fmt->parts2, c->nparts2, c, &l, out,
			 ok);
}

/* Which of the stack-start rules each line matches (most lines: none). */
static void start_masks(const struct lines *l, unsigned int *mask)
{
	int i, k;

	for (i = 0; i < l->n; i++) {
		mask[i] = 0;
		if (!trace_starts(l->p[i], l->len[i]))
			continue;
		for (k = 0; ks_syz_rx.stack_start[k]; k++)
			if (ks_re_search(ks_syz_rx.stack_start[k], l->p[i],
					 l->len[i], NULL))
				mask[i] |= 1u << k;
	}
}

const char *ks_stack_corrupted(const char *text, size_t len)
{
	static __thread struct lines l;
	static __thread unsigned int mask[MAX_LINES];
	int k, has_trace = 0;

	split(text, len, &l);
	start_masks(&l, mask);
	for (k = 0; ks_syz_rx.stack_start[k]; k++) {
		int i, at = -1, found = 0;

		for (i = 0; i < l.n && at < 0; i++)
			if (mask[i] & (1u << k))
				at = i;
		if (at < 0)
			continue;
		if (l.n - at < 4)
			return "call trace is missed";
		for (i = at + 1; i < l.n && i < at + 16; i++) {
			if (mask[i])
				break;
			if (memmem(l.p[i], l.len[i], "(stack is not available)", 24) ||
			    ks_re_search(ks_syz_rx.any_frame, l.p[i], l.len[i],
					 NULL)) {
				found = has_trace = 1;
				break;
			}
		}
		/* RISC-V's register dump need not be followed by frames. */
		if (!found && ks_stack_start[k + 1])
			return "no frames in a stack trace";
	}
	return has_trace ? NULL : "no stack trace in report";
}
