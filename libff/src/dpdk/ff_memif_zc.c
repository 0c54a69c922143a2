/*
 * ff_memif_zc.c - net_memif's zero copy ([vdevN] zero_copy=1) made safe
 * to run.
 *
 * Entry points: ff_memif_zc_port() (is this port one), ff_memif_zc_hold()
 * (just before rte_eth_dev_start()), ff_memif_zc_settle() (just after).
 *
 * In zero copy a memif client hands the server its own memory: each of
 * the EAL's memory lists as the file descriptor of its one hugepage file
 * (EAL --single-file-segments, ff_dpdk_eal_args()), and then each frame
 * as an offset into region 1, the first list.  Two things go wrong with
 * DPDK 22.11 as it is:
 *
 *  - Once the server has the descriptors, the client's memif_connect()
 *    closes them ("close memseg file"), but they are the EAL's own, which
 *    it keeps to grow and shrink its lists (fallocate).  From then on the
 *    heap cannot grow (the message ring's 4 MB memzone, made after the
 *    ports, failed with ENOMEM whenever the handshake won the race), and
 *    the number goes to the next file opened, into which the EAL punches
 *    holes when it gives pages back.  So a copy of each descriptor is
 *    taken before the start (dup) and put back under the EAL's number
 *    (dup2) once the link is up: memif closes them just before it says
 *    so, in its interrupt thread, and nothing of ours opens a file
 *    between.  A number some other file took meanwhile is an error.
 *
 *  - The server maps region 1 as the first list's allocated pages counted
 *    from its start, so the packet pool must lie in that list with no
 *    free page below its end, or the server would read frames past its
 *    mapping.  Checked before and after the start.
 *
 * The server's side has no zero copy (DPDK drops the flag there), which
 * the config refuses (core/ff_config_vdev.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal_memconfig.h>
#include <rte_ethdev.h>
#include <rte_fbarray.h>
#include <rte_memory.h>
#include <rte_mempool.h>

#include "ff_config.h"
#include "core/ff_ctx.h"
#include "dpdk/ff_memif_zc.h"

#define ZC_LINK_WAIT_MS 10000

/* One memory list's descriptor, as the EAL holds it, and our copy. */
struct zc_hold {
	const struct rte_memseg_list *zh_msl;
	int zh_fd;   /* the EAL's number */
	int zh_copy; /* ours (dup), -1 when none */
	dev_t zh_dev;
	ino_t zh_ino;
};

static struct zc_hold zc_holds[RTE_MAX_MEMSEG_LISTS];
static int zc_nholds;

int
ff_memif_zc_port(const struct ff_ctx *ctx, const char *name)
{
	const struct ff_vdev_cfg *vc;
	char want[64];
	int i;

	for (i = 0; i < FF_MAX_VDEVS; i++) {
		vc = &ctx->cfg->vdevs[i];
		if (!vc->vc_present || !vc->vc_zero_copy)
			continue;
		snprintf(want, sizeof(want), "%s%d", vc->vc_driver, i);
		if (strcmp(want, name) == 0)
			return (1);
	}
	return (0);
}

/* rte_memseg_walk(): the descriptor of each list with pages, once. */
static int
zc_hold_seg(
    const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct zc_hold *zh;
	struct stat st;
	int fd;

	if (zc_nholds > 0 && zc_holds[zc_nholds - 1].zh_msl == msl)
		return (0);
	if (zc_nholds == RTE_MAX_MEMSEG_LISTS)
		return (-1);
	if ((fd = rte_memseg_get_fd_thread_unsafe(ms)) < 0 ||
	    fstat(fd, &st) != 0)
		return (-1);
	zh = &zc_holds[zc_nholds];
	zh->zh_msl = msl;
	zh->zh_fd = fd;
	zh->zh_dev = st.st_dev;
	zh->zh_ino = st.st_ino;
	if ((zh->zh_copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return (-1);
	zc_nholds++;
	return (0);
}

static void
zc_release(void)
{
	int i;

	for (i = 0; i < zc_nholds; i++)
		if (zc_holds[i].zh_copy >= 0)
			close(zc_holds[i].zh_copy);
	zc_nholds = 0;
}

/* rte_mempool_mem_iter(): is this chunk of the pool in memif's region 1? */
struct zc_pool_check {
	const struct rte_memseg_list *zp_first;
	const char *zp_why;
};

static void
zc_check_chunk(struct rte_mempool *mp, void *opaque,
    struct rte_mempool_memhdr *memhdr, unsigned int idx)
{
	struct zc_pool_check *zp = opaque;
	const struct rte_memseg_list *msl;
	size_t seg, last;

	if (zp->zp_why != NULL)
		return;
	msl = rte_mem_virt2memseg_list(memhdr->addr);
	if (msl == NULL || msl != zp->zp_first) {
		zp->zp_why = "the packet pool is not in the first memory list";
		return;
	}
	last = ((const char *)memhdr->addr + memhdr->len - 1 -
		   (const char *)msl->base_va) /
	    msl->page_sz;
	for (seg = 0; seg <= last; seg++)
		if (rte_fbarray_is_used(
			(struct rte_fbarray *)(uintptr_t)&msl->memseg_arr,
			seg) != 1) {
			zp->zp_why = "a free page lies below the end of the "
				     "packet pool in the first memory list";
			return;
		}
}

static int
zc_first_list(const struct rte_memseg_list *msl, void *arg)
{
	if (msl->memseg_arr.count == 0)
		return (0);
	*(const struct rte_memseg_list **)arg = msl;
	return (1);
}

static int
zc_check_pool(struct ff_ctx *ctx, const char *name, char *err, size_t errlen)
{
	struct zc_pool_check zp = { NULL, NULL };

	rte_memseg_list_walk(zc_first_list, &zp.zp_first);
	rte_mcfg_mem_read_lock();
	rte_mempool_mem_iter(ctx->pktmbuf_pool, zc_check_chunk, &zp);
	rte_mcfg_mem_read_unlock();
	if (zp.zp_why == NULL)
		return (0);
	snprintf(err, errlen,
	    "%s: zero copy: %s, so the memif server could not reach every "
	    "frame",
	    name, zp.zp_why);
	return (-1);
}

int
ff_memif_zc_hold(struct ff_ctx *ctx, const char *name, char *err, size_t errlen)
{
	int rc;

	if (zc_check_pool(ctx, name, err, errlen) != 0)
		return (-1);
	zc_release();
	rte_mcfg_mem_read_lock();
	rc = rte_memseg_walk_thread_unsafe(zc_hold_seg, NULL);
	rte_mcfg_mem_read_unlock();
	if (rc != 0) {
		zc_release();
		snprintf(err, errlen,
		    "%s: zero copy: cannot keep a copy of the EAL's memory "
		    "file descriptors: %s",
		    name, strerror(errno));
		return (-1);
	}
	return (0);
}

/* Put the EAL's descriptor back where memif closed it. */
static int
zc_restore(const struct zc_hold *zh, const char *name, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(zh->zh_fd, &st) == 0) {
		if (st.st_dev == zh->zh_dev && st.st_ino == zh->zh_ino)
			return (0); /* not closed (yet): nothing to do */
		snprintf(err, errlen,
		    "%s: zero copy: descriptor %d of the EAL's memory list "
		    "went to another file before it could be given back",
		    name, zh->zh_fd);
		return (-1);
	}
	if (errno != EBADF || dup2(zh->zh_copy, zh->zh_fd) != zh->zh_fd) {
		snprintf(err, errlen,
		    "%s: zero copy: cannot give the EAL back its memory file "
		    "descriptor %d: %s",
		    name, zh->zh_fd, strerror(errno));
		return (-1);
	}
	return (0);
}

int
ff_memif_zc_settle(struct ff_ctx *ctx, uint16_t port_id, const char *name,
    char *err, size_t errlen)
{
	const struct timespec ms = { 0, 1000000 };
	struct rte_eth_link link;
	int i, rc = 0, waited;

	for (waited = 0; waited < ZC_LINK_WAIT_MS; waited++) {
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			break;
		nanosleep(&ms, NULL);
	}
	if (waited == ZC_LINK_WAIT_MS) {
		snprintf(err, errlen,
		    "%s: zero copy: no memif server answered within %d s (a "
		    "zero-copy client starts only once it is connected)",
		    name, ZC_LINK_WAIT_MS / 1000);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < zc_nholds; i++)
		rc = zc_restore(&zc_holds[i], name, err, errlen);
	zc_release();
	if (rc == 0)
		rc = zc_check_pool(ctx, name, err, errlen);
	return (rc);
}

/*
 * Transmit on a zero-copy memif port, frames of several mbufs included.
 *
 * DPDK 22.11's eth_memif_tx_zc() takes frames four at a time while more
 * than four are left, having checked only that more than four ring slots
 * are free: four frames of two or three mbufs each wrote descriptors the
 * server had not read yet (bad checksums at the server, a stalled
 * transfer).  Bursts of at most four never enter that loop; the one
 * left checks the free slots before each mbuf of a chain.  But when a
 * chain does not fit it gives up in the middle, having already raised
 * the reference count of the mbufs before the one that did not fit
 * (memif_tx_one_zc()), and the frame, handed back as unsent, would
 * never be freed.  So each frame's counts are noted before the burst
 * and those of the first one not sent are put back after it.
 */
#define ZC_TX_GROUP  4
#define ZC_TX_SEGMAX 8 /* most mbufs in a frame (ff_memif_zc_segmax()) */

uint16_t
ff_memif_zc_segmax(void)
{
	return (ZC_TX_SEGMAX);
}

uint16_t
ff_memif_zc_tx(
    uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t ref[ZC_TX_GROUP][ZC_TX_SEGMAX];
	struct rte_mbuf *m;
	uint16_t sent = 0, k, got, i, s;

	while (sent < n) {
		k = n - sent < ZC_TX_GROUP ? n - sent : ZC_TX_GROUP;
		for (i = 0; i < k; i++)
			for (m = pkts[sent + i], s = 0;
			     m != NULL && s < ZC_TX_SEGMAX; m = m->next, s++)
				ref[i][s] = rte_mbuf_refcnt_read(m);
		got = rte_eth_tx_burst(port_id, queue, pkts + sent, k);
		sent += got;
		if (got == k)
			continue;
		for (m = pkts[sent], s = 0; m != NULL && s < ZC_TX_SEGMAX;
		     m = m->next, s++)
			rte_mbuf_refcnt_set(m, ref[got][s]);
		break;
	}
	return (sent);
}
