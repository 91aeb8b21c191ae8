/* SPDX-License-Identifier: GPL-2.0 */
/* The stress-ng storm's parts that its tests see (stressng.c, _yaml.c). */
#ifndef KS_STRESSNG_H
#define KS_STRESSNG_H

#include <stddef.h>
#include <stdint.h>

/* Called for each entry of the YAML's metrics: sequence. */
typedef int (*ks_stressng_fn)(void *arg, const char *stressor, uint64_t bogo,
			      double rate_real, double rate_cpu);
/* Read stress-ng's --yaml output with libyaml: 0, or -1 with err. */
int ks_stressng_yaml(const char *path, ks_stressng_fn fn, void *arg,
		     char *err, size_t errlen);
/* Refuse extra arguments the harness sets itself (-t, --yaml, ...). */
int ks_stressng_check_args(const char *args, char *err, size_t errlen);

#endif
