// SPDX-License-Identifier: GPL-2.0
/*
 * stressng storm: any stress-ng stressors, run inside the scenario cgroup.
 *
 * Worker 0 forks and execs `stress-ng` from PATH in a process group of its
 * own (it is inside the scenario cgroup, so stress-ng is too) with
 *
 *   -q --metrics-brief --yaml <workdir>/stressng.yaml -t <secs> ...
 *
 * -q must come before --metrics-brief or stress-ng 0.15 writes no
 * metrics to the YAML.  Every other worker idles: stress-ng forks its own
 * instances.  stress-ng's -t is not a hard limit (a stressor stuck in
 * the kernel overruns it), so at the deadline plus GRACE_NS worker 0
 * SIGKILLs the whole process group itself.  GRACE_NS is generous: on a
 * debug kernel under TCG stress-ng took more than 1.5 s to wind down
 * after its timeout, was killed, and wrote no metrics.  The workload's
 * stop_grace_ms keeps the harness from SIGKILLing the worker (leaving
 * nobody to reap and read the results) before GRACE_NS is over; on a
 * fast machine stress-ng exits at once and nobody waits.
 * -t is the deadline when it starts; one the harness moves earlier
 * (duration.until_limit) ends it by SIGINT, as its own timeout would.
 *
 * Operations (all counted by worker 0):
 *   run       stress-ng's exit: exit status 0 is a success, anything else
 *             a failure with an errno standing for the status (see
 *             exit_errno(); the reason is said on stderr).
 *   bogo      not events: the sum of the bogo ops every stressor reported
 *             in the YAML is added to ops[bogo] in one go at the end.
 *   missing   each requested stressor: success when it reported bogo ops,
 *             ENOENT when it is absent from the metrics (stress-ng 0.15
 *             skips an unsupported stressor and still exits 0), ENODATA
 *             when it reported 0 bogo ops.
 *   unkillable  counted once when stress-ng set its oom_score_adj to
 *             -1000, which it does as root unless oomable = yes: the memcg
 *             OOM killer then cannot pick it and the storm pushes the
 *             cgroup towards charge failures instead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "clock.h"
#include "stressng.h"
#include "workload.h"

#define STOP_GRACE_MS	30000
#define GRACE_NS	((STOP_GRACE_MS - 2000) * 1000000LL)

enum { OP_RUN, OP_BOGO, OP_MISSING, OP_UNKILLABLE, NR_OPS };
enum { OPT_STRESSORS, OPT_ARGS, OPT_OOMABLE, NR_OPTS };

static const struct ks_opt_desc stressng_opts[NR_OPTS + 1] = {
	[OPT_STRESSORS] = { "stressors", KS_OPT_STRING, "dentry:1,sock:1", 0, 0,
		"comma-separated stress-ng stressors with instance counts, "
		"e.g. \"dentry:2,inode-flags:1,sock:1\" for --dentry 2 ...; "
		"a count of 0 means one per CPU" },
	[OPT_ARGS] = { "args", KS_OPT_STRING, "", 0, 0,
		"extra stress-ng arguments, split on spaces; not -t/--timeout "
		"or --yaml, which the harness sets" },
	[OPT_OOMABLE] = { "oomable", KS_OPT_BOOL, "no", 0, 1,
		"pass --oomable; otherwise stress-ng run as root sets its own "
		"oom_score_adj to -1000 (counted as 'unkillable')" },
	[NR_OPTS] = { NULL },
};

static void stressng_teardown(struct ks_wl_ctx *ctx);

static int stressng_setup(struct ks_wl_ctx *ctx)
{
	struct stressng_priv *p;
	char *list = NULL, *tok, *save, unknown[160] = "";
	int i;

	if (ks_stressng_check_args(ctx->opt[OPT_ARGS].str, ctx->err,
				   sizeof(ctx->err)) < 0)
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto nomem;
	ctx->priv = p;
	if (ks_sng_parse_stressors(p, ctx->opt[OPT_STRESSORS].str, ctx->err,
			    sizeof(ctx->err)))
		return -1;
	snprintf(p->argbuf, sizeof(p->argbuf), "%s", ctx->opt[OPT_ARGS].str);
	for (tok = strtok_r(p->argbuf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		p->args[p->nargs++] = tok;
	if (!ks_sng_in_path("stress-ng")) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "stress-ng not found in PATH (install the Debian package stress-ng)");
		return -1;
	}
	list = malloc(65536);
	if (!list)
		goto nomem;
	if (ks_sng_list_stressors(list, 65536)) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "'stress-ng --stressors' failed: cannot check stressor names");
		goto fail;
	}
	for (i = 0; i < p->n; i++)
		if (!ks_sng_listed(list, p->name[i]) &&
		    strlen(unknown) + strlen(p->name[i]) + 2 < sizeof(unknown))
			snprintf(unknown + strlen(unknown),
				 sizeof(unknown) - strlen(unknown), "%s%s",
				 unknown[0] ? ", " : "", p->name[i]);
	free(list);
	list = NULL;
	if (unknown[0]) {
		snprintf(ctx->err, sizeof(ctx->err),
			 "stress-ng has no stressor(s): %s (see stress-ng --stressors)",
			 unknown);
		return -1;
	}
	snprintf(p->tmp, sizeof(p->tmp), "%s", ctx->workdir);
	if ((size_t)snprintf(p->yaml, sizeof(p->yaml), "%s/stressng.yaml",
			     ctx->workdir) >= sizeof(p->yaml) ||
	    (size_t)snprintf(p->log, sizeof(p->log), "%s/stressng.log",
			     ctx->workdir) >= sizeof(p->log)) {
		snprintf(ctx->err, sizeof(ctx->err), "workdir path too long");
		return -1;
	}
	return 0;
nomem:
	snprintf(ctx->err, sizeof(ctx->err), "out of memory");
fail:
	free(list);
	return -1;
}

/*
 * A stress-ng the deadline's SIGKILL took (a slow kernel: KASAN under
 * TCG) leaves its tmp-stress-ng-* directories in --temp-path: its own
 * litter, removed here, not a harness file left behind.
 */
static void remove_litter(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "tmp-stress-ng-", 14))
			ks_rmtree_at(dirfd(d), e->d_name);
	closedir(d);
}

static void stressng_teardown(struct ks_wl_ctx *ctx)
{
	struct stressng_priv *p = ctx->priv;

	if (!p)
		return;
	remove_litter(p->tmp);
	if (p->yaml[0] && unlink(p->yaml) && errno != ENOENT)
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", p->yaml,
			 strerror(errno));
	if (p->log[0] && unlink(p->log) && errno != ENOENT)
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", p->log,
			 strerror(errno));
	free(p);
	ctx->priv = NULL;
}

/* An errno standing for each stress-ng exit status (EXIT STATUS in its man page). */
static int exit_errno(int st, const char **why)
{
	switch (st) {
	case 1: *why = "error: bad options or a fatal resource issue";
		return EINVAL;
	case 2: *why = "one or more stressors failed";
		return EIO;
	case 3: *why = "a stressor could not initialise: out of resources (ENOMEM, ENOSPC, missing syscall)";
		return EAGAIN;
	case 4: *why = "a stressor is not implemented here";
		return ENOSYS;
	case 5: *why = "a stressor was killed by an unexpected signal";
		return ECHILD;
	case 6: *why = "a stressor exited unexpectedly, no metrics";
		return ECANCELED;
	case 7: *why = "bogo-ops metrics untrustworthy (stressor killed mid-update, e.g. OOM)";
		return ERANGE;
	case 127: *why = "could not exec stress-ng";
		return ENOEXEC;
	}
	*why = "unknown exit status";
	return EPROTO;
}

static pid_t spawn(struct ks_wl_ctx *ctx, const struct stressng_priv *p,
		   int64_t deadline)
{
	char *argv[16 + 2 * MAX_STRESSORS + MAX_ARGS];
	char cnt[MAX_STRESSORS][12], opt[MAX_STRESSORS][NAME_MAX_LEN + 2];
	char secs[24], seed[24];
	int64_t left = deadline - ks_now_ns();
	int n = 0, i;
	pid_t pid;

	/* Rounded: ending half a second late is what the grace is for. */
	snprintf(secs, sizeof(secs), "%llds",
		 (long long)(left > 1500000000 ?
			     (left + 500000000) / 1000000000 : 1));
	argv[n++] = "stress-ng";
	argv[n++] = "-q";		/* before --metrics-brief: see above */
	argv[n++] = "--metrics-brief";
	argv[n++] = "--yaml";
	argv[n++] = (char *)p->yaml;
	argv[n++] = "--temp-path";
	argv[n++] = (char *)p->tmp;
	argv[n++] = "-t";
	argv[n++] = secs;
	if (ctx->opt[OPT_OOMABLE].num)
		argv[n++] = "--oomable";
	/*
	 * stress-ng's own random choices from the scenario's seed too,
	 * unless the plan's stressng.args pick one.
	 */
	for (i = 0; i < p->nargs && strncmp(p->args[i], "--seed", 6); i++)
		;
	if (i == p->nargs) {
		snprintf(seed, sizeof(seed), "%llu",
			 (unsigned long long)ks_worker_seed(ctx, 0));
		argv[n++] = "--seed";
		argv[n++] = seed;
	}
	for (i = 0; i < p->n; i++) {
		snprintf(opt[i], sizeof(opt[i]), "--%s", p->name[i]);
		snprintf(cnt[i], sizeof(cnt[i]), "%d", p->count[i]);
		argv[n++] = opt[i];
		argv[n++] = cnt[i];
	}
	for (i = 0; i < p->nargs; i++)
		argv[n++] = p->args[i];
	argv[n] = NULL;

	pid = fork();
	if (pid == 0) {
		sigset_t none;
		int fd;

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The worker ignores these; stress-ng must not inherit that. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/*
		 * Its metrics go to the YAML; even with -q it prints them on
		 * stderr too, so its output goes to a log that is_said()
		 * filters onto ours afterwards.
		 */
		fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp("stress-ng", argv);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* either side may win the race */
	return pid;
}

/* Pass on what stress-ng said, but not its metrics: those are tallied. */
static void is_said(const struct stressng_priv *p)
{
	char line[512];
	FILE *f = fopen(p->log, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strstr(line, " metrc: "))
			fprintf(stderr, "stressng: %s", line);
	fclose(f);
}

struct tally {
	struct ks_wl_ctx *ctx;
	const struct stressng_priv *p;
	uint64_t bogo;
	int bogo_of[MAX_STRESSORS];	/* -1 absent, else 0/1 nonzero */
};

static int tally_one(void *arg, const char *name, uint64_t bogo,
		     double real, double cpu)
{
	struct tally *t = arg;
	int i;

	fprintf(stderr, "stressng: %s: %" PRIu64 " bogo ops, %.1f/s real, %.1f/s usr+sys\n",
		name, bogo, real, cpu);
	t->bogo += bogo;
	for (i = 0; i < t->p->n; i++)
		if (!strcmp(t->p->name[i], name))
			t->bogo_of[i] = bogo > 0;
	return 0;
}

/* oom_score_adj of pid, or 0 when it cannot be read. */
static int oom_adj(pid_t pid)
{
	char path[64];
	FILE *f;
	int v = 0;

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/*
 * Has any process of group pgid made itself unkillable?  stress-ng may do
 * it in the parent or in its stressor instances, so look at all of them.
 */
static bool group_unkillable(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char path[300], buf[512], *rp;
		int pgrp;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		buf[0] = '\0';
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		/* "pid (comm) state ppid pgrp ...": comm may hold spaces. */
		rp = strrchr(buf, ')');
		if (rp && sscanf(rp + 1, " %*c %*d %d", &pgrp) == 1 &&
		    pgrp == pgid)
			found = oom_adj(atoi(e->d_name)) == -1000;
	}
	closedir(d);
	return found;
}

/*
 * Wait for stress-ng, told to run until told: SIGINT at a deadline moved
 * earlier (stress-ng takes it as its timeout: metrics written, exit 0),
 * SIGKILL for its group at the hard deadline.
 */
static int wait_stressng(struct ks_wl_ctx *ctx, pid_t pid, int64_t told,
			 bool *killed, bool *unkillable)
{
	int64_t probe = ks_now_ns() + 500000000;
	bool ended = false;
	int status;

	for (;;) {
		struct timespec pause = { 0, 20000000 };
		pid_t r = waitpid(pid, &status, WNOHANG);
		int64_t now = ks_now_ns(), deadline = ks_deadline(ctx);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		/* Once a second, from when its instances have started. */
		if (!*unkillable && now >= probe) {
			probe = now + 1000000000;
			*unkillable = group_unkillable(pid);
		}
		if (!ended && deadline < told && now >= deadline) {
			kill(pid, SIGINT);
			ended = true;
		}
		/* An early stop (the harness was interrupted): no grace. */
		if (!*killed && (now >= deadline + GRACE_NS ||
				 (ctx->stop && *ctx->stop && now < deadline))) {
			kill(-pid, SIGKILL);
			*killed = true;
		}
		nanosleep(&pause, NULL);
	}
	/* Instances it left behind in its group die with it. */
	if (!kill(-pid, SIGKILL) && !*killed)
		fprintf(stderr, "stressng: killed stress-ng processes left after it exited\n");
	return status;
}

static int stressng_run(struct ks_wl_ctx *ctx)
{
	const struct stressng_priv *p = ctx->priv;
	struct tally t = { .ctx = ctx, .p = p };
	bool killed = false, unkillable = false;
	int64_t told = ks_deadline(ctx);
	char err[256];
	const char *why;
	int status, i, e;
	pid_t pid;

	if (ctx->worker) {
		while (!ks_should_stop(ctx)) {
			struct timespec pause = { 0, 20000000 };

			nanosleep(&pause, NULL);
		}
		return 0;
	}
	pid = spawn(ctx, p, told);
	if (pid < 0) {
		e = errno;
		fprintf(stderr, "stressng: fork: %s\n", strerror(e));
		ks_count(ctx, OP_RUN, -1, e);
		return 0;
	}
	status = wait_stressng(ctx, pid, told, &killed, &unkillable);
	is_said(p);
	if (unkillable)
		ks_count(ctx, OP_UNKILLABLE, 0, 0);
	if (status < 0) {
		ks_count(ctx, OP_RUN, -1, errno);
	} else if (killed) {
		fprintf(stderr, "stressng: stress-ng still running past the hard deadline (or at an early stop): SIGKILLed its process group\n");
		ks_count(ctx, OP_RUN, -1, ETIME);
	} else if (WIFSIGNALED(status)) {
		fprintf(stderr, "stressng: stress-ng killed by signal %d\n",
			WTERMSIG(status));
		/* Not ENOMEM even for SIGKILL: no call returned it. */
		ks_count(ctx, OP_RUN, -1, EINTR);
	} else if (WEXITSTATUS(status)) {
		e = exit_errno(WEXITSTATUS(status), &why);
		fprintf(stderr, "stressng: stress-ng exit status %d: %s\n",
			WEXITSTATUS(status), why);
		ks_count(ctx, OP_RUN, -1, e);
	} else {
		ks_count(ctx, OP_RUN, 0, 0);
	}

	for (i = 0; i < p->n; i++)
		t.bogo_of[i] = -1;
	if (ks_stressng_yaml(p->yaml, tally_one, &t, err, sizeof(err)))
		fprintf(stderr, "stressng: %s\n", err);
	__atomic_store_n(&ctx->ctr->ops[OP_BOGO], t.bogo, __ATOMIC_RELAXED);
	for (i = 0; i < p->n; i++) {
		if (t.bogo_of[i] > 0) {
			ks_count(ctx, OP_MISSING, 0, 0);
			continue;
		}
		fprintf(stderr, "stressng: %s: %s\n", p->name[i],
			t.bogo_of[i] < 0 ? "did not run (no metrics)" :
					   "0 bogo ops");
		ks_count(ctx, OP_MISSING, -1,
			 t.bogo_of[i] < 0 ? ENOENT : ENODATA);
	}
	return 0;
}

const struct ks_workload ks_wl_stressng = {
	.name = "stressng",
	.summary = "any stress-ng stressors run inside the scenario cgroup, hard-stopped at the deadline",
	.ops = { "run", "bogo", "missing", "unkillable", NULL },
	/* stress-ng reports no errnos of its own operations. */
	.allow = { "*", "*", "*", "*" },
	.opts = stressng_opts,
	.setup = stressng_setup,
	.run = stressng_run,
	.teardown = stressng_teardown,
	.stop_grace_ms = STOP_GRACE_MS,
};
