// SPDX-License-Identifier: GPL-2.0
/*
 * The socket and uring storms, driven by hand the way the harness drives
 * them: setup, workers forked with counters in shared memory, teardown.
 * No cgroup here: these check the storms work, count, recycle and leave
 * nothing behind, not what the kernel does at a limit.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <liburing.h>

#include "storm_fixture.h"
#include "workload.h"

/* Our network namespace, for the socket workers to differ from. */
static char netns[64];

/* storm_init(), noting our network namespace. */
static void net_storm_init(struct storm *s, const char *wl,
			   const char *workdir)
{
	ssize_t n;

	storm_init(s, wl, workdir);
	memset(netns, 0, sizeof(netns));
	n = readlink("/proc/self/ns/net", netns, sizeof(netns) - 1);
	CHECK(n > 0, "readlink ns/net: %s", strerror(errno));
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * One worker: run, then insist that it closed every descriptor it opened
 * and (socket) that it ran in a network namespace other than ours.
 */
static void worker(struct storm *s, int i, void *arg)
{
	bool own_netns = *(bool *)arg;
	char ns[64] = "";
	int n0, r;

	s->ctx.worker = i;
	s->ctx.ctr = &s->ctr[i];
	n0 = count_fds();
	r = ks_workload_run(&s->ctx);
	if (r)
		_exit(r);
	if (count_fds() != n0)
		_exit(91);
	if (readlink("/proc/self/ns/net", ns, sizeof(ns) - 1) < 0 ||
	    (own_netns && !strcmp(ns, netns)))
		_exit(92);
	_exit(0);
}

/*
 * storm_run() with worker(): (socket) in a network namespace of its own
 * when own_netns is set.
 */
static int net_storm_run(struct storm *s, int ms, bool midway, bool own_netns)
{
	return storm_run(s, ms, midway, worker, &own_netns);
}

static int op_index(const struct storm *s, const char *name)
{
	int i;

	for (i = 0; s->wl->ops[i]; i++)
		if (!strcmp(s->wl->ops[i], name))
			return i;
	CHECK(0, "%s has no operation %s", s->wl->name, name);
	return -1;
}

static uint64_t ops_of(const struct storm *s, const char *name)
{
	return s->sum.ops[op_index(s, name)];
}

/* Run fn in a forked child (its own netns, seccomp...): must exit 0. */
static void in_fork(void (*fn)(const char *wd))
{
	char wd[PATH_MAX];

	mkscratch(wd, sizeof(wd), disk_base());
	storm_in_fork(fn, wd);
	cr_assert(dir_empty(wd), "%s not empty", wd);
	rmdir(wd);
}

/* Make syscall nr fail with EPERM from now on, in this process. */
static void deny(long nr)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	CHECK(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) &&
	      !prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog),
	      "seccomp: %s", strerror(errno));
}

Test(registry, finds_socket_and_uring)
{
	static const char *const want[][9] = {
		{ "socket", "netns", "tcp_connect", "tcp_send", "udp_open",
		  "udp_send", "unix_pair", "scm_rights", NULL },
		{ "uring", "openat", "statx", "mkdirat", "renameat",
		  "unlinkat", "socket", "close", "ring" },
	};
	static const char *const opts[][6] = {
		{ "socket", "tcp_conns", "udp_socks", "unix_pairs",
		  "buf_size", "msg_size" },
		{ "uring", "qd", "path", "max_files", "max_fds", "close" },
	};
	const struct ks_workload *wl;
	int i, k;

	for (i = 0; i < 2; i++) {
		wl = ks_workload_find(want[i][0]);
		cr_assert_not_null(wl, "%s", want[i][0]);
		for (k = 1; k < 9; k++)
			if (want[i][k])
				cr_assert_str_eq(wl->ops[k - 1], want[i][k]);
			else
				cr_assert_null(wl->ops[k - 1]);
		for (k = 1; k < 6; k++)
			cr_assert_geq(ks_workload_opt_index(wl, opts[i][k]), 0,
				      "%s.%s", opts[i][0], opts[i][k]);
		for (k = 0; wl->opts[k].name; k++) {
			const struct ks_opt_desc *d = &wl->opts[k];
			int64_t v = parse_num(d->def);

			cr_assert_not_null(d->help);
			if (d->type == KS_OPT_INT || d->type == KS_OPT_SIZE)
				cr_assert(v >= d->min && v <= d->max,
					  "%s.%s default", wl->name, d->name);
		}
		cr_assert_lt(k, KS_MAX_OPTS);
	}
	cr_assert_eq(ks_workload_opt_index(ks_workload_find("socket"),
					   "nosuch"), -1);
}

/* ---- socket ------------------------------------------------------------ */

static void skip_unless_root(void)
{
	if (geteuid())
		cr_skip_test("needs root: a private network namespace "
			     "needs CAP_SYS_ADMIN");
}

/* Small caps, so 300 ms of storm recycles each kind many times over. */
static void socket_child(const char *wd)
{
	static const char *const main_ops[] = {
		"tcp_connect", "tcp_send", "udp_open", "udp_send",
		"unix_pair", "scm_rights",
	};
	struct storm s;
	unsigned int i;

	net_storm_init(&s, "socket", wd);
	storm_set(&s, "tcp_conns", "8");
	storm_set(&s, "udp_socks", "4");
	storm_set(&s, "unix_pairs", "4");
	storm_set(&s, "buf_size", "64K");
	storm_set(&s, "msg_size", "4K");
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	CHECK(!net_storm_run(&s, 300, false, true), "a worker failed");
	CHECK(ops_of(&s, "netns") == 2 * NWORKERS,
	      "netns: %llu", (unsigned long long)ops_of(&s, "netns"));
	for (i = 0; i < sizeof(main_ops) / sizeof(*main_ops); i++)
		CHECK(ops_of(&s, main_ops[i]) > 0, "no %s", main_ops[i]);
	/* Past the caps: the oldest went and the storm went on. */
	CHECK(ops_of(&s, "tcp_connect") > 8 * NWORKERS, "tcp not recycled");
	CHECK(ops_of(&s, "unix_pair") > 4 * NWORKERS, "unix not recycled");
	CHECK(ops_of(&s, "udp_open") > 4 * NWORKERS, "udp not recycled");
	CHECK(s.sum.objects == 0, "%llu sockets counted open at the end",
	      (unsigned long long)s.sum.objects);
	CHECK(!ks_errno_total(&s.sum, EMFILE) && !ks_errno_total(&s.sum, EBADF) && !ks_errno_total(&s.sum, ENOTSOCK),
	      "bookkeeping errors: EMFILE %llu EBADF %llu",
	      (unsigned long long)ks_errno_total(&s.sum, EMFILE),
	      (unsigned long long)ks_errno_total(&s.sum, EBADF));
	if (s.wl->teardown)
		s.wl->teardown(&s.ctx);
	CHECK(!s.ctx.err[0], "teardown: %s", s.ctx.err);
	CHECK(dir_empty(wd), "%s not empty", wd);
}

Test(socket, storms_and_closes_everything)
{
	skip_unless_root();
	in_fork(socket_child);
}

/*
 * The sweep hooks, every operation three times without fail-nth: one
 * success of its own each, nothing left open, in a namespace of its own.
 */
static void socket_hooks_child(const char *wd)
{
	struct storm s;
	char ns[64] = "";

	net_storm_init(&s, "socket", wd);
	storm_set(&s, "tcp_conns", "2");	/* recycled within the reps */
	storm_set(&s, "udp_socks", "2");
	storm_set(&s, "unix_pairs", "2");
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	storm_sweep_hooks(&s, 3);
	CHECK(readlink("/proc/self/ns/net", ns, sizeof(ns) - 1) > 0 &&
	      strcmp(ns, netns), "still in the test's network namespace");
	/* Once for the sweep, once more after netns steps left it. */
	CHECK(s.ctr[0].ops[op_index(&s, "netns")] == 3 + 2 * 2,
	      "netns: %llu",
	      (unsigned long long)s.ctr[0].ops[op_index(&s, "netns")]);
	CHECK(s.ctr[0].objects == 0, "%llu sockets counted open",
	      (unsigned long long)s.ctr[0].objects);
	munmap(s.ctr, NWORKERS * sizeof(*s.ctr));
}

Test(socket, sweep_hooks_one_op_per_step)
{
	skip_unless_root();
	in_fork(socket_hooks_child);
}

/* A worker killed midway takes its namespace, and its sockets, along. */
static void socket_killed_child(const char *wd)
{
	struct storm s;

	net_storm_init(&s, "socket", wd);
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	net_storm_run(&s, 200, true, true);
	CHECK(ops_of(&s, "tcp_connect") > 0, "no tcp_connect");
}

Test(socket, killed_midway)
{
	skip_unless_root();
	in_fork(socket_killed_child);
}

/* More sockets than RLIMIT_NOFILE allows: capped, never EMFILE. */
static void socket_nofile_child(const char *wd)
{
	struct rlimit rl = { 300, 300 };
	struct storm s;

	CHECK(!setrlimit(RLIMIT_NOFILE, &rl), "setrlimit: %s",
	      strerror(errno));
	net_storm_init(&s, "socket", wd);
	storm_set(&s, "tcp_conns", "1000");
	storm_set(&s, "unix_pairs", "1000");
	storm_set(&s, "buf_size", "0");
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	CHECK(!net_storm_run(&s, 300, false, true), "a worker failed");
	CHECK(!ks_errno_total(&s.sum, EMFILE), "EMFILE %llu",
	      (unsigned long long)ks_errno_total(&s.sum, EMFILE));
	CHECK(ops_of(&s, "tcp_connect") > 0, "no tcp_connect");
}

Test(socket, capped_to_rlimit_nofile)
{
	skip_unless_root();
	in_fork(socket_nofile_child);
}

static void socket_denied_child(const char *wd)
{
	struct storm s;

	deny(SYS_unshare);
	net_storm_init(&s, "socket", wd);
	CHECK(s.wl->setup(&s.ctx), "setup passed without unshare");
	CHECK(strstr(s.ctx.err, "CAP_SYS_ADMIN"), "err: %s", s.ctx.err);
}

/* Whoever may not unshare gets told why at setup, before any worker. */
Test(socket, setup_refuses_without_unshare)
{
	in_fork(socket_denied_child);
}

static void socket_nobody_child(const char *wd)
{
	struct storm s;

	if (!geteuid())
		CHECK(!setresgid(65534, 65534, 65534) &&
		      !setresuid(65534, 65534, 65534), "setresuid: %s",
		      strerror(errno));
	net_storm_init(&s, "socket", wd);
	CHECK(s.wl->setup(&s.ctx), "setup passed as uid %d", geteuid());
	CHECK(strstr(s.ctx.err, "CAP_SYS_ADMIN"), "err: %s", s.ctx.err);
}

Test(socket, setup_refuses_non_root)
{
	in_fork(socket_nobody_child);
}

Test(socket, all_weights_zero)
{
	struct storm s;

	net_storm_init(&s, "socket", "/nonexistent");
	storm_set(&s, "tcp_connect", "0");
	storm_set(&s, "tcp_send", "0");
	storm_set(&s, "udp_open", "0");
	storm_set(&s, "udp_send", "0");
	storm_set(&s, "unix_pair", "0");
	storm_set(&s, "scm_rights", "5");
	storm_set(&s, "unix_pairs", "0");	/* turns scm_rights off too */
	cr_assert_neq(s.wl->setup(&s.ctx), 0);
	cr_assert(strstr(s.ctx.err, "weight"), "err: %s", s.ctx.err);
}

/* ---- uring ------------------------------------------------------------- */

static bool kernel_has(int opcode)
{
	struct io_uring_probe *p = io_uring_get_probe();
	bool r = p && io_uring_opcode_supported(p, opcode);

	if (p)
		io_uring_free_probe(p);
	return r;
}

static void uring_cycle(const char *wd, const char *max_files,
			const char *max_fds, bool midway)
{
	static const struct { const char *name; int opcode; } ops[] = {
		{ "openat", IORING_OP_OPENAT }, { "statx", IORING_OP_STATX },
		{ "mkdirat", IORING_OP_MKDIRAT },
		{ "renameat", IORING_OP_RENAMEAT },
		{ "unlinkat", IORING_OP_UNLINKAT },
		{ "socket", IORING_OP_SOCKET }, { "close", IORING_OP_CLOSE },
	};
	uint64_t fails = 0;
	struct storm s;
	unsigned int i;

	net_storm_init(&s, "uring", wd);
	storm_set(&s, "qd", "16");
	storm_set(&s, "max_files", max_files);
	storm_set(&s, "max_fds", max_fds);
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	CHECK(!net_storm_run(&s, midway ? 100 : 300, midway, false),
	      "a worker failed");
	if (!midway) {
		for (i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
			int k = op_index(&s, ops[i].name);

			if (kernel_has(ops[i].opcode))
				CHECK(s.sum.ops[k] > 0, "no %s", ops[i].name);
			else
				CHECK(!s.sum.ops[k] && s.sum.fails[k] &&
				      ks_errno_total(&s.sum, EOPNOTSUPP) >= s.sum.fails[k],
				      "%s unsupported, not counted so",
				      ops[i].name);
		}
		for (i = 0; i < KS_MAX_OPS; i++)
			fails += s.sum.fails[i];
		/* Nothing at a limit here: any failure is our bookkeeping. */
		CHECK(fails == ks_errno_total(&s.sum, EOPNOTSUPP), "%llu failures: EEXIST "
		      "%llu ENOENT %llu EBADF %llu", (unsigned long long)fails,
		      (unsigned long long)ks_errno_total(&s.sum, EEXIST),
		      (unsigned long long)ks_errno_total(&s.sum, ENOENT),
		      (unsigned long long)ks_errno_total(&s.sum, EBADF));
	}
	s.wl->teardown(&s.ctx);
	CHECK(!s.ctx.err[0], "teardown: %s", s.ctx.err);
	CHECK(!s.ctx.priv, "priv left");
	CHECK(dir_empty(wd), "%s not empty", wd);
	munmap(s.ctr, NWORKERS * sizeof(*s.ctr));
}

static void uring_default_child(const char *wd)
{
	uring_cycle(wd, "4096", "256", false);
}

Test(uring, counts_every_opcode)
{
	in_fork(uring_default_child);
}

/* Tiny caps: creates become unlinks, opens become closes. */
static void uring_caps_child(const char *wd)
{
	uring_cycle(wd, "8", "4", false);
}

Test(uring, at_the_caps)
{
	in_fork(uring_caps_child);
}

static void uring_killed_child(const char *wd)
{
	uring_cycle(wd, "4096", "256", true);
}

Test(uring, killed_midway)
{
	in_fork(uring_killed_child);
}

/*
 * The sweep hooks, every operation three times without fail-nth: one
 * request, one success of its own each.  Caps of 2 make prepare() make
 * room, as it must at max_files and max_fds.
 */
static void uring_hooks_child(const char *wd)
{
	struct storm s;

	net_storm_init(&s, "uring", wd);
	storm_set(&s, "qd", "4");
	storm_set(&s, "max_files", "2");
	storm_set(&s, "max_fds", "2");
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	storm_sweep_hooks(&s, 3);
	s.wl->teardown(&s.ctx);
	storm_check_clean(&s, wd);
	munmap(s.ctr, NWORKERS * sizeof(*s.ctr));
}

Test(uring, sweep_hooks_one_request_per_step)
{
	if (!kernel_has(IORING_OP_SOCKET) || !kernel_has(IORING_OP_MKDIRAT))
		cr_skip_test("io_uring without socket or mkdirat");
	in_fork(uring_hooks_child);
}

/* A respawned worker must not trip over its predecessor's files. */
static void uring_respawn_child(const char *wd)
{
	struct storm s;

	net_storm_init(&s, "uring", wd);
	storm_set(&s, "unlinkat", "0");		/* keep every name */
	CHECK(!s.wl->setup(&s.ctx), "setup: %s", s.ctx.err);
	net_storm_run(&s, 100, true, false);
	memset(s.ctr, 0, NWORKERS * sizeof(*s.ctr));
	CHECK(!net_storm_run(&s, 150, false, false), "a worker failed");
	CHECK(!ks_errno_total(&s.sum, EEXIST), "EEXIST after respawn");
	CHECK(ops_of(&s, "openat") > 0, "no openat");
	s.wl->teardown(&s.ctx);
	CHECK(dir_empty(wd), "%s not empty", wd);
}

Test(uring, respawned_worker)
{
	in_fork(uring_respawn_child);
}

/* io_uring refused (as by kernel.io_uring_disabled): a clear setup error. */
static void uring_denied_child(const char *wd)
{
	struct storm s;

	deny(SYS_io_uring_setup);
	net_storm_init(&s, "uring", wd);
	CHECK(s.wl->setup(&s.ctx), "setup passed without io_uring");
	CHECK(strstr(s.ctx.err, "io_uring unavailable: Operation not "
		     "permitted (kernel.io_uring_disabled"), "err: %s",
	      s.ctx.err);
	s.wl->teardown(&s.ctx);
	CHECK(!s.ctx.priv, "priv left");
}

Test(uring, setup_refuses_when_disabled)
{
	in_fork(uring_denied_child);
}
