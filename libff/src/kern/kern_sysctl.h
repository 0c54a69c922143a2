/*
 * kern_sysctl.h - the sysctl MIB tree of one stack, after sysctl(9).
 *
 * Nodes are registered at stack attach by the subsystem that owns the
 * variable, right beside it (e.g. ip_init() registers
 * net.inet.ip.forwarding).  Interior nodes are created on demand from the
 * dotted name, with FreeBSD's numbers where FreeBSD fixes them (kern=1,
 * net=4, inet=2, ip=0, icmp=1, tcp=6, udp=17, ...) and OID_AUTO numbers
 * (>= 0x100) otherwise.  Types, flags and format strings are FreeBSD's.
 *
 * Writes are checked here once for everybody: read-only, type, size and
 * the [min, max] range given at registration.  [freebsd.sysctl] from
 * config.ini goes through the same path (sysctl_set_string()).
 */
#ifndef _KERN_SYSCTL_H_
#define _KERN_SYSCTL_H_

#include <stddef.h>
#include <stdint.h>

struct ff_ctx;
struct sysctl_oid;

/* Types (FreeBSD's CTLTYPE_* numbers). */
#define	CTLTYPE		0xf
#define	CTLTYPE_NODE	1
#define	CTLTYPE_INT	2
#define	CTLTYPE_STRING	3
#define	CTLTYPE_S64	4
#define	CTLTYPE_OPAQUE	5
#define	CTLTYPE_STRUCT	CTLTYPE_OPAQUE
#define	CTLTYPE_UINT	6
#define	CTLTYPE_LONG	7
#define	CTLTYPE_ULONG	8
#define	CTLTYPE_U64	9

/* Flags (FreeBSD's values). */
#define	CTLFLAG_RD	0x80000000
#define	CTLFLAG_WR	0x40000000
#define	CTLFLAG_RW	(CTLFLAG_RD | CTLFLAG_WR)
#define	CTLFLAG_TUN	0x00080000	/* may be set from [freebsd.boot] */
#define	CTLFLAG_STATS	0x00002000	/* statistics; zeroed by a write */

#define	OID_AUTO	(-1)
#define	CTL_MAXNAME	24

/*
 * A handler moves the value between the node and the request.  It reads
 * the old value out with sysctl_out() and, when req->newptr is set, the
 * new one in with sysctl_in(); it returns 0 or a positive FreeBSD errno.
 */
struct sysctl_req {
	const void	*newptr;	/* new value, NULL on a read */
	size_t		 newlen;
	void		*oldptr;	/* where the old value goes, NULL = size only */
	size_t		 oldlen;	/* capacity of oldptr */
	size_t		 oldidx;	/* bytes produced (may exceed oldlen) */
	size_t		 newidx;	/* bytes consumed */
};

typedef int (*sysctl_handler_t)(struct ff_ctx *ctx, struct sysctl_oid *oidp,
	    struct sysctl_req *req);

int	sysctl_out(struct sysctl_req *req, const void *p, size_t len);
int	sysctl_in(struct sysctl_req *req, void *p, size_t len);

/* Register a leaf; each returns the new oid or NULL with errno set. */
struct sysctl_oid *sysctl_add_int(struct ff_ctx *ctx, const char *name,
	    int flags, int *ptr, int min, int max, const char *descr);
struct sysctl_oid *sysctl_add_uint(struct ff_ctx *ctx, const char *name,
	    int flags, unsigned int *ptr, unsigned int min, unsigned int max,
	    const char *descr);
struct sysctl_oid *sysctl_add_long(struct ff_ctx *ctx, const char *name,
	    int flags, long *ptr, long min, long max, const char *descr);
struct sysctl_oid *sysctl_add_ulong(struct ff_ctx *ctx, const char *name,
	    int flags, unsigned long *ptr, const char *descr);
struct sysctl_oid *sysctl_add_u64(struct ff_ctx *ctx, const char *name,
	    int flags, uint64_t *ptr, const char *descr);
struct sysctl_oid *sysctl_add_string(struct ff_ctx *ctx, const char *name,
	    int flags, char *buf, size_t size, const char *descr);
/* A struct such as ipstat: fmt is FreeBSD's, e.g. "S,ipstat". */
struct sysctl_oid *sysctl_add_opaque(struct ff_ctx *ctx, const char *name,
	    int flags, void *ptr, size_t len, const char *fmt,
	    const char *descr);
/* A leaf with its own handler; kind = CTLTYPE_* | CTLFLAG_*. */
struct sysctl_oid *sysctl_add_proc(struct ff_ctx *ctx, const char *name,
	    int kind, sysctl_handler_t handler, void *arg1, intptr_t arg2,
	    const char *fmt, const char *descr);
/* An interior node with a description (created implicitly otherwise). */
struct sysctl_oid *sysctl_add_node(struct ff_ctx *ctx, const char *name,
	    const char *descr);

/* Accessors for handlers. */
void		*sysctl_oid_arg1(const struct sysctl_oid *oidp);
intptr_t	 sysctl_oid_arg2(const struct sysctl_oid *oidp);

/* The tree's life: created empty at stack attach, freed at detach. */
int	sysctl_ctx_init(struct ff_ctx *ctx);
void	sysctl_ctx_fini(struct ff_ctx *ctx);

/*
 * Set a leaf from text, as [freebsd.sysctl] and `ff-sysctl name=value'
 * do.  Returns 0 or a positive errno: ENOENT unknown oid, EPERM read-only,
 * EINVAL not a number of the node's type, ERANGE outside its range.
 */
int	sysctl_set_string(struct ff_ctx *ctx, const char *name,
	    const char *value);

#endif /* _KERN_SYSCTL_H_ */
