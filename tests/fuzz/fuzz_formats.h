/* SPDX-License-Identifier: GPL-2.0 */
/* What each report format's output must be (tests/fuzz/fuzz_formats.c). */
#ifndef KS_FUZZ_FORMATS_H
#define KS_FUZZ_FORMATS_H

#include <stddef.h>

/* Fails the input (ks_fuzz_fail) when buf is not a valid `format`. */
void ks_fuzz_check_output(const char *format, const char *buf, size_t len);

#endif
