/*
 * ip.h - the IPv4 header and its options on the wire (RFC 791).
 *
 * struct ip is the BSD layout that the C library's <netinet/ip.h> already
 * declares (DPDK's rte_ip.h pulls it in, so a second declaration would
 * clash): ip_hl and ip_v bit-fields, then ip_tos, ip_len, ip_id, ip_off,
 * ip_ttl, ip_p, ip_sum, ip_src, ip_dst, all in network byte order.  This
 * file adds what that header lacks, and ip_hdr_t, the type the stack
 * reads and writes headers through; tests/stack/test_wire.py pins the
 * layout with golden bytes.
 */
#ifndef _NETINET_IP_H_
#define _NETINET_IP_H_

#include <stdint.h>
#include <netinet/in.h>
#include <netinet/ip.h>

/*
 * struct ip where a frame has it.  Behind DPDK's 128-byte headroom and a
 * 14-byte Ethernet header the IP header starts 2 bytes off a 4-byte
 * boundary, and struct ip asks for 4 (its in_addr members): an access
 * through it there is undefined behaviour (UBSan's alignment check says
 * so), even where the CPU does not mind.  A typedef may lower the
 * alignment of a type (GCC and Clang): through ip_hdr_t the compiler
 * knows the header may sit at any even address, and makes every access
 * one that is right there.  tcp_hdr_t (tcp.h) does the same for struct
 * tcphdr; struct icmp (ip_icmp.h) is our own, packed.
 */
typedef struct ip ip_hdr_t __attribute__((__aligned__(2)));

#define IP_MINHDRLEN  20
#define IP_MAXHDRLEN  60
#define IP_HDRLEN(ip) ((int)(ip)->ip_hl << 2)

/* Set version 4 and a header of hlen bytes. */
#define IP_SET_VHL(ip, hlen)                             \
	do {                                             \
		(ip)->ip_v = IPVERSION;                  \
		(ip)->ip_hl = (unsigned int)(hlen) >> 2; \
	} while (0)

#ifndef IPOPT_RA
#define IPOPT_RA 148 /* router alert */
#endif

#endif /* _NETINET_IP_H_ */
