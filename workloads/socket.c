// SPDX-License-Identifier: GPL-2.0
/*
 * socket storm: socket buffers, sockets and in-flight descriptors charged
 * to the cgroup.  Each worker enters a network namespace of its own, brings
 * lo up and talks to 127.0.0.1 only: nothing leaves it, and it dies with
 * the worker.  There it keeps, each up to a cap, oldest closed first:
 *
 *   - TCP connections to its own listener with large SO_SNDBUF/SO_RCVBUF,
 *     written on from both ends and never read;
 *   - bound UDP sockets sending datagrams to each other, never read;
 *   - unix stream and datagram pairs: scm_rights sends the oldest pair's
 *     descriptors over itself (a cycle only the unix garbage collector
 *     frees) or over another pair, and closes them here.
 *
 * cgroup v2 charges TCP and UDP buffers (memory.stat "sock"); v1 only TCP
 * ones, to memory.kmem.tcp, and only once memory.kmem.tcp.limit_in_bytes
 * was written.  Sockets, files, SCM_RIGHTS lists, the namespace and (seen
 * on 6.12) unix skb data are charged as kernel memory on both.  Sockets
 * are non-blocking: a full buffer fails a send with EAGAIN (expected,
 * counted), never stalls.  A datagram the receiver has no room for is
 * dropped silently: it counts as sent.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "workload.h"

/* Descriptors left for stdio, the harness's and the lo ioctl socket. */
#define FD_RESERVE	64
/* The largest UDP payload over IPv4; unix datagrams get the same cap. */
#define DGRAM_MAX	65507

enum {
	OP_NETNS, OP_TCP_CONNECT, OP_TCP_SEND, OP_UDP_OPEN, OP_UDP_SEND,
	OP_UNIX_PAIR, OP_SCM_RIGHTS, NR_OPS
};

enum {
	OPT_TCP_CONNS, OPT_UDP_SOCKS, OPT_UNIX_PAIRS, OPT_BUF_SIZE,
	OPT_MSG_SIZE,
	/* Weights, in the order of their operations from OP_TCP_CONNECT. */
	OPT_W_TCP_CONNECT, OPT_W_TCP_SEND, OPT_W_UDP_OPEN, OPT_W_UDP_SEND,
	OPT_W_UNIX_PAIR, OPT_W_SCM_RIGHTS,
	NR_OPTS
};

#define W(name, def, what) \
	{ name, KS_OPT_INT, def, 0, 1000, "relative weight of " what }

static const struct ks_opt_desc socket_opts[NR_OPTS + 1] = {
	[OPT_TCP_CONNS] = { "tcp_conns", KS_OPT_INT, "256", 0, 16384,
		"TCP connections per worker, oldest closed at the cap.  All "
		"caps shrink to fit RLIMIT_NOFILE (soft raised to hard)" },
	[OPT_UDP_SOCKS] = { "udp_socks", KS_OPT_INT, "64", 0, 16384,
		"UDP sockets per worker, oldest closed at the cap" },
	[OPT_UNIX_PAIRS] = { "unix_pairs", KS_OPT_INT, "128", 0, 16384,
		"unix pairs per worker (stream and datagram in turn), oldest "
		"closed at the cap" },
	[OPT_BUF_SIZE] = { "buf_size", KS_OPT_SIZE, "128K", 0, 256 << 20,
		"SO_SNDBUF and SO_RCVBUF of every socket (the kernel doubles "
		"it); as root past net.core.[rw]mem_max.  0: kernel "
		"defaults.  On cgroup v1 TCP buffers are not charged to the "
		"memory limit: they are bounded by this and net.ipv4.tcp_mem "
		"only" },
	[OPT_MSG_SIZE] = { "msg_size", KS_OPT_SIZE, "16K", 1, 16 << 20,
		"bytes per send; datagrams carry at most 65507 (faulted in "
		"at start)" },
	[OPT_W_TCP_CONNECT] = W("tcp_connect", "2", "new TCP connections"),
	[OPT_W_TCP_SEND] = W("tcp_send", "40", "TCP writes, from either end"),
	[OPT_W_UDP_OPEN] = W("udp_open", "2", "new bound UDP sockets"),
	[OPT_W_UDP_SEND] = W("udp_send", "20",
			     "datagrams sent between UDP sockets"),
	[OPT_W_UNIX_PAIR] = W("unix_pair", "15", "new unix socket pairs"),
	[OPT_W_SCM_RIGHTS] = W("scm_rights", "15",
			       "sending a pair's descriptors over itself or "
			       "another pair and closing them here"),
	[NR_OPTS] = { NULL },
};

/*
 * What a worker holds: a TCP connection (client end, accepted end or -1,
 * the client's port to match accept()), a UDP socket (fd[1] = -1, its
 * port) or a unix pair.
 */
struct ent {
	int fd[2];
	uint16_t port;
};

/* A FIFO of fixed capacity: head is the oldest. */
struct pool {
	struct ent *e;
	size_t head, n, max;
};

enum { TCP, UDP, UNX, NR_POOLS };

/* One worker's state; everything bounded by the caps. */
struct sstorm {
	struct ks_wl_ctx *ctx;
	uint64_t rnd;
	int lfd;		/* TCP listener or -1 */
	uint16_t lport;
	bool force;		/* SO_*BUFFORCE works (CAP_NET_ADMIN) */
	int buf_size;
	size_t msg, dgram;	/* bytes per send, per datagram */
	uint64_t nsock;		/* open sockets: the counters' objects */
	uint64_t serial;	/* of unix pairs: picks the type */
	struct pool pool[NR_POOLS];
	char *buf;		/* msg bytes to send */
	void *map;
	size_t maplen;
};

static struct ent *slot(struct pool *p, size_t i)
{
	return &p->e[(p->head + i) % p->max];
}

static struct ent *pick(struct sstorm *s, struct pool *p)
{
	return slot(p, ks_rand64(&s->rnd) % p->n);
}

static void opened(struct sstorm *s, int n)
{
	s->nsock += n;
	__atomic_store_n(&s->ctx->ctr->objects, s->nsock, __ATOMIC_RELAXED);
}

/* Close and forget *fd, if open; errno is kept for the caller. */
static void sclose(struct sstorm *s, int *fd)
{
	int e = errno;

	if (*fd < 0)
		return;
	close(*fd);
	*fd = -1;
	opened(s, -1);
	errno = e;
}

static void drop_oldest(struct sstorm *s, struct pool *p)
{
	struct ent *e;

	if (!p->n)
		return;
	e = slot(p, 0);
	sclose(s, &e->fd[0]);
	sclose(s, &e->fd[1]);
	p->head = (p->head + 1) % p->max;
	p->n--;
}

/* Close e, anywhere in p: the oldest takes its place. */
static void drop(struct sstorm *s, struct pool *p, struct ent *e)
{
	struct ent *old = slot(p, 0);
	struct ent tmp = *e;

	*e = *old;
	*old = tmp;
	drop_oldest(s, p);
}

/* The newest place in p, for one more: at the cap the oldest goes. */
static struct ent *push(struct sstorm *s, struct pool *p)
{
	struct ent *e;

	if (p->n == p->max)
		drop_oldest(s, p);
	e = slot(p, p->n++);
	e->fd[0] = e->fd[1] = -1;
	return e;
}

/* Count op; out of memory, buffers or descriptors: give some back. */
static void count(struct sstorm *s, int op, int r, struct pool *p)
{
	int e = errno;

	ks_count(s->ctx, op, r < 0 ? -1 : 0, e);
	if (r < 0 && (e == ENOMEM || e == ENOBUFS || e == EMFILE ||
		      e == ENFILE))
		drop_oldest(s, p);
}

static void set_bufs(struct sstorm *s, int fd)
{
	static const int opt[2][2] = {
		{ SO_SNDBUFFORCE, SO_SNDBUF }, { SO_RCVBUFFORCE, SO_RCVBUF },
	};
	int i;

	/* Best effort: a socket with default buffers still storms. */
	for (i = 0; s->buf_size && i < 2; i++) {
		if (s->force &&
		    !setsockopt(fd, SOL_SOCKET, opt[i][0], &s->buf_size,
				sizeof(s->buf_size)))
			continue;
		s->force = false;	/* EPERM: not CAP_NET_ADMIN */
		setsockopt(fd, SOL_SOCKET, opt[i][1], &s->buf_size,
			   sizeof(s->buf_size));
	}
}

static struct sockaddr_in lo_addr(uint16_t port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return a;
}

/* A socket with our buffers: bound to 127.0.0.1 when port is set. */
static int inet_socket(struct sstorm *s, int type, uint16_t *port)
{
	struct sockaddr_in a = lo_addr(0);
	socklen_t len = sizeof(a);
	int fd;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	opened(s, 1);
	set_bufs(s, fd);
	if (port && (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		     getsockname(fd, (struct sockaddr *)&a, &len))) {
		sclose(s, &fd);
		return -1;
	}
	if (port)
		*port = ntohs(a.sin_port);
	return fd;
}

/* Pair every connection the listener has ready with its client end. */
static void tcp_accept_all(struct sstorm *s)
{
	struct pool *p = &s->pool[TCP];
	struct sockaddr_in a;
	socklen_t len;
	struct ent *e;
	size_t i;
	int fd;

	for (;;) {
		len = sizeof(a);
		fd = accept4(s->lfd, (struct sockaddr *)&a, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		/* EAGAIN: nothing ready (yet), not a failure. */
		if (fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (fd < 0) {
			ks_count(s->ctx, OP_TCP_CONNECT, -1, errno);
			if (errno == ECONNABORTED)
				continue;
			return;
		}
		opened(s, 1);
		/* Newest first: it is almost always the one just made. */
		for (i = p->n; i-- > 0;) {
			e = slot(p, i);
			if (e->fd[1] < 0 && e->port == ntohs(a.sin_port)) {
				e->fd[1] = fd;
				break;
			}
		}
		/* Its client was closed meanwhile. */
		if (i == (size_t)-1)
			sclose(s, &fd);
	}
}

static void do_tcp_connect(struct sstorm *s)
{
	struct sockaddr_in a = lo_addr(s->lport);
	socklen_t len = sizeof(a);
	struct ent *e;
	int fd, r;

	if (s->lfd < 0) {
		/* Accepted sockets inherit the listener's buffer sizes. */
		s->lfd = inet_socket(s, SOCK_STREAM, &s->lport);
		/* net.core.somaxconn of a new namespace is 4096. */
		if (s->lfd >= 0 && listen(s->lfd, 4096))
			sclose(s, &s->lfd);
		if (s->lfd < 0) {
			count(s, OP_TCP_CONNECT, -1, &s->pool[TCP]);
			return;
		}
		a = lo_addr(s->lport);
	}
	e = push(s, &s->pool[TCP]);
	/* Buffers before connect(): the window scale is set then. */
	fd = r = inet_socket(s, SOCK_STREAM, NULL);
	if (fd >= 0 && ((connect(fd, (struct sockaddr *)&a, sizeof(a)) &&
			 errno != EINPROGRESS) ||
			getsockname(fd, (struct sockaddr *)&a, &len))) {
		sclose(s, &fd);
		r = -1;
	}
	e->fd[0] = fd;
	e->port = ntohs(a.sin_port);
	if (r < 0)
		drop(s, &s->pool[TCP], e);
	count(s, OP_TCP_CONNECT, r, &s->pool[TCP]);
	if (r >= 0)
		tcp_accept_all(s);
}

static void do_tcp_send(struct sstorm *s)
{
	struct pool *p = &s->pool[TCP];
	struct ent *e;
	ssize_t r;
	int fd;

	if (!p->n) {
		do_tcp_connect(s);
		return;
	}
	e = pick(s, p);
	fd = e->fd[1] >= 0 && (ks_rand64(&s->rnd) & 1) ? e->fd[1] : e->fd[0];
	r = send(fd, s->buf, s->msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	count(s, OP_TCP_SEND, r, p);
	/* A connection reset (e.g. at the limit) is no use any more. */
	if (r < 0 && (errno == EPIPE || errno == ECONNRESET ||
		      errno == ECONNREFUSED))
		drop(s, p, e);
}

static void do_udp_open(struct sstorm *s)
{
	struct ent *e = push(s, &s->pool[UDP]);
	int r;

	r = e->fd[0] = inet_socket(s, SOCK_DGRAM, &e->port);
	if (r < 0)
		drop(s, &s->pool[UDP], e);
	count(s, OP_UDP_OPEN, r, &s->pool[UDP]);
}

static void do_udp_send(struct sstorm *s)
{
	struct pool *p = &s->pool[UDP];
	struct sockaddr_in a;
	ssize_t r;

	if (!p->n) {
		do_udp_open(s);
		return;
	}
	a = lo_addr(pick(s, p)->port);
	r = sendto(pick(s, p)->fd[0], s->buf, s->dgram,
		   MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&a,
		   sizeof(a));
	count(s, OP_UDP_SEND, r, p);
}

static void do_unix_pair(struct sstorm *s)
{
	int type = s->serial++ & 1 ? SOCK_DGRAM : SOCK_STREAM;
	struct ent *e = push(s, &s->pool[UNX]);
	int r;

	r = socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       e->fd);
	if (r) {
		e->fd[0] = e->fd[1] = -1;
		drop(s, &s->pool[UNX], e);
	} else {
		opened(s, 2);
		set_bufs(s, e->fd[0]);
		set_bufs(s, e->fd[1]);
	}
	count(s, OP_UNIX_PAIR, r, &s->pool[UNX]);
}

/*
 * Send the oldest pair's two descriptors over itself (half the time) or
 * over any pair, and close them here.  Over itself the pair's own queue
 * holds the last references to both ends: a cycle only the garbage
 * collector frees.  Over another pair they stay in flight until that one
 * is closed, or collected in turn.
 */
static void do_scm_rights(struct sstorm *s)
{
	struct pool *p = &s->pool[UNX];
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = s->buf, .iov_len = s->dgram };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	struct ent *o;
	ssize_t r;

	if (!p->n) {
		do_unix_pair(s);
		return;
	}
	o = slot(p, 0);
	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), o->fd, 2 * sizeof(int));
	r = sendmsg((ks_rand64(&s->rnd) & 1 ? o : pick(s, p))->fd[0], &mh,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	count(s, OP_SCM_RIGHTS, r, p);
	if (r >= 0)
		drop_oldest(s, p);
}

/*
 * Raise the soft RLIMIT_NOFILE to the hard one and shrink the caps until
 * every socket fits, keeping their proportions.
 */
static void fit_caps(struct sstorm *s, size_t *cap)
{
	uint64_t lim = ks_raise_nofile(), budget, need;
	int i;

	budget = lim > FD_RESERVE ? lim - FD_RESERVE : 0;
	/* Two sockets per connection and pair, plus the listener. */
	need = 2 * cap[TCP] + cap[UDP] + 2 * cap[UNX] + 1;
	if (need <= budget)
		return;
	/* Never down to 0: that would turn operations off. */
	for (i = 0; i < NR_POOLS; i++)
		if (cap[i])
			cap[i] = cap[i] * budget / need ?: 1;
	if (s->ctx->worker == 0)
		fprintf(stderr, "kmemstorm: socket: RLIMIT_NOFILE %llu: "
			"capped to tcp_conns %zu, udp_socks %zu, unix_pairs "
			"%zu per worker\n", (unsigned long long)lim,
			cap[TCP], cap[UDP], cap[UNX]);
}

/*
 * Cumulative weights of the storm's operations, from OP_TCP_CONNECT on;
 * those of a pool with a cap of 0 count as 0.  Returns the total.
 */
static uint64_t weights(const struct ks_opt_value *o, const size_t *cap,
			uint64_t *cum)
{
	static const int pool_of[NR_OPS] = {
		[OP_TCP_CONNECT] = TCP, [OP_TCP_SEND] = TCP,
		[OP_UDP_OPEN] = UDP, [OP_UDP_SEND] = UDP,
		[OP_UNIX_PAIR] = UNX, [OP_SCM_RIGHTS] = UNX,
	};
	uint64_t sum = 0;
	int i;

	for (i = OP_TCP_CONNECT; i < NR_OPS; i++) {
		if (cap[pool_of[i]])
			sum += o[OPT_W_TCP_CONNECT + i - OP_TCP_CONNECT].num;
		cum[i] = sum;
	}
	return sum;
}

static void caps_of(const struct ks_opt_value *o, size_t *cap)
{
	cap[TCP] = o[OPT_TCP_CONNS].num;
	cap[UDP] = o[OPT_UDP_SOCKS].num;
	cap[UNX] = o[OPT_UNIX_PAIRS].num;
}

static int socket_setup(struct ks_wl_ctx *ctx)
{
	size_t cap[NR_POOLS];
	uint64_t cum[NR_OPS];
	int status, e, r = 0;
	pid_t pid;

	caps_of(ctx->opt, cap);
	if (!weights(ctx->opt, cap, cum)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "socket: every operation has weight 0 or a cap of 0");
		return -1;
	}
	/*
	 * Each worker unshares its network namespace; find out now, in a
	 * throwaway child, whether that can work at all.
	 */
	pid = fork();
	if (!pid)
		_exit(unshare(CLONE_NEWNET) ? errno & 0xff : 0);
	while (pid > 0 && (r = waitpid(pid, &status, 0)) < 0 &&
	       errno == EINTR)
		;
	if (pid < 0 || r < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "socket: %s: %s",
			 pid < 0 ? "fork" : "waitpid", strerror(errno));
		return -1;
	}
	e = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
	if (e == EPERM)
		snprintf(ctx->err, sizeof(ctx->err),
			 "socket storm needs CAP_SYS_ADMIN for a private "
			 "network namespace");
	else if (e)
		snprintf(ctx->err, sizeof(ctx->err),
			 "socket: unshare(CLONE_NEWNET): %s%s", strerror(e),
			 e == EINVAL ? " (kernel without CONFIG_NET_NS?)" :
			 e == ENOSPC ? " (user.max_net_namespaces?)" : "");
	return e ? -1 : 0;
}

static void close_all(struct sstorm *s)
{
	int i;

	for (i = 0; i < NR_POOLS; i++)
		while (s->pool[i].n)
			drop_oldest(s, &s->pool[i]);
	sclose(s, &s->lfd);
}

/* Lay out the pools and the send buffer in one mapping, faulted in. */
static int map_state(struct sstorm *s, const size_t *cap)
{
	size_t off = 0;
	int i;

	s->maplen = (cap[TCP] + cap[UDP] + cap[UNX]) * sizeof(struct ent) +
		    s->msg;
	/* A page fault at the limit may stall us: see dentry.c. */
	s->map = mmap(NULL, s->maplen, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		return -1;
	}
	for (i = 0; i < NR_POOLS; i++) {
		s->pool[i].e = (struct ent *)s->map + off;
		s->pool[i].max = cap[i];
		off += cap[i];
	}
	s->buf = (char *)((struct ent *)s->map + off);
	memset(s->buf, 'k', s->msg);
	return 0;
}

static void (*const do_op[NR_OPS])(struct sstorm *) = {
	[OP_TCP_CONNECT] = do_tcp_connect, [OP_TCP_SEND] = do_tcp_send,
	[OP_UDP_OPEN] = do_udp_open, [OP_UDP_SEND] = do_udp_send,
	[OP_UNIX_PAIR] = do_unix_pair, [OP_SCM_RIGHTS] = do_scm_rights,
};

static int socket_run(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct sstorm s = { .ctx = ctx, .lfd = -1, .force = true };
	uint64_t cum[NR_OPS], sum, x;
	size_t cap[NR_POOLS];
	int ret = 1, op, r;

	s.buf_size = o[OPT_BUF_SIZE].num;
	s.msg = o[OPT_MSG_SIZE].num;
	s.dgram = s.msg < DGRAM_MAX ? s.msg : DGRAM_MAX;
	s.rnd = ((0x9E3779B97F4A7C15ULL * (ctx->worker + 1)) ^ getpid()) | 1;
	caps_of(o, cap);
	fit_caps(&s, cap);
	sum = weights(o, cap, cum);
	opened(&s, 0);
	if (map_state(&s, cap)) {
		fprintf(stderr, "kmemstorm: socket worker %d: mmap: %s\n",
			ctx->worker, strerror(errno));
		return 1;
	}
	r = ks_private_netns(ctx, OP_NETNS);
	if (r < 0)
		goto out;
	ret = 0;
	while (!r && !ks_should_stop(ctx)) {
		x = ks_rand64(&s.rnd) % sum;
		for (op = OP_TCP_CONNECT; x >= cum[op]; op++)
			;
		do_op[op](&s);
	}
out:
	/* The namespace would take them along; closing them keeps count. */
	close_all(&s);
	munmap(s.map, s.maplen);
	return ret;
}

const struct ks_workload ks_wl_socket = {
	.name = "socket",
	.summary = "TCP, UDP and unix sockets with full buffers, and "
		   "descriptors in flight, in a private network namespace",
	.ops = { [OP_NETNS] = "netns", [OP_TCP_CONNECT] = "tcp_connect",
		 [OP_TCP_SEND] = "tcp_send", [OP_UDP_OPEN] = "udp_open",
		 [OP_UDP_SEND] = "udp_send", [OP_UNIX_PAIR] = "unix_pair",
		 [OP_SCM_RIGHTS] = "scm_rights", [NR_OPS] = NULL },
	/*
	 * ENOBUFS is the network stack's out-of-memory; EAGAIN a full
	 * non-blocking buffer or backlog.
	 */
	.allow = { [OP_NETNS] = "ENOSPC",
		   [OP_TCP_CONNECT] = "ENOBUFS EAGAIN ECONNREFUSED ETIMEDOUT",
		   [OP_TCP_SEND] = "ENOBUFS EAGAIN EPIPE ECONNRESET",
		   [OP_UDP_OPEN] = "ENOBUFS",
		   [OP_UDP_SEND] = "ENOBUFS EAGAIN",
		   [OP_UNIX_PAIR] = "ENOBUFS",
		   [OP_SCM_RIGHTS] = "ENOBUFS EAGAIN ETOOMANYREFS" },
	.opts = socket_opts,
	.setup = socket_setup,
	.run = socket_run,
};
