// SPDX-License-Identifier: MIT
/*
 * fakevici: a scripted VICI daemon for tests, on a real Unix socket.
 *
 *   fakevici [-o FILE] SOCKET ACTION...
 *   fakevici -e FILE ACTION...   (writes the bytes the actions send)
 *
 * Returns once SOCKET listens; a child accepts one connection, removes
 * SOCKET, and runs the actions in order.  Actions:
 *   read          read one frame; with -o, append it (prefix too) to FILE
 *   hex:HEX       send these bytes (hex digits, other characters ignored)
 *   chunk:N       send later bytes in N-byte pieces, 2 ms apart
 *   sleep:MS      wait MS milliseconds
 *   value:N       send a reply success=yes with a key "v" of N bytes 'x'
 *   frame:N       send a well-formed reply whose frame body is N bytes
 *   depth:N       send a reply with sections nested N deep
 *   confirm       send an EVENT_CONFIRM
 *   reply:MSG     send a CMD_RESPONSE with body MSG
 *   event:NAME:MSG  send an EVENT named NAME with body MSG
 *   flood:NAME:MSG  send that EVENT again and again until the client
 *                 goes away (the 30 s alarm ends it at the latest)
 *   raw:PATH      send the bytes of PATH
 *   file:PATH     run the actions in PATH, one per line ("close" there
 *                 ends only that file)
 *   drain         wait until the client closes the connection; with -o,
 *                 append what it sent meanwhile to FILE
 *   close         close the connection now (also the end of the script)
 * "fakevici SOCKET stale" leaves a socket nobody listens on, and exits.
 * MSG is written like a raw dump without the label and outer braces:
 * "success=yes sec {k=v} l=[a;b] up=", blanks or commas between elements
 * (values hold none of them, nor braces; a value or a section name may
 * write any byte as %XX, e.g. "msg=no%20CHILD_SA").
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fd = -1;
static size_t chunk;
static FILE *encode_to; /* -e: write what would be sent to a file */

static void die(const char *what)
{
	fprintf(stderr, "fakevici: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void send_all(const uint8_t *p, size_t len)
{
	if (encode_to) {
		fwrite(p, 1, len, encode_to);
		return;
	}
	while (len) {
		size_t n = chunk && chunk < len ? chunk : len;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			exit(0); /* the client went away: fine for a test */
		}
		p += w;
		len -= (size_t)w;
		if (chunk && len)
			sleep_ms(2);
	}
}

static int read_all(uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void read_frame(FILE *out)
{
	uint8_t hdr[4], *body;
	size_t len;

	if (read_all(hdr, 4))
		exit(0);
	len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | hdr[2] << 8 |
	      hdr[3];
	if (len > 600000)
		exit(1);
	body = malloc(len + 1);
	if (!body || read_all(body, len))
		exit(0);
	if (out) {
		fwrite(hdr, 1, 4, out);
		fwrite(body, 1, len, out);
		fflush(out);
	}
	free(body);
}

static void send_hex(const char *s)
{
	uint8_t buf[4096];
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == sizeof(buf))
			exit(1);
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	send_all(buf, n);
}

/* The 32-bit big-endian length prefix of a frame. */
static void put_length(uint8_t *p, size_t body)
{
	p[0] = (uint8_t)(body >> 24);
	p[1] = (uint8_t)(body >> 16);
	p[2] = (uint8_t)(body >> 8);
	p[3] = (uint8_t)body;
}

static uint8_t *put_kv(uint8_t *p, const char *name, size_t vlen)
{
	size_t n = strlen(name);

	*p++ = 3;
	*p++ = (uint8_t)n;
	memcpy(p, name, n);
	p += n;
	*p++ = (uint8_t)(vlen >> 8);
	*p++ = (uint8_t)vlen;
	memset(p, 'x', vlen);
	return p + vlen;
}

/* A CMD_RESPONSE frame: success=yes, then keys filling BODY bytes. */
static void send_sized(size_t body, size_t one_value)
{
	uint8_t *buf = malloc(body + 4), *p = buf + 4;
	int i = 0;

	if (!buf)
		exit(1);
	put_length(buf, body);
	*p++ = 1;
	memcpy(p, "\x03\x07success\x00\x03yes", 14);
	p += 14;
	if (one_value) {
		p = put_kv(p, "v", one_value);
	} else {
		/* keys "k0", "k1"...: 6 bytes of overhead each */
		while ((size_t)(p - buf - 4) < body) {
			size_t left = body - (size_t)(p - buf - 4), v;
			char name[16];

			snprintf(name, sizeof(name), "k%d", i++);
			v = left - 4 - strlen(name);
			if (v > 65535)
				v = 60000;
			p = put_kv(p, name, v);
		}
	}
	send_all(buf, (size_t)(p - buf));
	free(buf);
}

static void send_depth(int depth)
{
	size_t body = 1 + (size_t)depth * 4;
	uint8_t *buf = malloc(body + 4), *p = buf + 4;

	if (!buf)
		exit(1);
	put_length(buf, body);
	*p++ = 1;
	for (int i = 0; i < depth; i++) {
		*p++ = 1;
		*p++ = 1;
		*p++ = 's';
	}
	memset(p, 2, (size_t)depth);
	send_all(buf, body + 4);
	free(buf);
}

/* A value's length and bytes, %XX decoded. */
static uint8_t *put_value(uint8_t *p, const char *s, size_t len)
{
	uint8_t *start = p + 2;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned byte;

		if (s[i] == '%' && i + 2 < len && isxdigit(s[i + 1]) &&
		    isxdigit(s[i + 2]) &&
		    sscanf(s + i + 1, "%2x", &byte) == 1) {
			start[n++] = (uint8_t)byte;
			i += 2;
		} else {
			start[n++] = (uint8_t)s[i];
		}
	}
	p[0] = (uint8_t)(n >> 8);
	p[1] = (uint8_t)n;
	return start + n;
}

/* A section's name: its length byte and bytes, %XX decoded as a value's. */
static uint8_t *put_name(uint8_t *p, const char *s, size_t len)
{
	uint8_t type = p[-1], *end = put_value(p - 1, s, len);

	/* put_value wrote a two-byte length at P - 1, over the type byte;
	 * the name's bytes are in place at P + 1 */
	p[-1] = type;
	p[0] = (uint8_t)(end - p - 1);
	return end;
}

/* Frame a packet of TYPE (with NAME when not NULL) and body MSG. */
static void send_msg(int type, const char *name, size_t name_len,
		     const char *msg)
{
	uint8_t buf[8192], *p = buf + 4;
	size_t body;

	*p++ = (uint8_t)type;
	if (name) {
		*p++ = (uint8_t)name_len;
		memcpy(p, name, name_len);
		p += name_len;
	}
	while (*msg) {
		size_t n = strcspn(msg, " ,{}=");

		if (*msg == ' ' || *msg == ',') {
			msg++;
		} else if (*msg == '}') {
			*p++ = 2;
			msg++;
		} else if (msg[n] == '{') {
			*p++ = 1;
			p = put_name(p, msg, n);
			msg += n + 1;
		} else if (msg[n] == '=' && msg[n + 1] == '[') {
			/* a list: name=[a;b;c] */
			*p++ = 4;
			*p++ = (uint8_t)n;
			memcpy(p, msg, n);
			p += n;
			msg += n + 2;
			while (*msg && *msg != ']') {
				size_t v = 0;
				int inner = 0; /* "10.0.0.0/8[tcp/http]" */

				for (; msg[v] && msg[v] != ';' &&
				       (msg[v] != ']' || inner);
				     v++)
					inner += (msg[v] == '[') -
						 (msg[v] == ']');

				*p++ = 5;
				*p++ = (uint8_t)(v >> 8);
				*p++ = (uint8_t)v;
				memcpy(p, msg, v);
				p += v;
				msg += v + (msg[v] == ';');
			}
			*p++ = 6;
			msg += *msg == ']';
		} else if (msg[n] == '=') {
			size_t v = strcspn(msg + n + 1, " ,{}");

			*p++ = 3;
			*p++ = (uint8_t)n;
			memcpy(p, msg, n);
			p += n;
			p = put_value(p, msg + n + 1, v);
			msg += n + 1 + v;
		} else {
			exit(1);
		}
		if (p > buf + sizeof(buf) - 600)
			exit(1);
	}
	body = (size_t)(p - buf - 4);
	put_length(buf, body);
	send_all(buf, (size_t)(p - buf));
}

static void run(char **actions, int count, FILE *out);

/* Send the EVENT of "NAME:MSG" forever, 64 at a time, so the socket
 * never runs empty. */
static void flood(const char *arg)
{
	char *batch = NULL;
	size_t len = 0;

	encode_to = open_memstream(&batch, &len);
	if (!encode_to)
		exit(1);
	for (int i = 0; i < 64; i++)
		send_msg(7, arg, (size_t)(strchr(arg, ':') - arg),
			 strchr(arg, ':') + 1);
	fclose(encode_to);
	encode_to = NULL;
	for (;;)
		send_all((const uint8_t *)batch, len);
}

/* Send the bytes of PATH as they are. */
static void send_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[65536];
	size_t n;

	if (!f)
		die(path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		send_all(buf, n);
	fclose(f);
}

/* Run the actions of PATH, one per line. */
static void run_file(const char *path, FILE *out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;
	ssize_t n;

	if (!f)
		die(path);
	while ((n = getline(&line, &size, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		run(&line, 1, out);
	}
	free(line);
	fclose(f);
}

static void run(char **actions, int count, FILE *out)
{
	for (int i = 0; i < count; i++) {
		const char *a = actions[i], *arg = strchr(a, ':');

		arg = arg ? arg + 1 : "";
		if (!strcmp(a, "read"))
			read_frame(out);
		else if (!strncmp(a, "hex:", 4))
			send_hex(arg);
		else if (!strncmp(a, "chunk:", 6))
			chunk = (size_t)atol(arg);
		else if (!strncmp(a, "sleep:", 6))
			sleep_ms(atol(arg));
		else if (!strncmp(a, "value:", 6))
			send_sized(20 + (size_t)atol(arg), (size_t)atol(arg));
		else if (!strncmp(a, "frame:", 6))
			send_sized((size_t)atol(arg), 0);
		else if (!strncmp(a, "depth:", 6))
			send_depth(atoi(arg));
		else if (!strncmp(a, "file:", 5))
			run_file(arg, out);
		else if (!strncmp(a, "raw:", 4))
			send_file(arg);
		else if (!strcmp(a, "confirm"))
			send_hex("0000000105");
		else if (!strncmp(a, "reply:", 6))
			send_msg(1, NULL, 0, arg);
		else if (!strncmp(a, "event:", 6) && strchr(arg, ':'))
			send_msg(7, arg, (size_t)(strchr(arg, ':') - arg),
				 strchr(arg, ':') + 1);
		else if (!strncmp(a, "flood:", 6) && strchr(arg, ':'))
			flood(arg);
		else if (!strcmp(a, "drain")) {
			uint8_t b;

			while (read(fd, &b, 1) > 0)
				if (out)
					fputc(b, out);
		} else if (!strcmp(a, "close")) {
			break;
		} else {
			fprintf(stderr, "fakevici: unknown action '%s'\n", a);
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	FILE *out = NULL;
	const char *path;
	int lfd, opt;

	while ((opt = getopt(argc, argv, "o:e:")) != -1) {
		if (opt == 'e') {
			/* encode the send actions into a file, serve nothing */
			encode_to = fopen(optarg, "wb");
			if (!encode_to)
				die(optarg);
			run(argv + optind, argc - optind, NULL);
			return fclose(encode_to) ? 1 : 0;
		}
		if (opt != 'o')
			return 2;
		out = fopen(optarg, "ab");
		if (!out)
			die(optarg);
	}
	if (optind >= argc)
		return 2;
	path = argv[optind++];
	if (strlen(path) >= sizeof(sun.sun_path))
		return 2;
	strcpy(sun.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)))
		die(path);
	if (optind < argc && !strcmp(argv[optind], "stale"))
		return 0;
	if (listen(lfd, 1))
		die(path);
	fflush(NULL);
	switch (fork()) {
	case -1:
		die("fork");
	case 0:
		break;
	default:
		return 0; /* listening: the caller may connect now */
	}
	signal(SIGPIPE, SIG_IGN);
	alarm(30); /* a forgotten fake never outlives a test run for long */
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd < 0)
		die("accept");
	/* one connection only: free the path for the next test at once */
	unlink(path);
	run(argv + optind, argc - optind, out);
	close(fd);
	if (out)
		fclose(out);
	return 0;
}
