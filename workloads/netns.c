// SPDX-License-Identifier: GPL-2.0
/* A private network namespace for a worker: what storms that send use. */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

/* Bring lo up through an ioctl socket: 0, or -1 with errno. */
static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, r, e;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!r)
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

static bool transient(int e)
{
	return e == ENOMEM || e == ENOBUFS || e == ENOSPC || e == EAGAIN ||
	       e == EINTR;
}

/*
 * A network namespace of our own with lo up: nothing the storm sends can
 * leave it.  Inside the cgroup, so ENOMEM (or ENOSPC while the namespaces
 * of dead workers are still being freed) is a result and worth waiting
 * out.  0 in it, 1 told to stop first, -1 failed.
 */
int ks_private_netns(struct ks_wl_ctx *ctx, int op)
{
	const struct timespec pause = { 0, 1000000 };
	bool in = false;
	int r, e, odd = 0;

	while (!ks_should_stop(ctx)) {
		r = in ? lo_up() : unshare(CLONE_NEWNET);
		e = errno;
		ks_count(ctx, op, r, e);
		if (!r && in)
			return 0;
		in = in || !r;
		/*
		 * Under fault injection a failed allocation in namespace setup
		 * surfaces as EEXIST, ENODEV, EINVAL...: counted (errno truth
		 * judges it) and tried again.  Only a lasting one (EPERM
		 * without CAP_SYS_ADMIN) ends the worker.
		 */
		odd = r && !transient(e) ? odd + 1 : 0;
		if (odd > 100) {
			fprintf(stderr, "kmemstorm: %s worker %d: %s: %s\n",
				ctx->wl->name, ctx->worker,
				in ? "bringing lo up" :
				"unshare(CLONE_NEWNET)", strerror(e));
			return -1;
		}
		if (r)
			nanosleep(&pause, NULL);
	}
	return 1;
}
