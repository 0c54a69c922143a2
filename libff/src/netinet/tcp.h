/*
 * tcp.h - the TCP header and its options on the wire (RFC 9293 3.1,
 * RFC 7323 2 and 3, RFC 2018 2), after FreeBSD's netinet/tcp.h.
 *
 * struct tcphdr is the BSD layout the C library's <netinet/tcp.h>
 * already declares (th_sport, th_dport, th_seq, th_ack, th_x2/th_off,
 * th_flags, th_win, th_sum, th_urp, network byte order), as ip.h does for
 * struct ip; this file adds what that header lacks: tcp_hdr_t (the type
 * the stack reads and writes the header through, at the 2-byte alignment
 * a frame gives it: see ip_hdr_t in ip.h), the parsed form of
 * the options (struct tcpopt, FreeBSD's names) and the two functions
 * that move options between it and the wire (tcp_dooptions() in
 * tcp_input.c, tcp_addoptions() in tcp_output.c).
 * tests/stack/test_tcp_options.py pins both with golden bytes.
 */
#ifndef _NETINET_TCP_H_
#define _NETINET_TCP_H_

#include <stdint.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/* struct tcphdr where a frame has it (see ip_hdr_t in ip.h). */
typedef struct tcphdr tcp_hdr_t __attribute__((__aligned__(2)));

#define TH_ECE 0x40
#define TH_CWR 0x80
#define TH_FLAGS \
	(TH_FIN | TH_SYN | TH_RST | TH_PUSH | TH_ACK | TH_URG | TH_ECE | TH_CWR)

#define TCP_HDRLEN(th) ((int)(th)->th_off << 2)
#define TCP_MINHDRLEN  20
#define TCP_MAXOLEN    (60 - TCP_MINHDRLEN) /* options fit in 40 bytes */
#define TCP_MAXHLEN    (0xf << 2)	    /* largest header: th_off 15 */

#define TCPOLEN_SACKHDR 2
#define TCPOLEN_SACK	8 /* one block: two sequence numbers */
#define TCP_MAX_SACK	4 /* blocks that fit without timestamps */

#define TCP_MAXWINSHIFT TCP_MAX_WINSHIFT /* 14 (RFC 7323 2.3) */
#define TCP_MINMSS	216		 /* FreeBSD's net.inet.tcp.minmss */
#define TCP_MAXMSS	(65535 - 40)	 /* largest MSS we will use */
#define TCP_MSS_V4	536		 /* RFC 9293 3.7.1 default (mssdflt) */

/* TCP-level options the stack sees: FreeBSD's numbers (netinet/tcp.h). */
#undef TCP_KEEPIDLE
#undef TCP_KEEPINTVL
#undef TCP_KEEPCNT
#define TCP_KEEPIDLE  256  /* idle time before probes, s */
#define TCP_KEEPINTVL 512  /* time between probes, s */
#define TCP_KEEPCNT   1024 /* probes before the drop */

/* One SACK block (RFC 2018), host byte order. */
struct sackblk {
	uint32_t start; /* first sequence number */
	uint32_t end;	/* one after the last */
};

/* The options of one segment, parsed or to be built. */
struct tcpopt {
	uint32_t to_flags;  /* which options are present */
#define TOF_MSS	     0x0001 /* maximum segment size */
#define TOF_SCALE    0x0002 /* window scaling */
#define TOF_SACKPERM 0x0004 /* SACK permitted */
#define TOF_TS	     0x0010 /* timestamp */
#define TOF_SACK     0x0080 /* SACK blocks */
	uint32_t to_tsval;  /* our or their timestamp value */
	uint32_t to_tsecr;  /* timestamp echo reply */
	uint16_t to_mss;    /* maximum segment size */
	uint8_t to_wscale;  /* window scaling shift */
	uint8_t to_nsacks;  /* SACK blocks in to_sacks */
	struct sackblk to_sacks[TCP_MAX_SACK]; /* SACK blocks */
};

/* tcp_dooptions() flags: options a SYN may carry are parsed only in one. */
#define TO_SYN 0x01

/*
 * Parse cnt bytes of options at cp into *to (zeroed first).  Malformed
 * options (a length below 2 or past the end) end the parse quietly, as
 * RFC 9293 3.1 asks: what was read so far is kept.  MSS, window scale
 * and SACK-permitted count only when TO_SYN is in flags.
 */
void tcp_dooptions(struct tcpopt *to, const uint8_t *cp, int cnt, int flags);
/*
 * Write the options of *to at optp in the layout every stack expects
 * (MSS, then NOP-padded wscale, SACK-permitted and timestamps, then SACK
 * blocks), padded to a multiple of 4 with EOL.  Returns the length,
 * at most TCP_MAXOLEN (options that do not fit are left out).
 */
int tcp_addoptions(const struct tcpopt *to, uint8_t *optp);

#endif /* _NETINET_TCP_H_ */
