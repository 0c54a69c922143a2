/*
 * tcp_echo - a TCP echo server (RFC 862) or discard sink (RFC 863) on
 * port 7 of every address, on the ff socket API with epoll, for transfer
 * tests: every byte a client sends comes back in order (echo), or is
 * read and dropped (sink).
 *
 *	tcp_echo -c config.ini [-p proc_id] [-t primary|secondary]
 *
 * FF_TCP_ECHO_PORT changes the port; FF_TCP_ECHO_MODE=sink discards;
 * FF_TCP_ECHO_MODE=source sends zeros without end to each client until it
 * closes (RFC 864's idea), for bulk transfer the other way.
 * FF_TCP_ECHO_ZC=1 uses zero copy: the received mbufs themselves go back
 * out (ff_zc_recv(), then ff_zc_send() of the same chain), a sink frees
 * them unread, and a source sends chains from ff_zc_mbuf_get() without
 * writing them (their bytes are whatever the mbufs held: a bulk source
 * that measures the stack, as iperf3 -Z does).  At exit it prints the
 * bytes received and sent.
 * Each connection has one buffer (in zero copy, one chain): reading
 * stops while it holds bytes the peer's window has not taken yet
 * (back-pressure), and EPOLLOUT resumes it.  A client's FIN is echoed as
 * our FIN once its data is out.
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

#define MAX_EVENTS 256
#define MAX_CONNS  65536
#define BUF_SIZE   65536

struct conn {
	size_t off, len;      /* pending bytes: buf[off, off+len) */
	int eof;	      /* the client sent its FIN */
	struct ff_zc_mbuf zm; /* zero copy: the pending chain */
	char buf[];	      /* BUF_SIZE when copying */
};

struct echo {
	int epfd;
	int lsock;
	int sink;
	int source;
	int zc; /* zero copy */
	unsigned long long bytes, sent;
	struct conn *conns[MAX_CONNS];
};

static void
conn_close(struct echo *e, int fd)
{
	if (e->conns[fd]->zm.bsd_mbuf != NULL)
		ff_zc_mbuf_free(&e->conns[fd]->zm);
	free(e->conns[fd]);
	e->conns[fd] = NULL;
	ff_close(fd);
}

static void
conn_events(struct echo *e, int fd, uint32_t events)
{
	struct epoll_event ev;

	ev.events = events;
	ev.data.fd = fd;
	ff_epoll_ctl(e->epfd, EPOLL_CTL_MOD, fd, &ev);
}

/* Write what is pending; 0, or -1 when the connection must go. */
static int
conn_flush(struct echo *e, int fd)
{
	struct conn *c = e->conns[fd];
	ssize_t n;

	while (c->len > 0) {
		n = ff_write(fd, c->buf + c->off, c->len);
		if (n < 0)
			return (errno == EAGAIN ? 0 : -1);
		e->sent += (unsigned long long)n;
		c->off += (size_t)n;
		c->len -= (size_t)n;
	}
	c->off = 0;
	if (c->eof) {
		ff_shutdown(fd, SHUT_WR);
		return (-1);
	}
	return (0);
}

/* Read until the buffer is full or the socket is empty. */
static int
conn_fill(struct echo *e, int fd)
{
	struct conn *c = e->conns[fd];
	ssize_t n;

	while (c->len < BUF_SIZE && !c->eof) {
		n = ff_read(fd, c->buf + c->len, BUF_SIZE - c->len);
		if (n == 0)
			c->eof = 1;
		else if (n < 0)
			return (errno == EAGAIN ? 0 : -1);
		else {
			e->bytes += (unsigned long long)n;
			if (!e->sink)
				c->len += (size_t)n;
		}
	}
	return (0);
}

/*
 * Zero copy: take a chain of received mbufs and send that very chain
 * back (or free it, sink), until the socket is empty or the send buffer
 * full; what it did not take stays in c->zm for EPOLLOUT.  0, or -1 when
 * the connection must go.
 */
static int
conn_zc(struct echo *e, int fd)
{
	struct conn *c = e->conns[fd];
	ssize_t n;

	for (;;) {
		while (c->zm.bsd_mbuf != NULL) {
			if ((n = ff_zc_send(fd, &c->zm, (size_t)c->zm.len)) < 0)
				return (errno == EAGAIN ? 0 : -1);
			e->sent += (unsigned long long)n;
		}
		if (c->eof) {
			ff_shutdown(fd, SHUT_WR);
			return (-1);
		}
		n = ff_zc_recv(fd, &c->zm, BUF_SIZE);
		if (n == 0)
			c->eof = 1;
		else if (n < 0)
			return (errno == EAGAIN ? 0 : -1);
		else {
			e->bytes += (unsigned long long)n;
			if (e->sink)
				ff_zc_mbuf_free(&c->zm);
		}
	}
}

/*
 * Source: drop what the client sends (its FIN ends the connection), and
 * fill the send buffer; 0, or -1 when the connection must go.
 */
static int
conn_source(struct echo *e, int fd)
{
	static const char zeros[BUF_SIZE];
	char junk[4096];
	struct conn *c = e->conns[fd];
	ssize_t n;

	while ((n = ff_read(fd, junk, sizeof(junk))) > 0)
		e->bytes += (unsigned long long)n;
	if (n == 0 || (n < 0 && errno != EAGAIN))
		return (-1);
	for (;;) {
		if (e->zc) {
			if (c->zm.bsd_mbuf == NULL &&
			    ff_zc_mbuf_get(&c->zm, BUF_SIZE) != 0)
				return (errno == ENOBUFS ? 0 : -1);
			n = ff_zc_send(fd, &c->zm, (size_t)c->zm.len);
		} else
			n = ff_write(fd, zeros, sizeof(zeros));
		if (n < 0)
			return (errno == EAGAIN ? 0 : -1);
		e->sent += (unsigned long long)n;
	}
}

static void
conn_service(struct echo *e, int fd)
{
	struct conn *c = e->conns[fd];

	if (e->source) {
		if (conn_source(e, fd) != 0)
			conn_close(e, fd);
		return;
	}
	if (e->zc) {
		if (conn_zc(e, fd) != 0)
			conn_close(e, fd);
		else
			conn_events(
			    e, fd, c->zm.bsd_mbuf != NULL ? EPOLLOUT : EPOLLIN);
		return;
	}
	if (c->len == 0 && conn_fill(e, fd) != 0) {
		conn_close(e, fd);
		return;
	}
	if (conn_flush(e, fd) != 0) {
		conn_close(e, fd);
		return;
	}
	conn_events(e, fd, c->len > 0 ? EPOLLOUT : EPOLLIN);
}

static void
echo_accept(struct echo *e)
{
	struct epoll_event ev;
	int fd;

	while ((fd = ff_accept(e->lsock, NULL, NULL)) >= 0) {
		if (fd >= MAX_CONNS ||
		    (e->conns[fd] = calloc(
			 1, sizeof(struct conn) + (e->zc ? 0 : BUF_SIZE))) ==
			NULL) {
			ff_close(fd);
			continue;
		}
		ev.events = EPOLLIN | (e->source ? EPOLLOUT : 0);
		ev.data.fd = fd;
		if (ff_epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			conn_close(e, fd);
	}
}

static int
loop(void *arg)
{
	struct epoll_event ev[MAX_EVENTS];
	struct echo *e = arg;
	int i, n, fd;

	n = ff_epoll_wait(e->epfd, ev, MAX_EVENTS, 0);
	for (i = 0; i < n; i++) {
		fd = ev[i].data.fd;
		if (fd == e->lsock)
			echo_accept(e);
		else if (e->conns[fd] != NULL)
			conn_service(e, fd);
	}
	return (0);
}

static int
echo_setup(struct echo *e, int port)
{
	struct sockaddr_in sin;
	struct epoll_event ev;
	int on = 1;

	if ((e->lsock = ff_socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    (e->epfd = ff_epoll_create(1)) < 0) {
		perror("tcp_echo: ff_socket/ff_epoll_create");
		return (-1);
	}
	ff_setsockopt(e->lsock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (ff_bind(e->lsock, (struct linux_sockaddr *)&sin, sizeof(sin)) < 0 ||
	    ff_listen(e->lsock, 1024) < 0) {
		perror("tcp_echo: ff_bind/ff_listen");
		return (-1);
	}
	ev.events = EPOLLIN;
	ev.data.fd = e->lsock;
	if (ff_epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->lsock, &ev) < 0) {
		perror("tcp_echo: ff_epoll_ctl");
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	static struct echo e;
	const char *p = getenv("FF_TCP_ECHO_PORT");
	const char *mode = getenv("FF_TCP_ECHO_MODE");
	const char *zc = getenv("FF_TCP_ECHO_ZC");
	int port = p != NULL ? atoi(p) : 7;

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "tcp_echo: bad FF_TCP_ECHO_PORT %s\n", p);
		return (2);
	}
	e.sink = mode != NULL && strcmp(mode, "sink") == 0;
	e.source = mode != NULL && strcmp(mode, "source") == 0;
	e.zc = zc != NULL && strcmp(zc, "1") == 0;
	if (ff_init(argc, argv) != 0)
		return (1);
	if (echo_setup(&e, port) != 0)
		return (1);
	printf("tcp_echo: %s on TCP port %d%s, pid %d\n",
	    e.sink	   ? "discarding"
		: e.source ? "sourcing"
			   : "echoing",
	    port, e.zc ? " (zero copy)" : "", (int)getpid());
	fflush(stdout);
	if (ff_run(loop, &e) != 0) {
		perror("ff_run");
		return (1);
	}
	printf("tcp_echo: %llu bytes received, %llu bytes sent\n", e.bytes,
	    e.sent);
	return (0);
}
