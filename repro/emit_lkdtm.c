// SPDX-License-Identifier: GPL-2.0
/*
 * The lkdtm storm as C (emit.h): worker 0 writes the crash type to
 * LKDTM's provoke-crash/DIRECT after the delay, repeat times; the others
 * idle, as workloads/lkdtm.c does.
 */
#include "emit.h"

static const char body_text[] =
"static void storm(const char *dir, int worker, int64_t end_ms)\n{\n"
"\tstruct timespec delay = { OPT_DELAY_MS / 1000,\n"
"\t\t\t\t  (OPT_DELAY_MS % 1000) * 1000000L };\n"
"\tint i, fd, r;\n\n"
"\t(void)dir;\n"
"\tif (worker == 0) {\n"
"\t\tnanosleep(&delay, NULL);\n"
"\t\tfor (i = 0; i < OPT_REPEAT; i++) {\n"
"\t\t\tfd = open(\"/sys/kernel/debug/provoke-crash/DIRECT\", O_WRONLY);\n"
"\t\t\tr = fd < 0 ? -1 : (int)write(fd, OPT_CRASH, strlen(OPT_CRASH));\n"
"\t\t\tcount(0, r);\n"
"\t\t\tif (r < 0)\n"
"\t\t\t\tperror(\"repro: provoke-crash/DIRECT\");\n"
"\t\t\tif (fd >= 0)\n\t\t\t\tclose(fd);\n\t\t}\n\t}\n"
"\twhile (now_ms() < end_ms)\n\t\tusleep(10000);\n}\n";

static void body(FILE *f, const struct ks_scenario *sc, const uint64_t *w)
{
	(void)sc;
	(void)w;
	fputs(body_text, f);
}

const struct ks_emitter ks_emit_lkdtm = {
	.workload = "lkdtm",
	.includes = "",
	.cflags = "",
	.body = body,
	.notes = "Needs CONFIG_LKDTM and debugfs: repro.sh mounts debugfs.",
};
