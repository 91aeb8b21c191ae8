// SPDX-License-Identifier: GPL-2.0
#include "report.h"

/* Placeholder until the junit writer lands: refuses, never pretends. */
int ks_report_junit(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	(void)out;
	(void)runs;
	(void)nruns;
	fprintf(stderr, "kmemstorm report: --format junit is not implemented yet\n");
	return -1;
}
