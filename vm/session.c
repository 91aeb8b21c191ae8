// SPDX-License-Identifier: GPL-2.0
/* Guest sessions (session.h): every command that boots guests. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "plan.h"
#include "run.h"

void ks_session_init(struct ks_session *s, const char *cmd)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->jobs = 1;
	s->base = (struct ks_vm_opts){ .qemu = "qemu-system-x86_64",
		.memory_mb = 1024, .scratch_mb = 4096, .cpus = 2,
		.timeout_s = 1800, .hang_s = 120,
		.max_restarts = KS_VM_MAX_RESTARTS };
}

struct ks_guest *ks_session_add(struct ks_session *s, const char *kernel,
				const char *append, const char *plan)
{
	struct ks_guest *g;

	if (s->n == KS_SESSION_MAX) {
		fprintf(stderr, "kmemstorm %s: at most %d guests at a time\n",
			s->cmd, KS_SESSION_MAX);
		return NULL;
	}
	g = &s->guest[s->n++];
	memset(g, 0, sizeof(*g));
	g->kernel = kernel;
	g->append = append ? append : "";
	g->plan = plan ? plan : KS_DEFAULT_PLAN;
	g->exit_code = -1;
	return g;
}

const char *ks_scripts_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n;

	if (getenv("KS_SCRIPTS"))
		return getenv("KS_SCRIPTS");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s/scripts", dirname(exe));
		snprintf(probe, sizeof(probe), "%s/mkinitramfs", dir);
		if (access(probe, X_OK) == 0)
			return dir;
	}
	return KS_PKGLIBEXECDIR;
}

/* Run a shell command: 0 with its last line of stdout in out. */
static int run_script(const char *cmd, char *out, size_t len)
{
	char line[PATH_MAX];
	FILE *p;
	int st;

	out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(out, len, "%s", line);
	}
	st = pclose(p);
	return st == 0 && out[0] ? 0 : -1;
}

/* 'text' in single quotes for sh, appended to out. */
static int append_quoted(char *out, size_t len, const char *text)
{
	size_t n = strlen(out);

	if (n + 3 >= len)
		return -1;
	out[n++] = ' ';
	out[n++] = '\'';
	for (; *text; text++) {
		if (n + 6 >= len)
			return -1;
		if (*text == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *text;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
	return 0;
}

/* A plan that loads; the name the guest knows it by (its file name). */
static int check_plan(struct ks_session *s, struct ks_guest *g)
{
	struct ks_plan_errors errs;
	struct ks_plan plan;
	struct stat st;
	const char *slash = strrchr(g->plan, '/');

	if (ks_plan_load(g->plan, &plan, &errs)) {
		ks_plan_errors_print(&errs, stderr);
		return -1;
	}
	if (!g->label)
		g->label = g->plan;
	g->debug_kernel = !strcmp(plan.kernel_flavour, "debug");
	ks_plan_free(&plan);
	snprintf(g->plan_name, sizeof(g->plan_name), "%s",
		 stat(g->plan, &st) == 0 && slash ? slash + 1 : g->plan);
	(void)s;
	return 0;
}

/* scripts/build-kernel [--flavour debug]: the path, built or cached. */
static int default_kernel(struct ks_session *s, int debug)
{
	char cmd[PATH_MAX + 32];

	fprintf(stderr, "kmemstorm %s: default kernel%s: %s/build-kernel%s (cached; a first build takes minutes)\n",
		s->cmd, debug ? " (the plan's kernel = debug)" : "",
		ks_scripts_dir(), debug ? " --flavour debug" : "");
	snprintf(cmd, sizeof(cmd), "%s/build-kernel%s", ks_scripts_dir(),
		 debug ? " --flavour debug" : "");
	if (run_script(cmd, debug ? s->kernel_debug : s->kernel,
		       sizeof(s->kernel))) {
		fprintf(stderr, "kmemstorm %s: building the default kernel%s failed\n",
			s->cmd, debug ? " (debug flavour)" : "");
		return -1;
	}
	return 0;
}

static int make_dir(struct ks_session *s)
{
	int r, i;

	if (s->outdir)
		snprintf(s->dir, sizeof(s->dir), "%s", s->outdir);
	else
		ks_default_outdir(s->dir, sizeof(s->dir), s->cmd);
	r = ks_mkdirs(s->dir, 0755);
	if (r) {
		fprintf(stderr, "kmemstorm %s: %s: %s\n", s->cmd, s->dir,
			strerror(-r));
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		struct ks_guest *g = &s->guest[i];

		if (g->dir[0])
			continue;
		if (s->n == 1)
			snprintf(g->dir, sizeof(g->dir), "%s", s->dir);
		else
			snprintf(g->dir, sizeof(g->dir), "%s/g%d", s->dir,
				 i + 1);
	}
	return 0;
}

int ks_session_prepare(struct ks_session *s)
{
	int i, need_default = 0, need_debug = 0;

	s->base.accel = ks_vm_accel_pick(s->cmd, s->base.accel);
	if (!s->base.accel)
		return -1;
	for (i = 0; i < s->n; i++) {
		struct ks_guest *g = &s->guest[i];

		if (check_plan(s, g))
			return -1;
		if (g->kernel && access(g->kernel, R_OK)) {
			fprintf(stderr, "kmemstorm %s: --kernel %s: %s\n",
				s->cmd, g->kernel, strerror(errno));
			return -1;
		}
		need_default |= !g->kernel && !g->debug_kernel;
		need_debug |= !g->kernel && g->debug_kernel;
	}
	/* Once here, not in each guest at the same time. */
	if ((need_default && default_kernel(s, 0)) ||
	    (need_debug && default_kernel(s, 1)))
		return -1;
	return make_dir(s);
}

/* Did a guest before guest i name the same plan? */
static int plan_seen(const struct ks_session *s, int i)
{
	int k;

	for (k = 0; k < i; k++)
		if (!strcmp(s->guest[k].plan, s->guest[i].plan))
			return 1;
	return 0;
}

/* One initramfs for the session: the binary and every plan file. */
static int make_initramfs(struct ks_session *s)
{
	char cmd[16384], exe[PATH_MAX], path[PATH_MAX + 32];
	struct stat st;
	ssize_t n;
	int i, bad = 0;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/initramfs.cpio.gz", s->dir);
	snprintf(cmd, sizeof(cmd), "%s/mkinitramfs -o", ks_scripts_dir());
	bad |= append_quoted(cmd, sizeof(cmd), path);
	strncat(cmd, " --bin", sizeof(cmd) - strlen(cmd) - 1);
	bad |= append_quoted(cmd, sizeof(cmd), exe);
	for (i = 0; i < s->n; i++) {
		if (stat(s->guest[i].plan, &st))
			continue;	/* built in */
		if (i && plan_seen(s, i))
			continue;	/* one copy for every guest */
		strncat(cmd, " --plan", sizeof(cmd) - strlen(cmd) - 1);
		bad |= append_quoted(cmd, sizeof(cmd), s->guest[i].plan);
	}
	if (bad || run_script(cmd, s->initrd, sizeof(s->initrd))) {
		fprintf(stderr, "kmemstorm %s: building the initramfs failed\n",
			s->cmd);
		return -1;
	}
	return 0;
}

static void guest_opts(struct ks_session *s, struct ks_guest *g,
		       struct ks_vm_opts *o)
{
	*o = s->base;
	o->kernel = g->kernel ? g->kernel :
		    g->debug_kernel ? s->kernel_debug : s->kernel;
	o->initrd = s->initrd;
	o->append = g->append;
	o->plan = g->plan_name;
	o->outdir = g->dir;
	/* Progress lines only where one guest has a terminal to itself. */
	o->quiet = s->n > 1 && !g->log[0];
}

/* One guest, in this process: its exit code, and a line saying so. */
static int run_guest(struct ks_session *s, struct ks_guest *g)
{
	struct ks_vm_result res;
	struct ks_vm_opts o;
	int fd;

	if (g->log[0]) {
		fd = open(g->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	guest_opts(s, g, &o);
	ks_vm_run(&o, &res);
	fprintf(stderr, "kmemstorm %s: %s: guest %s, exit %d; journal %s/journal.jsonl\n",
		s->cmd, g->label, ks_vm_outcome_name(res.outcome),
		res.exit_code, g->dir);
	return res.exit_code;
}

/* Worse first: interrupted, harness error, failed, all skipped, passed. */
static int severity(int code)
{
	static const int order[] = { [0] = 0, [4] = 1, [1] = 2, [2] = 3 };

	return code >= 0 && code <= 4 && code != 3 ? order[code] : 4;
}

static void stop_all(pid_t *pids, int n)
{
	int i;

	/* Our guests stop cleanly on SIGTERM; pass it on. */
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
}

/* Every guest in a child of its own, at most jobs at a time. */
static int run_pool(struct ks_session *s)
{
	pid_t pids[KS_SESSION_MAX] = { 0 };
	int next = 0, running = 0, worst = 0, forwarded = 0, i, st;

	while (next < s->n || running) {
		pid_t pid;

		if (next < s->n && running < s->jobs && !ks_interrupted) {
			fflush(NULL);
			pid = fork();
			if (pid == 0)
				_exit(run_guest(s, &s->guest[next]) & 0xff);
			if (pid < 0) {
				fprintf(stderr, "kmemstorm %s: fork: %s\n",
					s->cmd, strerror(errno));
				worst = 2;
				next = s->n;
				continue;
			}
			pids[next] = pid;
			fprintf(stderr, "kmemstorm %s: %s: running in %s%s%s\n",
				s->cmd, s->guest[next].label,
				s->guest[next].dir,
				s->guest[next].log[0] ? ", log " : "",
				s->guest[next].log);
			running++;
			next++;
			continue;
		}
		if (ks_interrupted) {
			next = s->n;	/* start no more */
			if (!forwarded++)
				stop_all(pids, s->n);
		}
		pid = wait(&st);
		if (pid < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		running--;
		for (i = 0; i < s->n; i++) {
			struct ks_guest *g = &s->guest[i];

			if (pids[i] != pid)
				continue;
			pids[i] = 0;
			g->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
			fprintf(stderr, "kmemstorm %s: %s: guest run ended, exit %d\n",
				s->cmd, g->label, g->exit_code);
			if (severity(g->exit_code) > severity(worst))
				worst = g->exit_code;
		}
	}
	return worst;
}

int ks_session_run(struct ks_session *s)
{
	int code;

	ks_catch_signals();
	if (make_initramfs(s))
		return 2;
	if (s->n == 1 && !s->guest[0].log[0])
		code = s->guest[0].exit_code = run_guest(s, &s->guest[0]);
	else
		code = run_pool(s);
	return ks_interrupted ? 128 + ks_interrupted : code;
}
