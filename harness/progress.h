/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a person watching sees: on a terminal one live line per running
 * scenario; elsewhere a line when each scenario starts and ends.
 */
#ifndef KS_PROGRESS_H
#define KS_PROGRESS_H

#include "scenario.h"
#include "verdict.h"

void ks_progress_start(struct ks_run *run, const struct ks_scenario *sc);
/*
 * held_ms: with duration.until_limit, how long the storm has been held
 * at its limit, or -1 while it is still filling up to it.
 */
void ks_progress_update(struct ks_run *run, const struct ks_scenario *sc,
			int64_t elapsed_ms, int64_t held_ms, int64_t ops,
			int64_t enomem, const struct ks_memcg_stats *st);
/* reached_ms: when the limit was first seen hit, -1 never. */
void ks_progress_done(struct ks_run *run, const struct ks_scenario *sc,
		      const struct ks_verdict_result *vr, int64_t ops,
		      int64_t ms, int64_t reached_ms);

#endif
