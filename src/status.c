// SPDX-License-Identifier: MIT
/* Exit status mapping: the table of swanctl(8)'s EXIT STATUS. */
#include <errno.h>

#include "status.h"

int status_fail(struct failure *f, enum stage stage, const char *step, int err)
{
	f->stage = stage;
	f->step = step;
	f->err = err;
	return err;
}

int status_of(enum stage stage, int err)
{
	if (err == 0)
		return STATUS_OK;
	switch (stage) {
	case STAGE_NONE:
		break;
	case STAGE_USAGE:
	case STAGE_CONF:
	case STAGE_URI:
	case STAGE_ENCODE:
	case STAGE_DELEGATE:
		/* a usage error never reads as a timeout */
		return STATUS_USAGE;
	case STAGE_CONNECT:
		return err == -ETIMEDOUT ? STATUS_TIMEOUT : STATUS_CONNECT;
	case STAGE_REGISTER:
	case STAGE_EXCHANGE:
		return err == -ETIMEDOUT ? STATUS_TIMEOUT : STATUS_EXCHANGE;
	case STAGE_RESULT:
		return err == -ETIMEDOUT ? STATUS_TIMEOUT : STATUS_REFUSED;
	case STAGE_OUTPUT:
		return err == -ETIMEDOUT ? STATUS_TIMEOUT : STATUS_OUTPUT;
	case STAGE_SIGNAL:
		return err == -ESHUTDOWN ? STATUS_SIGTERM : STATUS_SIGINT;
	}
	return STATUS_EXCHANGE;
}
