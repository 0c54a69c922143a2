/*
 * tcp_connect - a TCP client for the multi-process tests: opens
 * FF_CONNECT_COUNT connections (default 500), FF_CONNECT_PARALLEL at a
 * time (default 32), to FF_CONNECT_TO (address:port, default
 * 198.18.0.1:7), writes a line on each, waits for it to come back (an
 * echo server, RFC 862) and closes.  Every other connection bind()s to
 * port 0 first, the rest let connect() choose.  With FF_CONNECT_GO set
 * to a path, it starts only once that file exists (the peer is ready).  When all are done it
 * prints one line and goes on answering tools until stopped:
 *
 *	tcp_connect: process 1: 500 connections, 500 echoed, 0 failed
 *
 *	tcp_connect -c config.ini [-p proc_id] [-t primary|secondary]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>

#include "ff_api.h"

#define MAX_EVENTS 64
#define MAX_FDS	   65536
#define LINE	   "ping\n"

struct client {
	int epfd, proc;
	struct sockaddr_in to;
	int count, parallel;
	int started, open, echoed, failed, reported;
	const char *go;		     /* start once this file exists */
	unsigned long polls;	     /* loops since go was last looked for */
	unsigned char sent[MAX_FDS]; /* the line went out on this fd */
};

static void
client_done(struct client *c, int fd, int ok)
{
	ff_epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
	ff_close(fd);
	c->open--;
	if (ok)
		c->echoed++;
	else
		c->failed++;
}

/* One more connection; it counts as failed at once if it cannot start. */
static void
client_start(struct client *c)
{
	struct sockaddr_in any;
	struct epoll_event ev;
	int fd;

	c->started++;
	if ((fd = ff_socket(AF_INET, SOCK_STREAM, 0)) < 0 || fd >= MAX_FDS) {
		c->failed++;
		return;
	}
	c->open++;
	c->sent[fd] = 0;
	memset(&any, 0, sizeof(any));
	any.sin_family = AF_INET;
	if ((c->started % 2 == 0 &&
		ff_bind(fd, (struct linux_sockaddr *)&any, sizeof(any)) < 0) ||
	    (ff_connect(fd, (struct linux_sockaddr *)&c->to, sizeof(c->to)) <
		    0 &&
		errno != EINPROGRESS)) {
		c->open--;
		c->failed++;
		ff_close(fd);
		return;
	}
	ev.events = EPOLLOUT;
	ev.data.fd = fd;
	if (ff_epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		client_done(c, fd, 0);
}

static void
client_event(struct client *c, int fd, uint32_t events)
{
	struct epoll_event ev;
	char buf[64];
	ssize_t n;

	if (!c->sent[fd]) {
		if ((events & (EPOLLERR | EPOLLHUP)) != 0 ||
		    ff_write(fd, LINE, sizeof(LINE) - 1) !=
			(ssize_t)(sizeof(LINE) - 1)) {
			client_done(c, fd, 0);
			return;
		}
		c->sent[fd] = 1;
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		ff_epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev);
		return;
	}
	n = ff_read(fd, buf, sizeof(buf));
	if (n < 0 && errno == EAGAIN)
		return;
	client_done(c, fd,
	    n == (ssize_t)(sizeof(LINE) - 1) &&
		memcmp(buf, LINE, sizeof(LINE) - 1) == 0);
}

static int
loop(void *arg)
{
	struct epoll_event ev[MAX_EVENTS];
	struct client *c = arg;
	int i, n;

	if (c->go != NULL) {
		if (c->polls++ % 1000 != 0 || access(c->go, F_OK) != 0)
			return (0);
		c->go = NULL;
	}
	while (c->started < c->count && c->open < c->parallel)
		client_start(c);
	n = ff_epoll_wait(c->epfd, ev, MAX_EVENTS, 0);
	for (i = 0; i < n; i++)
		client_event(c, ev[i].data.fd, ev[i].events);
	if (!c->reported && c->echoed + c->failed == c->count) {
		c->reported = 1;
		printf("tcp_connect: process %d: %d connections, %d echoed, "
		       "%d failed\n",
		    c->proc, c->count, c->echoed, c->failed);
		fflush(stdout);
	}
	return (0);
}

/* "198.18.0.1:7" into c->to. */
static int
parse_to(struct client *c, const char *s)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	int port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return (-1);
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	port = atoi(colon + 1);
	memset(&c->to, 0, sizeof(c->to));
	c->to.sin_family = AF_INET;
	c->to.sin_port = htons((uint16_t)port);
	if (port <= 0 || port > 65535 ||
	    inet_pton(AF_INET, host, &c->to.sin_addr) != 1)
		return (-1);
	return (0);
}

static int
env_int(const char *name, int dflt)
{
	const char *v = getenv(name);

	return (v != NULL && atoi(v) > 0 ? atoi(v) : dflt);
}

int
main(int argc, char *argv[])
{
	static struct client c;
	const char *to = getenv("FF_CONNECT_TO");
	int i;

	if (parse_to(&c, to != NULL ? to : "198.18.0.1:7") != 0) {
		fprintf(stderr, "tcp_connect: bad FF_CONNECT_TO %s\n", to);
		return (2);
	}
	c.count = env_int("FF_CONNECT_COUNT", 500);
	c.parallel = env_int("FF_CONNECT_PARALLEL", 32);
	c.go = getenv("FF_CONNECT_GO");
	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-p") == 0)
			c.proc = atoi(argv[i + 1]);
	if (ff_init(argc, argv) != 0)
		return (1);
	if ((c.epfd = ff_epoll_create(1)) < 0) {
		perror("tcp_connect: ff_epoll_create");
		return (1);
	}
	printf("tcp_connect: process %d, pid %d\n", c.proc, (int)getpid());
	fflush(stdout);
	if (ff_run(loop, &c) != 0) {
		perror("ff_run");
		return (1);
	}
	return (0);
}
