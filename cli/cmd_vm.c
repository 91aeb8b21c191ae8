// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm vm: run plans in QEMU guests, side by side with --jobs, one
 * guest per (kernel, command line, plan).  The default kernel is the one
 * scripts/build-kernel builds (and caches) from the project's fragment.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "plan.h"
#include "run.h"
#include "scenario.h"
#include "units.h"
#include "vm.h"

#define MAX_LIST 16

struct vm_cli {
	const char *kernels[MAX_LIST];
	int nkernels;
	const char *appends[MAX_LIST];
	int nappends;
	const char *plans[MAX_LIST];
	int nplans;
	const char *outdir;
	int jobs;
	struct ks_vm_opts base;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm vm [--kernel BZIMAGE]... [--append ARGS]... [--memory SIZE]\n"
		"                    [--cpus N] [--timeout S] [--hang-timeout S] [--jobs J]\n"
		"                    [--qemu BINARY] [--accel auto|kvm|tcg] [-o DIR] [PLAN]...\n"
		"\n"
		"Boot each kernel in QEMU with each extra command line and run each PLAN\n"
		"(file or built-in name; default %s) inside, on cgroup v2.\n"
		"  --kernel BZIMAGE    kernel under test (default: scripts/build-kernel's)\n"
		"  --append ARGS       extra kernel command line, e.g. cgroup.memory=nokmem\n"
		"  --memory SIZE       guest memory (default 1G)\n"
		"  --cpus N            guest CPUs (default 2)\n"
		"  --timeout S         whole run, seconds (default 1800)\n"
		"  --hang-timeout S    no journal progress for S seconds is a hang (default 120)\n"
		"  --jobs J            guests at once (default 1)\n"
		"  --accel A           auto (default; $KMEMSTORM_ACCEL): KVM when /dev/kvm\n"
		"                      works, and a guest QEMU cannot run under KVM boots\n"
		"                      again under TCG; kvm or tcg: only that one\n"
		"  -o, --output DIR    results (default ./kmemstorm-out/vm-TIME)\n"
		"Exit: as 'kmemstorm run'; a guest panic or hang counts as a failed scenario,\n"
		"a timeout or QEMU failure as a harness error.\n", KS_DEFAULT_PLAN);
}

/* Where scripts/ is: $KS_SCRIPTS, next to the binary (build tree), installed. */
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

/* Run a helper script; its last line of stdout into out. */
int ks_run_script(const char *cmd, char *out, size_t len)
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

static int parse_num(const char *opt, const char *v, int min, int max,
		     int *out)
{
	char err[128];
	int64_t n;

	if (ks_parse_int(v, min, max, &n, err, sizeof(err))) {
		fprintf(stderr, "kmemstorm vm: %s: %s\n", opt, err);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int parse_args(int argc, char **argv, struct vm_cli *c)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "append", required_argument, NULL, 'a' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hang-timeout", required_argument, NULL, 'H' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "accel", required_argument, NULL, 'A' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[128];
	int64_t mem;
	int ch;

	while ((ch = getopt_long(argc, argv, "+o:j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
		case 'a':
			if ((ch == 'k' ? c->nkernels : c->nappends) == MAX_LIST) {
				fprintf(stderr, "kmemstorm vm: at most %d of --%s\n",
					MAX_LIST, ch == 'k' ? "kernel" : "append");
				return -1;
			}
			if (ch == 'k')
				c->kernels[c->nkernels++] = optarg;
			else
				c->appends[c->nappends++] = optarg;
			break;
		case 'm':
			if (ks_parse_size(optarg, &mem, err, sizeof(err)) ||
			    mem < (64 << 20) || mem > (64LL << 30)) {
				fprintf(stderr, "kmemstorm vm: --memory: %s\n",
					mem < (64 << 20) || mem > (64LL << 30) ?
					"must be 64M to 64G" : err);
				return -1;
			}
			c->base.memory_mb = (int)(mem >> 20);
			break;
		case 'c':
			if (parse_num("--cpus", optarg, 1, 64, &c->base.cpus))
				return -1;
			break;
		case 't':
			if (parse_num("--timeout", optarg, 1, 86400,
				      &c->base.timeout_s))
				return -1;
			break;
		case 'H':
			if (parse_num("--hang-timeout", optarg, 1, 86400,
				      &c->base.hang_s))
				return -1;
			break;
		case 'j':
			if (parse_num("--jobs", optarg, 1, 64, &c->jobs))
				return -1;
			break;
		case 'q':
			c->base.qemu = optarg;
			break;
		case 'A':
			c->base.accel = optarg;
			break;
		case 'o':
			c->outdir = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	for (; optind < argc; optind++) {
		if (c->nplans == MAX_LIST) {
			fprintf(stderr, "kmemstorm vm: at most %d plans\n",
				MAX_LIST);
			return -1;
		}
		c->plans[c->nplans++] = argv[optind];
	}
	c->base.accel = ks_vm_accel_pick("vm", c->base.accel);
	if (!c->base.accel)
		return -1;
	if (!c->nplans)
		c->plans[c->nplans++] = KS_DEFAULT_PLAN;
	if (!c->nappends)
		c->appends[c->nappends++] = "";
	return 0;
}

/* Refuse a bad plan before booting anything; the name the guest uses. */
static int check_plan(const char *arg, char *guest_name, size_t len,
		      int *is_file)
{
	struct ks_plan_errors errs;
	struct ks_plan plan;
	struct stat st;

	if (ks_plan_load(arg, &plan, &errs)) {
		ks_plan_errors_print(&errs, stderr);
		return -1;
	}
	ks_plan_free(&plan);
	*is_file = stat(arg, &st) == 0;
	snprintf(guest_name, len, "%s", *is_file ? strrchr(arg, '/') ?
		 strrchr(arg, '/') + 1 : arg : arg);
	return 0;
}

static int shell_quote(char *out, size_t len, const char *s)
{
	size_t n = 0;

	if (n + 1 >= len)
		return -1;
	out[n++] = '\'';
	for (; *s; s++) {
		if (n + 5 >= len)
			return -1;
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *s;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
	return 0;
}

static int make_initramfs(const char *outdir, struct vm_cli *c,
			  const int *is_file, char *out, size_t len)
{
	char cmd[8192], q[PATH_MAX * 2], exe[PATH_MAX];
	ssize_t n;
	int i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	snprintf(cmd, sizeof(cmd), "%s/mkinitramfs -o ", ks_scripts_dir());
	shell_quote(q, sizeof(q), outdir);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
		 "%s/initramfs.cpio.gz --bin ", q);
	shell_quote(q, sizeof(q), exe);
	strncat(cmd, q, sizeof(cmd) - strlen(cmd) - 1);
	for (i = 0; i < c->nplans; i++) {
		if (!is_file[i])
			continue;
		shell_quote(q, sizeof(q), c->plans[i]);
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
			 " --plan %s", q);
	}
	return ks_run_script(cmd, out, len);
}

static int severity(int code)
{
	switch (code) {
	case 0: return 0;
	case 4: return 1;
	case 1: return 2;
	case 2: return 3;
	default: return 4;	/* interrupted */
	}
}

int ks_cmd_vm(int argc, char **argv)
{
	struct vm_cli c = { .jobs = 1, .base = { .qemu = "qemu-system-x86_64",
		.memory_mb = 1024, .scratch_mb = 4096, .cpus = 2, .timeout_s = 1800,
		.hang_s = 120 } };
	char names[MAX_LIST][KS_NAME_MAX * 4], kbuf[PATH_MAX];
	char outdir[PATH_MAX], initrd[PATH_MAX], stamp[32];
	int is_file[MAX_LIST], i, k, a, p, nruns, running = 0, worst = 0;
	char rundirs[MAX_LIST * 3][PATH_MAX + 128];
	struct ks_vm_opts runs[MAX_LIST * 3];
	time_t t = time(NULL);
	struct tm tm;

	if (parse_args(argc, argv, &c)) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	nruns = c.nkernels ? c.nkernels : 1;
	nruns *= c.nappends * c.nplans;
	if (nruns > (int)(sizeof(runs) / sizeof(runs[0]))) {
		fprintf(stderr, "kmemstorm vm: %d guests is too many (at most %zu)\n",
			nruns, sizeof(runs) / sizeof(runs[0]));
		return KS_EXIT_USAGE;
	}
	for (i = 0; i < c.nplans; i++)
		if (check_plan(c.plans[i], names[i], sizeof(names[i]),
			       &is_file[i]))
			return KS_EXIT_USAGE;
	for (i = 0; i < c.nkernels; i++)
		if (access(c.kernels[i], R_OK)) {
			fprintf(stderr, "kmemstorm vm: --kernel %s: %s\n",
				c.kernels[i], strerror(errno));
			return KS_EXIT_USAGE;
		}
	if (!c.nkernels) {
		char cmd[PATH_MAX + 32];

		fprintf(stderr, "kmemstorm vm: default kernel: %s/build-kernel (cached; a first build takes minutes)\n",
			ks_scripts_dir());
		snprintf(cmd, sizeof(cmd), "%s/build-kernel", ks_scripts_dir());
		if (ks_run_script(cmd, kbuf, sizeof(kbuf))) {
			fprintf(stderr, "kmemstorm vm: building the default kernel failed\n");
			return 2;
		}
		c.kernels[c.nkernels++] = kbuf;
	}

	if (c.outdir) {
		snprintf(outdir, sizeof(outdir), "%s", c.outdir);
	} else {
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		mkdir("kmemstorm-out", 0755);
		snprintf(outdir, sizeof(outdir), "kmemstorm-out/vm-%s", stamp);
	}
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "kmemstorm vm: %s: %s\n", outdir,
			strerror(errno));
		return 2;
	}
	if (make_initramfs(outdir, &c, is_file, initrd, sizeof(initrd))) {
		fprintf(stderr, "kmemstorm vm: building the initramfs failed\n");
		return 2;
	}

	i = 0;
	for (k = 0; k < c.nkernels; k++)
		for (a = 0; a < c.nappends; a++)
			for (p = 0; p < c.nplans; p++, i++) {
				runs[i] = c.base;
				runs[i].kernel = c.kernels[k];
				runs[i].initrd = initrd;
				runs[i].append = c.appends[a];
				runs[i].plan = names[p];
				if (nruns == 1)
					snprintf(rundirs[i], sizeof(rundirs[i]),
						 "%s", outdir);
				else
					snprintf(rundirs[i], sizeof(rundirs[i]),
						 "%s/k%d-a%d-%s", outdir, k, a,
						 names[p]);
				runs[i].outdir = rundirs[i];
				runs[i].quiet = nruns > 1;
			}

	ks_catch_signals();
	if (nruns == 1) {
		struct ks_vm_result res;

		ks_vm_run(&runs[0], &res);
		fprintf(stderr, "kmemstorm vm: %s: guest %s, exit %d; journal %s/journal.jsonl\n",
			runs[0].plan, ks_vm_outcome_name(res.outcome),
			res.exit_code, runs[0].outdir);
		return res.exit_code;
	}
	/* A small pool: each guest in a child of its own. */
	for (i = 0; i < nruns || running; ) {
		int st;
		pid_t pid;

		if (i < nruns && running < c.jobs && !ks_interrupted) {
			pid = fork();
			if (pid == 0) {
				struct ks_vm_result res;

				_exit(ks_vm_run(&runs[i], &res) & 0xff);
			}
			if (pid > 0) {
				fprintf(stderr, "kmemstorm vm: started %s\n",
					runs[i].outdir);
				running++;
			}
			i++;
			continue;
		}
		if (i < nruns && ks_interrupted)
			i = nruns;	/* start no more */
		pid = wait(&st);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		running--;
		k = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
		fprintf(stderr, "kmemstorm vm: a guest finished with exit %d\n",
			k);
		if (severity(k) > severity(worst))
			worst = k;
	}
	printf("journals: %s/*/journal.jsonl\n", outdir);
	return worst;
}
