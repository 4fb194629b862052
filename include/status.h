/* SPDX-License-Identifier: MIT */
/* The exit status table of swanctl(8), and the one record of a failure. */
#ifndef STATUS_H
#define STATUS_H

#include <stddef.h>
#include <stdint.h>

enum {
	STATUS_OK = 0,
	STATUS_REFUSED = 1,
	STATUS_USAGE = 2,
	STATUS_CONNECT = 3,
	STATUS_EXCHANGE = 4,
	STATUS_TIMEOUT = 5,
	STATUS_OUTPUT = 6,    /* writing standard output failed */
	STATUS_SIGINT = 130,  /* 128 + SIGINT, as a shell reports it */
	STATUS_SIGTERM = 143, /* 128 + SIGTERM */
};

/* Where in the pipeline an error happened. */
enum stage {
	STAGE_NONE,	/* never recorded: a bug if it reaches main */
	STAGE_USAGE,	/* arguments */
	STAGE_CONF,	/* strongswan.conf */
	STAGE_URI,	/* the socket URI */
	STAGE_ENCODE,	/* building a request */
	STAGE_CONNECT,	/* resolving and connecting */
	STAGE_REGISTER, /* (un)registering for an event */
	STAGE_EXCHANGE, /* sending a request and reading the reply */
	STAGE_RESULT,	/* the daemon's verdict: ERR nonzero means refused */
	STAGE_DELEGATE, /* handing a command to strongSwan's swanctl */
	STAGE_OUTPUT,	/* writing standard output */
	STAGE_SIGNAL,	/* stopped by SIGINT (-EINTR) or SIGTERM (-ESHUTDOWN)
			   after reporting what finished */
};

/*
 * What went wrong, filled by the layer that saw it and passed up unchanged;
 * main.c alone turns it into words and an exit status.  Pointers alias
 * static text, the arguments, or the client's receive buffer.
 */
struct failure {
	enum stage stage;
	int err;	     /* negative errno */
	const char *step;    /* the request or event: "rekey", "list-sa", ... */
	const char *uri;     /* the socket, for URI and connect errors */
	const char *why;     /* what was malformed, or a message in full */
	const uint8_t *text; /* the daemon's own words (errmsg), unescaped */
	size_t text_len;
	int packet_type;      /* -EPROTO: the packet that came instead */
	int reported;	      /* the command has printed it, SA by SA */
	size_t got, expected; /* -EPIPE, -EMSGSIZE: bytes of the frame */
};

/* Record ERR at STAGE of STEP in F (WHY and the rest are left as they
 * are) and return ERR. */
int status_fail(struct failure *f, enum stage stage, const char *step, int err);
/* Exit status for ERR (0 or a negative errno) at STAGE. */
int status_of(enum stage stage, int err);

#endif
