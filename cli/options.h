/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command options as tables: one row per option gives its names, what it
 * takes, where it goes and its help line.  The same rows build the
 * getopt_long tables, parse and range-check the values, print the OPTIONS
 * part of every usage text and feed 'kmemstorm list --options', which
 * scripts/check-man-cmd holds kmemstorm(1) against.
 */
#ifndef KS_CLI_OPTIONS_H
#define KS_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ks_cli_arg {
	KS_ARG_FLAG,		/* int, set to 1 */
	KS_ARG_VALUE,		/* int, set to min */
	KS_ARG_STR,		/* const char *, the argument as given */
	KS_ARG_INT,		/* int in [min, max] */
	KS_ARG_SIZE,		/* int64_t bytes in [min, max] ("1M") */
	KS_ARG_PCT,		/* double, N in [min, max] as N / 100 */
	KS_ARG_CALL,		/* call(dst, cmd, arg): 0 taken, -1 said why */
};

struct ks_cli_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	enum ks_cli_arg kind;
	size_t off;		/* where in the set's dst */
	int64_t min, max;
	int (*call)(void *dst, const char *cmd, const char *arg);
	const char *arg;	/* NULL: takes no argument */
	const char *help;	/* first line; further lines after '\n' */
};

#define KS_ARG_END { NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL }

/* A table and the struct its offsets point into. */
struct ks_cli_set {
	const struct ks_cli_opt *opts;
	void *dst;
	int *given;		/* counts options of this set given; may be NULL */
};

#define KS_CLI_MAX_OPTS 48

/*
 * Parse argv against sets (ending with { NULL }): -h/--help is implied.
 * Returns the index of the first operand; KS_CLI_HELP for --help (the
 * caller prints its usage on stdout and exits 0); -1 for a bad option or
 * value, said on stderr as "kmemstorm CMD: --name VALUE: why".
 */
#define KS_CLI_HELP (-2)
int ks_cli_parse(const char *cmd, const struct ks_cli_set *sets, int argc,
		 char **argv);

/*
 * ks_cli_parse() and what follows from it: --help prints usage on stdout
 * (*code 0), a bad option the reason and usage on stderr (*code 2); both
 * return -1.  Otherwise the first operand's index.
 */
int ks_cli_getopts(const char *cmd, const struct ks_cli_set *sets, int argc,
		   char **argv, void (*usage)(FILE *f), int *code);

/* The OPTIONS lines of a usage text, aligned, one table after another. */
void ks_cli_opts_help(FILE *f, const struct ks_cli_opt *opts);
/* The implied -h, --help, as a table for usage texts. */
extern const struct ks_cli_opt ks_cli_help_opts[];


#endif
