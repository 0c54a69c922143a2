/*
 * ff_msg_ring.h - the shared-memory objects behind the message ring, as
 * both the stack (ff_msg_server.c) and the tools (ff_msg_client.c) see
 * them.  Not part of the tool ABI: tools reach them through ff_ipc.h.
 *
 *   memzone "ff_procs"        struct ff_msg_procs: which stack processes
 *                             run under this file prefix, made by proc 0
 *   memzone "ff_msg_<proc>"   struct ff_msg_area: the slots of one process
 *   ring    "ff_msg_in_<proc>" slot indices posted by tools (MP/SC)
 *
 * Slot life (all transitions by compare-and-swap on ms_state):
 *
 *   FREE --tool claims--> CLAIMED --tool posts--> REQUEST
 *   REQUEST --stack answers--> DONE --tool reads--> FREE
 *   REQUEST --tool times out--> ABANDONED --stack sees it--> FREE
 *   CLAIMED/DONE with a dead owner --stack's sweep--> FREE
 *
 * ms_gen counts every claim, so a stale ring entry or a late sweep cannot
 * act on a slot that has since changed hands.
 */
#ifndef _FF_MSG_RING_H_
#define _FF_MSG_RING_H_

#include <stdint.h>
#include <sys/types.h>

#include "ff_msg.h"

#define	FF_MSG_AREA_MAGIC	0x66666d73	/* "ffms" */
#define	FF_PROCS_MZ		"ff_procs"
#define	FF_MSG_AREA_FMT		"ff_msg_%d"
#define	FF_MSG_RING_FMT		"ff_msg_in_%d"

enum ff_msg_slot_state {
	MS_FREE = 0,
	MS_CLAIMED,		/* a tool is writing its request */
	MS_REQUEST,		/* posted, waiting for the stack */
	MS_DONE,		/* answered, waiting for the tool */
	MS_ABANDONED,		/* the tool gave up waiting */
};

struct ff_msg_slot {
	volatile uint32_t ms_state;	/* enum ff_msg_slot_state */
	volatile uint32_t ms_gen;	/* bumped on every claim */
	volatile int32_t ms_owner;	/* pid of the tool holding it */
	uint32_t	ms_len;		/* bytes of the message in ms_buf */
	uint64_t	ms_claimed_ns;	/* CLOCK_MONOTONIC at claim */
	uint8_t		ms_pad[40];	/* keep ms_buf cache-line aligned */
	uint8_t		ms_buf[FF_MSG_SIZE];
} __attribute__((aligned(64)));

struct ff_msg_area {
	uint32_t	ma_magic;	/* FF_MSG_AREA_MAGIC */
	uint32_t	ma_version;	/* FF_MSG_ABI_VERSION */
	uint32_t	ma_nslots;
	uint32_t	ma_proc_id;
	volatile int32_t ma_server_pid;	/* stack process serving it; 0 = gone */
	uint32_t	ma_pad;
	uint64_t	ma_pad2[5];
	struct ff_msg_slot ma_slots[FF_MSG_NSLOTS];
};

struct ff_msg_procs {
	uint32_t	mp_magic;
	uint32_t	mp_nb_procs;	/* from the primary's lcore_mask */
	volatile int32_t mp_pid[FF_MAX_PROCS];	/* 0 = not running */
};

#endif /* _FF_MSG_RING_H_ */
