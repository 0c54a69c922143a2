/*
 * if_ether.h - Ethernet, 802.1Q and ARP wire formats (IEEE 802.3,
 * IEEE 802.1Q, RFC 826), after FreeBSD's net/ethernet.h and
 * netinet/if_ether.h.
 *
 * Only layouts and constants live here; ether_input/ether_output are in
 * if_ethersubr.c and ARP in netinet/if_ether.c.
 */
#ifndef _NET_IF_ETHER_H_
#define _NET_IF_ETHER_H_

#include <stdint.h>

#define ETHER_ADDR_LEN	     6
#define ETHER_TYPE_LEN	     2
#define ETHER_HDR_LEN	     14
#define ETHER_VLAN_ENCAP_LEN 4	/* one 802.1Q tag */
#define ETHER_MIN_LEN	     64 /* with CRC */
#define ETHER_CRC_LEN	     4
#define ETHERMTU	     1500
#define ETHER_MIN_FRAME	     (ETHER_MIN_LEN - ETHER_CRC_LEN) /* 60 */

#define ETHERTYPE_IP   0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_MIN  0x0600 /* below: an 802.3 length field */

/* A link-level address (FreeBSD's net/ethernet.h). */
struct ether_addr {
	uint8_t octet[ETHER_ADDR_LEN];
} __attribute__((__packed__));

struct ether_header {
	uint8_t ether_dhost[ETHER_ADDR_LEN]; /* destination */
	uint8_t ether_shost[ETHER_ADDR_LEN]; /* source */
	uint16_t ether_type;		     /* network order */
} __attribute__((__packed__));

struct ether_vlan_header {
	uint8_t evl_dhost[ETHER_ADDR_LEN];
	uint8_t evl_shost[ETHER_ADDR_LEN];
	uint16_t evl_encap_proto; /* ETHERTYPE_VLAN */
	uint16_t evl_tag;	  /* PCP, DEI, VID */
	uint16_t evl_proto;	  /* the real type */
} __attribute__((__packed__));

#define ETHER_IS_MULTICAST(a) (((a)[0] & 0x01) != 0)
#define ETHER_IS_BROADCAST(a) \
	(((a)[0] & (a)[1] & (a)[2] & (a)[3] & (a)[4] & (a)[5]) == 0xff)
#define ETHER_IS_ZERO(a) \
	(((a)[0] | (a)[1] | (a)[2] | (a)[3] | (a)[4] | (a)[5]) == 0)

/* ARP (RFC 826): the fixed part, then addresses of ar_hln/ar_pln bytes. */
struct arphdr {
	uint16_t ar_hrd; /* hardware type */
	uint16_t ar_pro; /* protocol type */
	uint8_t ar_hln;	 /* hardware address length */
	uint8_t ar_pln;	 /* protocol address length */
	uint16_t ar_op;	 /* operation */
} __attribute__((__packed__));

#define ARPHRD_ETHER   1
#define ARPHRD_IEEE802 6
#define ARPOP_REQUEST  1
#define ARPOP_REPLY    2

/* ARP for IPv4 over Ethernet: 28 bytes. */
struct ether_arp {
	struct arphdr ea_hdr;
	uint8_t arp_sha[ETHER_ADDR_LEN]; /* sender hardware */
	uint8_t arp_spa[4];		 /* sender protocol */
	uint8_t arp_tha[ETHER_ADDR_LEN]; /* target hardware */
	uint8_t arp_tpa[4];		 /* target protocol */
} __attribute__((__packed__));

#endif /* _NET_IF_ETHER_H_ */
