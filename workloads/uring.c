// SPDX-License-Identifier: GPL-2.0
/*
 * uring storm: file system and socket operations submitted through
 * io_uring, in batches of up to qd mixed requests per worker.
 *
 * io_uring allocates per request (struct io_kiocb, async state, the
 * io-wq worker threads that run blocking requests), all charged to the
 * submitter's cgroup, and its error paths differ from the plain system
 * calls': a failed allocation may surface as -ENOMEM or -EAGAIN in a CQE,
 * or as a failed io_uring_enter() itself.  Each worker owns a ring and
 * a directory:
 *
 *   <root>/w<worker>/{f,d}<serial>
 *
 * openat creates files (or opens live ones once max_files are live),
 * mkdirat makes empty directories, renameat gives a live name a new one,
 * unlinkat removes a file or directory, statx looks a live name up,
 * socket makes unix datagram sockets and close closes what openat and
 * socket opened.  Setup probes the kernel's opcodes: an operation it
 * lacks (IORING_OP_SOCKET needs 5.19, MKDIRAT 5.15) is never submitted,
 * and every time it is picked it counts as failed with EOPNOTSUPP.
 *
 * run() is begin(), batches of weighted random picks, end().  A fail-nth
 * sweep submits one request at a time (uring_step()).  fail-nth is per
 * task: it reaches what the submitting worker allocates (the request, its
 * async data, the path names, an io-wq worker being created, inline
 * requests such as socket and close) but not what io-wq threads allocate
 * running the requests io_uring punts to them (openat with O_CREAT,
 * mkdirat, renameat, unlinkat, statx): those sites the dentry and inode
 * sweeps reach by plain system calls.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <liburing.h>

#include "uring_ops.h"

static const int opcode[NR_OPS] = {
	[OP_OPENAT] = IORING_OP_OPENAT, [OP_STATX] = IORING_OP_STATX,
	[OP_MKDIRAT] = IORING_OP_MKDIRAT, [OP_RENAMEAT] = IORING_OP_RENAMEAT,
	[OP_UNLINKAT] = IORING_OP_UNLINKAT, [OP_SOCKET] = IORING_OP_SOCKET,
	[OP_CLOSE] = IORING_OP_CLOSE, [OP_RING] = IORING_OP_NOP,
};

#define W(name, def, what) \
	{ name, KS_OPT_INT, def, 0, 1000, "relative weight of " what }

static const struct ks_opt_desc uring_opts[NR_OPTS + 1] = {
	[OPT_PATH] = { "path", KS_OPT_STRING, "", 0, 0,
		"existing directory to storm in (a private subdirectory is "
		"made there); empty: the scenario workdir" },
	[OPT_QD] = { "qd", KS_OPT_INT, "64", 1, 4096,
		"queue depth of each worker's ring: requests in flight at "
		"once" },
	[OPT_MAX_FILES] = { "max_files", KS_OPT_INT, "4096", 1, 4194304,
		"live files and directories per worker; at the cap openat "
		"opens live files and mkdirat unlinks instead (8 bytes of "
		"worker memory each, faulted in at start)" },
	[OPT_MAX_FDS] = { "max_fds", KS_OPT_INT, "256", 1, 1048576,
		"descriptors open per worker from openat and socket; at the "
		"cap those close instead.  Capped to fit RLIMIT_NOFILE, whose "
		"soft limit each worker raises to the hard one" },
	[OPT_W_OPENAT] = W("openat", "25", "openat"),
	[OPT_W_STATX] = W("statx", "20", "statx of a live name"),
	[OPT_W_MKDIRAT] = W("mkdirat", "10", "mkdirat"),
	[OPT_W_RENAMEAT] = W("renameat", "10",
			     "renameat of a live name to a new one"),
	[OPT_W_UNLINKAT] = W("unlinkat", "15",
			     "unlinkat of a live file or directory"),
	[OPT_W_SOCKET] = W("socket", "10",
			   "socket (AF_UNIX datagram; Linux 5.19+)"),
	[OPT_W_CLOSE] = W("close", "25",
			  "close of what openat or socket returned"),
	[OPT_W_RING] = W("ring", "3",
			 "a ring of its own set up, 8 NOPs through it, torn "
			 "down: ring setup and request-cache refill allocate"),
	[NR_OPTS] = { NULL },
};

static void uring_end(void *state)
{
	struct ustorm *s = state;

	if (s->ring_ok)
		ur_drain(s);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->map)
		munmap(s->map, s->maplen);
	free(s);
}

static void *uring_begin(struct ks_wl_ctx *ctx)
{
	static unsigned int generation;	/* begin()s in this process */
	const struct ks_opt_value *o = ctx->opt;
	struct ustorm *s = calloc(1, sizeof(*s));
	uint64_t w[NR_OPS];

	if (!s) {
		fprintf(stderr, "kmemstorm: uring worker %d: out of memory\n",
			ctx->worker);
		return NULL;
	}
	s->ctx = ctx;
	s->p = ctx->priv;
	s->wfd = -1;
	if (!s->p)
		goto fail;
	s->qd = o[OPT_QD].num;
	s->max_names = o[OPT_MAX_FILES].num;
	s->max_fds = o[OPT_MAX_FDS].num;
	ur_weights(o, s->p, w);
	ks_mix_init(&s->mix, w, NR_OPS, ctx);
	s->rnd = ks_worker_seed(ctx, 1);
	/*
	 * A worker the harness respawns after an OOM kill reuses the dead
	 * one's directory, and its files: the pid keeps names apart, and
	 * the generation the states of one sweep worker.
	 */
	s->next = (uint64_t)getpid() << 32 |
		  (uint64_t)(generation++ & 0xfff) << 20;
	ur_fit_fds(s);
	ur_set_objects(s);
	/* ks_map_populated() said why, unless told to stop. */
	if (ur_map_state(s))
		goto fail;
	if (ks_worker_dir(ctx, s->p->root, OP_MKDIRAT, &s->wfd) ||
	    s->wfd < 0 || ur_ring_init(s))
		goto fail;
	s->ring_ok = true;
	return s;
fail:
	uring_end(s);
	return NULL;
}

/*
 * The first request of a ring allocates what later ones reuse: a batch of
 * requests for its cache, an io-wq worker for what it punts.  A NOP punted
 * to io-wq (IOSQE_ASYNC) does both before the first step, or that step's
 * allocations would differ from every other's, and its n would never
 * reach the operation's own first site.
 */
static void warm_up(struct ustorm *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);

	s->warm = true;
	if (!sqe)
		return;
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	io_uring_sqe_set_data64(sqe, UINT64_MAX);	/* not a slot */
	if (io_uring_submit_and_wait(&s->ring, 1) == 1)
		ur_wait_reap(s, 0);
}

/*
 * Make op possible without a detour, by plain system calls: a free slot
 * for a new name or descriptor, a live file to look up, rename or unlink,
 * a descriptor (a unix socket) to close.  A request a failed submission
 * left queued goes first, unarmed.
 */
static int uring_prepare(void *state, int op)
{
	struct ustorm *s = state;
	bool need_name = op == OP_STATX || op == OP_RENAMEAT ||
			 op == OP_UNLINKAT;

	if (!s->p->supported[op]) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (op == OP_RING)
		return 0;	/* needs nothing of the main ring */
	if (!s->warm)
		warm_up(s);
	ur_settle(s, 1000);
	if (s->nfree < s->qd) {
		errno = EBUSY;		/* still in flight */
		return -1;
	}
	if ((op == OP_OPENAT || op == OP_SOCKET) && s->nfds >= s->max_fds)
		ur_free_fd(s);
	if ((op == OP_OPENAT || op == OP_MKDIRAT) &&
	    s->nnames >= s->max_names)
		ur_free_name(s);
	if (need_name && !s->nnames && ur_new_file(s))
		return -1;
	if (op == OP_CLOSE && !s->nfds && ur_new_fd(s))
		return -1;
	return 0;
}

/*
 * Exactly one request of op: queued, submitted by one io_uring_enter(),
 * its completion waited for (10 s at most) and counted as the storm
 * counts it.  A failed submission is counted against it and leaves it
 * queued, for the next prepare() to flush.
 */
static void uring_step(void *state, int op)
{
	struct ustorm *s = state;

	if (op == OP_RING) {
		ur_ring_cycle(s);
		return;
	}
	ur_prep(s, op, 0);
	if (io_uring_sq_ready(&s->ring) && ur_submit(s) < 0)
		return;
	ur_settle(s, 10000);
}

static int uring_run(struct ks_wl_ctx *ctx)
{
	struct ustorm *s = uring_begin(ctx);
	unsigned int n;

	if (!s)
		return ks_should_stop(ctx) ? 0 : 1;
	while (!ks_should_stop(ctx)) {
		/* Up to qd picks: unsupported ones take no slot. */
		for (n = 0; n < s->qd && s->nfree; n++) {
			int op = ks_mix_pick(&s->mix);

			if (op == OP_RING)
				ur_ring_cycle(s);
			else
				ur_prep(s, op, 0);
		}
		if (io_uring_sq_ready(&s->ring))
			ur_submit(s);
		ur_wait_reap(s, 100);
	}
	uring_end(s);
	return 0;
}

/* Which io_uring_disabled setting, if any, explains err. */
static const char *disabled_hint(int err, char *buf, size_t len)
{
	char v[16] = "";
	FILE *f;

	if (err == ENOSYS)
		return " (kernel without CONFIG_IO_URING)";
	if (err != EPERM)
		return "";
	f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
	if (!f || !fgets(v, sizeof(v), f))
		snprintf(buf, len, " (kernel.io_uring_disabled?)");
	else
		snprintf(buf, len, " (kernel.io_uring_disabled=%.*s)",
			 (int)strcspn(v, "\n"), v);
	if (f)
		fclose(f);
	return buf;
}

/* What the kernel's io_uring supports: 0, or -1 with ctx->err. */
static int probe(struct ks_wl_ctx *ctx, struct uring_priv *p)
{
	struct io_uring_probe *pr;
	struct io_uring ring;
	char hint[64];
	int r, i;

	r = io_uring_queue_init(4, &ring, 0);
	if (r) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "io_uring unavailable: %s%s", strerror(-r),
			 disabled_hint(-r, hint, sizeof(hint)));
		return -1;
	}
	pr = io_uring_get_probe_ring(&ring);
	io_uring_queue_exit(&ring);
	if (!pr) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "io_uring: cannot probe opcodes (kernel before 5.6?)");
		return -1;
	}
	for (i = 0; i < NR_OPS; i++)
		p->supported[i] = io_uring_opcode_supported(pr, opcode[i]);
	p->supported[OP_RING] = true;
	io_uring_free_probe(pr);
	return 0;
}

static int uring_setup(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct uring_priv *p;
	uint64_t w[NR_OPS];
	int n;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(ctx->err, sizeof(ctx->err), "uring: out of memory");
		return -1;
	}
	ctx->priv = p;
	if (probe(ctx, p))
		return -1;
	if (!ur_weights(o, p, w)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "uring: no operation with a weight above 0 is "
			 "supported by this kernel");
		return -1;
	}
	if (o[OPT_PATH].str[0])
		n = snprintf(p->root, sizeof(p->root),
			     "%s/kmemstorm-uring.XXXXXX", o[OPT_PATH].str);
	else
		n = snprintf(p->root, sizeof(p->root), "%s/uring",
			     ctx->workdir);
	if (n < 0 || (size_t)n >= sizeof(p->root)) {
		snprintf(ctx->err, sizeof(ctx->err), "uring: path too long");
		return -1;
	}
	if (o[OPT_PATH].str[0] ? !mkdtemp(p->root) : mkdir(p->root, 0700)) {
		snprintf(ctx->err, sizeof(ctx->err), "uring: mkdir %.200s: %s",
			 p->root, strerror(errno));
		return -1;
	}
	p->made = true;
	return 0;
}

static void uring_teardown(struct ks_wl_ctx *ctx)
{
	struct uring_priv *p = ctx->priv;

	if (!p)
		return;
	if (p->made)
		ks_wl_remove_root(ctx, "uring", p->root);
	free(p);
	ctx->priv = NULL;
}

const struct ks_workload ks_wl_uring = {
	.name = "uring",
	.summary = "openat, statx, mkdirat, renameat, unlinkat, socket and "
		   "close in batches through io_uring",
	.ops = { [OP_OPENAT] = "openat", [OP_STATX] = "statx",
		 [OP_MKDIRAT] = "mkdirat", [OP_RENAMEAT] = "renameat",
		 [OP_UNLINKAT] = "unlinkat", [OP_SOCKET] = "socket",
		 [OP_CLOSE] = "close", [OP_RING] = "ring" },
	/*
	 * io_uring fails a request it could not allocate with EAGAIN; an
	 * opcode the kernel lacks is counted once as EOPNOTSUPP.
	 */
	.allow = { [OP_OPENAT] = "EAGAIN EINTR EOPNOTSUPP ENOSPC EDQUOT",
		   [OP_STATX] = "EAGAIN EINTR EOPNOTSUPP",
		   [OP_MKDIRAT] = "EAGAIN EINTR EOPNOTSUPP ENOSPC EDQUOT",
		   [OP_RENAMEAT] = "EAGAIN EINTR EOPNOTSUPP ENOSPC EDQUOT",
		   [OP_UNLINKAT] = "EAGAIN EINTR EOPNOTSUPP",
		   [OP_SOCKET] = "EAGAIN EINTR EOPNOTSUPP ENOBUFS",
		   [OP_CLOSE] = "EAGAIN EINTR EOPNOTSUPP",
		   [OP_RING] = "EAGAIN EINTR" },
	/* Under injection: sock_alloc() failing is ENFILE. */
	.known = { [OP_SOCKET] = "ENFILE" },
	.opts = uring_opts,
	.setup = uring_setup,
	.run = uring_run,
	.teardown = uring_teardown,
	.begin = uring_begin,
	.prepare = uring_prepare,
	.step = uring_step,
	.end = uring_end,
};
