// SPDX-License-Identifier: GPL-2.0
/*
 * The stress-ng storm's arguments: the stressors and instance counts a
 * plan asks for, the extra arguments it may add, and what the installed
 * stress-ng offers (stressng.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "stressng.h"

/* The harness sets these; letting args override them breaks the storm. */
static const char *const reserved[] = {
	"-t", "--timeout", "--yaml", "-Y", "--metrics-brief", "-q", NULL
};

int ks_stressng_check_args(const char *args, char *err, size_t errlen)
{
	char buf[256], *tok, *save;
	int n = 0, i;

	snprintf(buf, sizeof(buf), "%s", args);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		for (i = 0; reserved[i]; i++) {
			size_t l = strlen(reserved[i]);

			/* "-t", "-t5", "--timeout", "--timeout=5" */
			if (!strncmp(tok, reserved[i], l) &&
			    (!tok[l] || tok[l] == '=' ||
			     (reserved[i][1] != '-' && l == 2)))
				goto bad;
		}
		if (++n > MAX_ARGS) {
			snprintf(err, errlen, "stressng.args: more than %d arguments",
				 MAX_ARGS);
			return -1;
		}
	}
	return n;
bad:
	snprintf(err, errlen,
		 "stressng.args may not contain '%s': the harness sets it", tok);
	return -1;
}

/* "dentry:2,sock" into p->name/count: 0, or -1 with err set. */
int ks_sng_parse_stressors(struct stressng_priv *p, const char *s,
			   char *err, size_t errlen)
{
	char buf[256], *tok, *save, *colon, *end;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		long c = 1;

		if (p->n == MAX_STRESSORS) {
			snprintf(err, errlen, "stressng.stressors: more than %d",
				 MAX_STRESSORS);
			return -1;
		}
		colon = strchr(tok, ':');
		if (colon) {
			*colon = '\0';
			errno = 0;
			c = strtol(colon + 1, &end, 10);
			if (errno || end == colon + 1 || *end || c < 0 ||
			    c > 4096) {
				snprintf(err, errlen,
					 "stressng.stressors: bad instance count '%s' for %s (0..4096)",
					 colon + 1, tok);
				return -1;
			}
		}
		for (i = 0; tok[i]; i++)
			if (!(tok[i] >= 'a' && tok[i] <= 'z') &&
			    !(tok[i] >= '0' && tok[i] <= '9') && tok[i] != '-')
				break;
		if (!tok[0] || tok[i] || i >= NAME_MAX_LEN) {
			snprintf(err, errlen,
				 "stressng.stressors: '%s' is not a stressor name",
				 tok);
			return -1;
		}
		snprintf(p->name[p->n], NAME_MAX_LEN, "%s", tok);
		p->count[p->n++] = (int)c;
	}
	if (!p->n) {
		snprintf(err, errlen, "stressng.stressors is empty");
		return -1;
	}
	return 0;
}

/* Is stress-ng an executable somewhere in PATH? */
bool ks_sng_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096], *dir, *save;

	snprintf(buf, sizeof(buf), "%s", path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(buf, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char full[4352];

		snprintf(full, sizeof(full), "%s/%s", dir, prog);
		if (!access(full, X_OK))
			return true;
	}
	return false;
}

/* `stress-ng --stressors` into out (space separated): 0 or -1. */
int ks_sng_list_stressors(char *out, size_t len)
{
	int pfd[2], status;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		dup2(pfd[1], 1);
		execlp("stress-ng", "stress-ng", "--stressors", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (got < len - 1 &&
	       ((r = read(pfd[0], out + got, len - 1 - got)) > 0 ||
		(r < 0 && errno == EINTR)))
		if (r > 0)
			got += r;
	out[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && !WEXITSTATUS(status) && got ? 0 : -1;
}

bool ks_sng_listed(const char *list, const char *name)
{
	size_t l = strlen(name);
	const char *s;

	for (s = strstr(list, name); s; s = strstr(s + 1, name))
		if ((s == list || s[-1] == ' ' || s[-1] == '\n') &&
		    (!s[l] || s[l] == ' ' || s[l] == '\n'))
			return true;
	return false;
}
