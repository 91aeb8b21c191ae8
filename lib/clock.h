/* SPDX-License-Identifier: GPL-2.0 */
/* The one clock: CLOCK_MONOTONIC, for deadlines, samples and journals. */
#ifndef KS_CLOCK_H
#define KS_CLOCK_H

#include <stdint.h>

/* Monotonic nanoseconds. */
int64_t ks_now_ns(void);
/* Monotonic milliseconds since t0_ns (a ks_now_ns() value). */
int64_t ks_ms_since(int64_t t0_ns);
/* Sleep ms milliseconds (a signal may cut it short). */
void ks_sleep_ms(long ms);

#endif
