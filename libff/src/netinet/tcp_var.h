/*
 * tcp_var.h - TCP control block, statistics, tunables and the entry
 * points of the tcp_*.c files, after FreeBSD's netinet/tcp_var.h.
 *
 * struct tcpstat keeps FreeBSD's field names and order
 * (net.inet.tcp.stats, "S,tcpstat"); drops FreeBSD counts nowhere go to
 * struct tcpxstat (net.inet.tcp.xstats).  Both are written once, as the
 * lists TCPSTAT_LIST and TCPXSTAT_LIST (kern/kern_sysctl_stats.h).
 * Everything mutable lives in struct tcp_state (V_tcp(ctx)).
 *
 * Files: tcp_input.c (segment validation, the RFC 9293 state machine,
 * options), tcp_reass.c (out-of-order queue), tcp_output.c (segment
 * building, window updates, Nagle), tcp_timer.c (retransmit, delayed
 * ACK, 2MSL), tcp_subr.c (control blocks, ISNs, RSTs and bare ACKs,
 * drop and close, sysctls), tcp_usrreq.c (what the socket layer calls),
 * tcp_sack.c (SACK blocks, scoreboard, RFC 6675 recovery), tcp_cc.c,
 * tcp_cc_newreno.c and tcp_cc_cubic.c (congestion control),
 * tcp_hostcache.c (per-host metrics that outlive a connection).
 */
#ifndef _NETINET_TCP_VAR_H_
#define _NETINET_TCP_VAR_H_

#include <stdint.h>
#include <sys/queue.h>

#include "core/ff_callout.h"
#include "kern/kern_sysctl_stats.h"
#include "netinet/tcp.h"
#include "netinet/tcp_fsm.h"
#include "netinet/tcp_seq.h"
#include "netinet/cc.h"
#include "netinet/in_pcb.h"
#include "netinet/ip.h"
#include "netinet/tcp_syncache.h"
#include "netinet/tcp_hostcache.h"

struct ff_ctx;
struct ifnet;
struct inpcb;
struct socket;
struct rte_mbuf;

/*
 * Always 0 in ff, for the reason before each colon (FreeBSD keeps
 * them in the struct; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	FreeBSD counts it nowhere: tcps_minmssdrops
 *	    tcps_pcbcachemiss
 *	no TCP_MAXUNACKTIME: tcps_progdrops
 *	no spurious-RTO detection: tcps_sndrexmitbad
 *	no urgent data sent: tcps_sndurg
 *	no header prediction: tcps_predack tcps_preddat
 *	ICMP does not reach the syncache: tcps_sc_unreach
 *	no lost-rexmit detection: tcps_sack_lostrexmt
 *	no ECN: tcps_ecn_rcvce tcps_ecn_rcvect0 tcps_ecn_rcvect1
 *	    tcps_ecn_shs tcps_ecn_rcwnd tcps_ace_nect tcps_ace_ect1
 *	    tcps_ace_ect0 tcps_ace_ce tcps_ecn_sndect0 tcps_ecn_sndect1
 *	no TCP-MD5: tcps_sig_rcvgoodsig tcps_sig_rcvbadsig
 *	    tcps_sig_err_buildsig tcps_sig_err_sigopt
 *	    tcps_sig_err_nosigopt
 *	no PMTU blackhole detection: tcps_pmtud_blackhole_activated
 *	    tcps_pmtud_blackhole_activated_min_mss
 *	    tcps_pmtud_blackhole_failed
 *	no UDP tunnelling: tcps_tunneled_pkts tcps_tunneled_errs
 *	    tcps_tw_resets
 *	no TLP: tcps_dsack_tlp_bytes tcps_tlpresends
 *	    tcps_tlpresend_bytes
 *	room: _pad
 */
#define TCPSTAT_LIST(X, A)                                                     \
	X(tcps_connattempt)	/* connections initiated */                    \
	X(tcps_accepts)		/* connections accepted */                     \
	X(tcps_connects)	/* connections established */                  \
	X(tcps_drops)		/* connections dropped */                      \
	X(tcps_conndrops)	/* embryonic connections dropped */            \
	X(tcps_minmssdrops)	/* average minmss too low drops */             \
	X(tcps_closed)		/* conn. closed (includes drops) */            \
	X(tcps_segstimed)	/* segs where we tried to get rtt */           \
	X(tcps_rttupdated)	/* times we succeeded */                       \
	X(tcps_delack)		/* delayed acks sent */                        \
	X(tcps_timeoutdrop)	/* conn. dropped in rxmt timeout */            \
	X(tcps_rexmttimeo)	/* retransmit timeouts */                      \
	X(tcps_persisttimeo)	/* persist timeouts */                         \
	X(tcps_keeptimeo)	/* keepalive timeouts */                       \
	X(tcps_keepprobe)	/* keepalive probes sent */                    \
	X(tcps_keepdrops)	/* connections dropped in keepalive */         \
	X(tcps_progdrops)	/* drops due to no progress */                 \
	X(tcps_sndtotal)	/* total packets sent */                       \
	X(tcps_sndpack)		/* data packets sent */                        \
	X(tcps_sndbyte)		/* data bytes sent */                          \
	X(tcps_sndrexmitpack)	/* data packets retransmitted */               \
	X(tcps_sndrexmitbyte)	/* data bytes retransmitted */                 \
	X(tcps_sndrexmitbad)	/* unnecessary packet retransmissions */       \
	X(tcps_sndacks)		/* ack-only packets sent */                    \
	X(tcps_sndprobe)	/* window probes sent */                       \
	X(tcps_sndurg)		/* packets sent with URG only */               \
	X(tcps_sndwinup)	/* window update-only packets sent */          \
	X(tcps_sndctrl)		/* control (SYN|FIN|RST) packets sent */       \
	X(tcps_rcvtotal)	/* total packets received */                   \
	X(tcps_rcvpack)		/* packets received in sequence */             \
	X(tcps_rcvbyte)		/* bytes received in sequence */               \
	X(tcps_rcvbadsum)	/* packets received with ccksum errs */        \
	X(tcps_rcvbadoff)	/* packets received with bad offset */         \
	X(tcps_rcvreassfull)	/* packets dropped for no reass space */       \
	X(tcps_rcvshort)	/* packets received too short */               \
	X(tcps_rcvduppack)	/* duplicate-only packets received */          \
	X(tcps_rcvdupbyte)	/* duplicate-only bytes received */            \
	X(tcps_rcvpartduppack)	/* packets with some duplicate data */         \
	X(tcps_rcvpartdupbyte)	/* dup. bytes in part-dup. packets */          \
	X(tcps_rcvoopack)	/* out-of-order packets received */            \
	X(tcps_rcvoobyte)	/* out-of-order bytes received */              \
	X(tcps_rcvpackafterwin) /* packets with data after window */           \
	X(tcps_rcvbyteafterwin) /* bytes rcvd after window */                  \
	X(tcps_rcvafterclose)	/* packets rcvd after "close" */               \
	X(tcps_rcvwinprobe)	/* rcvd window probe packets */                \
	X(tcps_rcvdupack)	/* rcvd duplicate acks */                      \
	X(tcps_rcvacktoomuch)	/* rcvd acks for unsent data */                \
	X(tcps_rcvackpack)	/* rcvd ack packets */                         \
	X(tcps_rcvackbyte)	/* bytes acked by rcvd acks */                 \
	X(tcps_rcvwinupd)	/* rcvd window update packets */               \
	X(tcps_pawsdrop)	/* segments dropped due to PAWS */             \
	X(tcps_predack)		/* times hdr predict ok for acks */            \
	X(tcps_preddat)		/* times hdr predict ok for data pkts */       \
	X(tcps_pcbcachemiss)                                                   \
	X(tcps_cachedrtt)	      /* times cached RTT in route updated */  \
	X(tcps_cachedrttvar)	      /* times cached rttvar updated */        \
	X(tcps_cachedssthresh)	      /* times cached ssthresh updated */      \
	X(tcps_usedrtt)		      /* times RTT initialized from route */   \
	X(tcps_usedrttvar)	      /* times RTTVAR initialized from rt */   \
	X(tcps_usedssthresh)	      /* times ssthresh initialized from rt */ \
	X(tcps_persistdrop)	      /* timeout in persist state */           \
	X(tcps_badsyn)		      /* bogus SYN, e.g. premature ACK */      \
	X(tcps_mturesent)	      /* resends due to MTU discovery */       \
	X(tcps_listendrop)	      /* listen queue overflows */             \
	X(tcps_badrst)		      /* ignored RSTs in the window */         \
	X(tcps_sc_added)	      /* entry added to syncache */            \
	X(tcps_sc_retransmitted)      /* syncache entry was retransmitted */   \
	X(tcps_sc_dupsyn)	      /* duplicate SYN packet */               \
	X(tcps_sc_dropped)	      /* could not reply to packet */          \
	X(tcps_sc_completed)	      /* successful extraction of entry */     \
	X(tcps_sc_bucketoverflow)     /* syncache per-bucket limit hit */      \
	X(tcps_sc_cacheoverflow)      /* syncache cache limit hit */           \
	X(tcps_sc_reset)	      /* RST removed entry from syncache */    \
	X(tcps_sc_stale)	      /* timed out or listen socket gone */    \
	X(tcps_sc_aborted)	      /* syncache entry aborted */             \
	X(tcps_sc_badack)	      /* removed due to bad ACK */             \
	X(tcps_sc_unreach)	      /* ICMP unreachable received */          \
	X(tcps_sc_zonefail)	      /* zalloc() failed */                    \
	X(tcps_sc_sendcookie)	      /* SYN cookie sent */                    \
	X(tcps_sc_recvcookie)	      /* SYN cookie received */                \
	X(tcps_hc_added)	      /* entry added to hostcache */           \
	X(tcps_hc_bucketoverflow)     /* hostcache per bucket limit hit */     \
	X(tcps_finwait2_drops)	      /* FIN_WAIT_2 dropped after limit */     \
	X(tcps_sack_recovery_episode) /* SACK recovery episodes */             \
	X(tcps_sack_rexmits)	      /* SACK rexmit segments */               \
	X(tcps_sack_rexmit_bytes)     /* SACK rexmit bytes */                  \
	X(tcps_sack_rcv_blocks)	      /* SACK blocks (options) received */     \
	X(tcps_sack_send_blocks)      /* SACK blocks (options) sent */         \
	X(tcps_sack_lostrexmt)	      /* SACK lost retransmission recovered */ \
	X(tcps_sack_sboverflow)	      /* times scoreboard overflowed */        \
	X(tcps_ecn_rcvce)	      /* ECN Congestion Experienced */         \
	X(tcps_ecn_rcvect0)	      /* ECN Capable Transport */              \
	X(tcps_ecn_rcvect1)	      /* ECN Capable Transport */              \
	X(tcps_ecn_shs)		      /* ECN successful handshakes */          \
	X(tcps_ecn_rcwnd)	      /* # times ECN reduced the cwnd */       \
	X(tcps_sig_rcvgoodsig)	      /* Total matching signature received */  \
	X(tcps_sig_rcvbadsig)	      /* Total bad signature received */       \
	X(tcps_sig_err_buildsig)      /* Failed to make signature */           \
	X(tcps_sig_err_sigopt)	      /* No signature expected by socket */    \
	X(tcps_sig_err_nosigopt)      /* No signature provided by segment */   \
	X(tcps_pmtud_blackhole_activated)	  /* Black Hole Count */       \
	X(tcps_pmtud_blackhole_activated_min_mss) /* BH at min MSS */          \
	X(tcps_pmtud_blackhole_failed) /* Black Hole Failure Count */          \
	X(tcps_tunneled_pkts)	       /* Packets encap's in UDP received */   \
	X(tcps_tunneled_errs)	/* Errors in UDP-encapsulated packets */       \
	X(tcps_dsack_count)	/* Number of ACKs arriving with DSACKs */      \
	X(tcps_dsack_bytes)	/* Number of bytes DSACK'ed no TLP */          \
	X(tcps_dsack_tlp_bytes) /* Number of bytes DSACK'ed due to TLPs */     \
	X(tcps_tw_recycles)	/* Times time-wait was recycled. */            \
	X(tcps_tw_resets)	/* Times time-wait sent a reset. */            \
	X(tcps_tw_responds)	/* Times time-wait sent a valid ack. */        \
	X(tcps_ace_nect)	/* ACE SYN packet with Non-ECT */              \
	X(tcps_ace_ect1)	/* ACE SYN packet with ECT1 */                 \
	X(tcps_ace_ect0)	/* ACE SYN packet with ECT0 */                 \
	X(tcps_ace_ce)		/* ACE SYN packet with CE */                   \
	X(tcps_ecn_sndect0)	/* ECN Capable Transport */                    \
	X(tcps_ecn_sndect1)	/* ECN Capable Transport */                    \
	X(tcps_tlpresends)	/* number of tlp resends */                    \
	X(tcps_tlpresend_bytes) /* number of bytes resent by tlp */            \
	A(_pad, 4)		/* room, as FreeBSD keeps */

struct tcpstat {
	TCPSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(tcpstat, TCPSTAT_LIST);

/* Drops FreeBSD counts nowhere; ours (net.inet.tcp.xstats). */
#define TCPXSTAT_LIST(X, A)                                               \
	X(tcpx_badflags)       /* SYN with FIN or RST, no flags, ... */   \
	X(tcpx_badaddr)	       /* broadcast/multicast endpoint */         \
	X(tcpx_noport)	       /* no socket: answered with RST */         \
	X(tcpx_nombuf)	       /* no mbuf for a segment we send */        \
	X(tcpx_notsyn)	       /* LISTEN: not a SYN, dropped */           \
	X(tcpx_nopcb)	       /* no control block for a new conn. */     \
	X(tcpx_outofwin)       /* unacceptable segment (RFC 9293) */      \
	X(tcpx_synsentbadack)  /* SYN_SENT: ACK outside iss..snd_max */   \
	X(tcpx_noack)	       /* synchronized state, no ACK bit */       \
	X(tcpx_oerrors)	       /* ip_output refused a segment */          \
	X(tcpx_icmpnopcb)      /* ICMP error: no such connection */       \
	X(tcpx_icmpbadseq)     /* ICMP error: quoted seq not in flight */ \
	X(tcpx_icmpbadmtu)     /* ICMP frag-needed: MTU not smaller */    \
	X(tcpx_sc_badcookie)   /* ACK to a listener, bad cookie */        \
	X(tcpx_sc_nosock)      /* cache entry, no socket for it */        \
	X(tcpx_challenge_ack)  /* RFC 5961 challenge ACKs sent */         \
	X(tcpx_ackwar_limited) /* ... suppressed by the rate limit */     \
	X(tcpx_tw_rstignored)  /* RFC 1337: RST in TIME_WAIT */           \
	X(tcpx_blackholed)     /* closed port, no RST (blackhole) */      \
	X(tcpx_badsack)	       /* SACK block outside snd_una..snd_max */  \
	X(tcpx_sack_rescue)    /* RFC 6675 rescue retransmissions */      \
	X(tcpx_hc_nospace)     /* host cache full: entry not added */     \
	X(tcpx_ghostack)       /* ACK below snd_una - max window */

struct tcpxstat {
	TCPXSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(tcpxstat, TCPXSTAT_LIST);

/* Timers of one connection (FreeBSD's struct tcp_timer). */
struct tcp_timer {
	struct ff_callout tt_rexmt;   /* retransmit; also SYN */
	struct ff_callout tt_persist; /* zero-window probes (issue 5) */
	struct ff_callout tt_keep;    /* keepalive, connection setup limit */
	struct ff_callout tt_2msl;    /* TIME_WAIT */
	struct ff_callout tt_delack;  /* delayed ACK */
};

struct tseg_qent;
TAILQ_HEAD(tsegqe_head, tseg_qent);

/* A range the peer has not SACKed (tcp_sack.c's scoreboard). */
struct sackhole {
	tcp_seq start;		       /* first unSACKed sequence number */
	tcp_seq end;		       /* one after the last */
	tcp_seq rxmit;		       /* next to retransmit */
	int lost;		       /* RFC 6675 IsLost() of start */
	TAILQ_ENTRY(sackhole) scblink; /* by sequence number */
};
TAILQ_HEAD(sackhole_head, sackhole);

/* Totals over the scoreboard (RFC 6675 SetPipe). */
struct sackhint {
	uint32_t sacked_bytes;	    /* SACKed above snd_una */
	uint32_t lost_bytes;	    /* in holes IsLost() says are lost */
	uint32_t sack_bytes_rexmit; /* retransmitted from holes */
	int force_first;	    /* next: the hole at snd_una, now */
	tcp_seq rescue_rxt;	    /* RFC 6675 RescueRxt + 1: no rescue
					   until snd_una is past it */
};

#define MAX_SACK_BLKS 6 /* blocks we remember to report */

/* The TCP control block of one connection. */
struct tcpcb {
	TAILQ_ENTRY(tcpcb) t_link; /* tcp_state.tcb_list */
	/* tcp_state.delack_loop: its ACK goes at the iteration's end. */
	TAILQ_ENTRY(tcpcb) t_delack_link;
	int t_delack_queued;
	/* tcp_state.sndfull_wait: refused, output again once the port drains. */
	TAILQ_ENTRY(tcpcb) t_sndfull_link;
	int t_sndfull_queued;
	int t_sndfull_ack;     /* what it waits to send is an ACK */
	struct ff_ctx *t_ctx;  /* for timers */
	struct inpcb *t_inpcb; /* back pointer to internet pcb */
	int t_state;	       /* TCPS_* */
	uint32_t t_flags;      /* TF_* */

	/* Send sequence space (RFC 9293 3.3.1). */
	tcp_seq snd_una;      /* oldest unacknowledged */
	tcp_seq snd_max;      /* highest sent */
	tcp_seq snd_nxt;      /* next to send */
	tcp_seq snd_up;	      /* urgent pointer (unused) */
	tcp_seq snd_wl1;      /* seq of last window update */
	tcp_seq snd_wl2;      /* ack of last window update */
	tcp_seq iss;	      /* initial send sequence number */
	uint32_t snd_wnd;     /* peer's window, bytes */
	uint32_t snd_max_wnd; /* largest window peer offered */

	/* Receive sequence space. */
	tcp_seq irs;	  /* initial receive sequence number */
	tcp_seq rcv_nxt;  /* next expected */
	tcp_seq rcv_adv;  /* right edge we advertised */
	uint32_t rcv_wnd; /* window we offer, bytes */

	/* Congestion control (RFC 5681), see cc.h. */
	uint32_t snd_cwnd;	/* congestion window */
	uint32_t snd_ssthresh;	/* slow start threshold */
	tcp_seq snd_recover;	/* NewReno: snd_max at loss */
	uint32_t snd_cwnd_prev; /* before a retransmit timeout */
	uint32_t snd_ssthresh_prev;
	tcp_seq snd_recover_prev;
	int t_dupacks;		/* consecutive duplicate ACKs */
	uint32_t t_bytes_acked; /* for congestion avoidance */
	struct cc_var t_ccv;	/* the algorithm and its state */

	/* Segment size and options. */
	uint32_t t_maxseg;	 /* MSS we send with, payload bytes */
	uint8_t snd_scale;	 /* peer's window shift */
	uint8_t rcv_scale;	 /* our window shift */
	uint8_t request_r_scale; /* shift we asked for */
	uint32_t ts_recent;	 /* peer's last timestamp (RFC 7323) */
	uint32_t ts_recent_age;	 /* when it was recorded, ms */
	uint32_t ts_offset;	 /* our timestamp offset (RFC 7323 5.4) */

	/* Round-trip time and retransmission (RFC 6298). */
	uint64_t t_rtttime;    /* tick the timed segment left, 0 none */
	tcp_seq t_rtseq;       /* sequence number being timed */
	int t_srtt;	       /* smoothed rtt, ticks << TCP_RTT_SHIFT */
	int t_rttvar;	       /* rtt variance, ticks << TCP_RTTVAR_SHIFT */
	int t_rxtcur;	       /* current retransmit timeout, ticks */
	int t_rxtshift;	       /* backoff exponent */
	uint32_t t_rttupdated; /* rtt samples taken */
	uint64_t t_badrxtwin;  /* tick before which an RTO was spurious */
	int t_softerror;       /* possible error not yet reported */
	int t_force;	       /* persist: send one byte into win 0 */
	int t_sndfull;	       /* last segment refused: ENOBUFS */
	int t_persistshift;    /* persist backoff exponent */

	/* Reassembly (tcp_reass.c). */
	struct tsegqe_head t_segq; /* out-of-order data, by seq */
	int t_segqlen;		   /* entries (contiguous blocks) on it */
	uint32_t t_segqbytes;	   /* payload bytes on it */
	uint32_t t_segqmbcnt;	   /* mbuf buffer bytes on it */

	/* SACK (tcp_sack.c, RFC 2018, RFC 6675). */
	struct sackhole_head snd_holes; /* scoreboard, by sequence */
	int snd_numholes;		/* holes on it */
	tcp_seq snd_fack;		/* highest SACKed sequence + 1 */
	struct sackhint sackhint;	/* scoreboard totals */
	int rcv_numsacks;		/* blocks in sackblks */
	struct sackblk sackblks[MAX_SACK_BLKS]; /* to report, newest 1st */
	struct sackblk rcv_dsack; /* duplicate to report (RFC 2883);
					   none when start == end */

	struct tcp_timer t_timers;    /* callouts */
	uint64_t t_starttime;	      /* tick the connection began */
	uint64_t t_challenge_ack_end; /* tick the ack_war window ends */
	uint32_t t_challenge_ack_cnt; /* challenge ACKs in the window */
	int t_error;		      /* errno for the socket on drop */

	/* Keepalive (tcp_timer.c); 0 = the net.inet.tcp sysctl, ms. */
	uint64_t t_rcvtime;   /* tick the last segment arrived */
	uint32_t t_keepidle;  /* TCP_KEEPIDLE */
	uint32_t t_keepintvl; /* TCP_KEEPINTVL */
	uint32_t t_keepcnt;   /* TCP_KEEPCNT (probes) */

	/* Receive buffer autotuning (tcp_autotune.c). */
	uint32_t t_rfbuf_ts;  /* start of the measurement, ts ms */
	uint32_t t_rfbuf_cnt; /* bytes received since then */
	uint32_t t_rcvrtt;    /* RTT seen from timestamps, ms */

	/* This connection's share of tcpstat (netstat -T). */
	uint32_t t_sndrexmitpack; /* data segments retransmitted */
	uint32_t t_rcvoopack;	  /* out-of-order segments received */
	uint32_t t_sndzerowin;	  /* zero windows advertised */
};

/* t_flags: FreeBSD's names and values. */
#define TF_ACKNOW	0x00000001 /* ack peer immediately */
#define TF_DELACK	0x00000002 /* ack, but try to delay it */
#define TF_NODELAY	0x00000004 /* don't delay packets to coalesce */
#define TF_NOOPT	0x00000008 /* don't use tcp options */
#define TF_SENTFIN	0x00000010 /* have sent FIN */
#define TF_REQ_SCALE	0x00000020 /* have/will request window scaling */
#define TF_RCVD_SCALE	0x00000040 /* other side has requested scaling */
#define TF_REQ_TSTMP	0x00000080 /* have/will request timestamps */
#define TF_RCVD_TSTMP	0x00000100 /* a timestamp was received in SYN */
#define TF_SACK_PERMIT	0x00000200 /* other side said I could SACK */
#define TF_NEEDSYN	0x00000400 /* send SYN (implicit state) */
#define TF_NEEDFIN	0x00000800 /* send FIN (implicit state) */
#define TF_NOPUSH	0x00001000 /* don't push */
#define TF_PREVVALID	0x00002000 /* saved values for bad rxmit valid */
#define TF_MORETOCOME	0x00010000 /* more data to be appended to sock */
#define TF_LQ_OVERFLOW	0x00020000 /* listen queue overflow */
#define TF_LASTIDLE	0x00040000 /* connection was previously idle */
#define TF_RXWIN0SENT	0x00080000 /* sent a receiver win 0 in response */
#define TF_FASTRECOVERY 0x00100000 /* in NewReno Fast Recovery */
#define TF_WASFRECOVERY 0x00200000 /* was in NewReno Fast Recovery */
#define TF_CONGRECOVERY 0x01000000 /* congestion recovery mode */
#define TF_WASCRECOVERY 0x02000000 /* was in congestion recovery */

#define IN_FASTRECOVERY(f)    (((f)&TF_FASTRECOVERY) != 0)
#define IN_CONGRECOVERY(f)    (((f)&TF_CONGRECOVERY) != 0)
#define IN_RECOVERY(f)	      (((f) & (TF_CONGRECOVERY | TF_FASTRECOVERY)) != 0)
#define ENTER_FASTRECOVERY(f) ((f) |= TF_FASTRECOVERY)
#define EXIT_FASTRECOVERY(f)  ((f) &= ~TF_FASTRECOVERY)
#define ENTER_CONGRECOVERY(f) ((f) |= TF_CONGRECOVERY)
#define EXIT_CONGRECOVERY(f)  ((f) &= ~TF_CONGRECOVERY)
#define ENTER_RECOVERY(f)     ((f) |= (TF_CONGRECOVERY | TF_FASTRECOVERY))
#define EXIT_RECOVERY(f)      ((f) &= ~(TF_CONGRECOVERY | TF_FASTRECOVERY))

/* RTT estimator scaling (FreeBSD's, and RFC 6298's alpha and beta). */
#define TCP_RTT_SCALE	 32
#define TCP_RTT_SHIFT	 5
#define TCP_RTTVAR_SCALE 16
#define TCP_RTTVAR_SHIFT 4

#define TCP_MAXRXTSHIFT	  12	/* retransmissions before drop */
#define TCPTV_REXMTMAX_MS 64000 /* FreeBSD's TCPTV_REXMTMAX */
#define TCP_FINWAIT2_MS	  60000 /* orphaned FIN_WAIT_2 limit */
#define TCP_SEGQ_DEFAULT  100	/* net.inet.tcp.reass.maxqueuelen */
#define TCP_CC_MAX	  4	/* algorithms that may be registered */

/* A bounded pool of control blocks, recycled through a free list. */
TAILQ_HEAD(tcpcbhead, tcpcb);

/* All TCP state of one stack. */
struct tcp_state {
	struct tcpstat tcpstat;	  /* net.inet.tcp.stats */
	struct tcpxstat tcpxstat; /* net.inet.tcp.xstats */

	/* Tunables: FreeBSD's MIB names and defaults. */
	int mssdflt;		/* net.inet.tcp.mssdflt */
	int minmss;		/* net.inet.tcp.minmss */
	int rfc1323;		/* net.inet.tcp.rfc1323 */
	int sendspace;		/* net.inet.tcp.sendspace */
	int recvspace;		/* net.inet.tcp.recvspace */
	int delayed_ack;	/* net.inet.tcp.delayed_ack */
	int delacktime;		/* net.inet.tcp.delacktime, ms */
	int msl;		/* net.inet.tcp.msl, ms */
	int rexmit_initial;	/* net.inet.tcp.rexmit_initial, ms */
	int rexmit_min;		/* net.inet.tcp.rexmit_min, ms */
	int rexmit_slop;	/* net.inet.tcp.rexmit_slop, ms */
	int initcwnd_segments;	/* net.inet.tcp.initcwnd_segments */
	int do_rfc6675_pipe;	/* reserved for SACK (issue 5) */
	int reass_maxqueuelen;	/* net.inet.tcp.reass.maxqueuelen */
	int maxtcpcb;		/* net.inet.tcp.maxtcpcb: pool bound */
	int nolocaltimewait;	/* net.inet.tcp.nolocaltimewait */
	int ack_war_timewindow; /* net.inet.tcp.ack_war_timewindow */
	int ack_war_cnt;	/* net.inet.tcp.ack_war_cnt */
	int blackhole;		/* net.inet.tcp.blackhole: 0, 1, 2 */
	int blackhole_local;	/* net.inet.tcp.blackhole_local */
	int persmin;		/* net.inet.tcp.persmin, ms */
	int persmax;		/* net.inet.tcp.persmax, ms */
	int keepidle;		/* net.inet.tcp.keepidle, ms */
	int keepintvl;		/* net.inet.tcp.keepintvl, ms */
	int keepcnt;		/* net.inet.tcp.keepcnt */
	int always_keepalive;	/* net.inet.tcp.always_keepalive */
	int path_mtu_discovery; /* net.inet.tcp.path_mtu_discovery */
	int icmp_may_rst;	/* net.inet.tcp.icmp_may_rst */
	int sendbuf_auto;	/* net.inet.tcp.sendbuf_auto */
	int sendbuf_inc;	/* net.inet.tcp.sendbuf_inc */
	int sendbuf_max;	/* net.inet.tcp.sendbuf_max */
	int recvbuf_auto;	/* net.inet.tcp.recvbuf_auto */
	int recvbuf_inc;	/* net.inet.tcp.recvbuf_inc */
	int recvbuf_max;	/* net.inet.tcp.recvbuf_max */

	/* Congestion control algorithms (cc.c). */
	const struct cc_algo *cc_list[TCP_CC_MAX]; /* registered */
	int cc_count;
	const struct cc_algo *cc_default; /* net.inet.tcp.cc.algorithm */

	/* RFC 6528 secret and RFC 7323 5.4 timestamp secret. */
	uint64_t isn_key[2];
	uint64_t isn_last_m; /* M of the last ISN: it never goes back */

	/* Control blocks. */
	struct tcpcbhead tcb_list; /* every live tcpcb */
	struct tcpcbhead tcb_free; /* recycled, ready for reuse */
	int tcb_count;		   /* live (net.inet.tcp.pcbcount) */
	int tcb_nfree;		   /* on tcb_free */
	/* delayed_ack 2: ACKs held to the end of the loop iteration. */
	struct tcpcbhead delack_loop;
	/* Refused by a full port (ENOBUFS): tcp_output again when it drains. */
	struct tcpcbhead sndfull_wait;
	int sndfull_count; /* on sndfull_wait */
	/* Live control blocks by t_state (net.inet.tcp.states), kept by
	 * tcp_state_change(): a read costs nothing at any connection count. */
	uint64_t tcb_states[TCP_NSTATES];

	/* Reassembly entries (tcp_reass.c): a bounded free list. */
	struct tsegqe_head segq_free;
	int segq_total; /* entries allocated, all conns */
	int segq_nfree;
	int reass_maxsegments; /* net.inet.tcp.reass.maxsegments */

	/* SACK scoreboard holes (tcp_sack.c): a bounded free list. */
	int sack_enable;	 /* net.inet.tcp.sack.enable */
	int sack_maxholes;	 /* net.inet.tcp.sack.maxholes */
	int sack_globalmaxholes; /* ...sack.globalmaxholes */
	int sack_globalholes;	 /* ...sack.globalholes: in use */
	int sackhole_total;	 /* allocated, in use or free */
	struct sackhole_head sackhole_free;

	struct tcp_syncache tcp_syncache;   /* tcp_syncache.c */
	struct tcp_hostcache tcp_hostcache; /* tcp_hostcache.c */
	struct inpcbinfo tcbinfo; /* TCP pcbs (tcp_init .. tcp_fini) */
};

#define V_tcp(ctx)	       ((ctx)->vnet.v_tcp)
#define V_tcbinfo(ctx)	       (&V_tcp(ctx)->tcbinfo)
#define TCPSTAT_INC(ctx, f)    (V_tcp(ctx)->tcpstat.f++)
#define TCPSTAT_ADD(ctx, f, n) (V_tcp(ctx)->tcpstat.f += (n))
#define TCPXSTAT_INC(ctx, f)   (V_tcp(ctx)->tcpxstat.f++)

/* A validated segment: header fields in host order (tcp_input.c). */
struct tcpseg {
	const tcp_hdr_t *th;
	struct in_addr src, dst; /* IP addresses */
	uint16_t sport, dport;	 /* network order */
	tcp_seq seq, ack;
	uint32_t win;	  /* unscaled window field */
	int flags;	  /* TH_* */
	uint32_t tlen;	  /* data bytes */
	uint32_t doff;	  /* offset of the data in the mbuf */
	int lflags;	  /* M_LOOP, ... from ip_input */
	struct tcpopt to; /* options */
};

/*
 * Socket pointer of a control block (NULL once detached): FreeBSD's
 * tptosocket(), inline as there (asked many times a segment).
 */
static inline struct socket *
tcp_socket(const struct tcpcb *tp)
{
	return (tp->t_inpcb != NULL ? tp->t_inpcb->inp_socket : NULL);
}

/* tcp_subr.c */
/* pr_init / pr_destroy: state, pcb table, caches; 0 or -errno. */
int tcp_init(struct ff_ctx *ctx);
void tcp_fini(struct ff_ctx *ctx);
int tcp_sysctl_attach(struct ff_ctx *ctx);
struct tcpcb *tcp_newtcpcb(struct ff_ctx *ctx, struct inpcb *inp);
void tcp_discardcb(struct tcpcb *tp);
struct tcpcb *tcp_drop(struct tcpcb *tp, int error);
struct tcpcb *tcp_close(struct tcpcb *tp);
void tcp_state_change(struct tcpcb *tp, int newstate);
uint32_t tcp_new_isn(struct ff_ctx *ctx, struct in_addr laddr, uint16_t lport,
    struct in_addr faddr, uint16_t fport);
uint32_t tcp_new_ts_offset(struct ff_ctx *ctx, struct in_addr laddr,
    uint16_t lport, struct in_addr faddr, uint16_t fport);
uint32_t tcp_ts_getticks(struct ff_ctx *ctx);
uint64_t tcp_ticks(struct ff_ctx *ctx);
uint64_t tcp_siphash(const uint64_t key[2], const void *data, size_t len);
/* A bare control segment (RST or ACK) outside any connection. */
void tcp_respond(struct ff_ctx *ctx, struct tcpcb *tp, struct in_addr src,
    uint16_t sport, struct in_addr dst, uint16_t dport, tcp_seq seq,
    tcp_seq ack, int flags);
/* MSS to use towards faddr given the peer's offer (0 = none). */
uint32_t tcp_mss_for(struct ff_ctx *ctx, struct in_addr faddr, uint32_t offer);
uint32_t tcp_maxmtu(struct ff_ctx *ctx, struct in_addr faddr);
/* Low memory (pr_drain): free every reassembly queue, count it. */
void tcp_drain(struct ff_ctx *ctx);

/* tcp_input.c */
void tcp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp,
    struct rte_mbuf *m, int hlen, int lflags);

/* tcp_reass.c: 1 when the segment's FIN became in order (TH_FIN). */
int tcp_reass_consume(
    struct tcpcb *tp, tcp_seq seq, int tlen, int fin, struct rte_mbuf *m);
int tcp_reass_deliver(struct tcpcb *tp);
int tcp_reass_flush(struct tcpcb *tp);
void tcp_reass_fini(struct ff_ctx *ctx);

/* tcp_output.c */
int tcp_output(struct tcpcb *tp);
/*
 * At the end of a loop iteration: tcp_output, once each and in the order
 * they were refused, for the connections whose port has room again.
 */
void tcp_sndfull_kick(struct ff_ctx *ctx);
/* Take tp off the list (its control block is being freed). */
void tcp_sndfull_cancel(struct tcpcb *tp);
uint32_t tcp_rcv_space(struct tcpcb *tp);

/* tcp_timer.c */
void tcp_setpersist(struct tcpcb *tp);
/* (Re)arm the keepalive timer of a synchronized connection. */
void tcp_timer_keepalive(struct tcpcb *tp);
void tcp_timer_activate_rexmt(struct tcpcb *tp, int ticks);
void tcp_timer_stop_rexmt(struct tcpcb *tp);
void tcp_timer_delack(struct tcpcb *tp);
/* delayed_ack 2: the ACKs the iteration's replies did not carry. */
void tcp_delack_loop_flush(struct ff_ctx *ctx);
void tcp_delack_loop_cancel(struct tcpcb *tp);
/* A refused ACK: send it again at the next tick. */
void tcp_timer_ack_retry(struct tcpcb *tp);
void tcp_timer_2msl(struct tcpcb *tp, uint64_t ms);
void tcp_timer_keep(struct tcpcb *tp, uint64_t ms);
void tcp_timers_stop(struct tcpcb *tp);
void tcp_xmit_timer(struct tcpcb *tp, int rtt);
int tcp_rexmtval(const struct tcpcb *tp);
/* max(rto, rexmit_min) + rexmit_slop, at most 64 s, in ticks. */
int tcp_rto_range(struct tcpcb *tp, int rto);
/* base doubled shift times (RFC 6298 5.5), at most 64 s. */
int tcp_rto_backoff(struct tcpcb *tp, int base, int shift);
void tcp_twstart(struct tcpcb *tp);
int tcp_ms_ticks(struct ff_ctx *ctx, int ms);

/* tcp_autotune.c: socket buffer autotuning (sendbuf_auto, recvbuf_auto). */
void tcp_autosndbuf(struct tcpcb *tp);
void tcp_autorcvbuf(struct tcpcb *tp, const struct tcpopt *to, uint32_t tlen);
/* The largest receive buffer this connection may grow to, bytes. */
uint32_t tcp_autorcvbuf_limit(struct ff_ctx *ctx, const struct socket *so);

/* tcp_ctlinput.c: ICMP errors about our segments (from icmp_input). */
void tcp_ctlinput(struct ff_ctx *ctx, int type, int code, uint32_t mtu,
    const ip_hdr_t *oip, uint32_t oiplen);

/* tcp_sack.c: SACK option, scoreboard and RFC 6675 recovery. */
void tcp_sack_init(struct ff_ctx *ctx);
void tcp_sack_fini(struct ff_ctx *ctx);
int tcp_sack_sysctl_attach(struct ff_ctx *ctx);
void
tcp_update_sack_list(struct tcpcb *tp, tcp_seq start, tcp_seq end, int held);
void tcp_update_dsack_list(struct tcpcb *tp, tcp_seq start, tcp_seq end);
void tcp_clean_sackreport(struct tcpcb *tp);
int tcp_sack_fillopt(struct tcpcb *tp, struct tcpopt *to);
void tcp_sack_sent(struct tcpcb *tp);
int tcp_sack_doack(struct tcpcb *tp, const struct tcpopt *to, tcp_seq ack);
void tcp_free_sackholes(struct tcpcb *tp);
void tcp_sack_recovery_start(struct tcpcb *tp);
int tcp_sack_lost_una(const struct tcpcb *tp);
uint32_t tcp_sack_pipe(struct tcpcb *tp);
uint32_t tcp_sack_room(struct tcpcb *tp);
struct sackhole *tcp_sack_output(struct tcpcb *tp, int newdata, uint32_t *len);
void tcp_sack_rexmitted(struct tcpcb *tp, struct sackhole *p, uint32_t len);
int tcp_sack_rescue(struct tcpcb *tp, tcp_seq *seq, uint32_t *len);
void tcp_sack_rescued(struct tcpcb *tp, uint32_t len);
/* In SACK-based loss recovery (RFC 6675)? */
#define TCP_SACK_RECOVERY(tp)                     \
	(((tp)->t_flags & TF_SACK_PERMIT) != 0 && \
	    IN_FASTRECOVERY((tp)->t_flags))

/* tcp_usrreq.c: the socket layer's protocol switch entry. */
struct protosw;
extern const struct protosw tcp_protosw;

#endif /* _NETINET_TCP_VAR_H_ */
