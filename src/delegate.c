// SPDX-License-Identifier: MIT
/* Hand a command this client does not implement to strongSwan's swanctl. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "delegate.h"

/* Set in the environment of the swanctl we run: seeing it means that
 * "strongSwan's swanctl" led back to this client. */
#define DELEGATE_MARK "SWANCTL_REKEY_DELEGATED"

const char *delegate_program(void)
{
	return STRONGSWAN_SWANCTL;
}

int delegate_installed(void)
{
	struct stat st;

	return !stat(STRONGSWAN_SWANCTL, &st) && S_ISREG(st.st_mode) &&
	       !access(STRONGSWAN_SWANCTL, X_OK);
}

/* 1 when strongSwan's swanctl is this very program (installed over it, or
 * a wrapper that leads back here). */
static int is_self(const struct stat *theirs)
{
	struct stat ours;

	return getenv(DELEGATE_MARK) ||
	       (!stat("/proc/self/exe", &ours) &&
		ours.st_dev == theirs->st_dev && ours.st_ino == theirs->st_ino);
}

/* In the child: stdout (and with BOTH stderr) to FD, the rest to
 * /dev/null, then strongSwan's swanctl OPT. */
static void run_child(int fd, const char *opt, int both)
{
	char path[] = STRONGSWAN_SWANCTL, word[16];
	char *argv[] = { path, word, NULL };
	int null = open("/dev/null", O_RDWR);

	snprintf(word, sizeof(word), "%s", opt);
	if (null < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(null, STDIN_FILENO) < 0 ||
	    dup2(both ? fd : null, STDERR_FILENO) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	setenv(DELEGATE_MARK, "1", 1);
	execv(STRONGSWAN_SWANCTL, argv);
	_exit(127);
}

/* Read from FD into BUF until EOF, a full buffer or DEADLINE (clock_ms,
 * -1: none); the length, or -ETIMEDOUT. */
static ssize_t read_until(int fd, char *buf, size_t size, int64_t deadline)
{
	size_t len = 0;

	while (len < size) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline < 0 ? -1 : deadline - clock_ms();
		ssize_t n;

		if (deadline >= 0 && left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, left > 1000000 ? 1000000 : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!p.revents)
			continue;
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* Run strongSwan's swanctl OPT (BOTH: stderr too) and keep what it prints
 * in BUF (NUL-terminated, cut at SIZE - 1 bytes); 0 or -errno. */
static int capture(const char *opt, int both, char *buf, size_t size,
		   int64_t deadline)
{
	ssize_t len;
	pid_t pid;
	int fds[2], st = 0;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0)
		run_child(fds[1], opt, both);
	close(fds[1]);
	len = read_until(fds[0], buf, size - 1, deadline);
	close(fds[0]);
	if (len < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (len < 0)
		return (int)len;
	buf[len] = '\0';
	return 0;
}

/* The line of TEXT that starts with PREFIX and has one more word, that
 * word (the version) into VERSION; 0 or -ENODATA. */
static int find_version(const char *text, const char *prefix,
			const char *suffix, char *version, size_t size)
{
	size_t plen = strlen(prefix), slen = strlen(suffix);

	for (const char *l = text; *l; l += strcspn(l, "\n"), l += !!*l) {
		size_t len = strcspn(l, "\n"), vlen;

		if (len <= plen + slen || strncmp(l, prefix, plen) ||
		    strncmp(l + len - slen, suffix, slen))
			continue;
		vlen = len - plen - slen;
		if (memchr(l + plen, ' ', vlen) || vlen >= size)
			continue;
		memcpy(version, l + plen, vlen);
		version[vlen] = '\0';
		return 0;
	}
	return -ENODATA;
}

int delegate_version(char *version, size_t size, int timeout_ms)
{
	int64_t deadline = timeout_ms ? clock_ms() + timeout_ms : -1;
	struct stat theirs;
	char buf[8192];
	int rc;

	if (size == 0)
		return -EINVAL;
	version[0] = '\0';
	if (stat(STRONGSWAN_SWANCTL, &theirs) || !S_ISREG(theirs.st_mode))
		return -ENOENT;
	if (is_self(&theirs))
		return -ELOOP;
	/* "strongSwan swanctl 5.9.8" on stdout, once it reached charon */
	rc = capture("--version", 0, buf, sizeof(buf), deadline);
	if (!rc)
		rc = find_version(buf, "strongSwan swanctl ", "", version,
				  size);
	if (rc != -ENODATA)
		return rc;
	/* without charon it prints only its usage, headed "strongSwan 5.9.8
	 * swanctl" */
	rc = capture("--help", 1, buf, sizeof(buf), deadline);
	if (!rc)
		rc = find_version(buf, "strongSwan ", " swanctl", version,
				  size);
	return rc;
}

int delegate_run(const struct args *a, struct client *c, struct failure *f)
{
	struct stat theirs;

	(void)c;
	f->why = STRONGSWAN_SWANCTL;
	if (stat(STRONGSWAN_SWANCTL, &theirs))
		return status_fail(f, STAGE_DELEGATE, a->other, -errno);
	if (!S_ISREG(theirs.st_mode))
		return status_fail(f, STAGE_DELEGATE, a->other, -ENOENT);
	/* installed over strongSwan's, or diverted wrongly: never loop, even
	 * without /proc or through a wrapper script */
	if (is_self(&theirs))
		return status_fail(f, STAGE_DELEGATE, a->other, -ELOOP);
	if (setenv(DELEGATE_MARK, "1", 1))
		return status_fail(f, STAGE_DELEGATE, a->other, -errno);
	fflush(NULL);
	signal(SIGPIPE, SIG_DFL); /* ignored signals stay ignored in exec */
	execv(STRONGSWAN_SWANCTL, a->argv);
	return status_fail(f, STAGE_DELEGATE, a->other, -errno);
}
