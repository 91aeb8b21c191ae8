// SPDX-License-Identifier: GPL-2.0
#include "report.h"

/* Placeholder until the json writer lands: refuses, never pretends. */
int ks_report_json(FILE *out, struct ks_run_view *runs, size_t nruns)
{
	(void)out;
	(void)runs;
	(void)nruns;
	fprintf(stderr, "kmemstorm report: --format json is not implemented yet\n");
	return -1;
}
