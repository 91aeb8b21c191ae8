// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

Test(utf8, well_formed_and_not)
{
	cr_assert(ks_utf8_valid("abc", 3));
	cr_assert(ks_utf8_valid("\xc3\xa9\xf0\x9f\x98\x80", 6));
	cr_assert(!ks_utf8_valid("\xc3", 1), "cut sequence");
	cr_assert(!ks_utf8_valid("\xc0\xaf", 2), "overlong");
	cr_assert(!ks_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	cr_assert(!ks_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF");
	cr_assert(!ks_utf8_valid("a\0b", 3), "NUL");
	/* n bounds the check even when a NUL-free sequence goes on. */
	cr_assert(!ks_utf8_valid("\xc3\xa9", 1));
}

Test(utf8, clean_replaces_each_bad_byte)
{
	char *c = ks_utf8_clean("a\xff\xc3\xa9\xc3");

	cr_assert_str_eq(c, "a\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd");
	free(c);
}

Test(utf8, copy_cuts_on_a_character_boundary)
{
	char buf[4];

	/* "aé" plus the first byte of another é would not be UTF-8. */
	ks_utf8_copy(buf, sizeof(buf), "a\xc3\xa9\xc3\xa9");
	cr_assert_str_eq(buf, "a\xc3\xa9");
	ks_utf8_copy(buf, sizeof(buf), "ab\xf0\x9f\x98\x80");
	cr_assert_str_eq(buf, "ab");
	ks_utf8_copy(buf, sizeof(buf), "abcdef");
	cr_assert_str_eq(buf, "abc");
	cr_assert_eq(ks_utf8_prefix("\xc3\xa9\xc3\xa9", 3), 2);
}

Test(utf8, json_text_never_drops_a_string)
{
	json_t *j = ks_json_text("cg/\xc3\xa9\xc3");
	json_t *o = json_pack("{s:o?}", "k", ks_json_text(NULL));

	cr_assert_not_null(j);
	cr_assert_str_eq(json_string_value(j), "cg/\xc3\xa9\xef\xbf\xbd");
	cr_assert(json_is_null(json_object_get(o, "k")));
	json_decref(j);
	json_decref(o);
	j = ks_json_textn("ab\xc3\xa9zz", 4);
	cr_assert_str_eq(json_string_value(j), "ab\xc3\xa9");
	json_decref(j);
}

/* A fixed field is valid whatever it is given (a log's stray bytes). */
Test(utf8, copy_and_fix_replace_stray_bytes)
{
	char buf[8], field[8] = "a\xff" "b\xc3";

	ks_utf8_copy(buf, sizeof(buf), "a\xff" "b");
	cr_assert_str_eq(buf, "a\xef\xbf\xbd" "b");
	ks_utf8_copy(buf, sizeof(buf), "abcde\xff");
	cr_assert_str_eq(buf, "abcde", "no room for U+FFFD: cut before it");
	ks_utf8_fix(field, sizeof(field));
	cr_assert_str_eq(field, "a\xef\xbf\xbd" "b");
	cr_assert(ks_utf8_valid(field, strlen(field)));
}
