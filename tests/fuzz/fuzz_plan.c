// SPDX-License-Identifier: GPL-2.0
/*
 * Plan files, through ks_plan_load() as 'kmemstorm run FILE' reads them.
 * Holds: a plan is refused with "FILE:LINE: ..." messages, or accepted
 * whole, with every scenario runnable and its journal record UTF-8; a
 * line over the line limit is never accepted (its tail never a key).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "plan.h"
#include "run.h"
#include "workload.h"

#define LINE_LIMIT 199	/* the longest line a plan may have, '\n' aside */

static size_t longest_line(const char *s)
{
	size_t best = 0;

	while (*s) {
		size_t n = strcspn(s, "\n");

		best = n > best ? n : best;
		s += n;
		if (*s)
			s++;
	}
	return best;
}

static void check_refused(const struct ks_plan_errors *errs, const char *src)
{
	int i;

	KS_FUZZ_CHECK(errs->n > 0, "refused with no message");
	for (i = 0; i < errs->n && i < KS_PLAN_ERRORS; i++) {
		const char *m = errs->msg[i];

		KS_FUZZ_CHECK(!strncmp(m, src, strlen(src)) &&
			      m[strlen(src)] == ':',
			      "message %d does not name the file: %s", i, m);
	}
}

static void check_accepted(const struct ks_plan *plan)
{
	json_t *j = ks_run_plan_json(plan);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int i;

	KS_FUZZ_CHECK(s, "the accepted plan has no run_start record");
	KS_FUZZ_CHECK(plan->nscenarios > 0, "a plan with no scenario");
	for (i = 0; i < plan->nscenarios; i++) {
		const struct ks_scenario *sc = &plan->scenarios[i];

		KS_FUZZ_CHECK(sc->wl && sc->wl->name, "scenario %d has no workload",
			      i);
		KS_FUZZ_CHECK(sc->name[0], "scenario %d has no name", i);
		KS_FUZZ_CHECK(sc->workers >= 1, "scenario %s: %d workers",
			      sc->name, sc->workers);
		KS_FUZZ_CHECK(sc->duration_ms >= 10, "scenario %s: %lld ms",
			      sc->name, (long long)sc->duration_ms);
	}
	free(s);
	json_decref(j);
}

int ks_fuzz_plan(const uint8_t *data, size_t size)
{
	struct ks_plan_errors *errs = calloc(1, sizeof(*errs));
	struct ks_plan *plan = calloc(1, sizeof(*plan));
	char path[256], *text = ks_fuzz_str(data, size);
	int r;

	if (!errs || !plan)
		abort();
	ks_fuzz_put("fuzz.plan", data, size, path, sizeof(path));
	r = ks_plan_load(path, plan, errs);
	KS_FUZZ_CHECK(r == 0 || r == -1, "ks_plan_load returned %d", r);
	if (r) {
		check_refused(errs, path);
	} else {
		KS_FUZZ_CHECK(longest_line(text) <= LINE_LIMIT,
			      "a line of %zu bytes was accepted",
			      longest_line(text));
		check_accepted(plan);
		ks_plan_free(plan);
	}
	free(text);
	free(plan);
	free(errs);
	return 0;
}
