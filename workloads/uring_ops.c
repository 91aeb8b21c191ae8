// SPDX-License-Identifier: GPL-2.0
/*
 * The uring storm's requests and pools: see uring.c for what the storm
 * does and uring_ops.h for how the two files share its state.
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
#include <sys/socket.h>

#include "clock.h"
#include "uring_ops.h"

void ur_set_objects(struct ustorm *s)
{
	/* Files and directories, plus open descriptors. */
	__atomic_store_n(&s->ctx->ctr->objects,
			 (uint64_t)(s->nnames + s->names_busy + s->nfds +
				    s->fds_busy), __ATOMIC_RELAXED);
}

void ur_name_str(char *buf, uint64_t name)
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
	ur_set_objects(s);
}

static void put_fd(struct ustorm *s, int fd)
{
	s->fds_busy--;
	if (fd >= 0)
		s->fds[s->nfds++] = fd;
	ur_set_objects(s);
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
void ur_prep(struct ustorm *s, int op, int depth)
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
		ur_prep(s, alt, depth + 1);
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
	ur_name_str(sl->path, sl->name);
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
		ur_name_str(sl->path2, sl->name2);
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
	ur_set_objects(s);
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
int ur_submit(struct ustorm *s)
{
	const struct io_uring_sq *sq = &s->ring.sq;
	unsigned int head, i;
	uint64_t k;
	int r;

	r = io_uring_submit(&s->ring);
	if (r >= 0)
		return r;
	head = io_uring_smp_load_acquire(sq->khead);
	/* Without an SQ array (IORING_SETUP_NO_SQARRAY) the order is it. */
	i = sq->array ? sq->array[head & sq->ring_mask] : head & sq->ring_mask;
	k = sq->sqes[i].user_data;
	ks_count(s->ctx, k < s->qd ? s->slot[k].op : OP_OPENAT, -1, -r);
	return r;
}

void ur_wait_reap(struct ustorm *s, long ms)
{
	struct __kernel_timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	struct io_uring_cqe *cqe;

	if (s->nfree < s->qd)
		io_uring_wait_cqe_timeout(&s->ring, &cqe, &ts);
	reap(s);
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
int ur_ring_init(struct ustorm *s)
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
void ur_fit_fds(struct ustorm *s)
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
int ur_map_state(struct ustorm *s)
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
	s->map = ks_map_populated(s->ctx, s->maplen);
	if (!s->map)
		return -1;
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

uint64_t ur_weights(const struct ks_opt_value *o,
			const struct uring_priv *p, uint64_t *w)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < NR_OPS; i++) {
		w[i] = o[OPT_W_OPENAT + i].num;
		sum += w[i];
	}
	/* Unsupported ones are picked all the same, to be counted. */
	for (i = 0; i < NR_OPS; i++)
		if (p->supported[i] && o[OPT_W_OPENAT + i].num)
			return sum;
	return 0;
}

void ur_settle(struct ustorm *s, long ms)
{
	int64_t t0;

	if (io_uring_sq_ready(&s->ring))
		ur_submit(s);
	t0 = ks_now_ns();
	/* What a failed submission left queued is not in flight. */
	while (s->qd - s->nfree > io_uring_sq_ready(&s->ring)) {
		ur_wait_reap(s, ms < 100 ? ms : 100);
		if (ks_ms_since(t0) >= ms)
			break;
	}
}

/* Wait for what is in flight, a second at most, and let go of the rest. */
void ur_drain(struct ustorm *s)
{
	ur_settle(s, 1000);
	while (s->nfds)
		close(s->fds[--s->nfds]);
	ur_set_objects(s);
	io_uring_queue_exit(&s->ring);
}

/*
 * What a sweep's prepare() makes ready with plain system calls, counted
 * as the operation each is: a live file, a free name, a descriptor, a
 * free descriptor slot.  0, or -1 with errno.
 */
int ur_new_file(struct ustorm *s)
{
	uint64_t name = s->next++;
	char path[NAME_LEN];
	int fd;

	if (s->nnames + s->names_busy >= s->max_names) {
		errno = ENOSPC;
		return -1;
	}
	ur_name_str(path, name);
	fd = openat(s->wfd, path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0600);
	ks_count(s->ctx, OP_OPENAT, fd, errno);
	if (fd < 0)
		return -1;
	close(fd);
	s->names[s->nnames++] = name;
	ur_set_objects(s);
	return 0;
}

void ur_free_name(struct ustorm *s)
{
	char path[NAME_LEN];
	uint64_t name;
	int r;

	if (!s->nnames)
		return;
	name = s->names[--s->nnames];
	ur_name_str(path, name);
	r = unlinkat(s->wfd, path, name & DIR_BIT ? AT_REMOVEDIR : 0);
	ks_count(s->ctx, OP_UNLINKAT, r, errno);
	ur_set_objects(s);
}

int ur_new_fd(struct ustorm *s)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ks_count(s->ctx, OP_SOCKET, fd, errno);
	if (fd < 0)
		return -1;
	s->fds[s->nfds++] = fd;
	ur_set_objects(s);
	return 0;
}

void ur_free_fd(struct ustorm *s)
{
	int r;

	if (!s->nfds)
		return;
	r = close(s->fds[--s->nfds]);
	ks_count(s->ctx, OP_CLOSE, r, errno);
	ur_set_objects(s);
}

void ur_ring_cycle(struct ustorm *s)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int r, i, done = 0;

	r = io_uring_queue_init(RING_REQS, &ring, 0);
	if (r < 0) {
		ks_count(s->ctx, OP_RING, -1, -r);
		return;
	}
	for (i = 0; i < RING_REQS; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		if (!sqe)
			break;
		io_uring_prep_nop(sqe);
	}
	r = io_uring_submit_and_wait(&ring, i);
	if (r < 0)
		r = -r;
	else
		for (r = 0; done < i && !io_uring_peek_cqe(&ring, &cqe); done++) {
			if (cqe->res < 0 && !r)
				r = -cqe->res;
			io_uring_cqe_seen(&ring, cqe);
		}
	io_uring_queue_exit(&ring);
	ks_count(s->ctx, OP_RING, r ? -1 : 0, r);
}
