// SPDX-License-Identifier: GPL-2.0
#include "clock.h"

#include <time.h>

int64_t ks_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t ks_ms_since(int64_t t0_ns)
{
	return (ks_now_ns() - t0_ns) / 1000000;
}

void ks_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}
