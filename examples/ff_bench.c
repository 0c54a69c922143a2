/*
 * ff_bench - a load generator on libff: HTTP/1.1 keep-alive (N
 * connections, each with up to `depth' requests in flight), HTTP with a
 * connection per request ("Connection: close"), and UDP request/reply
 * (an echo server, RFC 862), and TCP bulk transfer: -m send streams
 * data to a sink (tcp_echo with FF_TCP_ECHO_MODE=sink), -m recv takes
 * it from a source (FF_TCP_ECHO_MODE=source), over -n streams, copying
 * (ff_write/ff_read of 64 KiB) or, with -Z, zero copy (ff_zc_send of
 * chains from ff_zc_mbuf_get, not written to, as iperf3 -Z sends pages
 * it never touches; ff_zc_recv and ff_zc_mbuf_free); -m echo sends the
 * file -f over one stream to an echo server (tcp_echo) and writes what
 * comes back to -o, to be compared (tests).  It is its own DPDK
 * primary with its own
 * config.ini (file prefix, port, address), so it can load a server over a
 * link with no kernel in the path (net_memif) as well as over a kernel one.
 *
 *	ff_bench [-m http|close|udp|send|recv|echo] [-n conns] [-D depth]
 *	    [-d secs] [-R rate] [-s size] [-w secs] [-Z] [-f file] [-o file]
 *	    [--json] -c config.ini ADDR:PORT
 *
 * Closed loop (no -R): every connection sends its next request as soon as
 * a reply frees a slot.  Open loop (-R rate, requests per second): request
 * i is due at start + i / rate whatever the server does, and its latency
 * runs from that due time, not from when a busy connection could send it,
 * so a server that falls behind shows it in the percentiles (no
 * coordinated omission).
 *
 * Latencies go into a log-linear histogram (HDR-style: 128 exact
 * nanosecond buckets, then 64 sub-buckets per power of two, 1.6 % wide at
 * most) and are printed as p50, p90, p99 and p99.9.  The output follows
 * wrk's; --json prints one JSON object instead.
 *
 * Bulk: the run starts once every stream is connected and lasts -d
 * seconds; Gbit/s is the bytes the stack took (send) or that were read
 * (recv) in that time.  Then each stream is shut down for writing and
 * read to its end: a sink closes once it has read everything (so every
 * byte sent was received), a source sends what it had queued, then its
 * FIN; "bytes_total" counts those too, the figure to compare with the
 * server's own count.  A stream that does not end within 10 s is a read
 * error.  Echo: the run lasts until the file is out (at most -d seconds,
 * a write error beyond), then until the echo's FIN; Gbit/s counts the
 * bytes that came back over the whole time, and fewer than were sent is a
 * read error.  The report adds the CPU time the run took (all of this
 * process's: the stack and ff_bench) and Gbit per CPU second, a figure
 * the rest of a shared machine moves less than Gbit/s.
 *
 * Before the timed run one request must succeed (retried for -w seconds,
 * default 10): a memif link comes up, ARP resolves.  In open loop over
 * kept connections (-R, http or udp) the other connections are opened
 * then, and the run starts once all are connected, so that no request of
 * the run waits for a handshake; replies to requests sent before the
 * start are not counted.  The run lasts -d
 * seconds; replies still in flight at the end are not counted.  Errors:
 * connect (refused, reset or timed out), read (a reply that is not
 * "HTTP/1.1 200 " with one Content-Length value, every line of its head
 * ending in CRLF; bytes nobody asked for; a UDP echo that differs from
 * what was sent), write (a send that failed, or, in open loop, a request
 * due while 4096 others were still waiting to be sent).  Exit status 0
 * when the run had no error and at least one reply, 1 otherwise, 2 on bad
 * usage.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>

#include "ff_api.h"

#define MAX_EVENTS 512
#define MAX_FDS	   65536
#define MAX_DEPTH  64
#define RBUF	   16384
#define UDP_MAX	   1472

/* The histogram: values in ns, 128 exact buckets, then 64 per octave. */
#define H_LINEAR 128
#define H_SUB	 64
#define H_OCT	 40
#define H_SIZE	 (H_LINEAR + H_OCT * H_SUB)

enum mode { M_HTTP, M_CLOSE, M_UDP, M_SEND, M_RECV, M_ECHO };

#define BULK_CHUNK (64 * 1024)
#define BULK_DRAIN 10000000000ull /* ns a stream may take to end */
#define IS_BULK(m) ((m) == M_SEND || (m) == M_RECV || (m) == M_ECHO)

/* One connection (or, for UDP, one socket with one datagram in flight). */
struct conn {
	int fd;
	int connected;
	int inflight;		  /* requests sent, reply not complete */
	uint64_t sent[MAX_DEPTH]; /* due time of each, oldest first */
	int head;		  /* index of the oldest in sent[] */
	size_t rlen;		  /* reply bytes in rbuf, not yet parsed */
	long body_left;		  /* body bytes of the reply being read */
	size_t reply_bytes;	  /* its size, head and body */
	uint64_t seq;		  /* UDP: number of the datagram in flight */
	uint64_t due;		  /* close mode: the request not yet sent */
	uint64_t opened;	  /* when (ns) */
	int eof;		  /* bulk: the stream's end was read */
	struct ff_zc_mbuf zm;	  /* bulk -Z: the chain being sent */
	/* Last: the fields above share a few cache lines and one page, not
	 * one on each side of 16 KB (two TLB entries per connection). */
	char rbuf[RBUF];
};

struct bench {
	enum mode mode;
	struct sockaddr_in to;
	const char *target;
	int nconns, depth, json, epfd;
	int zc;		      /* -Z: bulk with zero copy */
	uint64_t bytes_total; /* bulk: with what the drain moved */
	const char *in_path;  /* echo: the file sent (-f) */
	const char *out_path; /* echo: where what came back goes (-o) */
	char *in;	      /* echo: the file's bytes */
	size_t in_len, in_off;
	FILE *out;
	uint64_t t_drain_end;	    /* bulk: when a stream must have ended */
	uint64_t cpu_start, cpu_ns; /* bulk: CPU time the timed run took */
	double duration, rate, warmup;
	int size;
	char req[256];
	size_t reqlen;

	int phase;   /* 0: warming up, 1: running, 2: done */
	int path_up; /* a warm-up probe was answered */
	uint64_t t_start, t_end, t_warm_end, t_stop, next_due;
	/* When the last reply counted was all in (ns): in closed loop, the
	 * due time of the request sent in the slot it freed. */
	uint64_t t_reply;
	uint64_t backlog; /* open loop: due but not yet sent */
	uint64_t backlog_due[4096];
	unsigned bl_head;

	struct conn *conns[MAX_FDS];
	int open;
	int maxfd; /* above every descriptor opened (lowest free first) */

	uint64_t replies, bytes, conn_opened;
	uint64_t err_connect, err_read, err_write;
	uint64_t hist[H_SIZE];
	uint64_t lat_max;
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
}

/*
 * The run's clock, ns: CLOCK_MONOTONIC, read on x86 through the TSC
 * where it runs at one rate, always (constant_tsc and nonstop_tsc in
 * /proc/cpuinfo; the kernel's clocksource then reads it too).  The
 * vDSO's reading fences the TSC and converts it on every call, ~65
 * cycles where the TSC itself takes ~25: two readings a request were a
 * few percent of what a keep-alive request cost ff_bench.
 * tsc_calibrate() ties the two over 50 ms (pairs known to within ~3 us:
 * a rate error below 1e-4, a nanosecond in a 10 us latency); without an
 * invariant TSC, or off x86, every reading is clock_gettime().
 */
static struct {
	uint64_t tsc0, ns0;
	double ns_per_tick; /* 0: no TSC, clock_gettime() */
} clk;

#if defined(__x86_64__) || defined(__i386__)
static int
tsc_invariant(void)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int ok = 0;

	if (f == NULL)
		return (0);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags", 5) == 0) {
			ok = strstr(line, " constant_tsc") != NULL &&
			    strstr(line, " nonstop_tsc") != NULL;
			break;
		}
	fclose(f);
	return (ok);
}

/*
 * A TSC and a CLOCK_MONOTONIC reading taken together: the clock read
 * between two TSC readings a few microseconds apart at most (not
 * preempted in between), paired with their middle.  0, or -1.
 */
static int
tsc_pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t a, b, n;
	int i;

	for (i = 0; i < 1000; i++) {
		a = __builtin_ia32_rdtsc();
		n = mono_ns();
		b = __builtin_ia32_rdtsc();
		if (b > a && b - a < 10000) {
			*tsc = a + (b - a) / 2;
			*ns = n;
			return (0);
		}
	}
	return (-1);
}

static void
tsc_calibrate(void)
{
	struct timespec d = { 0, 50000000 };
	uint64_t t0, n0, t1, n1;

	if (!tsc_invariant() || tsc_pair(&t0, &n0) != 0)
		return;
	nanosleep(&d, NULL);
	if (tsc_pair(&t1, &n1) != 0 || t1 <= t0 || n1 <= n0)
		return;
	clk.tsc0 = t0;
	clk.ns0 = n0;
	clk.ns_per_tick = (double)(n1 - n0) / (double)(t1 - t0);
}

static uint64_t
now_ns(void)
{
	if (clk.ns_per_tick == 0)
		return (mono_ns());
	return (clk.ns0 +
	    (uint64_t)((double)(__builtin_ia32_rdtsc() - clk.tsc0) *
		clk.ns_per_tick));
}
#else
static void
tsc_calibrate(void)
{
}

static uint64_t
now_ns(void)
{
	return (mono_ns());
}
#endif

/* The histogram's bucket of v ns. */
/* CPU time of this process, ns: a rate per CPU second is not moved by
 * what else the machine runs (a busy-polling stack takes its core). */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
}

static int
hist_index(uint64_t v)
{
	int msb, idx;

	if (v < H_LINEAR)
		return ((int)v);
	msb = 63 - __builtin_clzll(v);
	/* msb >= 7: keep the 7 top bits, of which the first is always 1. */
	idx = H_LINEAR + (msb - 7) * H_SUB + (int)((v >> (msb - 6)) - H_SUB);
	return (idx < H_SIZE ? idx : H_SIZE - 1);
}

/* The middle of bucket idx, in ns. */
static double
hist_value(int idx)
{
	int oct, sub;

	if (idx < H_LINEAR)
		return (idx);
	oct = (idx - H_LINEAR) / H_SUB;
	sub = (idx - H_LINEAR) % H_SUB;
	return (((double)(H_SUB + sub) + 0.5) * (double)(1ull << (oct + 1)));
}

static void
hist_record(struct bench *b, uint64_t v)
{
	b->hist[hist_index(v)]++;
	if (v > b->lat_max)
		b->lat_max = v;
}

/* The value below which a fraction q of the recorded values lie, in ns. */
static double
hist_quantile(const struct bench *b, double q)
{
	uint64_t total = 0, want, seen = 0;
	int i;

	for (i = 0; i < H_SIZE; i++)
		total += b->hist[i];
	if (total == 0)
		return (0);
	want = (uint64_t)(q * (double)total + 0.5);
	if (want == 0)
		want = 1;
	for (i = 0; i < H_SIZE; i++) {
		seen += b->hist[i];
		if (seen >= want)
			return (hist_value(i));
	}
	return (hist_value(H_SIZE - 1));
}

/* Open loop over kept connections: every one is set up before the clock
 * starts, so that no request of the run waits for a handshake. */
static int
warm_all(const struct bench *b)
{
	return (b->rate > 0 && b->mode != M_CLOSE);
}

static int
all_connected(const struct bench *b)
{
	int fd, n = 0;

	for (fd = 0; fd < b->maxfd; fd++)
		if (b->conns[fd] != NULL && b->conns[fd]->connected)
			n++;
	return (n == b->nconns);
}

static void
run_start(struct bench *b)
{
	b->phase = 1;
	b->t_start = now_ns();
	b->t_end = b->t_start + (uint64_t)(b->duration * 1e9);
	b->next_due = b->t_start;
}

/*
 * A reply came back for a request due at `due' (0: sent while warming
 * up, not counted).  The first one says the path is up (link, ARP) and
 * starts the run; in open loop over kept connections the others are
 * opened then, and the run starts once all are up (loop()).
 */
static void
reply_done(struct bench *b, uint64_t due, size_t bytes)
{
	if (b->phase == 0) {
		b->path_up = 1;
		if (!warm_all(b))
			run_start(b);
		return;
	}
	if (b->phase != 1 || due == 0)
		return;
	b->replies++;
	b->bytes += bytes;
	b->t_reply = now_ns();
	hist_record(b, b->t_reply - due);
}

static void
conn_close(struct bench *b, struct conn *c)
{
	if (c->zm.bsd_mbuf != NULL)
		ff_zc_mbuf_free(&c->zm);
	ff_close(c->fd);
	b->conns[c->fd] = NULL;
	b->open--;
	free(c);
}

static void bench_end(struct bench *b, uint64_t t);

/*
 * A connection that failed: counted (once the run is on) and closed.  A
 * reply that is not what was asked for ends the warm-up at once: retrying
 * would not change the server.
 */
static void
conn_fail(struct bench *b, struct conn *c, uint64_t *counter)
{
	if (b->phase == 1)
		(*counter)++;
	conn_close(b, c);
	if (b->phase == 0 && counter == &b->err_read) {
		fprintf(stderr, "ff_bench: %s does not answer as asked\n",
		    b->target);
		(*counter)++;
		bench_end(b, now_ns());
	}
}

/*
 * A zeroed connection but for its reply buffer (only rlen bytes of it
 * are ever read): with a connection per request, zeroing 16 KB each time
 * was a good part of ff_bench's own time.
 */
static struct conn *
conn_alloc(void)
{
	struct conn *c = malloc(sizeof(*c));

	if (c == NULL)
		return (NULL);
	memset(c, 0, offsetof(struct conn, rbuf));
	return (c);
}

static struct conn *
conn_open(struct bench *b)
{
	struct epoll_event ev;
	struct conn *c;
	int fd, type = b->mode == M_UDP ? SOCK_DGRAM : SOCK_STREAM;

	if ((fd = ff_socket(AF_INET, type, 0)) < 0)
		return (NULL);
	if (fd >= MAX_FDS || (c = conn_alloc()) == NULL) {
		ff_close(fd);
		return (NULL);
	}
	c->fd = fd;
	c->opened = now_ns();
	if (ff_connect(fd, (struct linux_sockaddr *)&b->to, sizeof(b->to)) <
		0 &&
	    errno != EINPROGRESS) {
		free(c);
		ff_close(fd);
		if (b->phase == 1)
			b->err_connect++;
		return (NULL);
	}
	c->connected = b->mode == M_UDP;
	ev.events = EPOLLIN | (c->connected ? 0 : EPOLLOUT);
	ev.data.fd = fd;
	if (ff_epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(c);
		ff_close(fd);
		return (NULL);
	}
	b->conns[fd] = c;
	b->open++;
	if (fd >= b->maxfd)
		b->maxfd = fd + 1;
	if (b->phase == 1)
		b->conn_opened++;
	return (c);
}

/* Send one request on c, due at `due'; 0 or -1 (c is gone). */
static int
conn_send(struct bench *b, struct conn *c, uint64_t due)
{
	char dgram[UDP_MAX];
	ssize_t n;

	if (b->mode == M_UDP) {
		memset(dgram, 'u', (size_t)b->size);
		c->seq++;
		memcpy(dgram, &c->seq, sizeof(c->seq));
		n = ff_write(c->fd, dgram, (size_t)b->size);
		if (n != b->size) {
			conn_fail(b, c, &b->err_write);
			return (-1);
		}
	} else {
		/* A request is small: it goes whole or the connection is bad. */
		n = ff_write(c->fd, b->req, b->reqlen);
		if (n != (ssize_t)b->reqlen) {
			conn_fail(b, c, &b->err_write);
			return (-1);
		}
	}
	c->sent[(c->head + c->inflight) % MAX_DEPTH] = b->phase == 1 ? due : 0;
	if (b->phase == 0)
		c->opened = now_ns(); /* the probe's clock (warm_retry()) */
	c->inflight++;
	return (0);
}

static uint64_t
conn_pop(struct conn *c)
{
	uint64_t due = c->sent[c->head];

	c->head = (c->head + 1) % MAX_DEPTH;
	c->inflight--;
	return (due);
}

/*
 * The value of a Content-Length field, from the first byte after the
 * colon to the line's CR: digits with optional blanks around them
 * (RFC 9110 5.5, 8.6), or -1.
 */
static long
content_length(const char *v, const char *cr)
{
	long n = 0;

	while (v < cr && (*v == ' ' || *v == '\t'))
		v++;
	if (v == cr || *v < '0' || *v > '9')
		return (-1);
	while (v < cr && *v >= '0' && *v <= '9') {
		if (n > (LONG_MAX - 9) / 10)
			return (-1);
		n = n * 10 + (*v++ - '0');
	}
	while (v < cr && (*v == ' ' || *v == '\t'))
		v++;
	return (v == cr ? n : -1);
}

/*
 * 1 when the k bytes at p are the lower-case field name `name',
 * letters in any case (RFC 9110 5.1); a call that the line's first byte
 * usually settles.
 */
static inline int
name_is(const char *p, const char *name, size_t k)
{
	size_t i;
	char ch;

	for (i = 0; i < k; i++) {
		ch = p[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch | 0x20);
		if (ch != name[i])
			return (0);
	}
	return (1);
}

/*
 * One pass over the reply head at p (len bytes in the buffer), line by
 * line: its size up to the empty line that ends it, and its body's size
 * from Content-Length in *body.  0 when the head is not all in yet, -1
 * when it is not "HTTP/1.1 200" with one Content-Length, every line
 * ending in CRLF.
 */
static long
http_head(const char *p, size_t len, long *body)
{
	static const char cl[] = "content-length:";
	const char *line = p, *end = p + len, *lf;
	size_t k = sizeof(cl) - 1;
	long v;

	*body = -1;
	while ((lf = memchr(line, '\n', (size_t)(end - line))) != NULL) {
		if (lf == line || lf[-1] != '\r')
			return (-1); /* a bare LF */
		if (line == p) {
			/* The status line: version, code, a space. */
			if (lf - line < 13 ||
			    memcmp(p, "HTTP/1.1 200 ", 13) != 0)
				return (-1);
		} else if (lf - 1 == line) {
			/* The empty line: the head ends with it. */
			return (*body < 0 ? -1 : lf + 1 - p);
		} else if (lf - 1 - line > (long)k && name_is(line, cl, k)) {
			v = content_length(line + k, lf - 1);
			/* RFC 9110 8.6: several that differ are an error. */
			if (v < 0 || (*body >= 0 && v != *body))
				return (-1);
			*body = v;
		}
		line = lf + 1;
	}
	return (0);
}

/*
 * Complete HTTP replies at the front of c->rbuf; -1 on a bad one.  The
 * replies are walked with an offset and what is left of the last one
 * (part of a head) moved to the front once, at the end: not the rest of
 * the buffer after every head and every body.
 */
static int
http_parse(struct bench *b, struct conn *c)
{
	size_t take, off = 0;
	long head;
	int rc = 0;

	while (off < c->rlen) {
		if (c->body_left > 0) {
			take = (size_t)c->body_left < c->rlen - off
			    ? (size_t)c->body_left
			    : c->rlen - off;
			c->body_left -= (long)take;
			off += take;
			if (c->body_left == 0)
				reply_done(b, conn_pop(c), c->reply_bytes);
			continue;
		}
		if (c->inflight == 0)
			return (-1); /* bytes nobody asked for */
		head = http_head(c->rbuf + off, c->rlen - off, &c->body_left);
		if (head < 0)
			return (-1);
		if (head == 0) {
			c->body_left = 0;
			if (off == 0 && c->rlen == RBUF)
				rc = -1; /* a head larger than the buffer */
			break;
		}
		/* The reply counts once its last body byte is in. */
		c->reply_bytes = (size_t)head + (size_t)c->body_left;
		off += (size_t)head;
		if (c->body_left == 0)
			reply_done(b, conn_pop(c), c->reply_bytes);
	}
	if (off > 0 && off < c->rlen)
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return (rc);
}

/*
 * Read what c has.  The descriptor is level-triggered: a read that did
 * not fill the buffer took everything the socket held, and anything that
 * comes later (the end of the stream too) is reported again; reading on
 * to EAGAIN would cost every reply a second, empty read.  Close mode
 * reads on once its reply is in: the server's FIN usually came with it,
 * and the connection's slot is free for the next request at once.
 */
static void
conn_readable(struct bench *b, struct conn *c)
{
	char dgram[UDP_MAX];
	ssize_t n;
	size_t room;
	int i;

	if (b->mode == M_UDP) {
		while ((n = ff_read(c->fd, dgram, sizeof(dgram))) > 0) {
			for (i = (int)sizeof(c->seq); i < n; i++)
				if (dgram[i] != 'u')
					break;
			if (c->inflight == 0 || n != b->size ||
			    memcmp(dgram, &c->seq, sizeof(c->seq)) != 0 ||
			    i != n) {
				if (b->phase == 1)
					b->err_read++;
				continue;
			}
			reply_done(b, conn_pop(c), (size_t)n);
		}
		return;
	}
	do {
		room = RBUF - c->rlen;
		n = ff_read(c->fd, c->rbuf + c->rlen, room);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			/* EOF after the close-mode reply is the normal end. */
			if (b->mode == M_CLOSE && c->inflight == 0 &&
			    c->body_left == 0 && c->rlen == 0)
				conn_close(b, c);
			else
				conn_fail(b, c,
				    c->connected ? &b->err_read
						 : &b->err_connect);
			return;
		}
		c->rlen += (size_t)n;
		if (http_parse(b, c) != 0) {
			conn_fail(b, c, &b->err_read);
			return;
		}
	} while ((size_t)n == room || (b->mode == M_CLOSE && c->inflight == 0));
}

/*
 * Requests due now.  Closed loop: every free slot.  Open loop: those whose
 * time has come, onto connections with a free slot, the rest wait in the
 * backlog with their due time.
 */
static void
issue(struct bench *b, uint64_t t)
{
	uint64_t gap;
	unsigned i;

	if (b->rate <= 0 || b->phase != 1)
		return;
	gap = (uint64_t)(1e9 / b->rate);
	while (b->next_due <= t) {
		if (b->backlog < 4096) {
			i = (b->bl_head + (unsigned)b->backlog) % 4096;
			b->backlog_due[i] = b->next_due;
			b->backlog++;
		} else
			b->err_write++; /* more than 4096 late: a lost request */
		b->next_due += gap;
	}
}

/* The due time of the next request to send, or 0 when none is due. */
static uint64_t
next_request(struct bench *b, uint64_t t)
{
	uint64_t due;

	if (b->rate <= 0 || b->phase != 1)
		return (t);
	if (b->backlog == 0)
		return (0);
	due = b->backlog_due[b->bl_head];
	b->bl_head = (b->bl_head + 1) % 4096;
	b->backlog--;
	return (due);
}

static void
unpop_request(struct bench *b, uint64_t due)
{
	if (b->rate <= 0 || b->phase != 1)
		return;
	b->bl_head = (b->bl_head + 4095) % 4096;
	b->backlog_due[b->bl_head] = due;
	b->backlog++;
}

/*
 * Open connections up to -n (one while warming up).  In close mode a
 * connection is opened only for a request that is due, and carries that
 * request's due time until it is connected and sends it.
 */
static void
fill(struct bench *b, uint64_t t)
{
	int target =
	    b->phase == 0 && !IS_BULK(b->mode) && !(warm_all(b) && b->path_up)
	    ? 1
	    : b->nconns;
	struct conn *c;
	uint64_t due;

	while (b->open < target) {
		if (b->mode != M_CLOSE) {
			if (conn_open(b) == NULL)
				return;
			continue;
		}
		if ((due = next_request(b, t)) == 0)
			return;
		if ((c = conn_open(b)) == NULL) {
			unpop_request(b, due);
			return;
		}
		c->due = due;
	}
}

/* Send on every connection with a free slot. */
static void
send_ready(struct bench *b, struct conn *c, uint64_t t)
{
	int depth = b->phase == 0 ? 1 : b->depth;
	uint64_t due;

	if (!c->connected || (b->phase == 0 && b->path_up))
		return; /* the others connect; no more probes */
	if (b->mode == M_CLOSE) {
		/* One request per connection, sent once it is connected. */
		if (c->due != 0 && conn_send(b, c, c->due) == 0)
			c->due = 0;
		return;
	}
	while (c->inflight < depth) {
		if ((due = next_request(b, t)) == 0)
			return;
		if (conn_send(b, c, due) != 0)
			return;
	}
}

static void
conn_event(struct bench *b, struct conn *c, uint32_t events, uint64_t t)
{
	struct epoll_event ev;
	int err = 0, fd = c->fd;
	socklen_t len = sizeof(err);

	if (!c->connected) {
		if ((events & (EPOLLERR | EPOLLHUP)) != 0 ||
		    ff_getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) !=
			0 ||
		    err != 0) {
			conn_fail(b, c, &b->err_connect);
			return;
		}
		if ((events & EPOLLOUT) == 0)
			return;
		c->connected = 1;
		ev.events = EPOLLIN;
		ev.data.fd = c->fd;
		ff_epoll_ctl(b->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	} else if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
		conn_readable(b, c);
		if (b->conns[fd] != c)
			return; /* closed */
	}
	/*
	 * Its slots that just came free (or first came to be), at once;
	 * bulk streams are served by bulk_loop().  A slot freed by a reply
	 * of this turn is due from that reply's clock reading, not from the
	 * turn's start: the request's latency starts when it can be sent.
	 */
	if (!IS_BULK(b->mode))
		send_ready(b, c, b->t_reply > t ? b->t_reply : t);
}

/*
 * While warming up, a probe (a connection, or a request on one) that has
 * had no answer in 500 ms is given up and the next one goes: a datagram lost while the link came up or ARP
 * resolved, or a SYN that the server keeps answering with an ACK because
 * its 4-tuple is still in TIME_WAIT there from an earlier run (a new
 * connection gets a new port and a new ISN).  Returns 1 when c is gone.
 */
static int
warm_retry(struct bench *b, struct conn *c, uint64_t t)
{
	/* opened: when the connection or its last probe went (may be
	 * after t).  A connected one waiting for no answer is kept. */
	if (t < c->opened + 500000000 || (c->connected && c->inflight == 0))
		return (0);
	if (b->mode == M_UDP) {
		if (c->inflight > 0)
			conn_pop(c);
		c->opened = t;
		return (0);
	}
	conn_close(b, c);
	return (1);
}

static void print_report(struct bench *b);

/*
 * The run is over: report, then close every connection (as wrk does on
 * exit) so that the server is left with none, and stop 200 ms later.
 */
static void
bench_end(struct bench *b, uint64_t t)
{
	int fd;

	b->phase = 2;
	print_report(b);
	for (fd = 0; fd < b->maxfd; fd++)
		if (b->conns[fd] != NULL)
			conn_close(b, b->conns[fd]);
	b->t_stop = t + 200000000;
}

/* -- TCP bulk (-m send, -m recv) ----------------------------------------- */

/*
 * A write that moved nothing ends this turn: EAGAIN (the buffer is full)
 * until the next iteration, any other error for good, counted.
 */
static int
bulk_write_stops(struct bench *b, struct conn *c, ssize_t n)
{
	if (n >= 0)
		return (0);
	if (errno != EAGAIN) {
		b->err_write++;
		c->eof = 1;
	}
	return (1);
}

/*
 * Move what the stream can now: send until the buffer is full (send
 * mode, while the run is on), and read until the socket is empty (recv
 * mode counts it; a sink sends nothing, so in send mode this finds the
 * end of the stream once the sink closed).
 */
static void
bulk_service(struct bench *b, struct conn *c)
{
	static char buf[BULK_CHUNK];
	ssize_t n;

	while (b->mode == M_ECHO && b->phase == 1 && b->in_off < b->in_len) {
		n = ff_write(c->fd, b->in + b->in_off,
		    b->in_len - b->in_off < BULK_CHUNK ? b->in_len - b->in_off
						       : BULK_CHUNK);
		if (bulk_write_stops(b, c, n))
			break;
		b->in_off += (size_t)n;
	}
	while (b->mode == M_SEND && b->phase == 1 && !c->eof) {
		if (b->zc) {
			if (c->zm.bsd_mbuf == NULL &&
			    ff_zc_mbuf_get(&c->zm, BULK_CHUNK) != 0)
				break; /* no mbufs now: next iteration */
			n = ff_zc_send(c->fd, &c->zm, (size_t)c->zm.len);
		} else
			n = ff_write(c->fd, buf, sizeof(buf));
		if (bulk_write_stops(b, c, n))
			break;
		b->bytes += (uint64_t)n;
		b->bytes_total += (uint64_t)n;
	}
	while (!c->eof) {
		if (b->zc && b->mode == M_RECV) {
			n = ff_zc_recv(c->fd, &c->zm, 1 << 20);
			if (n > 0)
				ff_zc_mbuf_free(&c->zm);
		} else
			n = ff_read(c->fd, buf, sizeof(buf));
		if (n > 0) {
			if (b->mode == M_ECHO) {
				b->bytes += (uint64_t)n;
				b->bytes_total += (uint64_t)n;
				if (b->out != NULL &&
				    fwrite(buf, 1, (size_t)n, b->out) !=
					(size_t)n)
					b->err_read++;
			} else if (b->mode == M_RECV) {
				if (b->phase == 1)
					b->bytes += (uint64_t)n;
				b->bytes_total += (uint64_t)n;
			}
			continue;
		}
		if (n == 0 && b->phase == 1)
			b->err_read++; /* the server ended it early */
		else if (n < 0 && errno == EAGAIN)
			break;
		else if (n < 0)
			b->err_read++;
		c->eof = 1;
	}
}

/* Time is up: no more data from us; the streams drain to their end. */
static void
bulk_drain(struct bench *b, uint64_t t)
{
	int fd;

	b->phase = 3;
	b->t_end = t;
	if (b->mode != M_ECHO)
		b->cpu_ns = cpu_ns() - b->cpu_start;
	b->t_drain_end = t + BULK_DRAIN;
	for (fd = 0; fd < b->maxfd; fd++) {
		if (b->conns[fd] == NULL)
			continue;
		if (b->conns[fd]->zm.bsd_mbuf != NULL) /* never sent */
			ff_zc_mbuf_free(&b->conns[fd]->zm);
		ff_shutdown(fd, SHUT_WR);
	}
}

/* Every stream connected (the run starts) or ended (it is over). */
static int
bulk_all(struct bench *b, int ended)
{
	int fd, n = 0;

	for (fd = 0; fd < b->maxfd; fd++)
		if (b->conns[fd] != NULL &&
		    (ended ? b->conns[fd]->eof : b->conns[fd]->connected))
			n++;
	return (ended ? n == b->open : n == b->nconns);
}

static int
bulk_loop(struct bench *b, uint64_t t)
{
	struct epoll_event ev[MAX_EVENTS];
	struct conn *c;
	int i, n, fd;

	if (b->phase == 0 && t > b->t_warm_end) {
		fprintf(stderr,
		    "ff_bench: %s did not take %d streams in %.0f s\n",
		    b->target, b->nconns, b->warmup);
		b->err_connect++;
		bench_end(b, t);
		return (0);
	}
	if (b->phase == 0)
		fill(b, t);
	n = ff_epoll_wait(b->epfd, ev, MAX_EVENTS, 0);
	for (i = 0; i < n; i++) {
		fd = ev[i].data.fd;
		if (fd < 0 || fd >= MAX_FDS || (c = b->conns[fd]) == NULL ||
		    c->connected)
			continue;
		conn_event(b, c, ev[i].events, t);
		/* Connected: served every iteration from now on. */
		if ((c = b->conns[fd]) != NULL && c->connected)
			ff_epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
	}
	if (b->phase == 0) {
		for (fd = 0; fd < b->maxfd; fd++)
			if ((c = b->conns[fd]) != NULL && !c->connected)
				(void)warm_retry(b, c, t);
		if (b->open == b->nconns && bulk_all(b, 0)) {
			b->phase = 1;
			b->t_start = t;
			b->t_end = t + (uint64_t)(b->duration * 1e9);
			b->cpu_start = cpu_ns();
		}
		return (0);
	}
	if (b->phase == 1 && t >= b->t_end) {
		if (b->mode == M_ECHO)
			b->err_write++; /* the file did not go in -d seconds */
		bulk_drain(b, t);
	}
	for (fd = 0; fd < b->maxfd; fd++)
		if ((c = b->conns[fd]) != NULL)
			bulk_service(b, c);
	/* Echo: the whole file is out; what comes back ends with the FIN. */
	if (b->mode == M_ECHO && b->phase == 1 && b->in_off == b->in_len)
		bulk_drain(b, t);
	if (b->phase == 3 && (bulk_all(b, 1) || t >= b->t_drain_end)) {
		for (fd = 0; fd < b->maxfd; fd++)
			if ((c = b->conns[fd]) != NULL && !c->eof)
				b->err_read++; /* did not end in time */
		if (b->mode == M_ECHO) {
			b->t_end = t; /* the rate of the whole round trip */
			b->cpu_ns = cpu_ns() - b->cpu_start;
			if (b->bytes != b->in_len)
				b->err_read++;
		}
		bench_end(b, t);
	}
	return (0);
}

static int
loop(void *arg)
{
	struct epoll_event ev[MAX_EVENTS];
	struct bench *b = arg;
	uint64_t t = now_ns();
	int i, n, fd;

	if (b->phase == 2) {
		/* Let the FINs of the closed connections go, then stop. */
		if (t >= b->t_stop)
			ff_stop_run();
		return (0);
	}
	if (IS_BULK(b->mode))
		return (bulk_loop(b, t));
	if (b->phase == 0 && t > b->t_warm_end) {
		fprintf(stderr, "ff_bench: no reply from %s in %.0f s\n",
		    b->target, b->warmup);
		b->err_connect++;
		bench_end(b, t);
		return (0);
	}
	if (b->phase == 1 && t >= b->t_end) {
		bench_end(b, t);
		return (0);
	}
	if (b->phase == 0 && b->path_up && b->open == b->nconns &&
	    all_connected(b))
		run_start(b);
	issue(b, t);
	fill(b, t);
	n = ff_epoll_wait(b->epfd, ev, MAX_EVENTS, 0);
	for (i = 0; i < n; i++) {
		fd = ev[i].data.fd;
		if (fd >= 0 && fd < MAX_FDS && b->conns[fd] != NULL)
			conn_event(b, b->conns[fd], ev[i].events, t);
	}
	/*
	 * A connection sends as soon as an event frees one of its slots
	 * (conn_event()); what is left: retrying probes while warming up,
	 * and in open loop the requests that came due with no reply to
	 * free a slot.  Not a look at every connection on every turn.
	 */
	if (b->phase == 1 && (b->rate <= 0 || b->backlog == 0))
		return (0);
	for (fd = 0; fd < b->maxfd; fd++) {
		if (b->conns[fd] == NULL)
			continue;
		if (b->phase == 0 && warm_retry(b, b->conns[fd], t))
			continue;
		send_ready(b, b->conns[fd], t);
	}
	return (0);
}

static const char *
mode_name(enum mode m)
{
	return (m == M_HTTP    ? "http keep-alive"
		: m == M_CLOSE ? "http connection per request"
		: m == M_SEND  ? "tcp bulk send"
		: m == M_RECV  ? "tcp bulk receive"
		: m == M_ECHO  ? "tcp echo of a file"
			       : "udp request/reply");
}

/* 1234.5 ns as "1.23us", wrk's way. */
static void
fmt_time(char *buf, size_t size, double ns)
{
	if (ns < 1e6)
		snprintf(buf, size, "%.2fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, size, "%.2fms", ns / 1e6);
	else
		snprintf(buf, size, "%.2fs", ns / 1e9);
}

static void
fmt_bytes(char *buf, size_t size, double n)
{
	if (n < 1024 * 1024)
		snprintf(buf, size, "%.2fKB", n / 1024);
	else if (n < 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.2fMB", n / (1024 * 1024));
	else
		snprintf(buf, size, "%.2fGB", n / (1024.0 * 1024 * 1024));
}

static const double quantiles[] = { 0.50, 0.90, 0.99, 0.999 };
static const char *const qnames[] = { "50%", "90%", "99%", "99.9%" };

/* The bulk report: bytes and Gbit/s of the timed run, wrk's layout. */
static void
print_bulk_report(struct bench *b)
{
	double secs = 0, gbps, cpu, gpcpu;
	char t1[32], t2[32];
	uint64_t errs = b->err_connect + b->err_read + b->err_write;

	if (b->t_start != 0 && b->t_end > b->t_start)
		secs = (double)(b->t_end - b->t_start) / 1e9;
	gbps = secs > 0 ? (double)b->bytes * 8 / secs / 1e9 : 0;
	cpu = (double)b->cpu_ns / 1e9;
	gpcpu = cpu > 0 ? (double)b->bytes * 8 / cpu / 1e9 : 0;
	if (b->json) {
		printf(
		    "{\"mode\": \"%s\", \"target\": \"%s\", "
		    "\"streams\": %d, \"zero_copy\": %s, "
		    "\"duration_s\": %.3f, \"cpu_s\": %.3f, \"bytes\": %llu, "
		    "\"bytes_total\": %llu, \"gbit_per_s\": %.3f, "
		    "\"gbit_per_cpu_s\": %.3f, "
		    "\"errors\": {\"connect\": %llu, \"read\": %llu, "
		    "\"write\": %llu}}\n",
		    b->mode == M_SEND	    ? "send"
			: b->mode == M_RECV ? "recv"
					    : "echo",
		    b->target, b->nconns, b->zc ? "true" : "false", secs, cpu,
		    (unsigned long long)b->bytes,
		    (unsigned long long)b->bytes_total, gbps, gpcpu,
		    (unsigned long long)b->err_connect,
		    (unsigned long long)b->err_read,
		    (unsigned long long)b->err_write);
		fflush(stdout);
		return;
	}
	printf("Running %.0fs test @ %s (%s, %s)\n", b->duration, b->target,
	    mode_name(b->mode), b->zc ? "zero copy" : "copying");
	printf("  1 thread and %d streams\n", b->nconns);
	fmt_bytes(t1, sizeof(t1), (double)b->bytes);
	fmt_bytes(t2, sizeof(t2), (double)b->bytes_total);
	printf("  %s in %.2fs, %s with the drain\n", t1, secs, t2);
	if (errs != 0)
		printf("  Socket errors: connect %llu, read %llu, write %llu\n",
		    (unsigned long long)b->err_connect,
		    (unsigned long long)b->err_read,
		    (unsigned long long)b->err_write);
	printf("Gbit/sec: %10.2f\n", gbps);
	printf("Gbit/CPU-sec: %6.2f (%.2f s of CPU)\n", gpcpu, cpu);
	fflush(stdout);
}

static void
print_report(struct bench *b)
{
	double secs, q[4];
	char t1[32], t2[32];
	uint64_t errs;
	int i;

	secs = b->t_start != 0 ? (double)(now_ns() - b->t_start) / 1e9 : 0;
	for (i = 0; i < 4; i++)
		q[i] = hist_quantile(b, quantiles[i]);
	errs = b->err_connect + b->err_read + b->err_write;
	if (IS_BULK(b->mode)) {
		print_bulk_report(b);
		return;
	}
	if (b->json) {
		printf("{\"mode\": \"%s\", \"target\": \"%s\", "
		       "\"connections\": %d, \"depth\": %d, \"rate\": %.0f, "
		       "\"duration_s\": %.3f, \"requests\": %llu, "
		       "\"bytes\": %llu, \"connections_opened\": %llu, "
		       "\"requests_per_s\": %.1f, \"bytes_per_s\": %.1f, "
		       "\"latency_us\": {\"p50\": %.2f, \"p90\": %.2f, "
		       "\"p99\": %.2f, \"p99.9\": %.2f, \"max\": %.2f}, "
		       "\"errors\": {\"connect\": %llu, \"read\": %llu, "
		       "\"write\": %llu}}\n",
		    b->mode == M_HTTP	     ? "http"
			: b->mode == M_CLOSE ? "close"
					     : "udp",
		    b->target, b->nconns, b->depth, b->rate, secs,
		    (unsigned long long)b->replies,
		    (unsigned long long)b->bytes,
		    (unsigned long long)b->conn_opened,
		    secs > 0 ? (double)b->replies / secs : 0,
		    secs > 0 ? (double)b->bytes / secs : 0, q[0] / 1e3,
		    q[1] / 1e3, q[2] / 1e3, q[3] / 1e3,
		    (double)b->lat_max / 1e3,
		    (unsigned long long)b->err_connect,
		    (unsigned long long)b->err_read,
		    (unsigned long long)b->err_write);
		fflush(stdout);
		return;
	}
	printf("Running %.0fs test @ %s (%s)\n", b->duration, b->target,
	    mode_name(b->mode));
	printf(
	    "  1 thread and %d connections, depth %d, ", b->nconns, b->depth);
	if (b->rate > 0)
		printf("open loop at %.0f requests/s\n", b->rate);
	else
		printf("closed loop\n");
	printf("  Latency Distribution\n");
	for (i = 0; i < 4; i++) {
		fmt_time(t1, sizeof(t1), q[i]);
		printf("  %6s  %10s\n", qnames[i], t1);
	}
	fmt_time(t1, sizeof(t1), (double)b->lat_max);
	printf("  %6s  %10s\n", "max", t1);
	fmt_bytes(t2, sizeof(t2), (double)b->bytes);
	printf("  %llu requests in %.2fs, %s read\n",
	    (unsigned long long)b->replies, secs, t2);
	if (errs != 0)
		printf("  Socket errors: connect %llu, read %llu, write %llu, "
		       "timeout 0\n",
		    (unsigned long long)b->err_connect,
		    (unsigned long long)b->err_read,
		    (unsigned long long)b->err_write);
	printf(
	    "Requests/sec: %10.2f\n", secs > 0 ? (double)b->replies / secs : 0);
	fmt_bytes(t2, sizeof(t2), secs > 0 ? (double)b->bytes / secs : 0);
	printf("Transfer/sec: %10s\n", t2);
	fflush(stdout);
}

/* Echo: the file to send, read whole, and the one what comes back goes to. */
static int
echo_files(struct bench *b)
{
	FILE *f;
	long len;

	if ((f = fopen(b->in_path, "rb")) == NULL ||
	    fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (b->in = malloc((size_t)len + 1)) == NULL ||
	    fread(b->in, 1, (size_t)len, f) != (size_t)len) {
		fprintf(
		    stderr, "ff_bench: %s: %s\n", b->in_path, strerror(errno));
		return (-1);
	}
	fclose(f);
	b->in_len = (size_t)len;
	if (b->out_path != NULL &&
	    (b->out = fopen(b->out_path, "wb")) == NULL) {
		fprintf(
		    stderr, "ff_bench: %s: %s\n", b->out_path, strerror(errno));
		return (-1);
	}
	return (0);
}

/* "198.18.0.1:80" into b->to. */
static int
parse_target(struct bench *b, const char *s)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	int port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return (-1);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = atoi(colon + 1);
	memset(&b->to, 0, sizeof(b->to));
	b->to.sin_family = AF_INET;
	b->to.sin_port = htons((uint16_t)port);
	if (port <= 0 || port > 65535 ||
	    inet_pton(AF_INET, host, &b->to.sin_addr) != 1)
		return (-1);
	return (0);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ff_bench [-m http|close|udp|send|recv|echo] [-n conns] "
	    "[-D depth] [-d secs]\n"
	    "                [-R rate] [-s size] [-w secs] [-Z] "
	    "[-f file] [-o file] [--json]\n"
	    "                -c config.ini ADDR:PORT\n"
	    "examples:\n"
	    "  ff_bench -c bench.ini -n 50 -d 5 198.18.0.1:80\n"
	    "  ff_bench -c bench.ini -n 10 -R 50000 --json 198.18.0.1:80\n"
	    "  ff_bench -c bench.ini -m udp -s 64 198.18.0.1:7\n"
	    "  ff_bench -c bench.ini -m send -n 4 -Z -d 2 198.18.0.1:7\n"
	    "  ff_bench -c bench.ini -m echo -f in.bin -o out.bin "
	    "198.18.0.1:7\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench b;
	char *ffargv[4];
	const char *conf = "config.ini";
	int ch;

	b.mode = M_HTTP;
	b.nconns = 1;
	b.depth = 1;
	b.duration = 5;
	b.warmup = 10;
	b.size = 64;
	while ((ch = getopt_long(argc, argv, "c:m:n:D:d:R:s:w:Zf:o:h", longopts,
		    NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "http") == 0)
				b.mode = M_HTTP;
			else if (strcmp(optarg, "close") == 0)
				b.mode = M_CLOSE;
			else if (strcmp(optarg, "udp") == 0)
				b.mode = M_UDP;
			else if (strcmp(optarg, "send") == 0)
				b.mode = M_SEND;
			else if (strcmp(optarg, "recv") == 0)
				b.mode = M_RECV;
			else if (strcmp(optarg, "echo") == 0)
				b.mode = M_ECHO;
			else
				usage();
			break;
		case 'n':
			b.nconns = atoi(optarg);
			break;
		case 'D':
			b.depth = atoi(optarg);
			break;
		case 'd':
			b.duration = atof(optarg);
			break;
		case 'R':
			b.rate = atof(optarg);
			break;
		case 's':
			b.size = atoi(optarg);
			break;
		case 'w':
			b.warmup = atof(optarg);
			break;
		case 'j':
			b.json = 1;
			break;
		case 'Z':
			b.zc = 1;
			break;
		case 'f':
			b.in_path = optarg;
			break;
		case 'o':
			b.out_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || parse_target(&b, argv[optind]) != 0 ||
	    b.nconns < 1 || b.nconns > MAX_FDS / 2 || b.depth < 1 ||
	    b.depth > MAX_DEPTH || b.duration <= 0 || b.duration > 3600 ||
	    b.rate < 0 || b.rate > 1e8 || b.size < (int)sizeof(uint64_t) ||
	    b.size > UDP_MAX || b.warmup <= 0 || (b.zc && !IS_BULK(b.mode)) ||
	    (b.in_path != NULL) != (b.mode == M_ECHO) ||
	    (b.mode == M_ECHO && (b.nconns != 1 || b.zc)) ||
	    (b.out_path != NULL && b.mode != M_ECHO))
		usage();
	if (b.mode == M_ECHO && echo_files(&b) != 0)
		return (1);
	if (b.mode == M_CLOSE)
		b.depth = 1;
	b.target = argv[optind];
	b.reqlen = (size_t)snprintf(b.req, sizeof(b.req),
	    "GET / HTTP/1.1\r\nHost: %s\r\n%s\r\n", b.target,
	    b.mode == M_CLOSE ? "Connection: close\r\n" : "");
	ffargv[0] = argv[0];
	ffargv[1] = (char *)"-c";
	ffargv[2] = (char *)conf;
	ffargv[3] = NULL;
	if (ff_init(3, ffargv) != 0)
		return (1);
	tsc_calibrate();
	if ((b.epfd = ff_epoll_create(1)) < 0) {
		perror("ff_bench: ff_epoll_create");
		return (1);
	}
	b.t_warm_end = now_ns() + (uint64_t)(b.warmup * 1e9);
	if (ff_run(loop, &b) != 0) {
		perror("ff_run");
		return (1);
	}
	if (b.out != NULL && fclose(b.out) != 0) {
		perror(b.out_path);
		return (1);
	}
	return (b.err_connect + b.err_read + b.err_write == 0 &&
		    (IS_BULK(b.mode) ? b.bytes : b.replies) > 0
		? 0
		: 1);
}
