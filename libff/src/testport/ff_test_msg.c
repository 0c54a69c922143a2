/*
 * ff_test_msg.c - the message ring's answer path on a test stack, without
 * shared memory: ff_test_msg() hands a request to ff_msg_handle(), the
 * very function the ring server answers with, so stack tests exercise
 * the checks and handlers ff-ifconfig, ff-route and ff-arp reach.
 *
 * ff_test_msg_ring() gives a test stack the real ring as well (the slot
 * area and doorbell ff_init() makes, served by every ff_test_run()), so
 * a harness can play the tool's side of the slot state machine
 * (ipc/ff_msg_ring.h); ff_test_msg_stats() reads the server's counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_memzone.h>

#include "core/ff_ctx.h"
#include "ipc/ff_msg_ring.h"
#include "ipc/ff_msg_server.h"
#include "testport/ff_testport.h"

/*
 * Answer `req' (reqlen bytes) into rep (capacity repcap, at least a
 * header).  Returns the answer's length (fm_len) or a negative errno
 * when the arguments themselves are unusable.
 */
int
ff_test_msg(
    struct ff_test *t, const void *req, size_t reqlen, void *rep, size_t repcap)
{
	struct ff_msg_hdr *copy;

	if (t == NULL || req == NULL || rep == NULL ||
	    repcap < sizeof(struct ff_msg_hdr))
		return (-EINVAL);
	if (repcap > FF_MSG_SIZE)
		repcap = FF_MSG_SIZE;
	/* A private copy, as the server makes: handlers may read it whole. */
	if ((copy = calloc(1, FF_MSG_SIZE)) == NULL)
		return (-ENOMEM);
	if (reqlen >= sizeof(*copy) && reqlen <= FF_MSG_SIZE)
		memcpy(copy, req, reqlen);
	ff_ctx_set_current(t->t_ctx);
	(void)ff_msg_handle(t->t_ctx, copy,
	    (uint32_t)(reqlen > FF_MSG_SIZE ? FF_MSG_SIZE + 1 : reqlen), rep,
	    repcap);
	free(copy);
	return ((int)((struct ff_msg_hdr *)rep)->fm_len);
}

int
ff_test_msg_ring(struct ff_test *t, void **area)
{
	char err[256], name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct ff_ctx *ctx;

	if (t == NULL || area == NULL)
		return (-EINVAL);
	ctx = t->t_ctx;
	ff_ctx_set_current(ctx);
	if (ctx->msg == NULL &&
	    ff_msg_server_create(ctx, err, sizeof(err)) != 0)
		return (-EEXIST); /* the EAL has one ring per process id */
	/* Found by name, as a tool finds it. */
	snprintf(name, sizeof(name), FF_MSG_AREA_FMT, ctx->proc_id);
	if ((mz = rte_memzone_lookup(name)) == NULL)
		return (-ENOENT);
	*area = mz->addr;
	return (0);
}

int
ff_test_msg_stats(struct ff_test *t, uint64_t *out, uint32_t n)
{
	const struct ff_msg_stats *st;
	uint64_t v[7];
	uint32_t i;

	if (t == NULL || out == NULL ||
	    (st = ff_msg_server_stats(t->t_ctx)) == NULL)
		return (-ENOENT);
	v[0] = st->ms_served;
	v[1] = st->ms_errors;
	v[2] = st->ms_badstate;
	v[3] = st->ms_reclaimed;
	v[4] = st->ms_abandoned;
	v[5] = st->ms_inuse;
	v[6] = st->ms_owners;
	for (i = 0; i < n && i < 7; i++)
		out[i] = v[i];
	return ((int)i);
}
