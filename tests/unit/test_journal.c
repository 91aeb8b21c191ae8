// SPDX-License-Identifier: GPL-2.0
/* The journal writer and the readers that depend on its records. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "summary.h"

Test(journal, one_compact_record_per_line)
{
	char path[] = "/tmp/ks-journal-XXXXXX", err[256], line[512];
	struct ks_journal j;
	json_error_t jerr;
	FILE *f;
	int fd, n = 0;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(ks_journal_open(&j, path, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(ks_journal_write(&j, json_pack("{s:s, s:i}", "type",
						    "run_start", "schema", 1)), 0);
	cr_expect_eq(ks_journal_write(&j, json_pack("{s:s, s:s}", "type",
						    "x", "text",
						    "two\nlines \"q\"")), 0);
	cr_expect_eq(ks_journal_write(&j, NULL), -ENOMEM);
	cr_expect_eq(j.error, ENOMEM, "a lost record is remembered");
	ks_journal_close(&j);

	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, &jerr);

		cr_assert_not_null(o, "line %d: %s", n + 1, jerr.text);
		cr_expect(json_is_string(json_object_get(o, "type")));
		if (n == 1)
			cr_expect_str_eq(json_string_value(json_object_get(o, "text")),
					 "two\nlines \"q\"");
		json_decref(o);
		n++;
	}
	fclose(f);
	cr_expect_eq(n, 2);
	cr_expect_eq(j.records, 2);
	unlink(path);
}

Test(journal, open_error_names_the_file)
{
	struct ks_journal j;
	char err[256];

	cr_expect_lt(ks_journal_open(&j, "/nonexistent/dir/j.jsonl", err,
				     sizeof(err)), 0);
	cr_expect_str_eq(err, "/nonexistent/dir/j.jsonl: No such file or directory");
}

Test(journal, tee_gets_the_same_bytes)
{
	char path[] = "/tmp/ks-journal-XXXXXX", err[256], a[256], b[256];
	struct ks_journal j;
	int fd, p[2];
	ssize_t n;
	FILE *f;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(ks_journal_open(&j, path, err, sizeof(err)), 0);
	ks_journal_add_tee(&j, p[1]);
	ks_journal_write(&j, json_pack("{s:s}", "type", "sample"));
	ks_journal_close(&j);
	close(p[1]);
	n = read(p[0], b, sizeof(b) - 1);
	cr_assert_gt(n, 0);
	b[n] = '\0';
	f = fopen(path, "r");
	cr_assert_not_null(fgets(a, sizeof(a), f));
	fclose(f);
	cr_expect_str_eq(a, b);
	cr_expect_str_eq(a, "{\"type\":\"sample\"}\n");
	close(p[0]);
	unlink(path);
}

Test(journal, nothing_after_the_first_failure)
{
	char path[] = "/tmp/ks-journal-XXXXXX", err[256], line[64];
	struct ks_journal j;
	FILE *f;
	int fd, n = 0;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(ks_journal_open(&j, path, err, sizeof(err)), 0);
	cr_expect_eq(ks_journal_write(&j, json_pack("{s:i}", "n", 1)), 0);
	cr_expect_eq(ks_journal_write(&j, NULL), -ENOMEM);
	cr_expect_eq(ks_journal_write(&j, json_pack("{s:i}", "n", 3)),
		     -ENOMEM, "no hole in the journal: the rest is dropped");
	cr_expect_eq(ks_journal_write_raw(&j, "{}\n", 3), -ENOMEM);
	cr_expect_str_eq(j.error_what, "record lost");
	ks_journal_close(&j);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	cr_expect_eq(n, 1);
	unlink(path);
}

Test(journal, records_larger_than_the_first_buffer)
{
	char path[] = "/tmp/ks-journal-XXXXXX", err[256], *big, *line = NULL;
	struct ks_journal j;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int fd;

	big = malloc(10000);
	cr_assert_not_null(big);
	memset(big, 'x', 9999);
	big[9999] = '\0';
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(ks_journal_open(&j, path, err, sizeof(err)), 0);
	cr_expect_eq(ks_journal_write(&j, json_pack("{s:s}", "text", big)), 0);
	ks_journal_close(&j);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	n = getline(&line, &cap, f);
	fclose(f);
	/* {"text":"x...x"} and the newline */
	cr_expect_eq(n, 9999 + 12);
	cr_expect_eq(line[n - 1], '\n');
	cr_expect_eq(line[n - 2], '}');
	free(line);
	free(big);
	unlink(path);
}

Test(summary, table_from_records)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *ends = json_array();

	json_array_append_new(ends, json_loads(
		"{\"scenario\":\"a\",\"workload\":\"dentry\",\"verdict\":\"pass\","
		"\"ops_per_sec\":1234.4,\"enomem\":0,\"kernel_reports\":0,"
		"\"memcg\":{\"peak\":33554432,\"limit\":33554432,"
		"\"limit_hits\":7,\"oom_kills\":0},\"reasons\":[]}", 0, NULL));
	json_array_append_new(ends, json_loads(
		"{\"scenario\":\"b\",\"workload\":\"inode\",\"verdict\":\"skip\","
		"\"reasons\":[\"memory.high: not supported on cgroup v1\"]}",
		0, NULL));
	ks_summary_print(f, ends);
	fclose(f);
	cr_expect(strstr(buf, "a                        dentry   pass          1234"),
		  "%s", buf);
	cr_expect(strstr(buf, "32.0M/32.0M"), "%s", buf);
	cr_expect(strstr(buf, "\n    memory.high: not supported on cgroup v1\n"),
		  "%s", buf);
	cr_expect(strstr(buf, "1 passed, 0 failed, 1 skipped, 0 errors\n"), "%s",
		  buf);
	json_decref(ends);
	free(buf);
}
