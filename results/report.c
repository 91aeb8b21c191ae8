// SPDX-License-Identifier: GPL-2.0
#include "report.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static const struct ks_report_format formats[] = {
	{ "text", "the summary table, per journal", ks_report_text },
	{ "junit", "JUnit XML, a testcase per scenario", ks_report_junit },
	{ "tap", "kselftest-style TAP 13", ks_report_tap },
	{ "kcidb", "KCIDB I/O JSON (tests[])", ks_report_kcidb },
	{ "json", "one JSON document: runs, scenarios, verdicts", ks_report_json_doc },
	{ "html", "one self-contained HTML page with SVG plots", ks_report_html },
};

const struct ks_report_format *ks_report_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const struct ks_report_format *ks_report_format_at(size_t i)
{
	return i < sizeof(formats) / sizeof(formats[0]) ? &formats[i] : NULL;
}

void ks_report_formats_list(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		fprintf(f, "  %-6s %s\n", formats[i].name, formats[i].summary);
}

void ks_xml_escape(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n;

	while (*p) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\n': case '\t': fputc(*p, out); break;
		/* A parser would turn a literal CR into LF. */
		case '\r': fputs("&#13;", out); break;
		default:
			/* XML 1.0 has no way to write other control characters. */
			if (*p < 0x20 || *p == 0x7f) {
				fputc('?', out);
				break;
			}
			n = ks_utf8_len((const char *)p);
			/* U+FFFE and U+FFFF are not XML characters either. */
			if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
				n = 0;
			if (!n) {
				fputs("\xef\xbf\xbd", out);
				break;
			}
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		p++;
	}
}

int ks_report_dump_json(FILE *out, json_t *doc, const char *format)
{
	int rc;

	if (!doc) {
		fprintf(stderr, "kmemstorm report: %s: out of memory\n", format);
		return -1;
	}
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ? -1 : 0;
	if (!rc)
		fputc('\n', out);
	json_decref(doc);
	return rc;
}
