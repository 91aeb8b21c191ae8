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
 *
 * run() is begin(), step() of weighted random picks, end(); a fail-nth
 * sweep runs each operation alone (socket_step() says what one is).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "socket_ops.h"

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

static int socket_setup(struct ks_wl_ctx *ctx)
{
	size_t cap[NR_POOLS];
	uint64_t w[NR_OPS];
	int status, e, r = 0;
	pid_t pid;

	sk_caps_of(ctx->opt, cap);
	if (!sk_weights(ctx->opt, cap, w)) {
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

/*
 * The private namespace this process made last; dev 0 while none.  A
 * sweep's begin() runs once per operation: in the namespace the previous
 * state left it goes on, instead of piling up a namespace per operation.
 */
static dev_t own_ns_dev;
static ino_t own_ns_ino;

static bool in_own_netns(void)
{
	struct stat st;

	return own_ns_dev && !stat("/proc/self/ns/net", &st) &&
	       st.st_dev == own_ns_dev && st.st_ino == own_ns_ino;
}

static void socket_end(void *state)
{
	struct sstorm *s = state;

	/* The namespace would take them along; closing them keeps count. */
	sk_close_all(s);
	if (s->map)
		munmap(s->map, s->maplen);
	free(s);
}

static void *socket_begin(struct ks_wl_ctx *ctx)
{
	const struct ks_opt_value *o = ctx->opt;
	struct sstorm *s = calloc(1, sizeof(*s));
	size_t cap[NR_POOLS];
	uint64_t w[NR_OPS];
	struct stat st;

	if (!s) {
		fprintf(stderr, "kmemstorm: socket worker %d: out of memory\n",
			ctx->worker);
		return NULL;
	}
	s->ctx = ctx;
	s->lfd = -1;
	s->force = true;
	s->buf_size = o[OPT_BUF_SIZE].num;
	s->msg = o[OPT_MSG_SIZE].num;
	s->dgram = s->msg < DGRAM_MAX ? s->msg : DGRAM_MAX;
	s->rnd = ks_worker_seed(ctx, 1);
	sk_caps_of(o, cap);
	sk_fit_caps(s, cap);
	sk_weights(o, cap, w);
	ks_mix_init(&s->mix, w, NR_OPS, ctx);
	sk_opened(s, 0);
	/* ks_map_populated() said why, unless told to stop. */
	if (sk_map_state(s, cap))
		goto fail;
	if (in_own_netns())
		return s;
	if (ks_private_netns(ctx, OP_NETNS))
		goto fail;
	if (!stat("/proc/self/ns/net", &st)) {
		own_ns_dev = st.st_dev;
		own_ns_ino = st.st_ino;
	}
	return s;
fail:
	socket_end(s);
	return NULL;
}

/*
 * Everything but the operation: a listener to connect to, room in the
 * pool, a live socket to send on with nothing waiting in it.  A sweep
 * makes stream pairs only, where the storm alternates: every step must
 * take the same path through the kernel.
 */
static int socket_prepare(void *state, int op)
{
	struct sstorm *s = state;
	struct pool *p;

	switch (op) {
	case OP_TCP_CONNECT:
		sk_make_room(s, &s->pool[TCP]);
		return sk_listener(s);
	case OP_TCP_SEND:
		p = &s->pool[TCP];
		if (!p->n)
			sk_tcp_connect(s);
		/* The accepted end, if the handshake was late. */
		sk_tcp_accept_all(s);
		sk_drain(s, p);
		return p->n ? 0 : -1;
	case OP_UDP_OPEN:
		sk_make_room(s, &s->pool[UDP]);
		return 0;
	case OP_UDP_SEND:
		p = &s->pool[UDP];
		if (!p->n)
			sk_udp_open(s);
		sk_drain(s, p);
		return p->n ? 0 : -1;
	case OP_UNIX_PAIR:
		sk_make_room(s, &s->pool[UNX]);
		s->serial &= ~(uint64_t)1;
		return 0;
	case OP_SCM_RIGHTS:
		/* One pair, sent over itself and closed by the step. */
		p = &s->pool[UNX];
		if (!p->n) {
			s->serial &= ~(uint64_t)1;
			sk_unix_pair(s);
		}
		return p->n ? 0 : -1;
	}
	return 0;
}

/*
 * One operation.  netns is one unshare(CLONE_NEWNET), where setting up
 * every subsystem's per-namespace state allocates: the worker moves into
 * the new namespace (lo left down: nothing sends there) and the next
 * begin() makes a private one again.  Not in a forked child: fork() would
 * spend the fail-nth count in the parent, and the child starts without
 * one.  tcp_connect is socket(), the SO_*BUF setsockopt()s, connect(),
 * getsockname() and accept4() of the server end; udp_open socket(),
 * setsockopt()s, bind() and getsockname(); unix_pair socketpair() and
 * setsockopt()s; scm_rights one sendmsg() and the close() of the two
 * descriptors sent; the sends one send() or sendto().
 */
static void socket_step(void *state, int op)
{
	struct sstorm *s = state;
	int r;

	switch (op) {
	case OP_NETNS:
		r = unshare(CLONE_NEWNET);
		ks_count(s->ctx, OP_NETNS, r, errno);
		break;
	case OP_TCP_CONNECT:
		sk_tcp_connect(s);
		break;
	case OP_TCP_SEND:
		sk_tcp_send(s);
		break;
	case OP_UDP_OPEN:
		sk_udp_open(s);
		break;
	case OP_UDP_SEND:
		sk_udp_send(s);
		break;
	case OP_UNIX_PAIR:
		sk_unix_pair(s);
		break;
	case OP_SCM_RIGHTS:
		sk_scm_rights(s);
		break;
	}
}

static int socket_run(struct ks_wl_ctx *ctx)
{
	struct sstorm *s = socket_begin(ctx);

	if (!s)
		return ks_should_stop(ctx) ? 0 : 1;
	if (!s->mix.sum) {
		fprintf(stderr, "kmemstorm: socket worker %d: RLIMIT_NOFILE leaves no operation to do\n",
			ctx->worker);
		socket_end(s);
		return 1;
	}
	/* Its own loop: the weights follow the caps begin() fitted. */
	while (!ks_should_stop(ctx))
		socket_step(s, ks_mix_pick(&s->mix));
	socket_end(s);
	return 0;
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
	 * ENOBUFS is the network stack's out-of-memory (a namespace makes
	 * kernel sockets of its own: sk_alloc() failing there is ENOBUFS
	 * too); EAGAIN a full non-blocking buffer or backlog.
	 */
	.allow = { [OP_NETNS] = "ENOSPC ENOBUFS",
		   [OP_TCP_CONNECT] = "ENOBUFS EAGAIN ECONNREFUSED ETIMEDOUT",
		   [OP_TCP_SEND] = "ENOBUFS EAGAIN EPIPE ECONNRESET",
		   [OP_UDP_OPEN] = "ENOBUFS",
		   [OP_UDP_SEND] = "ENOBUFS EAGAIN",
		   [OP_UNIX_PAIR] = "ENOBUFS",
		   [OP_SCM_RIGHTS] = "ENOBUFS EAGAIN ETOOMANYREFS" },
	/*
	 * Under injection: sock_alloc() failing is ENFILE; a new network
	 * namespace whose per-net setup failed says what the failed init
	 * returned (sysctl EEXIST, device ENODEV, EINVAL, EAFNOSUPPORT, a
	 * kernel socket's ENFILE); a failed bind bucket or autobind is
	 * EADDRNOTAVAIL (seen in socket-failslab on the project kernel), and
	 * in the listener tcp_connect makes first, inet_csk_get_port()'s
	 * default EADDRINUSE when inet_bind_bucket_create() or
	 * inet_bind2_bucket_create() fails (seen there once in 21 nights).
	 */
	.known = { [OP_NETNS] = "EEXIST ENODEV EINVAL ENFILE EAFNOSUPPORT",
		   [OP_TCP_CONNECT] = "ENFILE EADDRNOTAVAIL EADDRINUSE",
		   [OP_UDP_OPEN] = "ENFILE EADDRNOTAVAIL",
		   [OP_UNIX_PAIR] = "ENFILE", [OP_SCM_RIGHTS] = "ENFILE" },
	.opts = socket_opts,
	.setup = socket_setup,
	.run = socket_run,
	.begin = socket_begin,
	.prepare = socket_prepare,
	.step = socket_step,
	.end = socket_end,
};
