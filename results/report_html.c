// SPDX-License-Identifier: GPL-2.0
#include "report.h"

/* Placeholder until the html writer lands: refuses, never pretends. */
int ks_report_html(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	(void)out;
	(void)runs;
	(void)nruns;
	fprintf(stderr, "kmemstorm report: --format html is not implemented yet\n");
	return -1;
}
