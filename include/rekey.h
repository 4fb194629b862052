/* SPDX-License-Identifier: MIT */
/* The rekey command on its own: one request, charon's verdict. */
#ifndef REKEY_H
#define REKEY_H

#include "call.h"

/* --rekey: the request for the selector and --reauth of the arguments;
 * success=yes prints "rekey completed successfully". */
extern const struct call rekey_call;

#endif
