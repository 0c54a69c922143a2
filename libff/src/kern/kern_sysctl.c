/*
 * kern_sysctl.c - the sysctl MIB tree of one stack: registration, lookup
 * by name and by number, depth-first walks, and the generic read/write
 * path with its checks (kern_sysctl.h says which errors mean what).
 *
 * Entry points: sysctl_ctx_init(), sysctl_ctx_fini(),
 * sysctl_find_name(), sysctl_find_oid(), sysctl_next(),
 * sysctl_next_after(), sysctl_oid_handle(), sysctl_oid_read(),
 * sysctl_oid_write().  Typed handlers and text parsing live in
 * kern_sysctl_handlers.c, the kern.* nodes in kern_sysctl_kern.c.
 *
 * Every node belongs to the context's tree; nothing here is global.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/kern_sysctl_var.h"

/*
 * FreeBSD's fixed numbers, by full dotted name.  A name not listed gets
 * the tree's next OID_AUTO number.
 */
static const struct sysctl_wellknown {
	const char *wk_name;
	int wk_number;
} sysctl_wellknown[] = {
	{ "kern", 1 },			  /* CTL_KERN */
	{ "kern.ostype", 1 },		  /* KERN_OSTYPE */
	{ "kern.osrelease", 2 },	  /* KERN_OSRELEASE */
	{ "kern.ipc", 30 },		  /* KERN_IPC */
	{ "kern.ipc.maxsockbuf", 1 },	  /* KIPC_MAXSOCKBUF */
	{ "kern.ipc.somaxconn", 3 },	  /* KIPC_SOMAXCONN */
	{ "vm", 2 },			  /* CTL_VM */
	{ "net", 4 },			  /* CTL_NET */
	{ "debug", 5 },			  /* CTL_DEBUG */
	{ "hw", 6 },			  /* CTL_HW */
	{ "user", 8 },			  /* CTL_USER */
	{ "net.inet", 2 },		  /* PF_INET */
	{ "net.inet6", 28 },		  /* PF_INET6 */
	{ "net.route", 17 },		  /* PF_ROUTE */
	{ "net.link", 18 },		  /* PF_LINK */
	{ "net.link.generic", 0 },	  /* IFT_OTHER / NETLINK_GENERIC */
	{ "net.link.ether", 1 },	  /* IFT_ETHER */
	{ "net.link.ether.inet", 2 },	  /* PF_INET under ether */
	{ "net.inet.ip", 0 },		  /* IPPROTO_IP */
	{ "net.inet.icmp", 1 },		  /* IPPROTO_ICMP */
	{ "net.inet.tcp", 6 },		  /* IPPROTO_TCP */
	{ "net.inet.udp", 17 },		  /* IPPROTO_UDP */
	{ "net.inet.raw", 255 },	  /* IPPROTO_RAW */
	{ "net.inet.ip.forwarding", 1 },  /* IPCTL_FORWARDING */
	{ "net.inet.ip.redirect", 2 },	  /* IPCTL_SENDREDIRECTS */
	{ "net.inet.ip.ttl", 3 },	  /* IPCTL_DEFTTL */
	{ "net.inet.ip.sourceroute", 8 }, /* IPCTL_SOURCEROUTE */
	{ "net.inet.ip.intr_queue_maxlen", 10 },  /* IPCTL_INTRQMAXLEN */
	{ "net.inet.ip.intr_queue_drops", 11 },	  /* IPCTL_INTRQDROPS */
	{ "net.inet.ip.stats", 12 },		  /* IPCTL_STATS */
	{ "net.inet.ip.accept_sourceroute", 13 }, /* IPCTL_ACCEPTSOURCEROUTE */
	{ "net.inet.icmp.maskrepl", 1 },	  /* ICMPCTL_MASKREPL */
	{ "net.inet.icmp.stats", 2 },		  /* ICMPCTL_STATS */
	{ "net.inet.icmp.icmplim", 3 },		  /* ICMPCTL_ICMPLIM */
	{ "net.inet.tcp.rfc1323", 1 },		  /* TCPCTL_DO_RFC1323 */
	{ "net.inet.tcp.mssdflt", 3 },		  /* TCPCTL_MSSDFLT */
	{ "net.inet.tcp.stats", 4 },		  /* TCPCTL_STATS */
	{ "net.inet.tcp.keepidle", 6 },		  /* TCPCTL_KEEPIDLE */
	{ "net.inet.tcp.keepintvl", 7 },	  /* TCPCTL_KEEPINTVL */
	{ "net.inet.tcp.sendspace", 8 },	  /* TCPCTL_SENDSPACE */
	{ "net.inet.tcp.recvspace", 9 },	  /* TCPCTL_RECVSPACE */
	{ "net.inet.tcp.keepinit", 10 },	  /* TCPCTL_KEEPINIT */
	{ "net.inet.tcp.pcblist", 11 },		  /* TCPCTL_PCBLIST */
	{ "net.inet.tcp.delacktime", 12 },	  /* TCPCTL_DELACKTIME */
	{ "net.inet.tcp.v6mssdflt", 13 },	  /* TCPCTL_V6MSSDFLT */
	{ "net.inet.tcp.sack", 14 },		  /* TCPCTL_SACK */
	{ "net.inet.tcp.drop", 15 },		  /* TCPCTL_DROP */
	{ "net.inet.tcp.states", 16 },		  /* TCPCTL_STATES */
	{ "net.inet.udp.checksum", 1 },		  /* UDPCTL_CHECKSUM */
	{ "net.inet.udp.stats", 2 },		  /* UDPCTL_STATS */
	{ "net.inet.udp.maxdgram", 3 },		  /* UDPCTL_MAXDGRAM */
	{ "net.inet.udp.recvspace", 4 },	  /* UDPCTL_RECVSPACE */
	{ "net.inet.udp.pcblist", 5 },		  /* UDPCTL_PCBLIST */
};

static int
sysctl_wellknown_number(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(sysctl_wellknown) / sizeof(sysctl_wellknown[0]);
	     i++)
		if (strcmp(sysctl_wellknown[i].wk_name, path) == 0)
			return (sysctl_wellknown[i].wk_number);
	return (OID_AUTO);
}

/* Node life. */

static struct sysctl_oid *
sysctl_oid_alloc(const char *name, size_t namelen)
{
	struct sysctl_oid *oidp;

	oidp = calloc(1, sizeof(*oidp));
	if (oidp == NULL)
		return (NULL);
	oidp->oid_name = strndup(name, namelen);
	if (oidp->oid_name == NULL) {
		free(oidp);
		return (NULL);
	}
	TAILQ_INIT(&oidp->oid_children);
	oidp->oid_kind = CTLTYPE_NODE | CTLFLAG_RD;
	return (oidp);
}

static void
sysctl_oid_free(struct sysctl_oid *oidp)
{
	struct sysctl_oid *c;

	while ((c = TAILQ_FIRST(&oidp->oid_children)) != NULL) {
		TAILQ_REMOVE(&oidp->oid_children, c, oid_link);
		sysctl_oid_free(c);
	}
	free(oidp->oid_name);
	free(oidp->oid_descr);
	free(oidp->oid_fmt);
	free(oidp);
}

/* Children stay sorted by number: walks come out in FreeBSD's order. */
static void
sysctl_oid_link(struct sysctl_oid *parent, struct sysctl_oid *oidp)
{
	struct sysctl_oid *c;

	oidp->oid_parent = parent;
	TAILQ_FOREACH(c, &parent->oid_children, oid_link)
	{
		if (c->oid_number > oidp->oid_number) {
			TAILQ_INSERT_BEFORE(c, oidp, oid_link);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&parent->oid_children, oidp, oid_link);
}

static struct sysctl_oid *
sysctl_child_by_name(struct sysctl_oid *parent, const char *name, size_t len)
{
	struct sysctl_oid *c;

	TAILQ_FOREACH(c, &parent->oid_children, oid_link)
	if (strncmp(c->oid_name, name, len) == 0 && c->oid_name[len] == '\0')
		return (c);
	return (NULL);
}

static struct sysctl_oid *
sysctl_child_by_number(struct sysctl_oid *parent, int number)
{
	struct sysctl_oid *c;

	TAILQ_FOREACH(c, &parent->oid_children, oid_link)
	if (c->oid_number == number)
		return (c);
	return (NULL);
}

/*
 * A name is non-empty dot-separated components of printable characters
 * other than '.', '=' and space, at most CTL_MAXNAME of them.
 */
static int
sysctl_name_valid(const char *name)
{
	size_t i, len, complen = 0;
	unsigned int depth = 1;

	if (name == NULL)
		return (0);
	len = strlen(name);
	if (len == 0 || len >= SYSCTL_NAMEMAX)
		return (0);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch == '.') {
			if (complen == 0 || ++depth > CTL_MAXNAME)
				return (0);
			complen = 0;
			continue;
		}
		if (ch <= ' ' || ch >= 0x7f || ch == '=')
			return (0);
		complen++;
	}
	return (complen != 0);
}

/*
 * Find or create the interior node for name[0..len) under the root,
 * creating each missing component with its FreeBSD or OID_AUTO number.
 */
static struct sysctl_oid *
sysctl_mknodes(struct sysctl_tree *t, const char *name, size_t len)
{
	struct sysctl_oid *node = t->st_root, *c;
	size_t start = 0, end;

	while (start < len) {
		for (end = start; end < len && name[end] != '.'; end++)
			;
		c = sysctl_child_by_name(node, name + start, end - start);
		if (c == NULL) {
			c = sysctl_oid_new(t, node, name, start, end);
			if (c == NULL)
				return (NULL);
		} else if ((c->oid_kind & CTLTYPE) != CTLTYPE_NODE) {
			errno = ENOTDIR;
			return (NULL);
		}
		node = c;
		start = end + 1;
	}
	return (node);
}

/*
 * Create the node for component name[start..end) under `parent' (whose
 * path is name[0..start-1)) and link it in.
 */
struct sysctl_oid *
sysctl_oid_new(struct sysctl_tree *t, struct sysctl_oid *parent,
    const char *name, size_t start, size_t end)
{
	struct sysctl_oid *oidp;
	char path[SYSCTL_NAMEMAX];
	int number;

	memcpy(path, name, end);
	path[end] = '\0';
	number = sysctl_wellknown_number(path);
	if (number == OID_AUTO ||
	    sysctl_child_by_number(parent, number) != NULL)
		number = t->st_next_auto++;
	oidp = sysctl_oid_alloc(name + start, end - start);
	if (oidp == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	oidp->oid_number = number;
	sysctl_oid_link(parent, oidp);
	t->st_count++;
	return (oidp);
}

/*
 * Register a node of `kind' at `name': interior nodes are created as
 * needed; the last component must not exist yet (EEXIST) unless both
 * are interior nodes, in which case the existing one is returned.
 */
struct sysctl_oid *
sysctl_register(struct ff_ctx *ctx, const char *name, int kind, const char *fmt,
    const char *descr)
{
	struct sysctl_tree *t = ctx->sysctl;
	struct sysctl_oid *parent, *oidp;
	const char *last;
	size_t len, start;

	if (t == NULL || !sysctl_name_valid(name)) {
		errno = EINVAL;
		return (NULL);
	}
	len = strlen(name);
	last = strrchr(name, '.');
	start = (last == NULL) ? 0 : (size_t)(last - name) + 1;
	parent =
	    (last == NULL) ? t->st_root : sysctl_mknodes(t, name, start - 1);
	if (parent == NULL)
		return (NULL);
	oidp = sysctl_child_by_name(parent, name + start, len - start);
	if (oidp != NULL) {
		/* A node registered after a leaf below it created it. */
		if ((kind & CTLTYPE) == CTLTYPE_NODE &&
		    (oidp->oid_kind & CTLTYPE) == CTLTYPE_NODE)
			return (sysctl_oid_describe(oidp, fmt, descr));
		errno = EEXIST;
		return (NULL);
	}
	oidp = sysctl_oid_new(t, parent, name, start, len);
	if (oidp == NULL)
		return (NULL);
	oidp->oid_kind = kind;
	return (sysctl_oid_describe(oidp, fmt, descr));
}

/* Set format and description; NULL with ENOMEM on failure. */
struct sysctl_oid *
sysctl_oid_describe(struct sysctl_oid *oidp, const char *fmt, const char *descr)
{
	if (fmt != NULL && oidp->oid_fmt == NULL) {
		oidp->oid_fmt = strdup(fmt);
		if (oidp->oid_fmt == NULL)
			goto nomem;
	}
	if (descr != NULL && oidp->oid_descr == NULL) {
		oidp->oid_descr = strdup(descr);
		if (oidp->oid_descr == NULL)
			goto nomem;
	}
	return (oidp);
nomem:
	/* The node stays, undescribed: harmless, and the caller fails. */
	errno = ENOMEM;
	return (NULL);
}

/* Tree life. */

int
sysctl_ctx_init(struct ff_ctx *ctx)
{
	struct sysctl_tree *t;

	if (ctx->sysctl != NULL)
		return (0);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto nomem;
	t->st_root = sysctl_oid_alloc("", 0);
	if (t->st_root == NULL)
		goto nomem;
	t->st_next_auto = OID_AUTO_START;
	ctx->sysctl = t;
	if (kern_sysctl_register(ctx) != 0) {
		sysctl_ctx_fini(ctx);
		errno = ENOMEM;
		return (-1);
	}
	return (0);
nomem:
	free(t);
	errno = ENOMEM;
	return (-1);
}

void
sysctl_ctx_fini(struct ff_ctx *ctx)
{
	struct sysctl_tree *t = ctx->sysctl;

	if (t == NULL)
		return;
	sysctl_oid_free(t->st_root);
	free(t);
	ctx->sysctl = NULL;
}

/* Lookups. */

struct sysctl_oid *
sysctl_root(struct ff_ctx *ctx)
{
	return (ctx->sysctl == NULL ? NULL : ctx->sysctl->st_root);
}

struct sysctl_oid *
sysctl_find_name(struct ff_ctx *ctx, const char *name)
{
	struct sysctl_oid *node;
	const char *p, *dot;

	if (ctx->sysctl == NULL || !sysctl_name_valid(name)) {
		errno = (ctx->sysctl == NULL) ? ENOENT : EINVAL;
		return (NULL);
	}
	node = ctx->sysctl->st_root;
	for (p = name; node != NULL; p = dot + 1) {
		dot = strchr(p, '.');
		node = sysctl_child_by_name(
		    node, p, dot == NULL ? strlen(p) : (size_t)(dot - p));
		if (dot == NULL)
			break;
	}
	if (node == NULL)
		errno = ENOENT;
	return (node);
}

struct sysctl_oid *
sysctl_find_oid(struct ff_ctx *ctx, const int *oid, unsigned int len)
{
	struct sysctl_oid *node;
	unsigned int i;

	if (ctx->sysctl == NULL || len == 0 || len > CTL_MAXNAME) {
		errno = (ctx->sysctl == NULL || len == 0) ? ENOENT : EINVAL;
		return (NULL);
	}
	node = ctx->sysctl->st_root;
	for (i = 0; i < len && node != NULL; i++)
		node = sysctl_child_by_number(node, oid[i]);
	if (node == NULL)
		errno = ENOENT;
	return (node);
}

/* Walks. */

/* The next node in depth-first order inside top's subtree, or NULL. */
static struct sysctl_oid *
sysctl_next_any(struct sysctl_oid *top, struct sysctl_oid *oidp)
{
	struct sysctl_oid *n;

	if ((n = TAILQ_FIRST(&oidp->oid_children)) != NULL)
		return (n);
	return (sysctl_next_up(top, oidp));
}

/* The next node after oidp's whole subtree, inside top's, or NULL. */
struct sysctl_oid *
sysctl_next_up(struct sysctl_oid *top, struct sysctl_oid *oidp)
{
	struct sysctl_oid *n;

	for (; oidp != top && oidp->oid_parent != NULL; oidp = oidp->oid_parent)
		if ((n = TAILQ_NEXT(oidp, oid_link)) != NULL)
			return (n);
	return (NULL);
}

/* From `oidp' included: itself if it qualifies, else the next that does. */
struct sysctl_oid *
sysctl_first_from(struct sysctl_oid *top, struct sysctl_oid *oidp, int leaves)
{
	if (oidp == NULL)
		return (NULL);
	/* The root has no name: never part of a walk. */
	if (oidp->oid_parent != NULL && (!leaves || sysctl_oid_is_leaf(oidp)))
		return (oidp);
	return (sysctl_next(top, oidp, leaves));
}

struct sysctl_oid *
sysctl_walk_first(struct sysctl_oid *top, int leaves)
{
	return (sysctl_first_from(top, top, leaves));
}

struct sysctl_oid *
sysctl_next(struct sysctl_oid *top, struct sysctl_oid *oidp, int leaves)
{
	do {
		oidp = sysctl_next_any(top, oidp);
	} while (oidp != NULL && leaves && !sysctl_oid_is_leaf(oidp));
	return (oidp);
}

struct sysctl_oid *
sysctl_next_after(struct ff_ctx *ctx, struct sysctl_oid *top, const int *oid,
    unsigned int len, int leaves)
{
	struct sysctl_oid *node, *c;
	unsigned int i;

	if (ctx->sysctl == NULL || len > CTL_MAXNAME)
		return (NULL);
	/* Follow the path as far as it exists. */
	node = ctx->sysctl->st_root;
	for (i = 0; i < len; i++) {
		c = sysctl_child_by_number(node, oid[i]);
		if (c == NULL)
			break;
		node = c;
	}
	if (!sysctl_oid_within(top, node) && !sysctl_oid_within(node, top))
		return (NULL);
	if (i == len)
		return (sysctl_next(top, node, leaves));
	/* The path left the tree at depth i: the first larger sibling. */
	TAILQ_FOREACH(c, &node->oid_children, oid_link)
	if (c->oid_number > oid[i])
		return (sysctl_oid_within(top, c)
			? sysctl_first_from(top, c, leaves)
			: NULL);
	if (!sysctl_oid_within(top, node))
		return (NULL);
	return (sysctl_first_from(top, sysctl_next_up(top, node), leaves));
}

/* Whether `oidp' is `top' or lies below it. */
int
sysctl_oid_within(const struct sysctl_oid *top, const struct sysctl_oid *oidp)
{
	for (; oidp != NULL; oidp = oidp->oid_parent)
		if (oidp == top)
			return (1);
	return (0);
}

/* Accessors. */

int
sysctl_oid_kind(const struct sysctl_oid *oidp)
{
	return (oidp->oid_kind);
}

int
sysctl_oid_is_leaf(const struct sysctl_oid *oidp)
{
	return ((oidp->oid_kind & CTLTYPE) != CTLTYPE_NODE);
}

const char *
sysctl_oid_fmt(const struct sysctl_oid *oidp)
{
	return (oidp->oid_fmt != NULL ? oidp->oid_fmt : "");
}

const char *
sysctl_oid_descr(const struct sysctl_oid *oidp)
{
	return (oidp->oid_descr != NULL ? oidp->oid_descr : "");
}

void *
sysctl_oid_arg1(const struct sysctl_oid *oidp)
{
	return (oidp->oid_arg1);
}

intptr_t
sysctl_oid_arg2(const struct sysctl_oid *oidp)
{
	return (oidp->oid_arg2);
}

unsigned int
sysctl_oid_numbers(const struct sysctl_oid *oidp, int *oid)
{
	const struct sysctl_oid *p;
	unsigned int depth = 0, i;

	for (p = oidp; p != NULL && p->oid_parent != NULL; p = p->oid_parent)
		depth++;
	i = depth;
	for (p = oidp; i > 0; p = p->oid_parent)
		oid[--i] = p->oid_number;
	return (depth);
}

int
sysctl_oid_path(const struct sysctl_oid *oidp, char *buf, size_t size)
{
	const struct sysctl_oid *p;
	size_t len = 0, n;

	/* Measure first, then fill from the end: no recursion, no copy. */
	for (p = oidp; p != NULL && p->oid_parent != NULL; p = p->oid_parent)
		len += strlen(p->oid_name) + 1;
	if (len == 0)
		len = 1; /* the root: "" */
	if (len > size)
		return (-ENAMETOOLONG);
	n = len - 1;
	buf[n] = '\0';
	for (p = oidp; p != NULL && p->oid_parent != NULL; p = p->oid_parent) {
		size_t l = strlen(p->oid_name);

		n -= l;
		memcpy(buf + n, p->oid_name, l);
		if (n > 0)
			buf[--n] = '.';
	}
	return ((int)(len - 1));
}
