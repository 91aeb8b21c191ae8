/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The figures compare and gate judge, per scenario, each taken from one
 * journal field (docs/reports.md says which); -1 where the journal does
 * not tell.
 */
#ifndef KS_METRICS_H
#define KS_METRICS_H

#include "runview.h"

struct ks_scn_metrics {
	const char *name;
	const char *verdict;
	int end_line;		/* journal line of its scenario_end, 0: none */
	double ops_per_sec;	/* scenario_end.ops_per_sec, < 0 unknown */
	double rate_rse;	/* relative std. error of per-sample ops/s */
	long long peak, limit;	/* memcg.peak, memcg.limit */
	long long overshoot;	/* bytes above the limit in force at most */
	long long limit_hits;	/* memcg.limit_hits */
	long long enomem;	/* scenario_end.enomem */
	int limit_reached;	/* 1/0; -1 no limit or unknown */
	int global_oom_first;	/* a global OOM kill before any memcg OOM */
	int global_oom_line;
	json_t *bug_titles;	/* ["WARNING in f", ...] */
	json_t *bug_lines;	/* their kernel_report lines, same order */
	json_t *bug_names;	/* each one's title and alternates, same order */
	json_t *surfaced;	/* ["ENFILE from tcp_connect", ...] */
	json_t *surfaced_lines;
	json_t *enomem_ops;	/* operations with ENOMEM failures */
};

void ks_metrics_get(const struct ks_run_view *v, const struct ks_scn_view *s,
		    struct ks_scn_metrics *m);
void ks_metrics_free(struct ks_scn_metrics *m);
/*
 * A kernel_report's names: its title and syzkaller's alternates (new
 * reference).  Two reports are the same bug when their names meet.
 */
json_t *ks_report_names(json_t *r);
int ks_names_meet(json_t *a, json_t *b);

#endif
