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
#include "session.h"
#include "units.h"
#include "vm.h"

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

/* Long but flat: one case per option, each checked where it is read. */
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
		KS_VM_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
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
		case 'h':
			usage(stdout);
			exit(0);
		default:
			if (ks_cli_vm_opt("gate", ch, optarg, &c->vm))
				return -1;
			c->vm_set = 1;
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
	doc = json_pack("{s:i, s:s, s:o}", "schema", 1, "plan", c->plan,
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
	json_object_set_new(decision, "plan", json_string(
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
	if (parse_args(argc, argv, &c)) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
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
