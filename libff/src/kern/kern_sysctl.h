/*
 * kern_sysctl.h - the sysctl MIB tree of one stack, after sysctl(9).
 *
 * Nodes are declared by the subsystem that owns the variable, in one
 * table right beside it, and registered at stack attach (ip_input.c's
 * ip_sysctls[] holds net.inet.ip.forwarding; see struct sysctl_entry
 * below).  Interior nodes are created on demand from the
 * dotted name, with FreeBSD's numbers where FreeBSD fixes them (kern=1,
 * net=4, inet=2, ip=0, icmp=1, tcp=6, udp=17, ...) and OID_AUTO numbers
 * (>= 0x100) otherwise.  Types, flags and format strings are FreeBSD's.
 *
 * Writes are checked here once for everybody: read-only, type, size and
 * the [min, max] range given at registration.  [freebsd.sysctl] from
 * config.ini goes through the same path (sysctl_set_string()).
 *
 * Errors of a write, as FreeBSD's sysctl(2) gives them:
 *   EPERM   the node is not writable (no CTLFLAG_WR);
 *   EISDIR  the name is an interior node, not a leaf;
 *   EINVAL  new value of the wrong size (an int takes exactly 4 bytes, a
 *           string must fit its buffer with its NUL), or outside the
 *           node's [min, max] (FreeBSD's handlers answer EINVAL there too);
 *   ENOENT  no such node.
 * sysctl_set_string() alone answers ERANGE for a number outside the
 * range, so the config parser can say "out of range"; the message ring
 * (ff-sysctl) reports EINVAL like FreeBSD.
 *
 * A write to a CTLFLAG_STATS opaque node zeroes the statistics whatever
 * the bytes written (netstat -z semantics).
 *
 * Life cycle (who calls what):
 *   ff_stack_attach() calls sysctl_ctx_init(ctx) before anything else
 *   registers a node; it creates the tree with the kern.* nodes that belong
 *   to no protocol (kern.ostype, kern.osrelease, kern.hz,
 *   kern.ipc.maxsockbuf, kern.ipc.somaxconn).  Protocols register theirs
 *   in their own init.  ff_stack_detach() calls sysctl_ctx_fini(ctx) last.
 *   Registered pointers must stay valid until sysctl_ctx_fini().
 *
 * Numbers: every component of a registered name gets FreeBSD's number
 * when FreeBSD fixes one (the table in kern_sysctl.c: kern=1, net=4,
 * net.inet.tcp=6, net.inet.tcp.sendspace=8, ...), otherwise the tree's
 * next OID_AUTO number (0x100, 0x101, ... in registration order).
 * Children are kept sorted by number, so a walk comes out in FreeBSD's
 * order.
 */
#ifndef _KERN_SYSCTL_H_
#define _KERN_SYSCTL_H_

#include <stddef.h>
#include <stdint.h>

struct ff_ctx;
struct sysctl_oid;

/* Types (FreeBSD's CTLTYPE_* numbers). */
#define CTLTYPE	       0xf
#define CTLTYPE_NODE   1
#define CTLTYPE_INT    2
#define CTLTYPE_STRING 3
#define CTLTYPE_S64    4
#define CTLTYPE_OPAQUE 5
#define CTLTYPE_STRUCT CTLTYPE_OPAQUE
#define CTLTYPE_UINT   6
#define CTLTYPE_LONG   7
#define CTLTYPE_ULONG  8
#define CTLTYPE_U64    9

/* Flags (FreeBSD's values). */
#define CTLFLAG_RD    0x80000000
#define CTLFLAG_WR    0x40000000
#define CTLFLAG_RW    (CTLFLAG_RD | CTLFLAG_WR)
#define CTLFLAG_TUN   0x00080000 /* may be set from [freebsd.boot] */
#define CTLFLAG_RWTUN (CTLFLAG_RW | CTLFLAG_TUN)
#define CTLFLAG_RDTUN (CTLFLAG_RD | CTLFLAG_TUN) /* set at boot only */
#define CTLFLAG_STATS 0x00002000 /* statistics; zeroed by a write */

#define OID_AUTO       (-1)
#define OID_AUTO_START 0x100 /* first number OID_AUTO hands out */
#define CTL_MAXNAME    24
#define SYSCTL_NAMEMAX 256 /* a dotted name with its NUL */

/*
 * A handler moves the value between the node and the request.  It reads
 * the old value out with sysctl_out() and, when req->newptr is set, the
 * new one in with sysctl_in(); it returns 0 or a positive FreeBSD errno.
 */
struct sysctl_req {
	const void *newptr; /* new value, NULL on a read */
	size_t newlen;
	void *oldptr;  /* where the old value goes, NULL = size only */
	size_t oldlen; /* capacity of oldptr */
	size_t oldidx; /* bytes produced (may exceed oldlen) */
	size_t newidx; /* bytes consumed */
};

typedef int (*sysctl_handler_t)(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req);

int sysctl_out(struct sysctl_req *req, const void *p, size_t len);
int sysctl_in(struct sysctl_req *req, void *p, size_t len);
int sysctl_handle_value(struct sysctl_req *req, void *p, size_t len);

/*
 * Declaring nodes: each file keeps one static const table of entries
 * beside its variables, as FreeBSD's SYSCTL_INT() / SYSCTL_PROC()
 * declarations sit beside theirs, and registers it at attach with
 * SYSCTL_ADD_TABLE(ctx, base, table).  The state is per stack, so an
 * entry names its variable by offset into the subsystem's state struct
 * S, and `base' is that struct of this stack.  Nodes are registered in
 * table order (OID_AUTO numbers follow it).
 *
 *	static const struct sysctl_entry ip_sysctls[] = {
 *		SYSCTL_INT("net.inet.ip.ttl", CTLFLAG_RW, struct ip_state,
 *		    defttl, 1, MAXTTL, "Maximum TTL on IP packets"),
 *		SYSCTL_STATS("net.inet.ip.stats", struct ip_state, ipstat,
 *		    "S,ipstat", "IP statistics"),
 *	};
 *	error = SYSCTL_ADD_TABLE(ctx, V_ip(ctx), ip_sysctls);
 *
 * Kinds:
 *   SYSCTL_NODE	an interior node with its description;
 *   SYSCTL_INT, _UINT, _LONG	a number with the [min, max] a write must
 *			respect; _ULONG, _U64 any value of their type;
 *   SYSCTL_STRING	a char array, written with room for its NUL;
 *   SYSCTL_OPAQUE	a struct, read whole and written whole;
 *   SYSCTL_STATS	a statistics struct (FreeBSD's net.inet.tcp.stats):
 *			read whole; any write zeroes it and answers the
 *			values before (netstat -z), as FreeBSD's counter
 *			handler does;
 *   SYSCTL_PROC	a handler of its own; arg1 is NULL, or the field
 *			with SYSCTL_PROC_VAR.
 * The type of the field is checked at compile time against the kind.
 */
struct sysctl_entry {
	const char *se_name; /* full dotted name */
	int se_kind;	     /* CTLTYPE_* | CTLFLAG_* */
	size_t se_off;	     /* variable at base + se_off */
	size_t se_size;	     /* string buffer or struct size */
	int64_t se_min;	     /* range of INT, UINT, LONG */
	int64_t se_max;
	sysctl_handler_t se_handler; /* PROC only */
	const char *se_fmt;	     /* NULL: the type's ("I", "LU", ...) */
	const char *se_descr;
};

#define SYSCTL_NOVAR ((size_t)-1) /* se_off: no variable */

/* offsetof(S, f), refused at compile time unless f is of type T. */
#define SYSCTL_OFF(S, f, T)                                 \
	(offsetof(S, f) +                                   \
	    0 *                                             \
		sizeof(char[__builtin_types_compatible_p(   \
				__typeof__(((S *)0)->f), T) \
			? 1                                 \
			: -1]))

#define SYSCTL_ENTRY(name, kind, off, size, min, max, h, fmt, descr) \
	{                                                            \
		name, kind, off, size, min, max, h, fmt, descr       \
	}
#define SYSCTL_NODE(name, descr)                                             \
	SYSCTL_ENTRY(name, CTLTYPE_NODE | CTLFLAG_RD, SYSCTL_NOVAR, 0, 0, 0, \
	    NULL, "N", descr)
#define SYSCTL_INT(name, flags, S, f, min, max, descr)                      \
	SYSCTL_ENTRY(name, CTLTYPE_INT | (flags), SYSCTL_OFF(S, f, int), 0, \
	    min, max, NULL, NULL, descr)
#define SYSCTL_UINT(name, flags, S, f, min, max, descr) \
	SYSCTL_ENTRY(name, CTLTYPE_UINT | (flags),      \
	    SYSCTL_OFF(S, f, unsigned int), 0, min, max, NULL, NULL, descr)
#define SYSCTL_LONG(name, flags, S, f, min, max, descr)                       \
	SYSCTL_ENTRY(name, CTLTYPE_LONG | (flags), SYSCTL_OFF(S, f, long), 0, \
	    min, max, NULL, NULL, descr)
#define SYSCTL_ULONG(name, flags, S, f, descr)      \
	SYSCTL_ENTRY(name, CTLTYPE_ULONG | (flags), \
	    SYSCTL_OFF(S, f, unsigned long), 0, 0, 0, NULL, NULL, descr)
#define SYSCTL_U64(name, flags, S, f, descr)                                  \
	SYSCTL_ENTRY(name, CTLTYPE_U64 | (flags), SYSCTL_OFF(S, f, uint64_t), \
	    0, 0, 0, NULL, NULL, descr)
#define SYSCTL_STRING(name, flags, S, f, descr)                               \
	SYSCTL_ENTRY(name, CTLTYPE_STRING | (flags),                          \
	    SYSCTL_OFF(S, f, char[sizeof(((S *)0)->f)]), sizeof(((S *)0)->f), \
	    0, 0, NULL, NULL, descr)
#define SYSCTL_OPAQUE(name, flags, S, f, fmt, descr)                 \
	SYSCTL_ENTRY(name, CTLTYPE_OPAQUE | (flags), offsetof(S, f), \
	    sizeof(((S *)0)->f), 0, 0, NULL, fmt, descr)
#define SYSCTL_STATS(name, S, f, fmt, descr) \
	SYSCTL_OPAQUE(name, CTLFLAG_RW | CTLFLAG_STATS, S, f, fmt, descr)
#define SYSCTL_PROC(name, kind, handler, fmt, descr) \
	SYSCTL_ENTRY(name, kind, SYSCTL_NOVAR, 0, 0, 0, handler, fmt, descr)
#define SYSCTL_PROC_VAR(name, kind, S, f, handler, fmt, descr) \
	SYSCTL_ENTRY(name, kind, offsetof(S, f), 0, 0, 0, handler, fmt, descr)

/*
 * Register every entry of tab[0..n) with its variables in `base'; stops
 * at the first failure.  0 or a negative errno (EINVAL for a bad entry,
 * EEXIST, ENOMEM, ...).
 */
int sysctl_add_table(
    struct ff_ctx *ctx, void *base, const struct sysctl_entry *tab, size_t n);
#define SYSCTL_ADD_TABLE(ctx, base, tab) \
	sysctl_add_table(ctx, base, tab, sizeof(tab) / sizeof((tab)[0]))

/* Accessors for handlers. */
void *sysctl_oid_arg1(const struct sysctl_oid *oidp);
intptr_t sysctl_oid_arg2(const struct sysctl_oid *oidp);

/*
 * Tunables of the socket layer that belong to no protocol (kern.ipc.*).
 * The socket code reads them from ctx->sysctl->st_ipc at the moment it
 * needs them, so a write takes effect at once.
 */
struct kern_ipc {
	unsigned long ki_maxsockbuf; /* kern.ipc.maxsockbuf: sb_max */
	unsigned int ki_somaxconn; /* kern.ipc.somaxconn: listen backlog cap */
};

#define KERN_MAXSOCKBUF_DEFAULT 2097152UL /* FreeBSD's sb_max */
#define KERN_SOMAXCONN_DEFAULT	128	  /* FreeBSD's SOMAXCONN */

/* Strings behind kern.* (read-only). */
#define KERN_OSTYPE_STR	   "ff"
#define KERN_OSRELEASE_STR "0.1.0"

/* One tree per context: ctx->sysctl. */
struct sysctl_tree {
	struct sysctl_oid *st_root; /* nameless root node */
	int st_next_auto;	    /* next OID_AUTO number */
	unsigned int st_count;	    /* nodes, root excluded */
	struct kern_ipc st_ipc;	    /* kern.ipc.* */
	char st_ostype[16];	    /* kern.ostype */
	char st_osrelease[32];	    /* kern.osrelease */
};

/*
 * The tree's life: sysctl_ctx_init() creates it with the kern.* nodes
 * (see the top of this file); sysctl_ctx_fini() frees every node.  Both
 * may be called on a context that has no tree; init returns 0 or -1 with
 * errno (ENOMEM).
 */
int sysctl_ctx_init(struct ff_ctx *ctx);
void sysctl_ctx_fini(struct ff_ctx *ctx);

/*
 * Looking nodes up and walking the tree (the message handler, tests).
 * Lookups return NULL with errno ENOENT (or EINVAL for a malformed name).
 */
struct sysctl_oid *sysctl_find_name(struct ff_ctx *ctx, const char *name);
struct sysctl_oid *
sysctl_find_oid(struct ff_ctx *ctx, const int *oid, unsigned int len);
struct sysctl_oid *sysctl_root(struct ff_ctx *ctx);
/*
 * The node after `oidp' in depth-first order (a node before its children,
 * children by number), staying inside the subtree of `top'; NULL at the
 * end.  With `leaves' only leaves are returned.
 */
struct sysctl_oid *
sysctl_next(struct sysctl_oid *top, struct sysctl_oid *oidp, int leaves);
/* The first node of a walk of top's subtree: top itself if it qualifies. */
struct sysctl_oid *sysctl_walk_first(struct sysctl_oid *top, int leaves);
/*
 * The first node of top's subtree that comes strictly after the path
 * oid[0..len) in the same order; the path need not exist any more, so a
 * walk resumes correctly even when nodes came or went in between.
 */
struct sysctl_oid *sysctl_next_after(struct ff_ctx *ctx, struct sysctl_oid *top,
    const int *oid, unsigned int len, int leaves);

/* What a node is. */
int sysctl_oid_kind(const struct sysctl_oid *oidp);
int sysctl_oid_is_leaf(const struct sysctl_oid *oidp);
const char *sysctl_oid_fmt(const struct sysctl_oid *oidp);
const char *sysctl_oid_descr(const struct sysctl_oid *oidp);
/* Numbers from the top level down; returns how many (<= CTL_MAXNAME). */
unsigned int sysctl_oid_numbers(const struct sysctl_oid *oidp, int *oid);
/* The dotted name into buf; returns its length or -ENAMETOOLONG. */
int sysctl_oid_path(const struct sysctl_oid *oidp, char *buf, size_t size);

/*
 * Run a node's handler with the generic checks (read-only, leaf).  With
 * req->newptr set this is a write; req->oldptr may be NULL to learn the
 * size.  Returns 0 or a positive errno (ENOMEM: oldptr too small, and
 * req->oldidx says how much was needed).
 */
int sysctl_oid_handle(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req);
/* Read a value into buf (capacity cap); *lenp gets its size.  0 or errno. */
int sysctl_oid_read(struct ff_ctx *ctx, struct sysctl_oid *oidp, void *buf,
    size_t cap, size_t *lenp);
/* Write a binary value of the node's type.  0 or errno (see the top). */
int sysctl_oid_write(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const void *p, size_t len);
/* Write a value given as text; errors as sysctl_set_string(). */
int sysctl_oid_set_text(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const char *value);

/*
 * Set a tunable from text as [freebsd.boot] does: the node must carry
 * CTLFLAG_TUN (EPERM otherwise), CTLFLAG_WR does not matter; other
 * errors as sysctl_set_string().  Handlers of their own answer ERANGE or
 * EINVAL for a value they refuse.
 */
int sysctl_oid_set_tunable(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const char *value);
/* The node's registered [min, max] as "min..max" into buf; 0 if none. */
int sysctl_oid_range(const struct sysctl_oid *oidp, char *buf, size_t size);

/*
 * [freebsd.boot] (kern_sysctl_tunable.c): set every tunable of
 * ctx->cfg->boot, in file order, once every subsystem registered its
 * nodes and before anything they size is allocated (tables are sized at
 * first use, zones take their limits from the handlers).  0, or -1 with
 * a one-line message naming file, line, section and name: an unknown
 * name, a node that is not a tunable, a value out of range or refused.
 */
int sysctl_boot_apply(struct ff_ctx *ctx, char *err, size_t errlen);

/*
 * Set a leaf from text, as [freebsd.sysctl] and `ff-sysctl name=value'
 * do.  Returns 0 or a positive errno: ENOENT unknown oid, EPERM read-only,
 * EINVAL not a number of the node's type, ERANGE outside its range.
 */
int sysctl_set_string(struct ff_ctx *ctx, const char *name, const char *value);

/*
 * FF_MSG_SYSCTL (kern_sysctl_msg.c): the message handler behind ff-sysctl,
 * an ff_msg_handler_t (ff_msg_server.h); request and reply in ff_msg.h.
 */
struct ff_msg_hdr;
int ff_msg_sysctl(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor);

#endif /* _KERN_SYSCTL_H_ */
