// SPDX-License-Identifier: GPL-2.0
/*
 * A saved kernel log through ks_classify_log(), as 'kmemstorm classify'
 * reads one.  Holds: every report comes out as a record with a UTF-8
 * title; a log with a panic line yields at least one report.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "classify.h"

struct seen {
	int reports;
};

static void found(const struct ks_kreport *r, void *arg)
{
	struct seen *s = arg;

	ks_fuzz_check_report(r);
	s->reports++;
}

/* A "Kernel panic - not syncing" line outside the harness's summary. */
static int has_panic(const uint8_t *data, size_t size)
{
	static const char panic[] = "Kernel panic - not syncing";
	char *text = ks_fuzz_str(data, size), *line, *save = NULL;
	int yes = 0;

	if (memmem(data, size, "kmemstorm", 9) || memchr(data, '\0', size) ||
	    memchr(data, '\r', size)) {
		free(text);
		return 0;	/* summaries and odd bytes: no claim */
	}
	for (line = strtok_r(text, "\n", &save); line && !yes;
	     line = strtok_r(NULL, "\n", &save))
		yes = !strncmp(ks_strip_console_prefix(line), panic,
			       sizeof(panic) - 1) && line[0] != '#';
	free(text);
	return yes;
}

int ks_fuzz_classify_log(const uint8_t *data, size_t size)
{
	struct seen s = { 0 };
	FILE *f;
	int all;

	if (!size)
		return 0;
	for (all = 0; all < 2; all++) {
		f = fmemopen((void *)data, size, "r");
		if (!f)
			abort();
		KS_FUZZ_CHECK(!ks_classify_log(f, all, found, &s),
			      "out of memory");
		fclose(f);
	}
	if (has_panic(data, size))
		KS_FUZZ_CHECK(s.reports > 0, "a panic and no report");
	return 0;
}
