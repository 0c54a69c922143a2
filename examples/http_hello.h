/*
 * http_hello.h - what helloworld (kqueue) and helloworld_epoll share: the
 * page, the connection state, HTTP/1.1 request framing with keep-alive
 * and "Connection: close", sending the reply, the listening socket and
 * main().  Each server adds only its way of waiting for events, through
 * struct server's want_write hook and its own loop function.
 *
 * Header-only (static functions): each example is one program built from
 * one .c file.
 */
#ifndef _HTTP_HELLO_H_
#define _HTTP_HELLO_H_

#include <sys/uio.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "ff_api.h"

/* Descriptors we keep state for: 100,000 held connections and more
 * (bench/netstat_live_bench.py); 2 MB of pointers. */
#define MAX_CONNS (1 << 18)
#define REQ_MAX	  8192 /* largest request head we accept */

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
#define HTML_HDRLEN  (sizeof(html) - 1 - 443)
#define CLOSE_HDRLEN (sizeof(html_close) - 1)

/* One client connection: its unparsed request bytes and unsent reply. */
struct conn {
	char req[REQ_MAX];
	size_t reqlen;
	size_t outpend;	      /* reply bytes still to write */
	int closing;	      /* close once the reply is out */
	struct ff_zc_mbuf zm; /* zero copy: the reply's unsent chain */
};

struct server;

/*
 * Ask (on != 0) or stop asking (on == 0) to hear when fd is writable: the
 * one thing kqueue and epoll servers do differently with a connection.
 */
typedef void (*want_write_t)(struct server *s, int fd, int on);

/*
 * SIGUSR1 stops accepting, SIGUSR2 resumes: completed connections then
 * wait in the listen queue (ff-netstat -L shows it fill).  A signal
 * handler can only reach a file-level flag.
 */
static volatile sig_atomic_t accept_paused;

static void
accept_pause_signal(int sig)
{
	accept_paused = (sig == SIGUSR1);
}

struct server {
	int poller; /* the kqueue or epoll descriptor */
	int lsock;
	want_write_t want_write;
	const char *name; /* for messages */
	int zc;		  /* FF_HTTP_ZC=1: replies from zero-copy chains */
	struct conn *conns[MAX_CONNS];
	unsigned long requests;
};

static void
conn_close(struct server *s, int fd)
{
	if (s->conns[fd]->zm.bsd_mbuf != NULL)
		ff_zc_mbuf_free(&s->conns[fd]->zm);
	free(s->conns[fd]);
	s->conns[fd] = NULL;
	ff_close(fd); /* leaves the kqueue or epoll set too */
}

/*
 * The request head at req (len bytes), line by line: its size up to and
 * with the empty line that ends it, or 0 when that is not in yet; *close
 * says whether it asks to close: the first Connection field's value
 * starts with "close", or, with none, the request line is HTTP/1.0
 * (which closes unless asked to keep alive).  One pass, and only a line
 * that starts with a C is compared with a field name.
 */
static size_t
req_head(const char *req, size_t len, int *close)
{
	static const char key[] = "connection:";
	const char *line = req, *end = req + len, *lf, *v;
	size_t k = sizeof(key) - 1;
	int conn = -1, http10 = 0;

	while ((lf = memchr(line, '\n', (size_t)(end - line))) != NULL) {
		if (lf - line == 1 && line[0] == '\r') {
			*close = conn >= 0 ? conn : http10;
			return ((size_t)(lf + 1 - req));
		}
		if (line == req)
			http10 = lf - line >= 9 &&
			    memcmp(lf - 9, "HTTP/1.0\r", 9) == 0;
		else if (conn < 0 && (*line | 0x20) == 'c' &&
		    (size_t)(lf - line) > k && strncasecmp(line, key, k) == 0) {
			for (v = line + k; *v == ' ' || *v == '\t'; v++)
				;
			conn = lf - v >= 5 && strncasecmp(v, "close", 5) == 0;
		}
		line = lf + 1;
	}
	return (0);
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

/*
 * Zero copy (FF_HTTP_ZC=1), F-Stack's helloworld_zc: the reply is written
 * into a chain of the stack's mbufs, and the chain itself goes into the
 * send buffer (no copy there); what the buffer had no room for stays in
 * c->zm until the socket is writable.  Returns bytes taken or -1
 * (errno); a chain that cannot be had falls back to copying.
 */
static ssize_t
reply_send_zc(struct conn *c, int fd)
{
	struct iovec iov[2];
	int i, n;

	if (c->zm.bsd_mbuf == NULL) {
		if (ff_zc_mbuf_get(&c->zm, (int)c->outpend) != 0)
			return (reply_send(c, fd));
		n = reply_iov(c, iov);
		for (i = 0; i < n; i++)
			ff_zc_mbuf_write(
			    &c->zm, iov[i].iov_base, (int)iov[i].iov_len);
	}
	return (ff_zc_send(fd, &c->zm, (size_t)c->zm.len));
}

/* Write what is pending: 0, or -1 when the connection must go. */
static int
conn_flush(struct server *s, int fd)
{
	struct conn *c = s->conns[fd];
	ssize_t n;

	while (c->outpend > 0) {
		n = s->zc ? reply_send_zc(c, fd) : reply_send(c, fd);
		if (n < 0) {
			if (errno != EAGAIN)
				return (-1);
			s->want_write(s, fd, 1);
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
	size_t used, off = 0;
	int rc = 0;

	while (c->outpend == 0 && !c->closing &&
	    (used = req_head(c->req + off, c->reqlen - off, &c->closing)) !=
		0) {
		off += used;
		c->outpend = c->closing ? CLOSE_HDRLEN + 443 : sizeof(html) - 1;
		s->requests++;
		if ((rc = conn_flush(s, fd)) != 0)
			break;
	}
	/* What is left (part of a head, or requests behind an unsent
	 * reply) to the front, once. */
	if (off > 0 && off < c->reqlen)
		memmove(c->req, c->req + off, c->reqlen - off);
	c->reqlen -= off;
	if (rc == 0 && c->reqlen == sizeof(c->req))
		return (-1); /* head too large */
	return (rc);
}

/*
 * Read and answer.  Both pollers are level-triggered: a read that did not
 * fill the buffer took all the socket had, and what comes later (its end
 * too) is reported again; reading on to EAGAIN would cost every request
 * a second, empty read.
 */
static void
conn_read(struct server *s, int fd)
{
	struct conn *c = s->conns[fd];
	size_t room;
	ssize_t n;

	do {
		room = sizeof(c->req) - c->reqlen;
		n = ff_read(fd, c->req + c->reqlen, room);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			conn_close(s, fd);
			return;
		}
		if (n < 0)
			return;
		c->reqlen += (size_t)n;
		if (conn_requests(s, fd) != 0) {
			conn_close(s, fd);
			return;
		}
	} while ((size_t)n == room && c->outpend == 0);
}

/* The reply went out (or more of it): write on, then read on. */
static int
conn_writable(struct server *s, int fd)
{
	if (conn_flush(s, fd) != 0)
		return (-1);
	if (s->conns[fd]->outpend == 0)
		s->want_write(s, fd, 0);
	return (conn_requests(s, fd));
}

/*
 * A connection just accepted: its state, or -1 (closed) when none.  The
 * request buffer is left as malloc() gives it (only reqlen bytes of it
 * are ever read): zeroing 8 KB per connection was 2-3 % of the server's
 * time under connection per request.
 */
static int
conn_new(struct server *s, int fd)
{
	struct conn *c;

	if (fd >= MAX_CONNS || (c = malloc(sizeof(*c))) == NULL) {
		ff_close(fd);
		return (-1);
	}
	c->reqlen = 0;
	c->outpend = 0;
	c->closing = 0;
	memset(&c->zm, 0, sizeof(c->zm));
	s->conns[fd] = c;
	return (0);
}

/* The listening socket on port; 0 or -1. */
static int
server_listen(struct server *s, int port)
{
	struct sockaddr_in sin;
	int on = 1;

	if ((s->lsock = ff_socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		fprintf(
		    stderr, "%s: ff_socket: %s\n", s->name, strerror(errno));
		return (-1);
	}
	ff_setsockopt(s->lsock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (ff_bind(s->lsock, (struct linux_sockaddr *)&sin, sizeof(sin)) < 0 ||
	    ff_listen(s->lsock, 4096) < 0) {
		fprintf(stderr, "%s: ff_bind/ff_listen: %s\n", s->name,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * main() of both servers: port from FF_HTTP_PORT, ff_init(), setup (the
 * listener and the poller), then the loop until a signal.
 */
static int
server_main(struct server *s, int argc, char *argv[],
    int (*setup)(struct server *, int), loop_func_t loop, const char *how)
{
	const char *p = getenv("FF_HTTP_PORT");
	const char *zc = getenv("FF_HTTP_ZC");
	int port = p != NULL ? atoi(p) : 80;

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "%s: bad FF_HTTP_PORT %s\n", s->name, p);
		return (2);
	}
	s->zc = zc != NULL && strcmp(zc, "1") == 0;
	if (ff_init(argc, argv) != 0)
		return (1);
	if (server_listen(s, port) != 0 || setup(s, port) != 0)
		return (1);
	signal(SIGUSR1, accept_pause_signal);
	signal(SIGUSR2, accept_pause_signal);
	printf("%s: HTTP on TCP port %d (%s%s), pid %d\n", s->name, port, how,
	    s->zc ? ", zero copy" : "", (int)getpid());
	fflush(stdout);
	if (ff_run(loop, s) != 0) {
		perror("ff_run");
		return (1);
	}
	printf("%s: %lu requests answered\n", s->name, s->requests);
	return (0);
}

#endif /* _HTTP_HELLO_H_ */
