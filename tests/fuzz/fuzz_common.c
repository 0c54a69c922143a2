/*
 * fuzz_common.c - the shared part of the libFuzzer harnesses: a fresh
 * stack per input, frames in and out, the long settle at the end of an
 * input and the invariants after it.  See fuzz_common.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testport/ff_testport.h"
#include "fuzz_common.h"

#define NS_PER_SEC   1000000000ULL
#define SETTLE_STEP  (10 * NS_PER_SEC)
#define SETTLE_STEPS 600 /* 6000 s: past ARP expiry and every TCP give-up */

/*
 * kern.hz=100: a lap of the timing wheel is 10.24 s, so the settle loop's
 * 10 s steps visit every bucket once.  A small pool makes each stack cheap
 * to create (an input's frames need few mbufs).
 */
const char fuzz_config[] = "[dpdk]\n"
			   "lcore_mask=1\n"
			   "port_list=0,1\n"
			   "nb_mbufs=1023\n"
			   "[freebsd.boot]\n"
			   "hz=100\n"
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

unsigned long long fuzz_nframes, fuzz_nmsgs;

static void
fuzz_stats(void)
{
	fprintf(stderr, "stat::fuzz_frames: %llu\nstat::fuzz_messages: %llu\n",
	    fuzz_nframes, fuzz_nmsgs);
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
	abort();
}

struct ff_test *
fuzz_stack(const char *config)
{
	static int once;
	char err[256];
	struct ff_test *t;

	if (!once++)
		atexit(fuzz_stats);
	/* Quiet: the EAL logs only errors. */
	if (ff_test_eal_init(1) != 0)
		fuzz_fail("EAL did not start");
	if ((t = ff_test_create(config, err, sizeof(err))) == NULL)
		fuzz_fail("stack: %s", err);
	fuzz_drain(t, NULL, NULL); /* gratuitous ARP of the addresses */
	return (t);
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
	if (len > FUZZ_FRAME_MAX)
		len = FUZZ_FRAME_MAX;
	/* A full rx queue or an empty pool is the stack's to count. */
	(void)ff_test_inject(t, 0, frame, (uint32_t)len, 0);
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
	if ((flags & FUZZ_STRICT) == 0)
		return (fuzz_counter(t, "tcp.tcb_count") > 0);
	return (fuzz_counter(t, "tcp.tcb_count") +
		fuzz_counter(t, "so.tcp_pcbs") +
		fuzz_counter(t, "ip.ipq_count") +
		fuzz_counter(t, "arp.nentries") >
	    0);
}

void
fuzz_settle_destroy(struct ff_test *t, int flags)
{
	static const char *const gone[] = { "tcp.tcb_count", "so.sockets",
		"so.files", "so.tcp_pcbs", "so.udp_pcbs", "ip.ipq_count",
		"ip.frag_count", "arp.nentries" };
	unsigned int i;
	int left;

	fuzz_check(t, "after the input");
	fuzz_drain(t, NULL, NULL);
	for (i = 0; i < SETTLE_STEPS && settle_pending(t, flags); i++) {
		ff_test_advance(t, SETTLE_STEP, 0);
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
	if ((left = ff_test_destroy(t)) != 0)
		fuzz_fail("%d mbufs lost by destroy", left);
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
