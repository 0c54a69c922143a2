/*
 * uipc_zerocopy.c - zero copy between the application and the socket
 * buffers (the ff_zc_* calls of ff_api.h, F-Stack's names): the
 * application fills or reads chains of the stack's own mbufs; a send
 * links a chain into so_snd and a receive unlinks one from so_rcv, with
 * no copy of the data.
 *
 * Entry points: zc_get(), zc_lookup(), zc_copy(), zc_segment(),
 * zc_free(), zc_send(), zc_recv(), zc_fini(), zc_chains_held(),
 * zc_audit() (the test harness's invariant check).
 *
 * Why a table: a chain comes back from the application as a pointer,
 * and one it made up, or one it already sent or freed, must be refused
 * (-EINVAL, sos_zcbadchain), never followed.  Every chain the
 * application holds is in an open-addressing table keyed by its head's
 * address, so a lookup never reads the memory a pointer names.  The
 * table keeps each chain's length and cursor too: a struct ff_zc_mbuf
 * the application scribbled on cannot make the stack read past a chain.
 *
 * With kern.ipc.zero_copy.send=1 (FreeBSD's name) sends are zero copy
 * all the way to the port: the chain's mbufs become so_snd's, and a
 * socket that had one (SB_ZEROCOPY) has its segments built by reference
 * to them (sbrefdata(), tcp_output), a header mbuf in front, as FreeBSD's
 * tcp_output shares the send buffer's clusters.  Off by default: over
 * net_memif in copy mode, which copies every frame anyway, the
 * references (two more mbufs and refcount updates per segment, three
 * descriptors a frame) cost the sender more than the one copy of hot
 * data they save.  Over memif's zero copy they spare the sender every
 * store into the payload (the server reads the send buffer's own mbufs;
 * ff_memif_zc_tx() mends DPDK 22.11's transmit of chains there).
 *
 * Partial sends: a chain longer than so_snd's room is cut at the room;
 * the front goes to the protocol and the rest stays the application's,
 * under its new head.  A cut inside a segment copies the rest of that
 * one segment to a fresh mbuf (sos_zccut); so does a receive that ends
 * inside a segment of so_rcv.
 *
 * The pool is the stack's too: a chain that would leave fewer free
 * mbufs than kern.ipc.overload.mbuf_reass_pct of the pool is refused
 * (-ENOBUFS), so an application cannot starve the stack of the mbufs
 * it needs to receive acknowledgements for what it sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "kern/kern_mbuf.h"
#include "kern/protosw.h"
#include "kern/socketvar.h"
#include "kern/mbuf.h"
#include "kern/libkern.h"

#define PRU(so) ((so)->so_proto->pr_usrreqs)

/* Most chains one stack lets the application hold at once. */
#define ZC_MAXCHAINS 16384
#define ZC_SLOTS     (2 * ZC_MAXCHAINS) /* a power of two */

struct zc_chain {
	struct rte_mbuf *zc_head; /* NULL: a free slot */
	struct rte_mbuf *zc_cur;  /* segment holding the cursor */
	uint32_t zc_len;	  /* data bytes in the chain */
	uint32_t zc_off;	  /* the cursor: bytes before it */
	uint32_t zc_curoff;	  /* the cursor's offset in zc_cur */
};

struct zc_state {
	struct zc_chain zs_slot[ZC_SLOTS];
	uint32_t zs_count; /* chains held */
};

#define ZCSTAT_INC(ctx, f) (V_uipc(ctx)->us_stat.f++)

static uint32_t
zc_hash(const void *p)
{
	return ((uint32_t)(((uintptr_t)p >> 6) * 2654435761u) & (ZC_SLOTS - 1));
}

static struct zc_state *
zc_state(struct ff_ctx *ctx, int create)
{
	struct uipc_state *us = V_uipc(ctx);

	if (us->us_zc == NULL && create)
		us->us_zc = calloc(1, sizeof(*us->us_zc));
	return (us->us_zc);
}

static struct zc_chain *
zc_find(struct ff_ctx *ctx, const void *m)
{
	struct zc_state *zs = zc_state(ctx, 0);
	uint32_t i;

	if (zs == NULL || m == NULL)
		return (NULL);
	for (i = zc_hash(m); zs->zs_slot[i].zc_head != NULL;
	     i = (i + 1) & (ZC_SLOTS - 1))
		if (zs->zs_slot[i].zc_head == m)
			return (&zs->zs_slot[i]);
	return (NULL);
}

/* Enter chain m of len bytes, cursor at 0 (room checked by the caller). */
static void
zc_enter(struct zc_state *zs, struct rte_mbuf *m, uint32_t len)
{
	uint32_t i;

	for (i = zc_hash(m); zs->zs_slot[i].zc_head != NULL;
	     i = (i + 1) & (ZC_SLOTS - 1))
		;
	zs->zs_slot[i] =
	    (struct zc_chain){ .zc_head = m, .zc_cur = m, .zc_len = len };
	zs->zs_count++;
}

/* Whether hash slot k lies cyclically in (i, j]. */
static int
zc_between(uint32_t i, uint32_t k, uint32_t j)
{
	return (i <= j ? (i < k && k <= j) : (i < k || k <= j));
}

/* Remove entry e; the entries behind it shift back (no tombstones). */
static void
zc_remove(struct zc_state *zs, struct zc_chain *e)
{
	uint32_t i = (uint32_t)(e - zs->zs_slot), j = i;

	zs->zs_count--;
	for (;;) {
		zs->zs_slot[i].zc_head = NULL;
		for (;;) {
			j = (j + 1) & (ZC_SLOTS - 1);
			if (zs->zs_slot[j].zc_head == NULL)
				return;
			if (!zc_between(i, zc_hash(zs->zs_slot[j].zc_head), j))
				break;
		}
		zs->zs_slot[i] = zs->zs_slot[j];
		i = j;
	}
}

/* Whether n more mbufs may go to the application (room and pool). */
static int
zc_room(struct ff_ctx *ctx, uint32_t nsegs)
{
	struct zc_state *zs = zc_state(ctx, 1);
	struct mbuf_state *mb = V_mbuf(ctx);
	uint64_t reserve, avail;

	if (zs == NULL || zs->zs_count >= ZC_MAXCHAINS)
		return (-ENOBUFS);
	if (mb->mb_nmbufs == 0)
		return (0);
	reserve = (uint64_t)mb->mb_nmbufs * (uint64_t)mb->mb_reass_pct / 100;
	avail = m_pool_avail(ctx->pktmbuf_pool);
	return (avail < reserve + nsegs ? -ENOBUFS : 0);
}

int
zc_get(struct ff_ctx *ctx, uint32_t len, struct rte_mbuf **mp)
{
	struct rte_mbuf *m = NULL, *seg, *tail = NULL;
	uint32_t left = len, room, nsegs;

	/* 2 KB, or a whole jumbo frame (dpdk/ff_dpdk.c's pool_bufsize()). */
	room = rte_pktmbuf_data_room_size(ctx->pktmbuf_pool) -
	    RTE_PKTMBUF_HEADROOM;
	nsegs = (len + room - 1) / room;
	if (zc_room(ctx, nsegs) != 0) {
		ZCSTAT_INC(ctx, sos_zcnobufs);
		return (-ENOBUFS);
	}
	while (left > 0) {
		seg = m == NULL ? m_gethdr(ctx->pktmbuf_pool)
				: m_get(ctx->pktmbuf_pool);
		if (seg == NULL) {
			m_freem(m);
			ZCSTAT_INC(ctx, sos_zcnobufs);
			return (-ENOBUFS);
		}
		seg->data_len = (uint16_t)ulmin(left, M_TRAILINGSPACE(seg));
		left -= seg->data_len;
		if (m == NULL)
			m = seg;
		else
			tail->next = seg;
		tail = seg;
	}
	m->pkt_len = len;
	zc_enter(zc_state(ctx, 0), m, len);
	ZCSTAT_INC(ctx, sos_zcget);
	*mp = m;
	return (0);
}

int
zc_lookup(struct ff_ctx *ctx, const void *m, uint32_t *lenp, uint32_t *offp,
    void **curp)
{
	struct zc_chain *e = zc_find(ctx, m);

	if (e == NULL) /* not counted: a question, not a use */
		return (-EINVAL);
	*lenp = e->zc_len;
	*offp = e->zc_off;
	*curp = e->zc_cur;
	return (0);
}

/* Step the cursor over the segments it has reached the end of. */
static void
zc_settle(struct zc_chain *e)
{
	while (e->zc_cur != NULL && e->zc_curoff >= e->zc_cur->data_len) {
		e->zc_curoff -= e->zc_cur->data_len;
		e->zc_cur = e->zc_cur->next;
	}
}

int
zc_copy(struct ff_ctx *ctx, void *m, void *data, uint32_t len, int out)
{
	struct zc_chain *e = zc_find(ctx, m);
	uint32_t done = 0, n;
	char *p = data, *q;

	if (e == NULL) {
		ZCSTAT_INC(ctx, sos_zcbadchain);
		return (-EINVAL);
	}
	if (len > e->zc_len - e->zc_off) {
		if (!out) { /* a write beyond the chain */
			ZCSTAT_INC(ctx, sos_zcbadarg);
			return (-EMSGSIZE);
		}
		len = e->zc_len - e->zc_off;
	}
	while (done < len) {
		zc_settle(e);
		n = min(len - done, e->zc_cur->data_len - e->zc_curoff);
		q = mtodo(e->zc_cur, e->zc_curoff);
		if (out)
			memcpy(p + done, q, n);
		else
			memcpy(q, p + done, n);
		done += n;
		e->zc_curoff += n;
		e->zc_off += n;
	}
	zc_settle(e);
	return ((int)done);
}

int
zc_segment(struct ff_ctx *ctx, void *m, void **datap)
{
	struct zc_chain *e = zc_find(ctx, m);
	uint32_t n;

	if (e == NULL) {
		ZCSTAT_INC(ctx, sos_zcbadchain);
		return (-EINVAL);
	}
	zc_settle(e);
	if (e->zc_cur == NULL || e->zc_off >= e->zc_len)
		return (0);
	n = e->zc_cur->data_len - e->zc_curoff;
	*datap = mtodo(e->zc_cur, e->zc_curoff);
	e->zc_off += n;
	e->zc_curoff += n;
	zc_settle(e);
	return ((int)n);
}

int
zc_free(struct ff_ctx *ctx, void *m)
{
	struct zc_chain *e = zc_find(ctx, m);

	if (e == NULL) {
		ZCSTAT_INC(ctx, sos_zcbadchain);
		return (-EINVAL);
	}
	m_freem(e->zc_head);
	zc_remove(zc_state(ctx, 0), e);
	ZCSTAT_INC(ctx, sos_zcfree);
	return (0);
}

/*
 * Cut chain m after n bytes (0 < n < its length): the rest's head, *took
 * the bytes left in front (less than n when the segment to cut could
 * not be, for want of an mbuf: the cut moves back to a segment end).
 */
static struct rte_mbuf *
zc_cut(struct ff_ctx *ctx, struct rte_mbuf *m, uint32_t n, uint32_t *took)
{
	struct rte_mbuf *prev = NULL, *seg = m, *r;
	uint32_t acc = 0, k, tail;

	while (seg != NULL && acc + seg->data_len <= n) {
		acc += seg->data_len;
		prev = seg;
		seg = seg->next;
	}
	if (seg != NULL && acc < n) {
		k = n - acc;
		tail = seg->data_len - k;
		r = m_get(ctx->pktmbuf_pool);
		if (r != NULL && tail <= M_TRAILINGSPACE(r)) {
			memcpy(mtod(r, char *), mtodo(seg, k), tail);
			r->data_len = (uint16_t)tail;
			r->next = seg->next;
			seg->next = NULL;
			seg->data_len = (uint16_t)k;
			ZCSTAT_INC(ctx, sos_zccut);
			*took = n;
			return (r);
		}
		if (r != NULL)
			m_free(r);
	}
	*took = acc;
	if (prev != NULL)
		prev->next = NULL;
	return (seg);
}

/* Where the cursor of a chain that lost `took' bytes in front now is. */
static void
zc_recursor(struct zc_chain *e, struct rte_mbuf *rest, uint32_t took)
{
	uint32_t off = e->zc_off > took ? e->zc_off - took : 0;

	e->zc_head = e->zc_cur = rest;
	e->zc_len -= took;
	e->zc_off = off;
	e->zc_curoff = off;
	zc_settle(e);
}

long
zc_send(struct socket *so, void *m, uint32_t len, void **restp)
{
	struct ff_ctx *ctx = so->so_ctx;
	struct zc_state *zs = zc_state(ctx, 0);
	struct zc_chain *e = zc_find(ctx, m), saved;
	struct rte_mbuf *front, *rest = NULL;
	uint32_t take, took;
	long room;
	int error;

	if (e == NULL) {
		ZCSTAT_INC(ctx, sos_zcbadchain);
		return (-EINVAL);
	}
	if (len > e->zc_len) {
		ZCSTAT_INC(ctx, sos_zcbadarg);
		return (-EINVAL);
	}
	if ((so->so_proto->pr_flags & PR_ATOMIC) != 0)
		return (-EOPNOTSUPP);
	if ((error = sosend_check(so, NULL)) != 0)
		return (error);
	if (so->so_pcb == NULL)
		return (-ECONNRESET);
	*restp = m;
	if (len == 0)
		return (0);
	if ((room = sosend_room(so, len)) < 0)
		return (room);
	take = (uint32_t)ulmin(len, (size_t)room);
	front = e->zc_head;
	took = e->zc_len;
	if (take < e->zc_len)
		rest = zc_cut(ctx, front, take, &took);
	if (took == 0) {
		ZCSTAT_INC(ctx, sos_zcnobufs);
		return (-ENOBUFS);
	}
	saved = *e;
	zc_remove(zs, e);
	if (rest != NULL) {
		zc_enter(zs, rest, 0);
		e = zc_find(ctx, rest);
		*e = saved;
		zc_recursor(e, rest, took);
		rest->pkt_len = e->zc_len;
		ZCSTAT_INC(ctx, sos_zcpartial);
	}
	*restp = rest;
	ZCSTAT_INC(ctx, sos_zcsend);
	front->pkt_len = took;
	/* From now on tcp_output sends so_snd by reference, no copy. */
	if (V_uipc(ctx)->us_zc_send)
		so->so_snd.sb_flags |= SB_ZEROCOPY;
	error = PRU(so)->pru_send(so, 0, &front, NULL);
	if (front != NULL)
		m_freem(front);
	return (error != 0 ? error : (long)took);
}

/* Unlink up to len bytes from the front of stream buffer sb as a chain. */
static struct rte_mbuf *
zc_sbcut(struct ff_ctx *ctx, struct sockbuf *sb, uint32_t len, uint32_t *got)
{
	struct rte_mbuf *head = NULL, *tail = NULL, *seg, *r;
	uint32_t k;

	*got = 0;
	sb->sb_sndptr = NULL; /* segments leave the front: offsets change */
	while (*got < len && (seg = sb->sb_mb) != NULL) {
		if (seg->data_len <= len - *got) {
			sb->sb_mb = seg->next;
			seg->next = NULL;
			sb->sb_cc -= seg->data_len;
			sb->sb_mbcnt -= seg->buf_len;
			*got += seg->data_len;
		} else {
			/* The cut falls inside: copy that part out. */
			k = len - *got;
			r = m_get(ctx->pktmbuf_pool);
			if (r == NULL || k > M_TRAILINGSPACE(r)) {
				if (r != NULL)
					m_free(r);
				break;
			}
			memcpy(mtod(r, char *), mtod(seg, char *), k);
			r->data_len = (uint16_t)k;
			(void)m_adj(seg, (uint16_t)k);
			sb->sb_cc -= k;
			*got += k;
			ZCSTAT_INC(ctx, sos_zccut);
			seg = r;
		}
		if (head == NULL)
			head = seg;
		else
			tail->next = seg;
		tail = seg;
	}
	if (sb->sb_mb == NULL)
		sb->sb_mbtail = NULL;
	return (head);
}

long
zc_recv(struct socket *so, uint32_t len, struct rte_mbuf **mp)
{
	struct ff_ctx *ctx = so->so_ctx;
	struct sockbuf *sb = &so->so_rcv;
	struct rte_mbuf *m;
	uint32_t got;

	if ((so->so_proto->pr_flags & PR_ATOMIC) != 0)
		return (-EOPNOTSUPP);
	if ((so->so_options & SO_ACCEPTCONN) != 0)
		return (-ENOTCONN);
	if (sb->sb_mb == NULL)
		return (soreceive_empty(so, 0));
	/* One spare mbuf for a cut inside a segment. */
	if (zc_room(ctx, 1) != 0) {
		ZCSTAT_INC(ctx, sos_zcnobufs);
		return (-ENOBUFS);
	}
	if ((m = zc_sbcut(ctx, sb, len, &got)) == NULL) {
		ZCSTAT_INC(ctx, sos_zcnobufs);
		return (-ENOBUFS);
	}
	m->pkt_len = got;
	zc_enter(zc_state(ctx, 0), m, got);
	ZCSTAT_INC(ctx, sos_zcrecv);
	if ((so->so_proto->pr_flags & PR_WANTRCVD) != 0 && so->so_pcb != NULL &&
	    PRU(so)->pru_rcvd != NULL)
		(void)PRU(so)->pru_rcvd(so, 0);
	*mp = m;
	return ((long)got);
}

void
zc_fini(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	uint32_t i;

	if (us->us_zc == NULL)
		return;
	for (i = 0; i < ZC_SLOTS; i++)
		if (us->us_zc->zs_slot[i].zc_head != NULL)
			m_freem(us->us_zc->zs_slot[i].zc_head);
	free(us->us_zc);
	us->us_zc = NULL;
}

int
zc_audit(struct ff_ctx *ctx, char *why, size_t whylen)
{
	struct zc_state *zs = zc_state(ctx, 0);
	const struct zc_chain *e;
	const struct rte_mbuf *m;
	uint32_t i, n = 0, len, off;
	int curseen;

	if (zs == NULL)
		return (0);
	for (i = 0; i < ZC_SLOTS; i++) {
		e = &zs->zs_slot[i];
		if (e->zc_head == NULL)
			continue;
		n++;
		len = off = 0;
		curseen = e->zc_cur == NULL;
		for (m = e->zc_head; m != NULL; m = m->next) {
			if (m == e->zc_cur) {
				curseen = 1;
				off = len + e->zc_curoff;
			}
			len += m->data_len;
		}
		if (e->zc_cur == NULL)
			off = len;
		if (len != e->zc_len || !curseen || off != e->zc_off) {
			snprintf(why, whylen,
			    "zero-copy chain %p: %u bytes, cursor %u; "
			    "recorded %u, %u",
			    (const void *)e->zc_head, len, off, e->zc_len,
			    e->zc_off);
			return (-1);
		}
	}
	if (n != zs->zs_count) {
		snprintf(why, whylen, "%u zero-copy chains held, zs_count %u",
		    n, zs->zs_count);
		return (-1);
	}
	return (0);
}

unsigned int
zc_chains_held(struct ff_ctx *ctx)
{
	struct zc_state *zs;

	if (ctx->stack == NULL || (zs = zc_state(ctx, 0)) == NULL)
		return (0);
	return (zs->zs_count);
}
