/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stress-ng storm's parts: the storm (stressng.c), its arguments and
 * stressor list (stressng_args.c), the YAML it writes (stressng_yaml.c).
 */
#ifndef KS_STRESSNG_H
#define KS_STRESSNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called for each entry of the YAML's metrics: sequence. */
typedef int (*ks_stressng_fn)(void *arg, const char *stressor, uint64_t bogo,
			      double rate_real, double rate_cpu);
/* Read stress-ng's --yaml output with libyaml: 0, or -1 with err. */
int ks_stressng_yaml(const char *path, ks_stressng_fn fn, void *arg,
		     char *err, size_t errlen);
/* Refuse extra arguments the harness sets itself (-t, --yaml, ...). */
int ks_stressng_check_args(const char *args, char *err, size_t errlen);

#define MAX_STRESSORS	32
#define MAX_ARGS	32
#define NAME_MAX_LEN	48

struct stressng_priv {
	char yaml[4096];
	char log[4096];			/* its stdout and stderr */
	char tmp[4096];			/* --temp-path: the scenario workdir */
	int n;
	char name[MAX_STRESSORS][NAME_MAX_LEN];
	int count[MAX_STRESSORS];
	int nargs;
	char *args[MAX_ARGS];
	char argbuf[256];
};

/* "dentry:2,sock:1" into p's names and counts: 0, or -1 with err. */
int ks_sng_parse_stressors(struct stressng_priv *p, const char *s,
			   char *err, size_t errlen);
/* Is prog an executable in $PATH? */
bool ks_sng_in_path(const char *prog);
/* 'stress-ng --stressors' into out: 0, or -1. */
int ks_sng_list_stressors(char *out, size_t len);
/* Is name a word of the space-separated list? */
bool ks_sng_listed(const char *list, const char *name);

#endif
