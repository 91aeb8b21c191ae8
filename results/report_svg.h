/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the html format's plots: report_svg.c (axes, decimation, the
 * ops/s plot) and report_svg_mem.c (the memory plot).
 */
#ifndef KS_REPORT_SVG_H
#define KS_REPORT_SVG_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "report_html.h"

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

double ks_svg_fx(const struct frame *f, double x);
double ks_svg_fy(const struct frame *f, double y);
/* The first sample's t_ms: the workers started just before it. */
long long ks_svg_storm_start(const struct ks_scn_view *s);
/* scenario_end.inject.chargefail.steps, NULL when none. */
json_t *ks_svg_chargefail_steps(const struct ks_scn_view *s);
/* The report has a t_ms on the samples' clock. */
int ks_svg_report_placed(json_t *r);
/* The x axis's end, ms after t0: the last sample, report or limit step. */
double ks_svg_x_end(const struct ks_scn_view *s, long long t0);
/* At most MAX_POINTS: each bucket's lowest and highest, in time order. */
size_t ks_svg_decimate(struct pt *p, size_t n);
void ks_svg_fmt_mib(char *buf, size_t len, double v);
void ks_svg_fmt_rate(char *buf, size_t len, double v);
/* Background, grid, ticks and titles; sets f->y1 to a whole tick above ymax. */
void ks_svg_axes(FILE *out, struct frame *f, double ymax, double unit,
		 void (*fmt)(char *, size_t, double), const char *ytitle);
/* A legend entry at *lx along the top, *lx moved past it. */
void ks_svg_legend(FILE *out, int *lx, const char *swatch, const char *name);

/* a - b for journal counters, which may hold anything: saturated. */
static inline long long ks_svg_sub(long long a, long long b)
{
	long long d;

	if (__builtin_sub_overflow(a, b, &d))
		return a > b ? LLONG_MAX : LLONG_MIN;
	return d;
}

#endif
