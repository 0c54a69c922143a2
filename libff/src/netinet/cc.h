/*
 * cc.h - the congestion control framework, after FreeBSD's cc(4) and
 * cc(9) (netinet/cc/cc.h): an algorithm is a table of hooks that TCP
 * calls on ACKs, on congestion signals and at the end of recovery; it
 * owns snd_cwnd and snd_ssthresh and nothing else.
 *
 * Algorithms register per stack (tcp_cc.c) and are listed by
 * net.inet.tcp.cc.available; net.inet.tcp.cc.algorithm picks the one
 * new connections get (a running connection keeps its own).  NewReno
 * (tcp_cc_newreno.c, RFC 5681 and RFC 6582) and CUBIC (tcp_cc_cubic.c,
 * RFC 9438, the default as in FreeBSD 14) are built in; an algorithm
 * keeps its per-connection state in cc_var.cc_mem (no allocation on the
 * packet path).
 */
#ifndef _NETINET_CC_H_
#define _NETINET_CC_H_

#include <stdint.h>

struct tcpcb;

#define TCP_CA_NAME_MAX 16 /* FreeBSD's, with the NUL */
#define CC_MEM_SIZE	64 /* bytes of per-connection algorithm state */

/* Per-connection view an algorithm works on. */
struct cc_var {
	const struct cc_algo *cc_algo;	  /* this connection's algorithm */
	struct tcpcb *tp;		  /* the connection */
	uint32_t flags;			  /* CCF_* */
	uint32_t bytes_this_ack;	  /* bytes acked by this ACK */
	uint32_t nsegs;			  /* segments this ACK covers */
	uint32_t curack;		  /* the ACK's sequence number */
	uint64_t cc_mem[CC_MEM_SIZE / 8]; /* algorithm's own state */
};

/* cc_var.flags */
#define CCF_ABC_SENTAWND 0x0001 /* a window's worth acked (ABC) */
#define CCF_CWND_LIMITED 0x0002 /* sending is limited by cwnd */
#define CCF_DELACK	 0x0004 /* the ACK was delayed */
#define CCF_ACKNOW	 0x0008 /* will ack immediately */

/* ack_received() types. */
#define CC_ACK	  0x0001 /* a regular in-sequence ACK */
#define CC_DUPACK 0x0002 /* a duplicate ACK */

/* cong_signal() types (FreeBSD's values). */
#define CC_ECN	   0x01 /* ECN marked packet received */
#define CC_RTO	   0x02 /* retransmit timeout */
#define CC_RTO_ERR 0x04 /* the RTO was spurious */
#define CC_NDUPACK 0x08 /* threshold of duplicate ACKs reached */

struct cc_algo {
	char name[TCP_CA_NAME_MAX];
	/* Connection start: set up cc_mem.  0 or a negative errno. */
	int (*cb_init)(struct cc_var *ccv);
	void (*cb_destroy)(struct cc_var *ccv);
	/* Handshake done: initial window (RFC 6928 / 5681 3.1). */
	void (*conn_init)(struct cc_var *ccv);
	/* An ACK for new data (CC_ACK) or a duplicate (CC_DUPACK). */
	void (*ack_received)(struct cc_var *ccv, uint16_t type);
	/* Loss or congestion: CC_NDUPACK, CC_RTO, CC_RTO_ERR, CC_ECN. */
	void (*cong_signal)(struct cc_var *ccv, uint32_t type);
	/* Recovery ended (a full ACK past snd_recover). */
	void (*post_recovery)(struct cc_var *ccv);
	/* Sending restarts after an idle period (RFC 5681 4.1). */
	void (*after_idle)(struct cc_var *ccv);
};

struct ff_ctx;

/* tcp_cc.c: registry and the hooks' common helpers. */
int cc_register(struct ff_ctx *ctx, const struct cc_algo *algo);
const struct cc_algo *cc_lookup(struct ff_ctx *ctx, const char *name);
int cc_sysctl_attach(struct ff_ctx *ctx);
/* Attach the stack's default algorithm to tp (cc_var set up). */
void cc_attach(struct ff_ctx *ctx, struct tcpcb *tp);
void cc_detach(struct tcpcb *tp);
void cc_conn_init(struct tcpcb *tp);
void cc_ack_received(struct tcpcb *tp, uint32_t acked, uint16_t type);
void cc_cong_signal(struct tcpcb *tp, uint32_t type);
void cc_post_recovery(struct tcpcb *tp);

/* End of fast recovery shared by NewReno and CUBIC (tcp_cc_newreno.c). */
void newreno_cc_post_recovery(struct cc_var *ccv);
void cc_after_idle(struct tcpcb *tp);
/* Initial window in bytes (RFC 6928 with initcwnd_segments). */
uint32_t cc_initial_window(struct tcpcb *tp);

/* The algorithms we carry. */
extern const struct cc_algo newreno_cc_algo;
extern const struct cc_algo cubic_cc_algo; /* the default */

#endif /* _NETINET_CC_H_ */
