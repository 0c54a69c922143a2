/*
 * tcp_fsm.h - the TCP connection states of RFC 9293 3.3.2, with FreeBSD's
 * names and numbers (netinet/tcp_fsm.h; ff-netstat prints tcpstates[]).
 */
#ifndef _NETINET_TCP_FSM_H_
#define _NETINET_TCP_FSM_H_

#define TCP_NSTATES 11

#define TCPS_CLOSED	  0  /* closed */
#define TCPS_LISTEN	  1  /* listening for connection */
#define TCPS_SYN_SENT	  2  /* active, have sent syn */
#define TCPS_SYN_RECEIVED 3  /* have sent and received syn */
#define TCPS_ESTABLISHED  4  /* established */
#define TCPS_CLOSE_WAIT	  5  /* rcvd fin, waiting for close */
#define TCPS_FIN_WAIT_1	  6  /* have closed, sent fin */
#define TCPS_CLOSING	  7  /* closed xchd FIN; await FIN ACK */
#define TCPS_LAST_ACK	  8  /* had fin and close; await FIN ACK */
#define TCPS_FIN_WAIT_2	  9  /* have closed, fin is acked */
#define TCPS_TIME_WAIT	  10 /* in 2*msl quiet wait after close */

/* Synchronized: a handshake completed (RFC 9293's "synchronized"). */
#define TCPS_HAVERCVDSYN(s)	((s) >= TCPS_SYN_RECEIVED)
#define TCPS_HAVEESTABLISHED(s) ((s) >= TCPS_ESTABLISHED)
/* Our FIN has gone out; nothing more may be sent. */
#define TCPS_HAVERCVDFIN(s)                               \
	((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING || \
	    (s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)

/* The names FreeBSD prints, indexed by state. */
#define TCPSTATES_NAMES                                                    \
	{                                                                  \
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", \
		    "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK",     \
		    "FIN_WAIT_2", "TIME_WAIT"                              \
	}

#endif /* _NETINET_TCP_FSM_H_ */
