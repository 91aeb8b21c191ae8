// SPDX-License-Identifier: GPL-2.0
#include "progress.h"

#include <stdio.h>

#include "units.h"

static const char *human(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

void ks_progress_start(struct ks_run *run, const struct ks_scenario *sc)
{
	if (run->progress)
		return;
	if (sc->until_limit_ms)
		fprintf(stderr,
			"kmemstorm: [%d/%d] %s: %s, %d workers, until the limit (at most %.1fs), then %.1fs\n",
			run->index, run->plan->nscenarios, sc->name,
			sc->wl->name, sc->workers, sc->until_limit_ms / 1000.0,
			sc->duration_ms / 1000.0);
	else
		fprintf(stderr, "kmemstorm: [%d/%d] %s: %s, %d workers, %.1fs\n",
			run->index, run->plan->nscenarios, sc->name,
			sc->wl->name, sc->workers, sc->duration_ms / 1000.0);
}

/* "  2.5/5.0s", "filling to limit 12.5/60.0s", "held 2.5/5.0s" */
static const char *phase(const struct ks_scenario *sc, int64_t elapsed_ms,
			 int64_t held_ms, char *buf, size_t len)
{
	if (!sc->until_limit_ms)
		snprintf(buf, len, "%5.1f/%.1fs", elapsed_ms / 1000.0,
			 sc->duration_ms / 1000.0);
	else if (held_ms < 0)
		snprintf(buf, len, "filling to limit %5.1f/%.1fs",
			 elapsed_ms / 1000.0, sc->until_limit_ms / 1000.0);
	else
		snprintf(buf, len, "held %5.1f/%.1fs", held_ms / 1000.0,
			 sc->duration_ms / 1000.0);
	return buf;
}

void ks_progress_update(struct ks_run *run, const struct ks_scenario *sc,
			int64_t elapsed_ms, int64_t held_ms, int64_t ops,
			int64_t enomem, const struct ks_memcg_stats *st)
{
	char a[16], b[16], c[16], d[16], p[64];
	int64_t hits = ks_memcg_limit_hits(st);
	int64_t ooms = ks_memcg_oom_kills(st);

	fprintf(stderr,
		"\r\033[K[%d/%d] %-20s %s  ops %s (%s/s)  mem %s/%s  limit-hits %lld  oom %lld  ENOMEM %lld",
		run->index, run->plan->nscenarios, sc->name,
		phase(sc, elapsed_ms, held_ms, p, sizeof(p)),
		human((double)ops, a, sizeof(a)),
		human(elapsed_ms ? ops * 1000.0 / elapsed_ms : 0, b, sizeof(b)),
		ks_format_size(st->current, c, sizeof(c)),
		ks_format_size(st->limit, d, sizeof(d)),
		(long long)(hits > 0 ? hits : 0),
		(long long)(ooms > 0 ? ooms : 0), (long long)enomem);
	fflush(stderr);
}

void ks_progress_done(struct ks_run *run, const struct ks_scenario *sc,
		      const struct ks_verdict_result *vr, int64_t ops,
		      int64_t ms, int64_t reached_ms)
{
	char lim[48] = "";

	if (sc->until_limit_ms && reached_ms >= 0)
		snprintf(lim, sizeof(lim), ", limit reached at %.1fs",
			 reached_ms / 1000.0);
	if (run->progress)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "kmemstorm: [%d/%d] %s: %s (%lld ops in %.1fs%s)%s%s\n",
		run->index, run->plan->nscenarios, sc->name,
		ks_verdict_name(vr->verdict), (long long)ops, ms / 1000.0, lim,
		vr->nreasons ? ": " : "", vr->nreasons ? vr->reason[0] : "");
}
