/*
 * kern_sysctl_handlers.c - leaves of the sysctl tree: registration of
 * typed leaves, their default handlers, and the one read/write path with
 * its checks (read-only, leaf, size, range), binary or from text.
 *
 * Entry points: sysctl_add_table(), sysctl_out(), sysctl_in(),
 * sysctl_oid_handle(), sysctl_oid_read(), sysctl_oid_write(),
 * sysctl_oid_set_text(), sysctl_oid_set_tunable(), sysctl_oid_range(),
 * sysctl_set_string().
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
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
		room =
		    req->oldidx < req->oldlen ? req->oldlen - req->oldidx : 0;
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
	return (
	    type == CTLTYPE_INT || type == CTLTYPE_LONG || type == CTLTYPE_S64);
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
sysctl_handle_num(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
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
sysctl_handle_string(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
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
sysctl_handle_opaque(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
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
	case CTLTYPE_NODE:
		return ("N");
	case CTLTYPE_INT:
		return ("I");
	case CTLTYPE_UINT:
		return ("IU");
	case CTLTYPE_LONG:
		return ("L");
	case CTLTYPE_ULONG:
		return ("LU");
	case CTLTYPE_S64:
		return ("Q");
	case CTLTYPE_U64:
		return ("QU");
	case CTLTYPE_STRING:
		return ("A");
	}
	return ("");
}

/* Only access and tunable flags come from the caller; the type is ours. */
#define SYSCTL_FLAGMASK (CTLFLAG_RW | CTLFLAG_TUN | CTLFLAG_STATS)

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

/* A number's [min, max]: signed types, then unsigned ones. */
static void
sysctl_set_range(struct sysctl_oid *oidp, const struct sysctl_entry *e)
{
	switch (oidp->oid_kind & CTLTYPE) {
	case CTLTYPE_INT:
	case CTLTYPE_LONG:
		oidp->oid_smin = e->se_min;
		oidp->oid_smax = e->se_max;
		break;
	case CTLTYPE_UINT:
		oidp->oid_umin = (uint64_t)e->se_min;
		oidp->oid_umax = (uint64_t)e->se_max;
		break;
	}
}

/* The handler that serves an entry of `type' without one of its own. */
static sysctl_handler_t
sysctl_default_handler(int type)
{
	switch (type) {
	case CTLTYPE_STRING:
		return (sysctl_handle_string);
	case CTLTYPE_OPAQUE:
		return (sysctl_handle_opaque);
	}
	return (sysctl_num_size(type) != 0 ? sysctl_handle_num : NULL);
}

/* Whether an entry holds together before anything is registered. */
static int
sysctl_entry_valid(const struct sysctl_entry *e, void *var)
{
	if (e->se_handler != NULL)
		return (1);
	if (var == NULL)
		return (0);
	switch (e->se_kind & CTLTYPE) {
	case CTLTYPE_UINT:
		if (e->se_min < 0)
			return (0);
		/* FALLTHROUGH */
	case CTLTYPE_INT:
	case CTLTYPE_LONG:
		return (e->se_min <= e->se_max);
	case CTLTYPE_STRING:
		return (e->se_size > 0 && e->se_size <= INT_MAX);
	}
	return (e->se_size <= INT_MAX);
}

static struct sysctl_oid *
sysctl_add_entry(struct ff_ctx *ctx, char *base, const struct sysctl_entry *e)
{
	int type = e->se_kind & CTLTYPE;
	void *var = (e->se_off == SYSCTL_NOVAR || base == NULL)
	    ? NULL
	    : base + e->se_off;
	sysctl_handler_t handler = e->se_handler;
	struct sysctl_oid *oidp;

	if (type == CTLTYPE_NODE)
		return (sysctl_register(ctx, e->se_name,
		    CTLTYPE_NODE | CTLFLAG_RD, "N", e->se_descr));
	if (!sysctl_entry_valid(e, var)) {
		errno = EINVAL;
		return (NULL);
	}
	if (handler == NULL)
		handler = sysctl_default_handler(type);
	oidp = sysctl_add_leaf(ctx, e->se_name,
	    type | (e->se_kind & SYSCTL_FLAGMASK), handler, var,
	    (intptr_t)e->se_size, e->se_fmt, e->se_descr);
	if (oidp != NULL && e->se_handler == NULL)
		sysctl_set_range(oidp, e);
	return (oidp);
}

int
sysctl_add_table(
    struct ff_ctx *ctx, void *base, const struct sysctl_entry *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sysctl_add_entry(ctx, base, &tab[i]) == NULL)
			return (-errno);
	return (0);
}

/* The one path every read and write takes. */

int
sysctl_oid_handle(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
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

/* A write by the handler alone: the caller checked the permission. */
static int
sysctl_oid_store(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const void *p, size_t len)
{
	struct sysctl_req req;
	static const char empty[1];

	memset(&req, 0, sizeof(req));
	/* A zero-length write is still a write. */
	req.newptr = (p != NULL) ? p : empty;
	req.newlen = len;
	return (oidp->oid_handler(ctx, oidp, &req));
}

int
sysctl_oid_write(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const void *p, size_t len)
{
	if (!sysctl_oid_is_leaf(oidp) || oidp->oid_handler == NULL)
		return (EISDIR);
	if ((oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
	return (sysctl_oid_store(ctx, oidp, p, len));
}

/* Text. */

/*
 * Parse `value' as a number of the node's integer type into buf (the
 * type's size).  EINVAL when it is not a number, ERANGE when it does not
 * fit the type or the node's registered range.
 */
static int
sysctl_parse_num(const struct sysctl_oid *oidp, const char *value, void *buf)
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
		if (errno == ERANGE ||
		    (type == CTLTYPE_INT && (s < INT_MIN || s > INT_MAX)))
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

/* Parse and store `value' without a permission check. */
static int
sysctl_oid_store_text(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const char *value)
{
	uint64_t num;
	int type = oidp->oid_kind & CTLTYPE, error;

	if (type == CTLTYPE_STRING)
		return (sysctl_oid_store(ctx, oidp, value, strlen(value)));
	if (sysctl_num_size(type) == 0)
		return (EINVAL); /* opaque: not settable from text */
	error = sysctl_parse_num(oidp, value, &num);
	if (error != 0)
		return (error);
	return (sysctl_oid_store(ctx, oidp, &num, sysctl_num_size(type)));
}

int
sysctl_oid_set_text(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const char *value)
{
	if (!sysctl_oid_is_leaf(oidp) || oidp->oid_handler == NULL)
		return (EISDIR);
	if ((oidp->oid_kind & CTLFLAG_WR) == 0)
		return (EPERM);
	return (sysctl_oid_store_text(ctx, oidp, value));
}

int
sysctl_oid_set_tunable(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, const char *value)
{
	if (!sysctl_oid_is_leaf(oidp) || oidp->oid_handler == NULL)
		return (EISDIR);
	if ((oidp->oid_kind & CTLFLAG_TUN) == 0)
		return (EPERM);
	return (sysctl_oid_store_text(ctx, oidp, value));
}

int
sysctl_oid_range(const struct sysctl_oid *oidp, char *buf, size_t size)
{
	int type = oidp->oid_kind & CTLTYPE;

	if (oidp->oid_handler != sysctl_handle_num)
		return (0);
	if (sysctl_type_signed(type))
		snprintf(buf, size, "%lld..%lld", (long long)oidp->oid_smin,
		    (long long)oidp->oid_smax);
	else
		snprintf(buf, size, "%llu..%llu",
		    (unsigned long long)oidp->oid_umin,
		    (unsigned long long)oidp->oid_umax);
	return (1);
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
