/* SPDX-License-Identifier: MIT */
/* The exit status table of the contract, decided in one place. */
#ifndef STATUS_H
#define STATUS_H

enum {
	STATUS_OK = 0,
	STATUS_REFUSED = 1,
	STATUS_USAGE = 2,
	STATUS_CONNECT = 3,
	STATUS_EXCHANGE = 4,
	STATUS_TIMEOUT = 5,
};

/* Where in the pipeline an error happened. */
enum stage {
	STAGE_USAGE,	/* arguments, URI, options file */
	STAGE_CONNECT,	/* resolving and connecting */
	STAGE_EXCHANGE, /* sending the request and reading the reply */
	STAGE_RESULT,	/* the daemon's verdict: ERR nonzero means refused */
};

/* Exit status for ERR (0 or a negative errno) at STAGE. */
int status_of(enum stage stage, int err);

#endif
