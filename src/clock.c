// SPDX-License-Identifier: MIT
/* The deadline's clock, which stands still while output is blocked. */
#include <time.h>

#include "clock.h"

static int64_t held_ns; /* the process's one clock: no thread writes it */

int64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_ms(void)
{
	return (clock_mono_ns() - held_ns) / 1000000;
}

void clock_hold(int64_t start_ns)
{
	int64_t d = clock_mono_ns() - start_ns;

	if (d > 0)
		held_ns += d;
}
