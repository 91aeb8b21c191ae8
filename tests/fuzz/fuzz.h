/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemstorm's fuzz targets (docs/fuzzing.md): one per input surface, each
 * asserting what must hold of the output, not only that nothing crashed.
 * The same targets build as libFuzzer binaries (./configure
 * --enable-fuzzing, clang) and into the gcc replay driver make check runs
 * under ASan and UBSan over tests/fuzz/corpus/.
 */
#ifndef KS_FUZZ_H
#define KS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ks_kreport;

struct ks_fuzz_target {
	const char *name;
	const char *about;
	int (*one)(const uint8_t *data, size_t size);
};
extern const struct ks_fuzz_target ks_fuzz_targets[];
const struct ks_fuzz_target *ks_fuzz_target_find(const char *name);

int ks_fuzz_plan(const uint8_t *data, size_t size);
int ks_fuzz_classify_log(const uint8_t *data, size_t size);
int ks_fuzz_classify_console(const uint8_t *data, size_t size);
int ks_fuzz_classify_kmsg(const uint8_t *data, size_t size);
int ks_fuzz_report(const uint8_t *data, size_t size);
int ks_fuzz_units(const uint8_t *data, size_t size);
int ks_fuzz_stream(const uint8_t *data, size_t size);

/* A property that must hold: print what failed, then abort (a finding). */
#define KS_FUZZ_CHECK(cond, ...)					\
	do {								\
		if (!(cond))						\
			ks_fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)
void ks_fuzz_fail(const char *file, int line, const char *cond,
		  const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* This process's scratch directory, made once, removed at exit. */
const char *ks_fuzz_dir(void);
/* Write n bytes to dir/name; the path in path. */
void ks_fuzz_put(const char *name, const void *data, size_t n,
		 char *path, size_t pathlen);
/* The input as a NUL-terminated string (its own NULs end it). */
char *ks_fuzz_str(const uint8_t *data, size_t size);
/*
 * The input's parts, split at the first count-1 bytes sep: part i is
 * parts[i], of lens[i] bytes, or NULL when the input has fewer.
 */
void ks_fuzz_split(const uint8_t *data, size_t size, char sep, int count,
		   const uint8_t **parts, size_t *lens);

/* What every classified report must be: a record with a UTF-8 title. */
void ks_fuzz_check_report(const struct ks_kreport *r);

/* Where the replay driver keeps outputs for other checkers, or NULL. */
const char *ks_fuzz_keep_dir(void);

#endif
