/*
 * kern_sysctl_handlers.c - leaves of the sysctl tree: registration of
 * typed leaves, their default handlers, and the one read/write path with
 * its checks (read-only, leaf, size, range), binary or from text.
 *
 * Entry points: sysctl_add_*(), sysctl_out(), sysctl_in(),
 * sysctl_oid_handle(), sysctl_oid_read(), sysctl_oid_write(),
 * sysctl_oid_set_text(), sysctl_set_string().
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/kern_sysctl_var.h"

/* Moving values in and out of a request. */

int
sysctl_out(struct sysctl_req *req, const void *p, size_t len)
{
	size_t room, n = len;
	int error = 0;

	if (req->oldptr != NULL) {
		room = req->oldidx < req->oldlen ? req->oldlen - req->oldidx : 0;
		if (n > room) {
			n = room;
			error = ENOMEM;
		}
		memcpy((char *)req->oldptr + req->oldidx, p, n);
	}
	/* oldidx counts what was wanted, so a caller learns the size. */
	req->oldidx += len;
	return (error);
}

int
sysctl_in(struct sysctl_req *req, void *p, size_t len)
{
	if (req->newptr == NULL)
		return (0);
	if (req->newlen - req->newidx < len)
		return (EINVAL);
	memcpy(p, (const char *)req->newptr + req->newidx, len);
	req->newidx += len;
	return (0);
}

/*
 * A scalar kept in a handler's local: the old value out and, on a write,
 * exactly len new bytes in over it (FreeBSD's sysctl_handle_int for any
 * size).  The handler checks req->newptr afterwards to know whether *p is
 * new and still has to be validated.
 */
int
sysctl_handle_value(struct sysctl_req *req, void *p, size_t len)
{
	int error;

	error = sysctl_out(req, p, len);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (req->newlen != len)
		return (EINVAL);
	return (sysctl_in(req, p, len));
}

/* Numbers: one handler for every integer type. */

static size_t
sysctl_num_size(int type)
{
	switch (type) {
	case CTLTYPE_INT:
	case CTLTYPE_UINT:
		return (sizeof(int));
	case CTLTYPE_LONG:
	case CTLTYPE_ULONG:
		return (sizeof(long));
	case CTLTYPE_S64:
	case CTLTYPE_U64:
		return (sizeof(uint64_t));
	}
	return (0);
}

static int
sysctl_type_signed(int type)
{
	return (type == CTLTYPE_INT || type == CTLTYPE_LONG ||
	    type == CTLTYPE_S64);
}

/* Widen a value of `type' held at p; signed types sign-extend. */
static void
sysctl_num_load(int type, const void *p, int64_t *s, uint64_t *u)
{
	switch (type) {
	case CTLTYPE_INT:
		*s = *(const int *)p;
		break;
	case CTLTYPE_UINT:
		*u = *(const unsigned int *)p;
		break;
	case CTLTYPE_LONG:
		*s = *(const long *)p;
		break;
	case CTLTYPE_ULONG:
		*u = *(const unsigned long *)p;
		break;
	case CTLTYPE_S64:
		*s = *(const int64_t *)p;
		break;
	default:
		*u = *(const uint64_t *)p;
		break;
	}
}

static int
sysctl_num_inrange(const struct sysctl_oid *oidp, const void *p)
{
	int type = oidp->oid_kind & CTLTYPE;
	int64_t s = 0;
	uint64_t u = 0;

	sysctl_num_load(type, p, &s, &u);
	if (sysctl_type_signed(type))
		return (s >= oidp->oid_smin && s <= oidp->oid_smax);
	return (u >= oidp->oid_umin && u <= oidp->oid_umax);
}

static int
sysctl_handle_num(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    struct sysctl_req *req)
{
	uint64_t tmp = 0;
	size_t size = sysctl_num_size(oidp->oid_kind & CTLTYPE);
	int error;

	memcpy(&tmp, oidp->oid_arg1, size);
	error = sysctl_handle_value(req, &tmp, size);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (!sysctl_num_inrange(oidp, &tmp))
		return (EINVAL);
	memcpy(oidp->oid_arg1, &tmp, size);
	return (0);
}

/* Strings: read with their NUL; a write must leave room for one. */
static int
sysctl_handle_string(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    struct sysctl_req *req)
{
	char *buf = oidp->oid_arg1;
	size_t size = (size_t)oidp->oid_arg2, len;
	int error;

	error = sysctl_out(req, buf, strnlen(buf, size - 1) + 1);
	if (error != 0 || req->newptr == NULL)
		return (error);
	len = req->newlen;
	/* A trailing NUL is accepted, an inner one is not. */
	if (len > 0 && ((const char *)req->newptr)[len - 1] == '\0')
		len--;
	if (len >= size || memchr(req->newptr, '\0', len) != NULL)
		return (EINVAL);
	memcpy(buf, req->newptr, len);
	buf[len] = '\0';
	req->newidx = req->newlen;
	return (0);
}

/*
 * Structs: read whole.  A write to statistics zeroes them; any other
 * write must bring the whole struct.
 */
static int
sysctl_handle_opaque(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    struct sysctl_req *req)
{
	size_t len = (size_t)oidp->oid_arg2;
	int error;

	error = sysctl_out(req, oidp->oid_arg1, len);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (oidp->oid_kind & CTLFLAG_STATS) {
		memset(oidp->oid_arg1, 0, len);
		req->newidx = req->newlen;
		return (0);
	}
	if (req->newlen != len)
		return (EINVAL);
	return (sysctl_in(req, oidp->oid_arg1, len));
}

/* Registration. */

static const char *
sysctl_default_fmt(int type)
{
	switch (type) {
	case CTLTYPE_NODE:	return ("N");
	case CTLTYPE_INT:	return ("I");
	case CTLTYPE_UINT:	return ("IU");
	case CTLTYPE_LONG:	return ("L");
	case CTLTYPE_ULONG:	return ("LU");
	case CTLTYPE_S64:	return ("Q");
	case CTLTYPE_U64:	return ("QU");
	case CTLTYPE_STRING:	return ("A");
	}
	return ("");
}

/* Only access and tunable flags come from the caller; the type is ours. */
#define	SYSCTL_FLAGMASK	(CTLFLAG_RW | CTLFLAG_TUN | CTLFLAG_STATS)

static struct sysctl_oid *
sysctl_add_leaf(struct ff_ctx *ctx, const char *name, int kind,
    sysctl_handler_t handler, void *arg1, intptr_t arg2, const char *fmt,
    const char *descr)
{
	struct sysctl_oid *oidp;

	if (handler == NULL || (kind & CTLTYPE) == CTLTYPE_NODE ||
	    (kind & CTLTYPE) == 0 || (kind & CTLTYPE) > CTLTYPE_U64) {
		errno = EINVAL;
		return (NULL);
	}
	if (fmt == NULL)
		fmt = sysctl_default_fmt(kind & CTLTYPE);
	oidp = sysctl_register(ctx, name, kind, fmt, descr);
	if (oidp == NULL)
		return (NULL);
	oidp->oid_handler = handler;
	oidp->oid_arg1 = arg1;
	oidp->oid_arg2 = arg2;
	oidp->oid_smin = INT64_MIN;
	oidp->oid_smax = INT64_MAX;
	oidp->oid_umax = UINT64_MAX;
	return (oidp);
}

static struct sysctl_oid *
sysctl_add_num(struct ff_ctx *ctx, const char *name, int type, int flags,
    void *ptr, const char *descr)
{
	if (ptr == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	return (sysctl_add_leaf(ctx, name, type | (flags & SYSCTL_FLAGMASK),
	    sysctl_handle_num, ptr, 0, NULL, descr));
}

struct sysctl_oid *
sysctl_add_int(struct ff_ctx *ctx, const char *name, int flags, int *ptr,
    int min, int max, const char *descr)
{
	struct sysctl_oid *oidp;

	if (min > max) {
		errno = EINVAL;
		return (NULL);
	}
	oidp = sysctl_add_num(ctx, name, CTLTYPE_INT, flags, ptr, descr);
	if (oidp != NULL) {
		oidp->oid_smin = min;
		oidp->oid_smax = max;
	}
	return (oidp);
}

struct sysctl_oid *
sysctl_add_uint(struct ff_ctx *ctx, const char *name, int flags,
    unsigned int *ptr, unsigned int min, unsigned int max, const char *descr)
{
	struct sysctl_oid *oidp;

	if (min > max) {
		errno = EINVAL;
		return (NULL);
	}
	oidp = sysctl_add_num(ctx, name, CTLTYPE_UINT, flags, ptr, descr);
	if (oidp != NULL) {
		oidp->oid_umin = min;
		oidp->oid_umax = max;
	}
	return (oidp);
}

struct sysctl_oid *
sysctl_add_long(struct ff_ctx *ctx, const char *name, int flags, long *ptr,
    long min, long max, const char *descr)
{
	struct sysctl_oid *oidp;

	if (min > max) {
		errno = EINVAL;
		return (NULL);
	}
	oidp = sysctl_add_num(ctx, name, CTLTYPE_LONG, flags, ptr, descr);
	if (oidp != NULL) {
		oidp->oid_smin = min;
		oidp->oid_smax = max;
	}
	return (oidp);
}

struct sysctl_oid *
sysctl_add_ulong(struct ff_ctx *ctx, const char *name, int flags,
    unsigned long *ptr, const char *descr)
{
	return (sysctl_add_num(ctx, name, CTLTYPE_ULONG, flags, ptr, descr));
}

struct sysctl_oid *
sysctl_add_u64(struct ff_ctx *ctx, const char *name, int flags,
    uint64_t *ptr, const char *descr)
{
	return (sysctl_add_num(ctx, name, CTLTYPE_U64, flags, ptr, descr));
}

struct sysctl_oid *
sysctl_add_string(struct ff_ctx *ctx, const char *name, int flags,
    char *buf, size_t size, const char *descr)
{
	if (buf == NULL || size == 0 || size > INT_MAX) {
		errno = EINVAL;
		return (NULL);
	}
	return (sysctl_add_leaf(ctx, name,
	    CTLTYPE_STRING | (flags & SYSCTL_FLAGMASK), sysctl_handle_string,
	    buf, (intptr_t)size, NULL, descr));
}

struct sysctl_oid *
sysctl_add_opaque(struct ff_ctx *ctx, const char *name, int flags,
    void *ptr, size_t len, const char *fmt, const char *descr)
{
	if (ptr == NULL || len > INT_MAX) {
		errno = EINVAL;
		return (NULL);
	}
	return (sysctl_add_leaf(ctx, name,
	    CTLTYPE_OPAQUE | (flags & SYSCTL_FLAGMASK), sysctl_handle_opaque,
	    ptr, (intptr_t)len, fmt, descr));
}

struct sysctl_oid *
sysctl_add_proc(struct ff_ctx *ctx, const char *name, int kind,
    sysctl_handler_t handler, void *arg1, intptr_t arg2, const char *fmt,
    const char *descr)
{
	return (sysctl_add_leaf(ctx, name,
	    (kind & CTLTYPE) | (kind & SYSCTL_FLAGMASK), handler, arg1, arg2,
	    fmt, descr));
}

struct sysctl_oid *
sysctl_add_node(struct ff_ctx *ctx, const char *name, const char *descr)
{
	return (sysctl_register(ctx, name, CTLTYPE_NODE | CTLFLAG_RD, "N",
	    descr));
}

/* The one path every read and write takes. */

int
sysctl_oid_handle(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    struct sysctl_req *req)
{
	if (!sysctl_oid_is_leaf(oidp) || oidp->oid_handler == NULL)
		return (EISDIR);
	if (req->newptr != NULL && (oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
	return (oidp->oid_handler(ctx, oidp, req));
}

int
sysctl_oid_read(struct ff_ctx *ctx, struct sysctl_oid *oidp, void *buf,
    size_t cap, size_t *lenp)
{
	struct sysctl_req req;
	int error;

	memset(&req, 0, sizeof(req));
	req.oldptr = buf;
	req.oldlen = cap;
	error = sysctl_oid_handle(ctx, oidp, &req);
	*lenp = req.oldidx;
	return (error);
}

int
sysctl_oid_write(struct ff_ctx *ctx, struct sysctl_oid *oidp, const void *p,
    size_t len)
{
	struct sysctl_req req;
	static const char empty[1];

	memset(&req, 0, sizeof(req));
	/* A zero-length write is still a write. */
	req.newptr = (p != NULL) ? p : empty;
	req.newlen = len;
	return (sysctl_oid_handle(ctx, oidp, &req));
}

/* Text. */

/*
 * Parse `value' as a number of the node's integer type into buf (the
 * type's size).  EINVAL when it is not a number, ERANGE when it does not
 * fit the type or the node's registered range.
 */
static int
sysctl_parse_num(const struct sysctl_oid *oidp, const char *value,
    void *buf)
{
	int type = oidp->oid_kind & CTLTYPE;
	char *end;
	int64_t s;
	uint64_t u;

	if (*value == '\0')
		return (EINVAL);
	errno = 0;
	if (sysctl_type_signed(type)) {
		s = strtoll(value, &end, 0);
		if (*end != '\0')
			return (EINVAL);
		if (errno == ERANGE || (type == CTLTYPE_INT &&
		    (s < INT_MIN || s > INT_MAX)))
			return (ERANGE);
		if (type == CTLTYPE_INT)
			*(int *)buf = (int)s;
		else
			*(int64_t *)buf = s;
	} else {
		while (*value == ' ' || *value == '\t')
			value++;
		if (*value == '-')
			return (ERANGE);
		u = strtoull(value, &end, 0);
		if (*end != '\0')
			return (EINVAL);
		if (errno == ERANGE || (type == CTLTYPE_UINT && u > UINT_MAX))
			return (ERANGE);
		if (type == CTLTYPE_UINT)
			*(unsigned int *)buf = (unsigned int)u;
		else
			*(uint64_t *)buf = u;
	}
	/* Nodes with their own handler check their own range. */
	if (oidp->oid_handler == sysctl_handle_num &&
	    !sysctl_num_inrange(oidp, buf))
		return (ERANGE);
	return (0);
}

int
sysctl_oid_set_text(struct ff_ctx *ctx, struct sysctl_oid *oidp,
    const char *value)
{
	uint64_t num;
	int type = oidp->oid_kind & CTLTYPE, error;

	if (!sysctl_oid_is_leaf(oidp))
		return (EISDIR);
	if ((oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
	if (type == CTLTYPE_STRING)
		return (sysctl_oid_write(ctx, oidp, value, strlen(value)));
	if (sysctl_num_size(type) == 0)
		return (EINVAL);	/* opaque: not settable from text */
	error = sysctl_parse_num(oidp, value, &num);
	if (error != 0)
		return (error);
	return (sysctl_oid_write(ctx, oidp, &num, sysctl_num_size(type)));
}

int
sysctl_set_string(struct ff_ctx *ctx, const char *name, const char *value)
{
	struct sysctl_oid *oidp;

	if (name == NULL || value == NULL)
		return (EINVAL);
	oidp = sysctl_find_name(ctx, name);
	if (oidp == NULL)
		return (ENOENT);
	return (sysctl_oid_set_text(ctx, oidp, value));
}

int
sysctl_add_counters(struct ff_ctx *ctx, void *base,
    const struct sysctl_counter *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sysctl_add_u64(ctx, tab[i].sc_name, CTLFLAG_RD,
		    (uint64_t *)((char *)base + tab[i].sc_off),
		    tab[i].sc_descr) == NULL)
			return (-errno);
	return (0);
}
