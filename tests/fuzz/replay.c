// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz targets without libFuzzer: 'ks-fuzz-replay TARGET PATH...'
 * runs TARGET on every file named, and every file below every directory
 * named, one at a time, each within a time limit (a hang is a finding).
 * make check runs it, built with gcc's ASan and UBSan, over the
 * regression corpus and the seeds our fixtures give (docs/fuzzing.md).
 * Exit: 0 every input held, 1 one did not (or hung), 2 usage or I/O.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define INPUT_TIMEOUT_S 20
#define INPUT_MAX (8 << 20)

static const char *current;

static void on_alarm(int sig)
{
	static const char msg[] = "ks-fuzz-replay: a hang: over "
		"20 s on one input: ";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0 ||
	    write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0) {
		/* nothing more to say */
	}
	_exit(1);
}

static int run_file(const struct ks_fuzz_target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "ks-fuzz-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(INPUT_MAX);
	if (!buf)
		abort();
	n = fread(buf, 1, INPUT_MAX, f);
	fclose(f);
	current = path;
	alarm(INPUT_TIMEOUT_S);
	t->one(buf, n);
	alarm(0);
	free(buf);
	return 0;
}

static int run_path(const struct ks_fuzz_target *t, const char *path,
		    int *count)
{
	struct dirent **ents;
	struct stat st;
	char sub[4096];
	int i, n, bad = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "ks-fuzz-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (run_file(t, path))
			return -1;
		(*count)++;
		return 0;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "ks-fuzz-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && !bad) {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			bad = run_path(t, sub, count);
		}
		free(ents[i]);
	}
	free(ents);
	return bad;
}

static void usage(void)
{
	const struct ks_fuzz_target *t;

	fprintf(stderr, "usage: ks-fuzz-replay TARGET FILE-OR-DIR...\ntargets:\n");
	for (t = ks_fuzz_targets; t->name; t++)
		fprintf(stderr, "  %-17s %s\n", t->name, t->about);
}

int main(int argc, char **argv)
{
	const struct ks_fuzz_target *t;
	int i, count = 0;

	if (argc == 2 && !strcmp(argv[1], "--sanitizers")) {
		/* What this build checks, for the test that runs it. */
		printf("sanitizers:%s%s\n",
#if defined(__SANITIZE_ADDRESS__)
		       " address",
#else
		       "",
#endif
#if defined(KS_UBSAN)
		       " undefined"
#else
		       ""
#endif
		       );
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (t = ks_fuzz_targets; t->name; t++)
			printf("%s\n", t->name);
		return 0;
	}
	if (argc < 3 || !(t = ks_fuzz_target_find(argv[1]))) {
		usage();
		return 2;
	}
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	for (i = 2; i < argc; i++)
		if (run_path(t, argv[i], &count))
			return 2;
	printf("%s: %d inputs held\n", t->name, count);
	return 0;
}
