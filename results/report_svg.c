// SPDX-License-Identifier: GPL-2.0
/*
 * The html format's plots, inline SVG drawn from a scenario's sample,
 * kernel_report and scenario_end records (docs/reports.md, "HTML").
 * No script: hovering shows SVG <title> tooltips, which every browser
 * renders by itself.
 */
#include "report_html.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define U KS_HTML_UNKNOWN
#define MIB 1048576.0

#define W 900		/* every plot's width, CSS pixels */
#define ML 66		/* margins: y tick labels, x tick labels, legend */
#define MR 18
#define MT 30
#define MB 38
#define MEM_H 300
#define OPS_H 190
/*
 * A long run samples for hours: beyond this many points a bucket of
 * samples becomes its lowest and its highest, so peaks survive.
 */
#define MAX_POINTS 2000
#define HOVER_POINTS 400	/* tooltips per sample up to this many */
#define MARK_PX 4		/* markers closer than this become one */
#define OFF_SCALE 8		/* a limit this far above usage is not drawn */

struct pt {
	double x, y;	/* ms since the scenario started, the value */
	size_t idx;	/* its sample record */
};

struct frame {
	int h;
	double x1, y1;	/* the axes run from 0 to x1 ms and 0 to y1 */
};

static double fx(const struct frame *f, double x)
{
	return ML + (W - ML - MR) * (f->x1 > 0 ? x / f->x1 : 0);
}

static double fy(const struct frame *f, double y)
{
	return f->h - MB - (f->h - MT - MB) * (f->y1 > 0 ? y / f->y1 : 0);
}

/* 1, 2 or 5 times a power of ten: about `ticks` ticks over range. */
static double nice_step(double range, int ticks)
{
	double raw = range / ticks, mag, m;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	m = raw / mag;
	return mag * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10);
}

long long ks_html_t0(const struct ks_scn_view *s)
{
	long long t0 = ks_jint(s->start, "t_ms", U);

	if (t0 == U)
		t0 = ks_jint(json_array_get(s->samples, 0), "t_ms", 0);
	return t0;
}

/*
 * The workers started just before the first sample: monitor() samples
 * at once.  chargefail's step times count from there.
 */
static long long storm_start(const struct ks_scn_view *s)
{
	json_t *r;
	size_t i;

	json_array_foreach(s->samples, i, r)
		if (ks_jint(r, "t_ms", U) != U)
			return ks_jint(r, "t_ms", U);
	return U;
}

static json_t *chargefail_steps(const struct ks_scn_view *s)
{
	json_t *inj = json_object_get(s->end, "inject");
	json_t *steps = json_object_get(json_object_get(inj, "chargefail"),
					"steps");

	return json_array_size(steps) ? steps : NULL;
}

/*
 * The guest's clock: a report a 'kmemstorm vm' host found on the console
 * carries the host's t_ms, which no sample shares, so it is not placed.
 */
static int report_placed(json_t *r)
{
	return ks_jint(r, "t_ms", U) != U &&
	       strcmp(ks_jstr(r, "source", ""), "console");
}

/* The x axis's end: the last sample, report or limit step. */
static double x_end(const struct ks_scn_view *s, long long t0)
{
	long long storm0 = storm_start(s);
	double x1 = 1;
	json_t *r;
	size_t i;

	json_array_foreach(s->samples, i, r)
		if (ks_jint(r, "t_ms", U) != U)
			x1 = fmax(x1, (double)(ks_jint(r, "t_ms", 0) - t0));
	json_array_foreach(s->reports, i, r)
		if (report_placed(r))
			x1 = fmax(x1, (double)(ks_jint(r, "t_ms", 0) - t0));
	json_array_foreach(chargefail_steps(s), i, r)
		if (storm0 != U)
			x1 = fmax(x1, (double)(storm0 - t0 +
					       ks_jint(r, "t_ms", 0)));
	return x1;
}

/* Keep each bucket's lowest and highest point, in time order. */
static size_t decimate(struct pt *p, size_t n)
{
	size_t nb = MAX_POINTS / 2, b, o = 0;

	if (n <= MAX_POINTS)
		return n;
	for (b = 0; b < nb; b++) {
		size_t i = b * n / nb, e = (b + 1) * n / nb, lo = i, hi = i;
		struct pt a, z;

		for (; i < e; i++) {
			if (p[i].y < p[lo].y)
				lo = i;
			if (p[i].y > p[hi].y)
				hi = i;
		}
		a = p[lo < hi ? lo : hi];
		z = p[lo < hi ? hi : lo];
		/* Bucket b starts at or after 2b + 2: no unread point lost. */
		p[o++] = a;
		if (lo != hi)
			p[o++] = z;
	}
	return o;
}

static void fmt_mib(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%g", v / MIB);
}

static void fmt_rate(char *buf, size_t len, double v)
{
	if (v >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

/* Grid, tick labels and axis titles; y1 is made a multiple of its step. */
static void axes(FILE *out, struct frame *f, double ymax, double unit,
		 void (*fmt)(char *, size_t, double), const char *ytitle)
{
	double ystep, xstep, v;
	char buf[32];
	int i;

	if (ymax <= 0)
		ymax = unit;
	/* Round ticks in the unit the labels are in (MiB, ops/s). */
	ystep = nice_step(ymax / unit, 5) * unit;
	f->y1 = ceil(ymax * 1.04 / ystep) * ystep;
	xstep = nice_step(f->x1 / 1000, 8) * 1000;
	fprintf(out, "<rect class=\"bg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
		ML, MT, W - ML - MR, f->h - MT - MB);
	for (i = 0, v = 0; v <= f->y1 * 1.0001 && i < 50; v = ++i * ystep) {
		fmt(buf, sizeof(buf), v);
		fprintf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"yt\" x=\"%d\" y=\"%.1f\">%s</text>\n",
			ML, W - MR, fy(f, v), fy(f, v), ML - 6, fy(f, v) + 4,
			buf);
	}
	for (i = 0, v = 0; v <= f->x1 * 1.0001 && i < 50; v = ++i * xstep) {
		fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			"<text class=\"xt\" x=\"%.1f\" y=\"%d\">%g</text>\n",
			fx(f, v), fx(f, v), MT, f->h - MB, fx(f, v),
			f->h - MB + 15, v / 1000);
	}
	fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
		"<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n",
		ML, W - MR, f->h - MB, f->h - MB, ML, ML, MT, f->h - MB);
	fprintf(out, "<text class=\"at\" x=\"%d\" y=\"%d\">seconds since the scenario started</text>\n"
		"<text class=\"at\" transform=\"translate(12 %d) rotate(-90)\">%s</text>\n",
		(W + ML - MR) / 2, f->h - 4, (f->h - MB + MT) / 2, ytitle);
}

/* A legend entry at *lx along the top: a line, or a marker, and its name. */
static void legend(FILE *out, int *lx, const char *swatch, const char *name)
{
	fprintf(out, "<g transform=\"translate(%d 14)\">%s"
		"<text class=\"lg\" x=\"22\" y=\"4\">%s</text></g>\n",
		*lx, swatch, name);
	*lx += 30 + (int)(strlen(name) * 6.3);
}

static void sample_title(FILE *out, json_t *r, double x)
{
	fprintf(out, "<title>%.3f s: memory.current ", x / 1000);
	ks_html_bytes(out, ks_jint(r, "current", U));
	fputs(", kernel ", out);
	ks_html_bytes(out, ks_jint(r, "kernel", U));
	fputs(", slab ", out);
	ks_html_bytes(out, ks_jint(r, "slab", U));
	if (ks_jint(r, "limit_hits", U) != U)
		fprintf(out, ", %lld limit hits", ks_jint(r, "limit_hits", 0));
	if (ks_jint(r, "oom_kills", U) != U)
		fprintf(out, ", %lld OOM kills", ks_jint(r, "oom_kills", 0));
	fputs("</title>", out);
}

/* memory.current as an area and a line; tooltips when there are few. */
static void current_line(FILE *out, const struct frame *f,
			 const struct ks_scn_view *s, const struct pt *p,
			 size_t n, int decimated)
{
	size_t i;

	fprintf(out, "<path fill=\"" KS_HTML_AREA "\" d=\"M%.1f %.1f",
		fx(f, p[0].x), fy(f, 0));
	for (i = 0; i < n; i++)
		fprintf(out, "L%.1f %.1f", fx(f, p[i].x), fy(f, p[i].y));
	fprintf(out, "L%.1f %.1fZ\"/>\n", fx(f, p[n - 1].x), fy(f, 0));
	fprintf(out, "<polyline class=\"cur\" fill=\"none\" stroke=\"" KS_HTML_CURRENT
		"\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
	for (i = 0; i < n; i++)
		fprintf(out, "%s%.1f,%.1f", i ? " " : "", fx(f, p[i].x),
			fy(f, p[i].y));
	fputs("\"/>\n", out);
	if (decimated || n > HOVER_POINTS)
		return;
	for (i = 0; i < n; i++) {
		fprintf(out, "<circle class=\"hov\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\">",
			fx(f, p[i].x), fy(f, p[i].y), n < 3 ? "4" : "5");
		sample_title(out, json_array_get(s->samples, p[i].idx),
			     p[i].x);
		fputs("</circle>\n", out);
	}
	if (n < 3)	/* too few for a line: dots */
		for (i = 0; i < n; i++)
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"" KS_HTML_CURRENT "\"/>\n",
				fx(f, p[i].x), fy(f, p[i].y));
}

/*
 * memory.max: chargefail's steps (each limit from its step's time to the
 * next's) when the injector ran, else the plan's limit.  Segments above
 * the plot (OFF_SCALE) are left out and said so.
 */
static void limit_line(FILE *out, const struct frame *f,
		       const struct ks_scn_view *s, long long t0, long long max,
		       int *above)
{
	json_t *steps = chargefail_steps(s), *st;
	long long storm0 = storm_start(s);
	int drawn = 0;
	size_t i;

	if (!steps || storm0 == U) {
		if (max == U || max == INT64_MAX)
			return;
		if (max > f->y1) {
			*above = 1;
			return;
		}
		fprintf(out, "<line class=\"lim\" stroke=\"" KS_HTML_LIMIT
			"\" stroke-width=\"2\" stroke-dasharray=\"8 4\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>memory.max ",
			ML, W - MR, fy(f, max), fy(f, max));
		ks_html_bytes(out, max);
		fputs(" (scenario_start limits)</title></line>\n", out);
		return;
	}
	fputs("<path class=\"lim\" fill=\"none\" stroke=\"" KS_HTML_LIMIT
	      "\" stroke-width=\"2\" d=\"", out);
	json_array_foreach(steps, i, st) {
		long long lim = ks_jint(st, "limit", U);
		json_t *next = json_array_get(steps, i + 1);
		double x0 = i ? (double)(storm0 - t0 + ks_jint(st, "t_ms", 0)) : 0;
		double x1 = next ? (double)(storm0 - t0 + ks_jint(next, "t_ms", 0))
				 : f->x1;

		if (lim == U || lim == INT64_MAX || lim > f->y1) {
			*above |= lim != U && lim != INT64_MAX;
			drawn = 0;
			continue;
		}
		fprintf(out, "%s%.1f %.1fH%.1f", drawn ? "L" : "M", fx(f, x0),
			fy(f, lim), fx(f, x1));
		drawn = 1;
	}
	fputs("\"><title>memory.max as chargefail set it:", out);
	json_array_foreach(steps, i, st) {
		fprintf(out, "\n%.3f s: ", (double)(storm0 - t0 +
			ks_jint(st, "t_ms", 0)) / 1000);
		ks_html_bytes(out, ks_jint(st, "limit", U));
		fputs(" (usage ", out);
		ks_html_bytes(out, ks_jint(st, "usage", U));
		fputs(", peak ", out);
		ks_html_bytes(out, ks_jint(st, "peak", U));
		fputs(")", out);
	}
	fputs("</title></path>\n", out);
}

struct mark {
	double x0, x1;		/* ms, the first and last merged */
	long long hits, oom;	/* memcg events: increases */
	int n, bug;		/* kernel reports merged, any of them bugs */
	json_t *first;		/* the first report */
};

static void event_mark(FILE *out, const struct frame *f, const struct mark *m)
{
	double x = fx(f, m->x0);

	if (m->hits > 0)
		fprintf(out, "<path fill=\"" KS_HTML_HIT "\" d=\"M%.1f %dl-4.5 -7h9z\"><title>%.3f s: %lld limit hits (memory.events max)</title></path>\n",
			x, MT + 9, m->x0 / 1000, m->hits);
	if (m->oom > 0)
		fprintf(out, "<path stroke=\"" KS_HTML_OOM "\" stroke-width=\"2\" d=\"M%.1f %dl7 7m0 -7l-7 7\"><title>%.3f s: %lld memcg OOM kills</title></path>\n",
			x - 3.5, MT + 12, m->x0 / 1000, m->oom);
}

/*
 * memcg events where limit_hits or oom_kills grew since the last sample.
 * Returns which were seen: 1 limit hits, 2 OOM kills.
 */
static int event_marks(FILE *out, const struct frame *f,
			const struct ks_scn_view *s, long long t0)
{
	long long hits0 = 0, oom0 = 0;
	struct mark m = { 0 };
	int seen = 0;
	json_t *r;
	size_t i;

	json_array_foreach(s->samples, i, r) {
		long long t = ks_jint(r, "t_ms", U);
		long long hits = ks_jint(r, "limit_hits", U);
		long long oom = ks_jint(r, "oom_kills", U);
		long long dh = hits != U && hits > hits0 ? hits - hits0 : 0;
		long long dk = oom != U && oom > oom0 ? oom - oom0 : 0;

		hits0 = hits != U ? hits : hits0;
		oom0 = oom != U ? oom : oom0;
		if (t == U || (!dh && !dk))
			continue;
		if ((m.hits || m.oom) &&
		    fx(f, (double)(t - t0)) - fx(f, m.x0) >= MARK_PX) {
			event_mark(out, f, &m);
			memset(&m, 0, sizeof(m));
		}
		if (!m.hits && !m.oom)
			m.x0 = (double)(t - t0);
		m.hits += dh;
		m.oom += dk;
		seen |= (dh ? 1 : 0) | (dk ? 2 : 0);
	}
	if (m.hits || m.oom)
		event_mark(out, f, &m);
	return seen;
}

static void report_mark(FILE *out, const struct frame *f, const struct mark *m)
{
	double x = fx(f, m->x0), y = f->h - MB - 9;

	if (m->bug)
		fprintf(out, "<line stroke=\"" KS_HTML_BUG "\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\"/>"
			"<path fill=\"" KS_HTML_BUG "\" d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\">",
			x, x, MT, y, x, y - 6);
	else
		fprintf(out, "<circle fill=\"" KS_HTML_INFO "\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\">",
			x, y);
	fprintf(out, "<title>%.3f s: ", m->x0 / 1000);
	ks_xml_escape(out, ks_jstr(m->first, "title", "?"));
	fprintf(out, " (%s", m->bug ? "bug" : "info");
	if (m->n > 1)
		fprintf(out, "; %d reports until %.3f s", m->n, m->x1 / 1000);
	fprintf(out, ")</title>%s\n", m->bug ? "</path>" : "</circle>");
}

/* Kernel reports at their t_ms: the info ones first, bugs drawn over. */
static void report_marks(FILE *out, const struct frame *f,
			 const struct ks_scn_view *s, long long t0)
{
	struct mark m;
	int bug;
	json_t *r;
	size_t i;

	for (bug = 0; bug < 2; bug++) {
		memset(&m, 0, sizeof(m));
		json_array_foreach(s->reports, i, r) {
			double x = (double)(ks_jint(r, "t_ms", 0) - t0);

			if (!report_placed(r) ||
			    (strcmp(ks_jstr(r, "severity", ""), "bug") == 0) != bug)
				continue;
			if (m.n && fabs(fx(f, x) - fx(f, m.x0)) >= MARK_PX) {
				report_mark(out, f, &m);
				m.n = 0;
			}
			if (!m.n) {
				m.x0 = x;
				m.first = r;
				m.bug = bug;
			}
			m.x1 = x;
			m.n++;
		}
		if (m.n)
			report_mark(out, f, &m);
	}
}

/* Limits are keyed by their file's name, dots and all: no ks_jint(). */
static long long limit_of(json_t *limits, const char *key)
{
	json_t *v = json_object_get(limits, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : U;
}

int ks_svg_mem_plot(FILE *out, const struct ks_scn_view *s)
{
	json_t *lim = json_object_get(s->start ? s->start : s->end, "limits");
	long long max = limit_of(lim, "memory.max");
	long long high = limit_of(lim, "memory.high");
	long long t0 = ks_html_t0(s);
	struct frame f = { .h = MEM_H, .x1 = x_end(s, t0) };
	size_t n = json_array_size(s->samples), np = 0, i;
	double top = 0, scale;
	int lx = ML, above = 0, high_above = 0, bugs = 0, infos = 0, events;
	char name[96], sz[32];
	struct pt *p;
	json_t *r;

	p = malloc((n ? n : 1) * sizeof(*p));
	if (!p)
		return -1;
	json_array_foreach(s->samples, i, r) {
		long long t = ks_jint(r, "t_ms", U), c = ks_jint(r, "current", U);

		if (t == U || c == U)
			continue;
		p[np] = (struct pt){ .x = (double)(t - t0), .y = (double)c,
				     .idx = i };
		top = fmax(top, p[np++].y);
	}
	if (!np) {
		free(p);
		return 1;
	}
	/* Limits far above usage would flatten it to the axis. */
	scale = top > 0 ? top * OFF_SCALE : 1e300;
	if (chargefail_steps(s)) {
		json_array_foreach(chargefail_steps(s), i, r) {
			long long l = ks_jint(r, "limit", U);

			if (l != U && l != INT64_MAX && l <= scale)
				top = fmax(top, (double)l);
		}
	} else if (max != U && max != INT64_MAX && max <= scale) {
		top = fmax(top, (double)max);
	}
	if (high != U && high != INT64_MAX && high <= scale)
		top = fmax(top, (double)high);
	if (top <= 0)
		top = MIB;

	fprintf(out, "<svg class=\"plot mem\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
		"<title>memory.current of %s</title>\n", W, MEM_H, W, MEM_H,
		s->name);
	axes(out, &f, top, MIB, fmt_mib, "MiB");
	current_line(out, &f, s, p, decimate(p, np), np > MAX_POINTS);
	limit_line(out, &f, s, t0, max, &above);
	if (high != U && high != INT64_MAX) {
		if (high > f.y1) {
			high_above = 1;
		} else {
			fprintf(out, "<line stroke=\"" KS_HTML_HIGH "\" stroke-width=\"2\" stroke-dasharray=\"3 3\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>memory.high ",
				ML, W - MR, fy(&f, high), fy(&f, high));
			ks_html_bytes(out, high);
			fputs("</title></line>\n", out);
		}
	}
	events = event_marks(out, &f, s, t0);
	report_marks(out, &f, s, t0);
	json_array_foreach(s->reports, i, r) {
		if (!report_placed(r))
			continue;
		if (!strcmp(ks_jstr(r, "severity", ""), "bug"))
			bugs++;
		else
			infos++;
	}

	legend(out, &lx, "<line x1=\"0\" x2=\"16\" stroke=\"" KS_HTML_CURRENT "\" stroke-width=\"3\"/>",
	       "memory.current");
	if (chargefail_steps(s)) {
		legend(out, &lx, "<line x1=\"0\" x2=\"16\" stroke=\"" KS_HTML_LIMIT "\" stroke-width=\"2\"/>",
		       above ? "memory.max, chargefail's steps (some above the plot)" :
		       "memory.max, chargefail's steps");
	} else if (max != U && max != INT64_MAX) {
		snprintf(name, sizeof(name), "memory.max %s%s",
			 ks_html_size(sz, sizeof(sz), max),
			 above ? " (above the plot)" : "");
		legend(out, &lx, "<line x1=\"0\" x2=\"16\" stroke=\"" KS_HTML_LIMIT "\" stroke-width=\"2\" stroke-dasharray=\"8 4\"/>",
		       name);
	}
	if (high != U && high != INT64_MAX) {
		snprintf(name, sizeof(name), "memory.high %s%s",
			 ks_html_size(sz, sizeof(sz), high),
			 high_above ? " (above the plot)" : "");
		legend(out, &lx, "<line x1=\"0\" x2=\"16\" stroke=\"" KS_HTML_HIGH "\" stroke-width=\"2\" stroke-dasharray=\"3 3\"/>",
		       name);
	}
	if (events & 1)
		legend(out, &lx, "<path fill=\"" KS_HTML_HIT "\" d=\"M8 3l-4.5 -7h9z\"/>",
		       "limit hits");
	if (events & 2)
		legend(out, &lx, "<path stroke=\"" KS_HTML_OOM "\" stroke-width=\"2\" d=\"M5 -3l6 6m0 -6l-6 6\"/>",
		       "OOM kills");
	if (bugs)
		legend(out, &lx, "<path fill=\"" KS_HTML_BUG "\" d=\"M8 -6l6 6l-6 6l-6 -6z\"/>",
		       "kernel bug");
	if (infos)
		legend(out, &lx, "<circle fill=\"" KS_HTML_INFO "\" cx=\"8\" cy=\"0\" r=\"4\"/>",
		       "kernel info report");
	fputs("</svg>\n", out);
	free(p);
	return 0;
}

/* Ops per second between successive samples, and the scenario's mean. */
int ks_svg_ops_plot(FILE *out, const struct ks_scn_view *s)
{
	long long t0 = ks_html_t0(s), storm0 = storm_start(s);
	long long pt = U, pops = U, storm_ms = ks_jint(s->end, "storm_ms", U);
	double mean = ks_jnum(s->end, "ops_per_sec", -1), top = mean;
	struct frame f = { .h = OPS_H, .x1 = x_end(s, t0) };
	size_t n = json_array_size(s->samples), np = 0, i;
	int lx = ML;
	struct pt *p;
	json_t *r;

	p = malloc((n ? n : 1) * sizeof(*p));
	if (!p)
		return -1;
	json_array_foreach(s->samples, i, r) {
		long long t = ks_jint(r, "t_ms", U), ops = ks_jint(r, "ops", U);

		/* A counter going back (it never should) is no rate. */
		if (t != U && ops != U && pt != U && pops != U && t > pt &&
		    ops >= pops) {
			p[np] = (struct pt){
				.x = (double)(pt + t) / 2 - t0,
				.y = (ops - pops) * 1000.0 / (double)(t - pt),
				.idx = i };
			top = fmax(top, p[np++].y);
		}
		if (t != U && ops != U) {
			pt = t;
			pops = ops;
		}
	}
	if (!np) {
		free(p);
		return 1;
	}
	fprintf(out, "<svg class=\"plot ops\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
		"<title>operations per second of %s</title>\n", W, OPS_H, W,
		OPS_H, s->name);
	axes(out, &f, top, 1, fmt_rate, "ops/s");
	np = decimate(p, np);
	fputs("<polyline fill=\"none\" stroke=\"" KS_HTML_OPS
	      "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"", out);
	for (i = 0; i < np; i++)
		fprintf(out, "%s%.1f,%.1f", i ? " " : "", fx(&f, p[i].x),
			fy(&f, p[i].y));
	fputs("\"/>\n", out);
	for (i = 0; i < np && np <= HOVER_POINTS; i++)
		fprintf(out, "<circle fill=\"" KS_HTML_OPS "\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"><title>%.3f s: %.0f ops/s</title></circle>\n",
			fx(&f, p[i].x), fy(&f, p[i].y), np <= 60 ? "2.5" : "1",
			p[i].x / 1000, p[i].y);
	if (mean >= 0) {
		/* Over the storm: storm_ms from the first sample on. */
		double x0 = storm0 != U ? (double)(storm0 - t0) : 0;
		double x1 = storm_ms != U ? x0 + (double)storm_ms : f.x1;

		fprintf(out, "<line stroke=\"" KS_HTML_MEAN "\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"><title>scenario_end.ops_per_sec %.1f</title></line>\n",
			fx(&f, x0), fx(&f, fmin(x1, f.x1)), fy(&f, mean),
			fy(&f, mean), mean);
	}
	legend(out, &lx, "<line x1=\"0\" x2=\"16\" stroke=\"" KS_HTML_OPS "\" stroke-width=\"2\"/>",
	       "ops/s between samples");
	if (mean >= 0) {
		char name[64];

		snprintf(name, sizeof(name), "mean %.*f ops/s (ops_per_sec)",
			 mean < 10 ? 2 : 0, mean);
		legend(out, &lx, "<line x1=\"0\" x2=\"16\" stroke=\"" KS_HTML_MEAN "\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>",
		       name);
	}
	fputs("</svg>\n", out);
	free(p);
	return 0;
}
