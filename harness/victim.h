/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neighbour (victim = WORKLOAD): a cgroup beside the storming ones,
 * its workers running the workload's operations at a steady rate, each
 * timed, first alone (the baseline), then through the storm.  What kmem
 * accounting promises is that it does not notice the storm: its memory
 * is not reclaimed below its protection, it is not OOM-killed, its
 * operations do not fail and their latency stays within a factor.
 */
#ifndef KS_VICTIM_H
#define KS_VICTIM_H

#include <jansson.h>

#include "cgroup.h"
#include "plan.h"
#include "verdict.h"

struct ks_victim;

/*
 * Create parent/victim with its limits (memory.low and memory.min also on
 * parent and run, so the protection reaches it), set its workload up in
 * workdir and start its workers.  NULL with err on failure, nothing
 * left but what parent's removal takes.
 */
struct ks_victim *ks_victim_start(const struct ks_scenario *sc,
				  uint64_t seed,
				  const struct ks_cg_root *root,
				  struct ks_cgroup *run,
				  struct ks_cgroup *parent,
				  const char *workdir, char *err,
				  size_t errlen);
/* The baseline is over: from now on operations count as the storm's. */
void ks_victim_storm_begins(struct ks_victim *v);
/* One read of its cgroup; rec gets "victim". */
void ks_victim_sample(struct ks_victim *v, json_t *rec);
/* Its usage at the last sample, 0 without one. */
int64_t ks_victim_usage(const struct ks_victim *v);
/* Workers stopped (after the storm's), its workload torn down. */
void ks_victim_stop(struct ks_victim *v, int grace_ms);
/* Its scenario_end object; fails the verdict on what the plan forbids. */
json_t *ks_victim_judge(struct ks_victim *v, struct ks_verdict_result *vr);
/* Protection taken back from run; the victim freed.  NULL is fine. */
void ks_victim_free(struct ks_victim *v);

#endif
