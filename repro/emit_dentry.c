// SPDX-License-Identifier: GPL-2.0
/*
 * The dentry storm as C (emit.h): negative lookups, creates, renames and
 * unlinks of long names spread over fanout directories, as
 * workloads/dentry.c does them; only the operations the scenario kept.
 */
#include "emit.h"

#include <string.h>

enum { LOOKUP_NEG, CREATE, RENAME, UNLINK };

static const char common[] =
"static int wfd = -1, me;\n"
"static uint64_t own, next_serial, next_neg, *live;\n"
"static size_t nlive;\n"
"static char path[320];\n\n"
"/* \"<dir>/<kind><worker>.<serial>xxx...\" padded to name_len */\n"
"static const char *name_of(char *buf, char kind, uint64_t serial)\n{\n"
"\tunsigned int dir = (unsigned int)((serial * 0x9E3779B97F4A7C15ULL) >> 32) %\n"
"\t\t\t   OPT_FANOUT;\n"
"\tint d = snprintf(buf, sizeof(path), \"%x/\", dir);\n"
"\tint n = snprintf(buf + d, sizeof(path) - d, \"%c%d.%\" PRIx64, kind, me,\n"
"\t\t\t serial);\n\n"
"\tif (n < OPT_NAME_LEN && d + OPT_NAME_LEN < (int)sizeof(path)) {\n"
"\t\tmemset(buf + d + n, 'x', OPT_NAME_LEN - n);\n"
"\t\tbuf[d + OPT_NAME_LEN] = '\\0';\n\t}\n"
"\treturn buf;\n}\n\n";

static const char op_lookup[] =
"static void do_lookup_neg(void)\n{\n"
"\tstruct stat st;\n\tint r;\n\n"
"\tname_of(path, 'n', next_neg++);\n"
"\tr = fstatat(wfd, path, &st, AT_SYMLINK_NOFOLLOW);\n"
"\tif (r < 0 && errno == ENOENT)\n\t\tr = 0;\t/* a negative dentry: the point */\n"
"\tcount(0, r);\n}\n\n";

static const char op_unlink[] =
"static void do_unlink(void)\n{\n"
"\tsize_t i;\n\tint r;\n\n"
"\tif (!nlive)\n\t\treturn;\n"
"\ti = rnd(&own) % nlive;\n"
"\tr = unlinkat(wfd, name_of(path, 'f', live[i]), 0);\n"
"\tcount(3, r);\n"
"\tif (!r || errno == ENOENT)\n\t\tlive[i] = live[--nlive];\n}\n\n";

static const char op_create[] =
"static void do_create(void)\n{\n"
"\tuint64_t serial;\n\tint fd;\n\n"
"\tif (nlive >= (size_t)OPT_MAX_FILES) {\n"
"\t\tdo_unlink();\n"
"\t\tif (nlive >= (size_t)OPT_MAX_FILES)\n\t\t\treturn;\n\t}\n"
"\tserial = next_serial++;\n"
"\tfd = openat(wfd, name_of(path, 'f', serial),\n"
"\t\t    O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0600);\n"
"\tcount(1, fd);\n"
"\tif (fd < 0) {\n"
"\t\tif (errno == ENOSPC || errno == EDQUOT)\n\t\t\tdo_unlink();\n"
"\t\treturn;\n\t}\n"
"\tclose(fd);\n\tlive[nlive++] = serial;\n}\n\n";

static const char op_rename[] =
"static char path2[320];\n\n"
"static void do_rename(void)\n{\n"
"\tuint64_t serial;\n\tsize_t i;\n\tint r;\n\n"
"\tif (!nlive) {\n\t\tdo_create();\n\t\treturn;\n\t}\n"
"\ti = rnd(&own) % nlive;\n"
"\tserial = next_serial++;\n"
"\tname_of(path, 'f', live[i]);\n\tname_of(path2, 'f', serial);\n"
"\tr = renameat(wfd, path, wfd, path2);\n"
"\tcount(2, r);\n"
"\tif (!r)\n\t\tlive[i] = serial;\n}\n\n";

static const char storm_head[] =
"static void storm(const char *dir, int worker, int64_t end_ms)\n{\n"
"\tuint64_t mix = seed_of(worker, 0);\n"
"\tchar sub[32];\n\tint i;\n\n"
"\tme = worker;\n\town = seed_of(worker, 1);\n"
"\tnext_serial = next_neg = (uint64_t)getpid() << 32;\n"
"\tlive = mmap(NULL, OPT_MAX_FILES * sizeof(*live), PROT_READ | PROT_WRITE,\n"
"\t\t    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);\n"
"\tsnprintf(sub, sizeof(sub), \"w%d\", worker);\n"
"\tif (live == MAP_FAILED || chdir(dir) || (mkdir(sub, 0700) && errno != EEXIST) ||\n"
"\t    (wfd = open(sub, O_RDONLY | O_DIRECTORY)) < 0) {\n"
"\t\tperror(\"repro: worker setup\");\n\t\treturn;\n\t}\n"
"\tfor (i = 0; i < OPT_FANOUT; i++) {\n"
"\t\tsnprintf(sub, sizeof(sub), \"%x\", i);\n"
"\t\tmkdirat(wfd, sub, 0700);\n\t}\n"
"\twhile (now_ms() < end_ms) {\n"
"\t\tswitch (pick(&mix)) {\n";

static void body(FILE *f, const struct ks_scenario *sc, const uint64_t *w)
{
	(void)sc;
	fputs(common, f);
	if (w[LOOKUP_NEG])
		fputs(op_lookup, f);
	if (w[UNLINK] || w[CREATE] || w[RENAME])
		fputs(op_unlink, f);
	if (w[CREATE] || w[RENAME])
		fputs(op_create, f);
	if (w[RENAME])
		fputs(op_rename, f);
	fputs(storm_head, f);
	if (w[LOOKUP_NEG])
		fputs("\t\tcase 0:\n\t\t\tdo_lookup_neg();\n\t\t\tbreak;\n", f);
	if (w[CREATE])
		fputs("\t\tcase 1:\n\t\t\tdo_create();\n\t\t\tbreak;\n", f);
	if (w[RENAME])
		fputs("\t\tcase 2:\n\t\t\tdo_rename();\n\t\t\tbreak;\n", f);
	if (w[UNLINK])
		fputs("\t\tcase 3:\n\t\t\tdo_unlink();\n\t\t\tbreak;\n", f);
	fputs("\t\t}\n\t}\n}\n", f);
}

/* The storm's path option, or a directory of the script's. */
static void fs(FILE *f, const struct ks_scenario *sc)
{
	const char *path = ks_emit_opt(sc, "path");

	if (path[0])
		ks_emit_sh_dir_in(f, path);
	else
		fputs("fs=$work/fs\nmkdir \"$fs\" || exit 2\n", f);
}

const struct ks_emitter ks_emit_dentry = {
	.workload = "dentry",
	.includes = "#include <sys/mman.h>\n",
	.cflags = "",
	.fs = fs,
	.body = body,
};
