/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel text ranges for the fault injectors' require-start/end. */
#ifndef KS_SYMRANGE_H
#define KS_SYMRANGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * spec: "START-END" (hex), a loaded module's name (its core text from
 * /proc/modules), or a function in /proc/kallsyms (up to the next symbol).
 * 0, or -1 with err.  Reads $KMEMSTORM_PROC (default /proc) for tests.
 */
int ks_symrange(const char *spec, uint64_t *start, uint64_t *end,
		char *err, size_t errlen);

#endif
