/* SPDX-License-Identifier: GPL-2.0 */
/* Reading journals back: everything else is computed from them. */
#ifndef KS_JOURNAL_READ_H
#define KS_JOURNAL_READ_H

#include <jansson.h>
#include <stddef.h>

/*
 * Every record of the journal at path, in order, as a JSON array.  A
 * last line cut short (a crash while writing it) is dropped and counted
 * in *truncated; any other bad line is an error naming its line number.
 * NULL with err on failure.
 */
json_t *ks_journal_load(const char *path, int *truncated, char *err,
			size_t errlen);
/*
 * The first record of type whose fields match the key, value pairs that
 * follow, NULL-terminated (values as text: integers compare as decimal).
 */
json_t *ks_journal_find(json_t *recs, const char *type, ...);

#endif
