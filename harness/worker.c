// SPDX-License-Identifier: GPL-2.0
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "failpoint.h"
#include "inject.h"
#include "journal.h"
#include "fsutil.h"
#include "sysinfo.h"

/* The nice workers run at: the harness's own before it raised it. */
static int worker_nice;
static bool nice_raised;
/* Its oom_score_adj before it made itself unkillable (a guest only). */
static char worker_oom_adj[16];

#define OOM_ADJ "/proc/self/oom_score_adj"

void ks_crew_priority_setup(void)
{
	int n;

	if (nice_raised || worker_oom_adj[0])
		return;
	errno = 0;
	n = getpriority(PRIO_PROCESS, 0);
	if (n != -1 || !errno) {
		worker_nice = n;
		/* Only root may; elsewhere it shares the CPU as before. */
		nice_raised = !setpriority(PRIO_PROCESS, 0, -20);
	}
	/*
	 * On a disposable kernel a storm's unaccounted kernel memory
	 * (cgroup.memory=nokmem) may bring the global OOM killer: it must
	 * take workers and neighbours, never the journal's writer.
	 */
	if (ks_kernel_is_disposable() &&
	    ks_read_small(OOM_ADJ, worker_oom_adj,
			     sizeof(worker_oom_adj)) == 0 &&
	    ks_file_write(OOM_ADJ, "-1000", NULL, NULL))
		worker_oom_adj[0] = '\0';
}

struct spawn_arg {
	struct ks_crew *crew;
	int index;
	pid_t harness;
};

/*
 * The worker is a fork: every page it writes is the harness's until the
 * first write copies it, and that copy is charged to the scenario cgroup.
 * At the limit, under v1 memory.oom_control = 1, a page fault that cannot
 * charge sleeps until memory is freed, which in a storm is never: seen as
 * both workers asleep in mem_cgroup_oom_synchronize on their first errno
 * (the TLS page), no failure counted.  So the pages every storm writes
 * become the worker's own now, below the limit: errno's, the stack's,
 * malloc's state.
 */
#define PREFAULT_STACK	(128 << 10)

static void __attribute__((noinline)) prefault_stack(void)
{
	volatile char buf[PREFAULT_STACK];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
}

static void prefault(void)
{
	errno = 0;
	prefault_stack();
	free(malloc(64));
}

/* First code of a worker, already inside the scenario cgroup. */
static int worker_main(void *p)
{
	struct spawn_arg *a = p;
	struct ks_wl_ctx ctx = a->crew->ctx;
	struct sigaction sa = { .sa_handler = SIG_IGN };
	char comm[16];

	/* Die with the harness: a worker never outlives a kill -9 of it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != a->harness)
		return 125;
	/*
	 * Ctrl-C reaches the whole process group; the harness decides how
	 * the storm ends, so workers ignore the terminal's signals.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	if (nice_raised)
		setpriority(PRIO_PROCESS, 0, worker_nice);
	if (worker_oom_adj[0])
		ks_file_write(OOM_ADJ, worker_oom_adj, NULL, NULL);
	prefault();
	ctx.worker = a->index;
	ctx.ctr = &a->crew->shm->ctr[a->index];
	ctx.stop = &a->crew->shm->stop;
	ctx.deadline_live = &a->crew->shm->deadline_ns;
	/*
	 * "ksw-<workload>" in kernel reports (OOM victims, fault injection
	 * stacks) tells a worker from the harness at a glance.
	 */
	snprintf(comm, sizeof(comm), KS_WORKER_COMM "%s", ctx.wl->name);
	prctl(PR_SET_NAME, comm);
	if (a->crew->before_run)
		a->crew->before_run(a->crew->before_arg);
	if (a->crew->run)
		return a->crew->run(&ctx, a->crew->run_arg);
	return ks_workload_run(&ctx);
}

int ks_crew_init(struct ks_crew *crew, int n, const struct ks_wl_ctx *ctx)
{
	memset(crew, 0, sizeof(*crew));
	fiu_return_on("kmemstorm/worker/alloc", -ENOMEM);
	crew->w = calloc(n, sizeof(*crew->w));
	if (!crew->w)
		return -ENOMEM;
	crew->shm_len = sizeof(struct ks_shared) +
			(size_t)n * sizeof(struct ks_counters);
	crew->shm = mmap(NULL, crew->shm_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (crew->shm == MAP_FAILED) {
		int e = errno;

		free(crew->w);
		crew->w = NULL;
		crew->shm = NULL;
		return -e;
	}
	/*
	 * Shared pages are charged to whoever first touches them: the
	 * harness, now, and not a worker at its limit (see prefault()).
	 */
	memset(crew->shm, 0, crew->shm_len);
	crew->n = n;
	crew->ctx = *ctx;
	return 0;
}

void ks_crew_free(struct ks_crew *crew)
{
	if (crew->shm)
		munmap(crew->shm, crew->shm_len);
	free(crew->w);
	memset(crew, 0, sizeof(*crew));
}

static int spawn_one(struct ks_crew *crew, struct ks_cgroup *cg, int i)
{
	struct spawn_arg a = { .crew = crew, .index = i,
			       .harness = getpid() };
	pid_t pid;

	/* The child gets a copy of a: it may live on this stack. */
	pid = ks_cg_spawn(cg, worker_main, &a);
	if (pid < 0)
		return (int)pid;
	crew->w[i].pid = pid;
	crew->w[i].state = KS_W_RUNNING;
	crew->w[i].killed_by_harness = false;
	crew->w[i].cg = cg;
	return 0;
}

int ks_crew_start_spread(struct ks_crew *crew, struct ks_cgroup *const *cgs,
			 int ncg)
{
	int i, r;

	for (i = 0; i < crew->n; i++) {
		r = spawn_one(crew, cgs[i % ncg], i);
		if (r)
			return r;
	}
	return 0;
}

int ks_crew_start_one(struct ks_crew *crew, int i, struct ks_cgroup *cg)
{
	if (i < 0 || i >= crew->n || crew->w[i].state == KS_W_RUNNING)
		return -EINVAL;
	return spawn_one(crew, cg, i);
}

int ks_crew_start(struct ks_crew *crew, struct ks_cgroup *cg)
{
	int i, r;

	for (i = 0; i < crew->n; i++) {
		r = spawn_one(crew, cg, i);
		if (r)
			return r;
	}
	return 0;
}

int ks_crew_respawn(struct ks_crew *crew, struct ks_cgroup *cg)
{
	int i, n = 0;

	for (i = 0; i < crew->n; i++) {
		struct ks_worker *w = &crew->w[i];

		if (w->state != KS_W_SIGNALED || w->status != SIGKILL ||
		    w->killed_by_harness || crew->shm->stop)
			continue;
		if (spawn_one(crew, w->cg ? w->cg : cg, i))
			continue;	/* stays dead; counted as killed */
		w->respawns++;
		n++;
	}
	return n;
}

static void record_exit(struct ks_worker *w, int status)
{
	if (WIFEXITED(status)) {
		w->state = KS_W_EXITED;
		w->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		w->state = KS_W_SIGNALED;
		w->status = WTERMSIG(status);
		if (w->status == SIGKILL && !w->killed_by_harness)
			w->sigkilled++;
	}
}

int ks_crew_reap(struct ks_crew *crew)
{
	int i, running = 0, status;

	for (i = 0; i < crew->n; i++) {
		struct ks_worker *w = &crew->w[i];
		pid_t r;

		if (w->state != KS_W_RUNNING)
			continue;
		r = waitpid(w->pid, &status, WNOHANG);
		if (r == w->pid)
			record_exit(w, status);
		else if (r < 0 && errno == ECHILD &&
			 kill(w->pid, 0) && errno == ESRCH)
			w->state = KS_W_EXITED;	/* reaped elsewhere */
		else
			running++;
	}
	return running;
}

void ks_crew_stop(struct ks_crew *crew, struct ks_cgroup *cg, int grace_ms)
{
	int64_t until = ks_now_ns() + (int64_t)grace_ms * 1000000;
	struct timespec pause = { 0, 5000000 };
	int i, status;

	if (!crew->shm)
		return;
	crew->shm->stop = 1;
	while (ks_crew_reap(crew) && ks_now_ns() < until)
		nanosleep(&pause, NULL);
	if (!ks_crew_reap(crew))
		return;
	for (i = 0; i < crew->n; i++)
		if (crew->w[i].state == KS_W_RUNNING) {
			crew->w[i].killed_by_harness = true;
			kill(crew->w[i].pid, SIGKILL);
		}
	if (cg)
		ks_cg_kill(cg);
	for (i = 0; i < crew->n; i++) {
		struct ks_worker *w = &crew->w[i];

		if (w->state != KS_W_RUNNING)
			continue;
		for (;;) {
			pid_t r = waitpid(w->pid, &status, 0);

			if (r == w->pid) {
				record_exit(w, status);
				break;
			}
			if (r < 0 && errno != EINTR) {
				w->state = KS_W_SIGNALED;
				w->status = SIGKILL;
				break;
			}
		}
	}
}

void ks_crew_set_deadline(struct ks_crew *crew, int64_t deadline_ns)
{
	crew->ctx.deadline_ns = deadline_ns;	/* for workers started later */
	if (crew->shm)
		__atomic_store_n(&crew->shm->deadline_ns, deadline_ns,
				 __ATOMIC_RELAXED);
}

void ks_crew_sum(const struct ks_crew *crew, struct ks_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	ks_crew_sum_add(crew, sum);
}

void ks_crew_sum_add(const struct ks_crew *crew, struct ks_counters *sum)
{
	int i, k, e;

	if (!crew->shm)
		return;
	for (i = 0; i < crew->n; i++) {
		const struct ks_counters *c = &crew->shm->ctr[i];

		for (k = 0; k < KS_MAX_OPS; k++) {
			sum->ops[k] += __atomic_load_n(&c->ops[k],
						       __ATOMIC_RELAXED);
			sum->fails[k] += __atomic_load_n(&c->fails[k],
							 __ATOMIC_RELAXED);
			sum->enomem[k] += __atomic_load_n(&c->enomem[k],
							  __ATOMIC_RELAXED);
		}
		for (k = 0; k < KS_MAX_OPS; k++)
			for (e = 0; e < KS_ERRNO_MAX; e++)
				sum->err[k][e] += __atomic_load_n(
					&c->err[k][e], __ATOMIC_RELAXED);
		sum->objects += __atomic_load_n(&c->objects, __ATOMIC_RELAXED);
	}
}
