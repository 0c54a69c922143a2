/*
 * kern_sysctl_stats.h - statistics structs written once.
 *
 * Each stats struct (struct tcpstat, ipstat, udpstat, icmpstat, arpstat,
 * and ours: tcpxstat, ovlstat, ...) is a list of uint64_t counters, as
 * FreeBSD 13 exports its counter(9) arrays.  The list lives in the
 * struct's own _var.h as an X-macro taking two macros, one for a single
 * counter and one for an array of them:
 *
 *	#define	FOOSTAT_LIST(X, A)					\
 *		X(foos_in)		(* packets received *)		\
 *		A(foos_hist, 8)		(* received, by type *)
 *
 * and everything else is made from it:
 *   the struct		struct foostat {
 *				FOOSTAT_LIST(STATS_X, STATS_A)
 *			};
 *   a static check	STATS_CHECK(foostat, FOOSTAT_LIST): the counters
 *			times their size is the struct's size, so nothing
 *			was added beside the list and there are no gaps;
 *   the layout		ff_msg_abi.c emits one row per entry (struct,
 *			field, offset, size) into ff_msg_abi_table(): the
 *			tools decode the opaque sysctl with it, and the test
 *			harness looks counters up by name in it;
 *   the sysctl		the whole struct as one opaque node with
 *			FreeBSD's "S,foostat" format (SYSCTL_STATS in
 *			kern_sysctl.h).
 */
#ifndef _KERN_KERN_SYSCTL_STATS_H_
#define _KERN_KERN_SYSCTL_STATS_H_

#include <stdint.h>

/*
 * Members of the struct.  An entry may carry more than its name (ovlstat
 * gives each counter's sysctl leaf and description); the struct needs
 * only the name.
 */
#define STATS_X(f, ...)	   uint64_t f;
#define STATS_A(f, n, ...) uint64_t f[n];

/* How many uint64_t the list holds. */
#define STATS_COUNT_X(f, ...)	 +1
#define STATS_COUNT_A(f, n, ...) +(n)
#define STATS_COUNT(LIST)	 (0 LIST(STATS_COUNT_X, STATS_COUNT_A))

/* The list is the whole struct: nothing beside it, no padding. */
#define STATS_CHECK(s, LIST)                                          \
	_Static_assert(                                               \
	    STATS_COUNT(LIST) * sizeof(uint64_t) == sizeof(struct s), \
	    "struct " #s " is not exactly its list")

#endif /* _KERN_KERN_SYSCTL_STATS_H_ */
