/*
 * synflood_sender.c - TCP SYNs as fast as one core sends them, for the
 * SYN-flood benchmark (bench/synflood.py) and nothing else.
 *
 *   synflood_sender IFACE DST_MAC DST_IP DPORT SECONDS [RATE]
 *
 * Writes Ethernet frames on IFACE through an AF_PACKET socket, in
 * batches of sendmmsg(2): IPv4 SYNs to DST_IP:DPORT from random sources
 * in 198.19.0.0/16 (RFC 2544's benchmarking range, never routed) and
 * random ports, with correct IP and TCP checksums and an MSS option, so
 * that the server under test has to answer each one.  RATE (frames per
 * second, default 0: no limit) paces the batches.  Stops after SECONDS
 * (at most 10) and prints the number of frames sent.
 *
 * Run it only inside the benchmark's own network namespace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	  64
#define FRAME_LEN (14 + 20 + 24) /* Ethernet, IPv4, TCP with MSS */

static uint16_t
cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return (sum);
}

/* xorshift64: fast and good enough for addresses and ports. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* One SYN from a random source into f (the Ethernet header is set). */
static void
make_syn(uint8_t *f, uint32_t dst, uint16_t dport, uint64_t *seed)
{
	uint8_t *ip = f + 14, *tcp = ip + 20, pseudo[12];
	uint64_t r = rnd(seed);
	uint32_t src = (198u << 24) | (19u << 16) | (uint32_t)(r & 0xffff);
	uint32_t sum;

	memset(ip, 0, 20 + 24);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 24);
	put16(ip + 4, (uint16_t)(r >> 16));
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, cksum_fold(cksum_add(0, ip, 20)));
	put16(tcp, (uint16_t)(1024 + (r >> 32) % 64000));
	put16(tcp + 2, dport);
	put32(tcp + 4, (uint32_t)rnd(seed));
	tcp[12] = 6 << 4; /* 24 bytes */
	tcp[13] = 0x02;	  /* SYN */
	put16(tcp + 14, 65535);
	tcp[20] = 2; /* MSS 1460 */
	tcp[21] = 4;
	put16(tcp + 22, 1460);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, 24);
	sum = cksum_add(cksum_add(0, pseudo, 12), tcp, 24);
	put16(tcp + 16, cksum_fold(sum));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	static uint8_t frames[BATCH][FRAME_LEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll;
	unsigned int mac[6];
	uint8_t dmac[6];
	struct in_addr dst;
	uint64_t seed = 0x9e3779b97f4a7c15ULL, sent = 0;
	double secs, start, end, rate = 0;
	struct timespec nap = { 0, 20000 };
	int fd, i, n;

	if ((argc != 6 && argc != 7) ||
	    sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2],
		&mac[3], &mac[4], &mac[5]) != 6 ||
	    inet_pton(AF_INET, argv[3], &dst) != 1) {
		fprintf(stderr,
		    "usage: synflood_sender IFACE DST_MAC DST_IP DPORT "
		    "SECONDS [RATE]\n");
		return (2);
	}
	secs = atof(argv[5]);
	if (secs <= 0 || secs > 10) {
		fprintf(stderr, "synflood_sender: SECONDS must be 0-10\n");
		return (2);
	}
	if (argc == 7)
		rate = atof(argv[6]);
	for (i = 0; i < 6; i++)
		dmac[i] = (uint8_t)mac[i];
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("synflood_sender: socket");
		return (1);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		perror("synflood_sender: bind");
		return (1);
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		memcpy(frames[i], dmac, 6);
		/* Source MAC: locally administered, not the interface's. */
		memcpy(frames[i] + 6, "\x02\x19\x00\x00\x00\x01", 6);
		put16(frames[i] + 12, ETHERTYPE_IP);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = FRAME_LEN;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now();
	end = start + secs;
	while (now() < end) {
		/* Paced: no batch before its time, and the CPU given up
		 * meanwhile (the load generators share it). */
		if (rate > 0 && sent > (now() - start) * rate) {
			nanosleep(&nap, NULL);
			continue;
		}
		for (i = 0; i < BATCH; i++)
			make_syn(
			    frames[i], ntohl(dst.s_addr), atoi(argv[4]), &seed);
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += (uint64_t)n;
	}
	close(fd);
	printf("%llu\n", (unsigned long long)sent);
	return (0);
}
