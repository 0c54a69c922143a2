/*
 * ff_test_msg.c - the message ring's answer path on a test stack, without
 * shared memory: ff_test_msg() hands a request to ff_msg_handle(), the
 * very function the ring server answers with, so stack tests exercise
 * the checks and handlers ff-ifconfig, ff-route and ff-arp reach.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
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
