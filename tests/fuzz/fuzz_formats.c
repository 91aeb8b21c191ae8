// SPDX-License-Identifier: GPL-2.0
/*
 * The checkers of report outputs: one per format, in a table.  JUnit and
 * HTML by libxml2 (JUnit also against Jenkins' junit-4.xsd when
 * KS_FUZZ_JUNIT_XSD names it), JSON by jansson, TAP by its grammar.
 */
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_formats.h"

static int xml_errors;
static char xml_first[256];

static void xml_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	if (!e || e->level < XML_ERR_ERROR)
		return;
	/* libxml2 knows HTML 4 only: HTML5 and SVG tags are not errors. */
	if (e->domain == XML_FROM_HTML && e->code == XML_HTML_UNKNOWN_TAG)
		return;
	if (!xml_errors++)
		snprintf(xml_first, sizeof(xml_first), "line %d: %s", e->line,
			 e->message ? e->message : "?");
}

static void xml_begin(void)
{
	xml_errors = 0;
	xml_first[0] = '\0';
	xmlSetStructuredErrorFunc(NULL, xml_error);
	xmlSetGenericErrorFunc(NULL, NULL);
}

static xmlSchemaValidCtxtPtr junit_schema(void)
{
	static xmlSchemaValidCtxtPtr v;
	static int tried;
	const char *xsd = getenv("KS_FUZZ_JUNIT_XSD");
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s;

	if (tried)
		return v;
	tried = 1;
	if (!xsd || !xsd[0])
		return NULL;
	pc = xmlSchemaNewParserCtxt(xsd);
	s = pc ? xmlSchemaParse(pc) : NULL;
	if (!s) {
		fprintf(stderr, "ks-fuzz: %s: not a usable schema\n", xsd);
		exit(2);
	}
	xmlSchemaFreeParserCtxt(pc);
	v = xmlSchemaNewValidCtxt(s);
	return v;
}

static void check_junit(const char *buf, size_t len)
{
	xmlSchemaValidCtxtPtr v = junit_schema();
	xmlDocPtr doc;
	int bad;

	xml_begin();
	doc = xmlReadMemory(buf, (int)len, "junit.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	KS_FUZZ_CHECK(doc && !xml_errors, "JUnit is not well-formed: %s",
		      xml_first);
	if (v) {
		bad = xmlSchemaValidateDoc(v, doc);
		KS_FUZZ_CHECK(bad == 0, "JUnit does not validate: %s",
			      xml_first);
	}
	xmlFreeDoc(doc);
}

static void check_html(const char *buf, size_t len)
{
	htmlDocPtr doc;

	xml_begin();
	doc = htmlReadMemory(buf, (int)len, "report.html", "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR |
			     HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
	KS_FUZZ_CHECK(doc && !xml_errors, "HTML does not parse: %s",
		      xml_first);
	xmlFreeDoc(doc);
}

static json_t *parse_json(const char *what, const char *buf, size_t len)
{
	json_error_t e;
	json_t *doc = json_loadb(buf, len, 0, &e);

	KS_FUZZ_CHECK(doc, "%s is not JSON: line %d: %s", what, e.line,
		      e.text);
	return doc;
}

static void check_json(const char *buf, size_t len)
{
	json_decref(parse_json("json", buf, len));
}

/* KCIDB's own patterns (kcidb-io v3+): origin, and origin:anything ids. */
static void check_kcidb_objects(json_t *doc, const char *list)
{
	static regex_t origin, id;
	static int compiled;
	json_t *o;
	size_t i;

	if (!compiled) {
		compiled = !regcomp(&origin, "^[a-z0-9_]+$", REG_EXTENDED | REG_NOSUB) &&
			   !regcomp(&id, "^[a-z0-9_]+:", REG_EXTENDED | REG_NOSUB);
		if (!compiled)
			abort();
	}
	json_array_foreach(json_object_get(doc, list), i, o) {
		const char *ov = json_string_value(json_object_get(o, "origin"));
		const char *iv = json_string_value(json_object_get(o, "id"));

		KS_FUZZ_CHECK(ov && !regexec(&origin, ov, 0, NULL, 0),
			      "kcidb %s[%zu]: origin %s", list, i, ov ? ov : "none");
		KS_FUZZ_CHECK(iv && !regexec(&id, iv, 0, NULL, 0),
			      "kcidb %s[%zu]: id %s", list, i, iv ? iv : "none");
	}
}

static void check_kcidb(const char *buf, size_t len)
{
	json_t *doc = parse_json("kcidb", buf, len);

	KS_FUZZ_CHECK(json_integer_value(json_object_get(
			json_object_get(doc, "version"), "major")) >= 4,
		      "kcidb without its version");
	check_kcidb_objects(doc, "checkouts");
	check_kcidb_objects(doc, "builds");
	check_kcidb_objects(doc, "tests");
	json_decref(doc);
}

/*
 * TAP 13 as kselftest writes it: the version, one plan line, results
 * numbered from 1 in order, "#" comments, and YAML blocks indented
 * under a result.  Any other line outside a block is forged.
 */
static void check_tap(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	long plan = -1, next = 1;
	int yaml = 0, lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (nl ? nl : end) - p;
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)(n < 511 ? n : 511), p);
		lineno++;
		p += n + (nl != NULL);
		if (yaml) {
			KS_FUZZ_CHECK(!strncmp(line, "  ", 2),
				      "TAP line %d leaves its YAML block: %s",
				      lineno, line);
			yaml = strcmp(line, "  ...") != 0;
			continue;
		}
		if (lineno == 1) {
			KS_FUZZ_CHECK(!strcmp(line, "TAP version 13"),
				      "TAP starts with %s", line);
		} else if (!strncmp(line, "1..", 3)) {
			KS_FUZZ_CHECK(plan < 0, "a second TAP plan line %d", lineno);
			plan = strtol(line + 3, NULL, 10);
		} else if (!strncmp(line, "ok ", 3) || !strncmp(line, "not ok ", 7)) {
			long num = strtol(line + (line[0] == 'o' ? 3 : 7), NULL, 10);

			KS_FUZZ_CHECK(num == next, "TAP result %ld where %ld is due",
				      num, next);
			next++;
		} else if (!strcmp(line, "  ---")) {
			KS_FUZZ_CHECK(next > 1, "a YAML block before any result");
			yaml = 1;
		} else {
			KS_FUZZ_CHECK(line[0] == '#' || (!line[0] && p >= end),
				      "TAP line %d is not TAP: %s", lineno, line);
		}
	}
	KS_FUZZ_CHECK(!yaml, "an unterminated TAP YAML block");
	KS_FUZZ_CHECK(plan >= 0, "TAP without its plan line");
	KS_FUZZ_CHECK(next - 1 == plan, "TAP plan 1..%ld, %ld results", plan,
		      next - 1);
}

static void check_text(const char *buf, size_t len)
{
	(void)buf;
	(void)len;	/* UTF-8 and NUL-free, checked for every format */
}

static const struct {
	const char *format;
	void (*check)(const char *buf, size_t len);
} checkers[] = {
	{ "text", check_text },
	{ "junit", check_junit },
	{ "tap", check_tap },
	{ "kcidb", check_kcidb },
	{ "json", check_json },
	{ "html", check_html },
};

void ks_fuzz_check_output(const char *format, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++)
		if (!strcmp(checkers[i].format, format)) {
			checkers[i].check(buf, len);
			return;
		}
	ks_fuzz_fail(__FILE__, __LINE__, "format known", "no checker for %s",
		     format);
}
