/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIGINT, SIGTERM and SIGHUP end a run cleanly: they set ks_interrupted
 * (the signal's number) and every loop checks it; the process then exits
 * 128 + that number, as a shell would report the signal.
 */
#ifndef KS_SIGNALS_H
#define KS_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t ks_interrupted;

/* From now on, those signals set ks_interrupted instead of killing us. */
void ks_catch_signals(void);

#endif
