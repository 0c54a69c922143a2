/*
 * uipc_sockbuf.c - socket buffers: rte_mbuf chains with byte and buffer
 * accounting, after FreeBSD's kern/uipc_sockbuf.c.
 *
 * Entry points: sbspace(), sbreserve(), sbappendstream_consume(),
 * sbappendaddr_consume(), sbdrop(), sbdroprecord(), sbflush(),
 * sbcopydata(), sbcopydata_cksum(), sbrefdata(), sbsndptr().  Layout of
 * the chains: socketvar.h.
 *
 * Data moves in as the caller's mbufs and out by freeing them; nothing
 * here allocates but sbrefdata(), which lends a range of the buffer to a
 * segment by reference (FreeBSD's tcp_output m_copym()s the send buffer
 * the same way: M_EXT reference counts, no copy of the data).  A small stream segment is copied into the tail's free
 * room when it fits (FreeBSD's sbcompress), so that many tiny segments
 * do not pin many mbufs.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/libkern.h"
#include "kern/uipc_var.h"
#include "kern/socketvar.h"
#include "kern/mbuf.h"

/* How far ahead sb_prefetch() reads: the next two segments. */
#define SB_PREFETCH_AHEAD(len) (2 * (len))

int
sbreserve(struct socket *so, struct sockbuf *sb, uint32_t cc)
{
	unsigned long max = so->so_ctx->sysctl->st_ipc.ki_maxsockbuf;
	unsigned long mbmax;

	if (cc > max)
		return (-ENOBUFS);
	sb->sb_hiwat = cc;
	mbmax = (unsigned long)cc * SB_EFFICIENCY;
	sb->sb_mbmax = (uint32_t)(mbmax < max ? mbmax : max);
	if (sb->sb_lowat > sb->sb_hiwat)
		sb->sb_lowat = sb->sb_hiwat;
	return (0);
}

/* Whether seg's data fits in the free room of tail (a plain buffer). */
static int
sb_fits_tail(const struct rte_mbuf *tail, const struct rte_mbuf *seg)
{
	if (tail == NULL || !M_WRITABLE(tail))
		return (0);
	return (seg->data_len <= M_TRAILINGSPACE(tail) && seg->data_len <= 512);
}

/* Link one standalone segment at the tail of a stream buffer. */
static void
sb_link_seg(struct sockbuf *sb, struct rte_mbuf *seg)
{
	struct rte_mbuf *tail = sb->sb_mbtail;

	sb->sb_cc += seg->data_len;
	if (sb_fits_tail(tail, seg)) {
		memcpy(mtodo(tail, tail->data_len), mtod(seg, char *),
		    seg->data_len);
		tail->data_len += seg->data_len;
		tail->pkt_len += seg->data_len;
		m_freem(seg);
		return;
	}
	sb->sb_mbcnt += seg->buf_len;
	if (tail == NULL)
		sb->sb_mb = seg;
	else
		tail->next = seg;
	sb->sb_mbtail = seg;
}

void
sbappendstream_consume(struct sockbuf *sb, struct rte_mbuf *m)
{
	struct rte_mbuf *seg, *next;

	for (seg = m; seg != NULL; seg = next) {
		next = seg->next;
		seg->next = NULL;
		seg->nb_segs = 1;
		seg->pkt_len = seg->data_len;
		if (seg->data_len == 0)
			m_freem(seg);
		else
			sb_link_seg(sb, seg);
	}
}

/* Buffer bytes of the nb_segs segments of record m; *lastp its last. */
static uint32_t
sb_record_size(struct rte_mbuf *m, struct rte_mbuf **lastp)
{
	uint32_t size = 0;
	uint16_t i;

	for (i = 1;; i++) {
		size += m->buf_len;
		if (i >= m->nb_segs || m->next == NULL)
			break;
		m = m->next;
	}
	if (lastp != NULL)
		*lastp = m;
	return (size);
}

int
sbappendaddr_consume(struct socket *so, struct sockbuf *sb,
    const struct sockaddr_in *from, struct rte_mbuf *m)
{
	struct rte_mbuf *last;
	uint32_t len = m_pktlen(m), size;
	void *p;

	size = sb_record_size(m, &last);
	if ((long)len > sbspace(sb) || sb->sb_mbcnt + size > sb->sb_mbmax ||
	    (p = m_prepend(m, sizeof(*from))) == NULL) {
		V_uipc(so->so_ctx)->us_stat.sos_sbfull++;
		m_freem(m);
		return (-ENOBUFS);
	}
	memcpy(p, from, sizeof(*from));
	if (sb->sb_mbtail == NULL)
		sb->sb_mb = m;
	else
		sb->sb_mbtail->next = m;
	sb->sb_lastrecord = m;
	sb->sb_mbtail = last;
	sb->sb_cc += len;
	sb->sb_mbcnt += size;
	sb->sb_reccnt++;
	return (0);
}

void
sbdroprecord(struct sockbuf *sb)
{
	struct rte_mbuf *m = sb->sb_mb, *last;

	if (m == NULL)
		return;
	sb->sb_mbcnt -= sb_record_size(m, &last);
	sb->sb_cc -= m_pktlen(m) - sizeof(struct sockaddr_in);
	sb->sb_mb = last->next;
	last->next = NULL;
	sb->sb_reccnt--;
	if (sb->sb_mb == NULL) {
		sb->sb_mbtail = NULL;
		sb->sb_lastrecord = NULL;
	}
	m_freem(m);
}

/* Segments sbdrop() gives back to the pool at once. */
#define SB_FREE_BATCH 32

void
sbdrop(struct sockbuf *sb, uint32_t len)
{
	struct rte_mbuf *m, *batch[SB_FREE_BATCH];
	uint32_t dropped = 0;
	unsigned int n = 0;

	/*
	 * An ACK of a bulk sender's window frees tens of segments: in
	 * bursts (one pass over the pool's cache, not one call each).
	 */
	while (len > 0 && (m = sb->sb_mb) != NULL) {
		if (m->data_len > len) {
			m_adj(m, (uint16_t)len);
			sb->sb_cc -= len;
			dropped += len;
			break;
		}
		if (m == sb->sb_sndptr)
			sb->sb_sndptr = NULL;
		len -= m->data_len;
		dropped += m->data_len;
		sb->sb_cc -= m->data_len;
		sb->sb_mbcnt -= m->buf_len;
		sb->sb_mb = m->next;
		m->next = NULL;
		batch[n++] = m;
		if (n == SB_FREE_BATCH) {
			m_freem_bulk(batch, n);
			n = 0;
		}
	}
	if (n > 0)
		m_freem_bulk(batch, n);
	/* Every offset moved down by what went; the head starts at 0. */
	if (sb->sb_sndptr == sb->sb_mb)
		sb->sb_sndptroff = 0;
	else if (sb->sb_sndptr != NULL)
		sb->sb_sndptroff -= dropped;
	if (sb->sb_mb == NULL)
		sb->sb_mbtail = NULL;
}

void
sbflush(struct sockbuf *sb)
{
	if ((sb->sb_flags & SB_ATOMIC) != 0) {
		while (sb->sb_mb != NULL)
			sbdroprecord(sb);
	} else
		sbdrop(sb, sb->sb_cc);
	sb->sb_sndptr = NULL;
	sb->sb_sndptroff = 0;
	sb->sb_cc = 0;
	sb->sb_mbcnt = 0;
	sb->sb_reccnt = 0;
}

struct rte_mbuf *
sbsndptr(struct sockbuf *sb, uint32_t off, uint32_t *moff)
{
	struct rte_mbuf *m = sb->sb_mb;
	uint32_t base = 0;

	if (sb->sb_sndptr != NULL && off >= sb->sb_sndptroff) {
		m = sb->sb_sndptr;
		base = sb->sb_sndptroff;
	}
	for (; m != NULL; m = m->next) {
		if (off - base < m->data_len) {
			sb->sb_sndptr = m;
			sb->sb_sndptroff = base;
			*moff = off - base;
			return (m);
		}
		base += m->data_len;
	}
	*moff = 0;
	return (NULL);
}

uint32_t
sbcopydata(struct sockbuf *sb, uint32_t off, uint32_t len, void *buf)
{
	struct rte_mbuf *m;
	uint32_t moff, n, done = 0;
	char *dst = buf;

	m = sbsndptr(sb, off, &moff);
	for (; m != NULL && done < len; m = m->next, moff = 0) {
		n = m->data_len - moff;
		if (n > len - done)
			n = len - done;
		memcpy(dst + done, mtodo(m, moff), n);
		done += n;
	}
	return (done);
}

/*
 * Ask for the lines of the len bytes of sb that follow the range just
 * read (m, from moff on) ahead of their use.  The data of a zero-copy
 * send was never written by the sender (an ff_zc_mbuf_get() chain)
 * and its mbufs come back from the pool in no order, so each segment
 * is a few 2 KB buffers nobody touched lately: the hardware prefetcher
 * starts over in each and the sum stalls on one miss after the other
 * (perf, issue 15: the zero-copy sender's sum ran at a fifth of the
 * copying sender's, whose data its own copy had just written).  The
 * next segment's lines are then on their way while this one is summed.
 */
static void
sb_prefetch(const struct rte_mbuf *m, uint32_t moff, uint32_t len)
{
	const char *p;
	uint32_t n, i;

	for (; m != NULL && len > 0; m = m->next, moff = 0) {
		if (moff >= m->data_len)
			continue;
		n = m->data_len - moff;
		if (n > len)
			n = len;
		p = mtodo(m, moff);
		for (i = 0; i < n; i += RTE_CACHE_LINE_SIZE)
			__builtin_prefetch(p + i);
		if (m->next != NULL)
			__builtin_prefetch(m->next);
		len -= n;
	}
}

uint32_t
sbcopydata_cksum(
    struct sockbuf *sb, uint32_t off, uint32_t len, void *buf, uint64_t *sum)
{
	struct rte_mbuf *m;
	uint32_t moff, n, done = 0;
	uint64_t s = 0, part;
	uint16_t f;
	char *dst = buf;

	m = sbsndptr(sb, off, &moff);
	for (; m != NULL && done < len; m = m->next, moff = 0) {
		n = m->data_len - moff;
		if (n > len - done)
			n = len - done;
		if (done + n >= len)
			sb_prefetch(m, moff + n, SB_PREFETCH_AHEAD(len));
		part = cksum_copy(dst + done, mtodo(m, moff), n);
		if (done & 1) { /* its words straddle ours: swap its bytes */
			f = cksum_fold(part);
			part = (uint16_t)((f << 8) | (f >> 8));
		}
		s = cksum_add(s, part);
		done += n;
	}
	*sum = s;
	return (done);
}

/*
 * Count the segments [off, off + len) of sb spans, up to max + 1: the
 * first one and its offset in *firstp / *moffp.
 */
static uint32_t
sb_span(struct sockbuf *sb, uint32_t off, uint32_t len, uint32_t max,
    struct rte_mbuf **firstp, uint32_t *moffp)
{
	struct rte_mbuf *m;
	uint32_t moff, n = 0, have = 0;

	m = sbsndptr(sb, off, &moff);
	*firstp = m;
	*moffp = moff;
	for (; m != NULL && have < len && n <= max; m = m->next, moff = 0) {
		have += m->data_len - moff;
		n++;
	}
	return (have < len ? 0 : n);
}

struct rte_mbuf *
sbrefdata(struct sockbuf *sb, uint32_t off, uint32_t len,
    struct rte_mempool *mp, uint32_t maxsegs, uint64_t *sum)
{
	struct rte_mbuf *refs[SB_REF_MAXSEGS], *m;
	uint32_t moff, n, i, k, done = 0;
	uint64_t s = 0, part;
	uint16_t f;

	if (maxsegs > SB_REF_MAXSEGS)
		maxsegs = SB_REF_MAXSEGS;
	n = sb_span(sb, off, len, maxsegs, &m, &moff);
	if (n == 0 || n > maxsegs || rte_pktmbuf_alloc_bulk(mp, refs, n) != 0)
		return (NULL);
	for (i = 0; i < n; i++, m = m->next, moff = 0) {
		k = m->data_len - moff;
		if (k > len - done)
			k = len - done;
		/*
		 * refs[i] shares m's buffer (its count goes up): sbdrop()
		 * may free m once the peer acknowledges, and the buffer
		 * lives until the port is done with refs[i] too.  The
		 * data is never written while shared: a retransmission
		 * sends the same bytes.
		 */
		rte_pktmbuf_attach(refs[i], m);
		refs[i]->data_off = (uint16_t)(refs[i]->data_off + moff);
		refs[i]->data_len = (uint16_t)k;
		refs[i]->pkt_len = k;
		refs[i]->next = i + 1 < n ? refs[i + 1] : NULL;
		if (sum == NULL) { /* the link takes the sum: no read */
			done += k;
			continue;
		}
		if (done + k >= len)
			sb_prefetch(m, moff + k, SB_PREFETCH_AHEAD(len));
		part = cksum_sum(mtodo(m, moff), k);
		if (done & 1) { /* its words straddle ours: swap its bytes */
			f = cksum_fold(part);
			part = (uint16_t)((f << 8) | (f >> 8));
		}
		s = cksum_add(s, part);
		done += k;
	}
	refs[0]->pkt_len = len;
	refs[0]->nb_segs = (uint16_t)n;
	if (sum != NULL)
		*sum = s;
	return (refs[0]);
}
