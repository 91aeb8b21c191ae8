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

#include "workload.h"

/* Descriptors left for stdio, the harness's, the ring and the dir. */
#define FD_RESERVE	64
#define DIR_BIT		((uint64_t)1 << 63)	/* in a name: a directory */
#define NAME_LEN	24		/* "f" + 16 hex digits + NUL */

enum {
	OP_OPENAT, OP_STATX, OP_MKDIRAT, OP_RENAMEAT, OP_UNLINKAT,
	OP_SOCKET, OP_CLOSE, NR_OPS
};

static const int opcode[NR_OPS] = {
	[OP_OPENAT] = IORING_OP_OPENAT, [OP_STATX] = IORING_OP_STATX,
	[OP_MKDIRAT] = IORING_OP_MKDIRAT, [OP_RENAMEAT] = IORING_OP_RENAMEAT,
	[OP_UNLINKAT] = IORING_OP_UNLINKAT, [OP_SOCKET] = IORING_OP_SOCKET,
	[OP_CLOSE] = IORING_OP_CLOSE,
};

enum {
	OPT_PATH, OPT_QD, OPT_MAX_FILES, OPT_MAX_FDS,
	/* Weights, in the order of their operations. */
	OPT_W_OPENAT, OPT_W_STATX, OPT_W_MKDIRAT, OPT_W_RENAMEAT,
	OPT_W_UNLINKAT, OPT_W_SOCKET, OPT_W_CLOSE,
	NR_OPTS
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
	[NR_OPTS] = { NULL },
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
	uint64_t cum[NR_OPS], sum;
	uint64_t *names;	/* live names not in flight */
	size_t nnames, names_busy, max_names;
	int *fds;		/* open descriptors not in flight */
	size_t nfds, fds_busy, max_fds;
	struct uslot *slot;	/* qd of them */
	unsigned int *free;	/* indices of free slots */
	unsigned int nfree, qd;
	void *map;
	size_t maplen;
};

static void set_objects(struct ustorm *s)
{
	/* Files and directories, plus open descriptors. */
	__atomic_store_n(&s->ctx->ctr->objects,
			 (uint64_t)(s->nnames + s->names_busy + s->nfds +
				    s->fds_busy), __ATOMIC_RELAXED);
}

static void name_str(char *buf, uint64_t name)
{
	snprintf(buf, NAME_LEN, "%c%" PRIx64, name & DIR_BIT ? 'd' : 'f',
		 name & ~DIR_BIT);
}

/* Take a random live name out of the pool for a request; there is one. */
static uint64_t take_name(struct ustorm *s)
{
	size_t i = ks_rand64(&s->rnd) % s->nnames;
	uint64_t name = s->names[i];

	s->names[i] = s->names[--s->nnames];
	s->names_busy++;
	return name;
}

/* A request on a name completed: back to the pool unless gone. */
static void put_name(struct ustorm *s, uint64_t name, bool live)
{
	s->names_busy--;
	if (live)
		s->names[s->nnames++] = name;
	set_objects(s);
}

static void put_fd(struct ustorm *s, int fd)
{
	s->fds_busy--;
	if (fd >= 0)
		s->fds[s->nfds++] = fd;
	set_objects(s);
}

/* The operation standing in for op when op cannot go now, or -1. */
static int detour(const struct ustorm *s, int op)
{
	bool names_full = s->nnames + s->names_busy >= s->max_names;
	bool fds_full = s->nfds + s->fds_busy >= s->max_fds;

	switch (op) {
	case OP_OPENAT:
	case OP_SOCKET:
		return fds_full ? OP_CLOSE : -1;
	case OP_MKDIRAT:
		return names_full ? OP_UNLINKAT : -1;
	case OP_CLOSE:
		return s->nfds ? -1 : OP_OPENAT;
	default:	/* statx, renameat, unlinkat: on a live name */
		return s->nnames ? -1 : OP_OPENAT;
	}
}

/*
 * Queue one request of operation op, or of the one standing in for it:
 * creates turn into unlinks at max_files, opens into closes at max_fds,
 * and what needs a live name or descriptor into a create when there is
 * none.  depth stops the detours from going round in circles.
 */
static void prep(struct ustorm *s, int op, int depth)
{
	bool names_full = s->nnames + s->names_busy >= s->max_names;
	struct io_uring_sqe *sqe;
	struct uslot *sl;
	unsigned int k;
	int alt;

	if (depth > 2 || !s->nfree || !io_uring_sq_space_left(&s->ring))
		return;
	if (!s->p->supported[op]) {
		ks_count(s->ctx, op, -1, EOPNOTSUPP);
		return;
	}
	alt = detour(s, op);
	if (alt >= 0) {
		prep(s, alt, depth + 1);
		return;
	}
	/* At max_files openat opens a live name instead of a new one. */
	if (op == OP_OPENAT && names_full && !s->nnames)
		return;
	k = s->free[--s->nfree];
	sl = &s->slot[k];
	sl->op = op;
	sl->create = op == OP_MKDIRAT || (op == OP_OPENAT && !names_full);
	if (sl->create) {
		sl->name = s->next++ | (op == OP_MKDIRAT ? DIR_BIT : 0);
		s->names_busy++;
	} else if (op != OP_SOCKET && op != OP_CLOSE) {
		sl->name = take_name(s);
	}
	name_str(sl->path, sl->name);
	sqe = io_uring_get_sqe(&s->ring);
	switch (op) {
	case OP_OPENAT:
		/* A directory opens too: O_RDONLY, not O_WRONLY. */
		io_uring_prep_openat(sqe, s->wfd, sl->path, sl->create ?
				     O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC :
				     O_RDONLY | O_CLOEXEC, 0600);
		s->fds_busy++;
		break;
	case OP_MKDIRAT:
		io_uring_prep_mkdirat(sqe, s->wfd, sl->path, 0700);
		break;
	case OP_STATX:
		io_uring_prep_statx(sqe, s->wfd, sl->path, AT_SYMLINK_NOFOLLOW,
				    STATX_BASIC_STATS, &sl->stx);
		break;
	case OP_RENAMEAT:
		sl->name2 = s->next++ | (sl->name & DIR_BIT);
		name_str(sl->path2, sl->name2);
		io_uring_prep_renameat(sqe, s->wfd, sl->path, s->wfd,
				       sl->path2, 0);
		break;
	case OP_UNLINKAT:
		io_uring_prep_unlinkat(sqe, s->wfd, sl->path,
				       sl->name & DIR_BIT ? AT_REMOVEDIR : 0);
		break;
	case OP_SOCKET:
		io_uring_prep_socket(sqe, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC,
				     0, 0);
		s->fds_busy++;
		break;
	case OP_CLOSE:
		sl->fd = s->fds[--s->nfds];
		io_uring_prep_close(sqe, sl->fd);
		s->fds_busy++;
		break;
	}
	/* After io_uring_prep_*(): some liburing versions clear it. */
	io_uring_sqe_set_data64(sqe, k);
	set_objects(s);
}

static void complete(struct ustorm *s, unsigned int k, int res)
{
	struct uslot *sl = &s->slot[k];
	bool ok = res >= 0;

	ks_count(s->ctx, sl->op, res, -res);
	/* Failed, a create made nothing and the rest changed nothing. */
	if (sl->op != OP_SOCKET && sl->op != OP_CLOSE)
		put_name(s, ok && sl->op == OP_RENAMEAT ? sl->name2 : sl->name,
			 ok ? sl->op != OP_UNLINKAT :
			 !sl->create && res != -ENOENT);
	if (sl->op == OP_OPENAT || sl->op == OP_SOCKET)
		put_fd(s, res);
	if (sl->op == OP_CLOSE) {
		/* Never leak one: what io_uring did not close, close() does. */
		if (!ok && res != -EBADF)
			close(sl->fd);
		put_fd(s, -1);
	}
	s->free[s->nfree++] = k;
}

static void reap(struct ustorm *s)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	uint64_t k;

	io_uring_for_each_cqe(&s->ring, head, cqe) {
		k = io_uring_cqe_get_data64(cqe);
		/* Not ours: liburing's timeout request on old kernels. */
		if (k < s->qd)
			complete(s, (unsigned int)k, cqe->res);
		n++;
	}
	io_uring_cq_advance(&s->ring, n);
}

/*
 * A failed io_uring_enter() took none of the queued requests: it counts
 * against the first of them, the one the kernel failed to take.
 */
static void submit(struct ustorm *s)
{
	const struct io_uring_sq *sq = &s->ring.sq;
	unsigned int head;
	uint64_t k;
	int r;

	r = io_uring_submit(&s->ring);
	if (r >= 0)
		return;
	head = io_uring_smp_load_acquire(sq->khead);
	k = sq->sqes[sq->array[head & sq->ring_mask]].user_data;
	ks_count(s->ctx, k < s->qd ? s->slot[k].op : OP_OPENAT, -1, -r);
}

static void wait_reap(struct ustorm *s, long ms)
{
	struct __kernel_timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	struct io_uring_cqe *cqe;

	if (s->nfree < s->qd)
		io_uring_wait_cqe_timeout(&s->ring, &cqe, &ts);
	reap(s);
}

static int pick(struct ustorm *s)
{
	uint64_t x = ks_rand64(&s->rnd) % s->sum;
	int op;

	for (op = 0; x >= s->cum[op]; op++)
		;
	return op;
}

static bool transient(int e)
{
	return e == ENOMEM || e == EAGAIN || e == EINTR || e == ENFILE ||
	       e == EMFILE;
}

/*
 * The worker's own ring, inside the cgroup: its memory is charged there,
 * so ENOMEM is a result (counted under openat) and worth waiting out.
 * 0 with the ring, 1 told to stop first, -1 failed.
 */
static int ring_init(struct ustorm *s)
{
	const struct timespec pause = { 0, 1000000 };
	int r;

	for (;;) {
		if (ks_should_stop(s->ctx))
			return 1;
		r = io_uring_queue_init(s->qd, &s->ring, 0);
		if (!r)
			return 0;
		ks_count(s->ctx, OP_OPENAT, -1, -r);
		if (!transient(-r)) {
			fprintf(stderr, "kmemstorm: uring worker %d: "
				"io_uring_queue_init: %s\n", s->ctx->worker,
				strerror(-r));
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

/* Raise the soft RLIMIT_NOFILE to the hard one; max_fds must fit. */
static void fit_fds(struct ustorm *s)
{
	uint64_t lim = ks_raise_nofile();
	uint64_t budget = lim > FD_RESERVE + 1 ? lim - FD_RESERVE : 1;

	if (s->max_fds <= budget)
		return;
	s->max_fds = budget;
	if (s->ctx->worker == 0)
		fprintf(stderr, "kmemstorm: uring: RLIMIT_NOFILE %llu: "
			"max_fds capped to %zu per worker\n",
			(unsigned long long)lim, s->max_fds);
}

/* Slots, names and descriptors in one mapping, faulted in. */
static int map_state(struct ustorm *s)
{
	size_t ls = s->qd * sizeof(*s->slot);
	size_t ln = s->max_names * sizeof(*s->names);
	size_t lf = s->max_fds * sizeof(*s->fds);
	unsigned int i;

	s->maplen = ls + ln + lf + s->qd * sizeof(*s->free);
	/*
	 * A page fault at the limit may stall us (see dentry.c): faulted in
	 * now.  The ring is kernel memory io_uring_queue_init() maps whole.
	 */
	s->map = mmap(NULL, s->maplen, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		return -1;
	}
	/* Largest alignment first: slots, 8-byte names, then ints. */
	s->slot = s->map;
	s->names = (uint64_t *)((char *)s->map + ls);
	s->fds = (int *)((char *)s->map + ls + ln);
	s->free = (unsigned int *)((char *)s->map + ls + ln + lf);
	for (i = 0; i < s->qd; i++)
		s->free[i] = i;
	s->nfree = s->qd;
	return 0;
}

static uint64_t weights(const struct ks_opt_value *o,
			const struct uring_priv *p, uint64_t *cum)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < NR_OPS; i++) {
		sum += o[OPT_W_OPENAT + i].num;
		cum[i] = sum;
	}
	/* Unsupported ones are picked all the same, to be counted. */
	for (i = 0; i < NR_OPS; i++)
		if (p->supported[i] && o[OPT_W_OPENAT + i].num)
			return sum;
	return 0;
}

/* Wait for what is in flight, a second at most, and let go of the rest. */
static void drain(struct ustorm *s)
{
	struct timespec t0, t;

	if (io_uring_sq_ready(&s->ring))
		submit(s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		wait_reap(s, 100);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (s->nfree < s->qd &&
		 (t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	while (s->nfds)
		close(s->fds[--s->nfds]);
	set_objects(s);
	io_uring_queue_exit(&s->ring);
}

static int uring_run(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct ustorm s = { .ctx = ctx, .p = ctx->priv, .wfd = -1 };
	unsigned int n;
	int ret = 1, r;

	if (!s.p)
		return 1;
	s.qd = o[OPT_QD].num;
	s.max_names = o[OPT_MAX_FILES].num;
	s.max_fds = o[OPT_MAX_FDS].num;
	s.sum = weights(o, s.p, s.cum);
	s.rnd = ((0x9E3779B97F4A7C15ULL * (ctx->worker + 1)) ^ getpid()) | 1;
	/*
	 * A worker the harness respawns after an OOM kill reuses the dead
	 * one's directory, and its files: the pid keeps names apart.
	 */
	s.next = (uint64_t)getpid() << 32;
	fit_fds(&s);
	set_objects(&s);
	if (map_state(&s)) {
		fprintf(stderr, "kmemstorm: uring worker %d: mmap: %s\n",
			ctx->worker, strerror(errno));
		return 1;
	}
	if (ks_worker_dir(ctx, s.p->root, OP_MKDIRAT, &s.wfd))
		goto out;
	ret = 0;
	if (s.wfd < 0)
		goto out;
	r = ring_init(&s);
	if (r) {
		ret = r < 0;
		goto out;
	}
	while (!ks_should_stop(ctx)) {
		/* Up to qd picks: unsupported ones take no slot. */
		for (n = 0; n < s.qd && s.nfree; n++)
			prep(&s, pick(&s), 0);
		if (io_uring_sq_ready(&s.ring))
			submit(&s);
		wait_reap(&s, 100);
	}
	drain(&s);
out:
	if (s.wfd >= 0)
		close(s.wfd);
	munmap(s.map, s.maplen);
	return ret;
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
	io_uring_free_probe(pr);
	return 0;
}

static int uring_setup(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct uring_priv *p;
	uint64_t cum[NR_OPS];
	int n;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(ctx->err, sizeof(ctx->err), "uring: out of memory");
		return -1;
	}
	ctx->priv = p;
	if (probe(ctx, p))
		return -1;
	if (!weights(o, p, cum)) {
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
		 [OP_CLOSE] = "close", [NR_OPS] = NULL },
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
		   [OP_CLOSE] = "EAGAIN EINTR EOPNOTSUPP" },
	.opts = uring_opts,
	.setup = uring_setup,
	.run = uring_run,
	.teardown = uring_teardown,
};
