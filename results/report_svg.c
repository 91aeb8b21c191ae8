// SPDX-License-Identifier: GPL-2.0
/*
 * The html format's plots, inline SVG drawn from a scenario's sample,
 * kernel_report and scenario_end records (docs/reports.md, "HTML"): what
 * they share, and the ops/s plot.  No script: hovering shows SVG <title>
 * tooltips, which browsers render by themselves.
 */
#include "report_svg.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

double ks_svg_fx(const struct frame *f, double x)
{
	return ML + (W - ML - MR) * (f->x1 > 0 ? x / f->x1 : 0);
}

double ks_svg_fy(const struct frame *f, double y)
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
long long ks_svg_storm_start(const struct ks_scn_view *s)
{
	json_t *r;
	size_t i;

	json_array_foreach(s->samples, i, r)
		if (ks_jint(r, "t_ms", U) != U)
			return ks_jint(r, "t_ms", U);
	return U;
}

json_t *ks_svg_chargefail_steps(const struct ks_scn_view *s)
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
int ks_svg_report_placed(json_t *r)
{
	return ks_jint(r, "t_ms", U) != U &&
	       strcmp(ks_jstr(r, "source", ""), "console");
}

/* The x axis's end: the last sample, report or limit step. */
double ks_svg_x_end(const struct ks_scn_view *s, long long t0)
{
	long long storm0 = ks_svg_storm_start(s);
	double x1 = 1;
	json_t *r;
	size_t i;

	json_array_foreach(s->samples, i, r)
		if (ks_jint(r, "t_ms", U) != U)
			x1 = fmax(x1, ((double)ks_jint(r, "t_ms", 0) - (double)t0));
	json_array_foreach(s->reports, i, r)
		if (ks_svg_report_placed(r))
			x1 = fmax(x1, ((double)ks_jint(r, "t_ms", 0) - (double)t0));
	json_array_foreach(ks_svg_chargefail_steps(s), i, r)
		if (storm0 != U)
			x1 = fmax(x1, (double)storm0 - (double)t0 +
				      (double)ks_jint(r, "t_ms", 0));
	return x1;
}

/* Keep each bucket's lowest and highest point, in time order. */
size_t ks_svg_decimate(struct pt *p, size_t n)
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

void ks_svg_fmt_mib(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%g", v / MIB);
}

void ks_svg_fmt_rate(char *buf, size_t len, double v)
{
	if (v >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

/* Grid, tick labels and axis titles; y1 is made a multiple of its step. */
void ks_svg_axes(FILE *out, struct frame *f, double ymax, double unit,
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
			ML, W - MR, ks_svg_fy(f, v), ks_svg_fy(f, v), ML - 6, ks_svg_fy(f, v) + 4,
			buf);
	}
	for (i = 0, v = 0; v <= f->x1 * 1.0001 && i < 50; v = ++i * xstep) {
		fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			"<text class=\"xt\" x=\"%.1f\" y=\"%d\">%g</text>\n",
			ks_svg_fx(f, v), ks_svg_fx(f, v), MT, f->h - MB, ks_svg_fx(f, v),
			f->h - MB + 15, v / 1000);
	}
	fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
		"<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n",
		ML, W - MR, f->h - MB, f->h - MB, ML, ML, MT, f->h - MB);
	fprintf(out, "<text class=\"at\" x=\"%d\" "
		"y=\"%d\">seconds since the scenario started</text>\n"
		"<text class=\"at\" transform=\"translate(12 %d) rotate(-90)\">%s</text>\n",
		(W + ML - MR) / 2, f->h - 4, (f->h - MB + MT) / 2, ytitle);
}

/* A legend entry at *lx along the top: a line, or a marker, and its name. */
void ks_svg_legend(FILE *out, int *lx, const char *swatch, const char *name)
{
	fprintf(out, "<g transform=\"translate(%d 14)\">%s"
		"<text class=\"lg\" x=\"22\" y=\"4\">%s</text></g>\n",
		*lx, swatch, name);
	*lx += 30 + (int)(strlen(name) * 6.3);
}

/* Ops per second between successive samples, and the scenario's mean. */
/* Long but flat: axes, the line, then one legend entry per mark. */
int ks_svg_ops_plot(FILE *out, const struct ks_scn_view *s)
{
	long long t0 = ks_html_t0(s), storm0 = ks_svg_storm_start(s);
	long long pt = U, pops = U, storm_ms = ks_jint(s->end, "storm_ms", U);
	double mean = ks_jnum(s->end, "ops_per_sec", -1), top = mean;
	struct frame f = { .h = OPS_H, .x1 = ks_svg_x_end(s, t0) };
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
				.x = ((double)pt + (double)t) / 2 - (double)t0,
				.y = ((double)ops - (double)pops) * 1000.0 /
				     ((double)t - (double)pt),
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
	fprintf(out, "<svg class=\"plot ops\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\">\n"
		"<title>operations per second of ", W, OPS_H, W, OPS_H);
	ks_xml_escape(out, s->name);
	fputs("</title>\n", out);
	ks_svg_axes(out, &f, top, 1, ks_svg_fmt_rate, "ops/s");
	np = ks_svg_decimate(p, np);
	fputs("<polyline fill=\"none\" stroke=\"" KS_HTML_OPS
	      "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"", out);
	for (i = 0; i < np; i++)
		fprintf(out, "%s%.1f,%.1f", i ? " " : "", ks_svg_fx(&f, p[i].x),
			ks_svg_fy(&f, p[i].y));
	fputs("\"/>\n", out);
	for (i = 0; i < np && np <= HOVER_POINTS; i++)
		fprintf(out, "<circle fill=\"" KS_HTML_OPS "\" cx=\"%.1f\" "
			"cy=\"%.1f\" r=\"%s\"><title>%.3f s: %.0f ops/s</title></circle>\n",
			ks_svg_fx(&f, p[i].x), ks_svg_fy(&f, p[i].y), np <= 60 ? "2.5" : "1",
			p[i].x / 1000, p[i].y);
	if (mean >= 0) {
		/* Over the storm: storm_ms from the first sample on. */
		double x0 = storm0 != U ? ((double)storm0 - (double)t0) : 0;
		double x1 = storm_ms != U ? x0 + (double)storm_ms : f.x1;

		fprintf(out, "<line stroke=\"" KS_HTML_MEAN "\" "
			"stroke-width=\"1.5\" stroke-dasharray=\"6 3\" x1=\"%.1f\" "
			"x2=\"%.1f\" y1=\"%.1f\" "
			"y2=\"%.1f\"><title>scenario_end.ops_per_sec %.1f</title></line>\n",
			ks_svg_fx(&f, x0), ks_svg_fx(&f, fmin(x1, f.x1)), ks_svg_fy(&f, mean),
			ks_svg_fy(&f, mean), mean);
	}
	ks_svg_legend(out, &lx, "<line x1=\"0\" x2=\"16\" "
		      "stroke=\"" KS_HTML_OPS "\" stroke-width=\"2\"/>",
		      "ops/s between samples");
	if (mean >= 0) {
		char name[64];

		snprintf(name, sizeof(name), "mean %.*f ops/s (ops_per_sec)",
			 mean < 10 ? 2 : 0, mean);
		ks_svg_legend(out, &lx, "<line x1=\"0\" x2=\"16\" "
			      "stroke=\"" KS_HTML_MEAN "\" stroke-width=\"1.5\" "
			      "stroke-dasharray=\"6 3\"/>",
			      name);
	}
	fputs("</svg>\n", out);
	free(p);
	return 0;
}
