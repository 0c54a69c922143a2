/*
 * helloworld - an HTTP/1.1 server on port 80 of every address, on the
 * ff socket API with kqueue, after F-Stack's example/main.c: every
 * request gets the same 649-byte page (headers included).  Connections
 * are kept alive; one whose request says "Connection: close" gets the page
 * with "Connection: close" (644 bytes) and is closed after it, as is one
 * the client closes.  The HTTP side is in http_hello.h.
 *
 *	helloworld -c config.ini [-p proc_id] [-t primary|secondary]
 *
 * FF_HTTP_PORT in the environment changes the port; FF_HTTP_ZC=1 sends
 * each reply from a zero-copy chain (ff_zc_mbuf_get, ff_zc_send).
 * Everything is non-blocking: the loop function handles what kqueue
 * reports once per main-loop iteration.  SIGUSR1 stops accepting
 * (connections wait in the listen queue), SIGUSR2 resumes.  SIGINT or
 * SIGTERM stops it.
 */
#include "http_hello.h"

#define MAX_EVENTS 512

/* A one-shot write filter: it goes by itself once it fired. */
static void
kq_want_write(struct server *s, int fd, int on)
{
	struct kevent kev;

	if (!on)
		return;
	EV_SET(&kev, fd, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0, 0, NULL);
	ff_kevent(s->poller, &kev, 1, NULL, 0, NULL);
}

static void
server_accept(struct server *s, int count)
{
	struct kevent kev;
	int fd;

	if (accept_paused) /* SIGUSR1: leave them queued */
		return;
	while (count-- > 0) {
		if ((fd = ff_accept(s->lsock, NULL, NULL)) < 0)
			return;
		if (conn_new(s, fd) != 0)
			continue;
		EV_SET(&kev, fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
		if (ff_kevent(s->poller, &kev, 1, NULL, 0, NULL) < 0)
			conn_close(s, fd);
	}
}

static int
loop(void *arg)
{
	struct kevent ev[MAX_EVENTS];
	struct server *s = arg;
	int i, n, fd;

	n = ff_kevent(s->poller, NULL, 0, ev, MAX_EVENTS, NULL);
	for (i = 0; i < n; i++) {
		fd = (int)ev[i].ident;
		if (fd == s->lsock)
			server_accept(s, (int)ev[i].data);
		else if (s->conns[fd] == NULL)
			continue;
		else if (ev[i].filter == EVFILT_WRITE) {
			if (conn_writable(s, fd) != 0)
				conn_close(s, fd);
		} else
			conn_read(s, fd);
	}
	return (0);
}

/* The kqueue, with the listening socket in it; 0 or -1. */
static int
kq_setup(struct server *s, int port)
{
	struct kevent kev;

	if ((s->poller = ff_kqueue()) < 0) {
		perror("helloworld: ff_kqueue");
		return (-1);
	}
	EV_SET(&kev, s->lsock, EVFILT_READ, EV_ADD, 0, 0, NULL);
	if (ff_kevent(s->poller, &kev, 1, NULL, 0, NULL) < 0) {
		perror("helloworld: ff_kevent");
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	static struct server s = { .name = "helloworld",
		.want_write = kq_want_write };

	return (server_main(&s, argc, argv, kq_setup, loop, "kqueue"));
}
