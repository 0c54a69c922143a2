/*
 * helloworld_epoll - helloworld on epoll instead of kqueue (F-Stack's
 * example/main_epoll.c): an HTTP/1.1 server on port 80, where every
 * request gets the same 649-byte page (headers included), with keep-alive
 * and "Connection: close" as in helloworld.  The HTTP side is in
 * http_hello.h.
 *
 *	helloworld_epoll -c config.ini [-p proc_id] [-t primary|secondary]
 *
 * FF_HTTP_PORT in the environment changes the port; FF_HTTP_ZC=1 sends
 * each reply from a zero-copy chain (ff_zc_mbuf_get, ff_zc_send).
 * Everything is non-blocking: the loop function handles what epoll
 * reports once per main-loop iteration.  SIGUSR1 stops accepting
 * (connections wait in the listen queue), SIGUSR2 resumes.  SIGINT or
 * SIGTERM stops it.
 */
#include "http_hello.h"

#include <sys/epoll.h>

#define MAX_EVENTS 512

/* Readable always; writable too while a reply waits for room. */
static void
ep_want_write(struct server *s, int fd, int on)
{
	struct epoll_event ev;

	ev.events = on ? EPOLLIN | EPOLLOUT : EPOLLIN;
	ev.data.fd = fd;
	ff_epoll_ctl(s->poller, EPOLL_CTL_MOD, fd, &ev);
}

static void
server_accept(struct server *s)
{
	struct epoll_event ev;
	int fd;

	if (accept_paused) /* SIGUSR1: leave them queued */
		return;
	for (;;) {
		if ((fd = ff_accept(s->lsock, NULL, NULL)) < 0)
			return;
		if (conn_new(s, fd) != 0)
			continue;
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		if (ff_epoll_ctl(s->poller, EPOLL_CTL_ADD, fd, &ev) < 0)
			conn_close(s, fd);
	}
}

static int
loop(void *arg)
{
	struct epoll_event ev[MAX_EVENTS];
	struct server *s = arg;
	int i, n, fd;

	n = ff_epoll_wait(s->poller, ev, MAX_EVENTS, 0);
	for (i = 0; i < n; i++) {
		fd = ev[i].data.fd;
		if (fd == s->lsock) {
			server_accept(s);
			continue;
		}
		if (s->conns[fd] == NULL)
			continue;
		if ((ev[i].events & EPOLLOUT) && conn_writable(s, fd) != 0) {
			conn_close(s, fd);
			continue;
		}
		if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_read(s, fd);
	}
	return (0);
}

/* The epoll set, with the listening socket in it; 0 or -1. */
static int
ep_setup(struct server *s, int port)
{
	struct epoll_event ev;

	if ((s->poller = ff_epoll_create(1)) < 0) {
		perror("helloworld_epoll: ff_epoll_create");
		return (-1);
	}
	ev.events = EPOLLIN;
	ev.data.fd = s->lsock;
	if (ff_epoll_ctl(s->poller, EPOLL_CTL_ADD, s->lsock, &ev) < 0) {
		perror("helloworld_epoll: ff_epoll_ctl");
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	static struct server s = { .name = "helloworld_epoll",
		.want_write = ep_want_write };

	return (server_main(&s, argc, argv, ep_setup, loop, "epoll"));
}
