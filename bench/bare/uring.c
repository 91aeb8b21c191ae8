// SPDX-License-Identifier: GPL-2.0
/*
 * Bare io_uring loop: the uring storm's default mix (workloads/uring.c:
 * a ring of depth 64 per worker, batches of up to 64 mixed requests,
 * max_files 4096, max_fds 256, weights openat 25, statx 20, mkdirat 10,
 * renameat 10, unlinkat 15, socket 10, close 25, with the same detours
 * at the caps) with no harness around it.
 *
 *   DIR/w<worker>/{f,d}<serial>
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -o bare-uring uring.c -luring
 */
#include "bare.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <liburing.h>

#define QD		64
#define MAX_NAMES	4096
#define MAX_FDS		256
#define DIR_BIT		((uint64_t)1 << 63)
#define NAME_LEN	24

enum {
	OP_OPENAT, OP_STATX, OP_MKDIRAT, OP_RENAMEAT, OP_UNLINKAT,
	OP_SOCKET, OP_CLOSE, NR_OPS
};

static const char *const op_names[] = {
	"openat", "statx", "mkdirat", "renameat", "unlinkat", "socket",
	"close", NULL
};

static const uint64_t weight[NR_OPS] = { 25, 20, 10, 10, 15, 10, 25 };

struct uslot {
	int op, fd;
	uint64_t name, name2;
	bool create;
	char path[NAME_LEN], path2[NAME_LEN];
	struct statx stx;
};

struct uloop {
	struct bare_counts *c;
	struct io_uring ring;
	int wfd;
	uint64_t rnd, next, cum[NR_OPS];
	uint64_t names[MAX_NAMES];
	size_t nnames, names_busy;
	int fds[MAX_FDS];
	size_t nfds, fds_busy;
	struct uslot slot[QD];
	unsigned int free[QD], nfree;
};

static void name_str(char *buf, uint64_t name)
{
	buf[0] = name & DIR_BIT ? 'd' : 'f';
	buf[1 + bare_hex(buf + 1, name & ~DIR_BIT)] = '\0';
}

static uint64_t take_name(struct uloop *s)
{
	size_t i = bare_rand(&s->rnd) % s->nnames;
	uint64_t name = s->names[i];

	s->names[i] = s->names[--s->nnames];
	s->names_busy++;
	return name;
}

static int detour(const struct uloop *s, int op)
{
	bool names_full = s->nnames + s->names_busy >= MAX_NAMES;
	bool fds_full = s->nfds + s->fds_busy >= MAX_FDS;

	switch (op) {
	case OP_OPENAT:
	case OP_SOCKET:
		return fds_full ? OP_CLOSE : -1;
	case OP_MKDIRAT:
		return names_full ? OP_UNLINKAT : -1;
	case OP_CLOSE:
		return s->nfds ? -1 : OP_OPENAT;
	default:
		return s->nnames ? -1 : OP_OPENAT;
	}
}

static void prep(struct uloop *s, int op, int depth)
{
	bool names_full = s->nnames + s->names_busy >= MAX_NAMES;
	struct io_uring_sqe *sqe;
	struct uslot *sl;
	unsigned int k;
	int alt;

	if (depth > 2 || !s->nfree || !io_uring_sq_space_left(&s->ring))
		return;
	alt = detour(s, op);
	if (alt >= 0) {
		prep(s, alt, depth + 1);
		return;
	}
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
	io_uring_sqe_set_data64(sqe, k);
}

static void complete(struct uloop *s, unsigned int k, int res)
{
	struct uslot *sl = &s->slot[k];
	bool ok = res >= 0;

	if (ok)
		s->c->ops[sl->op]++;
	if (sl->op != OP_SOCKET && sl->op != OP_CLOSE) {
		bool live = ok ? sl->op != OP_UNLINKAT :
			    !sl->create && res != -ENOENT;

		s->names_busy--;
		if (live)
			s->names[s->nnames++] = ok && sl->op == OP_RENAMEAT ?
						sl->name2 : sl->name;
	}
	if (sl->op == OP_OPENAT || sl->op == OP_SOCKET) {
		s->fds_busy--;
		if (res >= 0)
			s->fds[s->nfds++] = res;
	}
	if (sl->op == OP_CLOSE) {
		if (!ok && res != -EBADF)
			close(sl->fd);
		s->fds_busy--;
	}
	s->free[s->nfree++] = k;
}

static void reap(struct uloop *s)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	uint64_t k;

	io_uring_for_each_cqe(&s->ring, head, cqe) {
		k = io_uring_cqe_get_data64(cqe);
		if (k < QD)
			complete(s, (unsigned int)k, cqe->res);
		n++;
	}
	io_uring_cq_advance(&s->ring, n);
}

static void wait_reap(struct uloop *s, long ms)
{
	struct __kernel_timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	struct io_uring_cqe *cqe;

	if (s->nfree < QD)
		io_uring_wait_cqe_timeout(&s->ring, &cqe, &ts);
	reap(s);
}

static int pick(struct uloop *s)
{
	uint64_t x = bare_rand(&s->rnd) % s->cum[NR_OPS - 1];
	int op;

	for (op = 0; x >= s->cum[op]; op++)
		;
	return op;
}

static int run(int worker, const char *dir, struct bare_counts *c)
{
	struct uloop *s;
	uint64_t sum = 0;
	unsigned int i, n;
	char name[16];
	int root, r;

	/* Faulted in now, like the storm's state. */
	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s == MAP_FAILED || root < 0) {
		perror("bare-uring");
		return 1;
	}
	s->c = c;
	for (i = 0; i < NR_OPS; i++)
		s->cum[i] = sum += weight[i];
	s->rnd = ((0x9E3779B97F4A7C15ULL * (worker + 1)) ^ getpid()) | 1;
	s->next = (uint64_t)getpid() << 32;
	for (i = 0; i < QD; i++)
		s->free[i] = i;
	s->nfree = QD;
	snprintf(name, sizeof(name), "w%d", worker);
	if (!mkdirat(root, name, 0700))
		c->ops[OP_MKDIRAT]++;
	s->wfd = openat(root, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(root);
	r = io_uring_queue_init(QD, &s->ring, 0);
	if (s->wfd < 0 || r) {
		fprintf(stderr, "bare-uring: %s\n",
			strerror(s->wfd < 0 ? errno : -r));
		return 1;
	}
	while (!bare_stop) {
		for (n = 0; n < QD && s->nfree; n++)
			prep(s, pick(s), 0);
		if (io_uring_sq_ready(&s->ring))
			io_uring_submit(&s->ring);
		wait_reap(s, 100);
	}
	/* Wait for what is in flight, a second at most. */
	for (n = 0; n < 10 && s->nfree < QD; n++)
		wait_reap(s, 100);
	while (s->nfds)
		close(s->fds[--s->nfds]);
	io_uring_queue_exit(&s->ring);
	close(s->wfd);
	munmap(s, sizeof(*s));
	return 0;
}

int main(int argc, char **argv)
{
	return bare_main(argc, argv, op_names, run);
}
