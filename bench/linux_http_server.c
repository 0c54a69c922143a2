/*
 * linux_http_server - the Linux-kernel baseline for bench/http_bench.py:
 * an epoll HTTP/1.1 server that answers every request with the bytes of
 * a file (the responses ff's helloworld sends, captured by the bench):
 * KEEPALIVE_FILE normally, CLOSE_FILE to a request that says
 * "Connection: close", after which it closes.
 *
 *	linux_http_server PORT KEEPALIVE_FILE CLOSE_FILE
 *
 * The close answer goes with MSG_MORE, as helloworld's does, so that the
 * FIN leaves with it in both servers: the same packets on both sides.
 *
 * Single-threaded and edge-free (level-triggered), like the sample it is
 * compared with.  Runs until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define	MAXEV	512

struct page {
	char	*p_data;
	size_t	 p_len;
};

static struct page pages[2];	/* keep-alive, close */

static void
load_page(struct page *pg, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
		perror(path);
		exit(1);
	}
	pg->p_len = (size_t)st.st_size;
	pg->p_data = malloc(pg->p_len);
	if (pg->p_data == NULL ||
	    read(fd, pg->p_data, pg->p_len) != (ssize_t)pg->p_len) {
		perror(path);
		exit(1);
	}
	close(fd);
}

static int
listen_on(int port)
{
	struct sockaddr_in sin;
	int s, one = 1;

	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(s, 4096) != 0) {
		perror("bind/listen");
		exit(1);
	}
	return (s);
}

/* Answer every complete request in buf; returns -1 to close. */
static int
serve(int fd, const char *buf, ssize_t n)
{
	const char *p = buf, *end = buf + n, *eoh;
	int close_after = 0;

	const struct page *pg;

	while (p < end && (eoh = memmem(p, (size_t)(end - p), "\r\n\r\n", 4))) {
		if (memmem(p, (size_t)(eoh - p), "Connection: close", 17) ||
		    memmem(p, (size_t)(eoh - p), "connection: close", 17))
			close_after = 1;
		pg = &pages[close_after];
		if (send(fd, pg->p_data, pg->p_len, close_after ? MSG_MORE :
		    0) != (ssize_t)pg->p_len)
			return (-1);
		p = eoh + 4;
	}
	return (close_after ? -1 : 0);
}

int
main(int argc, char *argv[])
{
	struct epoll_event ev, evs[MAXEV];
	char buf[16384];
	int ep, ls, i, n, fd, one = 1;
	ssize_t r;

	if (argc != 4) {
		fprintf(stderr, "usage: linux_http_server PORT KEEPALIVE_FILE "
		    "CLOSE_FILE\n");
		return (2);
	}
	load_page(&pages[0], argv[2]);
	load_page(&pages[1], argv[3]);
	ls = listen_on(atoi(argv[1]));
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = ls;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, MAXEV, -1);
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == ls) {
				while ((fd = accept4(ls, NULL, NULL,
				    SOCK_NONBLOCK)) >= 0) {
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
					    &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r > 0 && serve(fd, buf, r) == 0)
				continue;
			if (r < 0 && errno == EAGAIN)
				continue;
			close(fd);
		}
	}
}
