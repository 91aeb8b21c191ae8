// SPDX-License-Identifier: GPL-2.0
/* Finding a plan: a file, or one of the plans compiled into the binary. */
#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "failpoint.h"

void ks_plan_errors_print(const struct ks_plan_errors *errs, FILE *f)
{
	int i;

	for (i = 0; i < errs->n; i++)
		fprintf(f, "%s\n", errs->msg[i]);
	if (errs->dropped)
		fprintf(f, "(%d more errors not shown)\n", errs->dropped);
}

/* Read a whole plan file; NULL with a message in errs on failure. */
static char *read_file(const char *path, struct ks_plan_errors *errs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *mem;
	char chunk[4096];
	size_t n;

	f = ks_fiu_ptr("kmemstorm/plan/read", EIO, fopen(path, "r"));
	if (!f)
		goto fail;
	mem = open_memstream(&buf, &len);
	if (!mem) {
		fclose(f);
		goto fail;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	if (ferror(f) || len > (1 << 20)) {
		int e = ferror(f) ? EIO : EFBIG;

		fclose(f);
		fclose(mem);
		free(buf);
		errno = e;
		goto fail;
	}
	fclose(f);
	if (fclose(mem))
		goto fail;
	if (memchr(buf, '\0', len)) {
		free(buf);
		snprintf(errs->msg[0], sizeof(errs->msg[0]),
			 "%s: not a text file", path);
		errs->n = 1;
		return NULL;
	}
	return buf;
fail:
	snprintf(errs->msg[0], sizeof(errs->msg[0]), "%s: %s", path,
		 strerror(errno));
	errs->n = 1;
	return NULL;
}

int ks_plan_load(const char *arg, struct ks_plan *plan,
		 struct ks_plan_errors *errs)
{
	const struct ks_builtin_plan *b;
	char source[PATH_MAX];
	struct stat sb;
	char *text;
	int r;

	memset(plan, 0, sizeof(*plan));
	memset(errs, 0, sizeof(*errs));
	if (!arg)
		arg = KS_DEFAULT_PLAN;
	if (stat(arg, &sb) == 0 || strchr(arg, '/') ||
	    strstr(arg, ".plan")) {
		if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			snprintf(errs->msg[0], sizeof(errs->msg[0]),
				 "%s: is a directory, not a plan file", arg);
			errs->n = 1;
			return -1;
		}
		text = read_file(arg, errs);
		if (!text)
			return -1;
		r = ks_plan_parse(text, arg, plan, errs);
		free(text);
		return r;
	}
	for (b = ks_builtin_plans; b->name; b++) {
		if (strcmp(b->name, arg))
			continue;
		snprintf(source, sizeof(source), "builtin:%s", b->name);
		return ks_plan_parse(b->text, source, plan, errs);
	}
	snprintf(errs->msg[0], sizeof(errs->msg[0]),
		 "%s: no such plan file or built-in plan (see 'kmemstorm list')",
		 arg);
	errs->n = 1;
	return -1;
}
