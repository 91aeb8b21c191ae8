/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KS_NEEDLES_H
#define KS_NEEDLES_H
/*
 * Which of up to 64 fixed strings (each at least 4 bytes) occur in a
 * line, in one pass over it.  Where the CPU has SSSE3, sixteen positions
 * at a time are sieved by the needles' first two bytes, nibble by nibble
 * (the "Teddy" idea of Hyperscan and ripgrep: two shuffles per nibble
 * give each byte the buckets of needles it could be part of); elsewhere,
 * and for a line's last bytes, a bitmap of first byte pairs does it.  A
 * hash of four bytes then names the needles that may begin where the
 * sieve stopped, and memcmp decides.  Every table stays in L1.
 */
#include <stddef.h>
#include <stdint.h>

#define KS_NEEDLES_MAX	64
#define KS_NEEDLES_BITS	10

struct ks_needles {
	uint64_t quad[1u << KS_NEEDLES_BITS];
	uint64_t pair[65536 / 64];	/* the needles' first 2 bytes */
	/*
	 * Bucket bits by low and high nibble of bytes 0, 1 and 2; a needle's
	 * bucket is its first byte's (8 buckets, first bytes in turn).
	 */
	uint8_t nib[6][16] __attribute__((aligned(16)));
	unsigned char first[KS_NEEDLES_MAX];
	int nfirst;
	const char *s[KS_NEEDLES_MAX];
	size_t len[KS_NEEDLES_MAX];
	int n;
};

/* Add s (kept, not copied); its bit in a scan's result, or -1 if full or
 * shorter than 4 bytes. */
int ks_needles_add(struct ks_needles *nd, const char *s);
/* Bit i set: needle i occurs in line[0..len). */
uint64_t ks_needles_scan(const struct ks_needles *nd, const char *line,
			 size_t len);

#endif
