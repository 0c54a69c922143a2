/*
 * ff_test_overload.c - load for the overload tests: a SYN flood built
 * and injected in C (100,000 SYNs in well under a second, where ctypes
 * and scapy per frame would take minutes), and a hold on the mbuf pool
 * that a test takes and gives back to run the stack nearly dry.
 *
 * Entry points: ff_test_synflood(), ff_test_synflood_cycles(),
 * ff_test_mbuf_hold(), ff_test_mbuf_release().
 *
 * The flood's sources are 198.19.0.0/16 (off-link: the SYN-ACKs go to
 * the gateway, whose ARP entry the test sets), random ports and ISNs
 * from a seeded xorshift, each SYN with an MSS option.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "kern/kern_mbuf.h"
#include "testport/ff_testport.h"

#define FLOOD_BURST 32
#define FLOOD_LEN   (RTE_ETHER_HDR_LEN + 20 + 24)

static uint64_t
flood_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 0x2545f4914f6cdd1dULL);
}

/* One SYN from 198.19.x.y:sport to dst:dport into f. */
static void
flood_frame(uint8_t *f, const struct rte_ether_addr *dmac, uint32_t dst,
    uint16_t dport, uint64_t r)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t *opt = (uint8_t *)(th + 1);
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0xaa, 0x01 };

	memset(f, 0, FLOOD_LEN);
	eh->dst_addr = *dmac;
	memcpy(&eh->src_addr, smac, 6);
	eh->ether_type = htons(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = htons(20 + 24);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = htonl(0xc6130000u | (uint32_t)(r & 0xffff));
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->src_port = htons((uint16_t)(1024 + ((r >> 16) % 64000)));
	th->dst_port = dport;
	th->sent_seq = htonl((uint32_t)(r >> 32));
	th->data_off = (20 + 4) << 2;
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = htons(65535);
	opt[0] = 2;
	opt[1] = 4;
	opt[2] = 1460 >> 8;
	opt[3] = 1460 & 0xff;
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
}

static void
flood_drain(struct ff_test *t)
{
	struct rte_mbuf *m;
	int i;

	for (i = 0; i < t->t_ctx->nb_ports; i++)
		while ((m = ff_testport_tx_get(t->t_ctx->ports[i])) != NULL)
			rte_pktmbuf_free(m);
}

/* The test port numbered port and the flood's target address. */
static struct ff_port *
flood_target(struct ff_test *t, int port, const char *dst, struct in_addr *a)
{
	int j;

	if (inet_pton(AF_INET, dst, a) != 1)
		return (NULL);
	for (j = 0; j < t->t_ctx->nb_ports; j++)
		if (t->t_ctx->ports[j]->p_port_id == port)
			return (t->t_ctx->ports[j]);
	return (NULL);
}

/*
 * count SYNs to dst:dport (dst dotted, dport host order) on port, in
 * bursts, each burst run through the loop and what the stack sent
 * dropped; the clock moves step_ms every 1024 SYNs.  Returns the SYNs
 * injected.
 */
int
ff_test_synflood(struct ff_test *t, int port, const char *dst, int dport,
    uint32_t count, uint64_t seed, uint32_t step_ms)
{
	uint8_t f[FLOOD_LEN];
	struct ff_port *p;
	struct in_addr a;
	uint64_t s = seed ? seed : 0x9e3779b97f4a7c15ULL;
	uint32_t i;
	int n = 0;

	if ((p = flood_target(t, port, dst, &a)) == NULL)
		return (-EINVAL);
	for (i = 0; i < count; i++) {
		flood_frame(f, (const struct rte_ether_addr *)&p->p_mac,
		    a.s_addr, htons((uint16_t)dport), flood_rand(&s));
		if (ff_test_inject(t, port, f, FLOOD_LEN, 0) == 0)
			n++;
		if ((i + 1) % FLOOD_BURST == 0) {
			ff_test_run(t);
			flood_drain(t);
		}
		if (step_ms != 0 && (i + 1) % 1024 == 0)
			ff_test_advance(t, (uint64_t)step_ms * FF_NS_PER_MS, 0);
	}
	ff_test_run(t);
	flood_drain(t);
	return (n);
}

/*
 * The cost of a flood SYN (bench/syncache_bench.py): as
 * ff_test_synflood() without a clock step, but each burst's frames are
 * built before the clock starts, so *cycles (TSC) counts only what the
 * stack does: the frames' copies into mbufs (as a driver's receive), the
 * loop that takes them in, and the SYN-ACKs handed to the port; freeing
 * those afterwards is not counted.  Returns the SYNs injected.
 */
int
ff_test_synflood_cycles(struct ff_test *t, int port, const char *dst, int dport,
    uint32_t count, uint64_t seed, uint64_t *cycles)
{
	static uint8_t f[FLOOD_BURST][FLOOD_LEN];
	struct ff_port *p;
	struct in_addr a;
	uint64_t s = seed ? seed : 0x9e3779b97f4a7c15ULL, t0, sum = 0;
	uint32_t i, b, nb;
	int n = 0;

	if ((p = flood_target(t, port, dst, &a)) == NULL)
		return (-EINVAL);
	for (i = 0; i < count; i += nb) {
		nb = count - i < FLOOD_BURST ? count - i : FLOOD_BURST;
		for (b = 0; b < nb; b++)
			flood_frame(f[b],
			    (const struct rte_ether_addr *)&p->p_mac, a.s_addr,
			    htons((uint16_t)dport), flood_rand(&s));
		t0 = rte_rdtsc();
		for (b = 0; b < nb; b++)
			if (ff_test_inject(t, port, f[b], FLOOD_LEN, 0) == 0)
				n++;
		ff_test_run(t);
		sum += rte_rdtsc() - t0;
		flood_drain(t);
	}
	*cycles = sum;
	return (n);
}

/* Take up to n mbufs out of the stack's pool; returns how many are held. */
int
ff_test_mbuf_hold(struct ff_test *t, uint32_t n)
{
	struct rte_mbuf **h;
	struct rte_mbuf *m;

	h = realloc(t->t_held, (t->t_nheld + n) * sizeof(*h));
	if (h == NULL)
		return (-ENOMEM);
	t->t_held = h;
	while (n-- > 0 && (m = rte_pktmbuf_alloc(t->t_pool)) != NULL)
		t->t_held[t->t_nheld++] = m;
	ff_ctx_set_current(t->t_ctx);
	(void)mbuf_pressure_update(t->t_ctx);
	return ((int)t->t_nheld);
}

/* Give every held mbuf back. */
int
ff_test_mbuf_release(struct ff_test *t)
{
	int n = (int)t->t_nheld;

	if (n > 0)
		rte_pktmbuf_free_bulk(t->t_held, t->t_nheld);
	free(t->t_held);
	t->t_held = NULL;
	t->t_nheld = 0;
	if (t->t_ctx != NULL && t->t_ctx->stack != NULL)
		(void)mbuf_pressure_update(t->t_ctx);
	return (n);
}
