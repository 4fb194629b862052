/* SPDX-License-Identifier: MIT */
/* The usage texts of --help: the commands, and each command's options. */
#ifndef USAGE_H
#define USAGE_H

#include <stdio.h>

/* The commands of this client, without the global options: --help
 * prints it through usage_help(). */
extern const char usage_main[];
extern const char usage_rekey[];
extern const char usage_list[];
/* --help: our commands, the ones handed to STRONGSWAN's swanctl (with
 * its path, and whether it is INSTALLED), the global options. */
void usage_help(FILE *f, const char *strongswan, int installed);

#endif
