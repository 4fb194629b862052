/* SPDX-License-Identifier: MIT */
/* Transport: one stream connection to charon under one overall deadline. */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/socket.h>

/* The longest unix socket path: sun_path less its terminating NUL. */
#define TRANSPORT_MAX_PATH 107

struct endpoint {
	int unix_path;	/* 1: unix://PATH, 0: tcp://HOST:PORT */
	char host[256]; /* socket path, or host name/address without brackets */
	char port[6];
};

/* What one read() may take ahead of the frame being read. */
#define TRANSPORT_READ_AHEAD 16384

struct transport {
	int fd;
	int64_t deadline_ms; /* clock_ms() milliseconds, or -1: none */
	size_t frame_len;    /* announced length of the last frame read */
	size_t frame_got;    /* bytes of it received, for diagnostics */
	size_t ahead_pos, ahead_len; /* ahead[pos, len): read, not taken */
	uint8_t ahead[TRANSPORT_READ_AHEAD];
};

/* Parse URI; 0, -EINVAL (bad syntax or scheme), -ENAMETOOLONG (path). */
int transport_parse_uri(const char *uri, struct endpoint *ep);
/* Start the deadline TIMEOUT_MS from now (0: none) and connect; 0 or
 * -errno (-EADDRNOTAVAIL: host unknown, -ENODATA: the name server failed
 * or did not answer, -ETIMEDOUT). */
int transport_connect(struct transport *t, const struct endpoint *ep,
		      int timeout_ms);
/* Use FD, already connected, under a deadline TIMEOUT_MS from now. */
void transport_attach(struct transport *t, int fd, int timeout_ms);
/* Write the whole buffer; 0 or -errno.  Never raises SIGPIPE. */
int transport_send(struct transport *t, const uint8_t *buf, size_t len);
/* Read one frame body into BUF (CAP bytes), with at most one read() per
 * TRANSPORT_READ_AHEAD bytes that are waiting (what is read beyond the
 * frame is kept for the next); 0 and *LEN, or -ECONNRESET
 * (closed at a frame boundary), -EPIPE (closed inside a frame), -EMSGSIZE
 * (length over the cap, nothing read), -EBADMSG (zero length),
 * -ETIMEDOUT, -errno. */
int transport_recv(struct transport *t, uint8_t *buf, size_t cap, size_t *len);
/* Wait until a frame starts to arrive (or is read ahead already), UNTIL_MS
 * (clock_ms(), -1: none) passes, or a signal MASK lets through is caught (MASK
 * is in force only while waiting, as ppoll() has it); 1 when readable, 0 for
 * time or a signal, or -errno. */
int transport_ready(const struct transport *t, int64_t until_ms,
		    const sigset_t *mask);
void transport_close(struct transport *t);

#endif
