/*
 * helloworld - an HTTP/1.1 server on port 80 of every address, on the
 * ff socket API with kqueue, after F-Stack's example/main.c: every
 * request gets the same 649-byte page (headers included).  Connections
 * are kept alive; one whose request says "Connection: close" gets the page
 * with "Connection: close" (644 bytes) and is closed after it, as is one
 * the client closes.
 *
 *	helloworld -c config.ini [-p proc_id] [-t primary|secondary]
 *
 * FF_HTTP_PORT in the environment changes the port.  Everything is
 * non-blocking: the loop function handles what kqueue reports once per
 * main-loop iteration.  SIGINT or SIGTERM stops it.
 */
#define	_GNU_SOURCE		/* memmem */
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "ff_api.h"

#define	MAX_EVENTS	512
#define	MAX_CONNS	65536		/* descriptors we keep state for */
#define	REQ_MAX		8192		/* largest request head we accept */

static const char html[] =
"HTTP/1.1 200 OK\r\n"
"Server: ff\r\n"
"Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
"Content-Type: text/html\r\n"
"Content-Length: 443\r\n"
"Last-Modified: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
"Connection: keep-alive\r\n"
"Accept-Ranges: bytes\r\n"
"\r\n"
"<!DOCTYPE html>\r\n"
"<html>\r\n"
"<head>\r\n"
"<title>Welcome to ff!</title>\r\n"
"<style>\r\n"
"    body {  width: 35em; margin: 0 auto; font-family: sans-serif; }\r\n"
"</style>\r\n"
"</head>\r\n"
"<body>\r\n"
"<h1>Welcome to ff!</h1>\r\n"
"<p>If you see this page, the ff user-space TCP/IP stack is up and "
"serving HTTP over DPDK 22.</p>\r\n"
"<p>It follows FreeBSD's network stack: its names, numbers and "
"behaviour.</p>\r\n"
"<p><em>Thank you for using ff, the helloworld.</em></p>\r\n"
"</body>\r\n"
"</html>";

/* The same page, telling a client that asked to close that we will. */
static const char html_close[] =
"HTTP/1.1 200 OK\r\n"
"Server: ff\r\n"
"Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
"Content-Type: text/html\r\n"
"Content-Length: 443\r\n"
"Last-Modified: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
"Connection: close\r\n"
"Accept-Ranges: bytes\r\n"
"\r\n";

_Static_assert(sizeof(html) - 1 == 649, "the page is 649 bytes with headers");

/* Headers of html_close, then the body of html. */
#define	HTML_HDRLEN	(sizeof(html) - 1 - 443)
#define	CLOSE_HDRLEN	(sizeof(html_close) - 1)


/* One client connection: its unparsed request bytes and unsent reply. */
struct conn {
	char		 req[REQ_MAX];
	size_t		 reqlen;
	size_t		 outpend;	/* reply bytes still to write */
	int		 closing;	/* close once the reply is out */
};

struct server {
	int		 kq;
	int		 lsock;
	struct conn	*conns[MAX_CONNS];
	unsigned long	 requests;
};

static void
conn_close(struct server *s, int fd)
{
	free(s->conns[fd]);
	s->conns[fd] = NULL;
	ff_close(fd);		/* drops its kqueue registrations too */
}

/* 1 when the request head (up to its end) asks to close. */
static int
req_wants_close(const char *req, size_t len)
{
	static const char key[] = "\r\nconnection:";
	size_t i, k = sizeof(key) - 1;
	const char *v;

	for (i = 0; i + k <= len; i++) {
		if (strncasecmp(req + i, key, k) != 0)
			continue;
		for (v = req + i + k; *v == ' ' || *v == '\t'; v++)
			;
		return (strncasecmp(v, "close", 5) == 0);
	}
	/* HTTP/1.0 closes unless asked to keep alive. */
	return (len > 12 && memmem(req, len, "HTTP/1.0\r\n", 10) != NULL);
}

/*
 * The unsent part of the reply as at most two pieces (the close reply is
 * its own headers, then the shared body); returns how many.  One writev
 * makes one segment, as one write() does for a Linux server: two writes
 * would send the headers alone and hold the body back (Nagle) until the
 * client acknowledges them or we close.
 */
static int
reply_iov(const struct conn *c, struct iovec *iov)
{
	size_t total = c->closing ? CLOSE_HDRLEN + 443 : sizeof(html) - 1;
	size_t done = total - c->outpend;

	if (!c->closing) {
		iov[0].iov_base = (void *)(uintptr_t)(html + done);
		iov[0].iov_len = c->outpend;
		return (1);
	}
	if (done >= CLOSE_HDRLEN) {
		iov[0].iov_base = (void *)(uintptr_t)(html + HTML_HDRLEN +
		    (done - CLOSE_HDRLEN));
		iov[0].iov_len = c->outpend;
		return (1);
	}
	iov[0].iov_base = (void *)(uintptr_t)(html_close + done);
	iov[0].iov_len = CLOSE_HDRLEN - done;
	iov[1].iov_base = (void *)(uintptr_t)(html + HTML_HDRLEN);
	iov[1].iov_len = 443;
	return (2);
}

/*
 * Send what iov holds.  The close reply goes with MSG_MORE: we close right
 * after its last byte, and the FIN then leaves in the same segment as the
 * reply (one segment and one ACK fewer per connection).
 */
static ssize_t
reply_send(const struct conn *c, int fd)
{
	struct iovec iov[2];
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)reply_iov(c, iov);
	return (ff_sendmsg(fd, &msg, c->closing ? MSG_MORE : 0));
}

/* Write what is pending: 0, or -1 when the connection must go. */
static int
conn_flush(struct server *s, int fd)
{
	struct conn *c = s->conns[fd];
	struct kevent kev;
	ssize_t n;

	while (c->outpend > 0) {
		n = reply_send(c, fd);
		if (n < 0) {
			if (errno != EAGAIN)
				return (-1);
			EV_SET(&kev, fd, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0, 0,
			    NULL);
			ff_kevent(s->kq, &kev, 1, NULL, 0, NULL);
			return (0);
		}
		c->outpend -= (size_t)n;
	}
	return (c->closing ? -1 : 0);
}

/* Answer every complete request in the buffer. */
static int
conn_requests(struct server *s, int fd)
{
	struct conn *c = s->conns[fd];
	char *end;
	size_t used;

	while (c->outpend == 0 && !c->closing &&
	    (end = memmem(c->req, c->reqlen, "\r\n\r\n", 4)) != NULL) {
		used = (size_t)(end - c->req) + 4;
		c->closing = req_wants_close(c->req, used);
		memmove(c->req, c->req + used, c->reqlen - used);
		c->reqlen -= used;
		c->outpend = c->closing ? CLOSE_HDRLEN + 443 :
		    sizeof(html) - 1;
		s->requests++;
		if (conn_flush(s, fd) != 0)
			return (-1);
	}
	if (c->reqlen == sizeof(c->req))
		return (-1);		/* head too large */
	return (0);
}

static void
conn_read(struct server *s, int fd)
{
	struct conn *c = s->conns[fd];
	ssize_t n;

	for (;;) {
		n = ff_read(fd, c->req + c->reqlen, sizeof(c->req) - c->reqlen);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			conn_close(s, fd);
			return;
		}
		if (n < 0)
			break;
		c->reqlen += (size_t)n;
		if (conn_requests(s, fd) != 0) {
			conn_close(s, fd);
			return;
		}
		if (c->reqlen == sizeof(c->req) || c->outpend > 0)
			break;
	}
}

static void
server_accept(struct server *s, int count)
{
	struct kevent kev;
	int fd;

	while (count-- > 0) {
		if ((fd = ff_accept(s->lsock, NULL, NULL)) < 0)
			return;
		if (fd >= MAX_CONNS ||
		    (s->conns[fd] = calloc(1, sizeof(struct conn))) == NULL) {
			ff_close(fd);
			continue;
		}
		EV_SET(&kev, fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
		if (ff_kevent(s->kq, &kev, 1, NULL, 0, NULL) < 0)
			conn_close(s, fd);
	}
}

static int
loop(void *arg)
{
	struct kevent ev[MAX_EVENTS];
	struct server *s = arg;
	int i, n, fd;

	n = ff_kevent(s->kq, NULL, 0, ev, MAX_EVENTS, NULL);
	for (i = 0; i < n; i++) {
		fd = (int)ev[i].ident;
		if (fd == s->lsock)
			server_accept(s, (int)ev[i].data);
		else if (s->conns[fd] == NULL)
			continue;
		else if (ev[i].filter == EVFILT_WRITE) {
			if (conn_flush(s, fd) != 0 ||
			    conn_requests(s, fd) != 0)
				conn_close(s, fd);
		} else
			conn_read(s, fd);
	}
	return (0);
}

/* The listening socket on port, registered with kqueue; 0 or -1. */
static int
server_setup(struct server *s, int port)
{
	struct sockaddr_in sin;
	struct kevent kev;
	int on = 1;

	if ((s->lsock = ff_socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		perror("helloworld: ff_socket");
		return (-1);
	}
	ff_setsockopt(s->lsock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (ff_bind(s->lsock, (struct linux_sockaddr *)&sin, sizeof(sin)) < 0 ||
	    ff_listen(s->lsock, 4096) < 0) {
		perror("helloworld: ff_bind/ff_listen");
		return (-1);
	}
	if ((s->kq = ff_kqueue()) < 0) {
		perror("helloworld: ff_kqueue");
		return (-1);
	}
	EV_SET(&kev, s->lsock, EVFILT_READ, EV_ADD, 0, 0, NULL);
	if (ff_kevent(s->kq, &kev, 1, NULL, 0, NULL) < 0) {
		perror("helloworld: ff_kevent");
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	static struct server s;
	const char *p = getenv("FF_HTTP_PORT");
	int port = p != NULL ? atoi(p) : 80;

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "helloworld: bad FF_HTTP_PORT %s\n", p);
		return (2);
	}
	if (ff_init(argc, argv) != 0)
		return (1);
	if (server_setup(&s, port) != 0)
		return (1);
	printf("helloworld: HTTP on TCP port %d (kqueue), pid %d\n", port,
	    (int)getpid());
	fflush(stdout);
	if (ff_run(loop, &s) != 0) {
		perror("ff_run");
		return (1);
	}
	printf("helloworld: %lu requests answered\n", s.requests);
	return (0);
}
