/* SPDX-License-Identifier: MIT */
/* The usage texts of --help: the commands, and each command's options. */
#ifndef USAGE_H
#define USAGE_H

extern const char usage_main[];
extern const char usage_rekey[];
extern const char usage_list[];

#endif
