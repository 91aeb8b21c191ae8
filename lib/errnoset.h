/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of errnos, written as names ("ENOMEM ENOSPC"): what an operation may
 * legitimately return under memory pressure (see errno_truth.h).
 */
#ifndef KS_ERRNOSET_H
#define KS_ERRNOSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KS_ERRNO_MAX	134	/* errnos 1..133 counted one by one */

struct ks_errno_set {
	uint64_t bits[(KS_ERRNO_MAX + 63) / 64];
	bool any;			/* "*": every errno, nothing checked */
};

/*
 * Add the errnos named in text (separated by spaces or commas; "*" for
 * any) to *set.  0, or -1 with err naming the word at fault.
 */
int ks_errno_set_parse(const char *text, struct ks_errno_set *set,
		       char *err, size_t errlen);
void ks_errno_set_add(struct ks_errno_set *set, int e);
bool ks_errno_set_has(const struct ks_errno_set *set, int e);
/* "ENOMEM", or "E<n>" for a number without a name; returns buf. */
const char *ks_errno_name(int e, char *buf, size_t len);
/* The names, space-separated, in errno order ("*" for any); returns buf. */
const char *ks_errno_set_format(const struct ks_errno_set *set, char *buf,
				size_t len);

#endif
