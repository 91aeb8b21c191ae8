// SPDX-License-Identifier: GPL-2.0
#include "needles.h"

#include <string.h>

#define WINDOW	4	/* the shortest needle */

static unsigned int quad(const unsigned char *p)
{
	uint32_t x = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	return (x * 2654435761u) >> (32 - KS_NEEDLES_BITS);
}

/* The two bytes as one load (any order will do: add and scan agree). */
static unsigned int pair(const unsigned char *p)
{
	uint16_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

int ks_needles_add(struct ks_needles *nd, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	int i = nd->n, b, j;

	if (i >= KS_NEEDLES_MAX || len < WINDOW)
		return -1;
	nd->s[i] = s;
	nd->len[i] = len;
	nd->pair[pair(u) >> 6] |= 1ull << (pair(u) & 63);
	nd->quad[quad(u)] |= 1ull << i;
	/* Needles that share a first byte share a bucket: fewer false hits. */
	for (b = 0; b < nd->nfirst && nd->first[b] != u[0]; b++)
		;
	if (b == nd->nfirst)
		nd->first[nd->nfirst++] = u[0];
	for (j = 0; j < 3; j++) {
		nd->nib[2 * j][u[j] & 15] |= 1u << (b % 8);
		nd->nib[2 * j + 1][u[j] >> 4] |= 1u << (b % 8);
	}
	nd->n++;
	return i;
}

/* Which needles begin at line + i (i + 4 <= len). */
static uint64_t at(const struct ks_needles *nd, const char *line, size_t len,
		  size_t i, uint64_t found)
{
	uint64_t m = nd->quad[quad((const unsigned char *)line + i)] & ~found;

	while (m) {
		int k = __builtin_ctzll(m);

		m &= m - 1;
		if (i + nd->len[k] <= len &&
		    !memcmp(line + i, nd->s[k], nd->len[k]))
			found |= 1ull << k;
	}
	return found;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Sixteen positions at a time; returns where the scalar loop goes on. */
__attribute__((target("ssse3")))
static size_t sieve(const struct ks_needles *nd, const char *line, size_t len,
		    uint64_t *found)
{
	const __m128i low = _mm_set1_epi8(15);
	__m128i t[6];
	size_t i;
	int k;

	for (k = 0; k < 6; k++)
		t[k] = _mm_load_si128((const __m128i *)nd->nib[k]);
	/* 18 bytes readable: the chunk and the two after it */
	for (i = 0; i + 18 <= len; i += 16) {
		__m128i m = _mm_set1_epi8(-1);
		unsigned int bits;

		for (k = 0; k < 3; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)
						    (line + i + k));

			m = _mm_and_si128(m, _mm_shuffle_epi8(t[2 * k],
					  _mm_and_si128(v, low)));
			m = _mm_and_si128(m, _mm_shuffle_epi8(t[2 * k + 1],
					  _mm_and_si128(_mm_srli_epi16(v, 4),
							low)));
		}
		bits = ~(unsigned int)_mm_movemask_epi8(
			_mm_cmpeq_epi8(m, _mm_setzero_si128())) & 0xffff;
		while (bits) {
			size_t j = i + (size_t)__builtin_ctz(bits);

			bits &= bits - 1;
			if (j + 4 <= len)
				*found = at(nd, line, len, j, *found);
		}
	}
	return i;
}

static int have_ssse3(void)
{
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("ssse3");
	return have;
}
#else
static size_t sieve(const struct ks_needles *nd, const char *line, size_t len,
		    uint64_t *found)
{
	return 0;
}

static int have_ssse3(void)
{
	return 0;
}
#endif

uint64_t ks_needles_scan(const struct ks_needles *nd, const char *line,
			 size_t len)
{
	const unsigned char *p = (const unsigned char *)line;
	uint64_t found = 0;
	size_t i = 0;

	if (!nd->n || len < 4)
		return 0;
	if (have_ssse3())
		i = sieve(nd, line, len, &found);
	for (; i + 4 <= len; i++) {
		unsigned int pr = pair(p + i);

		if ((nd->pair[pr >> 6] >> (pr & 63)) & 1)
			found = at(nd, line, len, i, found);
	}
	return found;
}
