// SPDX-License-Identifier: GPL-2.0
/*
 * A classified kernel report as the journal's kernel_report fields: one
 * place, for the run loop, the console reader and 'kmemstorm classify'.
 */
#include <jansson.h>

#include "classify.h"

json_t *ks_kreport_json(const struct ks_kreport *r)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}",
			      "kind", ks_kreport_kind(r), "severity",
			      ks_severity_name(ks_kreport_severity(r)),
			      "title", r->title, "guilty", r->guilty,
			      "corrupted", r->corrupted, "text", r->text);

	if (!o)
		return NULL;
	if (r->nalt) {
		json_t *a = json_array();
		int i;

		for (i = 0; i < r->nalt; i++)
			json_array_append_new(a, json_string(r->alt[i]));
		json_object_set_new(o, "alt_titles", a);
	}
	if (r->corrupted)
		json_object_set_new(o, "corrupt_reason",
				    json_string(r->corrupt_why));
	if (r->cgroup[0])
		json_object_set_new(o, "cgroup", json_string(r->cgroup));
	if (r->victim[0])
		json_object_set_new(o, "victim", json_string(r->victim));
	if (r->order >= 0)
		json_object_set_new(o, "order", json_integer(r->order));
	if (r->gfp[0])
		json_object_set_new(o, "gfp", json_string(r->gfp));
	if (r->has_context)
		json_object_set_new(o, "context", json_pack("{s:s, s:s}",
				    "site", r->context_site, "text",
				    r->context));
	return o;
}
