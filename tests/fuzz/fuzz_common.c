// SPDX-License-Identifier: GPL-2.0
/* What every fuzz target shares: failing, scratch files, input parts. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "classify.h"
#include "utf8.h"

const struct ks_fuzz_target ks_fuzz_targets[] = {
	{ "plan", "a plan file, as 'kmemstorm run FILE' loads it",
	  ks_fuzz_plan },
	{ "classify-log", "a saved kernel log, as 'kmemstorm classify' reads it",
	  ks_fuzz_classify_log },
	{ "classify-console", "the QEMU serial console, in the chunks it arrives in",
	  ks_fuzz_classify_console },
	{ "classify-kmsg", "/dev/kmsg records, as the in-guest monitor reads them",
	  ks_fuzz_classify_kmsg },
	{ "report", "journals through every report format, compare and gate --from",
	  ks_fuzz_report },
	{ "units", "sizes, durations, integers, booleans and errno sets",
	  ks_fuzz_units },
	{ "stream", "the guest journal stream over virtio-serial, cut and garbled",
	  ks_fuzz_stream },
	{ NULL, NULL, NULL },
};

const struct ks_fuzz_target *ks_fuzz_target_find(const char *name)
{
	const struct ks_fuzz_target *t;

	for (t = ks_fuzz_targets; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void scratch_remove(void);

void ks_fuzz_fail(const char *file, int line, const char *cond,
		  const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: fuzz property failed: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	scratch_remove();	/* abort() runs no atexit handler */
	abort();
}

static char scratch[PATH_MAX];

static int remove_one(const char *path, const struct stat *sb, int type,
		      struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void scratch_remove(void)
{
	if (scratch[0])
		nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *ks_fuzz_dir(void)
{
	if (!scratch[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(scratch, sizeof(scratch), "%.4000s/ks-fuzz.XXXXXX",
			 tmp && tmp[0] == '/' ? tmp : "/tmp");
		if (!mkdtemp(scratch)) {
			perror("ks-fuzz: mkdtemp");
			exit(2);
		}
		atexit(scratch_remove);
	}
	return scratch;
}

void ks_fuzz_put(const char *name, const void *data, size_t n, char *path,
		 size_t pathlen)
{
	const char *p = data;
	int fd;

	snprintf(path, pathlen, "%s/%s", ks_fuzz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "ks-fuzz: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "ks-fuzz: %s: %s\n", path,
				strerror(errno));
			exit(2);
		}
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

char *ks_fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void ks_fuzz_split(const uint8_t *data, size_t size, char sep, int count,
		   const uint8_t **parts, size_t *lens)
{
	int i;

	for (i = 0; i < count; i++) {
		const uint8_t *end = i < count - 1 && data ?
			memchr(data, sep, size) : NULL;

		parts[i] = data;
		lens[i] = data ? (end ? (size_t)(end - data) : size) : 0;
		if (!data)
			continue;
		if (!end) {
			data = NULL;
			continue;
		}
		size -= (size_t)(end - data) + 1;
		data = end + 1;
	}
}

void ks_fuzz_check_report(const struct ks_kreport *r)
{
	json_t *o = ks_kreport_json(r);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	const char *t = json_string_value(json_object_get(o, "title"));

	KS_FUZZ_CHECK(o && s, "report \"%.80s\" has no JSON record", r->title);
	KS_FUZZ_CHECK(r->title[0], "a report without a title (first line \"%.80s\")",
		      r->first);
	KS_FUZZ_CHECK(ks_utf8_valid(r->title, strlen(r->title)),
		      "title \"%.80s\" is not UTF-8", r->title);
	KS_FUZZ_CHECK(t && !strcmp(t, r->title),
		      "the record's title differs from \"%.80s\"", r->title);
	KS_FUZZ_CHECK(ks_kreport_kind(r)[0], "report \"%.80s\" has no kind",
		      r->title);
	free(s);
	json_decref(o);
}

const char *ks_fuzz_keep_dir(void)
{
	const char *d = getenv("KS_FUZZ_KEEP");

	return d && d[0] ? d : NULL;
}
