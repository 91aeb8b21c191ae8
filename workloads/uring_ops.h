/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uring storm's inside, shared by workloads/uring.c (options, setup,
 * the worker's life cycle: begin/prepare/step/end and run) and
 * workloads/uring_ops.c (the ring, its requests and the pools of names and
 * descriptors they work on).
 */
#ifndef KS_URING_OPS_H
#define KS_URING_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <liburing.h>

#include "workload.h"

/* Descriptors left for stdio, the harness's, the ring and the dir. */
#define FD_RESERVE	64
#define DIR_BIT		((uint64_t)1 << 63)	/* in a name: a directory */
#define NAME_LEN	24		/* "f" + 16 hex digits + NUL */

enum {
	OP_OPENAT, OP_STATX, OP_MKDIRAT, OP_RENAMEAT, OP_UNLINKAT,
	OP_SOCKET, OP_CLOSE, OP_RING, NR_OPS
};

enum {
	OPT_PATH, OPT_QD, OPT_MAX_FILES, OPT_MAX_FDS,
	/* Weights, in the order of their operations. */
	OPT_W_OPENAT, OPT_W_STATX, OPT_W_MKDIRAT, OPT_W_RENAMEAT,
	OPT_W_UNLINKAT, OPT_W_SOCKET, OPT_W_CLOSE, OPT_W_RING,
	NR_OPTS
};

struct uring_priv {
	char root[4096];	/* the tree's top, removed by teardown */
	bool made;
	bool supported[NR_OPS];	/* by the kernel, probed in setup() */
};

/* A request in flight; its buffers live until its completion. */
struct uslot {
	int op;
	int fd;			/* close: the descriptor */
	uint64_t name;		/* the name it works on, DIR_BIT for dirs */
	uint64_t name2;		/* renameat: the new one */
	bool create;		/* openat: of a new file */
	char path[NAME_LEN], path2[NAME_LEN];
	struct statx stx;
};

/* One worker's state; everything bounded by qd, max_files, max_fds. */
struct ustorm {
	struct ks_wl_ctx *ctx;
	const struct uring_priv *p;
	struct io_uring ring;
	int wfd;
	uint64_t rnd, next;
	struct ks_mix mix;	/* the weighted picks */
	uint64_t *names;	/* live names not in flight */
	size_t nnames, names_busy, max_names;
	int *fds;		/* open descriptors not in flight */
	size_t nfds, fds_busy, max_fds;
	struct uslot *slot;	/* qd of them */
	unsigned int *free;	/* indices of free slots */
	unsigned int nfree, qd;
	void *map;
	size_t maplen;
	bool ring_ok;		/* set up, to be torn down */
	bool warm;		/* a sweep's first prepare() warmed it up */
};

/* Requests (uring_ops.c). */
void ur_set_objects(struct ustorm *s);
void ur_name_str(char *buf, uint64_t name);
/*
 * Queue one request of operation op, or of the one standing in for it
 * when op cannot go now; depth 0 at the top.
 */
void ur_prep(struct ustorm *s, int op, int depth);
/* Submit what is queued: io_uring_submit()'s result, failures counted. */
int ur_submit(struct ustorm *s);
/* Wait up to ms for a completion if anything is in flight; reap all. */
void ur_wait_reap(struct ustorm *s, long ms);
/* The worker's ring, descriptors, mapping, weights and the end of it all. */
int ur_ring_init(struct ustorm *s);
void ur_fit_fds(struct ustorm *s);
int ur_map_state(struct ustorm *s);
/* w[op], the weight of op; the sum, 0 if no supported op has one. */
uint64_t ur_weights(const struct ks_opt_value *o, const struct uring_priv *p,
		    uint64_t *w);
/*
 * Submit what is queued and wait until nothing is in flight, ms at most,
 * or until a failed submission leaves requests queued.
 */
void ur_settle(struct ustorm *s, long ms);
/* Wait for what is in flight, a second at most, and let go of the rest. */
void ur_drain(struct ustorm *s);

/* Made ready by plain system calls for a sweep (uring_ops.c). */
int ur_new_file(struct ustorm *s);
void ur_free_name(struct ustorm *s);
int ur_new_fd(struct ustorm *s);
void ur_free_fd(struct ustorm *s);

/*
 * ring: a ring of its own set up, RING_REQS requests through it (its
 * request cache empty, so the kernel refills it), and torn down: ring
 * setup and __io_alloc_req_refill() allocate under pressure, which the
 * long-lived ring of the other operations never makes them do again.
 */
#define RING_REQS	8
void ur_ring_cycle(struct ustorm *s);

#endif
