// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak at the end of every scenario, on a kernel that has it (the
 * debug flavour) and is disposable: a scan, and the objects it reports
 * journaled as kernel_report records of kind kmemleak against the
 * scenario, then cleared so the next scenario reports only its own.
 * kmemleak reports an object only once it is 5 s old: one leaked in the
 * last seconds of a scenario is reported with the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmemleak.h"
#include "scenario_internal.h"
#include "sysinfo.h"

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static int kmemleak_cmd(const char *cmd)
{
	int fd = open(KMEMLEAK, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		r = -errno;
	close(fd);
	return r;
}

int ks_kmemleak_available(void)
{
	return ks_kernel_is_disposable() && !access(KMEMLEAK, W_OK);
}

void ks_kmemleak_clear(void)
{
	if (ks_kmemleak_available())
		kmemleak_cmd("clear");
}

int ks_kmemleak_scan(struct scn *s)
{
	s->kmemleak_objects = -1;
	struct ks_classifier *c;
	struct ks_kreport *r;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *f;

	if (!ks_kmemleak_available() || kmemleak_cmd("scan"))
		return 0;
	f = fopen(KMEMLEAK, "re");
	c = calloc(1, sizeof(*c));
	r = calloc(1, sizeof(*r));
	if (!f || !c || !r)
		goto out;
	ks_classifier_init(c);
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (ks_classify_line(c, line, 0, 0, r)) {
			ks_scn_journal_report(s, r);
			n++;
		}
	}
	if (ks_classify_flush(c, r)) {
		ks_scn_journal_report(s, r);
		n++;
	}
	kmemleak_cmd("clear");
	s->kmemleak_objects = n;
out:
	if (f)
		fclose(f);
	free(line);
	free(c);
	free(r);
	return n;
}
