// SPDX-License-Identifier: GPL-2.0
/*
 * The html format's memory plot: memory.current against memory.max (or
 * chargefail's steps) and memory.high, memcg events and kernel reports
 * as markers.
 */
#include "report_svg.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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
		ks_svg_fx(f, p[0].x), ks_svg_fy(f, 0));
	for (i = 0; i < n; i++)
		fprintf(out, "L%.1f %.1f", ks_svg_fx(f, p[i].x), ks_svg_fy(f, p[i].y));
	fprintf(out, "L%.1f %.1fZ\"/>\n", ks_svg_fx(f, p[n - 1].x), ks_svg_fy(f, 0));
	fprintf(out, "<polyline class=\"cur\" fill=\"none\" stroke=\"" KS_HTML_CURRENT
		"\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
	for (i = 0; i < n; i++)
		fprintf(out, "%s%.1f,%.1f", i ? " " : "", ks_svg_fx(f, p[i].x),
			ks_svg_fy(f, p[i].y));
	fputs("\"/>\n", out);
	if (decimated || n > HOVER_POINTS)
		return;
	for (i = 0; i < n; i++) {
		fprintf(out, "<circle class=\"hov\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\">",
			ks_svg_fx(f, p[i].x), ks_svg_fy(f, p[i].y), n < 3 ? "4" : "5");
		sample_title(out, json_array_get(s->samples, p[i].idx),
			     p[i].x);
		fputs("</circle>\n", out);
	}
	if (n < 3)	/* too few for a line: dots */
		for (i = 0; i < n; i++)
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
				"fill=\"" KS_HTML_CURRENT "\"/>\n",
				ks_svg_fx(f, p[i].x), ks_svg_fy(f, p[i].y));
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
	json_t *steps = ks_svg_chargefail_steps(s), *st;
	long long storm0 = ks_svg_storm_start(s);
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
			"\" stroke-width=\"2\" stroke-dasharray=\"8 4\" x1=\"%d\" "
			"x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>memory.max ",
			ML, W - MR, ks_svg_fy(f, max), ks_svg_fy(f, max));
		ks_html_bytes(out, max);
		fputs(" (scenario_start limits)</title></line>\n", out);
		return;
	}
	fputs("<path class=\"lim\" fill=\"none\" stroke=\"" KS_HTML_LIMIT
	      "\" stroke-width=\"2\" d=\"", out);
	json_array_foreach(steps, i, st) {
		long long lim = ks_jint(st, "limit", U);
		json_t *next = json_array_get(steps, i + 1);
		double x0 = i ? (double)storm0 - (double)t0 +
				(double)ks_jint(st, "t_ms", 0) : 0;
		double x1 = next ? (double)storm0 - (double)t0 +
				   (double)ks_jint(next, "t_ms", 0)
				 : f->x1;

		if (lim == U || lim == INT64_MAX || lim > f->y1) {
			*above |= lim != U && lim != INT64_MAX;
			drawn = 0;
			continue;
		}
		fprintf(out, "%s%.1f %.1fH%.1f", drawn ? "L" : "M", ks_svg_fx(f, x0),
			ks_svg_fy(f, lim), ks_svg_fx(f, x1));
		drawn = 1;
	}
	fputs("\"><title>memory.max as chargefail set it:", out);
	json_array_foreach(steps, i, st) {
		fprintf(out, "\n%.3f s: ", ((double)storm0 - (double)t0 +
					     (double)ks_jint(st, "t_ms", 0)) / 1000);
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
	double x = ks_svg_fx(f, m->x0);

	if (m->hits > 0)
		fprintf(out, "<path fill=\"" KS_HTML_HIT "\" "
			"d=\"M%.1f %dl-4.5 -7h9z\"><title>%.3f s: %lld limit hits (memory.events max)</title></path>\n",
			x, MT + 9, m->x0 / 1000, m->hits);
	if (m->oom > 0)
		fprintf(out, "<path stroke=\"" KS_HTML_OOM "\" stroke-width=\"2\" "
			"d=\"M%.1f %dl7 7m0 -7l-7 7\"><title>%.3f s: %lld memcg OOM kills</title></path>\n",
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
		long long dh = hits != U && hits > hits0 ? ks_svg_sub(hits, hits0) : 0;
		long long dk = oom != U && oom > oom0 ? ks_svg_sub(oom, oom0) : 0;

		hits0 = hits != U ? hits : hits0;
		oom0 = oom != U ? oom : oom0;
		if (t == U || (!dh && !dk))
			continue;
		if ((m.hits || m.oom) &&
		    ks_svg_fx(f, ((double)t - (double)t0)) - ks_svg_fx(f, m.x0) >= MARK_PX) {
			event_mark(out, f, &m);
			memset(&m, 0, sizeof(m));
		}
		if (!m.hits && !m.oom)
			m.x0 = ((double)t - (double)t0);
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
	double x = ks_svg_fx(f, m->x0), y = f->h - MB - 9;

	if (m->bug)
		fprintf(out, "<line stroke=\"" KS_HTML_BUG "\" stroke-width=\"1.5\" "
			"stroke-dasharray=\"3 3\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\"/>"
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
			double x = ((double)ks_jint(r, "t_ms", 0) - (double)t0);

			if (!ks_svg_report_placed(r) ||
			    (strcmp(ks_jstr(r, "severity", ""), "bug") == 0) != bug)
				continue;
			if (m.n && fabs(ks_svg_fx(f, x) - ks_svg_fx(f, m.x0)) >= MARK_PX) {
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

/* What the memory plot drew, for its legend. */
struct mem_marks {
	long long max, high;
	int above, high_above;		/* limit lines above the plot */
	int events;			/* bit 0 limit hits, bit 1 OOM kills */
	int bugs, infos;		/* report marks placed */
	long long peak, sampled;	/* the scenario's highest usage */
};

/* Usage past memory.max, peak and sampled, said where it happened. */
static void over_legend(FILE *out, int *lx, const struct mem_marks *m)
{
	char name[128], p[32], q[32];

	if (m->max == U || m->max == INT64_MAX || m->peak == U ||
	    m->peak <= m->max)
		return;
	ks_html_size(p, sizeof(p), m->peak - m->max);
	if (m->sampled != U && m->sampled > m->max)
		ks_html_size(q, sizeof(q), m->sampled - m->max);
	else
		snprintf(q, sizeof(q), "0");
	snprintf(name, sizeof(name), "over memory.max: peak +%s, sampled +%s",
		 p, q);
	ks_svg_legend(out, lx, "<rect x=\"0\" y=\"-6\" width=\"16\" "
		      "height=\"12\" fill=\"" KS_HTML_BUG "\"/>", name);
}

static void mem_legend(FILE *out, const struct ks_scn_view *s,
		       const struct mem_marks *m)
{
	char name[96], sz[32];
	int lx = ML;

	ks_svg_legend(out, &lx, "<line x1=\"0\" x2=\"16\" "
		      "stroke=\"" KS_HTML_CURRENT "\" stroke-width=\"3\"/>",
		      "memory.current");
	if (ks_svg_chargefail_steps(s)) {
		ks_svg_legend(out, &lx, "<line x1=\"0\" x2=\"16\" "
			      "stroke=\"" KS_HTML_LIMIT "\" stroke-width=\"2\"/>",
			      m->above ? "memory.max, chargefail's steps (some above the plot)" :
			      "memory.max, chargefail's steps");
	} else if (m->max != U && m->max != INT64_MAX) {
		snprintf(name, sizeof(name), "memory.max %s%s",
			 ks_html_size(sz, sizeof(sz), m->max),
			 m->above ? " (above the plot)" : "");
		ks_svg_legend(out, &lx, "<line x1=\"0\" x2=\"16\" "
			      "stroke=\"" KS_HTML_LIMIT "\" stroke-width=\"2\" "
			      "stroke-dasharray=\"8 4\"/>",
			      name);
	}
	over_legend(out, &lx, m);
	if (m->high != U && m->high != INT64_MAX) {
		snprintf(name, sizeof(name), "memory.high %s%s",
			 ks_html_size(sz, sizeof(sz), m->high),
			 m->high_above ? " (above the plot)" : "");
		ks_svg_legend(out, &lx, "<line x1=\"0\" x2=\"16\" "
			      "stroke=\"" KS_HTML_HIGH "\" stroke-width=\"2\" stroke-dasharray=\"3 3\"/>",
			      name);
	}
	if (m->events & 1)
		ks_svg_legend(out, &lx, "<path fill=\"" KS_HTML_HIT "\" d=\"M8 3l-4.5 -7h9z\"/>",
			      "limit hits");
	if (m->events & 2)
		ks_svg_legend(out, &lx, "<path stroke=\"" KS_HTML_OOM "\" "
			      "stroke-width=\"2\" d=\"M5 -3l6 6m0 -6l-6 6\"/>",
			      "OOM kills");
	if (m->bugs)
		ks_svg_legend(out, &lx, "<path fill=\"" KS_HTML_BUG "\" "
			      "d=\"M8 -6l6 6l-6 6l-6 -6z\"/>",
			      "kernel bug");
	if (m->infos)
		ks_svg_legend(out, &lx, "<circle fill=\"" KS_HTML_INFO "\" cx=\"8\" "
			      "cy=\"0\" r=\"4\"/>",
			      "kernel info report");
}

int ks_svg_mem_plot(FILE *out, const struct ks_scn_view *s)
{
	json_t *lim = json_object_get(s->start ? s->start : s->end, "limits");
	long long max = limit_of(lim, "memory.max");
	long long high = limit_of(lim, "memory.high");
	long long t0 = ks_html_t0(s);
	struct frame f = { .h = MEM_H, .x1 = ks_svg_x_end(s, t0) };
	size_t n = json_array_size(s->samples), np = 0, i;
	double top = 0, scale;
	int above = 0, high_above = 0, bugs = 0, infos = 0, events;
	struct pt *p;
	json_t *r;

	p = malloc((n ? n : 1) * sizeof(*p));
	if (!p)
		return -1;
	json_array_foreach(s->samples, i, r) {
		long long t = ks_jint(r, "t_ms", U), c = ks_jint(r, "current", U);

		if (t == U || c == U)
			continue;
		p[np] = (struct pt){ .x = ((double)t - (double)t0), .y = (double)c,
				     .idx = i };
		top = fmax(top, p[np++].y);
	}
	if (!np) {
		free(p);
		return 1;
	}
	/* Limits far above usage would flatten it to the axis. */
	scale = top > 0 ? top * OFF_SCALE : 1e300;
	if (ks_svg_chargefail_steps(s)) {
		json_array_foreach(ks_svg_chargefail_steps(s), i, r) {
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

	fprintf(out, "<svg class=\"plot mem\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\">\n"
		"<title>memory.current of ", W, MEM_H, W, MEM_H);
	ks_xml_escape(out, s->name);
	fputs("</title>\n", out);
	ks_svg_axes(out, &f, top, MIB, ks_svg_fmt_mib, "MiB");
	current_line(out, &f, s, p, ks_svg_decimate(p, np), np > MAX_POINTS);
	limit_line(out, &f, s, t0, max, &above);
	if (high != U && high != INT64_MAX) {
		if (high > f.y1) {
			high_above = 1;
		} else {
			fprintf(out, "<line stroke=\"" KS_HTML_HIGH "\" "
				"stroke-width=\"2\" stroke-dasharray=\"3 3\" "
				"x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>memory.high ",
				ML, W - MR, ks_svg_fy(&f, high), ks_svg_fy(&f, high));
			ks_html_bytes(out, high);
			fputs("</title></line>\n", out);
		}
	}
	events = event_marks(out, &f, s, t0);
	report_marks(out, &f, s, t0);
	json_array_foreach(s->reports, i, r) {
		if (!ks_svg_report_placed(r))
			continue;
		if (!strcmp(ks_jstr(r, "severity", ""), "bug"))
			bugs++;
		else
			infos++;
	}

	mem_legend(out, s, &(struct mem_marks){ max, high, above, high_above,
		events, bugs, infos,
		ks_jint(json_object_get(s->end, "memcg"), "peak", U),
		ks_jint(json_object_get(s->end, "memcg"), "max_sampled_current",
			U) });
	fputs("</svg>\n", out);
	free(p);
	return 0;
}

