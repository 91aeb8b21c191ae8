// SPDX-License-Identifier: GPL-2.0
/*
 * kmemstorm reproduce: run a journaled scenario again until its kernel
 * report comes back, optionally shrink it (--minimise) and write a
 * stand-alone C reproducer of it (--emit-c); repro/repro.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "clock.h"
#include "repro.h"
#include "session.h"
#include "vm.h"

struct reproduce {
	const char *scenario, *title, *outdir, *emit;
	int tries, minimise;
	struct ks_cli_guest guest;
};

#define RE(f) offsetof(struct reproduce, f)

const struct ks_cli_opt ks_reproduce_cli_opts[] = {
	{ "scenario", 0, KS_ARG_STR, RE(scenario), 0, 0, NULL, "S",
	  "the scenario, as the journal names it" },
	{ "title", 0, KS_ARG_STR, RE(title), 0, 0, NULL, "TITLE",
	  "the report to bring back (default: the scenario's first of severity bug)" },
	{ "tries", 0, KS_ARG_INT, RE(tries), 1, 1000, NULL, "N",
	  "runs of each plan before it is given up (default 3)" },
	{ "minimise", 0, KS_ARG_FLAG, RE(minimise), 0, 0, NULL, NULL,
	  "shrink the scenario while the title still comes back" },
	{ "emit-c", 0, KS_ARG_STR, RE(emit), 0, 0, NULL, "DIR",
	  "write a stand-alone C reproducer, repro.sh, qemu.sh and a README" },
	{ "output", 'o', KS_ARG_STR, RE(outdir), 0, 0, NULL, "DIR",
	  "every run, reproduce.jsonl, minimised.plan" },
	KS_ARG_END,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmemstorm reproduce JOURNAL --scenario S [--title T] [--tries N]\n"
		"                           [--minimise] [--emit-c DIR] [-o DIR]\n"
		"                           [--vm [--kernel BZIMAGE] [--append ARGS] ...]\n"
		"\n"
		"Run scenario S of JOURNAL again, with the plan, seed, limits and\n"
		"injector settings it recorded (in a guest, its kernel and command line:\n"
		"a journal from a guest reruns in one), until a kernel report of the\n"
		"same title comes back.\n");
	ks_cli_opts_help(f, ks_reproduce_cli_opts);
	ks_cli_opts_help(f, ks_guest_cli_opts);
	ks_cli_opts_help(f, ks_qemu_cli_opts);
	ks_cli_opts_help(f, ks_cli_help_opts);
	fprintf(f, "Exit: 0 it came back (and what was asked was written), 1 it did not,\n"
		"2 usage or harness error.\n");
}

static int run_one(const char *plan, const char *outdir, void *arg)
{
	return ks_run_plan_file(plan, outdir, arg);
}

/* A guest's journal reruns in a guest, on its kernel with its command line. */
static int pick_guest(struct reproduce *o, const struct ks_repro_case *c)
{
	if (!c->guest)
		return 0;
	if (!o->guest.vm)
		fprintf(stderr, "kmemstorm: reproduce: %s comes from a guest: rerunning it in one\n",
			c->journal);
	o->guest.vm = 1;
	if (!o->guest.kernel && c->kernel[0]) {
		if (access(c->kernel, R_OK)) {
			fprintf(stderr, "kmemstorm: reproduce: the journal's kernel %s is gone: name one with --kernel\n",
				c->kernel);
			return -1;
		}
		o->guest.kernel = c->kernel;
	}
	if (!o->guest.append)
		o->guest.append = c->append;
	return 0;
}

static int finish(struct ks_repro *r, struct reproduce *o,
		  struct ks_repro_plan *final)
{
	char path[PATH_MAX + 32], err[512];

	snprintf(path, sizeof(path), "%s/minimised.plan", r->outdir);
	if (o->minimise) {
		if (ks_rp_write(final, path, err, sizeof(err))) {
			fprintf(stderr, "kmemstorm: %s\n", err);
			return KS_EXIT_USAGE;
		}
		printf("minimised: %s\n", path);
	}
	if (o->emit) {
		if (ks_repro_emit_c(r, final, o->emit, err, sizeof(err))) {
			fprintf(stderr, "kmemstorm: %s\n", err);
			return KS_EXIT_USAGE;
		}
		printf("reproducer: %s/repro.c, %s/repro.sh (README.md)\n",
		       o->emit, o->emit);
	}
	return 0;
}

static int reproduce(struct reproduce *o, const char *journal)
{
	static struct ks_repro r;
	struct ks_repro_plan final = { 0 };
	char err[1024];
	int hit, code = KS_EXIT_USAGE;

	r.run = run_one;
	r.run_arg = &o->guest;
	r.tries = o->tries;
	if (ks_repro_load(&r.c, journal, o->scenario, o->title, err,
			  sizeof(err))) {
		fprintf(stderr, "kmemstorm: %s\n", err);
		return KS_EXIT_USAGE;
	}
	if (pick_guest(o, &r.c) || ks_repro_open(&r, o->outdir, err,
						 sizeof(err)))
		goto out;
	printf("reproduce: %s, scenario %s, seed %lld: %s\n", journal,
	       o->scenario, (long long)r.c.seed, r.c.title);
	fflush(stdout);
	hit = ks_repro_attempt(&r, &r.c.plan, "as journaled", o->tries, err,
			       sizeof(err));
	if (hit < 0)
		goto fail;
	if (!hit) {
		printf("reproduce: not reproduced in %d tries (%.0f s)\n",
		       o->tries, (ks_now_ns() - r.t0_ns) / 1e9);
		code = 1;
		goto out;
	}
	printf("reproduce: reproduced in try %d of %d, after %.0f s\n", hit,
	       o->tries, (ks_now_ns() - r.t0_ns) / 1e9);
	fflush(stdout);
	if (o->minimise) {
		if (ks_repro_minimise(&r, &final, err, sizeof(err)))
			goto fail;
		/* How often what is left reproduces, for the README. */
		hit = ks_repro_measure(&r, &final, "minimised", o->tries,
				       err, sizeof(err));
		if (hit < 0)
			goto fail;
		printf("reproduce: the minimised scenario reproduced %d of %d runs (%d runs in all, %.0f s)\n",
		       r.hits, r.runs, r.ntry,
		       (ks_now_ns() - r.t0_ns) / 1e9);
	} else if (ks_rp_copy(&final, &r.c.plan)) {
		goto out;
	}
	code = finish(&r, o, &final);
	goto out;
fail:
	fprintf(stderr, "kmemstorm: reproduce: %s\n", err);
out:
	ks_rp_free(&final);
	ks_repro_close(&r);
	ks_repro_case_free(&r.c);
	return code;
}

int ks_cmd_reproduce(int argc, char **argv)
{
	static struct ks_session s;
	struct reproduce o = { .tries = 3 };
	struct ks_cli_set sets[4] = { { ks_reproduce_cli_opts, &o, NULL } };
	char dflt[64];
	int code, first;

	ks_session_init(&s, "reproduce");
	o.guest.o = &s.base;
	ks_cli_guest_sets(&o.guest, sets + 1);
	first = ks_cli_getopts("reproduce", sets, argc, argv, usage, &code);
	if (first < 0)
		return code;
	if (first != argc - 1 || !o.scenario) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (ks_cli_guest_check(&o.guest, "reproduce"))
		return KS_EXIT_USAGE;
	if (!o.outdir) {
		ks_default_outdir(dflt, sizeof(dflt), "reproduce");
		o.outdir = dflt;
	}
	return reproduce(&o, argv[first]);
}
