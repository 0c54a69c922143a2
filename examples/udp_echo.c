/*
 * udp_echo - a UDP echo server (RFC 862) on port 7 of every address, on
 * the ff socket API with epoll: each datagram goes back to its sender
 * unchanged.
 *
 *	udp_echo -c config.ini [-p proc_id] [-t primary|secondary]
 *
 * The port can be changed with FF_UDP_ECHO_PORT in the environment.
 * Everything is non-blocking: the loop function drains every readable
 * datagram once per main-loop iteration.  SIGINT or SIGTERM stops it.
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
#define MAX_DGRAM  9216

struct echo {
	int epfd;
	int sock;
	unsigned long echoed;
	char buf[MAX_DGRAM];
};

/* Send back every datagram queued on the socket. */
static void
echo_drain(struct echo *e)
{
	struct sockaddr_in from;
	socklen_t fromlen;
	ssize_t n;

	for (;;) {
		fromlen = sizeof(from);
		n = ff_recvfrom(e->sock, e->buf, sizeof(e->buf), 0,
		    (struct linux_sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno != EAGAIN)
				perror("udp_echo: ff_recvfrom");
			return;
		}
		if (ff_sendto(e->sock, e->buf, (size_t)n, 0,
			(struct linux_sockaddr *)&from, fromlen) < 0)
			perror("udp_echo: ff_sendto");
		else
			e->echoed++;
	}
}

static int
loop(void *arg)
{
	struct epoll_event events[MAX_EVENTS];
	struct echo *e = arg;
	int i, n;

	n = ff_epoll_wait(e->epfd, events, MAX_EVENTS, 0);
	for (i = 0; i < n; i++)
		if (events[i].data.fd == e->sock)
			echo_drain(e);
	return (0);
}

/* The socket on port, registered with epoll; 0 or -1. */
static int
echo_setup(struct echo *e, int port)
{
	struct sockaddr_in sin;
	struct epoll_event ev;

	if ((e->sock = ff_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0) {
		perror("udp_echo: ff_socket");
		return (-1);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (ff_bind(e->sock, (struct linux_sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("udp_echo: ff_bind");
		return (-1);
	}
	if ((e->epfd = ff_epoll_create(1)) < 0) {
		perror("udp_echo: ff_epoll_create");
		return (-1);
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = e->sock;
	if (ff_epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->sock, &ev) < 0) {
		perror("udp_echo: ff_epoll_ctl");
		return (-1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	static struct echo e;
	const char *p = getenv("FF_UDP_ECHO_PORT");
	int port = p != NULL ? atoi(p) : 7;

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "udp_echo: bad FF_UDP_ECHO_PORT %s\n", p);
		return (2);
	}
	if (ff_init(argc, argv) != 0)
		return (1);
	if (echo_setup(&e, port) != 0)
		return (1);
	printf(
	    "udp_echo: echoing on UDP port %d, pid %d\n", port, (int)getpid());
	fflush(stdout);
	if (ff_run(loop, &e) != 0) {
		perror("ff_run");
		return (1);
	}
	printf("udp_echo: %lu datagrams echoed\n", e.echoed);
	return (0);
}
