/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every bare loop shares.  A bare loop is a storm's operation mix
 * with no harness around it: no shared counters, no stop flag in shared
 * memory, no clock reads, no sampler, journal or kernel-log watcher.  It
 * measures how fast the kernel itself runs the mix on this machine.
 *
 *   bare-STORM WORKERS SECONDS DIR
 *
 * forks WORKERS processes; each runs the mix in DIR (what it needs there:
 * bench/storms.sh prepares it) until SIGALRM at SECONDS after the start,
 * counting successful operations in a local array as the storm counts
 * them, and hands the counts back once, at its end.  The parent prints
 *
 *   ops N seconds S ops_per_sec R OP=N ...
 *
 * where S runs from before the first fork to the last worker reaped, like
 * kmemstorm's storm_ms.
 */
#ifndef BARE_H
#define BARE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>

#define BARE_MAX_OPS	8

struct bare_counts {
	uint64_t ops[BARE_MAX_OPS];
};

/* Set by SIGALRM: the only thing the loops test between operations. */
static volatile sig_atomic_t bare_stop;

static void bare_alarm(int sig)
{
	(void)sig;
	bare_stop = 1;
}

/* xorshift64*, as in workloads/workload.h.  *s must be non-zero. */
static inline uint64_t bare_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* Lower-case hex of v at p, no terminator: the number of digits. */
static inline int bare_hex(char *p, uint64_t v)
{
	char tmp[16];
	int n = 0, i;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static int64_t bare_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Arm SIGALRM for deadline (CLOCK_MONOTONIC ns) in the calling process. */
static void bare_arm(int64_t deadline)
{
	struct sigaction sa = { .sa_handler = bare_alarm,
				.sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	int64_t left = deadline - bare_now_ns();

	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (left <= 0) {
		bare_stop = 1;
		return;
	}
	it.it_value.tv_sec = left / 1000000000;
	it.it_value.tv_usec = left % 1000000000 / 1000 ?: 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * Parse "WORKERS SECONDS DIR", run fn(worker, dir, counts) in WORKERS
 * processes and print the line above, naming ops[] (NULL-terminated).
 * fn returns 0, or non-zero when it could not run at all.
 */
static int bare_main(int argc, char **argv, const char *const *ops,
		     int (*fn)(int worker, const char *dir,
			       struct bare_counts *c))
{
	struct bare_counts *res;
	int64_t t0, t1, deadline;
	int nw, i, k, status, ret = 0;
	uint64_t total = 0, sum;
	double secs;
	pid_t *pid;

	if (argc != 4 || (nw = atoi(argv[1])) < 1 || nw > 64 ||
	    (secs = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: %s WORKERS SECONDS DIR\n", argv[0]);
		return 2;
	}
	res = mmap(NULL, nw * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid = calloc(nw, sizeof(*pid));
	if (res == MAP_FAILED || !pid) {
		perror("bare: mmap");
		return 1;
	}
	memset(res, 0, nw * sizeof(*res));
	t0 = bare_now_ns();
	deadline = t0 + (int64_t)(secs * 1e9);
	for (i = 0; i < nw; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			perror("bare: fork");
			ret = 1;
			break;
		}
		if (!pid[i]) {
			struct bare_counts c;

			memset(&c, 0, sizeof(c));
			bare_arm(deadline);
			status = fn(i, argv[3], &c);
			res[i] = c;
			_exit(status);
		}
	}
	while (i-- > 0) {
		if (waitpid(pid[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "bare: worker %d failed\n", i);
			ret = 1;
		}
	}
	t1 = bare_now_ns();
	for (i = 0; i < nw; i++)
		for (k = 0; ops[k]; k++)
			total += res[i].ops[k];
	printf("ops %llu seconds %.3f ops_per_sec %.1f",
	       (unsigned long long)total, (t1 - t0) / 1e9,
	       total / ((t1 - t0) / 1e9));
	for (k = 0; ops[k]; k++) {
		sum = 0;
		for (i = 0; i < nw; i++)
			sum += res[i].ops[k];
		printf(" %s=%llu", ops[k], (unsigned long long)sum);
	}
	printf("\n");
	return ret;
}

#endif
