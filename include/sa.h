/* SPDX-License-Identifier: MIT */
/* Shared vocabulary (types only): which SAs a command means, how it prints. */
#ifndef SA_H
#define SA_H

#include <stdint.h>

/*
 * Which SAs are meant, by config name or unique id; NULL and 0 mean "not
 * given".  --rekey gives exactly one, --list-sas any combination.
 */
struct sa_filter {
	const char *ike;
	uint32_t ike_id;
	const char *child;
	uint32_t child_id;
};

enum output {
	OUTPUT_HUMAN,
	OUTPUT_RAW,
	OUTPUT_PRETTY,
	OUTPUT_JSON,
};

#endif
