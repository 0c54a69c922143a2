/*
 * ff_msg_server.h - the stack side of the message ring.
 *
 * Each stack process owns a slot area (memzone "ff_msg_<proc>") of
 * FF_MSG_NSLOTS message slots and a doorbell word with one bit per slot.
 * A tool claims a free slot, writes its request there and sets the slot's
 * doorbell bit; the stack answers in the same
 * slot and marks it done, so an answer can only reach the tool that owns
 * the slot.  Slots whose owner died are reclaimed by a periodic sweep.
 *
 * The server copies each request out of shared memory before it looks at
 * it, so a client cannot change a field after it was checked.
 */
#ifndef _FF_MSG_SERVER_H_
#define _FF_MSG_SERVER_H_

#include <stddef.h>
#include <stdint.h>

#include "ff_msg.h"

struct ff_ctx;

/*
 * A request handler.  `req' is a private copy of the whole request
 * (header validated: magic, version, type, fm_len); the handler writes its
 * answer body into `body' (capacity `cap') and returns the body's length,
 * or a negative FreeBSD errno which becomes the answer's fm_error.
 * For multi-part answers it sets *cursor to where the next request
 * resumes (left 0 when complete).
 */
typedef int (*ff_msg_handler_t)(struct ff_ctx *ctx,
    const struct ff_msg_hdr *req, void *body, size_t cap, uint64_t *cursor);

/* The handler table (ff_msg_dispatch.c). */
ff_msg_handler_t ff_msg_handler(uint16_t type);

/*
 * Find a variable part of a request: returns a pointer to it when
 * (off, len) lies inside the body of `req', NULL otherwise.
 */
const void *
ff_msg_iov_get(const struct ff_msg_hdr *req, const struct ff_msg_iov *iov);

/*
 * Check one request and answer it: `req' is a private copy of `len'
 * bytes (its header blanked when len is out of range), `rep' receives
 * header and body (capacity repcap).  Returns the host errno put in
 * fm_error, 0 when the handler succeeded.  The ring server and the test
 * port's ff_test_msg() both answer through here.
 */
int ff_msg_handle(struct ff_ctx *ctx, const struct ff_msg_hdr *req,
    uint32_t len, struct ff_msg_hdr *rep, size_t repcap);

/* Server life (primary and secondary stack processes alike). */
int ff_msg_server_create(struct ff_ctx *ctx, char *err, size_t errlen);
void ff_msg_server_destroy(struct ff_ctx *ctx);
/*
 * 1 when this is a secondary stack process and the primary (process 0)
 * is stopping or gone: its pid no longer runs.
 */
int ff_msg_server_primary_gone(struct ff_ctx *ctx);
/*
 * The primary, stopping: tell the secondaries to stop and wait up to
 * wait_ms for them to leave the process table.  Returns how many still
 * run (0 in a secondary).
 */
int ff_msg_server_stop_secondaries(struct ff_ctx *ctx, int wait_ms);
/* The stack processes that run now, a bit each (all when unknown). */
uint32_t ff_msg_server_procs_live(struct ff_ctx *ctx);
/* The primary: the queues of dead processes it reads now. */
void ff_msg_server_adopted(struct ff_ctx *ctx, uint32_t queues);
/*
 * A secondary that starts again: wait up to wait_ms until the primary
 * no longer reads its queues (one reader per queue).  0 or -1.
 */
int ff_msg_server_wait_unadopted(struct ff_ctx *ctx, int wait_ms);
/* Serve up to `budget' requests; returns how many were served. */
int ff_msg_server_poll(struct ff_ctx *ctx, int budget);

/* Counters, shown by tests and by sysctl later. */
struct ff_msg_stats {
	uint64_t ms_served;    /* requests answered */
	uint64_t ms_errors;    /* answered with fm_error != 0 */
	uint64_t ms_badstate;  /* slot posted without a request in it */
	uint64_t ms_reclaimed; /* slots taken back from dead tools */
	uint64_t ms_abandoned; /* answers nobody waited for */
	uint64_t ms_inuse;     /* slots not FREE (at the last request) */
	uint64_t ms_owners;    /* tools registered (same moment) */
};

const struct ff_msg_stats *ff_msg_server_stats(const struct ff_ctx *ctx);

/* Built-in handlers (ff_msg_server.c). */
int ff_msg_echo(
    struct ff_ctx *, const struct ff_msg_hdr *, void *, size_t, uint64_t *);
int ff_msg_top(
    struct ff_ctx *, const struct ff_msg_hdr *, void *, size_t, uint64_t *);
int ff_msg_traffic(
    struct ff_ctx *, const struct ff_msg_hdr *, void *, size_t, uint64_t *);

#endif /* _FF_MSG_SERVER_H_ */
