/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemstorm reproduce: run a journaled scenario again, with its plan,
 * seed, limits and injector settings (and in a guest its kernel and
 * command line), until a kernel report of the same title comes back;
 * shrink it while the title still comes back (minimise.c); and write a
 * stand-alone C reproducer of what is left (emit_c.c).
 *
 * The runs themselves are the caller's (the CLI boots guests through the
 * guest-session API): this layer decides what to run and what came back.
 */
#ifndef KS_REPRO_H
#define KS_REPRO_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>

#include "journal.h"
#include "repro_plan.h"

/* Run plan file `plan` with its output in `outdir`: the run's exit code. */
typedef int (*ks_repro_run_fn)(const char *plan, const char *outdir,
			       void *arg);

/* What the journal says of the scenario and its crash. */
struct ks_repro_case {
	char journal[PATH_MAX];
	char scenario[KS_NAME_MAX];
	struct ks_repro_plan plan;	/* as recorded, seed pinned */
	int64_t seed;
	char title[512];		/* the report to bring back */
	json_t *titles;			/* it and its alternate titles */
	char site[256];			/* the failed allocation before it */
	/* A sweep's finding: the step that produced it, else op empty. */
	char sweep_op[64];
	int64_t sweep_n;
	json_t *armed;			/* inject_armed knobs, or NULL */
	/* Where it ran: a guest's kernel and extra command line. */
	int guest;
	char kernel[PATH_MAX];
	char append[2048];
	char release[256];		/* uname -r of the kernel */
	char cmdline[4096];		/* its /proc/cmdline */
};

struct ks_repro {
	struct ks_repro_case c;
	ks_repro_run_fn run;
	void *run_arg;
	char outdir[PATH_MAX];
	int tries;			/* per plan tried */
	struct ks_journal log;		/* OUTDIR/reproduce.jsonl */
	int ntry;			/* runs so far */
	int64_t t0_ns;
	/* The last run that brought the title back. */
	char last_journal[PATH_MAX];
	int hits, runs;			/* of the current plan, last attempt */
};

/*
 * Read the case from the journal: scenario's plan and seed, and the
 * title (title NULL: the scenario's first kernel report of severity bug).
 * 0, or -1 with err.
 */
int ks_repro_load(struct ks_repro_case *c, const char *journal,
		  const char *scenario, const char *title, char *err,
		  size_t errlen);
void ks_repro_case_free(struct ks_repro_case *c);

/* Start: OUTDIR made, its log opened.  0, or -1 with err. */
int ks_repro_open(struct ks_repro *r, const char *outdir, char *err,
		  size_t errlen);
void ks_repro_close(struct ks_repro *r);

/*
 * Run rp up to `tries` times, stopping at the first run whose journal
 * holds a report of the case's title.  phase says what is tried (the
 * log's, and the runs' directory names).  The 1-based try that brought
 * it back, 0 when none did, -1 when a run could not be made (err).
 */
int ks_repro_attempt(struct ks_repro *r, const struct ks_repro_plan *rp,
		     const char *phase, int tries, char *err, size_t errlen);

/*
 * Run rp `runs` times whatever comes back: how many brought the title
 * back (r->hits of r->runs), or -1 (err).
 */
int ks_repro_measure(struct ks_repro *r, const struct ks_repro_plan *rp,
		     const char *phase, int runs, char *err, size_t errlen);

/* Whether a report record has one of titles (its title or alt_titles). */
int ks_repro_title_match(json_t *report, json_t *titles);

/*
 * Shrink r->c.plan into *out while the title still comes back (every
 * pass of minimise.c, each try logged).  0, or -1 with err.
 */
int ks_repro_minimise(struct ks_repro *r, struct ks_repro_plan *out,
		      char *err, size_t errlen);

/*
 * Write DIR/repro.c, repro.sh, qemu.sh and README.md for scenario plan
 * rp of the case; reproduced/runs for the README.  0, or -1 with err
 * (e.g. a workload without a C emitter).
 */
int ks_repro_emit_c(const struct ks_repro *r, const struct ks_repro_plan *rp,
		    const char *dir, char *err, size_t errlen);

#endif
