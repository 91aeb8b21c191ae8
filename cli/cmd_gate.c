// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm gate: run one plan in QEMU under each kernel configuration
 * (an extra command line such as cgroup.memory=nokmem, or a kernel image)
 * with 'kmemstorm vm', then decide from the journals (results/gate.c).
 * gate.json in the output directory names the configs first, so
 * 'gate --from DIR' decides again from the same journals.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gate.h"
#include "plan.h"
#include "run.h"
#include "scenario.h"
#include "units.h"
#include "vm.h"

#define MAX_CONFIGS 8
#define MAX_PASS 12

struct gate_cli {
	struct ks_gate_config cfg[MAX_CONFIGS];
	int ncfg, jobs;
	const char *kernel, *plan, *outdir, *from;
	char *pass[MAX_PASS];	/* options handed to 'kmemstorm vm' */
	int npass;
	struct ks_compare_opts o;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm gate [--kernel BZIMAGE] --config CONFIG [--config CONFIG]...\n"
		"                      [--jobs J] [-o DIR] [--memory SIZE] [--cpus N]\n"
		"                      [--timeout S] [--hang-timeout S] [--accel A] [PLAN]\n"
		"       kmemstorm gate --from DIR\n"
		"\n"
		"Run PLAN (default %s) in a QEMU guest for each CONFIG and print a decision\n"
		"table: kernel bugs, unhandled ENOMEM, containment (limits reached, usage\n"
		"over a limit, global OOM before memcg OOM) and throughput against the\n"
		"first config. A CONFIG is a kernel image (an existing file) or an extra\n"
		"kernel command line for --kernel ('default' or '' for none), e.g.\n"
		"  kmemstorm gate --config default --config cgroup.memory=nokmem\n"
		"  --jobs J      configs run at once (default 1)\n"
		"  -o DIR        output (default ./kmemstorm-out/gate-TIME): a 'kmemstorm vm'\n"
		"                directory per config, gate.txt and gate.json\n"
		"  --from DIR    decide again from DIR's journals, running nothing\n"
		"  --noise PCT, --overshoot-tolerance SIZE   as for 'kmemstorm compare'\n"
		"  --memory, --cpus, --timeout, --hang-timeout, --accel   as for 'kmemstorm vm'\n"
		"Exit: 0 every config passes the gate and no kernel bug was reported,\n"
		"1 otherwise, 2 usage or harness error.\n",
		KS_DEFAULT_PLAN);
}

static int add_config(struct gate_cli *c, const char *arg)
{
	struct ks_gate_config *g = &c->cfg[c->ncfg];
	struct stat st;

	if (c->ncfg == MAX_CONFIGS) {
		fprintf(stderr, "kmemstorm gate: at most %d configs\n",
			MAX_CONFIGS);
		return -1;
	}
	g->label = arg[0] ? arg : "default";
	g->append = "";
	if (strchr(arg, '/') || (arg[0] && !stat(arg, &st) &&
				 S_ISREG(st.st_mode))) {
		if (access(arg, R_OK)) {
			fprintf(stderr, "kmemstorm gate: --config %s: a kernel image? %s\n",
				arg, strerror(errno));
			return -1;
		}
		g->kernel = arg;
	} else if (strcmp(arg, "default")) {
		g->append = arg;
	}
	c->ncfg++;
	return 0;
}

static int parse_args(int argc, char **argv, struct gate_cli *c)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'C' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'F' },
		{ "noise", required_argument, NULL, 'n' },
		{ "overshoot-tolerance", required_argument, NULL, 'T' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hang-timeout", required_argument, NULL, 'H' },
		{ "accel", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *accel = NULL;
	char err[128];
	int64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "+o:j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			c->kernel = optarg;
			break;
		case 'C':
			if (add_config(c, optarg))
				return -1;
			break;
		case 'j':
			if (ks_parse_int(optarg, 1, MAX_CONFIGS, &v, err,
					 sizeof(err))) {
				fprintf(stderr, "kmemstorm gate: --jobs %s: %s\n",
					optarg, err);
				return -1;
			}
			c->jobs = (int)v;
			break;
		case 'o':
			c->outdir = optarg;
			break;
		case 'F':
			c->from = optarg;
			break;
		case 'n':
			if (ks_parse_int(optarg, 0, 1000, &v, err, sizeof(err))) {
				fprintf(stderr, "kmemstorm gate: --noise %s: %s\n",
					optarg, err);
				return -1;
			}
			c->o.noise = v / 100.0;
			break;
		case 'T':
			if (ks_parse_size(optarg, &v, err, sizeof(err))) {
				fprintf(stderr, "kmemstorm gate: --overshoot-tolerance %s: %s\n",
					optarg, err);
				return -1;
			}
			c->o.overshoot_tol = v;
			break;
		case 'm': case 'c': case 't': case 'H': case 'A':
			/* 'kmemstorm vm' checks these; it runs before any guest. */
			if (c->npass + 2 > MAX_PASS)
				return -1;
			c->pass[c->npass++] = ch == 'm' ? "--memory" :
				ch == 'c' ? "--cpus" : ch == 't' ? "--timeout" :
				ch == 'A' ? "--accel" : "--hang-timeout";
			c->pass[c->npass++] = optarg;
			if (ch == 'A')
				accel = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind < argc)
		c->plan = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "kmemstorm gate: one plan at a time\n");
		return -1;
	}
	if (c->from && (c->ncfg || c->plan)) {
		fprintf(stderr, "kmemstorm gate: --from runs nothing: no --config or PLAN with it\n");
		return -1;
	}
	if (!c->from && c->ncfg < 1) {
		fprintf(stderr, "kmemstorm gate: no --config given\n");
		return -1;
	}
	/* Refused here, before any guest or output directory. */
	if (!c->from && !ks_vm_accel_pick("gate", accel))
		return -1;
	return 0;
}

/* Each config's guest in a child: 'kmemstorm vm', its output in cN.log. */
static pid_t start_config(struct gate_cli *c, int i, const char *out)
{
	struct ks_gate_config *g = &c->cfg[i];
	char *argv[24 + MAX_PASS], log[PATH_MAX + 16];
	int n = 0, k, fd;
	pid_t pid;

	argv[n++] = "kmemstorm";
	argv[n++] = "vm";
	argv[n++] = "--kernel";
	argv[n++] = (char *)(g->kernel ? g->kernel : c->kernel);
	if (g->append[0]) {
		argv[n++] = "--append";
		argv[n++] = (char *)g->append;
	}
	argv[n++] = "-o";
	argv[n++] = g->dir;
	for (k = 0; k < c->npass; k++)
		argv[n++] = c->pass[k];
	argv[n++] = (char *)c->plan;
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/c%d.log", out, i + 1);
	pid = fork();
	if (pid)
		return pid;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execv("/proc/self/exe", argv);
	fprintf(stderr, "kmemstorm gate: exec: %s\n", strerror(errno));
	_exit(2);
}

static int run_configs(struct gate_cli *c, const char *out)
{
	pid_t pids[MAX_CONFIGS] = { 0 };
	int next = 0, running = 0, worst = 0, i, st;

	while (next < c->ncfg || running) {
		pid_t pid;

		if (next < c->ncfg && running < c->jobs && !ks_interrupted) {
			pids[next] = start_config(c, next, out);
			if (pids[next] < 0) {
				fprintf(stderr, "kmemstorm gate: fork: %s\n",
					strerror(errno));
				worst = 2;
				next = c->ncfg;
				continue;
			}
			fprintf(stderr, "kmemstorm gate: %s: running in %s (log %s/c%d.log)\n",
				c->cfg[next].label, c->cfg[next].dir, out,
				next + 1);
			running++;
			next++;
			continue;
		}
		if (ks_interrupted)
			next = c->ncfg;
		pid = wait(&st);
		if (pid < 0) {
			if (errno != EINTR)
				break;
			/* Our guests stop cleanly on SIGTERM; pass it on. */
			for (i = 0; i < c->ncfg; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
			continue;
		}
		running--;
		for (i = 0; i < c->ncfg; i++)
			if (pids[i] == pid) {
				pids[i] = 0;
				fprintf(stderr, "kmemstorm gate: %s: guest run ended, exit %d\n",
					c->cfg[i].label,
					WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			}
		if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
			worst = 2;
	}
	return ks_interrupted ? 130 : worst;
}

static int write_json(const char *path, json_t *doc)
{
	char tmp[PATH_MAX + 8];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(doc, tmp, JSON_INDENT(1)) || rename(tmp, path)) {
		fprintf(stderr, "kmemstorm gate: cannot write %s\n", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static json_t *configs_json(struct gate_cli *c)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < c->ncfg; i++)
		json_array_append_new(a, json_pack("{s:s, s:s?, s:s, s:s}",
			"config", c->cfg[i].label,
			"kernel", c->cfg[i].kernel ? c->cfg[i].kernel : c->kernel,
			"append", c->cfg[i].append,
			"dir", strrchr(c->cfg[i].dir, '/') + 1));
	return a;
}

/* Configs back from a gate.json, their directories next to it. */
static int load_from(struct gate_cli *c, const char *dir, json_t **keep)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *doc, *x;
	size_t i;

	snprintf(path, sizeof(path), "%s/gate.json", dir);
	doc = json_load_file(path, 0, &je);
	if (!doc) {
		fprintf(stderr, "kmemstorm gate: %s:%d: %s\n", path, je.line,
			je.text);
		return -1;
	}
	json_array_foreach(json_object_get(doc, "configs"), i, x) {
		struct ks_gate_config *g = &c->cfg[c->ncfg];

		if (c->ncfg == MAX_CONFIGS || !json_is_string(json_object_get(x, "dir")) ||
		    strchr(json_string_value(json_object_get(x, "dir")), '/')) {
			fprintf(stderr, "kmemstorm gate: %s: configs[%zu]: needs \"dir\", a directory next to it\n",
				path, i);
			json_decref(doc);
			return -1;
		}
		g->label = json_string_value(json_object_get(x, "config"));
		g->kernel = json_string_value(json_object_get(x, "kernel"));
		g->append = json_string_value(json_object_get(x, "append"));
		if (!g->label || !g->append)
			g->label = g->append = "?";
		snprintf(g->dir, sizeof(g->dir), "%s/%s", dir,
			 json_string_value(json_object_get(x, "dir")));
		c->ncfg++;
	}
	if (!c->ncfg) {
		fprintf(stderr, "kmemstorm gate: %s: no configs\n", path);
		json_decref(doc);
		return -1;
	}
	*keep = doc;	/* the labels point into it */
	return 0;
}

static int check_inputs(struct gate_cli *c)
{
	static char kbuf[PATH_MAX];
	struct ks_plan_errors errs;
	struct ks_plan plan;
	char cmd[PATH_MAX + 32];
	int i, need_default = 0;

	if (ks_plan_load(c->plan, &plan, &errs)) {
		ks_plan_errors_print(&errs, stderr);
		return -1;
	}
	ks_plan_free(&plan);
	for (i = 0; i < c->ncfg; i++)
		need_default |= !c->cfg[i].kernel;
	if (c->kernel && access(c->kernel, R_OK)) {
		fprintf(stderr, "kmemstorm gate: --kernel %s: %s\n", c->kernel,
			strerror(errno));
		return -1;
	}
	if (!c->kernel && need_default) {
		/* Once here, not in each guest run at the same time. */
		fprintf(stderr, "kmemstorm gate: default kernel: %s/build-kernel (cached; a first build takes minutes)\n",
			ks_scripts_dir());
		snprintf(cmd, sizeof(cmd), "%s/build-kernel", ks_scripts_dir());
		if (ks_run_script(cmd, kbuf, sizeof(kbuf))) {
			fprintf(stderr, "kmemstorm gate: building the default kernel failed\n");
			return -1;
		}
		c->kernel = kbuf;
	}
	return 0;
}

static int make_outdir(struct gate_cli *c, char *out, size_t len)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int i;

	if (c->outdir) {
		snprintf(out, len, "%s", c->outdir);
	} else {
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		mkdir("kmemstorm-out", 0755);
		snprintf(out, len, "kmemstorm-out/gate-%s", stamp);
	}
	if (mkdir(out, 0755) && errno != EEXIST) {
		fprintf(stderr, "kmemstorm gate: %s: %s\n", out, strerror(errno));
		return -1;
	}
	for (i = 0; i < c->ncfg; i++)
		snprintf(c->cfg[i].dir, sizeof(c->cfg[i].dir), "%s/c%d", out,
			 i + 1);
	return 0;
}

int ks_cmd_gate(int argc, char **argv)
{
	struct gate_cli c = { .jobs = 1, .o = { KS_COMPARE_NOISE,
						KS_COMPARE_OVERSHOOT_TOL } };
	json_t *from_doc = NULL, *decision = NULL, *doc;
	char out[PATH_MAX], path[PATH_MAX + 16], err[512], *text = NULL;
	int ran = 0, failed, rc = KS_EXIT_USAGE;
	size_t textlen = 0;
	FILE *mem;

	if (parse_args(argc, argv, &c)) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (c.from) {
		if (load_from(&c, c.from, &from_doc))
			return KS_EXIT_USAGE;
		snprintf(out, sizeof(out), "%s", c.from);
	} else {
		if (!c.plan)
			c.plan = KS_DEFAULT_PLAN;
		if (check_inputs(&c) || make_outdir(&c, out, sizeof(out)))
			return KS_EXIT_USAGE;
		doc = json_pack("{s:i, s:s, s:o}", "schema", 1, "plan", c.plan,
				"configs", configs_json(&c));
		snprintf(path, sizeof(path), "%s/gate.json", out);
		if (write_json(path, doc)) {
			json_decref(doc);
			return 2;
		}
		json_decref(doc);
		ks_catch_signals();
		ran = run_configs(&c, out);
		if (ran == 130) {
			fprintf(stderr, "kmemstorm gate: interrupted; 'kmemstorm gate --from %s' decides from what was run\n",
				out);
			return 130;
		}
	}
	mem = open_memstream(&text, &textlen);
	if (!mem)
		return 2;
	failed = ks_gate_decide(mem, c.cfg, c.ncfg, &c.o, &decision, err,
				sizeof(err));
	fclose(mem);
	if (failed < 0) {
		fprintf(stderr, "kmemstorm gate: %s\n", err);
		rc = 2;
		goto out;
	}
	fputs(text, stdout);
	snprintf(path, sizeof(path), "%s/gate.txt", out);
	mem = fopen(path, "we");
	if (!mem || fputs(text, mem) < 0 || fclose(mem)) {
		fprintf(stderr, "kmemstorm gate: cannot write %s\n", path);
		rc = 2;
		goto out;
	}
	json_object_set_new(decision, "plan", json_string(
		c.plan ? c.plan : ks_jstr(from_doc, "plan", "?")));
	snprintf(path, sizeof(path), "%s/gate.json", out);
	if (write_json(path, decision)) {
		rc = 2;
		goto out;
	}
	fprintf(stderr, "kmemstorm gate: %s/gate.txt, %s/gate.json\n", out, out);
	rc = ran == 2 ? 2 :
	     failed || ks_jint(decision, "configs_with_bugs", 0) ? 1 : 0;
	if (ran == 2)
		fprintf(stderr, "kmemstorm gate: a guest run failed (QEMU, timeout): see %s/c*.log\n",
			out);
out:
	free(text);
	json_decref(decision);
	json_decref(from_doc);
	return rc;
}
