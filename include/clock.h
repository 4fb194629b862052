/* SPDX-License-Identifier: MIT */
/* The deadline's clock: monotonic time less the time spent blocked writing
 * output, so that --timeout bounds waiting for the daemon, not a reader
 * that is still reading (a pager). */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC, less every span given to clock_hold().
 * Process-wide. */
int64_t clock_ms(void);
/* Nanoseconds of CLOCK_MONOTONIC, for timing a span to give to
 * clock_hold(). */
int64_t clock_mono_ns(void);
/* Take the span from START_NS (clock_mono_ns) to now out of clock_ms(). */
void clock_hold(int64_t start_ns);

#endif
