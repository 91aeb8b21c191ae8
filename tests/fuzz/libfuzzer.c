// SPDX-License-Identifier: GPL-2.0
/*
 * The libFuzzer entry of one target (./configure --enable-fuzzing):
 * each fuzz-TARGET binary is this file built with KS_FUZZ_ENTRY naming
 * the target's function.
 */
#include <signal.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return KS_FUZZ_ENTRY(data, size);
}
