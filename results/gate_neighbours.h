/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gate's neighbour figures: for each scenario with a victim, what
 * the storm beside it did to it under each configuration, each figure
 * with its journal and line.  The isolation kmem accounting promises,
 * measured: with cgroup.memory=nokmem the neighbour should suffer.
 */
#ifndef KS_GATE_NEIGHBOURS_H
#define KS_GATE_NEIGHBOURS_H

#include <jansson.h>
#include <stdio.h>

#include "runview.h"

/* The rows of one config's journals: one per scenario with a victim. */
json_t *ks_gate_neighbours(const struct ks_run_view *runs, size_t nruns);
/*
 * Scenarios whose neighbour config i harmed (killed, failed operations,
 * reclaimed below its protection) and not every config did: its own.
 */
int ks_gate_neighbours_own(json_t *const *rows, int n, int i);
/* The NEIGHBOURS table of every config; nothing when none has a victim. */
void ks_gate_neighbours_print(FILE *f, const char *const *labels,
			      json_t *const *rows, int n, int width);

#endif
