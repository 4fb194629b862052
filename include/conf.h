/* SPDX-License-Identifier: MIT */
/* The default socket from strongswan.conf, as strongSwan's swanctl finds it. */
#ifndef CONF_H
#define CONF_H

#define CONF_DEFAULT_FILE "/etc/strongswan.conf"

struct conf {
	const char *uri; /* the socket to use, or NULL for the built-in one */
	char value[2]
		  [512]; /* swanctl.socket, libstrongswan.plugins.vici.socket */
	int found[2];
	char error[600]; /* "FILE:LINE: what" after a syntax error */
};

/*
 * Read FILE and the files it includes.  0 with conf->uri set when a socket
 * is configured (NULL when not, or when FILE does not exist); -EINVAL with
 * conf->error on a syntax error; -errno when FILE cannot be read.
 */
int conf_socket(struct conf *conf, const char *file);

#endif
