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
	fprintf(stderr, "kmemstorm: [%d/%d] %s: %s, %d workers, %.1fs\n",
		run->index, run->plan->nscenarios, sc->name, sc->wl->name,
		sc->workers, sc->duration_ms / 1000.0);
}

void ks_progress_update(struct ks_run *run, const struct ks_scenario *sc,
			int64_t elapsed_ms, int64_t ops, int64_t enomem,
			const struct ks_memcg_stats *st)
{
	char a[16], b[16], c[16], d[16];
	int64_t hits = ks_memcg_limit_hits(st);
	int64_t ooms = ks_memcg_oom_kills(st);

	fprintf(stderr,
		"\r\033[K[%d/%d] %-20s %5.1f/%.1fs  ops %s (%s/s)  mem %s/%s  limit-hits %lld  oom %lld  ENOMEM %lld",
		run->index, run->plan->nscenarios, sc->name,
		elapsed_ms / 1000.0, sc->duration_ms / 1000.0,
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
		      int64_t ms)
{
	if (run->progress)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "kmemstorm: [%d/%d] %s: %s (%lld ops in %.1fs)%s%s\n",
		run->index, run->plan->nscenarios, sc->name,
		ks_verdict_name(vr->verdict), (long long)ops, ms / 1000.0,
		vr->nreasons ? ": " : "", vr->nreasons ? vr->reason[0] : "");
}
