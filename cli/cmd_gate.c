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
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "gate.h"
#include "plan.h"
#include "run.h"
#include "scenario.h"
#include "session.h"
#include "units.h"
#include "vm.h"
#include "utf8.h"

#define MAX_CONFIGS 8

struct gate_cli {
	struct ks_gate_config cfg[MAX_CONFIGS];
	int ncfg, jobs;
	const char *kernel, *plan, *outdir, *from;
	struct ks_vm_opts vm;	/* --memory, --cpus, ... for every guest */
	int vm_set;		/* one of those given */
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
		"  kmemstorm gate --config default --config cgroup.memory=nokmem\n",
		KS_DEFAULT_PLAN);
	ks_cli_opts_help(f, ks_gate_cli_opts);
	ks_cli_opts_help(f, ks_decide_cli_opts);
	ks_cli_opts_help(f, ks_qemu_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f,
		"Exit: 0 every config passes the gate and no kernel bug was reported,\n"
		"1 otherwise, 2 usage or harness error.\n");
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

static int take_config(void *dst, const char *cmd, const char *arg)
{
	(void)cmd;
	return add_config(dst, arg);
}

#define GATE(f) offsetof(struct gate_cli, f)

const struct ks_cli_opt ks_gate_cli_opts[] = {
	{ "kernel", 0, KS_ARG_STR, GATE(kernel), 0, 0, NULL, "BZIMAGE",
	  "kernel for the command-line configs\n"
	  "(default: scripts/build-kernel's)" },
	{ "config", 0, KS_ARG_CALL, 0, 0, 0, take_config, "CONFIG",
	  "a kernel image or an extra command line; repeated" },
	{ "jobs", 'j', KS_ARG_INT, GATE(jobs), 1, MAX_CONFIGS, NULL, "J",
	  "configs run at once (default 1)" },
	{ "output", 'o', KS_ARG_STR, GATE(outdir), 0, 0, NULL, "DIR",
	  "output (default ./kmemstorm-out/gate-TIME): a\n"
	  "'kmemstorm vm' directory per config, gate.txt, gate.json" },
	{ "from", 0, KS_ARG_STR, GATE(from), 0, 0, NULL, "DIR",
	  "decide again from DIR's journals, running nothing" },
	KS_ARG_END,
};

static int parse_args(int argc, char **argv, struct gate_cli *c, int *code)
{
	const struct ks_cli_set sets[] = {
		{ ks_gate_cli_opts, c, NULL },
		{ ks_decide_cli_opts, &c->o, NULL },
		{ ks_qemu_cli_opts, &c->vm, &c->vm_set },
		{ NULL, NULL, NULL },
	};
	int first = ks_cli_getopts("gate", sets, argc, argv, usage, code);

	if (first < 0)
		return -1;
	*code = KS_EXIT_USAGE;
	if (first < argc)
		c->plan = argv[first++];
	if (first < argc) {
		fprintf(stderr, "kmemstorm gate: one plan at a time\n");
		return -1;
	}
	if (c->from && (c->ncfg || c->plan)) {
		fprintf(stderr, "kmemstorm gate: --from runs nothing: no --config or PLAN with it\n");
		return -1;
	}
	if (c->from && c->vm_set) {
		fprintf(stderr, "kmemstorm gate: --from runs nothing: no guest options with it\n");
		return -1;
	}
	if (!c->from && c->ncfg < 1) {
		fprintf(stderr, "kmemstorm gate: no --config given\n");
		return -1;
	}
	return 0;
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
		json_array_append_new(a, json_pack("{s:o, s:o?, s:o, s:o}",
			"config", ks_json_text(c->cfg[i].label),
			"kernel",
			ks_json_text(c->cfg[i].kernel ? c->cfg[i].kernel : c->kernel),
			"append", ks_json_text(c->cfg[i].append),
			"dir", ks_json_text(strrchr(c->cfg[i].dir, '/') + 1)));
	return a;
}

static int load_from(struct gate_cli *c, const char *dir, json_t **keep)
{
	char err[PATH_MAX + 160];

	if (ks_gate_load_from(dir, c->cfg, MAX_CONFIGS, &c->ncfg, keep, err,
			      sizeof(err))) {
		fprintf(stderr, "kmemstorm gate: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * A guest per config, as one session: DIR/cN with its messages in
 * DIR/cN.log.  0 ready (the configs know their directories), -1 refused
 * before anything ran (said on stderr).
 */
static int prepare_configs(struct gate_cli *c, struct ks_session *s)
{
	int i;

	ks_session_init(s, "gate");
	s->base = c->vm;
	s->jobs = c->jobs;
	s->outdir = c->outdir;
	for (i = 0; i < c->ncfg; i++) {
		struct ks_gate_config *g = &c->cfg[i];
		struct ks_guest *gu = ks_session_add(s, g->kernel ? g->kernel :
						     c->kernel, g->append,
						     c->plan);

		if (!gu)
			return -1;
		gu->label = g->label;
	}
	if (ks_session_prepare(s))
		return -1;
	for (i = 0; i < c->ncfg; i++) {
		struct ks_guest *gu = &s->guest[i];

		snprintf(gu->dir, sizeof(gu->dir), "%s/c%d", s->dir, i + 1);
		snprintf(gu->log, sizeof(gu->log), "%s/c%d.log", s->dir, i + 1);
		snprintf(c->cfg[i].dir, sizeof(c->cfg[i].dir), "%s", gu->dir);
		/* The kernel a config ran: the default one once it is built. */
		if (!c->cfg[i].kernel && !c->kernel)
			c->kernel = s->kernel;
	}
	return 0;
}

/*
 * The configs' guests: gate.json names them first, so that 'gate --from'
 * can decide from what ran.  0 all finished, 2 one could not (QEMU,
 * timeout), -1 refused or gate.json not written (said), 128+N
 * interrupted.
 */
static int run_configs(struct gate_cli *c, struct ks_session *s, char *out,
		       size_t len)
{
	char path[PATH_MAX + 16];
	json_t *doc;
	int ran, i;

	if (!c->plan)
		c->plan = KS_DEFAULT_PLAN;
	if (prepare_configs(c, s))
		return -1;
	snprintf(out, len, "%s", s->dir);
	doc = json_pack("{s:i, s:o, s:o}", "schema", 1, "plan",
			ks_json_text(c->plan),
			"configs", configs_json(c));
	snprintf(path, sizeof(path), "%s/gate.json", out);
	ran = write_json(path, doc) ? -1 : 0;
	json_decref(doc);
	if (ran)
		return ran;
	ran = ks_session_run(s);
	if (ks_interrupted) {
		fprintf(stderr, "kmemstorm gate: interrupted; 'kmemstorm gate --from %s' decides from what was run\n",
			out);
		return ran;
	}
	/* Not run (-1: no initramfs, say) or not finished: an error. */
	for (i = 0, ran = 0; i < s->n; i++)
		if (s->guest[i].exit_code > 1 || s->guest[i].exit_code < 0)
			ran = 2;
	return ran;
}

/* Decide from the journals in out; gate.txt and gate.json there. */
static int decide(struct gate_cli *c, const char *out, json_t *from_doc,
		  int ran)
{
	char path[PATH_MAX + 16], err[512], *text = NULL;
	json_t *decision = NULL;
	size_t textlen = 0;
	int failed, rc = 2;
	FILE *mem;

	mem = open_memstream(&text, &textlen);
	if (!mem)
		return 2;
	failed = ks_gate_decide(mem, c->cfg, c->ncfg, &c->o, &decision, err,
				sizeof(err));
	fclose(mem);
	if (failed < 0) {
		fprintf(stderr, "kmemstorm gate: %s\n", err);
		goto out;
	}
	fputs(text, stdout);
	snprintf(path, sizeof(path), "%s/gate.txt", out);
	mem = fopen(path, "we");
	if (mem) {
		/* fclose() either way: a failed fputs() must not leak it. */
		int bad = fputs(text, mem) < 0;

		bad |= fclose(mem) != 0;
		mem = bad ? NULL : mem;
	}
	if (!mem) {
		fprintf(stderr, "kmemstorm gate: cannot write %s\n", path);
		goto out;
	}
	json_object_set_new(decision, "plan", ks_json_text(
		c->plan ? c->plan : ks_jstr(from_doc, "plan", "?")));
	snprintf(path, sizeof(path), "%s/gate.json", out);
	if (write_json(path, decision))
		goto out;
	fprintf(stderr, "kmemstorm gate: %s/gate.txt, %s/gate.json\n", out, out);
	rc = ran == 2 ? 2 :
	     failed || ks_jint(decision, "configs_with_bugs", 0) ? 1 : 0;
	if (ran == 2)
		fprintf(stderr, "kmemstorm gate: a guest run failed (QEMU, timeout): see %s/c*.log\n",
			out);
out:
	free(text);
	json_decref(decision);
	return rc;
}

int ks_cmd_gate(int argc, char **argv)
{
	static struct ks_session s;
	struct gate_cli c = { .jobs = 1, .o = { KS_COMPARE_NOISE,
						KS_COMPARE_OVERSHOOT_TOL } };
	json_t *from_doc = NULL;
	char out[PATH_MAX];
	int ran = 0, rc;

	ks_session_init(&s, "gate");
	c.vm = s.base;
	if (parse_args(argc, argv, &c, &rc))
		return rc;
	if (c.from) {
		if (load_from(&c, c.from, &from_doc))
			return KS_EXIT_USAGE;
		snprintf(out, sizeof(out), "%s", c.from);
	} else {
		ran = run_configs(&c, &s, out, sizeof(out));
		if (ran < 0)
			return KS_EXIT_USAGE;
		if (ran > 2)
			return ran;	/* interrupted */
	}
	rc = decide(&c, out, from_doc, ran);
	json_decref(from_doc);
	return rc;
}
