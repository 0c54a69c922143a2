/*
 * tcp_seq.h - sequence number arithmetic modulo 2^32 (RFC 9293 3.4,
 * RFC 1982), after FreeBSD's netinet/tcp_seq.h: comparisons hold across
 * wraparound as long as the two numbers are less than 2^31 apart.
 */
#ifndef _NETINET_TCP_SEQ_H_
#define _NETINET_TCP_SEQ_H_

#include <stdint.h>

#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

#define SEQ_MIN(a, b) (SEQ_LT(a, b) ? (a) : (b))
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))

/* Timestamps compare the same way (RFC 7323 5.3: PAWS). */
#define TSTMP_LT(a, b)	SEQ_LT(a, b)
#define TSTMP_GT(a, b)	SEQ_GT(a, b)
#define TSTMP_GEQ(a, b) SEQ_GEQ(a, b)

/* Receive and send sequence space of a new connection. */
#define tcp_rcvseqinit(tp) ((tp)->rcv_adv = (tp)->rcv_nxt = (tp)->irs + 1)
#define tcp_sendseqinit(tp)                                             \
	((tp)->snd_una = (tp)->snd_nxt = (tp)->snd_max = (tp)->snd_up = \
		(tp)->iss,                                              \
	    (tp)->snd_recover = (tp)->iss - 1)

#endif /* _NETINET_TCP_SEQ_H_ */
