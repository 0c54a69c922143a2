/*
 * lossy_link - a user-space stand-in for Linux's netem, for tests on
 * kernels without sch_netem: it bridges two interfaces with AF_PACKET
 * raw sockets, forwards every frame both ways, and on each direction
 * drops a frame with a given probability and delays the rest by a
 * fixed time.
 *
 *	lossy_link [-s seed] [-l loss%] [-d ms] [-L loss%] [-D ms]
 *	    [-q frames] ifA ifB
 *
 * -l and -d apply to frames from ifA to ifB, -L and -D to frames from
 * ifB to ifA (all default to 0: a plain bridge).  Loss is in percent
 * (e.g. 1 or 0.5) and drawn from a PRNG seeded by -s, so a run can be
 * repeated.  Each direction has a FIFO of at most -q frames (default
 * 4096); since the delay of a direction is constant, the FIFO is also
 * the timed queue, ordered by due time.  A frame that finds its FIFO
 * full is dropped and counted.  The loop sleeps in ppoll() until a
 * socket is readable or the head of a FIFO falls due: no busy wait.
 *
 * On SIGTERM or SIGINT it prints its counters for each direction, one
 * line each, and exits 0:
 *
 *	ifA>ifB rx N fwd N lost N qfull N big N txerr N
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOT_SIZE 2048 /* largest frame carried (MTU 1500 + L2) */
#define RX_BURST  256  /* frames read per wake-up per socket */
#define DEF_QLEN  4096

struct slot {
	uint64_t due; /* monotonic ns */
	uint32_t len;
	unsigned char data[SLOT_SIZE];
};

struct dir {
	const char *name; /* "ifA>ifB" */
	int rxfd, txfd;
	uint64_t loss;	/* threshold on a 64-bit draw */
	uint64_t delay; /* ns */
	struct slot *q;
	uint32_t qlen, head, count;
	uint64_t rx, fwd, lost, qfull, big, txerr;
};

struct link {
	uint64_t rng;
	struct dir dir[2];
};

static volatile sig_atomic_t stop;

static void
onsig(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: lossy_link [-s seed] [-l loss%%] [-d ms] "
	    "[-L loss%%] [-D ms] [-q frames] ifA ifB\n");
	exit(2);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* xorshift64* (Vigna): small, fast, good enough to pick lost frames. */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t x;

	x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return (x * 0x2545f4914f6cdd1dULL);
}

static double
parse_num(const char *s, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= max)) {
		fprintf(stderr, "lossy_link: bad %s: %s\n", what, s);
		exit(2);
	}
	return (v);
}

static uint64_t
loss_threshold(double pct)
{
	if (pct >= 100)
		return (UINT64_MAX);
	return ((uint64_t)(pct / 100 * 18446744073709551616.0));
}

static int
open_if(const char *ifname)
{
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	unsigned int idx;
	int fd, one;

	idx = if_nametoindex(ifname);
	if (idx == 0) {
		fprintf(
		    stderr, "lossy_link: %s: %s\n", ifname, strerror(errno));
		exit(1);
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL));
	if (fd < 0) {
		perror("lossy_link: socket");
		exit(1);
	}
	/* Our own transmissions must not come back to us. */
	one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		sizeof(one)) < 0) {
		perror("lossy_link: PACKET_IGNORE_OUTGOING");
		exit(1);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "lossy_link: bind %s: %s\n", ifname,
		    strerror(errno));
		exit(1);
	}
	/* A bridge port sees every frame, whatever its destination. */
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)idx;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) <
	    0) {
		fprintf(stderr, "lossy_link: promisc %s: %s\n", ifname,
		    strerror(errno));
		exit(1);
	}
	return (fd);
}

/* Send every frame at the head of the FIFO that is due by 'now'. */
static void
dir_flush(struct dir *d, uint64_t now)
{
	struct slot *s;

	while (d->count > 0) {
		s = &d->q[d->head];
		if (s->due > now)
			break;
		/*
		 * A full device queue (ENOBUFS, EAGAIN) drops the frame,
		 * as a full qdisc would; it is counted, not retried.
		 */
		if (send(d->txfd, s->data, s->len, MSG_DONTWAIT) ==
		    (ssize_t)s->len)
			d->fwd++;
		else
			d->txerr++;
		d->head = (d->head + 1) % d->qlen;
		d->count--;
	}
}

/* Read what the socket holds (a bounded burst) into the FIFO. */
static void
dir_input(struct link *l, struct dir *d)
{
	struct sockaddr_ll from;
	socklen_t fromlen;
	struct slot *s;
	unsigned char big[64];
	uint64_t now;
	ssize_t n;
	int i;

	for (i = 0; i < RX_BURST; i++) {
		if (d->count == d->qlen) {
			/* Nowhere to put it: read it into a scratch buffer. */
			s = NULL;
			fromlen = sizeof(from);
			n = recvfrom(d->rxfd, big, sizeof(big), MSG_TRUNC,
			    (struct sockaddr *)&from, &fromlen);
		} else {
			s = &d->q[(d->head + d->count) % d->qlen];
			fromlen = sizeof(from);
			n = recvfrom(d->rxfd, s->data, sizeof(s->data),
			    MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
		}
		if (n < 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		d->rx++;
		if (d->loss != 0 && rng_next(&l->rng) < d->loss) {
			d->lost++;
			continue;
		}
		if (s == NULL) {
			d->qfull++;
			continue;
		}
		if ((size_t)n > sizeof(s->data)) {
			/* A GSO/GRO super-frame: larger than any MTU here. */
			d->big++;
			continue;
		}
		now = now_ns();
		s->len = (uint32_t)n;
		s->due = now + d->delay;
		d->count++;
		if (d->delay == 0)
			dir_flush(d, now);
	}
}

static void
report(const struct link *l)
{
	const struct dir *d;
	int i;

	for (i = 0; i < 2; i++) {
		d = &l->dir[i];
		printf("%s rx %" PRIu64 " fwd %" PRIu64 " lost %" PRIu64
		       " qfull %" PRIu64 " big %" PRIu64 " txerr %" PRIu64 "\n",
		    d->name, d->rx, d->fwd, d->lost, d->qfull, d->big,
		    d->txerr);
	}
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct link l;
	struct dir *d;
	struct pollfd pfd[2];
	struct sigaction sa;
	struct timespec ts, *tsp;
	sigset_t block, waitmask;
	double loss[2], delay[2];
	uint64_t now, wake;
	unsigned long qlen;
	char name[2][2 * IF_NAMESIZE + 2];
	int ch, fd[2], i;

	memset(&l, 0, sizeof(l));
	l.rng = 0x9e3779b97f4a7c15ULL;
	loss[0] = loss[1] = delay[0] = delay[1] = 0;
	qlen = DEF_QLEN;
	while ((ch = getopt(argc, argv, "d:D:l:L:q:s:")) != -1) {
		switch (ch) {
		case 'd':
			delay[0] = parse_num(optarg, 60000, "delay");
			break;
		case 'D':
			delay[1] = parse_num(optarg, 60000, "delay");
			break;
		case 'l':
			loss[0] = parse_num(optarg, 100, "loss");
			break;
		case 'L':
			loss[1] = parse_num(optarg, 100, "loss");
			break;
		case 'q':
			qlen = (unsigned long)parse_num(
			    optarg, 1 << 20, "queue length");
			if (qlen == 0)
				usage();
			break;
		case 's':
			/* xorshift must not start from 0. */
			l.rng = (uint64_t)parse_num(optarg, 1e18, "seed") ^
			    0x9e3779b97f4a7c15ULL;
			if (l.rng == 0)
				l.rng = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || strlen(argv[0]) >= IF_NAMESIZE ||
	    strlen(argv[1]) >= IF_NAMESIZE)
		usage();

	fd[0] = open_if(argv[0]);
	fd[1] = open_if(argv[1]);
	for (i = 0; i < 2; i++) {
		d = &l.dir[i];
		snprintf(
		    name[i], sizeof(name[i]), "%s>%s", argv[i], argv[1 - i]);
		d->name = name[i];
		d->rxfd = fd[i];
		d->txfd = fd[1 - i];
		d->loss = loss_threshold(loss[i]);
		d->delay = (uint64_t)(delay[i] * 1e6);
		d->qlen = (uint32_t)qlen;
		d->q = calloc(qlen, sizeof(*d->q));
		if (d->q == NULL) {
			perror("lossy_link: calloc");
			return (1);
		}
		pfd[i].fd = fd[i];
		pfd[i].events = POLLIN;
	}

	/* SIGTERM is delivered only inside ppoll(): no lost wake-up. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	printf("lossy_link %s<>%s: %s>%s loss %g%% delay %g ms, "
	       "%s>%s loss %g%% delay %g ms, queue %lu\n",
	    argv[0], argv[1], argv[0], argv[1], loss[0], delay[0], argv[1],
	    argv[0], loss[1], delay[1], qlen);
	fflush(stdout);

	while (!stop) {
		now = now_ns();
		wake = UINT64_MAX;
		for (i = 0; i < 2; i++) {
			d = &l.dir[i];
			dir_flush(d, now);
			if (d->count > 0 && d->q[d->head].due < wake)
				wake = d->q[d->head].due;
		}
		if (wake == UINT64_MAX)
			tsp = NULL;
		else {
			wake -= now < wake ? now : wake;
			ts.tv_sec = (time_t)(wake / 1000000000ULL);
			ts.tv_nsec = (long)(wake % 1000000000ULL);
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			perror("lossy_link: ppoll");
			return (1);
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents & POLLIN)
				dir_input(&l, &l.dir[i]);
			else if (pfd[i].revents & (POLLERR | POLLNVAL)) {
				fprintf(stderr, "lossy_link: %s: poll error\n",
				    argv[i]);
				report(&l);
				return (1);
			}
		}
	}
	report(&l);
	for (i = 0; i < 2; i++) {
		close(fd[i]);
		free(l.dir[i].q);
	}
	return (0);
}
