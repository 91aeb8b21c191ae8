/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fail-nth sweeps: for each named operation of a storm, for n = 1, 2, ...
 * make exactly the nth fault-injectable call of the operation fail
 * (/proc/thread-self/fail-nth), run the operation once, disarm at once,
 * and report (operation, n, outcome, whether the fault fired) until the
 * operation completes without the fault firing: every allocation site
 * the operation reaches gets its turn to fail.
 *
 * The worker and the harness go in lockstep over two pipes: the harness
 * reads a step's record, drains the kernel log (everything the step made
 * the kernel print is there by then), and only then lets the next step
 * start, so kernel reports are attributed to their (operation, n).
 */
#ifndef KS_SWEEP_H
#define KS_SWEEP_H

#include <stdint.h>

#include "workload.h"

struct ks_sweep_cfg {
	unsigned int ops;		/* bit k: sweep operation k */
	int32_t first_n, max_n;
};

/* One step, worker to harness: small enough for an atomic pipe write. */
struct ks_sweep_rec {
	int32_t op, n;
	int32_t kind;			/* KS_SWEEP_* */
	int32_t fired;			/* the nth call failed */
	int32_t ok;			/* successes counted in the step */
	int32_t fails;			/* failures counted in the step */
	int32_t fail_op;		/* the op of the first failure, or -1 */
	int32_t err;			/* its errno */
	int64_t us;			/* the step's duration */
};

enum {
	KS_SWEEP_STEP,			/* op ran once with fail-nth = n */
	KS_SWEEP_DONE,			/* op finished without the fault firing */
	KS_SWEEP_LIMIT,			/* op reached max_n, still firing */
	KS_SWEEP_SKIPPED,		/* op could not be prepared; err */
	KS_SWEEP_NO_FAILNTH,		/* no /proc/thread-self/fail-nth; err */
};

/* The worker: sweep every op of cfg, in lockstep over out/ack. */
int ks_sweep_worker(struct ks_wl_ctx *ctx, const struct ks_sweep_cfg *cfg,
		    int out, int ack);
/*
 * Harness side: set what sweeps need for the kernel to name each failed
 * allocation (verbose=2 stacks, unlimited, GFP_KERNEL eligible) on the
 * failslab and fail_page_alloc attributes present; probability stays 0,
 * so nothing but fail-nth fires.  0, 1 unsupported (why), -1 failed.
 * Restore with ks_knobs_restore().
 */
int ks_sweep_arm(char *why, size_t len);

#endif
