// SPDX-License-Identifier: GPL-2.0
/*
 * --emit-c: a stand-alone reproducer of a scenario (emit.h): repro.c
 * (libc only), repro.sh (the cgroup, its limits and the fault-injection
 * knobs as the scenario set them, the program run inside, everything
 * restored), qemu.sh (a fresh guest with nothing but busybox and these)
 * and README.md.
 */
#include "emit.h"
#include "repro.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "journal_read.h"
#include "injector.h"
#include "shape.h"
#include "units.h"
#include "workload.h"

static const struct ks_emitter *const emitters[] = {
	&ks_emit_dentry, &ks_emit_inode, &ks_emit_lkdtm, NULL,
};

const char *ks_emit_opt(const struct ks_scenario *sc, const char *name)
{
	int i = ks_workload_opt_index(sc->wl, name);

	return i >= 0 ? sc->opt[i].str : "";
}

/* The one C string escaper of the reproducer. */
static void c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\%03o", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* The one shell quoter of repro.sh and qemu.sh: 'it''s' as 'it'\''s'. */
void ks_emit_sh_word(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

void ks_emit_sh_dir_in(FILE *f, const char *path)
{
	fputs("fs=$(mktemp -d ", f);
	ks_emit_sh_word(f, path);
	fputs("/ks-repro.XXXXXX) || exit 2\nremove=$fs\n", f);
}

static void opt_macros(FILE *f, const struct ks_scenario *sc)
{
	const struct ks_opt_desc *d;
	int i, k;

	for (i = 0, d = sc->wl->opts; d && d->name; d++, i++) {
		fputs("#define OPT_", f);
		for (k = 0; d->name[k]; k++)
			fputc(d->name[k] >= 'a' && d->name[k] <= 'z' ?
			      d->name[k] - 32 : d->name[k], f);
		fputc(' ', f);
		if (d->type == KS_OPT_STRING)
			c_string(f, sc->opt[i].str);
		else
			fprintf(f, "%" PRId64 "LL", sc->opt[i].num);
		fputc('\n', f);
	}
}

/* The whole storm: the hold until the limit, then the duration. */
static int64_t storm_ms(const struct ks_scenario *sc)
{
	return sc->duration_ms + (sc->until_limit_ms > 0 ?
				  sc->until_limit_ms : 0);
}

static int nr_ops(const struct ks_workload *wl)
{
	int n = 0;

	while (n < KS_MAX_OPS && wl->ops[n])
		n++;
	return n;
}

static const char frame_top[] =
"#define _GNU_SOURCE\n"
"#include <errno.h>\n#include <fcntl.h>\n#include <inttypes.h>\n"
"#include <signal.h>\n#include <stdint.h>\n#include <stdio.h>\n"
"#include <stdlib.h>\n#include <string.h>\n#include <time.h>\n"
"#include <unistd.h>\n#include <sys/stat.h>\n#include <sys/types.h>\n"
"#include <sys/wait.h>\n";

static const char frame_utils[] =
"\n"
"static __attribute__((unused)) uint64_t rnd(uint64_t *s)\n{\n"
"\tuint64_t x = *s;\n\n"
"\tx ^= x >> 12;\n\tx ^= x << 25;\n\tx ^= x >> 27;\n\t*s = x;\n"
"\treturn x * 0x2545F4914F6CDD1DULL;\n}\n\n"
"static uint64_t mix64(uint64_t z)\n{\n"
"\tz = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;\n"
"\tz = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;\n"
"\treturn z ^ (z >> 31);\n}\n\n"
"/* kmemstorm's own: worker w makes the choices the storm's worker w made. */\n"
"static __attribute__((unused)) uint64_t seed_of(int worker, int stream)\n{\n"
"\tuint64_t z = mix64(SEED + 0x9E3779B97F4A7C15ULL * ((uint64_t)worker + 1));\n\n"
"\treturn mix64(z + 0x9E3779B97F4A7C15ULL * ((uint64_t)stream + 1)) | 1;\n}\n\n"
"static int64_t now_ms(void)\n{\n"
"\tstruct timespec ts;\n\n"
"\tclock_gettime(CLOCK_MONOTONIC, &ts);\n"
"\treturn (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;\n}\n\n"
"static uint64_t n_ok[NR_OPS], n_fail[NR_OPS], n_err[NR_OPS][134];\n"
"static int worker_id;\n\n"
"static void count(int op, int ret)\n{\n"
"\tif (ret >= 0) {\n\t\tn_ok[op]++;\n\t\treturn;\n\t}\n"
"\tn_fail[op]++;\n"
"\tn_err[op][errno > 0 && errno < 134 ? errno : 0]++;\n}\n";

static const char frame_pick[] =
"\n"
"/* The first 1000 picks, hashed as kmemstorm journals them (pick_hash). */\n"
"static uint64_t picks, pick_hash = 0xcbf29ce484222325ULL;\n\n"
"static int pick(uint64_t *s)\n{\n"
"\tuint64_t sum = 0, x;\n\tint op;\n\n"
"\tfor (op = 0; op < NR_OPS; op++)\n\t\tsum += weight[op];\n"
"\tx = rnd(s) % sum;\n"
"\tfor (op = 0; x >= weight[op]; op++)\n\t\tx -= weight[op];\n"
"\tif (picks++ < 1000)\n"
"\t\tpick_hash = (pick_hash ^ (uint64_t)op) * 0x100000001b3ULL;\n"
"\t/* now: an OOM kill may end the worker before its report */\n"
"\tif (picks == 1000)\n"
"\t\tprintf(\"repro: worker %d: pick_hash %016\" PRIx64 \" of 1000 picks\\n\",\n"
"\t\t       worker_id, pick_hash);\n"
"\treturn op;\n}\n";

static const char frame_main[] =
"\n"
"static void worker_main(const char *dir, int w, int64_t end_ms)\n{\n"
"\tint op, e;\n\n"
"\t/* fault injection's task-filter: only this program's tasks fail */\n"
"\tif (getenv(\"KS_MAKE_IT_FAIL\")) {\n"
"\t\tint fd = open(\"/proc/self/make-it-fail\", O_WRONLY);\n\n"
"\t\tif (fd < 0 || write(fd, \"1\", 1) != 1)\n"
"\t\t\tperror(\"repro: /proc/self/make-it-fail\");\n"
"\t\tif (fd >= 0)\n\t\t\tclose(fd);\n\t}\n"
"\tworker_id = w;\n"
"\tstorm(dir, w, end_ms);\n"
"\tfor (op = 0; op < NR_OPS; op++) {\n"
"\t\tif (!n_ok[op] && !n_fail[op])\n\t\t\tcontinue;\n"
"\t\tprintf(\"repro: worker %d: %s %\" PRIu64 \" ok, %\" PRIu64 \" failed\",\n"
"\t\t       w, op_name[op], n_ok[op], n_fail[op]);\n"
"\t\tfor (e = 0; e < 134; e++)\n"
"\t\t\tif (n_err[op][e])\n"
"\t\t\t\tprintf(\" %s:%\" PRIu64, e ? strerrorname_np(e) : \"other\",\n"
"\t\t\t\t       n_err[op][e]);\n"
"\t\tputchar('\\n');\n\t}\n";

static const char frame_main2[] =
"}\n\n"
"int main(int argc, char **argv)\n{\n"
"\tconst char *dir = argc > 1 ? argv[1] : \".\";\n"
"\tint64_t end_ms = now_ms() + DURATION_MS;\n"
"\tpid_t pid[WORKERS];\n\tint i, st, n = 0;\n\n"
"\tsetvbuf(stdout, NULL, _IOLBF, 0);\n"
"\tfor (i = 0; i < WORKERS; i++, n++) {\n"
"\t\tpid[i] = fork();\n"
"\t\tif (pid[i] < 0) {\n\t\t\tperror(\"repro: fork\");\n\t\t\tbreak;\n\t\t}\n"
"\t\tif (!pid[i]) {\n\t\t\tworker_main(dir, i, end_ms);\n\t\t\t_exit(0);\n\t\t}\n\t}\n"
"\tfor (i = 0; i < n; i++) {\n"
"\t\tif (waitpid(pid[i], &st, 0) < 0)\n\t\t\tcontinue;\n"
"\t\tif (WIFSIGNALED(st))\n"
"\t\t\tprintf(\"repro: worker %d: killed by signal %d\\n\", i,\n"
"\t\t\t       WTERMSIG(st));\n\t}\n"
"\tprintf(\"repro: done\\n\");\n"
"\treturn 0;\n}\n";

static int write_c(const struct ks_repro *r, const struct ks_emitter *em,
		   const struct ks_scenario *sc, const char *path)
{
	uint64_t w[KS_MAX_OPS] = { 0 };
	struct ks_wl_ctx ctx = { .wl = sc->wl, .opt = sc->opt };
	int64_t dur = storm_ms(sc);
	FILE *f = fopen(path, "we");
	int k, n = nr_ops(sc->wl);

	if (!f)
		return -1;
	if (sc->wl->weights)
		sc->wl->weights(&ctx, w);
	fprintf(f, "// SPDX-License-Identifier: GPL-2.0\n/*\n"
		" * Reproducer for: %s\n"
		" * Written by kmemstorm reproduce --emit-c from scenario %s of\n"
		" * %s (seed %" PRId64 "): a %s storm, %d worker(s), %" PRId64
		" ms.\n"
		" * Build: cc -O2 -Wall -Wextra -o repro repro.c%s%s\n"
		" * Run it with repro.sh, which makes its cgroup and arms the\n"
		" * fault injection first.\n */\n",
		r->c.title, sc->name, r->c.journal, r->c.seed, sc->wl->name,
		sc->workers, dur, em->cflags[0] ? " " : "", em->cflags);
	fputs(frame_top, f);
	fputs(em->includes, f);
	fprintf(f, "\n#define WORKERS %d\n#define DURATION_MS %" PRId64
		"LL\n#define SEED %" PRIu64 "ULL\n#define NR_OPS %d\n",
		sc->workers, dur, (uint64_t)r->c.seed, n);
	opt_macros(f, sc);
	fputs("\nstatic const char *const op_name[NR_OPS] = {", f);
	for (k = 0; k < n; k++) {
		fputs(k ? ", " : " ", f);
		c_string(f, sc->wl->ops[k]);
	}
	fputs(" };\n", f);
	if (sc->wl->weights) {
		fputs("/* the storm's weights; 0: left out */\n"
		      "static const uint64_t weight[NR_OPS] = {", f);
		for (k = 0; k < n; k++)
			fprintf(f, "%s%" PRIu64, k ? ", " : " ", w[k]);
		fputs(" };\n", f);
	}
	fputs(frame_utils, f);
	if (sc->wl->weights)
		fputs(frame_pick, f);
	fputc('\n', f);
	em->body(f, sc, w);
	fputs(frame_main, f);
	if (sc->wl->weights)
		fputs("\tif (picks < 1000)\n"
		      "\t\tprintf(\"repro: worker %d: pick_hash %016\" PRIx64 \" of %\" PRIu64 \" picks\\n\",\n"
		      "\t\t       w, pick_hash, picks);\n", f);
	fputs(frame_main2, f);
	return fclose(f);
}

/* One knob write of the scenario's arming, saved first, restored last. */
static void knob_lines(FILE *f, json_t *knobs)
{
	json_t *k;
	size_t i, j;

	fputs("# The fault-injection knobs, written as the scenario armed them\n"
	      "arm() {\n"
	      "\tprintf '%s\\n%s\\n' \"$1\" \"$(cat \"$1\")\" >> \"$work/saved\" || return 1\n"
	      "\techo \"$2\" > \"$1\" || { echo \"repro.sh: cannot write $2 to $1\" >&2; return 1; }\n"
	      "}\n", f);
	json_array_foreach(knobs, i, k) {
		const char *p = json_string_value(json_object_get(k, "path"));
		const char *v = json_string_value(json_object_get(k, "value"));
		json_t *prev;
		int again = 0;

		if (!p || !v)
			continue;
		json_array_foreach(knobs, j, prev) {
			if (j >= i)
				break;
			again |= !strcmp(p, json_string_value(
				json_object_get(prev, "path")) ?: "");
		}
		fputs(again ? "echo " : "arm ", f);
		if (again) {
			ks_emit_sh_word(f, v);
			fputs(" > ", f);
			ks_emit_sh_word(f, p);
		} else {
			ks_emit_sh_word(f, p);
			fputc(' ', f);
			ks_emit_sh_word(f, v);
		}
		fputs(" || exit 2\n", f);
	}
}

static int task_filtered(json_t *knobs)
{
	json_t *k;
	size_t i;

	json_array_foreach(knobs, i, k) {
		const char *p = json_string_value(json_object_get(k, "path"));
		const char *v = json_string_value(json_object_get(k, "value"));

		if (p && v && strstr(p, "/task-filter") && (*v == 'Y' || *v == '1'))
			return 1;
	}
	return 0;
}

/* v1 takes -1 for no limit, v2 "max". */
static void limit_line(FILE *f, const char *file, int64_t v)
{
	if (v < 0)
		return;
	if (v == KS_SIZE_MAX)
		fprintf(f, "\techo %s > \"$cg/%s\" || exit 2\n",
			strstr(file, "_in_bytes") ? "-1" : "max", file);
	else
		fprintf(f, "\techo %" PRId64 " > \"$cg/%s\" || exit 2\n", v,
			file);
}

static const char sh_head[] =
"set -u\n"
"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
"prog=$here/repro\n"
"[ -x \"$prog\" ] || cc -O2 -Wall -Wextra -o \"$prog\" \"$here/repro.c\" %s|| exit 2\n"
"work=$(mktemp -d \"${1:-/tmp}/ks-repro.XXXXXX\") || exit 2\n"
"cg=\nmounted=\nremove=\n"
"cleanup() {\n"
"\t# every knob back, the last saved first\n"
"\tif [ -f \"$work/saved\" ]; then\n"
"\t\tn=$(($(wc -l < \"$work/saved\") / 2))\n"
"\t\twhile [ \"$n\" -gt 0 ]; do\n"
"\t\t\tp=$(sed -n \"$((2 * n - 1))p\" \"$work/saved\")\n"
"\t\t\tv=$(sed -n \"$((2 * n))p\" \"$work/saved\")\n"
"\t\t\techo \"$v\" > \"$p\" || echo \"repro.sh: could not restore $p to $v\" >&2\n"
"\t\t\tn=$((n - 1))\n\t\tdone\n\tfi\n"
"\t[ -n \"$mounted\" ] && umount \"$mounted\"\n"
"\t[ -n \"$cg\" ] && rmdir \"$cg\"\n"
"\t[ -n \"$remove\" ] && rm -rf \"$remove\"\n"
"\trm -rf \"$work\"\n}\n"
"trap cleanup EXIT\ntrap 'exit 130' INT TERM\n\n";

static const char sh_cgroup[] =
"# The cgroup and its limits, as the scenario set them\n"
"if [ -f /sys/fs/cgroup/cgroup.controllers ]; then\n"
"\tgrep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||\n"
"\t\techo +memory > /sys/fs/cgroup/cgroup.subtree_control || exit 2\n"
"\tcg=/sys/fs/cgroup/ks-repro.$$\n\tmkdir \"$cg\" || exit 2\n";

static int write_sh(const struct ks_repro *r, const struct ks_emitter *em,
		    const struct ks_scenario *sc, json_t *knobs,
		    const char *path)
{
	const struct ks_cg_limits *l = &sc->limits;
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n# Reproducer for: %s\n"
		"# From scenario %s of %s (kmemstorm reproduce --emit-c).\n"
		"# Usage: ./repro.sh [DIR]   as root, on a kernel you can lose:\n"
		"# it arms kernel fault injection.  Everything is put back on exit.\n",
		r->c.title, sc->name, r->c.journal);
	fprintf(f, sh_head, em->cflags[0] ? em->cflags : "");
	fputs("[ -d /sys/kernel/debug/fail_page_alloc ] || [ -f /sys/kernel/debug/provoke-crash/DIRECT ] ||\n"
	      "\tmount -t debugfs none /sys/kernel/debug 2>/dev/null\n\n", f);
	fputs(sh_cgroup, f);
	limit_line(f, "memory.max", l->max);
	limit_line(f, "memory.high", l->high);
	limit_line(f, "memory.swap.max", l->swap_max);
	if (l->oom_group != KS_CG_UNSET)
		fprintf(f, "\techo %d > \"$cg/memory.oom.group\" || exit 2\n",
			l->oom_group);
	fputs("else\n\troot=/sys/fs/cgroup/memory\n"
	      "\tif [ ! -f \"$root/memory.limit_in_bytes\" ]; then\n"
	      "\t\tmkdir -p \"$root\" && mount -t cgroup -o memory memory \"$root\" || exit 2\n"
	      "\tfi\n\tcg=$root/ks-repro.$$\n\tmkdir \"$cg\" || exit 2\n", f);
	limit_line(f, "memory.kmem.limit_in_bytes", l->kmem_max);
	limit_line(f, "memory.kmem.tcp.limit_in_bytes", l->tcp_max);
	limit_line(f, "memory.limit_in_bytes", l->max);
	if (l->oom_kill_disable != KS_CG_UNSET)
		fprintf(f, "\techo %d > \"$cg/memory.oom_control\" || exit 2\n",
			l->oom_kill_disable);
	fputs("fi\n\n# Where the storm ran\n", f);
	if (em->fs)
		em->fs(f, sc);
	else
		fputs("fs=$work/fs\nmkdir \"$fs\" || exit 2\n", f);
	fputc('\n', f);
	if (json_array_size(knobs))
		knob_lines(f, knobs);
	if (task_filtered(knobs))
		fputs("# task-filter: the program's workers set make-it-fail, as the storm's did\n"
		      "export KS_MAKE_IT_FAIL=1\n", f);
	fputs("\necho \"repro.sh: running $prog in $cg\"\n"
	      "sh -c 'echo $$ > \"$1/cgroup.procs\" && exec \"$2\" \"$3\"' sh \"$cg\" \"$prog\" \"$fs\"\n"
	      "status=$?\necho \"repro.sh: repro exited $status\"\nexit $status\n", f);
	if (fclose(f))
		return -1;
	return chmod(path, 0755);
}

static const char qemu_body[] =
"set -eu\n"
"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
"kernel=${1:?usage: qemu.sh BZIMAGE [EXTRA KERNEL ARGS]}\n"
"shift\nextra=${*:-$append}\n"
"bb=$(command -v busybox) || { echo 'qemu.sh: needs a static busybox' >&2; exit 2; }\n"
"work=$(mktemp -d)\ntrap 'rm -rf \"$work\"' EXIT\n"
"mkdir -p \"$work/root/bin\" \"$work/root/repro\" \"$work/root/proc\" \"$work/root/sys\" \\\n"
"\t\"$work/root/dev\" \"$work/root/tmp\"\n"
"cp \"$bb\" \"$work/root/bin/busybox\"\n"
"for a in $(\"$bb\" --list); do\n"
"\t[ \"$a\" = busybox ] || ln -s busybox \"$work/root/bin/$a\"\n"
"done\n"
"cc -O2 -Wall -Wextra -static -o \"$work/root/repro/repro\" \"$here/repro.c\" $cflags\n"
"cp \"$here/repro.sh\" \"$work/root/repro/\"\n"
"cat > \"$work/root/init\" <<'INIT'\n"
"#!/bin/sh\n"
"mount -t proc proc /proc\nmount -t sysfs sys /sys\n"
"mount -t devtmpfs dev /dev 2>/dev/null\nmount -t tmpfs tmp /tmp\n"
"mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null\n"
"mount -t debugfs none /sys/kernel/debug 2>/dev/null\n"
"/repro/repro.sh /tmp\n"
"echo \"qemu.sh: repro.sh exited $?\"\n"
"# panic=-1 and QEMU's -no-reboot: a reboot ends QEMU\n"
"reboot -f\n"
"echo b > /proc/sysrq-trigger\n"
"INIT\n"
"chmod +x \"$work/root/init\"\n"
"(cd \"$work/root\" && find . | cpio -o -H newc --quiet | gzip -1) > \"$work/initrd\"\n"
"accel=tcg\n"
"[ -w /dev/kvm ] && [ \"${KS_REPRO_ACCEL:-}\" != tcg ] && accel=kvm\n"
"timeout \"${KS_REPRO_TIMEOUT:-$timeout_s}\" qemu-system-x86_64 -accel \"$accel\" \\\n"
"\t-m \"${KS_REPRO_MEMORY:-$memory}\" -smp \"${KS_REPRO_CPUS:-2}\" -nographic -no-reboot \\\n"
"\t-kernel \"$kernel\" -initrd \"$work/initrd\" \\\n"
"\t-append \"console=ttyS0 panic=-1 log_buf_len=8M $extra\" </dev/null |\n"
"\ttee \"${KS_REPRO_CONSOLE:-$here/console.log}\"\n";

static int write_qemu(const struct ks_repro *r, const struct ks_emitter *em,
		      const struct ks_scenario *sc, const char *path)
{
	int64_t dur = storm_ms(sc);
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n# Boot BZIMAGE in a fresh QEMU guest holding busybox, repro and\n"
		"# repro.sh, and nothing else; run repro.sh there; the console goes to\n"
		"# console.log.  Needs cc, cpio, gzip, qemu-system-x86_64, a static busybox.\n"
		"# The guest's extra kernel command line, as the scenario ran:\n");
	fputs("append=", f);
	ks_emit_sh_word(f, r->c.append);
	fputs("\ncflags=", f);
	ks_emit_sh_word(f, em->cflags);
	fprintf(f, "\nmemory=1G\ntimeout_s=%" PRId64 "\n", dur / 1000 + 240);
	fputs(qemu_body, f);
	if (fclose(f))
		return -1;
	return chmod(path, 0755);
}

static int write_readme(const struct ks_repro *r, const struct ks_emitter *em,
			const struct ks_scenario *sc, json_t *knobs,
			const char *path, const char *plan)
{
	FILE *f = fopen(path, "we");
	json_t *t;
	size_t i;

	if (!f)
		return -1;
	fprintf(f, "# Reproducer: %s\n\n", r->c.title);
	if (json_array_size(r->c.titles) > 1) {
		fputs("Also reported as:", f);
		json_array_foreach(r->c.titles, i, t)
			if (i)
				fprintf(f, " `%s`", json_string_value(t));
		fputs("\n\n", f);
	}
	fprintf(f, "Found by kmemstorm in scenario `%s` of `%s`; minimised to `%s`\n"
		"(kmemstorm reproduce --emit-c).\n\n"
		"- Kernel: `%s`%s%s%s\n- Kernel command line: `%s` (extra: `%s`)\n"
		"- Reproduced: %d of %d runs of the final scenario%s\n"
		"- The storm: %s, %d worker(s), %" PRId64 " ms, seed %" PRId64 "\n\n",
		r->c.scenario, r->c.journal, plan, r->c.release[0] ?
		r->c.release : "unknown", r->c.kernel[0] ? " (" : "",
		r->c.kernel, r->c.kernel[0] ? ")" : "", r->c.cmdline,
		r->c.append,
		r->hits, r->runs, r->c.guest ? ", in a QEMU guest" : "",
		sc->wl->name, sc->workers, sc->duration_ms, r->c.seed);
	fprintf(f, "## Files\n\n"
		"- `repro.c`: the storm's operations that still matter, and nothing\n"
		"  else; libc only%s%s.  Worker N makes the choices kmemstorm's worker N\n"
		"  made with this seed (it prints the pick hash the journal holds).\n"
		"- `repro.sh`: as root, on a kernel you can lose.  Makes the memory\n"
		"  cgroup with the scenario's limits (v2, or v1), %s,\n"
		"  runs `repro` inside it, and restores every knob and removes the\n"
		"  cgroup on exit.\n"
		"- `qemu.sh BZIMAGE`: builds `repro` statically and boots BZIMAGE in a\n"
		"  fresh guest with busybox, `repro` and `repro.sh` alone; the\n"
		"  console goes to `console.log`.\n\n"
		"## Run\n\n    cc -O2 -Wall -Wextra -o repro repro.c%s%s\n"
		"    sudo ./repro.sh           # or: ./qemu.sh path/to/bzImage\n\n"
		"The report to look for in the kernel log: `%s`.\n",
		em->cflags[0] ? ", and " : "", em->cflags,
		json_array_size(knobs) ?
		"arms the fault-injection knobs exactly as the scenario did" :
		"arms no fault injection (the scenario needed none)",
		em->cflags[0] ? " " : "", em->cflags, r->c.title);
	if (em->notes)
		fprintf(f, "\n%s\n", em->notes);
	return fclose(f);
}

static const struct ks_emitter *find_emitter(const char *wl)
{
	int i;

	for (i = 0; emitters[i]; i++)
		if (!strcmp(emitters[i]->workload, wl))
			return emitters[i];
	return NULL;
}

static int refuse(const struct ks_scenario *sc, char *err, size_t errlen)
{
	const char *why = sc->sweep ? "a sweep (mode = sweep) step" :
			  ks_shape_wanted(sc) ? "a scenario of many cgroups" :
			  sc->victim.wl ? "a scenario with a victim" : NULL;
	int i, k;

	for (i = 0; !why && ks_injectors[i]; i++)
		if ((sc->inject_mask & (1u << i)) && !ks_injectors[i]->kernel)
			why = "injection from user space (chargefail)";
	if (why)
		goto no;
	if (find_emitter(sc->wl->name))
		return 0;
	k = snprintf(err, errlen, "--emit-c: no C emitter for the %s storm (there are:",
		     sc->wl->name);
	for (i = 0; emitters[i] && k > 0 && (size_t)k < errlen; i++)
		k += snprintf(err + k, errlen - k, " %s", emitters[i]->workload);
	if (k > 0 && (size_t)k < errlen)
		snprintf(err + k, errlen - k, "); the minimised plan is the reproducer");
	return -1;
no:
	snprintf(err, errlen, "--emit-c: %s is not emitted as C; the minimised plan is the reproducer",
		 why);
	return -1;
}

/*
 * The knobs as armed by the last run that brought the title back (the
 * minimised scenario's, narrowed), else as the journal recorded them.
 */
static json_t *armed_knobs(const struct ks_repro *r)
{
	json_t *recs = NULL, *rec, *k = NULL;
	char err[256];

	if (r->last_journal[0])
		recs = ks_journal_load(r->last_journal, &(int){ 0 }, err,
				       sizeof(err));
	rec = recs ? ks_journal_find(recs, "inject_armed", NULL) : NULL;
	k = json_incref(json_object_get(rec, "knobs"));
	json_decref(recs);
	return k ? k : json_incref(r->c.armed);
}

int ks_repro_emit_c(const struct ks_repro *r, const struct ks_repro_plan *rp,
		    const char *dir, char *err, size_t errlen)
{
	static const char *const names[] = { "repro.c", "repro.sh", "qemu.sh",
					     "README.md", "scenario.plan" };
	char path[5][PATH_MAX + 16];
	const struct ks_emitter *em;
	struct ks_plan plan;
	json_t *knobs;
	int e, i, bad;

	if (ks_rp_parse(rp, &plan, err, errlen))
		return -1;
	if (refuse(&plan.scenarios[0], err, errlen))
		goto fail;
	em = find_emitter(plan.scenarios[0].wl->name);
	e = ks_mkdirs(dir, 0755);
	if (e) {
		snprintf(err, errlen, "%s: %s", dir, strerror(-e));
		goto fail;
	}
	for (i = 0; i < 5; i++)
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);
	knobs = armed_knobs(r);
	if (plan.scenarios[0].inject_mask && !json_array_size(knobs)) {
		snprintf(err, errlen, "--emit-c: the scenario injects faults but no run journaled how it armed them (inject_armed)");
		json_decref(knobs);
		goto fail;
	}
	bad = ks_rp_write(rp, path[4], err, errlen) ? 4 :
	      write_c(r, em, &plan.scenarios[0], path[0]) ? 0 :
	      write_sh(r, em, &plan.scenarios[0], knobs, path[1]) ? 1 :
	      write_qemu(r, em, &plan.scenarios[0], path[2]) ? 2 :
	      write_readme(r, em, &plan.scenarios[0], knobs, path[3],
			   "scenario.plan") ?
	      3 : -1;
	json_decref(knobs);
	if (bad >= 0) {
		snprintf(err, errlen, "%s: %s", path[bad], strerror(errno));
		goto fail;
	}
	ks_plan_free(&plan);
	return 0;
fail:
	ks_plan_free(&plan);
	return -1;
}
