// SPDX-License-Identifier: MIT
/* Unix and TCP stream transport with one deadline kept by poll(). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#ifndef __GLIBC__
#include <pthread.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "transport.h"
#include "vici_wire.h"

/* The deadline runs on clock_ms(): time blocked writing output (a pager
 * that has not read yet) does not count against --timeout. */
static int64_t now_ms(void)
{
	return clock_ms();
}

/* 0 while the deadline is ahead, else -ETIMEDOUT: checked before every
 * read and write, so a peer that never lets the socket go quiet cannot
 * outlast it. */
static int check_deadline(const struct transport *t)
{
	return t->deadline_ms >= 0 && now_ms() >= t->deadline_ms ? -ETIMEDOUT
								 : 0;
}

/* Wait for EVENTS on the socket until the deadline; 0 or -ETIMEDOUT. */
static int wait_for(struct transport *t, short events)
{
	struct pollfd pfd = { .fd = t->fd, .events = events };

	for (;;) {
		int left = -1, rc;

		if (t->deadline_ms >= 0) {
			int64_t d = t->deadline_ms - now_ms();

			if (d <= 0)
				return -ETIMEDOUT;
			left = d > 1000000 ? 1000000 : (int)d;
		}
		rc = poll(&pfd, 1, left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

int transport_parse_uri(const char *uri, struct endpoint *ep)
{
	const char *rest, *colon, *p;
	size_t hlen;
	int port;

	*ep = (struct endpoint){ 0 };
	if (!strncmp(uri, "unix://", 7)) {
		struct sockaddr_un sun;

		rest = uri + 7;
		if (!*rest)
			return -EINVAL;
		_Static_assert(sizeof(sun.sun_path) == TRANSPORT_MAX_PATH + 1,
			       "sun_path of this libc");
		if (strlen(rest) > TRANSPORT_MAX_PATH)
			return -ENAMETOOLONG;
		ep->unix_path = 1;
		strcpy(ep->host, rest); /* length checked against sun_path */
		return 0;
	}
	if (strncmp(uri, "tcp://", 6))
		return -EINVAL;
	rest = uri + 6;
	if (*rest == '[') {
		const char *close = strchr(rest, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		rest++;
		hlen = (size_t)(close - rest);
		colon = close + 1;
	} else {
		colon = strrchr(rest, ':');
		if (!colon || memchr(rest, ':', (size_t)(colon - rest)))
			return -EINVAL;
		hlen = (size_t)(colon - rest);
	}
	if (hlen == 0 || hlen >= sizeof(ep->host))
		return -EINVAL;
	for (p = colon + 1; *p >= '0' && *p <= '9'; p++)
		;
	if (*p || p == colon + 1 || p - colon - 1 > 5)
		return -EINVAL;
	port = atoi(colon + 1);
	if (port < 1 || port > 65535)
		return -EINVAL;
	memcpy(ep->host, rest, hlen);
	strcpy(ep->port, colon + 1);
	return 0;
}

/* Non-blocking connect completed under the deadline. */
static int connect_addr(struct transport *t, int family,
			const struct sockaddr *sa, socklen_t salen)
{
	int err = 0;
	socklen_t elen = sizeof(err);

	t->fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (t->fd < 0)
		return -errno;
	for (;;) {
		if (connect(t->fd, sa, salen) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN && family == AF_UNIX) {
			/* listen backlog full: retry until the deadline */
			if (t->deadline_ms >= 0 && now_ms() >= t->deadline_ms)
				return -ETIMEDOUT;
			poll(NULL, 0, 10);
			continue;
		}
		if (errno != EINPROGRESS)
			return -errno;
		break;
	}
	err = wait_for(t, POLLOUT);
	if (err)
		return err;
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -errno;
	return -err;
}

void transport_attach(struct transport *t, int fd, int timeout_ms)
{
	/* field by field: the read-ahead buffer needs no clearing */
	t->fd = fd;
	t->deadline_ms = -1;
	t->frame_len = t->frame_got = 0;
	t->ahead_pos = t->ahead_len = 0;
	if (timeout_ms > 0)
		t->deadline_ms = now_ms() + timeout_ms;
}

#ifndef __GLIBC__
/*
 * Other C libraries (musl) have no getaddrinfo_a(3): the same with a thread
 * of our own, which says it is done through a pipe that poll(2) watches
 * until the deadline.  Static storage, and a pipe never closed once given
 * up on, for the same reason as below: the thread may still write.
 */
static struct {
	struct addrinfo hints, *res;
	char host[sizeof(((struct endpoint *)0)->host)];
	char port[sizeof(((struct endpoint *)0)->port)];
	int rc, err; /* getaddrinfo's result, and errno for EAI_SYSTEM */
	int done[2];
} rq;

static void *resolve_thread(void *arg)
{
	ssize_t n;

	(void)arg;
	rq.rc = getaddrinfo(rq.host, rq.port, &rq.hints, &rq.res);
	rq.err = errno; /* errno is the thread's own */
	n = write(rq.done[1], "", 1);
	(void)n; /* nobody may be waiting any more */
	return NULL;
}

static int resolve_in_thread(const struct transport *t,
			     const struct endpoint *ep, struct addrinfo **res,
			     int *timed_out)
{
	struct pollfd pfd;
	pthread_attr_t attr;
	pthread_t tid;
	int rc;

	rq.hints = (struct addrinfo){ .ai_socktype = SOCK_STREAM };
	memcpy(rq.host, ep->host, sizeof(rq.host));
	memcpy(rq.port, ep->port, sizeof(rq.port));
	if (pipe2(rq.done, O_CLOEXEC))
		return EAI_SYSTEM;
	rc = pthread_attr_init(&attr);
	if (!rc) {
		rc = pthread_attr_setdetachstate(&attr,
						 PTHREAD_CREATE_DETACHED);
		if (!rc)
			rc = pthread_create(&tid, &attr, resolve_thread, NULL);
		pthread_attr_destroy(&attr);
	}
	if (rc) {
		close(rq.done[0]);
		close(rq.done[1]);
		errno = rc;
		return EAI_SYSTEM;
	}
	pfd = (struct pollfd){ .fd = rq.done[0], .events = POLLIN };
	for (;;) {
		int left = -1, n;

		if (t->deadline_ms >= 0) {
			int64_t d = t->deadline_ms - now_ms();

			if (d <= 0) {
				*timed_out = 1;
				return EAI_AGAIN;
			}
			left = d > 1000000 ? 1000000 : (int)d;
		}
		n = poll(&pfd, 1, left);
		if (n > 0)
			break;
		if (n < 0 && errno != EINTR)
			return EAI_SYSTEM;
	}
	close(rq.done[0]);
	close(rq.done[1]);
	if (rq.rc == 0)
		*res = rq.res;
	errno = rq.err;
	return rq.rc;
}
#endif

/*
 * getaddrinfo(3) under the deadline: glibc's getaddrinfo_a(3) resolves in
 * a thread of its own, and gai_suspend(3) waits for it until the deadline.
 * The request lives in static storage, since a request that cannot be
 * cancelled any more goes on writing into it after we have given up.
 * 0 with *RES, or a getaddrinfo error (EAI_AGAIN also when the deadline
 * passed: *TIMED_OUT says which).
 */
static int resolve(const struct transport *t, const struct endpoint *ep,
		   struct addrinfo **res, int *timed_out)
{
	static struct addrinfo hints;
#ifdef __GLIBC__
	static struct gaicb req;
	static char host[sizeof(ep->host)], port[sizeof(ep->port)];
	struct gaicb *list[1] = { &req };
#endif
	int rc;

	*timed_out = 0;
	/* an address needs no name server, nor a thread to ask one */
	hints = (struct addrinfo){ .ai_socktype = SOCK_STREAM,
				   .ai_flags = AI_NUMERICHOST };
	rc = getaddrinfo(ep->host, ep->port, &hints, res);
	if (rc != EAI_NONAME)
		return rc;
#ifndef __GLIBC__
	return resolve_in_thread(t, ep, res, timed_out);
#else
	hints.ai_flags = 0;
	memcpy(host, ep->host, sizeof(host));
	memcpy(port, ep->port, sizeof(port));
	req = (struct gaicb){ .ar_name = host,
			      .ar_service = port,
			      .ar_request = &hints };
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc)
		return rc;
	for (;;) {
		struct timespec ts, *left = NULL;

		if (t->deadline_ms >= 0) {
			int64_t d = t->deadline_ms - now_ms();

			if (d <= 0) {
				gai_cancel(&req);
				*timed_out = 1;
				return EAI_AGAIN;
			}
			ts.tv_sec = (time_t)(d / 1000);
			ts.tv_nsec = (long)(d % 1000 * 1000000);
			left = &ts;
		}
		rc = gai_suspend((const struct gaicb *const *)list, 1, left);
		if (rc == 0 || rc == EAI_ALLDONE)
			break;
		/* EAI_AGAIN: the wait timed out; EAI_INTR: a signal */
	}
	rc = gai_error(&req);
	if (rc == 0)
		*res = req.ar_result;
	return rc;
#endif
}

int transport_connect(struct transport *t, const struct endpoint *ep,
		      int timeout_ms)
{
	struct addrinfo *res = NULL, *ai;
	int rc, timed_out;

	transport_attach(t, -1, timeout_ms);
	if (ep->unix_path) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, ep->host); /* checked by parse_uri */
		return connect_addr(t, AF_UNIX, (struct sockaddr *)&sun,
				    sizeof(sun));
	}
	rc = resolve(t, ep, &res, &timed_out);
	if (timed_out)
		return -ETIMEDOUT;
	if (rc == EAI_SYSTEM)
		return -errno;
	/* a name server that does not answer is not an unknown host */
	if (rc == EAI_AGAIN || rc == EAI_FAIL)
		return -ENODATA;
	if (rc)
		return -EADDRNOTAVAIL;
	rc = -EADDRNOTAVAIL;
	for (ai = res; ai; ai = ai->ai_next) {
		rc = connect_addr(t, ai->ai_family, ai->ai_addr,
				  ai->ai_addrlen);
		if (rc == 0 || rc == -ETIMEDOUT)
			break;
		transport_close(t);
	}
	freeaddrinfo(res);
	return rc;
}

int transport_send(struct transport *t, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n;

		if (check_deadline(t))
			return -ETIMEDOUT;
		n = send(t->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			n = wait_for(t, POLLOUT);
			if (n)
				return (int)n;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly LEN bytes; *GOT counts what arrived.  0, -ECONNRESET at EOF. */
static int read_full(struct transport *t, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		size_t want = len - *got;
		ssize_t n;

		if (t->ahead_pos < t->ahead_len) {
			size_t k = t->ahead_len - t->ahead_pos;

			if (k > want)
				k = want;
			memcpy(buf + *got, t->ahead + t->ahead_pos, k);
			t->ahead_pos += k;
			*got += k;
			continue;
		}
		if (check_deadline(t))
			return -ETIMEDOUT;
		/* a rest as large as the buffer goes straight where it belongs;
		 * a smaller one is read with what follows it */
		if (want >= sizeof(t->ahead)) {
			n = read(t->fd, buf + *got, want);
			if (n > 0)
				*got += (size_t)n;
		} else {
			n = read(t->fd, t->ahead, sizeof(t->ahead));
			if (n > 0) {
				t->ahead_pos = 0;
				t->ahead_len = (size_t)n;
			}
		}
		if (n > 0)
			continue;
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		n = wait_for(t, POLLIN);
		if (n)
			return (int)n;
	}
	return 0;
}

int transport_recv(struct transport *t, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t hdr[4];
	size_t got;
	int rc;

	t->frame_len = 0;
	t->frame_got = 0;
	rc = read_full(t, hdr, sizeof(hdr), &got);
	if (rc == -ECONNRESET && got > 0)
		return -EPIPE;
	if (rc)
		return rc;
	t->frame_len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
		       (size_t)hdr[2] << 8 | hdr[3];
	if (t->frame_len == 0)
		return -EBADMSG;
	if (t->frame_len > VICI_MAX_FRAME || t->frame_len > cap)
		return -EMSGSIZE;
	rc = read_full(t, buf, t->frame_len, &t->frame_got);
	if (rc == -ECONNRESET)
		return -EPIPE;
	if (rc)
		return rc;
	*len = t->frame_len;
	return 0;
}

int transport_ready(const struct transport *t, int64_t until_ms,
		    const sigset_t *mask)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	struct timespec ts, *tsp = NULL;
	int n;

	if (t->ahead_pos < t->ahead_len)
		return 1;
	if (until_ms >= 0) {
		int64_t left = until_ms - now_ms();

		if (left < 0)
			left = 0;
		ts = (struct timespec){ (time_t)(left / 1000),
					(long)(left % 1000) * 1000000 };
		tsp = &ts;
	}
	n = ppoll(&pfd, 1, tsp, mask);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n > 0;
}

void transport_close(struct transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->ahead_pos = t->ahead_len = 0;
}
