/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KS_RUN_H
#define KS_RUN_H

struct ks_run_opts {
	const char *plan;	/* file, built-in name, or NULL for the default */
	const char *outdir;	/* NULL: ./kmemstorm-out/<plan>-<time> */
	int progress;		/* -1: when stderr is a terminal */
	const char *journal_tee; /* also write every record here (VM channel) */
	int start_at;		/* 1-based: the first scenario run; 0 or 1 all */
};

#include "signals.h"	/* ks_catch_signals(), ks_interrupted */

/* Run a whole plan; returns the exit code (see kmemstorm(1)). */
int ks_run(const struct ks_run_opts *opts);

/* run_start's "plan": what the journal says the plan holds. */
struct ks_plan;
struct json_t;
struct json_t *ks_run_plan_json(const struct ks_plan *plan);

#endif
