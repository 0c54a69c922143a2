/*
 * ff_msg_ring.h - the shared-memory objects behind the message ring, as
 * both the stack (ff_msg_server.c) and the tools (ff_msg_client.c) see
 * them.  Not part of the tool ABI: tools reach them through ff_ipc.h.
 *
 *   memzone "ff_procs"        struct ff_msg_procs: which stack processes
 *                             run under this file prefix, made by proc 0
 *   memzone "ff_msg_<proc>"   struct ff_msg_area: the slots of one process
 *
 * The doorbell.  A tool posts a request by turning its slot word to
 * REQUEST, then setting the slot's bit in ma_pending with one atomic OR;
 * the stack takes the whole word with one atomic exchange.  Each step is
 * a single instruction, so a tool killed at any moment leaves the
 * doorbell usable by everyone else.  (An rte_ring does not: a producer
 * killed between moving the head and publishing the tail stops every
 * later producer for good, which is how an earlier version hung.)  A
 * tool killed between the two steps leaves a REQUEST slot with no bit;
 * the sweep frees it with its dead owner.
 *
 * Slot life.  A slot's state, generation and owner live in one 64-bit
 * word, ms_word, and every transition is one compare-and-swap of it, so
 * the owner is recorded in the same instant as the claim and a stale
 * actor (an old ring entry, a sweep that read the slot earlier) can only
 * fail its CAS:
 *
 *   FREE --tool claims--> CLAIMED --tool posts--> REQUEST
 *   REQUEST --stack answers--> DONE --tool reads--> FREE
 *   REQUEST --tool times out--> ABANDONED --stack sees it--> FREE
 *   any state but FREE, owner gone --stack's sweep--> FREE
 *
 * Owners.  A tool registers in the area's owner table before it claims
 * a slot; the slot word names the record (index and a sequence number).
 * A record says who the tool is (pid, and which PID namespace that pid
 * belongs to) and when it was last seen (refreshed while it waits).  The
 * stack takes an owner for gone when its pid is dead in the stack's own
 * PID namespace, or when it has not been seen for FF_MSG_LEASE_NS: the
 * lease covers tools in other PID namespaces, whose pids mean nothing
 * here, and tools stopped for long.  A tool whose slot was taken back
 * notices (the word changed) and fails its request with ETIMEDOUT.
 */
#ifndef _FF_MSG_RING_H_
#define _FF_MSG_RING_H_

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "ff_msg.h"

#define FF_MSG_AREA_MAGIC 0x66666d33 /* "ffm3": slot words, doorbell */
#define FF_PROCS_MZ	  "ff_procs"
#define FF_MSG_AREA_FMT	  "ff_msg_%d"

enum ff_msg_slot_state {
	MS_FREE = 0,
	MS_CLAIMED,   /* a tool is writing its request */
	MS_REQUEST,   /* posted, waiting for the stack */
	MS_DONE,      /* answered, waiting for the tool */
	MS_ABANDONED, /* the tool gave up waiting */
};

/* ms_word: owner (32 bits) | generation (24) | state (8). */
#define MS_WORD(st, gen, own) \
	((uint64_t)(own) << 32 | ((uint64_t)(gen)&0xffffff) << 8 | (st))
#define MS_STATE(w) ((uint32_t)((w)&0xff))
#define MS_GEN(w)   ((uint32_t)((w) >> 8) & 0xffffff)
#define MS_OWNER(w) ((uint32_t)((w) >> 32))

struct ff_msg_slot {
	volatile uint64_t ms_word; /* MS_WORD(state, gen, owner) */
	uint32_t ms_len;	   /* bytes of the message in ms_buf */
	uint32_t ms_pad0;
	uint8_t ms_pad[48]; /* keep ms_buf cache-line aligned */
	uint8_t ms_buf[FF_MSG_SIZE];
} __attribute__((aligned(64)));

/*
 * One attached tool.  mo_id is 0 when the record is free; otherwise the
 * owner id that slot words carry: a sequence number above the record's
 * index (FF_MSG_OWNER_IDX), so a record reused by another tool has
 * another id.
 */
#define FF_MSG_NOWNERS	     256
#define FF_MSG_OWNER_IDX(id) ((id) & (FF_MSG_NOWNERS - 1))
#define FF_MSG_LEASE_NS	     (5ULL * 1000000000ULL)

struct ff_msg_owner {
	volatile uint32_t mo_id;      /* owner id; 0 = free */
	volatile int32_t mo_pid;      /* pid, in PID namespace mo_pidns */
	volatile uint64_t mo_pidns;   /* inode of /proc/self/ns/pid; 0 = ? */
	volatile uint64_t mo_seen_ns; /* CLOCK_MONOTONIC, last sign of life */
	uint64_t mo_pad;
};

struct ff_msg_area {
	uint32_t ma_magic;   /* FF_MSG_AREA_MAGIC */
	uint32_t ma_version; /* FF_MSG_ABI_VERSION */
	uint32_t ma_nslots;
	uint32_t ma_proc_id;
	volatile int32_t ma_server_pid; /* stack process serving it; 0 = gone */
	volatile uint32_t ma_owner_seq; /* last owner sequence handed out */
	uint64_t ma_pad2[5];
	/* The doorbell: bit i set = slot i was posted.  Its own cache line. */
	volatile uint64_t ma_pending __attribute__((aligned(64)));
	uint64_t ma_pad3[7];
	struct ff_msg_owner ma_owners[FF_MSG_NOWNERS];
	struct ff_msg_slot ma_slots[FF_MSG_NSLOTS];
};

_Static_assert(FF_MSG_NSLOTS <= 64, "one doorbell bit per slot");

struct ff_msg_procs {
	uint32_t mp_magic;
	uint32_t mp_nb_procs; /* from the primary's lcore_mask */
	volatile int32_t mp_pid[FF_MAX_PROCS]; /* 0 = not running */
	uint64_t mp_pidns;	       /* PID namespace those pids are in */
	volatile uint32_t mp_stopping; /* the primary is stopping: stop too */
	volatile uint32_t
	    mp_adopted; /* queues the primary reads for the dead */
};

/* CLOCK_MONOTONIC in ns: one clock for every process on the machine. */
static inline uint64_t
ff_msg_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* The inode of this process's PID namespace, 0 if /proc cannot tell. */
static inline uint64_t
ff_msg_pidns(void)
{
	struct stat st;

	return (stat("/proc/self/ns/pid", &st) == 0 ? (uint64_t)st.st_ino : 0);
}

#endif /* _FF_MSG_RING_H_ */
