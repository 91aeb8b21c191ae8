/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemstorm gate: one plan run under several kernel configurations, and a
 * decision table computed from their journals (docs/reports.md, "gate").
 */
#ifndef KS_GATE_H
#define KS_GATE_H

#include <stdio.h>

#include "compare.h"

struct ks_gate_config {
	const char *label;	/* as given: a command line or an image */
	const char *kernel;	/* NULL: the default kernel */
	const char *append;	/* extra kernel command line, "" none */
	char dir[4096];		/* its 'kmemstorm vm' output directory */
};

/*
 * The decision table of the configs' journals, printed to f and returned
 * as JSON in *out (with every figure's journal and line).  The first
 * config is the throughput baseline.  Returns how many configs failed the
 * gate, -1 when a journal could not be read (err says which).
 */
int ks_gate_decide(FILE *f, struct ks_gate_config *cfgs, int n,
		   const struct ks_compare_opts *o, json_t **out, char *err,
		   size_t errlen);

/*
 * 'gate --from DIR': the configs DIR/gate.json names (at most max), their
 * directories next to it.  0 with *keep holding the strings cfgs point
 * into, or -1 with err naming the file.
 */
int ks_gate_load_from(const char *dir, struct ks_gate_config *cfgs, int max,
		      int *n, json_t **keep, char *err, size_t errlen);

#endif
