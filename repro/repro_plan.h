/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan of one scenario to reproduce, as keys that can be changed one
 * at a time (kmemstorm reproduce, --minimise): the recorded plan's [plan]
 * and [defaults] as they were, and the scenario's own section, whose keys
 * are replaced in place or appended (the plan format refuses a key twice).
 * Read with inih, as the plan parser reads plans.
 */
#ifndef KS_REPRO_PLAN_H
#define KS_REPRO_PLAN_H

#include <stddef.h>

#include "plan.h"

#define KS_RP_MAX_KEYS	128

struct ks_rp_kv {
	char *section;		/* "plan", "defaults" or "scenario NAME" */
	char *key, *value;
};

struct ks_repro_plan {
	char scenario[KS_NAME_MAX];
	int n;
	struct ks_rp_kv kv[KS_RP_MAX_KEYS];
};

/*
 * The keys of [plan], [defaults] and [scenario S] of the plan text; no
 * other scenario.  0, or -1 with err (no such scenario, too many keys).
 */
int ks_rp_from_text(struct ks_repro_plan *rp, const char *text,
		    const char *scenario, char *err, size_t errlen);
int ks_rp_copy(struct ks_repro_plan *dst, const struct ks_repro_plan *src);
void ks_rp_free(struct ks_repro_plan *rp);
/* The scenario's own value of key, NULL when its section lacks it. */
const char *ks_rp_get(const struct ks_repro_plan *rp, const char *key);
/* Set key in the scenario's section: 0, or -1 when full. */
int ks_rp_set(struct ks_repro_plan *rp, const char *key, const char *value);
/* The plan as text (malloc'd; NULL when out of memory). */
char *ks_rp_render(const struct ks_repro_plan *rp);
/* Write it to path: 0, or -1 with err. */
int ks_rp_write(const struct ks_repro_plan *rp, const char *path, char *err,
		size_t errlen);
/*
 * Parse it as the harness will, for the values in effect (defaults
 * applied): 0 with *plan holding the one scenario, or -1 with err (its
 * first error).
 */
int ks_rp_parse(const struct ks_repro_plan *rp, struct ks_plan *plan,
		char *err, size_t errlen);

#endif
