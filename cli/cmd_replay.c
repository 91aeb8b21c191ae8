// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm replay: run one recorded fail-nth step (scenario, operation,
 * n) of a sweep again, from the plan the journal carries, here or in a
 * QEMU guest, and say whether it behaved the same.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "options.h"
#include "journal_read.h"
#include "fsutil.h"
#include "run.h"
#include "session.h"
#include "vm.h"
#include "utf8.h"

struct replay {
	const char *journal, *scenario, *op, *nth, *outdir;
	struct ks_cli_guest guest;
};

#define RP(f) offsetof(struct replay, f)

const struct ks_cli_opt ks_replay_cli_opts[] = {
	{ "scenario", 0, KS_ARG_STR, RP(scenario), 0, 0, NULL, "S",
	  "the sweep scenario, as the journal names it" },
	{ "op", 0, KS_ARG_STR, RP(op), 0, 0, NULL, "OP",
	  "its operation" },
	{ "nth", 0, KS_ARG_STR, RP(nth), 0, 0, NULL, "N",
	  "the step: the Nth fault-injectable call fails" },
	{ "output", 'o', KS_ARG_STR, RP(outdir), 0, 0, NULL, "DIR",
	  "replay.plan, the new journal, replay.json" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm replay JOURNAL --scenario S --op OP --nth N [-o DIR]\n"
		"                        [--vm [--kernel BZIMAGE] [--append ARGS] [--accel A]]\n"
		"\n"
		"Run step (OP, N) of sweep scenario S recorded in JOURNAL again, with\n"
		"the plan the journal carries, and compare it with the recording.\n"
		"A sweep needs a disposable kernel with fault injection: --vm gives one.\n");
	ks_cli_opts_help(f, ks_replay_cli_opts);
	ks_cli_opts_help(f, ks_guest_cli_opts);
	ks_cli_opts_help(f, ks_qemu_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f, "Exit: 0 the same, 1 different, 2 usage or harness error.\n");
}

static int is_sweep_key(const char *line)
{
	static const char *const keys[] = { "mode", "sweep.ops",
					    "sweep.first_n", "sweep.max_n" };
	size_t i, n = strcspn(line, "=");

	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == n && !strncmp(line, keys[i], n))
			return 1;
	return 0;
}

/*
 * The plan for one step: [plan] and [defaults] as recorded, only the
 * scenario replayed, with its sweep keys narrowed to (op, n).
 */
static char *replay_text(const char *text, const struct replay *r)
{
	char *out = NULL, want[160];
	size_t len = 0;
	const char *p = text;
	FILE *f = open_memstream(&out, &len);
	int keep = 1, in_target = 0;

	if (!f)
		return NULL;
	snprintf(want, sizeof(want), "[scenario %s]", r->scenario);
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *s = p + strspn(p, " \t");

		if (*s == '[') {
			if (in_target)
				fprintf(f, "mode = sweep\nsweep.ops = %s\nsweep.first_n = %s\nsweep.max_n = %s\n\n",
					r->op, r->nth, r->nth);
			in_target = !strncmp(s, want, strlen(want));
			keep = in_target || !strncmp(s, "[plan]", 6) ||
			       !strncmp(s, "[defaults]", 10);
		}
		if (keep && !(in_target && is_sweep_key(s)))
			fprintf(f, "%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (in_target)
		fprintf(f, "mode = sweep\nsweep.ops = %s\nsweep.first_n = %s\nsweep.max_n = %s\n",
			r->op, r->nth, r->nth);
	fclose(f);
	return out;
}

static json_t *find_step(const char *journal, const struct replay *r,
			 json_t **recs)
{
	char err[512];
	int trunc;

	*recs = ks_journal_load(journal, &trunc, err, sizeof(err));
	if (!*recs) {
		fprintf(stderr, "kmemstorm: %s\n", err);
		return NULL;
	}
	return ks_journal_find(*recs, "sweep_step", "scenario", r->scenario,
			       "op", r->op, "n", r->nth, NULL);
}

/* The fields a replay must reproduce. */
static json_t *essence(json_t *step)
{
	static const char *const keys[] = { "fired", "errno", "fail_op",
					    "site", "reports" };
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(step, keys[i]);

		json_object_set(o, keys[i], v ? v : json_null());
	}
	return o;
}

int ks_run_plan_file(const char *plan, const char *out,
		     const struct ks_cli_guest *g)
{
	static struct ks_session s;
	struct ks_run_opts o = { .plan = plan, .outdir = out, .progress = -1 };

	if (!g->vm)
		return ks_run(&o);
	ks_session_init(&s, "vm");
	if (g->o)
		s.base = *g->o;
	s.outdir = out;
	if (!ks_session_add(&s, g->kernel, g->append, plan) ||
	    ks_session_prepare(&s))
		return KS_EXIT_USAGE;
	return ks_session_run(&s);
}

static int run_it(struct replay *r, const char *plan, char *journal,
		  size_t len)
{
	char out[4096];

	snprintf(out, sizeof(out), "%s/%s", r->outdir,
		 r->guest.vm ? "vm" : "run");
	snprintf(journal, len, "%s/journal.jsonl", out);
	return ks_run_plan_file(plan, out, &r->guest);
}

static int replay(struct replay *r)
{
	json_t *recs = NULL, *recs2 = NULL, *start, *orig, *again;
	json_t *a = NULL, *b = NULL, *res;
	char plan[4096], journal[4096 + 32], *text;
	const char *ptext;
	FILE *f;
	int code = 2, same;

	orig = find_step(r->journal, r, &recs);
	start = recs ? ks_journal_find(recs, "run_start", NULL) : NULL;
	ptext = json_string_value(json_object_get(json_object_get(start,
						  "plan"), "text"));
	if (!recs)
		goto out;
	if (!orig || !ptext) {
		fprintf(stderr, "kmemstorm: %s: no %s (scenario %s, op %s, n %s)\n",
			r->journal, ptext ? "sweep_step" : "run_start with the plan",
			r->scenario, r->op, r->nth);
		goto out;
	}
	code = ks_mkdirs(r->outdir, 0755);
	if (code) {
		fprintf(stderr, "kmemstorm: %s: %s\n", r->outdir,
			strerror(-code));
		code = 2;
		goto out;
	}
	code = 2;
	text = replay_text(ptext, r);
	snprintf(plan, sizeof(plan), "%s/replay.plan", r->outdir);
	f = fopen(plan, "we");
	if (!text || !f || fputs(text, f) == EOF || fclose(f)) {
		fprintf(stderr, "kmemstorm: %s: cannot write\n", plan);
		free(text);
		goto out;
	}
	free(text);
	code = run_it(r, plan, journal, sizeof(journal));
	if (code >= 2 && code != 4 && code < 128)
		fprintf(stderr, "kmemstorm: the replay run exited %d\n", code);
	again = find_step(journal, r, &recs2);
	if (!again) {
		fprintf(stderr, "kmemstorm: %s: the step did not run again\n",
			journal);
		code = 2;
		goto out;
	}
	a = essence(orig);
	b = essence(again);
	same = json_equal(a, b);
	res = json_pack("{s:O, s:O, s:b, s:o}", "recorded", a, "replayed", b,
			"same", same, "journal", ks_json_text(journal));
	snprintf(plan, sizeof(plan), "%s/replay.json", r->outdir);
	json_dump_file(res, plan, JSON_INDENT(2));
	json_decref(res);
	text = json_dumps(a, JSON_COMPACT);
	printf("recorded: %s\n", text);
	free(text);
	text = json_dumps(b, JSON_COMPACT);
	printf("replayed: %s\n", text);
	free(text);
	printf("replay: %s\n", same ? "the same" : "DIFFERENT");
	code = same ? 0 : 1;
out:
	json_decref(a);
	json_decref(b);
	json_decref(recs);
	json_decref(recs2);
	return code;
}

int ks_cmd_replay(int argc, char **argv)
{
	static struct ks_session s;
	struct replay r = { 0 };
	struct ks_cli_set sets[4] = { { ks_replay_cli_opts, &r, NULL } };
	char dflt[64];
	int code, first;

	ks_session_init(&s, "replay");
	r.guest.o = &s.base;
	ks_cli_guest_sets(&r.guest, sets + 1);
	first = ks_cli_getopts("replay", sets, argc, argv, usage, &code);
	if (first < 0)
		return code;
	if (first != argc - 1 || !r.scenario || !r.op || !r.nth ||
	    strspn(r.nth, "0123456789") != strlen(r.nth) || !*r.nth) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_cli_guest_check(&r.guest, "replay"))
		return KS_EXIT_USAGE;
	r.journal = argv[first];
	if (!r.outdir) {
		ks_default_outdir(dflt, sizeof(dflt), "replay");
		r.outdir = dflt;
	}
	return replay(&r);
}
