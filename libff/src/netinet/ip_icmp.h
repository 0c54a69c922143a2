/*
 * ip_icmp.h - ICMP messages on the wire (RFC 792, RFC 1191 next-hop MTU),
 * after FreeBSD's netinet/ip_icmp.h.
 */
#ifndef _NETINET_IP_ICMP_H_
#define _NETINET_IP_ICMP_H_

#include <stdint.h>

#include "netinet/ip.h"

struct icmp {
	uint8_t icmp_type;   /* type of message */
	uint8_t icmp_code;   /* type sub code */
	uint16_t icmp_cksum; /* ones complement of the message */
	union {
		uint8_t ih_pptr;	  /* PARAMPROB: pointer */
		struct in_addr ih_gwaddr; /* REDIRECT: gateway */
		struct ih_idseq {
			uint16_t icd_id;  /* echo identifier */
			uint16_t icd_seq; /* echo sequence */
		} __attribute__((__packed__)) ih_idseq;
		uint32_t ih_void; /* unused, zero */
		struct ih_pmtu {
			uint16_t ipm_void;
			uint16_t ipm_nextmtu; /* NEEDFRAG: next-hop MTU */
		} __attribute__((__packed__)) ih_pmtu;
	} icmp_hun;
} __attribute__((__packed__)) __attribute__((__aligned__(2)));

#define icmp_pptr    icmp_hun.ih_pptr
#define icmp_gwaddr  icmp_hun.ih_gwaddr
#define icmp_id	     icmp_hun.ih_idseq.icd_id
#define icmp_seq     icmp_hun.ih_idseq.icd_seq
#define icmp_void    icmp_hun.ih_void
#define icmp_nextmtu icmp_hun.ih_pmtu.ipm_nextmtu

#define ICMP_MINLEN    8	    /* header of every message */
#define ICMP_ADVLENMIN (8 + 20 + 8) /* error: header + ip + 64 bits */

#define ICMP_ECHOREPLY		       0
#define ICMP_UNREACH		       3
#define ICMP_UNREACH_NET	       0
#define ICMP_UNREACH_HOST	       1
#define ICMP_UNREACH_PROTOCOL	       2
#define ICMP_UNREACH_PORT	       3
#define ICMP_UNREACH_NEEDFRAG	       4
#define ICMP_UNREACH_SRCFAIL	       5
#define ICMP_UNREACH_NET_UNKNOWN       6
#define ICMP_UNREACH_HOST_UNKNOWN      7
#define ICMP_UNREACH_ISOLATED	       8
#define ICMP_UNREACH_NET_PROHIB	       9
#define ICMP_UNREACH_HOST_PROHIB       10
#define ICMP_UNREACH_TOSNET	       11
#define ICMP_UNREACH_TOSHOST	       12
#define ICMP_UNREACH_FILTER_PROHIB     13
#define ICMP_UNREACH_HOST_PRECEDENCE   14
#define ICMP_UNREACH_PRECEDENCE_CUTOFF 15
#define ICMP_SOURCEQUENCH	       4
#define ICMP_REDIRECT		       5
#define ICMP_ECHO		       8
#define ICMP_ROUTERADVERT	       9
#define ICMP_ROUTERSOLICIT	       10
#define ICMP_TIMXCEED		       11
#define ICMP_TIMXCEED_INTRANS	       0
#define ICMP_TIMXCEED_REASS	       1
#define ICMP_PARAMPROB		       12
#define ICMP_PARAMPROB_ERRATPTR	       0
#define ICMP_PARAMPROB_OPTABSENT       1
#define ICMP_PARAMPROB_LENGTH	       2
#define ICMP_TSTAMP		       13
#define ICMP_TSTAMPREPLY	       14
#define ICMP_IREQ		       15
#define ICMP_IREQREPLY		       16
#define ICMP_MASKREQ		       17
#define ICMP_MASKREPLY		       18
#define ICMP_MAXTYPE		       40

/* Informational (query) types: never answered with an error. */
#define ICMP_INFOTYPE(t)                                             \
	((t) == ICMP_ECHOREPLY || (t) == ICMP_ECHO ||                \
	    (t) == ICMP_ROUTERADVERT || (t) == ICMP_ROUTERSOLICIT || \
	    (t) == ICMP_TSTAMP || (t) == ICMP_TSTAMPREPLY ||         \
	    (t) == ICMP_IREQ || (t) == ICMP_IREQREPLY ||             \
	    (t) == ICMP_MASKREQ || (t) == ICMP_MASKREPLY)

#endif /* _NETINET_IP_ICMP_H_ */
