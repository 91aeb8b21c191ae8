/* SPDX-License-Identifier: GPL-2.0 */
/* Sizes and durations as plans and the command line spell them. */
#ifndef KS_UNITS_H
#define KS_UNITS_H

#include <stdint.h>
#include <stddef.h>

/* Returned by ks_parse_size() for "max": no limit. */
#define KS_SIZE_MAX INT64_MAX

/*
 * "4096", "64K", "32M", "32MiB", "1G", "1.5G", "max".  Binary multiples:
 * memcg limits are page-granular and kernel developers think in KiB/MiB.
 * Returns 0, or -1 with a reason in err.
 */
int ks_parse_size(const char *s, int64_t *out, char *err, size_t errlen);

/* "250ms", "5s", "2m", "1h", "1.5s"; a bare number is seconds. */
int ks_parse_duration_ms(const char *s, int64_t *out_ms, char *err,
			 size_t errlen);

/* "yes/no/true/false/on/off/1/0". */
int ks_parse_bool(const char *s, int *out, char *err, size_t errlen);

/* A whole number in [min, max]. */
int ks_parse_int(const char *s, int64_t min, int64_t max, int64_t *out,
		 char *err, size_t errlen);

/* "60s", "1500ms": what ks_parse_duration_ms() reads back. */
const char *ks_format_duration(int64_t ms, char *buf, size_t len);

/* "32.0M", "max"; buf of at least 16 bytes. */
const char *ks_format_size(int64_t bytes, char *buf, size_t len);

#endif
