/*
 * fuzz_msg.c - libFuzzer harness: the message ring as a tool meets it,
 * the slot state machine and the doorbell (ipc/ff_msg_ring.h) included,
 * with arbitrary requests of every type in the slots: echo, top,
 * traffic, sysctl, ioctl, route and ARP (the types with a handler), and
 * the numbers without one (ipfw, netstat, the reserved and unknown
 * ones), which must be refused.
 *
 * The stack has its real ring (ff_test_msg_ring(): the slot area and
 * doorbell ff_init() makes, served by the main loop).  The harness is a
 * tool registered in the owner table; it claims a FREE slot (CAS to
 * CLAIMED with its owner id), writes its request, turns the slot to
 * REQUEST and rings the slot's doorbell bit, then the stack's loop runs
 * and the tool reads the answer (DONE back to FREE).  Between those
 * steps the input may also do what broken or dead tools do: write any
 * word over a slot (states that do not exist, other generations,
 * owners that never registered), ring bits of slots that hold no
 * request, leave slots CLAIMED, abandon requests, leave answers unread,
 * and write owner records that are alive, dead, stale, silent for a
 * lease, or of another PID namespace.
 *
 * Input: operations, each an op byte (low 3 bits the operation) and
 * its arguments:
 *
 *   0 POST    a request through a free slot: slot byte (where the
 *             search starts), then the request record: type, how (bit
 *             0: an 8-byte resume cursor follows; bit 1: the 64-byte
 *             header comes from the input), 16-bit body length, body.
 *             Op bit 3: ms_len is a u32 of the input, not the length;
 *             bit 4: the tool gives up (ABANDONED) before the stack
 *             runs; bit 5: the stack does not run yet (several posts
 *             meet in one poll); bit 6: the answer is left unread.
 *   1 WORD    slot byte, u64 written over the slot's word.
 *   2 BELL    u64 ORed into the doorbell.
 *   3 OWNER   record byte, selector byte (which id, pid, PID namespace
 *             and last-seen time: see owner_write()), then a u32 id.
 *   4 RUN     the stack's loop runs.
 *   5 SWEEP   the clock moves past the dead-owner sweep period.
 *   6 CLAIM   a slot claimed and left CLAIMED (a tool killed while it
 *             wrote): slot byte; op bit 3 rings its bit too.
 *   7 LEN     slot byte, u32 written over its ms_len.
 *
 * After every run of the loop the area is checked against the state
 * machine of ff_msg_ring.h: each rung slot in REQUEST is DONE with its
 * generation and owner and a well-formed answer, each rung ABANDONED
 * slot is FREE, every other rung slot is untouched and counted as a bad
 * state, slots not rung are untouched, the doorbell is empty; after a
 * sweep every slot whose owner is gone is FREE and every gone owner's
 * record is free; the server's counters moved by exactly that much.
 * The stack's invariants are checked too, and at the end the stack must
 * give every mbuf back (requests may change timers and add static
 * entries, so nothing else is asked of it).  stat::fuzz_messages counts
 * the requests the stack answered through the ring.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ff_msg.h"
#include "ipc/ff_msg_ring.h"
#include "testport/ff_testport.h"
#include "fuzz_common.h"

#define NS_PER_MS    1000000ULL
#define SWEEP_STEP   (250 * NS_PER_MS) /* past FF_MSG_SWEEP_NS (200 ms) */
#define DEAD_PID     0x7ffffff0	       /* above any pid_max */
#define OUR_OWNER    (3 * FF_MSG_NOWNERS + 1) /* as a tool numbers it */
#define BSD_EMSGSIZE 40

enum {
	OP_POST,
	OP_WORD,
	OP_BELL,
	OP_OWNER,
	OP_RUN,
	OP_SWEEP,
	OP_CLAIM,
	OP_LEN
};

#define POST_RAWLEN  0x08
#define POST_ABANDON 0x10
#define POST_NORUN   0x20
#define POST_UNREAD  0x40

enum { ST_SERVED, ST_ERRORS, ST_BADSTATE, ST_RECLAIMED, ST_ABANDONED, ST_N };

struct harness {
	struct ff_test *t;
	struct ff_msg_area *a;
	uint64_t pidns;
};

static uint64_t
word(const struct ff_msg_area *a, uint32_t i)
{
	return (__atomic_load_n(&a->ma_slots[i].ms_word, __ATOMIC_ACQUIRE));
}

static int
cas(struct ff_msg_area *a, uint32_t i, uint64_t from, uint64_t to)
{
	return (__atomic_compare_exchange_n(&a->ma_slots[i].ms_word, &from, to,
	    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

static void
stats(struct harness *h, uint64_t *st)
{
	if (ff_test_msg_stats(h->t, st, ST_N) != ST_N)
		fuzz_fail("the ring's counters cannot be read");
}

/* Registered as a tool registers (ff_msg_client.c): id, pid, ns, seen. */
static void
owner_register(struct harness *h)
{
	struct ff_msg_owner *o = &h->a->ma_owners[FF_MSG_OWNER_IDX(OUR_OWNER)];

	o->mo_pid = getpid();
	o->mo_pidns = h->pidns;
	o->mo_seen_ns = ff_msg_mono_ns();
	__atomic_store_n(&o->mo_id, OUR_OWNER, __ATOMIC_RELEASE);
}

/*
 * An owner record as a live, dead, stale or silent tool leaves it.
 * Selector bits 0-1: the id (ours, ours from an earlier registration
 * of the same record, 0 = free, the input's u32); 2-3: the pid (ours,
 * 0, -1, one that cannot run); 4-5: the PID namespace (ours, 0 =
 * unknown, another); 6-7: last seen (now, long ago, in the future).
 */
static void
owner_write(struct harness *h, uint8_t idx, uint8_t sel, uint32_t raw)
{
	static const int32_t pids[4] = { 0, 0, -1, DEAD_PID };
	struct ff_msg_owner *o = &h->a->ma_owners[idx % FF_MSG_NOWNERS];
	uint64_t now = ff_msg_mono_ns();
	uint32_t ids[4] = { OUR_OWNER, OUR_OWNER + FF_MSG_NOWNERS, 0, raw };

	o->mo_pid = (sel >> 2 & 3) == 0 ? getpid() : pids[sel >> 2 & 3];
	o->mo_pidns = (sel >> 4 & 3) == 0 ? h->pidns
	    : (sel >> 4 & 3) == 1	  ? 0
					  : h->pidns + 1;
	o->mo_seen_ns = (sel >> 6 & 3) == 0 ? now
	    : (sel >> 6 & 3) == 1	    ? 0
					    : now + 3600 * 1000 * NS_PER_MS;
	__atomic_store_n(&o->mo_id, ids[sel & 3], __ATOMIC_RELEASE);
}

/* Gone, by ff_msg_ring.h's rule for an owner record. */
static int
owner_gone(const struct harness *h, const struct ff_msg_owner *o, uint64_t now)
{
	int32_t pid = o->mo_pid;

	if (h->pidns != 0 && o->mo_pidns == h->pidns &&
	    (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)))
		return (1);
	return ((int64_t)(now - o->mo_seen_ns) > (int64_t)FF_MSG_LEASE_NS);
}

/*
 * Is the owner `id' of a slot word alive, by ff_msg_ring.h's rule: its
 * record names it, and its pid runs in our PID namespace (or it is of
 * another namespace) and it was seen within the lease.
 */
static int
owner_alive(const struct harness *h, uint32_t id, uint64_t now)
{
	const struct ff_msg_owner *o = &h->a->ma_owners[FF_MSG_OWNER_IDX(id)];

	return (id != 0 && o->mo_id == id && !owner_gone(h, o, now));
}

/* The answer the stack left in a slot it turned DONE. */
static void
check_answer(
    struct harness *h, uint32_t i, uint32_t reqlen, const uint8_t *reqhdr)
{
	const struct ff_msg_slot *s = &h->a->ma_slots[i];
	const struct ff_msg_hdr *rep = (const struct ff_msg_hdr *)s->ms_buf;
	struct ff_msg_hdr req;

	if (s->ms_len < sizeof(*rep) || s->ms_len > FF_MSG_SIZE ||
	    rep->fm_len != s->ms_len)
		fuzz_fail("slot %u: answer of %u bytes, fm_len %u", i,
		    s->ms_len, rep->fm_len);
	if (rep->fm_magic != FF_MSG_MAGIC ||
	    rep->fm_version != FF_MSG_ABI_VERSION ||
	    !(rep->fm_flags & FF_MSGF_REPLY) || rep->fm_proc_id != 0)
		fuzz_fail("slot %u: answer header not a reply of process 0", i);
	/* A request of no usable length is answered from a blank header. */
	if (reqlen < sizeof(req) || reqlen > FF_MSG_SIZE) {
		if (rep->fm_error != BSD_EMSGSIZE)
			fuzz_fail("slot %u: request of %u bytes answered "
				  "with error %d, not EMSGSIZE",
			    i, reqlen, rep->fm_error);
		return;
	}
	memcpy(&req, reqhdr, sizeof(req));
	if (rep->fm_type != req.fm_type || rep->fm_seq != req.fm_seq)
		fuzz_fail("slot %u: answer of type %u seq %u to request of "
			  "type %u seq %u",
		    i, rep->fm_type, rep->fm_seq, req.fm_type, req.fm_seq);
}

/*
 * Run the loop (and the sweep after it when `sweep') and check what it
 * did to the area against the state machine; returns the requests it
 * answered.
 */
static uint64_t
run_check(struct harness *h, int sweep)
{
	static uint8_t reqhdr[FF_MSG_NSLOTS][sizeof(struct ff_msg_hdr)];
	uint32_t reqlen[FF_MSG_NSLOTS], i;
	uint64_t w0[FF_MSG_NSLOTS], want[FF_MSG_NSLOTS], st0[ST_N], st[ST_N];
	uint64_t bell, d[ST_N] = { 0 }, now, w;
	uint32_t id0[FF_MSG_NOWNERS] = { 0 };
	int gone0[FF_MSG_NOWNERS] = { 0 };

	stats(h, st0);
	bell = __atomic_load_n(&h->a->ma_pending, __ATOMIC_ACQUIRE);
	for (i = 0; i < FF_MSG_NSLOTS; i++) {
		w = w0[i] = want[i] = word(h->a, i);
		reqlen[i] = h->a->ma_slots[i].ms_len;
		memcpy(reqhdr[i], h->a->ma_slots[i].ms_buf, sizeof(reqhdr[i]));
		if (!(bell & 1ULL << i))
			continue;
		if (MS_STATE(w) == MS_REQUEST) {
			want[i] = MS_WORD(MS_DONE, MS_GEN(w), MS_OWNER(w));
			d[ST_SERVED]++;
		} else if (MS_STATE(w) == MS_ABANDONED) {
			want[i] = MS_WORD(MS_FREE, MS_GEN(w), 0);
			d[ST_ABANDONED]++;
		} else
			d[ST_BADSTATE]++;
	}
	if (sweep) {
		/* The sweep comes after the serving, in a later loop. */
		now = ff_msg_mono_ns();
		for (i = 0; i < FF_MSG_NSLOTS; i++) {
			w = want[i];
			if (MS_STATE(w) == MS_FREE ||
			    owner_alive(h, MS_OWNER(w), now))
				continue;
			want[i] = MS_WORD(MS_FREE, MS_GEN(w), 0);
			d[ST_RECLAIMED]++;
		}
		for (i = 0; i < FF_MSG_NOWNERS; i++) {
			id0[i] = h->a->ma_owners[i].mo_id;
			gone0[i] = owner_gone(h, &h->a->ma_owners[i], now);
		}
		(void)ff_test_advance(h->t, SWEEP_STEP, 0);
	} else
		(void)ff_test_run(h->t);
	stats(h, st);
	if (__atomic_load_n(&h->a->ma_pending, __ATOMIC_ACQUIRE) != 0)
		fuzz_fail("doorbell %#llx left after the loop ran",
		    (unsigned long long)h->a->ma_pending);
	for (i = 0; i < FF_MSG_NSLOTS; i++) {
		w = word(h->a, i);
		if (w != want[i])
			fuzz_fail("slot %u: word %#llx became %#llx, not "
				  "%#llx (bell %d%s)",
			    i, (unsigned long long)w0[i], (unsigned long long)w,
			    (unsigned long long)want[i], !!(bell & 1ULL << i),
			    sweep ? ", sweep" : "");
		if (MS_STATE(w) == MS_DONE && MS_STATE(w0[i]) == MS_REQUEST)
			check_answer(h, i, reqlen[i], reqhdr[i]);
	}
	for (i = 0; sweep && i < FF_MSG_NOWNERS; i++)
		if (h->a->ma_owners[i].mo_id !=
		    (id0[i] != 0 && gone0[i] ? 0 : id0[i]))
			fuzz_fail("owner record %u: id %u became %u (%s)", i,
			    id0[i], h->a->ma_owners[i].mo_id,
			    gone0[i] ? "gone" : "alive");
	if (st[ST_SERVED] - st0[ST_SERVED] != d[ST_SERVED] ||
	    st[ST_BADSTATE] - st0[ST_BADSTATE] != d[ST_BADSTATE] ||
	    st[ST_ABANDONED] - st0[ST_ABANDONED] != d[ST_ABANDONED] ||
	    st[ST_RECLAIMED] - st0[ST_RECLAIMED] != d[ST_RECLAIMED] ||
	    st[ST_ERRORS] - st0[ST_ERRORS] > d[ST_SERVED])
		fuzz_fail("counters served +%llu badstate +%llu abandoned "
			  "+%llu reclaimed +%llu, not +%llu +%llu +%llu +%llu",
		    (unsigned long long)(st[ST_SERVED] - st0[ST_SERVED]),
		    (unsigned long long)(st[ST_BADSTATE] - st0[ST_BADSTATE]),
		    (unsigned long long)(st[ST_ABANDONED] - st0[ST_ABANDONED]),
		    (unsigned long long)(st[ST_RECLAIMED] - st0[ST_RECLAIMED]),
		    (unsigned long long)d[ST_SERVED],
		    (unsigned long long)d[ST_BADSTATE],
		    (unsigned long long)d[ST_ABANDONED],
		    (unsigned long long)d[ST_RECLAIMED]);
	fuzz_drain(h->t, NULL, NULL);
	fuzz_check(h->t, sweep ? "after a sweep" : "after the loop ran");
	return (d[ST_SERVED]);
}

/* Claim a FREE slot from `start' on, as a tool does: index or -1. */
static int
claim(struct harness *h, uint8_t start, uint64_t *wp)
{
	uint32_t i, idx;
	uint64_t w;

	for (i = 0; i < FF_MSG_NSLOTS; i++) {
		idx = (start + i) % FF_MSG_NSLOTS;
		w = word(h->a, idx);
		if (MS_STATE(w) != MS_FREE)
			continue;
		*wp = MS_WORD(MS_CLAIMED, MS_GEN(w) + 1, OUR_OWNER);
		if (cas(h->a, idx, w, *wp))
			return ((int)idx);
	}
	return (-1);
}

/* One request record of the input into `buf': its length. */
static uint32_t
request(struct fuzz_in *in, uint8_t *buf)
{
	struct ff_msg_hdr *hd = (struct ff_msg_hdr *)buf;
	uint8_t type, how;
	uint16_t blen;
	uint64_t cursor;
	size_t len, room = FF_MSG_SIZE - sizeof(*hd);

	type = fuzz_u8(in);
	how = fuzz_u8(in);
	blen = fuzz_u16(in);
	cursor = (how & 1)
	    ? (uint64_t)fuzz_u32(in) | (uint64_t)fuzz_u32(in) << 32
	    : 0;
	memset(hd, 0, sizeof(*hd));
	if (how & 2) {
		len = fuzz_bytes(in, buf, sizeof(*hd));
	} else {
		hd->fm_magic = FF_MSG_MAGIC;
		hd->fm_version = FF_MSG_ABI_VERSION;
		hd->fm_type = type;
		hd->fm_cursor = cursor;
		hd->fm_seq = 7;
		len = sizeof(*hd);
	}
	len += fuzz_bytes(in, buf + sizeof(*hd), blen < room ? blen : room);
	if (!(how & 2))
		hd->fm_len = (uint32_t)len;
	return ((uint32_t)len);
}

/*
 * POST: the tool's whole request, claim to answer read (ff_ipc_request()
 * without the waiting), with the faults the op bits ask for.
 */
static void
post(struct harness *h, uint8_t op, struct fuzz_in *in)
{
	struct ff_msg_slot *s;
	uint64_t w, done;
	uint32_t len;
	int idx;

	idx = claim(h, fuzz_u8(in), &w);
	if (idx < 0) {
		/* Every slot taken: the request is still read, and dropped. */
		static uint8_t scratch[FF_MSG_SIZE];

		(void)request(in, scratch);
		if (op & POST_RAWLEN)
			(void)fuzz_u32(in);
		return;
	}
	s = &h->a->ma_slots[idx];
	len = request(in, s->ms_buf);
	s->ms_len = (op & POST_RAWLEN) ? fuzz_u32(in) : len;
	if (!cas(h->a, (uint32_t)idx, w,
		MS_WORD(MS_REQUEST, MS_GEN(w), MS_OWNER(w))))
		fuzz_fail("slot %d: claimed, then changed under the tool", idx);
	w = MS_WORD(MS_REQUEST, MS_GEN(w), MS_OWNER(w));
	(void)__atomic_fetch_or(
	    &h->a->ma_pending, 1ULL << idx, __ATOMIC_RELEASE);
	if ((op & POST_ABANDON) &&
	    !cas(h->a, (uint32_t)idx, w,
		MS_WORD(MS_ABANDONED, MS_GEN(w), MS_OWNER(w))))
		fuzz_fail("slot %d: answered with no loop run", idx);
	if (op & POST_NORUN)
		return;
	fuzz_nmsgs += run_check(h, 0);
	done = MS_WORD(MS_DONE, MS_GEN(w), MS_OWNER(w));
	/* Read: the answer was checked; the slot goes back to FREE. */
	if (!(op & POST_UNREAD) && word(h->a, (uint32_t)idx) == done &&
	    !cas(h->a, (uint32_t)idx, done, MS_WORD(MS_FREE, MS_GEN(w), 0)))
		fuzz_fail("slot %d: answer read, slot not ours", idx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct harness h;
	uint64_t w;
	uint8_t op, i;
	int idx;

	fuzz_begin(data, size);
	memset(&h, 0, sizeof(h));
	h.t = fuzz_stack(fuzz_config);
	if (ff_test_msg_ring(h.t, (void **)&h.a) != 0)
		fuzz_fail("no message ring on the test stack");
	h.pidns = ff_msg_pidns();
	/* The server's first loop sweeps: an empty area stays empty. */
	(void)run_check(&h, 0);
	owner_register(&h);
	while (in.n > 0) {
		op = fuzz_u8(&in);
		switch (op & 7) {
		case OP_POST:
			post(&h, op, &in);
			break;
		case OP_WORD:
			i = fuzz_u8(&in) % FF_MSG_NSLOTS;
			w = (uint64_t)fuzz_u32(&in) |
			    (uint64_t)fuzz_u32(&in) << 32;
			__atomic_store_n(
			    &h.a->ma_slots[i].ms_word, w, __ATOMIC_RELEASE);
			break;
		case OP_BELL:
			w = (uint64_t)fuzz_u32(&in) |
			    (uint64_t)fuzz_u32(&in) << 32;
			(void)__atomic_fetch_or(
			    &h.a->ma_pending, w, __ATOMIC_RELEASE);
			break;
		case OP_OWNER:
			i = fuzz_u8(&in);
			op = fuzz_u8(&in);
			owner_write(&h, i, op, fuzz_u32(&in));
			break;
		case OP_RUN:
			fuzz_nmsgs += run_check(&h, 0);
			break;
		case OP_SWEEP:
			fuzz_nmsgs += run_check(&h, 1);
			break;
		case OP_CLAIM:
			idx = claim(&h, fuzz_u8(&in), &w);
			if (idx >= 0 && (op & POST_RAWLEN))
				(void)__atomic_fetch_or(&h.a->ma_pending,
				    1ULL << idx, __ATOMIC_RELEASE);
			break;
		case OP_LEN:
			i = fuzz_u8(&in) % FF_MSG_NSLOTS;
			h.a->ma_slots[i].ms_len = fuzz_u32(&in);
			break;
		}
	}
	/* What is still posted is served before the stack goes. */
	fuzz_nmsgs += run_check(&h, 0);
	fuzz_settle_end(h.t, 0);
	return (0);
}
