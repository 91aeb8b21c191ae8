/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemstorm report: every output format is a pure function of journals,
 * listed in one table (report.c).
 */
#ifndef KS_REPORT_H
#define KS_REPORT_H

#include <stdio.h>

#include "runview.h"

struct ks_report_format {
	const char *name;
	const char *summary;
	/* 0 written, -1 failed (errno-style reason already printed). */
	int (*write)(FILE *out, struct ks_run_view *runs, size_t nruns);
};

const struct ks_report_format *ks_report_format_find(const char *name);
void ks_report_formats_list(FILE *f);

int ks_report_text(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_junit(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_tap(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_kcidb(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_json(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_html(FILE *out, struct ks_run_view *runs, size_t nruns);

/* XML/HTML text with &, <, >, " and control characters escaped. */
void ks_xml_escape(FILE *out, const char *s);

#endif
