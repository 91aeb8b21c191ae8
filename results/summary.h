/* SPDX-License-Identifier: GPL-2.0 */
/* The verdict table: a pure function of scenario_end journal records. */
#ifndef KS_SUMMARY_H
#define KS_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

/* ends: array of scenario_end records. */
void ks_summary_print(FILE *f, json_t *ends);

#endif
