// SPDX-License-Identifier: GPL-2.0
/*
 * Bare socket loop: the socket storm's default mix (workloads/socket.c:
 * each worker in a network namespace of its own with lo up; up to 256 TCP
 * connections to its own listener, 64 bound UDP sockets and 128 unix
 * pairs, oldest closed first; SO_SNDBUF/SO_RCVBUF 128K forced, 16K sends,
 * never read; weights tcp_connect 2, tcp_send 40, udp_open 2, udp_send 20,
 * unix_pair 15, scm_rights 15) with no harness around it.  DIR is unused.
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -o bare-socket socket.c
 */
#include "bare.h"

#include <fcntl.h>
#include <sched.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define TCP_CONNS	256
#define UDP_SOCKS	64
#define UNIX_PAIRS	128
#define BUF_SIZE	(128 << 10)
#define MSG_SIZE	(16 << 10)

enum {
	OP_NETNS, OP_TCP_CONNECT, OP_TCP_SEND, OP_UDP_OPEN, OP_UDP_SEND,
	OP_UNIX_PAIR, OP_SCM_RIGHTS, NR_OPS
};

static const char *const op_names[] = {
	"netns", "tcp_connect", "tcp_send", "udp_open", "udp_send",
	"unix_pair", "scm_rights", NULL
};

/* Cumulative weights from OP_TCP_CONNECT on: 2, 40, 2, 20, 15, 15. */
static const uint64_t cum[NR_OPS] = {
	[OP_TCP_CONNECT] = 2, [OP_TCP_SEND] = 42, [OP_UDP_OPEN] = 44,
	[OP_UDP_SEND] = 64, [OP_UNIX_PAIR] = 79, [OP_SCM_RIGHTS] = 94,
};

struct ent {
	int fd[2];
	uint16_t port;
};

struct pool {
	struct ent *e;
	size_t head, n, max;
};

enum { TCP, UDP, UNX, NR_POOLS };

struct sloop {
	struct bare_counts *c;
	uint64_t rnd, serial;
	int lfd;
	uint16_t lport;
	bool force;
	struct pool pool[NR_POOLS];
	char *buf;
};

static struct ent *slot(struct pool *p, size_t i)
{
	return &p->e[(p->head + i) % p->max];
}

static struct ent *pick(struct sloop *s, struct pool *p)
{
	return slot(p, bare_rand(&s->rnd) % p->n);
}

static void sclose(int *fd)
{
	int e = errno;

	if (*fd < 0)
		return;
	close(*fd);
	*fd = -1;
	errno = e;
}

static void drop_oldest(struct pool *p)
{
	struct ent *e;

	if (!p->n)
		return;
	e = slot(p, 0);
	sclose(&e->fd[0]);
	sclose(&e->fd[1]);
	p->head = (p->head + 1) % p->max;
	p->n--;
}

static void drop(struct pool *p, struct ent *e)
{
	struct ent *old = slot(p, 0);
	struct ent tmp = *e;

	*e = *old;
	*old = tmp;
	drop_oldest(p);
}

static struct ent *push(struct pool *p)
{
	struct ent *e;

	if (p->n == p->max)
		drop_oldest(p);
	e = slot(p, p->n++);
	e->fd[0] = e->fd[1] = -1;
	return e;
}

/* Count a success; out of memory or descriptors: give some back. */
static void count(struct sloop *s, int op, long r, struct pool *p)
{
	int e = errno;

	if (r >= 0) {
		s->c->ops[op]++;
		return;
	}
	if (e == ENOMEM || e == ENOBUFS || e == EMFILE || e == ENFILE)
		drop_oldest(p);
}

static void set_bufs(struct sloop *s, int fd)
{
	static const int opt[2][2] = {
		{ SO_SNDBUFFORCE, SO_SNDBUF }, { SO_RCVBUFFORCE, SO_RCVBUF },
	};
	int sz = BUF_SIZE, i;

	for (i = 0; i < 2; i++) {
		if (s->force && !setsockopt(fd, SOL_SOCKET, opt[i][0], &sz,
					    sizeof(sz)))
			continue;
		s->force = false;
		setsockopt(fd, SOL_SOCKET, opt[i][1], &sz, sizeof(sz));
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

static int inet_socket(struct sloop *s, int type, uint16_t *port)
{
	struct sockaddr_in a = lo_addr(0);
	socklen_t len = sizeof(a);
	int fd;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	set_bufs(s, fd);
	if (port && (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		     getsockname(fd, (struct sockaddr *)&a, &len))) {
		sclose(&fd);
		return -1;
	}
	if (port)
		*port = ntohs(a.sin_port);
	return fd;
}

static void tcp_accept_all(struct sloop *s)
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
		if (fd < 0 && errno == ECONNABORTED)
			continue;
		if (fd < 0)
			return;
		for (i = p->n; i-- > 0;) {
			e = slot(p, i);
			if (e->fd[1] < 0 && e->port == ntohs(a.sin_port)) {
				e->fd[1] = fd;
				break;
			}
		}
		if (i == (size_t)-1)
			sclose(&fd);
	}
}

static void tcp_connect(struct sloop *s)
{
	struct sockaddr_in a = lo_addr(s->lport);
	socklen_t len = sizeof(a);
	struct ent *e;
	int fd, r;

	if (s->lfd < 0) {
		s->lfd = inet_socket(s, SOCK_STREAM, &s->lport);
		if (s->lfd >= 0 && listen(s->lfd, 4096))
			sclose(&s->lfd);
		if (s->lfd < 0) {
			count(s, OP_TCP_CONNECT, -1, &s->pool[TCP]);
			return;
		}
		a = lo_addr(s->lport);
	}
	e = push(&s->pool[TCP]);
	fd = r = inet_socket(s, SOCK_STREAM, NULL);
	if (fd >= 0 && ((connect(fd, (struct sockaddr *)&a, sizeof(a)) &&
			 errno != EINPROGRESS) ||
			getsockname(fd, (struct sockaddr *)&a, &len))) {
		sclose(&fd);
		r = -1;
	}
	e->fd[0] = fd;
	e->port = ntohs(a.sin_port);
	if (r < 0)
		drop(&s->pool[TCP], e);
	count(s, OP_TCP_CONNECT, r, &s->pool[TCP]);
	if (r >= 0)
		tcp_accept_all(s);
}

static void tcp_send(struct sloop *s)
{
	struct pool *p = &s->pool[TCP];
	struct ent *e;
	ssize_t r;
	int fd;

	if (!p->n) {
		tcp_connect(s);
		return;
	}
	e = pick(s, p);
	fd = e->fd[1] >= 0 && (bare_rand(&s->rnd) & 1) ? e->fd[1] : e->fd[0];
	r = send(fd, s->buf, MSG_SIZE, MSG_DONTWAIT | MSG_NOSIGNAL);
	count(s, OP_TCP_SEND, r, p);
	if (r < 0 && (errno == EPIPE || errno == ECONNRESET ||
		      errno == ECONNREFUSED))
		drop(p, e);
}

static void udp_open(struct sloop *s)
{
	struct ent *e = push(&s->pool[UDP]);
	int r;

	r = e->fd[0] = inet_socket(s, SOCK_DGRAM, &e->port);
	if (r < 0)
		drop(&s->pool[UDP], e);
	count(s, OP_UDP_OPEN, r, &s->pool[UDP]);
}

static void udp_send(struct sloop *s)
{
	struct pool *p = &s->pool[UDP];
	struct sockaddr_in a;
	ssize_t r;

	if (!p->n) {
		udp_open(s);
		return;
	}
	a = lo_addr(pick(s, p)->port);
	r = sendto(pick(s, p)->fd[0], s->buf, MSG_SIZE,
		   MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&a,
		   sizeof(a));
	count(s, OP_UDP_SEND, r, p);
}

static void unix_pair(struct sloop *s)
{
	int type = s->serial++ & 1 ? SOCK_DGRAM : SOCK_STREAM;
	struct ent *e = push(&s->pool[UNX]);
	int r;

	r = socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       e->fd);
	if (r) {
		e->fd[0] = e->fd[1] = -1;
		drop(&s->pool[UNX], e);
	} else {
		set_bufs(s, e->fd[0]);
		set_bufs(s, e->fd[1]);
	}
	count(s, OP_UNIX_PAIR, r, &s->pool[UNX]);
}

static void scm_rights(struct sloop *s)
{
	struct pool *p = &s->pool[UNX];
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = s->buf, .iov_len = MSG_SIZE };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	struct ent *o;
	ssize_t r;

	if (!p->n) {
		unix_pair(s);
		return;
	}
	o = slot(p, 0);
	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), o->fd, 2 * sizeof(int));
	r = sendmsg((bare_rand(&s->rnd) & 1 ? o : pick(s, p))->fd[0], &mh,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	count(s, OP_SCM_RIGHTS, r, p);
	if (r >= 0)
		drop_oldest(p);
}

/* A network namespace of our own with lo up: two operations. */
static int private_netns(struct bare_counts *c)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (unshare(CLONE_NEWNET))
		return -1;
	c->ops[OP_NETNS]++;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		return -1;
	close(fd);
	c->ops[OP_NETNS]++;
	return 0;
}

static void (*const do_op[NR_OPS])(struct sloop *) = {
	[OP_TCP_CONNECT] = tcp_connect, [OP_TCP_SEND] = tcp_send,
	[OP_UDP_OPEN] = udp_open, [OP_UDP_SEND] = udp_send,
	[OP_UNIX_PAIR] = unix_pair, [OP_SCM_RIGHTS] = scm_rights,
};

static int run(int worker, const char *dir, struct bare_counts *c)
{
	static const size_t cap[NR_POOLS] = {
		TCP_CONNS, UDP_SOCKS, UNIX_PAIRS
	};
	struct sloop s = { .c = c, .lfd = -1, .force = true };
	size_t len = (TCP_CONNS + UDP_SOCKS + UNIX_PAIRS) * sizeof(struct ent) +
		     MSG_SIZE, off = 0;
	struct rlimit rl;
	uint64_t x;
	void *map;
	int i, op;

	(void)dir;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	s.rnd = ((0x9E3779B97F4A7C15ULL * (worker + 1)) ^ getpid()) | 1;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (map == MAP_FAILED) {
		perror("bare-socket: mmap");
		return 1;
	}
	for (i = 0; i < NR_POOLS; i++) {
		s.pool[i].e = (struct ent *)map + off;
		s.pool[i].max = cap[i];
		off += cap[i];
	}
	s.buf = (char *)((struct ent *)map + off);
	memset(s.buf, 'k', MSG_SIZE);
	if (private_netns(c)) {
		perror("bare-socket: private network namespace");
		return 1;
	}
	while (!bare_stop) {
		x = bare_rand(&s.rnd) % cum[OP_SCM_RIGHTS];
		for (op = OP_TCP_CONNECT; x >= cum[op]; op++)
			;
		do_op[op](&s);
	}
	for (i = 0; i < NR_POOLS; i++)
		while (s.pool[i].n)
			drop_oldest(&s.pool[i]);
	sclose(&s.lfd);
	munmap(map, len);
	return 0;
}

int main(int argc, char **argv)
{
	return bare_main(argc, argv, op_names, run);
}
