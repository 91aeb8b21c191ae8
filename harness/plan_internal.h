/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the plan parser (plan.c) and its key table (plan_keys.c). */
#ifndef KS_PLAN_INTERNAL_H
#define KS_PLAN_INTERNAL_H

#include <stddef.h>

#include "plan.h"

/* Built-in defaults of a scenario before [defaults] applies. */
void ks_plan_scenario_init(struct ks_scenario *sc);
/* Set the workload and give every option its default: 0 or -1 with err. */
int ks_plan_set_workload(struct ks_scenario *sc, const struct ks_workload *wl,
			 char *err, size_t errlen);
/* Apply one key other than "workload": 0, or -1 with err. */
int ks_plan_apply_key(struct ks_scenario *sc, const char *key, const char *v,
		      char *err, size_t errlen);
/* Defaults that depend on other keys, once every section applied. */
void ks_plan_scenario_finish(struct ks_scenario *sc);
/* The cgroups.* keys (plan_shape.c). */
void ks_plan_shape_init(struct ks_cg_shape *sh);
int ks_plan_key_shape_max(struct ks_scenario *sc, const struct ks_plan_key *k,
			  const char *v, char *err, size_t errlen);
/* Every option of wl at its default: 0 or -1 with err. */
int ks_plan_opt_defaults(const struct ks_workload *wl,
			 struct ks_opt_value *opt, char *err, size_t errlen);
/* The victim.* keys (plan_shape.c). */
void ks_plan_victim_init(struct ks_victim_cfg *v);
int ks_plan_key_victim(struct ks_scenario *sc, const struct ks_plan_key *k,
		       const char *v, char *err, size_t errlen);
int ks_plan_key_latency(struct ks_scenario *sc, const struct ks_plan_key *k,
			const char *v, char *err, size_t errlen);
/* Checks across keys once every section applied: 0 or -1 with err. */
int ks_plan_shape_check(const struct ks_scenario *sc, char *err,
			size_t errlen);
/* Letters, digits and "_.-", 1 to KS_NAME_MAX - 1 characters. */
int ks_plan_valid_name(const char *s);

#endif
