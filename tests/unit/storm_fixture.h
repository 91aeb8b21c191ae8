/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scaffolding shared by the storm tests (test_workloads, test_net_uring,
 * test_btrfs): a workload driven by hand the way the harness drives it,
 * setup, NWORKERS workers forked with counters in shared memory, teardown,
 * and the checks that nothing is left behind.
 */
#ifndef KS_TESTS_STORM_FIXTURE_H
#define KS_TESTS_STORM_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "workload.h"

#define NWORKERS 2

/*
 * Criterion asserts hang the runner when they fire in a forked child, so
 * everything that may run in one checks with CHECK(): once the child has
 * set storm_in_child it prints and exits 90, else it is a Criterion failure.
 */
extern bool storm_in_child;

#define CHECK(cond, ...)						\
	do {								\
		if (cond)						\
			break;						\
		if (storm_in_child) {					\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			_exit(90);					\
		}							\
		cr_assert_fail(__VA_ARGS__);				\
	} while (0)

struct storm {
	const struct ks_workload *wl;
	struct ks_opt_value opt[KS_MAX_OPTS];
	struct ks_wl_ctx ctx;
	struct ks_counters *ctr;	/* NWORKERS, shared with the workers */
	struct ks_counters sum;
	volatile int stop;
};

/* "64", "128K", "1G": enough of the plan syntax for the defaults. */
int64_t parse_num(const char *s);

/* Set option name of the storm to val (its number parsed for non-strings). */
void storm_set(struct storm *s, const char *name, const char *val);

/*
 * Find workload wl, set every option to its default, map the workers'
 * counters shared and fill in the context, with workdir as its workdir.
 * Unmap s->ctr with munmap(s->ctr, NWORKERS * sizeof(*s->ctr)).
 */
void storm_init(struct storm *s, const char *wl, const char *workdir);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t now_ns(void);

/*
 * What a forked worker runs: it must _exit().  NULL to storm_run() runs
 * the workload as worker i and exits with what it returned.
 */
typedef void storm_worker_fn(struct storm *s, int i, void *arg);

/*
 * Fork the workers (fn(s, i, arg) in each), run them ms milliseconds (or
 * SIGKILL them after ms when midway is set), sum their counters into
 * s->sum.  Returns how many did not exit 0, each reported on stderr (a
 * killed one counts only when not killed on purpose).
 */
int storm_run(struct storm *s, int ms, bool midway, storm_worker_fn *fn,
	      void *arg);

/*
 * Run fn(wd) in a forked child with storm_in_child set, the child exiting
 * 0 when fn returns; assert (in the caller) that it exited 0.
 */
void storm_in_fork(void (*fn)(const char *wd), const char *wd);

/*
 * The sweep hooks as faultinject/sweep.c drives them, without fail-nth:
 * for every operation of the storm a fresh begin(), reps times prepare()
 * and step(), end().  Each step must count exactly one success of its own
 * operation and nothing else, and end() must close what begin() and the
 * steps opened.  Runs as worker 0 in the caller: fork first.
 */
void storm_sweep_hooks(struct storm *s, int reps);

/* Does path exist, as a directory with nothing in it? */
bool dir_empty(const char *path);

/* Is anything mounted at or below path? */
bool mounted_below(const char *path);

/* $TMPDIR, or /var/tmp: a directory on a disk, not a tmpfs. */
const char *disk_base(void);

/* Make a fresh directory base/kstest.XXXXXX, its name in buf. */
void mkscratch(char *buf, size_t len, const char *base);

/*
 * After teardown: no error, no priv left, nothing mounted below workdir
 * and workdir empty.
 */
void storm_check_clean(const struct storm *s, const char *workdir);

#endif /* KS_TESTS_STORM_FIXTURE_H */
