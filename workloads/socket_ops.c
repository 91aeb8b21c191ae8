// SPDX-License-Identifier: GPL-2.0
/*
 * The socket storm's pools and operations: see socket.c for what the storm
 * does and socket_ops.h for how the two files share its state.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "socket_ops.h"

static struct ent *slot(struct pool *p, size_t i)
{
	return &p->e[(p->head + i) % p->max];
}

static struct ent *pick(struct sstorm *s, struct pool *p)
{
	return slot(p, ks_rand64(&s->rnd) % p->n);
}

void sk_opened(struct sstorm *s, int n)
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
	sk_opened(s, -1);
	errno = e;
}

void sk_drop_oldest(struct sstorm *s, struct pool *p)
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
	sk_drop_oldest(s, p);
}

void sk_make_room(struct sstorm *s, struct pool *p)
{
	if (p->n == p->max)
		sk_drop_oldest(s, p);
}

/* The newest place in p, for one more: at the cap the oldest goes. */
static struct ent *push(struct sstorm *s, struct pool *p)
{
	struct ent *e;

	sk_make_room(s, p);
	e = slot(p, p->n++);
	e->fd[0] = e->fd[1] = -1;
	return e;
}

void sk_drain(struct sstorm *s, struct pool *p)
{
	size_t i;
	int k;

	for (i = 0; i < p->n; i++)
		for (k = 0; k < 2; k++)
			while (slot(p, i)->fd[k] >= 0 &&
			       recv(slot(p, i)->fd[k], s->buf, s->msg,
				    MSG_DONTWAIT) > 0)
				;
}

/* Count op; out of memory, buffers or descriptors: give some back. */
static void count(struct sstorm *s, int op, int r, struct pool *p)
{
	int e = errno;

	ks_count(s->ctx, op, r < 0 ? -1 : 0, e);
	if (r < 0 && (e == ENOMEM || e == ENOBUFS || e == EMFILE ||
		      e == ENFILE))
		sk_drop_oldest(s, p);
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
	sk_opened(s, 1);
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
void sk_tcp_accept_all(struct sstorm *s)
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
		sk_opened(s, 1);
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

int sk_listener(struct sstorm *s)
{
	if (s->lfd >= 0)
		return 0;
	/* Accepted sockets inherit the listener's buffer sizes. */
	s->lfd = inet_socket(s, SOCK_STREAM, &s->lport);
	/* net.core.somaxconn of a new namespace is 4096. */
	if (s->lfd >= 0 && listen(s->lfd, 4096))
		sclose(s, &s->lfd);
	if (s->lfd >= 0)
		return 0;
	count(s, OP_TCP_CONNECT, -1, &s->pool[TCP]);
	return -1;
}

void sk_tcp_connect(struct sstorm *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct ent *e;
	int fd, r;

	if (sk_listener(s))
		return;
	a = lo_addr(s->lport);
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
		sk_tcp_accept_all(s);
}

void sk_tcp_send(struct sstorm *s)
{
	struct pool *p = &s->pool[TCP];
	struct ent *e;
	ssize_t r;
	int fd;

	if (!p->n) {
		sk_tcp_connect(s);
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

void sk_udp_open(struct sstorm *s)
{
	struct ent *e = push(s, &s->pool[UDP]);
	int r;

	r = e->fd[0] = inet_socket(s, SOCK_DGRAM, &e->port);
	if (r < 0)
		drop(s, &s->pool[UDP], e);
	count(s, OP_UDP_OPEN, r, &s->pool[UDP]);
}

void sk_udp_send(struct sstorm *s)
{
	struct pool *p = &s->pool[UDP];
	struct sockaddr_in a;
	ssize_t r;

	if (!p->n) {
		sk_udp_open(s);
		return;
	}
	a = lo_addr(pick(s, p)->port);
	r = sendto(pick(s, p)->fd[0], s->buf, s->dgram,
		   MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&a,
		   sizeof(a));
	count(s, OP_UDP_SEND, r, p);
}

void sk_unix_pair(struct sstorm *s)
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
		sk_opened(s, 2);
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
void sk_scm_rights(struct sstorm *s)
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
		sk_unix_pair(s);
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
		sk_drop_oldest(s, p);
}

/*
 * Raise the soft RLIMIT_NOFILE to the hard one and shrink the caps until
 * every socket fits, keeping their proportions.
 */
void sk_fit_caps(struct sstorm *s, size_t *cap)
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
uint64_t sk_weights(const struct ks_opt_value *o, const size_t *cap,
			uint64_t *w)
{
	static const int pool_of[NR_OPS] = {
		[OP_TCP_CONNECT] = TCP, [OP_TCP_SEND] = TCP,
		[OP_UDP_OPEN] = UDP, [OP_UDP_SEND] = UDP,
		[OP_UNIX_PAIR] = UNX, [OP_SCM_RIGHTS] = UNX,
	};
	uint64_t sum = 0;
	int i;

	w[OP_NETNS] = 0;
	for (i = OP_TCP_CONNECT; i < NR_OPS; i++) {
		w[i] = cap[pool_of[i]] ?
		       o[OPT_W_TCP_CONNECT + i - OP_TCP_CONNECT].num : 0;
		sum += w[i];
	}
	return sum;
}

void sk_caps_of(const struct ks_opt_value *o, size_t *cap)
{
	cap[TCP] = o[OPT_TCP_CONNS].num;
	cap[UDP] = o[OPT_UDP_SOCKS].num;
	cap[UNX] = o[OPT_UNIX_PAIRS].num;
}

void sk_close_all(struct sstorm *s)
{
	int i;

	for (i = 0; i < NR_POOLS; i++)
		while (s->pool[i].n)
			sk_drop_oldest(s, &s->pool[i]);
	sclose(s, &s->lfd);
}

/* Lay out the pools and the send buffer in one mapping, faulted in. */
int sk_map_state(struct sstorm *s, const size_t *cap)
{
	size_t off = 0;
	int i;

	s->maplen = (cap[TCP] + cap[UDP] + cap[UNX]) * sizeof(struct ent) +
		    s->msg;
	/* A page fault at the limit may stall us: see dentry.c. */
	s->map = ks_map_populated(s->ctx, s->maplen);
	if (!s->map)
		return -1;
	for (i = 0; i < NR_POOLS; i++) {
		s->pool[i].e = (struct ent *)s->map + off;
		s->pool[i].max = cap[i];
		off += cap[i];
	}
	s->buf = (char *)((struct ent *)s->map + off);
	memset(s->buf, 'k', s->msg);
	return 0;
}
