// SPDX-License-Identifier: MIT
/* Hand a command this client does not implement to strongSwan's swanctl. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "delegate.h"

/* Set in the environment of the swanctl we run: seeing it means that
 * "strongSwan's swanctl" led back to this client. */
#define DELEGATE_MARK "SWANCTL_REKEY_DELEGATED"

const char *delegate_program(void)
{
	return STRONGSWAN_SWANCTL;
}

int delegate_installed(void)
{
	struct stat st;

	return !stat(STRONGSWAN_SWANCTL, &st) && S_ISREG(st.st_mode) &&
	       !access(STRONGSWAN_SWANCTL, X_OK);
}

int delegate_run(const struct args *a, struct client *c, struct failure *f)
{
	struct stat theirs, ours;

	(void)c;
	f->why = STRONGSWAN_SWANCTL;
	if (stat(STRONGSWAN_SWANCTL, &theirs))
		return status_fail(f, STAGE_DELEGATE, a->other, -errno);
	if (!S_ISREG(theirs.st_mode))
		return status_fail(f, STAGE_DELEGATE, a->other, -ENOENT);
	/* installed over strongSwan's, or diverted wrongly: never loop, even
	 * without /proc or through a wrapper script */
	if (getenv(DELEGATE_MARK) ||
	    (!stat("/proc/self/exe", &ours) && ours.st_dev == theirs.st_dev &&
	     ours.st_ino == theirs.st_ino))
		return status_fail(f, STAGE_DELEGATE, a->other, -ELOOP);
	if (setenv(DELEGATE_MARK, "1", 1))
		return status_fail(f, STAGE_DELEGATE, a->other, -errno);
	fflush(NULL);
	signal(SIGPIPE, SIG_DFL); /* ignored signals stay ignored in exec */
	execv(STRONGSWAN_SWANCTL, a->argv);
	return status_fail(f, STAGE_DELEGATE, a->other, -errno);
}
