// SPDX-License-Identifier: GPL-2.0
#include "signals.h"

volatile sig_atomic_t ks_interrupted;

static void on_signal(int sig)
{
	ks_interrupted = sig;
}

void ks_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
