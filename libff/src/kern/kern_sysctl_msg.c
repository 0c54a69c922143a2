/*
 * kern_sysctl_msg.c - FF_MSG_SYSCTL: ff-sysctl's view of the MIB tree.
 *
 * Entry point: ff_msg_sysctl(), called from the message dispatch table.
 * The layout and the meaning of every field are in ff_msg.h.  A walk
 * packs as many nodes as fit one message, so `ff-sysctl -a' costs a
 * handful of round trips instead of one per OID.
 *
 * Everything in the request is checked before use: its length, the op and
 * flags, the OID length, every (offset, length) pair, the NUL of every
 * string.  A bad request gets EINVAL, never a crash.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/ff_errno.h"
#include "ff_msg.h"
#include "ipc/ff_msg_server.h"
#include "kern/kern_sysctl.h"

/* Where a reply is being written. */
struct sysctl_msg_out {
	char *mo_body; /* reply body (the message after its header) */
	size_t mo_cap;
	size_t mo_off;	   /* bytes used */
	uint32_t mo_count; /* records written */
	int mo_strict;	   /* GET, SET: a failed read fails the request */
};

/* A body offset as the tool sees it: from the start of the message. */
static uint32_t
sysctl_msg_off(size_t body_off)
{
	return ((uint32_t)(sizeof(struct ff_msg_hdr) + body_off));
}

static size_t
sysctl_align8(size_t n)
{
	return ((n + 7) & ~(size_t)7);
}

/* Append bytes to the reply and describe them with iov; ENOSPC if full. */
static int
sysctl_msg_append(struct sysctl_msg_out *mo, const void *p, size_t len,
    struct ff_msg_iov *iov)
{
	if (len > mo->mo_cap - mo->mo_off)
		return (ENOSPC);
	memcpy(mo->mo_body + mo->mo_off, p, len);
	iov->mi_off = len ? sysctl_msg_off(mo->mo_off) : 0;
	iov->mi_len = (uint32_t)len;
	mo->mo_off += len;
	return (0);
}

/*
 * Append the node's current value.  A value too large for what is left is
 * ENOSPC, unless the record is alone in the reply: then it can never fit,
 * and it is reported in the record (ENOMEM) with its size.
 */
static int
sysctl_msg_value(struct ff_ctx *ctx, struct sysctl_msg_out *mo,
    struct sysctl_oid *oidp, struct ff_sysctl_node *sn, struct ff_msg_iov *iov)
{
	size_t len = 0;
	int error;

	error = sysctl_oid_read(
	    ctx, oidp, mo->mo_body + mo->mo_off, mo->mo_cap - mo->mo_off, &len);
	sn->sn_valuesize = (uint32_t)len;
	if (error == ENOMEM && mo->mo_count > 0)
		return (ENOSPC);
	if (error != 0 && mo->mo_strict)
		return (error);
	if (error != 0) {
		sn->sn_error = ff_errno_to_bsd(error);
		iov->mi_off = iov->mi_len = 0;
		return (0);
	}
	iov->mi_off = len ? sysctl_msg_off(mo->mo_off) : 0;
	iov->mi_len = (uint32_t)len;
	mo->mo_off += len;
	return (0);
}

/* Fixed part, name, format and description of one record. */
static int
sysctl_msg_head(struct sysctl_msg_out *mo, struct sysctl_oid *oidp,
    uint32_t flags, struct ff_sysctl_node *sn)
{
	char name[SYSCTL_NAMEMAX];
	const char *s;
	int n, error;

	memset(sn, 0, sizeof(*sn));
	sn->sn_kind = (uint32_t)sysctl_oid_kind(oidp);
	sn->sn_oidlen = sysctl_oid_numbers(oidp, sn->sn_oid);
	if (mo->mo_cap - mo->mo_off < sizeof(*sn))
		return (ENOSPC);
	mo->mo_off += sizeof(*sn);
	n = sysctl_oid_path(oidp, name, sizeof(name));
	if (n < 0)
		return (-n);
	error = sysctl_msg_append(mo, name, (size_t)n + 1, &sn->sn_name);
	if (error == 0) {
		s = sysctl_oid_fmt(oidp);
		error = sysctl_msg_append(mo, s, strlen(s) + 1, &sn->sn_fmt);
	}
	if (error == 0 && (flags & FF_SYSCTLF_DESCR)) {
		s = sysctl_oid_descr(oidp);
		error = sysctl_msg_append(mo, s, strlen(s) + 1, &sn->sn_descr);
	}
	return (error);
}

/*
 * One record for oidp.  For SET, `newval' is written between reading the
 * old value and the new one; its error is the request's error.
 * Returns 0, ENOSPC (nothing written: the reply is full) or an errno.
 */
static int
sysctl_msg_record(struct ff_ctx *ctx, struct sysctl_msg_out *mo,
    struct sysctl_oid *oidp, const struct ff_sysctl_req *sr, const void *newval,
    size_t newlen)
{
	struct ff_sysctl_node sn;
	size_t start = mo->mo_off;
	int error;

	error = sysctl_msg_head(mo, oidp, sr->sr_flags, &sn);
	if (error == 0 && sr->sr_op == FF_SYSCTL_SET) {
		error = sysctl_msg_value(ctx, mo, oidp, &sn, &sn.sn_oldvalue);
		if (error == 0)
			error = (sr->sr_flags & FF_SYSCTLF_TEXT)
			    ? sysctl_oid_set_text(ctx, oidp, newval)
			    : sysctl_oid_write(ctx, oidp, newval, newlen);
		/* On the wire a value out of range is EINVAL, as FreeBSD's. */
		if (error == ERANGE)
			error = EINVAL;
	}
	if (error == 0 && sysctl_oid_is_leaf(oidp) &&
	    !(sr->sr_flags & FF_SYSCTLF_NOVALUE))
		error = sysctl_msg_value(ctx, mo, oidp, &sn, &sn.sn_value);
	if (error != 0) {
		mo->mo_off = start;
		return (error);
	}
	mo->mo_off = sysctl_align8(mo->mo_off);
	if (mo->mo_off > mo->mo_cap)
		mo->mo_off = mo->mo_cap;
	sn.sn_reclen = (uint32_t)(mo->mo_off - start);
	memcpy(mo->mo_body + start, &sn, sizeof(sn));
	mo->mo_count++;
	return (0);
}

/* A NUL-terminated string inside the request, or NULL. */
static const char *
sysctl_msg_string(
    const struct ff_msg_hdr *req, const struct ff_msg_iov *iov, size_t max)
{
	const char *s;

	if (iov->mi_len == 0 || iov->mi_len > max)
		return (NULL);
	s = ff_msg_iov_get(req, iov);
	if (s == NULL || s[iov->mi_len - 1] != '\0' ||
	    strlen(s) != iov->mi_len - 1)
		return (NULL);
	return (s);
}

/* The request's fixed part, checked field by field. */
static int
sysctl_msg_check(const struct ff_msg_hdr *req, struct ff_sysctl_req *sr)
{
	if (req->fm_len < sizeof(*req) + sizeof(*sr))
		return (EINVAL);
	memcpy(sr, req + 1, sizeof(*sr));
	if (sr->sr_len != sizeof(*sr) || sr->sr_op < FF_SYSCTL_GET ||
	    sr->sr_op > FF_SYSCTL_WALK || (sr->sr_flags & ~FF_SYSCTLF_ALL) ||
	    sr->sr_oidlen > FF_SYSCTL_MAXNAME || sr->sr_rootlen > sr->sr_oidlen)
		return (EINVAL);
	if ((sr->sr_flags & FF_SYSCTLF_AFTER) &&
	    (sr->sr_op != FF_SYSCTL_WALK || sr->sr_oidlen == 0))
		return (EINVAL);
	return (0);
}

/*
 * The node the request names: by number, by name, or none (the whole
 * tree, *oidpp = NULL).  0 or an errno.
 */
static int
sysctl_msg_target(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    const struct ff_sysctl_req *sr, struct sysctl_oid **oidpp)
{
	const char *name;

	*oidpp = NULL;
	if (sr->sr_flags & FF_SYSCTLF_AFTER)
		return (0);
	if (sr->sr_oidlen > 0) {
		*oidpp = sysctl_find_oid(ctx, sr->sr_oid, sr->sr_oidlen);
		return (*oidpp == NULL ? ENOENT : 0);
	}
	if (sr->sr_name.mi_len == 0 && sr->sr_name.mi_off == 0)
		return (sr->sr_op == FF_SYSCTL_WALK ? 0 : EINVAL);
	name = sysctl_msg_string(req, &sr->sr_name, FF_SYSCTL_NAMEMAX);
	if (name == NULL)
		return (EINVAL);
	*oidpp = sysctl_find_name(ctx, name);
	return (*oidpp == NULL ? (errno == EINVAL ? EINVAL : ENOENT) : 0);
}

/* Nodes from oidp on (included) to the end of the walk. */
static uint64_t
sysctl_msg_count(struct sysctl_oid *top, struct sysctl_oid *oidp, int leaves)
{
	uint64_t n = 0;

	for (; oidp != NULL; oidp = sysctl_next(top, oidp, leaves))
		n++;
	return (n);
}

static int
sysctl_msg_walk(struct ff_ctx *ctx, struct sysctl_msg_out *mo,
    const struct ff_sysctl_req *sr, struct sysctl_oid *oidp, uint64_t *cursor)
{
	struct sysctl_oid *top, *n;
	int leaves = !(sr->sr_flags & FF_SYSCTLF_NODES), error;

	top = (oidp != NULL) ? oidp : sysctl_root(ctx);
	if (sr->sr_flags & FF_SYSCTLF_AFTER) {
		top = (sr->sr_rootlen > 0)
		    ? sysctl_find_oid(ctx, sr->sr_oid, sr->sr_rootlen)
		    : sysctl_root(ctx);
		if (top == NULL)
			return (ENOENT);
		n = sysctl_next_after(
		    ctx, top, sr->sr_oid, sr->sr_oidlen, leaves);
	} else
		n = sysctl_walk_first(top, leaves);
	for (; n != NULL; n = sysctl_next(top, n, leaves)) {
		if (sr->sr_maxnodes != 0 && mo->mo_count >= sr->sr_maxnodes)
			break;
		error = sysctl_msg_record(ctx, mo, n, sr, NULL, 0);
		if (error == ENOSPC)
			break;
		if (error != 0)
			return (error);
	}
	*cursor = sysctl_msg_count(top, n, leaves);
	return (0);
}

/* The new value of a SET: text must be NUL-terminated, binary may be empty. */
static int
sysctl_msg_newval(const struct ff_msg_hdr *req, const struct ff_sysctl_req *sr,
    const void **p, size_t *len)
{
	if (sr->sr_flags & FF_SYSCTLF_TEXT) {
		*p = sysctl_msg_string(req, &sr->sr_new, FF_MSG_SIZE);
		*len = (*p != NULL) ? sr->sr_new.mi_len - 1 : 0;
		return (*p == NULL ? EINVAL : 0);
	}
	*len = sr->sr_new.mi_len;
	if (*len == 0) {
		*p = NULL;
		return (sr->sr_new.mi_off == 0 ? 0 : EINVAL);
	}
	*p = ff_msg_iov_get(req, &sr->sr_new);
	return (*p == NULL ? EINVAL : 0);
}

int
ff_msg_sysctl(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct sysctl_msg_out mo;
	struct ff_sysctl_req sr;
	struct ff_sysctl_rep rep;
	struct sysctl_oid *oidp;
	const void *newval = NULL;
	size_t newlen = 0;
	int error;

	*cursor = 0;
	if (ctx->sysctl == NULL)
		return (-ENOENT);
	if ((error = sysctl_msg_check(req, &sr)) != 0 ||
	    (error = sysctl_msg_target(ctx, req, &sr, &oidp)) != 0)
		return (-error);
	if (cap < sizeof(rep))
		return (-ENOMEM);
	memset(&mo, 0, sizeof(mo));
	mo.mo_body = body;
	mo.mo_cap = cap;
	mo.mo_off = sysctl_align8(sizeof(rep));
	mo.mo_strict = (sr.sr_op != FF_SYSCTL_WALK);
	if (sr.sr_op == FF_SYSCTL_WALK)
		error = sysctl_msg_walk(ctx, &mo, &sr, oidp, cursor);
	else if (sr.sr_op == FF_SYSCTL_SET && !sysctl_oid_is_leaf(oidp))
		error = EISDIR;
	else if (sr.sr_op == FF_SYSCTL_SET &&
	    (sysctl_oid_kind(oidp) & CTLFLAG_WR) == 0)
		error = EPERM; /* before reading an old value that may fail */
	else if (sr.sr_op == FF_SYSCTL_SET &&
	    (error = sysctl_msg_newval(req, &sr, &newval, &newlen)) != 0)
		;
	else
		error = sysctl_msg_record(ctx, &mo, oidp, &sr, newval, newlen);
	if (error == ENOSPC)
		error = ENOMEM;
	if (error != 0)
		return (-error);
	memset(&rep, 0, sizeof(rep));
	rep.sp_len = sizeof(rep);
	rep.sp_count = mo.mo_count;
	rep.sp_first =
	    mo.mo_count ? sysctl_msg_off(sysctl_align8(sizeof(rep))) : 0;
	rep.sp_remaining = *cursor;
	memcpy(body, &rep, sizeof(rep));
	return ((int)mo.mo_off);
}
