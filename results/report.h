/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemstorm report: every output format is a pure function of journals,
 * listed in one table (report.c).
 */
#ifndef KS_REPORT_H
#define KS_REPORT_H

#include <stdio.h>

#include "runview.h"
#include "utf8.h"

struct ks_report_format {
	const char *name;
	const char *summary;
	/* 0 written, -1 failed (errno-style reason already printed). */
	int (*write)(FILE *out, struct ks_run_view *runs, size_t nruns);
};

const struct ks_report_format *ks_report_format_find(const char *name);
void ks_report_formats_list(FILE *f);
/* The i-th format of the table, NULL past its end. */
const struct ks_report_format *ks_report_format_at(size_t i);

int ks_report_text(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_junit(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_tap(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_kcidb(FILE *out, struct ks_run_view *runs, size_t nruns);
/* The KCIDB schema version written: "5.3" (default) or "4.5"; -1 with err. */
int ks_report_kcidb_version(const char *v, char *err, size_t errlen);
/* ks_kreport_json (classify/) is a kernel_report record; this is a format. */
int ks_report_json_doc(FILE *out, struct ks_run_view *runs, size_t nruns);
int ks_report_html(FILE *out, struct ks_run_view *runs, size_t nruns);

/*
 * Write a finished JSON document and take it (NULL: out of memory, said
 * as that format's error). 0 written; write errors are cmd_report's to name.
 */
int ks_report_dump_json(FILE *out, json_t *doc, const char *format);

/*
 * XML/HTML text with &, <, >, ", ' escaped; whatever XML 1.0 cannot hold
 * (control characters but tab and newline, bytes that are not well-formed
 * UTF-8, U+FFFE and U+FFFF) replaced, so any bytes make a valid document.
 */
void ks_xml_escape(FILE *out, const char *s);

#endif
