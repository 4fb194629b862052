/* SPDX-License-Identifier: MIT */
/* The default socket from strongswan.conf, as strongSwan's swanctl finds it. */
#ifndef CONF_H
#define CONF_H

#define CONF_DEFAULT_FILE "/etc/strongswan.conf"
#define CONF_MAX_URI 4096 /* longest socket value kept (longer: an error) */

struct conf {
	const char *uri; /* the socket to use, or NULL for the built-in one */
	char value[CONF_MAX_URI];
	char error[4608]; /* "FILE:LINE: what" after an error */
};

/*
 * Read strongswan.conf the way libstrongswan does and look the socket up
 * as strongSwan's swanctl does: swanctl.socket, then
 * swanctl.plugins.vici.socket, each falling back to the same key under
 * libstrongswan; a key set to nothing ends its lookup.  FILE NULL means
 * $STRONGSWAN_CONF, else CONF_DEFAULT_FILE if it exists ("" reads
 * nothing).  0 with
 * conf->uri set (NULL: the built-in socket); -errno with conf->error set
 * when a file cannot be read or has a syntax error.
 */
int conf_socket(struct conf *conf, const char *file);

#endif
