/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A workload ("storm") is one file in workloads/ exposing one
 * struct ks_workload, listed in workloads/registry.c.
 *
 * Life cycle, per scenario:
 *   setup()    in the harness, before any worker starts: create/mount the
 *              scratch area.  Runs outside the scenario cgroup.
 *   run()      in each of N forked worker processes, inside the scenario
 *              cgroup, until ks_should_stop(); counts every operation.
 *   teardown() in the harness after every worker is gone, on every exit
 *              path (also after a failed setup: it must cope with a
 *              half-built state).
 */
#ifndef KS_WORKLOAD_H
#define KS_WORKLOAD_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#include "errnoset.h"

#define KS_MAX_OPS	8	/* named operations per workload */
#define KS_MAX_OPTS	16

enum ks_opt_type { KS_OPT_INT, KS_OPT_SIZE, KS_OPT_BOOL, KS_OPT_STRING };

/* One option a workload accepts in a plan as "<workload>.<name> = value". */
struct ks_opt_desc {
	const char *name;
	enum ks_opt_type type;
	const char *def;	/* default, as plan text */
	int64_t min, max;	/* KS_OPT_INT / KS_OPT_SIZE bounds */
	const char *help;
};

/* Parsed option values, indexed like the workload's opts[] table. */
struct ks_opt_value {
	int64_t num;		/* INT, SIZE, BOOL */
	char str[256];		/* STRING (and the raw text for the others) */
};

/*
 * Counters of one worker, in memory shared with the harness.  Written only
 * by the worker, read racily by the harness sampler: plain 64-bit stores
 * are atomic on the architectures we run on, relaxed atomics keep the
 * compiler honest.
 */
struct ks_counters {
	uint64_t ops[KS_MAX_OPS];		/* successes per operation */
	uint64_t fails[KS_MAX_OPS];		/* failures per operation */
	uint64_t enomem[KS_MAX_OPS];		/* ENOMEM per operation */
	/* failures per operation and errno; [op][0]: 0 or >= KS_ERRNO_MAX */
	uint64_t err[KS_MAX_OPS][KS_ERRNO_MAX];
	uint64_t objects;			/* live objects (files...) */
	/*
	 * The worker's first KS_PICK_TRACE operation choices (ks_mix_pick),
	 * hashed (FNV-1a over the operation indexes): two runs of one seed
	 * made the same choices when these agree.
	 */
	uint64_t picks_traced;
	uint64_t pick_hash;
};
#define KS_PICK_TRACE	1000

/* One per-operation counter over every operation: ops, fails, enomem. */
static inline uint64_t ks_over_ops(const uint64_t v[KS_MAX_OPS])
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < KS_MAX_OPS; k++)
		n += v[k];
	return n;
}

/* Failures with errno e over every operation. */
static inline uint64_t ks_errno_total(const struct ks_counters *c, int e)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < KS_MAX_OPS; k++)
		n += c->err[k][e > 0 && e < KS_ERRNO_MAX ? e : 0];
	return n;
}

/* Everything a workload sees of its scenario. */
struct ks_wl_ctx {
	const struct ks_workload *wl;
	const char *scenario;
	/*
	 * The scenario's seed (plan key seed, or drawn and journaled): every
	 * random choice of a worker comes from ks_worker_seed() of it.
	 */
	uint64_t seed;
	char workdir[4096];		/* private scratch dir, made by harness */
	const struct ks_opt_value *opt;	/* wl->opts order */
	int nworkers;
	int worker;			/* index, in run() */
	struct ks_counters *ctr;	/* this worker's, in run() */
	const volatile int *stop;	/* set by the harness */
	/* CLOCK_MONOTONIC; <= 0 none.  Read it with ks_deadline(). */
	int64_t deadline_ns;
	/*
	 * In a worker: the deadline in memory shared with the harness,
	 * which moves it earlier once the scenario knows when it ends
	 * (duration.until_limit); deadline_ns is then its value when the
	 * worker started.
	 */
	const int64_t *deadline_live;
	void *priv;			/* set by setup(), seen by all */
	char err[256];			/* setup()/teardown() failure reason */
};

struct ks_workload {
	const char *name;
	const char *summary;
	const char *ops[KS_MAX_OPS];	/* operation names, NULL-terminated */
	/*
	 * Per operation, the errnos it may legitimately fail with under
	 * memory pressure besides ENOMEM, as names ("ENOSPC EDQUOT"); "*"
	 * leaves the operation unchecked.  Any other errno once the cgroup
	 * is under pressure is journaled as "ENOMEM surfaced as X".
	 */
	const char *allow[KS_MAX_OPS];
	/*
	 * Per operation, the kernel's known conversions: errnos it is known
	 * to return for an allocation that failed (tmpfs ENOSPC for an
	 * inode, ENFILE from sock_alloc(), btrfs EROFS once a transaction
	 * aborted).  Allowed besides allow[] where the scenario injects
	 * faults (inject = ..., mode = sweep); anything else there is a new
	 * conversion and fails the scenario.
	 */
	const char *known[KS_MAX_OPS];
	const struct ks_opt_desc *opts;	/* NULL-name terminated */
	int (*setup)(struct ks_wl_ctx *ctx);	/* 0, or -1 with ctx->err */
	int (*run)(struct ks_wl_ctx *ctx);	/* worker exit status */
	void (*teardown)(struct ks_wl_ctx *ctx);
	/*
	 * One operation at a time, for fail-nth sweeps and their replay
	 * (faultinject/sweep.c); optional.  In a worker: begin() builds the
	 * worker's state as run() does (NULL: failed, said on stderr, or
	 * told to stop); prepare() makes op possible, e.g. a live file to
	 * rename, before anything is armed: 0, or -1 if it cannot; step()
	 * does op exactly once, counted with ks_count(); end() frees it.
	 */
	void *(*begin)(struct ks_wl_ctx *ctx);
	int (*prepare)(void *state, int op);
	void (*step)(void *state, int op);
	void (*end)(void *state);
	/*
	 * The storm's mix: w[k], the relative weight of ops[k], from the
	 * scenario's options (0: never picked).  With it, run() may be NULL:
	 * the harness runs the storm itself, begin(), then step() of an
	 * operation picked by weight until told to stop, then end()
	 * (ks_workload_run()).
	 */
	void (*weights)(const struct ks_wl_ctx *ctx, uint64_t *w);
	/*
	 * How long its workers may take to stop at the end, at least,
	 * whatever the plan's stop_grace (0: the plan's): a workload whose
	 * results come after the storm (stress-ng's metrics) needs the time
	 * a slow kernel takes, and waits only as long as its workers run.
	 */
	int stop_grace_ms;
};

/* The registration table (workloads/registry.c). */
extern const struct ks_workload *const ks_workloads[];
const struct ks_workload *ks_workload_find(const char *name);
int ks_workload_opt_index(const struct ks_workload *wl, const char *name);

/*
 * Move the calling worker into a network namespace of its own with lo up,
 * so nothing it sends can leave it; every try is counted as operation op.
 * 0 done, 1 told to stop first, -1 failed (said on stderr).
 */
int ks_private_netns(struct ks_wl_ctx *ctx, int op);

/* Raise the soft RLIMIT_NOFILE to the hard one; the soft one after. */
uint64_t ks_raise_nofile(void);

/* In a worker: wl->run(), or the harness's loop over the weighted mix. */
int ks_workload_run(struct ks_wl_ctx *ctx);

/* Operations picked at random by weight: the one way a storm picks. */
struct ks_mix {
	uint64_t cum[KS_MAX_OPS];	/* running sums of the weights */
	uint64_t sum;
	uint64_t rnd;			/* ks_rand64() state */
	struct ks_counters *ctr;	/* the worker's, for the pick trace */
};
/*
 * Weights w[0..n-1], the RNG seeded from the scenario's seed and the
 * worker (stream 0 of ks_worker_seed()): 0, or -1 when every weight is 0.
 */
int ks_mix_init(struct ks_mix *m, const uint64_t *w, int n,
		const struct ks_wl_ctx *ctx);
int ks_mix_pick(struct ks_mix *m);

/*
 * The seed of random stream `stream` of this worker: a function of the
 * scenario's seed, the worker's index and the stream alone, so a rerun
 * with the same seed makes the same choices.  Stream 0 is the operation
 * mix's; a workload's own choices (which file, which socket) take 1.
 * Never 0, as ks_rand64() needs.
 */
uint64_t ks_worker_seed(const struct ks_wl_ctx *ctx, unsigned int stream);

/* Helpers for run(). */
bool ks_should_stop(const struct ks_wl_ctx *ctx);
/* The deadline now: deadline_live's if set, else deadline_ns. */
int64_t ks_deadline(const struct ks_wl_ctx *ctx);
/* Count the outcome of operation op: ret < 0 means failed with errno e. */
void ks_count(struct ks_wl_ctx *ctx, int op, int ret, int e);

/*
 * Make and open this worker's directory "w<worker>" below root, counting
 * the mkdir/open under op.  0 with *fd >= 0, or *fd == -1 when told to stop
 * first; -1 (reason on stderr) on a harness-level problem.
 */
int ks_worker_dir(struct ks_wl_ctx *ctx, const char *root, int op, int *fd);
/*
 * len bytes of private anonymous memory, faulted in now (MAP_POPULATE):
 * with the cgroup's OOM killer off, a page fault at the limit would stall
 * the worker.  Inside the cgroup, and maybe under fault injection, so
 * ENOMEM is waited out.  NULL when told to stop, or with errno (said on
 * stderr) on another failure.
 */
void *ks_map_populated(struct ks_wl_ctx *ctx, size_t len);
/* Remove dfd/name and everything below it on the same filesystem: 0/-errno. */
int ks_rmtree_at(int dfd, const char *name);
/*
 * Teardown helper: ks_rmtree_at() the storm's root directory; on failure
 * report "<wl>: removing <root>: <reason>" in ctx->err.
 */
void ks_wl_remove_root(struct ks_wl_ctx *ctx, const char *wl,
		       const char *root);

/* xorshift64*: cheap, plenty for picking operations.  *s must be non-zero. */
static inline uint64_t ks_rand64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
