/*
 * fuzz_common.c - the shared part of the libFuzzer harnesses: a fresh
 * stack per input, frames in and out, the long settle at the end of an
 * input and the invariants after it.  See fuzz_common.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_random.h>

#include "testport/ff_testport.h"
#include "fuzz_common.h"

#define NS_PER_SEC	 1000000000ULL
/*
 * The settle: 10 s steps for the first two minutes (each tick of the
 * wheel runs: TIME_WAIT, reassembly, ARP and the first retransmissions
 * as they would), then 2-minute steps (the wheel walks the last lap of
 * each, as after a stalled loop: every timer still fires, later), up to
 * 6000 s, past ARP expiry and every TCP give-up.
 */
#define SETTLE_STEP	 (10 * NS_PER_SEC)
#define SETTLE_FINE	 12
#define SETTLE_LONG_STEP (120 * NS_PER_SEC)
#define SETTLE_STEPS	 60

/*
 * kern.hz=100: a lap of the timing wheel is 10.24 s, so the settle loop's
 * 10 s steps visit every bucket once.  A small pool makes each stack cheap
 * to create (an input's frames need few mbufs).  ARP entries live 60 s
 * (FreeBSD: 1200): inputs reach their expiry, and the settle after each
 * input waits 60 s of virtual time for them, not 20 minutes.
 */
const char fuzz_config[] = "[dpdk]\n"
			   "lcore_mask=1\n"
			   "port_list=0,1\n"
			   "nb_mbufs=1023\n"
			   "[freebsd.boot]\n"
			   "hz=100\n"
			   "[freebsd.sysctl]\n"
			   "net.link.ether.inet.max_age=60\n"
			   "[port0]\n"
			   "addr=198.18.0.2\n"
			   "netmask=255.255.255.0\n"
			   "broadcast=198.18.0.255\n"
			   "gateway=198.18.0.1\n"
			   "[port1]\n"
			   "addr=198.19.0.2\n"
			   "netmask=255.255.255.0\n";

const char fuzz_config_tight[] = "[dpdk]\n"
				 "lcore_mask=1\n"
				 "port_list=0,1\n"
				 "nb_mbufs=1023\n"
				 "[freebsd.boot]\n"
				 "hz=100\n"
				 "kern.ipc.maxsockets=16\n"
				 "net.inet.tcp.syncache.bucketlimit=2\n"
				 "net.inet.tcp.syncache.cachelimit=4\n"
				 "net.inet.tcp.hostcache.cachelimit=4\n"
				 "net.inet.tcp.hostcache.bucketlimit=2\n"
				 "[freebsd.sysctl]\n"
				 "net.inet.ip.maxfragpackets=2\n"
				 "net.inet.ip.maxfragsperpacket=4\n"
				 "net.inet.ip.maxfrags=6\n"
				 "net.link.ether.inet.maxhold=2\n"
				 "net.link.ether.inet.max_age=60\n"
				 "net.inet.tcp.reass.maxqueuelen=4\n"
				 "net.inet.tcp.recvspace=4096\n"
				 "net.inet.tcp.sendspace=4096\n"
				 "kern.ipc.somaxconn=2\n"
				 "[port0]\n"
				 "addr=198.18.0.2\n"
				 "netmask=255.255.255.0\n"
				 "broadcast=198.18.0.255\n"
				 "gateway=198.18.0.1\n"
				 "[port1]\n"
				 "addr=198.19.0.2\n"
				 "netmask=255.255.255.0\n";

unsigned long long fuzz_nframes, fuzz_nmsgs, fuzz_ninputs;

/*
 * The persistent stacks: one per config text, kept from input to input
 * while every input ends with the stack back at its baseline
 * (FUZZ_STRICT), made anew after FUZZ_REUSE inputs (default
 * FUZZ_REUSE_DEFAULT; 1: a fresh stack for every input).  Making a
 * stack (sysctl tree, pool, config) was 8 in 10 of an input's time.
 */
#define FUZZ_REUSE_DEFAULT 1000
#define FUZZ_SLOTS	   2
/* rte_rand()'s seeds: one before a stack is made, one for each input. */
#define FUZZ_SEED_CREATE   0x66667a3136637265ULL
#define FUZZ_SEED_INPUT	   0x66667a3136696e70ULL
#define FUZZ_STATS_EVERY   10 /* seconds between running totals */

static struct {
	const char *config;
	struct ff_test *t;
} fuzz_slots[FUZZ_SLOTS];
static unsigned long fuzz_reuse = FUZZ_REUSE_DEFAULT, fuzz_uses;
static int fuzz_seq_fd = -1; /* FUZZ_SEQ_LOG: inputs since creation */
static unsigned int fuzz_timeout = 1200; /* libFuzzer's -timeout */
static time_t fuzz_input_start, fuzz_stats_last;
static struct sigaction fuzz_old_int, fuzz_old_term, fuzz_old_alrm;

/* The totals, with write(2) only: also called from signal handlers. */
static void
fuzz_stats_write(const char *tag)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf),
	    "%sfuzz_inputs: %llu\n%sfuzz_frames: %llu\n"
	    "%sfuzz_messages: %llu\n",
	    tag, fuzz_ninputs, tag, fuzz_nframes, tag, fuzz_nmsgs);
	if (n > 0)
		(void)!write(2, buf, (size_t)n);
}

static void
fuzz_stats(void)
{
	fuzz_stats_write("stat::");
}

static void
fuzz_chain(int sig, siginfo_t *si, void *uc, const struct sigaction *old)
{
	if (old->sa_flags & SA_SIGINFO) {
		if (old->sa_sigaction != NULL)
			old->sa_sigaction(sig, si, uc);
	} else if (old->sa_handler != SIG_IGN && old->sa_handler != SIG_DFL)
		old->sa_handler(sig);
	else if (old->sa_handler == SIG_DFL) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

/*
 * libFuzzer ends a run on SIGINT/SIGTERM, and on SIGALRM when an input
 * outlived -timeout, with _Exit(): atexit() handlers do not run, so the
 * totals are written here first, then libFuzzer's handler runs.
 */
static void
fuzz_signal(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGALRM) {
		if (fuzz_input_start != 0 &&
		    time(NULL) - fuzz_input_start >= (time_t)fuzz_timeout)
			fuzz_stats();
		fuzz_chain(sig, si, uc, &fuzz_old_alrm);
		return;
	}
	fuzz_stats();
	fuzz_chain(sig, si, uc, sig == SIGINT ? &fuzz_old_int : &fuzz_old_term);
}

/* ASan calls this when it found an error, before its report. */
void __asan_on_error(void);

void
__asan_on_error(void)
{
	fuzz_stats();
}

static void
fuzz_once(void)
{
	struct sigaction sa;
	const char *e;

	atexit(fuzz_stats);
	if ((e = getenv("FUZZ_REUSE")) != NULL && atol(e) > 0)
		fuzz_reuse = (unsigned long)atol(e);
	if ((e = getenv("FUZZ_SEQ_LOG")) != NULL && *e != '\0' &&
	    (fuzz_seq_fd = open(
		 e, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		fuzz_fail("FUZZ_SEQ_LOG %s: %s", e, strerror(errno));
	/* libFuzzer set its handlers before the first input: chain them. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fuzz_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, &fuzz_old_int);
	(void)sigaction(SIGTERM, &sa, &fuzz_old_term);
	(void)sigaction(SIGALRM, &sa, &fuzz_old_alrm);
	fuzz_stats_last = time(NULL);
}

static int
fuzz_live(void)
{
	int i;

	for (i = 0; i < FUZZ_SLOTS; i++)
		if (fuzz_slots[i].t != NULL)
			return (1);
	return (0);
}

/* Append the input to the sequence log: length (4 bytes, LE), bytes. */
static void
fuzz_seq_append(const uint8_t *data, size_t size)
{
	uint8_t len[4] = { (uint8_t)size, (uint8_t)(size >> 8),
		(uint8_t)(size >> 16), (uint8_t)(size >> 24) };

	if (fuzz_seq_fd < 0)
		return;
	/* No stack lives: the inputs before cannot matter any more. */
	if (!fuzz_live() &&
	    (lseek(fuzz_seq_fd, 0, SEEK_SET) != 0 ||
		ftruncate(fuzz_seq_fd, 0) != 0))
		fuzz_fail("FUZZ_SEQ_LOG: %s", strerror(errno));
	if (write(fuzz_seq_fd, len, 4) != 4 ||
	    write(fuzz_seq_fd, data, size) != (ssize_t)size)
		fuzz_fail("FUZZ_SEQ_LOG: %s", strerror(errno));
}

void
fuzz_begin(const uint8_t *data, size_t size)
{
	static int once;
	time_t now;

	if (!once++)
		fuzz_once();
	fuzz_ninputs++;
	now = time(NULL);
	fuzz_input_start = now;
	if (now - fuzz_stats_last >= FUZZ_STATS_EVERY) {
		fuzz_stats_last = now;
		fuzz_stats_write("#fuzz ");
	}
	fuzz_seq_append(data, size);
	/* The same draws from rte_rand() alone or after other inputs. */
	rte_srand(FUZZ_SEED_INPUT);
}

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FUZZ INVARIANT: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fuzz_stats();
	abort();
}

static struct ff_test *
fuzz_stack_new(const char *config)
{
	char err[256];
	struct ff_test *t;

	/* Quiet: the EAL logs only errors. */
	if (ff_test_eal_init(1) != 0)
		fuzz_fail("EAL did not start");
	rte_srand(FUZZ_SEED_CREATE);
	if ((t = ff_test_create(config, err, sizeof(err))) == NULL)
		fuzz_fail("stack: %s", err);
	fuzz_drain(t, NULL, NULL); /* gratuitous ARP of the addresses */
	rte_srand(FUZZ_SEED_INPUT);
	return (t);
}

struct ff_test *
fuzz_stack(const char *config)
{
	int i;

	for (i = 0; i < FUZZ_SLOTS; i++)
		if (fuzz_slots[i].t != NULL && fuzz_slots[i].config == config)
			return (fuzz_slots[i].t);
	for (i = 0; i < FUZZ_SLOTS; i++)
		if (fuzz_slots[i].t == NULL) {
			fuzz_slots[i].config = config;
			return (fuzz_slots[i].t = fuzz_stack_new(config));
		}
	fuzz_fail("more than %d stack configs", FUZZ_SLOTS);
}

/* Destroy every stack; each must give back every mbuf. */
static void
fuzz_stacks_destroy(void)
{
	int i, left;

	for (i = 0; i < FUZZ_SLOTS; i++) {
		if (fuzz_slots[i].t == NULL)
			continue;
		if ((left = ff_test_destroy(fuzz_slots[i].t)) != 0)
			fuzz_fail("%d mbufs lost by destroy", left);
		fuzz_slots[i].t = NULL;
	}
	fuzz_uses = 0;
}

/* Replay a sequence log (FUZZ_REPLAY): every input in order, then exit. */
static void
fuzz_replay(const char *path)
{
	static uint8_t buf[1 << 20];
	unsigned long n = 0;
	uint8_t len[4];
	uint32_t size;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "FUZZ_REPLAY %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fread(len, 1, 4, f) == 4) {
		size = (uint32_t)len[0] | (uint32_t)len[1] << 8 |
		    (uint32_t)len[2] << 16 | (uint32_t)len[3] << 24;
		if (size > sizeof(buf) || fread(buf, 1, size, f) != size) {
			fprintf(stderr, "FUZZ_REPLAY %s: cut short\n", path);
			exit(2);
		}
		(void)LLVMFuzzerTestOneInput(buf, size);
		n++;
	}
	fclose(f);
	fprintf(stderr, "FUZZ_REPLAY: %lu inputs, no finding\n", n);
	exit(0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e;
	int i;

	for (i = 1; i < *argc; i++)
		if (strncmp((*argv)[i], "-timeout=", 9) == 0)
			fuzz_timeout = (unsigned int)atoi((*argv)[i] + 9);
	if ((e = getenv("FUZZ_REPLAY")) != NULL && *e != '\0')
		fuzz_replay(e);
	return (0);
}

void
fuzz_check(struct ff_test *t, const char *where)
{
	char err[256];

	if (ff_test_check(t, err, sizeof(err)) != 0)
		fuzz_fail("%s: %s", where, err);
}

uint64_t
fuzz_counter(struct ff_test *t, const char *name)
{
	uint64_t v = 0;

	if (ff_test_counter(t, name, &v) != 0)
		fuzz_fail("no counter %s", name);
	return (v);
}

void
fuzz_inject(struct ff_test *t, const void *frame, size_t len)
{
	fuzz_inject_split(t, frame, len, NULL, 0);
}

void
fuzz_inject_split(struct ff_test *t, const void *frame, size_t len,
    const uint32_t *cuts, int ncuts)
{
	if (len > FUZZ_FRAME_MAX)
		len = FUZZ_FRAME_MAX;
	while (ncuts > 0 && cuts[ncuts - 1] >= len)
		ncuts--;
	/* A full rx queue or an empty pool is the stack's to count. */
	if (ncuts == 0)
		(void)ff_test_inject(t, 0, frame, (uint32_t)len, 0);
	else
		(void)ff_test_inject_split(
		    t, 0, frame, (uint32_t)len, cuts, ncuts);
	fuzz_nframes++;
	ff_test_run(t);
}

void
fuzz_drain(struct ff_test *t,
    void (*fn)(void *arg, const uint8_t *f, size_t len), void *arg)
{
	static uint8_t buf[65536];
	int port, n;

	/* Frames waiting in a port's tx buffer go out with the loop's flush. */
	ff_test_run(t);
	for (port = 0; port < 2; port++)
		/* 0: none left; -ENODEV: no such port in this config. */
		while ((n = ff_test_pop(t, port, buf, sizeof(buf))) != 0 &&
		    n != -ENODEV) {
			if (n > 0 && port == 0 && fn != NULL)
				fn(arg, buf, (size_t)n);
		}
}

/* Anything a timer will still free: control blocks, queues, ARP entries. */
static int
settle_pending(struct ff_test *t, int flags)
{
	/* Most often an ARP entry: asked first. */
	if ((flags & FUZZ_STRICT) == 0)
		return (fuzz_counter(t, "tcp.tcb_count") > 0);
	return (fuzz_counter(t, "arp.nentries") > 0 ||
	    fuzz_counter(t, "tcp.tcb_count") > 0 ||
	    fuzz_counter(t, "tcp.syncache_count") > 0 ||
	    fuzz_counter(t, "so.tcp_pcbs") > 0 ||
	    fuzz_counter(t, "ip.ipq_count") > 0);
}

void
fuzz_settle_end(struct ff_test *t, int flags)
{
	static const char *const gone[] = { "tcp.tcb_count",
		"tcp.syncache_count", "so.sockets", "so.files", "so.tcp_pcbs",
		"so.udp_pcbs", "ip.ipq_count", "ip.frag_count",
		"arp.nentries" };
	unsigned int i;
	int left;

	fuzz_check(t, "after the input");
	fuzz_drain(t, NULL, NULL);
	for (i = 0; i < SETTLE_STEPS && settle_pending(t, flags); i++) {
		ff_test_advance(
		    t, i < SETTLE_FINE ? SETTLE_STEP : SETTLE_LONG_STEP, 0);
		fuzz_drain(t, NULL, NULL);
		fuzz_check(t, "settling");
	}
	fuzz_check(t, "settled");
	for (i = 0;
	     (flags & FUZZ_STRICT) != 0 && i < sizeof(gone) / sizeof(gone[0]);
	     i++)
		if (fuzz_counter(t, gone[i]) != 0)
			fuzz_fail("%s is %llu after everything was closed and "
				  "every timer ran",
			    gone[i],
			    (unsigned long long)fuzz_counter(t, gone[i]));
	if ((flags & FUZZ_STRICT) != 0 && (left = ff_test_mbufs_in_use(t)) != 0)
		fuzz_fail("%d mbufs not back in the pool", left);
	if ((flags & FUZZ_STRICT) != 0) {
		/* What a closed connection leaves: its path's metrics. */
		if (ff_test_sysctl_set(
			t, "net.inet.tcp.hostcache.purgenow", "1") != 0 ||
		    fuzz_counter(t, "tcp.hostcache_count") != 0)
			fuzz_fail("hostcache purge");
		if (++fuzz_uses < fuzz_reuse)
			return;
	}
	/* Not back at the baseline, or served its inputs: made anew. */
	for (i = 0; i < FUZZ_SLOTS; i++)
		if (fuzz_slots[i].t == t) {
			fuzz_slots[i].t = NULL;
			if ((left = ff_test_destroy(t)) != 0)
				fuzz_fail("%d mbufs lost by destroy", left);
		}
	if (fuzz_uses >= fuzz_reuse)
		fuzz_stacks_destroy();
}

uint16_t
fuzz_cksum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t
fuzz_ip_frame(uint8_t *f, const uint8_t *dst_mac, uint32_t src, uint32_t dst,
    uint8_t proto, uint16_t id, uint16_t off, const void *l4, size_t len)
{
	uint8_t *ip = f + 14;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, FUZZ_PEER_MAC, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, id);
	put16(ip + 6, off);
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, fuzz_cksum(ip, 20, 0));
	memcpy(ip + 20, l4, len);
	return (14 + 20 + len);
}

uint16_t
fuzz_l4_cksum(
    uint32_t src, uint32_t dst, uint8_t proto, const void *seg, size_t len)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
	    (dst & 0xffff) + proto + (uint32_t)len;

	return (fuzz_cksum(seg, len, sum));
}

uint8_t
fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	(void)fuzz_bytes(in, &v, 1);
	return (v);
}

uint16_t
fuzz_u16(struct fuzz_in *in)
{
	return ((uint16_t)(fuzz_u8(in) | fuzz_u8(in) << 8));
}

uint32_t
fuzz_u32(struct fuzz_in *in)
{
	return ((uint32_t)fuzz_u16(in) | (uint32_t)fuzz_u16(in) << 16);
}

size_t
fuzz_bytes(struct fuzz_in *in, void *out, size_t want)
{
	size_t n = want < in->n ? want : in->n;

	memcpy(out, in->p, n);
	in->p += n;
	in->n -= n;
	return (n);
}
