/* SPDX-License-Identifier: MIT */
/* strongSwan's commands that this client lacks, handed to strongSwan's
 * swanctl. */
#ifndef DELEGATE_H
#define DELEGATE_H

#include "args.h"
#include "client.h"

/* Where strongSwan's swanctl is looked for: fixed at build time. */
#ifndef STRONGSWAN_SWANCTL
#define STRONGSWAN_SWANCTL "/usr/sbin/swanctl"
#endif

/* The path of strongSwan's swanctl this build hands commands to. */
const char *delegate_program(void);
/* 1 when it is there as an executable regular file, else 0. */
int delegate_installed(void);

/*
 * strongSwan's swanctl's version ("5.9.8") into VERSION, as its --version
 * prints it, or, when that fails without charon, its usage header; its
 * plugin lines are dropped.  Within TIMEOUT_MS (0: no limit).  0, or
 * -ENOENT (not installed), -ELOOP (this client itself), -ETIMEDOUT,
 * -ENODATA (no version in what it printed), or fork/pipe's -errno.
 */
int delegate_version(char *version, size_t size, int timeout_ms);

/*
 * Run strongSwan's swanctl with the whole command line of A in place of
 * this process; returns only on failure: -ENOENT when it is not installed,
 * -ELOOP when that path is this client itself, or exec's -errno, with F
 * filled (STAGE_DELEGATE).
 */
int delegate_run(const struct args *a, struct client *c, struct failure *f);

#endif
