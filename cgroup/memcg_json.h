/* SPDX-License-Identifier: GPL-2.0 */
/* A memory cgroup's limits and counters as journal JSON. */
#ifndef KS_MEMCG_JSON_H
#define KS_MEMCG_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "cgroup.h"

/* o[key] = v, unless v < 0 (unknown or not supported). */
void ks_json_put_if(json_t *o, const char *key, int64_t v);
/* The limits a scenario sets, keyed by plan key. */
json_t *ks_limits_json(const struct ks_cg_limits *l);
/* Everything read from the cgroup (docs/journal.md, scenario_end memcg). */
json_t *ks_memcg_json(const struct ks_memcg_stats *s);

#endif
