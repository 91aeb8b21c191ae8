/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arithmetic of the chargefail injector (faultinject/chargefail.c),
 * pure so that unit tests can drive it.
 */
#ifndef KS_CHARGEFAIL_H
#define KS_CHARGEFAIL_H

#include <stdint.h>

struct ks_squeeze {
	int64_t step;		/* per step; 0: straight to the usage */
	int64_t margin;		/* above the usage at a step */
	int64_t floor;		/* never below */
	int64_t page;		/* limits are whole pages */
};

/*
 * The limit the next step sets, given the limit in force (INT64_MAX: none)
 * and the usage now: one step lower, and no more than one step above the
 * usage (so a limit far above it, or none, comes down at once), but never
 * below usage + margin nor below floor; rounded up to a page.  A result
 * >= limit means "hold": the squeeze never raises the limit.
 */
int64_t ks_squeeze_next(const struct ks_squeeze *q, int64_t limit,
			int64_t usage);

#endif
