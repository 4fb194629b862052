// SPDX-License-Identifier: MIT
/* Exit status mapping (contract section 4). */
#include <errno.h>

#include "status.h"

int status_of(enum stage stage, int err)
{
	if (err == 0)
		return STATUS_OK;
	if (err == -ETIMEDOUT && stage != STAGE_USAGE)
		return STATUS_TIMEOUT;
	switch (stage) {
	case STAGE_USAGE:
		return STATUS_USAGE;
	case STAGE_CONNECT:
		return STATUS_CONNECT;
	case STAGE_EXCHANGE:
		return STATUS_EXCHANGE;
	case STAGE_RESULT:
		return STATUS_REFUSED;
	}
	return STATUS_EXCHANGE;
}
