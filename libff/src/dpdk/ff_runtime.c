/*
 * ff_runtime.c - where DPDK keeps a file prefix's runtime files, their
 * removal after a primary has cleaned up (DPDK 22.11 leaves its hugepage
 * files and runtime directory behind), the channel sockets dead
 * secondaries left there, and the lock that keeps secondaries from
 * starting their EALs at the same instant.
 *
 * A primary marks its runtime directory ready (ff_ready, holding its
 * pid) once its ports and shared objects exist; a secondary stack process
 * waits for that mark before it starts its EAL, so that it can be
 * started at the same time as the primary.
 *
 * Used by the stack (ff_init.c, the test port) and by the tools' client
 * (ff_msg_client.c), so it depends on nothing from DPDK.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "dpdk/ff_runtime.h"

/* Unlink `dir'/`pattern' files. */
static void
unlink_matching(const char *dir, const char *pattern)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (fnmatch(pattern, de->d_name, 0) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

void
ff_runtime_dir(const char *prefix, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	/* Where DPDK 22.11 puts them (eal_create_runtime_dir()). */
	if (getuid() == 0)
		snprintf(buf, len, "/var/run/dpdk/%s", prefix);
	else
		snprintf(
		    buf, len, "%s/dpdk/%s", xdg != NULL ? xdg : "/tmp", prefix);
}

/* Is /proc/`pid' a process with a descriptor open under `dir'/? */
static int
holds_under(const char *pid, const char *dir)
{
	char fddir[300], link[600], target[4096];
	size_t dlen = strlen(dir);
	struct dirent *de;
	int found = 0;
	ssize_t n;
	DIR *d;

	snprintf(fddir, sizeof(fddir), "/proc/%s/fd", pid);
	if ((d = opendir(fddir)) == NULL)
		return (0); /* gone, or not ours to look at */
	while (!found && (de = readdir(d)) != NULL) {
		snprintf(link, sizeof(link), "%s/%s", fddir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strncmp(target, dir, dlen) == 0 && target[dlen] == '/';
	}
	closedir(d);
	return (found);
}

int
ff_runtime_holders(const char *prefix, char *buf, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	size_t used = 0;
	int count = 0;
	pid_t self = getpid();
	DIR *d;

	buf[0] = '\0';
	ff_runtime_dir(prefix, dir, sizeof(dir));
	/* /proc gives resolved paths, and /var/run is a link to /run. */
	if (realpath(dir, real) != NULL)
		snprintf(dir, sizeof(dir), "%s", real);
	if ((d = opendir("/proc")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    atoi(de->d_name) == self || !holds_under(de->d_name, dir))
			continue;
		count++;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s",
			    count > 1 ? " " : "", de->d_name);
	}
	closedir(d);
	return (count);
}

void
ff_dpdk_remove_runtime_files(const char *prefix)
{
	char pattern[128], dir[512];
	struct mntent *m;
	FILE *f;

	snprintf(pattern, sizeof(pattern), "%smap_*", prefix);
	if ((f = setmntent("/proc/mounts", "r")) != NULL) {
		while ((m = getmntent(f)) != NULL)
			if (strcmp(m->mnt_type, "hugetlbfs") == 0)
				unlink_matching(m->mnt_dir, pattern);
		endmntent(f);
	}
	ff_runtime_dir(prefix, dir, sizeof(dir));
	unlink_matching(dir, "*");
	rmdir(dir);
}

/* Does a socket listen on the datagram socket file `path'? */
static int
socket_dead(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, dead;

	if (strlen(path) >= sizeof(sun.sun_path))
		return (0);
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (0);
	/* Refused: the file is there, nobody is bound to it. */
	dead = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 &&
	    errno == ECONNREFUSED;
	close(fd);
	return (dead);
}

int
ff_runtime_sweep_channels(const char *prefix)
{
	char dir[512], path[800];
	struct dirent *de;
	int n = 0;
	DIR *d;

	ff_runtime_dir(prefix, dir, sizeof(dir));
	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		/* mp_socket alone is the primary's. */
		if (fnmatch(FF_MP_SOCKET_PEER, de->d_name, 0) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (socket_dead(path) && unlink(path) == 0)
			n++;
	}
	closedir(d);
	return (n);
}

int
ff_runtime_start_lock(const char *prefix, int timeout_ms)
{
	const struct timespec nap = { 0, 1000000 };
	char path[600];
	int fd, waited;

	ff_runtime_dir(prefix, path, sizeof(path) - sizeof(FF_START_LOCK));
	strcat(path, "/" FF_START_LOCK);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return (-1);
	/* Polled, not blocking: a secondary stopped in its start-up must
	 * slow the others down, never hang them. */
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited++) {
		if (errno != EWOULDBLOCK || waited >= timeout_ms) {
			close(fd);
			return (-1);
		}
		nanosleep(&nap, NULL);
	}
	return (fd);
}

void
ff_runtime_start_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* and with it the lock */
}

#define FF_READY_FILE "ff_ready"

#define FF_READY_PRIVATE "private"

void
ff_runtime_mark_ready(const char *prefix, int private_mem)
{
	char dir[512], path[600];
	FILE *f;

	ff_runtime_dir(prefix, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, FF_READY_FILE);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%d\n%s", (int)getpid(),
		    private_mem ? FF_READY_PRIVATE "\n" : "");
		fclose(f);
	}
}

/* The pid in the ready mark, or 0 when there is none. */
static int
ready_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (f == NULL)
		return (0);
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return (pid);
}

int
ff_runtime_private(const char *prefix)
{
	char dir[512], path[600], word[16] = "";
	FILE *f;
	int pid = 0, n;

	ff_runtime_dir(prefix, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, FF_READY_FILE);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fscanf(f, "%d %15s", &pid, word);
	fclose(f);
	if (n != 2 || strcmp(word, FF_READY_PRIVATE) != 0)
		return (0);
	return (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH));
}

int
ff_runtime_wait_ready(const char *prefix, int seconds)
{
	char dir[512], path[600];
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int pid, i;

	ff_runtime_dir(prefix, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, FF_READY_FILE);
	for (i = 0; i < seconds * 20; i++) {
		pid = ready_pid(path);
		if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH))
			return (0);
		nanosleep(&ts, NULL);
	}
	return (-1);
}
