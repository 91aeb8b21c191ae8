/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The html format's parts: report_html.c writes the page and its tables,
 * report_svg.c the plots.  Everything shown is a journal field; a field
 * the journal lacks is printed as "-", never as 0.
 */
#ifndef KS_REPORT_HTML_H
#define KS_REPORT_HTML_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "runview.h"

/* What ks_jint() returns for a missing field: no journal value is this. */
#define KS_HTML_UNKNOWN LLONG_MIN

/*
 * The plots' colours.  The memory.current line's and the limit line's are
 * used nowhere else on the page, so a screenshot test can find the plots
 * by their exact pixels (tests/integration/integration_report_html.sh).
 */
#define KS_HTML_CURRENT	"#1764d8"	/* memory.current */
#define KS_HTML_AREA	"#e4edfb"	/* under memory.current */
#define KS_HTML_LIMIT	"#d4262c"	/* memory.max, chargefail's steps */
#define KS_HTML_HIGH	"#f08c00"	/* memory.high */
#define KS_HTML_HIT	"#9b4dca"	/* limit hits */
#define KS_HTML_OOM	"#222222"	/* memcg OOM kills */
#define KS_HTML_BUG	"#e0007a"	/* kernel reports of severity bug */
#define KS_HTML_INFO	"#8c96a0"	/* kernel reports of severity info */
#define KS_HTML_OPS	"#23963c"	/* ops/s between samples */
#define KS_HTML_MEAN	"#6d5d1e"	/* scenario_end.ops_per_sec */

/*
 * 512 B, 3.5 MiB, "max" for INT64_MAX, "-" for KS_HTML_UNKNOWN; HTML
 * (a negative size's sign is an entity).  buf of at least 32 bytes.
 */
const char *ks_html_size(char *buf, size_t len, long long v);
void ks_html_bytes(FILE *out, long long v);
/* A field of o (ks_jint()'s dotted path) or "-": a number, a size, text. */
void ks_html_int(FILE *out, json_t *o, const char *key);
void ks_html_field_bytes(FILE *out, json_t *o, const char *key);
void ks_html_str(FILE *out, json_t *o, const char *key);

/* A scenario's tables and lists (report_html_tables.c); -1 out of memory. */
void ks_html_ops_table(FILE *out, const struct ks_scn_view *s);
void ks_html_surfaced_table(FILE *out, const struct ks_scn_view *s);
void ks_html_findings_list(FILE *out, const struct ks_scn_view *s);
int ks_html_reports_list(FILE *out, const struct ks_scn_view *s);
/* Many cgroups, dying cgroups, the neighbour (report_html_cgroups.c). */
void ks_html_cgroups(FILE *out, const struct ks_scn_view *s);

/*
 * The scenario's plots, each an <svg class="plot ...">: memory.current
 * against its limits with memcg events and kernel reports, and ops/s.
 * 0 written, 1 nothing to plot (the caller says why), -1 out of memory.
 */
int ks_svg_mem_plot(FILE *out, const struct ks_scn_view *s);
int ks_svg_ops_plot(FILE *out, const struct ks_scn_view *s);

/* Where a scenario's x axis starts, in run t_ms. */
long long ks_html_t0(const struct ks_scn_view *s);

#endif
