// SPDX-License-Identifier: GPL-2.0
/*
 * Journals through every report format, compare and 'gate --from'.  The
 * input is up to four parts split at form feeds: journal A, journal B
 * (else A again), A's console.log, and the gate.json naming A and B.
 * Holds: a journal that loads is reported in every format; JSON and
 * KCIDB parse, KCIDB's ids are well formed; JUnit is well-formed XML and
 * validates against Jenkins' schema (KS_FUZZ_JUNIT_XSD); HTML parses; TAP
 * is one plan line and its results numbered in order, nothing else
 * outside its comments and YAML blocks; text outputs are UTF-8; a run
 * compared with itself has no regression; the gate decides or says why.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_formats.h"
#include "gate.h"
#include "report.h"
#include "utf8.h"

#define GATE_JSON "{\"configs\": [{\"config\": \"on\", \"append\": \"\", \"dir\": \"a\"}, " \
	"{\"config\": \"nokmem\", \"append\": \"cgroup.memory=nokmem\", \"dir\": \"b\"}]}"

static void keep(const char *fmt, const char *buf, size_t len)
{
	static unsigned long n;
	const char *dir = ks_fuzz_keep_dir();
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%d-%lu.%s", dir, (int)getpid(), n++,
		 fmt);
	f = fopen(path, "w");
	if (f) {
		fwrite(buf, 1, len, f);
		fclose(f);
	}
}

static void check_format(const struct ks_report_format *fmt,
			 struct ks_run_view *runs, size_t nruns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int rc;

	if (!out)
		abort();
	rc = fmt->write(out, runs, nruns);
	fclose(out);
	KS_FUZZ_CHECK(rc == 0, "report --format %s failed", fmt->name);
	KS_FUZZ_CHECK(ks_utf8_valid(buf, len), "%s output is not UTF-8",
		      fmt->name);
	KS_FUZZ_CHECK(!memchr(buf, '\0', len), "%s output holds a NUL",
		      fmt->name);
	keep(fmt->name, buf, len);
	ks_fuzz_check_output(fmt->name, buf, len);
	free(buf);
}

static void check_compare(struct ks_run_view *a, size_t na,
			  struct ks_run_view *b, size_t nb, int self)
{
	struct ks_compare_opts o = { KS_COMPARE_NOISE,
				     KS_COMPARE_OVERSHOOT_TOL };
	char *buf = NULL, *s;
	size_t len = 0;
	int regs = -1;
	json_t *diff;
	FILE *out;

	diff = ks_compare(a, na, b, nb, &o, &regs);
	s = diff ? json_dumps(diff, JSON_COMPACT) : NULL;
	KS_FUZZ_CHECK(s, "compare gave no JSON");
	KS_FUZZ_CHECK(regs >= 0, "compare: %d regressions", regs);
	KS_FUZZ_CHECK(!self || !regs, "a run regresses from itself: %s", s);
	out = open_memstream(&buf, &len);
	if (!out)
		abort();
	ks_compare_print(out, diff, regs, &o);
	fclose(out);
	json_decref(diff);
	KS_FUZZ_CHECK(ks_utf8_valid(buf, len), "compare output is not UTF-8");
	free(buf);
	free(s);
}

static void check_gate(const uint8_t *gate, size_t gate_len)
{
	struct ks_compare_opts o = { KS_COMPARE_NOISE,
				     KS_COMPARE_OVERSHOOT_TOL };
	struct ks_gate_config cfgs[8];
	char path[4096], err[4200] = "", *buf = NULL;
	json_t *keepdoc = NULL, *doc = NULL;
	size_t len = 0;
	int n, rc;
	FILE *out;

	if (gate)
		ks_fuzz_put("gate.json", gate, gate_len, path, sizeof(path));
	else
		ks_fuzz_put("gate.json", GATE_JSON, strlen(GATE_JSON), path,
			    sizeof(path));
	if (ks_gate_load_from(ks_fuzz_dir(), cfgs, 8, &n, &keepdoc, err,
			      sizeof(err))) {
		KS_FUZZ_CHECK(err[0], "gate --from refused with no reason");
		return;
	}
	KS_FUZZ_CHECK(n >= 1 && n <= 8, "gate --from: %d configs", n);
	out = open_memstream(&buf, &len);
	if (!out)
		abort();
	rc = ks_gate_decide(out, cfgs, n, &o, &doc, err, sizeof(err));
	fclose(out);
	KS_FUZZ_CHECK(rc >= 0 || err[0], "gate failed with no reason");
	KS_FUZZ_CHECK(ks_utf8_valid(buf, len), "gate output is not UTF-8");
	if (rc >= 0) {
		char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

		KS_FUZZ_CHECK(s, "gate decided with no gate.json");
		free(s);
	}
	json_decref(doc);
	json_decref(keepdoc);
	free(buf);
}

static int load(const char *dir, struct ks_run_view **runs, size_t *n)
{
	char err[4400] = "", *arg = (char *)dir;

	if (!ks_run_views_load_args(&arg, 1, runs, n, err, sizeof(err)))
		return 0;
	KS_FUZZ_CHECK(err[0] && strstr(err, dir),
		      "journal refused without naming it: %s", err);
	return -1;
}

int ks_fuzz_report(const uint8_t *data, size_t size)
{
	const uint8_t *part[4];
	size_t plen[4], na = 0, nb = 0, i;
	struct ks_run_view *a = NULL, *b = NULL;
	const struct ks_report_format *fmt;
	char path[4096], dira[4096], dirb[4096];

	ks_fuzz_split(data, size, '\f', 4, part, plen);
	snprintf(dira, sizeof(dira), "%s/a", ks_fuzz_dir());
	snprintf(dirb, sizeof(dirb), "%s/b", ks_fuzz_dir());
	mkdir(dira, 0755);
	mkdir(dirb, 0755);
	ks_fuzz_put("a/journal.jsonl", part[0], plen[0], path, sizeof(path));
	if (part[1])
		ks_fuzz_put("b/journal.jsonl", part[1], plen[1], path,
			    sizeof(path));
	else
		ks_fuzz_put("b/journal.jsonl", part[0], plen[0], path,
			    sizeof(path));
	snprintf(path, sizeof(path), "%s/a/console.log", ks_fuzz_dir());
	unlink(path);
	if (part[2])
		ks_fuzz_put("a/console.log", part[2], plen[2], path,
			    sizeof(path));

	if (!load(dira, &a, &na)) {
		for (i = 0; (fmt = ks_report_format_at(i)); i++)
			check_format(fmt, a, na);
		check_compare(a, na, a, na, 1);
		if (!load(dirb, &b, &nb))
			check_compare(a, na, b, nb, 0);
	}
	check_gate(part[3], plen[3]);
	ks_run_views_free(a, na);
	ks_run_views_free(b, nb);
	return 0;
}
