// SPDX-License-Identifier: GPL-2.0
#include "journal_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *ks_journal_load(const char *path, int *truncated, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "re");
	json_t *recs, *rec;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, bad = 0;

	*truncated = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	recs = json_array();
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t je;

		lineno++;
		if (bad) {
			/* A bad line followed by more: not a cut-off end. */
			snprintf(err, errlen, "%s:%d: not a JSON record",
				 path, bad);
			goto fail;
		}
		rec = json_loadb(line, n, 0, &je);
		if (!rec || !json_is_object(rec) || line[n - 1] != '\n') {
			json_decref(rec);
			bad = lineno;
			continue;
		}
		json_array_append_new(recs, rec);
	}
	*truncated = bad != 0;
	free(line);
	fclose(f);
	return recs;
fail:
	free(line);
	fclose(f);
	json_decref(recs);
	return NULL;
}

json_t *ks_journal_find(json_t *recs, const char *type, ...)
{
	json_t *rec;
	size_t i;

	json_array_foreach(recs, i, rec) {
		const char *t = json_string_value(json_object_get(rec, "type"));
		const char *k;
		va_list ap;
		int match = t && !strcmp(t, type);

		va_start(ap, type);
		while (match && (k = va_arg(ap, const char *))) {
			const char *want = va_arg(ap, const char *);
			json_t *v = json_object_get(rec, k);
			char buf[32];

			if (json_is_integer(v)) {
				snprintf(buf, sizeof(buf), "%lld",
					 (long long)json_integer_value(v));
				match = !strcmp(buf, want);
			} else {
				match = json_is_string(v) &&
					!strcmp(json_string_value(v), want);
			}
		}
		va_end(ap);
		if (match)
			return rec;
	}
	return NULL;
}
