// SPDX-License-Identifier: MIT
/* Hand a command this client does not implement to strongSwan's swanctl. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delegate.h"

int delegate_run(const struct args *a, struct client *c, struct failure *f)
{
	struct stat theirs, ours;

	(void)c;
	f->why = STRONGSWAN_SWANCTL;
	if (stat(STRONGSWAN_SWANCTL, &theirs) || !S_ISREG(theirs.st_mode))
		return status_fail(f, STAGE_DELEGATE, a->other, -ENOENT);
	/* installed over strongSwan's, or diverted wrongly: never loop */
	if (!stat("/proc/self/exe", &ours) && ours.st_dev == theirs.st_dev &&
	    ours.st_ino == theirs.st_ino)
		return status_fail(f, STAGE_DELEGATE, a->other, -ELOOP);
	fflush(NULL);
	execv(STRONGSWAN_SWANCTL, a->argv);
	return status_fail(f, STAGE_DELEGATE, a->other, -errno);
}
