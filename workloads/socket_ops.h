/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket storm's inside, shared by workloads/socket.c (options, setup,
 * the worker's life cycle: begin/prepare/step/end and run) and
 * workloads/socket_ops.c (the pools of sockets and the operations on them).
 */
#ifndef KS_SOCKET_OPS_H
#define KS_SOCKET_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	struct ks_mix mix;		/* run(): the weighted picks */
	struct pool pool[NR_POOLS];
	char *buf;		/* msg bytes to send */
	void *map;
	size_t maplen;
};

/* Pool bookkeeping (socket_ops.c). */
void sk_opened(struct sstorm *s, int n);
void sk_drop_oldest(struct sstorm *s, struct pool *p);
/* Give p room for one more: at the cap the oldest goes. */
void sk_make_room(struct sstorm *s, struct pool *p);
/* Close every socket of every pool and the listener. */
void sk_close_all(struct sstorm *s);
/*
 * Read whatever waits on every socket of p, so the next send finds room
 * and takes the path a send into a live connection takes.
 */
void sk_drain(struct sstorm *s, struct pool *p);

/* The listener of the TCP connections: 0, or -1 counted as tcp_connect. */
int sk_listener(struct sstorm *s);
/* Pair every connection the listener has ready with its client end. */
void sk_tcp_accept_all(struct sstorm *s);

/* The operations, as run() does them: counted, recycling at the caps. */
void sk_tcp_connect(struct sstorm *s);
void sk_tcp_send(struct sstorm *s);
void sk_udp_open(struct sstorm *s);
void sk_udp_send(struct sstorm *s);
void sk_unix_pair(struct sstorm *s);
void sk_scm_rights(struct sstorm *s);

/* Options to caps, RLIMIT_NOFILE, weights and the worker's mapping. */
void sk_caps_of(const struct ks_opt_value *o, size_t *cap);
void sk_fit_caps(struct sstorm *s, size_t *cap);
/* w[op]: the weight of op, 0 for a pool capped at 0; the sum. */
uint64_t sk_weights(const struct ks_opt_value *o, const size_t *cap,
		    uint64_t *w);
int sk_map_state(struct sstorm *s, const size_t *cap);

#endif
