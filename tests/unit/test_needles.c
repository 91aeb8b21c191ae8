// SPDX-License-Identifier: GPL-2.0
/*
 * The one-pass needle index must say exactly what strstr says, for
 * needles at every offset of lines of every length (the sixteen-byte
 * sieve, the bytes after it, and lines too short for either).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "needles.h"

static const char *const words[] = {
	"BUG:", "WARNING:", "general protection fault", "Kernel panic",
	"race", "Allocated", "Freed", "acktrace", ": page allocation failure",
	" invoked oom-killer: ", "unreferenced object 0x", "INFO:", "UBSAN:",
	"BUGGY", "WARN", NULL,
};

static uint64_t by_strstr(const char *line)
{
	uint64_t m = 0;
	int i;

	for (i = 0; words[i]; i++)
		if (strlen(words[i]) >= 4 && strstr(line, words[i]))
			m |= 1ull << i;
	return m;
}

static struct ks_needles nd;

static void index_words(void)
{
	int i;

	memset(&nd, 0, sizeof(nd));
	for (i = 0; words[i]; i++)
		cr_assert_eq(ks_needles_add(&nd, words[i]), i);
}

Test(needles, short_needles_are_refused)
{
	struct ks_needles n = { .n = 0 };

	cr_expect_eq(ks_needles_add(&n, "BUG"), -1);
	cr_expect_eq(n.n, 0);
	cr_expect_eq(ks_needles_scan(&n, "BUG: x", 6), 0);
}

Test(needles, each_needle_at_each_offset)
{
	char line[128];
	size_t len, off;
	int i;

	index_words();
	for (i = 0; words[i]; i++) {
		size_t wl = strlen(words[i]);

		for (len = wl; len < 80; len++) {
			for (off = 0; off + wl <= len; off++) {
				memset(line, 'x', len);
				memcpy(line + off, words[i], wl);
				line[len] = '\0';
				cr_assert_eq(ks_needles_scan(&nd, line, len),
					     by_strstr(line),
					     "\"%s\" at %zu of %zu", words[i],
					     off, len);
			}
		}
	}
}

/* Random lines from the needles' own bytes: near misses everywhere. */
Test(needles, random_lines_agree_with_strstr)
{
	char line[200];
	int t, i;

	index_words();
	srand(12345);
	for (t = 0; t < 20000; t++) {
		size_t len = (size_t)(rand() % 150), n = 0;

		while (n < len) {
			const char *w = words[rand() % 15];
			size_t take = 1 + (size_t)rand() % strlen(w);

			if (n + take > len)
				take = len - n;
			memcpy(line + n, w + rand() % (strlen(w) - take + 1),
			       take);
			n += take;
		}
		line[len] = '\0';
		for (i = 0; i < (int)len; i++)
			if (!line[i])
				line[i] = ' ';
		cr_assert_eq(ks_needles_scan(&nd, line, len), by_strstr(line),
			     "line \"%s\"", line);
	}
}

/* Bytes past len are not the line's, even where a needle would go on. */
Test(needles, nothing_found_past_len)
{
	const char *line = "xx WARNING: yy";

	index_words();
	cr_expect_eq(ks_needles_scan(&nd, line, 6), 0);
	cr_expect_eq(ks_needles_scan(&nd, line, 10), 1ull << 14);
	cr_expect_eq(ks_needles_scan(&nd, line, 11), 1ull << 1 | 1ull << 14);
}
