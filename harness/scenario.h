/* SPDX-License-Identifier: GPL-2.0 */
/* One run of a plan, and one scenario within it. */
#ifndef KS_SCENARIO_H
#define KS_SCENARIO_H

#include <jansson.h>
#include <signal.h>
#include <stdio.h>

#include "cgroup.h"
#include "journal.h"
#include "kmsg.h"
#include "memcg_json.h"
#include "plan.h"
#include "signals.h"

struct ks_run {
	const struct ks_plan *plan;
	struct ks_cg_root root;
	struct ks_cg_run runcg;		/* kmemstorm-<pid>, below our own */
	int have_cg;
	char cg_why[256];		/* why scenarios will be skipped */
	struct ks_journal journal;
	struct ks_kmsg kmsg;
	FILE *kmsglog;
	char outdir[PATH_MAX];
	char scratch[PATH_MAX];		/* run's scratch dir below workdir */
	int64_t t0_ns;
	int progress;			/* progress line on a terminal */
	int index;			/* 1-based, of the running scenario */
	int start_at;			/* 1-based, the first one run */
	int npass, nfail, nskip, nerror;
	json_t *results;		/* scenario_end records, for the summary */
};

/* Run one scenario to its verdict, journaling as it goes.  Never fails. */
void ks_scenario_run(struct ks_run *run, const struct ks_scenario *sc);

#endif
