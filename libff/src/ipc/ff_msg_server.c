/*
 * ff_msg_server.c - the stack side of the message ring.
 *
 * Entry points: ff_msg_server_create() (at ff_init), ff_msg_server_poll()
 * (each main-loop iteration), ff_msg_server_destroy() (at exit), and the
 * built-in handlers for ECHO, TOP and TRAFFIC.
 *
 * Every request is copied out of shared memory, then checked (magic,
 * version, length, type) before a handler sees it; whatever is wrong gets
 * an answer with fm_error set, and the loop goes on.  Doorbell bits of a
 * slot holding no request are counted and ignored: there is nobody to
 * answer.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memzone.h>

#include "core/ff_ctx.h"
#include "kern/ff_errno.h"
#include "ipc/ff_msg_ring.h"
#include "ipc/ff_msg_server.h"
#include "kern/kern_sysctl.h"

#define FF_MSG_SWEEP_NS (200 * FF_NS_PER_MS) /* dead-owner sweep period */

struct ff_msg_server {
	const struct rte_memzone *sv_area_mz;
	struct ff_msg_area *sv_area;
	const struct rte_memzone *sv_procs_mz; /* proc 0 made it */
	struct ff_msg_procs *sv_procs;
	uint64_t sv_next_sweep;
	uint32_t sv_next_slot; /* where the doorbell's round-robin resumes */
	uint64_t sv_pidns;     /* our PID namespace */
	int sv_reused;	       /* area taken over from a dead process */
	struct ff_msg_stats sv_stats;
	uint8_t sv_req[FF_MSG_SIZE]; /* private request copy */
};

static int
slot_cas(struct ff_msg_slot *s, uint64_t from, uint64_t to)
{
	return (__atomic_compare_exchange_n(
	    &s->ms_word, &from, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

/* The same slot, now free: generation kept, owner cleared. */
static uint64_t
slot_freed(uint64_t w)
{
	return (MS_WORD(MS_FREE, MS_GEN(w), 0));
}

const void *
ff_msg_iov_get(const struct ff_msg_hdr *req, const struct ff_msg_iov *iov)
{
	uint64_t end = (uint64_t)iov->mi_off + iov->mi_len;

	/* Inside the body: never the header, never past fm_len. */
	if (iov->mi_off < sizeof(*req) || end > req->fm_len)
		return (NULL);
	return ((const uint8_t *)req + iov->mi_off);
}

/* Check a request header; 0 or the host errno to answer with. */
static int
ff_msg_check(const struct ff_msg_hdr *h, uint32_t len)
{
	if (h->fm_magic != FF_MSG_MAGIC)
		return (EBADMSG);
	if (h->fm_version != FF_MSG_ABI_VERSION)
		return (EPROTONOSUPPORT);
	if (h->fm_len != len || len < sizeof(*h))
		return (EMSGSIZE);
	if (h->fm_flags & FF_MSGF_REPLY)
		return (EINVAL);
	if (ff_msg_handler(h->fm_type) == NULL)
		return (EOPNOTSUPP);
	return (0);
}

int
ff_msg_handle(struct ff_ctx *ctx, const struct ff_msg_hdr *req, uint32_t len,
    struct ff_msg_hdr *rep, size_t repcap)
{
	uint64_t cursor = 0, csw = ctx->top.csw_read();
	uint64_t t0 = ff_clock_tsc(&ctx->clock), d;
	int error, blen = 0;

	if (len < sizeof(*req) || len > FF_MSG_SIZE || repcap < sizeof(*rep))
		error = EMSGSIZE;
	else
		error = ff_msg_check(req, len);
	if (error == 0) {
		cursor = req->fm_cursor;
		blen = ff_msg_handler(req->fm_type)(
		    ctx, req, rep + 1, repcap - sizeof(*rep), &cursor);
		if (blen < 0) {
			error = -blen;
			blen = 0;
			cursor = 0;
		}
	}
	rep->fm_magic = FF_MSG_MAGIC;
	rep->fm_version = FF_MSG_ABI_VERSION;
	rep->fm_type = req->fm_type;
	rep->fm_flags = FF_MSGF_REPLY;
	rep->fm_len = sizeof(*rep) + blen;
	rep->fm_error = error ? ff_errno_to_bsd(error) : 0;
	rep->fm_cursor = cursor;
	rep->fm_proc_id = ctx->proc_id;
	rep->fm_seq = req->fm_seq;
	memset(rep->fm_spare, 0, sizeof(rep->fm_spare));
	/*
	 * The loop stands still while a handler runs: kern.loop.msg_max_us,
	 * the handler's own time, so not when the kernel switched us out
	 * meanwhile (a system call per request: tools are not the data
	 * path, and a listing's piece takes a hundred times as long).
	 */
	d = ff_clock_tsc(&ctx->clock) - t0;
	if (d > ctx->top.msg_max_tsc && ctx->top.csw_read() == csw)
		ctx->top.msg_max_tsc = d;
	return (error);
}

/* Answer the request in slot s (state REQUEST, owned by us until DONE). */
static void
ff_msg_answer(
    struct ff_ctx *ctx, struct ff_msg_server *sv, struct ff_msg_slot *s)
{
	struct ff_msg_hdr *req = (struct ff_msg_hdr *)sv->sv_req;
	struct ff_msg_hdr *rep = (struct ff_msg_hdr *)s->ms_buf;
	uint32_t len = s->ms_len;
	int error;

	if (len < sizeof(*req) || len > FF_MSG_SIZE)
		/* Nothing trustworthy to echo: answer from a blank header. */
		memset(req, 0, sizeof(*req));
	else
		memcpy(req, s->ms_buf, len);
	error = ff_msg_handle(ctx, req, len, rep, FF_MSG_SIZE);
	s->ms_len = rep->fm_len;
	sv->sv_stats.ms_served++;
	if (error)
		sv->sv_stats.ms_errors++;
}

/*
 * Slots in use and tools registered, counted as a request is answered
 * (so a kern.ipc.msg.inuse read counts its own slot: 1 when idle).
 */
static void
ff_msg_census(struct ff_msg_server *sv)
{
	struct ff_msg_area *a = sv->sv_area;
	uint32_t i, inuse = 0, owners = 0;

	for (i = 0; i < FF_MSG_NSLOTS; i++)
		if (MS_STATE(__atomic_load_n(
			&a->ma_slots[i].ms_word, __ATOMIC_ACQUIRE)) != MS_FREE)
			inuse++;
	for (i = 0; i < FF_MSG_NOWNERS; i++)
		if (__atomic_load_n(&a->ma_owners[i].mo_id, __ATOMIC_ACQUIRE) !=
		    0)
			owners++;
	sv->sv_stats.ms_inuse = inuse;
	sv->sv_stats.ms_owners = owners;
}

static void
ff_msg_serve_slot(struct ff_ctx *ctx, struct ff_msg_server *sv, uint32_t idx)
{
	struct ff_msg_slot *s;
	uint64_t w;

	s = &sv->sv_area->ma_slots[idx];
	w = __atomic_load_n(&s->ms_word, __ATOMIC_ACQUIRE);
	if (MS_STATE(w) != MS_REQUEST) {
		/* A tool that gave up before we got here: the slot is free. */
		if (MS_STATE(w) == MS_ABANDONED &&
		    slot_cas(s, w, slot_freed(w)))
			sv->sv_stats.ms_abandoned++;
		else
			sv->sv_stats.ms_badstate++;
		return;
	}
	ff_msg_census(sv);
	ff_msg_answer(ctx, sv, s);
	if (!slot_cas(s, w, MS_WORD(MS_DONE, MS_GEN(w), MS_OWNER(w)))) {
		/* The tool timed out while we worked: nobody will read it. */
		sv->sv_stats.ms_abandoned++;
		w = __atomic_load_n(&s->ms_word, __ATOMIC_ACQUIRE);
		if (MS_STATE(w) == MS_ABANDONED)
			(void)slot_cas(s, w, slot_freed(w));
	}
}

/*
 * Is the owner record o gone?  Its pid is dead in our PID namespace, or
 * it has not been seen for a lease (other namespaces, stopped tools).
 */
static int
owner_gone(
    const struct ff_msg_server *sv, const struct ff_msg_owner *o, uint64_t now)
{
	int32_t pid = o->mo_pid;

	if (sv->sv_pidns != 0 && o->mo_pidns == sv->sv_pidns &&
	    (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)))
		return (1);
	return (now - o->mo_seen_ns > FF_MSG_LEASE_NS &&
	    (int64_t)(now - o->mo_seen_ns) > 0);
}

/* Does owner id name a live record? */
static int
owner_alive(const struct ff_msg_server *sv, uint32_t id, uint64_t now)
{
	const struct ff_msg_owner *o =
	    &sv->sv_area->ma_owners[FF_MSG_OWNER_IDX(id)];

	return (id != 0 && o->mo_id == id && !owner_gone(sv, o, now));
}

/*
 * Take back what tools that died (or went silent) left behind: slots in
 * any state, then their owner records.  A slot in REQUEST of a live
 * owner is ours to finish; of a gone owner, nobody would read it.
 */
static void
ff_msg_sweep(struct ff_msg_server *sv)
{
	struct ff_msg_area *a = sv->sv_area;
	uint64_t now = ff_msg_mono_ns(), w;
	struct ff_msg_owner *o;
	uint32_t i, id;

	for (i = 0; i < FF_MSG_NSLOTS; i++) {
		w = __atomic_load_n(&a->ma_slots[i].ms_word, __ATOMIC_ACQUIRE);
		if (MS_STATE(w) == MS_FREE || owner_alive(sv, MS_OWNER(w), now))
			continue;
		if (slot_cas(&a->ma_slots[i], w, slot_freed(w)))
			sv->sv_stats.ms_reclaimed++;
	}
	for (i = 0; i < FF_MSG_NOWNERS; i++) {
		o = &a->ma_owners[i];
		id = __atomic_load_n(&o->mo_id, __ATOMIC_ACQUIRE);
		if (id != 0 && owner_gone(sv, o, now))
			(void)__atomic_compare_exchange_n(&o->mo_id, &id, 0, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
}

/*
 * Take the doorbell's bits.  A plain load first: the usual answer is
 * "none", and it must not cost a write to a line the tools share.
 */
static uint64_t
ff_msg_doorbell(struct ff_msg_server *sv)
{
	volatile uint64_t *db = &sv->sv_area->ma_pending;

	if (__atomic_load_n(db, __ATOMIC_RELAXED) == 0)
		return (0);
	return (__atomic_exchange_n(db, 0, __ATOMIC_ACQUIRE));
}

/*
 * Serve up to `budget' posted slots, round-robin from where the last
 * call stopped, so that busy low-numbered slots cannot starve the others
 * (64 tools asking without pause, 32 served per iteration, once kept
 * slots 32..63 waiting past their timeout).  Bits not served go back.
 */
int
ff_msg_server_poll(struct ff_ctx *ctx, int budget)
{
	struct ff_msg_server *sv = ctx->msg;
	uint64_t bits = ff_msg_doorbell(sv), bit;
	uint32_t i, idx;
	int n = 0;

	for (i = 0; i < FF_MSG_NSLOTS && bits != 0 && n < budget; i++) {
		idx = (sv->sv_next_slot + i) % FF_MSG_NSLOTS;
		bit = 1ULL << idx;
		if ((bits & bit) == 0)
			continue;
		bits &= ~bit;
		ff_msg_serve_slot(ctx, sv, idx);
		sv->sv_next_slot = (idx + 1) % FF_MSG_NSLOTS;
		n++;
	}
	if (bits != 0)
		(void)__atomic_fetch_or(
		    &sv->sv_area->ma_pending, bits, __ATOMIC_RELEASE);
	if (ctx->clock.clk_now_ns >= sv->sv_next_sweep) {
		ff_msg_sweep(sv);
		sv->sv_next_sweep = ctx->clock.clk_now_ns + FF_MSG_SWEEP_NS;
	}
	return (n);
}

/* What tools sent us, and what became of it: ff-sysctl kern.ipc.msg. */
#define MSG_STAT(name, f, descr)                                           \
	SYSCTL_U64("kern.ipc.msg." name, CTLFLAG_RD, struct ff_msg_server, \
	    sv_stats.f, descr)

static const struct sysctl_entry ff_msg_sysctls[] = {
	MSG_STAT("served", ms_served, "Tool requests answered"),
	MSG_STAT("errors", ms_errors,
	    "Tool requests answered with an error (bad header, type, field)"),
	MSG_STAT("badstate", ms_badstate,
	    "Doorbell bits of a slot that held no request"),
	MSG_STAT(
	    "reclaimed", ms_reclaimed, "Slots taken back from tools that died"),
	MSG_STAT(
	    "abandoned", ms_abandoned, "Answers no tool waited for any more"),
	MSG_STAT("inuse", ms_inuse, "Slots in use, the asking tool's included"),
	MSG_STAT("owners", ms_owners,
	    "Tools registered with this process, the asking one included"),
};

#undef MSG_STAT

/*
 * The process table under this prefix: the primary makes it, secondary
 * stack processes find it.
 */
static int
ff_msg_procs_attach(struct ff_ctx *ctx, struct ff_msg_server *sv)
{
	const struct rte_memzone *mz;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		mz = rte_memzone_reserve(
		    FF_PROCS_MZ, sizeof(struct ff_msg_procs), SOCKET_ID_ANY, 0);
		/* An earlier stack of this process left it (see destroy). */
		if (mz == NULL && rte_errno == EEXIST)
			mz = rte_memzone_lookup(FF_PROCS_MZ);
		if (mz == NULL)
			return (-1);
		memset(mz->addr, 0, sizeof(struct ff_msg_procs));
		((struct ff_msg_procs *)mz->addr)->mp_nb_procs =
		    ctx->cfg->dpdk.nb_procs;
		((struct ff_msg_procs *)mz->addr)->mp_pidns = ff_msg_pidns();
		((struct ff_msg_procs *)mz->addr)->mp_magic = FF_MSG_AREA_MAGIC;
		sv->sv_procs_mz = mz;
	} else if ((mz = rte_memzone_lookup(FF_PROCS_MZ)) == NULL)
		return (-1);
	sv->sv_procs = mz->addr;
	return (0);
}

/* Whether `pid' (of our PID namespace `ns') is a running process. */
static int
ff_msg_pid_alive(int32_t pid, uint64_t ns, uint64_t our_ns)
{
	if (pid <= 0)
		return (0);
	if (ns == 0 || ns != our_ns)
		return (1); /* cannot tell: assume it runs */
	return (kill(pid, 0) == 0 || errno != ESRCH);
}

/*
 * The slot area of this process.  A process that starts again after its
 * predecessor was killed finds it still there (the primary's memory
 * outlives it): it takes it over, unless that predecessor still runs.
 */
static int
ff_msg_area_attach(struct ff_ctx *ctx, struct ff_msg_server *sv,
    const char *aname, char *err, size_t errlen)
{
	const struct rte_memzone *mz;
	struct ff_msg_area *old;

	sv->sv_area_mz = rte_memzone_reserve_aligned(aname,
	    sizeof(struct ff_msg_area), SOCKET_ID_ANY, 0, RTE_CACHE_LINE_SIZE);
	if (sv->sv_area_mz == NULL && rte_errno == EEXIST &&
	    (mz = rte_memzone_lookup(aname)) != NULL) {
		old = mz->addr;
		if (ff_msg_pid_alive(old->ma_server_pid, sv->sv_procs->mp_pidns,
			sv->sv_pidns)) {
			snprintf(err, errlen,
			    "process %d already runs (pid %d)", ctx->proc_id,
			    (int)old->ma_server_pid);
			return (-1);
		}
		sv->sv_area_mz = mz;
		sv->sv_reused = 1;
	}
	if (sv->sv_area_mz == NULL) {
		snprintf(err, errlen, "message ring for process %d: %s",
		    ctx->proc_id, rte_strerror(rte_errno));
		return (-1);
	}
	return (0);
}

int
ff_msg_server_create(struct ff_ctx *ctx, char *err, size_t errlen)
{
	struct ff_msg_server *sv;
	char aname[RTE_MEMZONE_NAMESIZE];
	struct ff_msg_area *a;

	if ((sv = calloc(1, sizeof(*sv))) == NULL) {
		snprintf(err, errlen, "message ring: out of memory");
		return (-1);
	}
	snprintf(aname, sizeof(aname), FF_MSG_AREA_FMT, ctx->proc_id);
	sv->sv_pidns = ff_msg_pidns();
	if (ff_msg_procs_attach(ctx, sv) != 0) {
		snprintf(err, errlen,
		    "message ring for process %d: %s (is process 0 running?)",
		    ctx->proc_id, rte_strerror(rte_errno));
		goto fail_free;
	}
	if (ff_msg_area_attach(ctx, sv, aname, err, errlen) != 0)
		goto fail_free;
	a = sv->sv_area = sv->sv_area_mz->addr;
	memset(a, 0, sizeof(*a));
	a->ma_version = FF_MSG_ABI_VERSION;
	a->ma_nslots = FF_MSG_NSLOTS;
	a->ma_proc_id = ctx->proc_id;
	a->ma_server_pid = getpid();
	/*
	 * The counters live as long as the server; the stack (and with it
	 * the tree) goes after the server, with no request served between.
	 */
	if (ctx->sysctl != NULL &&
	    SYSCTL_ADD_TABLE(ctx, sv, ff_msg_sysctls) != 0) {
		snprintf(err, errlen,
		    "message ring: cannot register "
		    "kern.ipc.msg counters");
		goto fail_free;
	}
	__atomic_store_n(&a->ma_magic, FF_MSG_AREA_MAGIC, __ATOMIC_RELEASE);
	sv->sv_procs->mp_pid[ctx->proc_id] = getpid();
	ctx->msg = sv;
	return (0);
fail_free:
	if (!sv->sv_reused)
		rte_memzone_free(sv->sv_area_mz);
	rte_memzone_free(sv->sv_procs_mz);
	free(sv);
	return (-1);
}

int
ff_msg_server_primary_gone(struct ff_ctx *ctx)
{
	struct ff_msg_server *sv = ctx->msg;

	if (sv == NULL || ctx->proc_id == 0)
		return (0);
	if (sv->sv_procs->mp_stopping)
		return (1);
	return (!ff_msg_pid_alive(
	    sv->sv_procs->mp_pid[0], sv->sv_procs->mp_pidns, sv->sv_pidns));
}

void
ff_msg_server_destroy(struct ff_ctx *ctx)
{
	struct ff_msg_server *sv = ctx->msg;

	if (sv == NULL)
		return;
	/* Tools still attached see "not running" rather than a silent ring. */
	sv->sv_procs->mp_pid[ctx->proc_id] = 0;
	sv->sv_area->ma_server_pid = 0;
	/*
	 * The area and the process table stay: tools may be reading them
	 * right now, and a freed memzone whose hugepage empties is unmapped
	 * from every process of the prefix (DPDK's memory hotplug), so a
	 * tool would die of SIGSEGV instead of saying the stack stopped.
	 * The process's next start takes its area over
	 * (ff_msg_area_attach()); the primary's memory goes with it.
	 */
	free(sv);
	ctx->msg = NULL;
}

const struct ff_msg_stats *
ff_msg_server_stats(const struct ff_ctx *ctx)
{
	return (ctx->msg != NULL ? &ctx->msg->sv_stats : NULL);
}

/* ECHO: the body comes back unchanged. */
int
ff_msg_echo(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	size_t len = req->fm_len - sizeof(*req);

	memcpy(body, req + 1, len);
	return ((int)len);
}

int
ff_msg_top(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct ff_top_stats *ts = body;

	memset(ts, 0, sizeof(*ts));
	ts->ts_len = sizeof(*ts);
	ts->ts_proc_id = ctx->proc_id;
	ts->ts_loops = ctx->top.loops;
	ts->ts_idle_tsc = ctx->top.idle_tsc;
	ts->ts_sys_tsc = ctx->top.sys_tsc;
	ts->ts_usr_tsc = ctx->top.usr_tsc;
	ts->ts_work_tsc = ctx->top.work_tsc;
	ts->ts_tsc_hz = ctx->clock.clk_tsc_hz;
	ts->ts_now_tsc = rte_rdtsc();
	ts->ts_rx_packets = ctx->traffic.rx_packets;
	ts->ts_tx_packets = ctx->traffic.tx_packets;
	ts->ts_rx_bytes = ctx->traffic.rx_bytes;
	ts->ts_tx_bytes = ctx->traffic.tx_bytes;
	return (sizeof(*ts));
}

int
ff_msg_traffic(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct ff_traffic_stats *tr = body;

	memset(tr, 0, sizeof(*tr));
	tr->tr_len = sizeof(*tr);
	tr->tr_proc_id = ctx->proc_id;
	tr->tr_rx_packets = ctx->traffic.rx_packets;
	tr->tr_rx_bytes = ctx->traffic.rx_bytes;
	tr->tr_rx_dropped = ctx->traffic.rx_dropped;
	tr->tr_tx_packets = ctx->traffic.tx_packets;
	tr->tr_tx_bytes = ctx->traffic.tx_bytes;
	tr->tr_tx_dropped = ctx->traffic.tx_dropped;
	tr->tr_now_ns = ctx->clock.clk_now_ns;
	return (sizeof(*tr));
}

/* 1 while `pid' runs: a zombie has finished (its parent has not reaped it). */
static int
ff_msg_pid_running(int32_t pid)
{
	char path[64], buf[256], *rp;
	FILE *f;
	size_t n;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return (0);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (1);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	rp = strrchr(buf, ')');
	return (rp == NULL || rp[1] == '\0' || rp[2] != 'Z');
}

int
ff_msg_server_stop_secondaries(struct ff_ctx *ctx, int wait_ms)
{
	struct ff_msg_server *sv = ctx->msg;
	struct ff_msg_procs *mp;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int32_t pids[FF_MAX_PROCS];
	uint32_t i, n;
	int t, left = 0;

	if (sv == NULL || ctx->proc_id != 0)
		return (0);
	mp = sv->sv_procs;
	n = mp->mp_nb_procs < FF_MAX_PROCS ? mp->mp_nb_procs : FF_MAX_PROCS;
	for (i = 1; i < n; i++)
		pids[i] = mp->mp_pid[i];
	__atomic_store_n(&mp->mp_stopping, 1, __ATOMIC_RELEASE);
	/*
	 * Wait for the processes themselves, not their table entries: a
	 * secondary clears its entry before its EAL clean-up, which must
	 * not meet ours.
	 */
	for (t = 0; t <= wait_ms / 10; t++) {
		for (left = 0, i = 1; i < n; i++)
			if (pids[i] > 0 &&
			    (mp->mp_pidns == sv->sv_pidns && sv->sv_pidns != 0
				    ? ff_msg_pid_running(pids[i])
				    : mp->mp_pid[i] != 0))
				left++;
		if (left == 0)
			break;
		nanosleep(&ts, NULL);
	}
	return (left);
}

uint32_t
ff_msg_server_procs_live(struct ff_ctx *ctx)
{
	struct ff_msg_server *sv = ctx->msg;
	struct ff_msg_procs *mp;
	uint32_t i, live = 0;

	if (sv == NULL)
		return (0xffffffffu);
	mp = sv->sv_procs;
	for (i = 0; i < mp->mp_nb_procs && i < FF_MAX_PROCS; i++)
		if (ff_msg_pid_alive(mp->mp_pid[i], mp->mp_pidns, sv->sv_pidns))
			live |= 1u << i;
	return (live);
}

void
ff_msg_server_adopted(struct ff_ctx *ctx, uint32_t queues)
{
	if (ctx->msg != NULL && ctx->proc_id == 0)
		__atomic_store_n(
		    &ctx->msg->sv_procs->mp_adopted, queues, __ATOMIC_RELEASE);
}

int
ff_msg_server_wait_unadopted(struct ff_ctx *ctx, int wait_ms)
{
	struct ff_msg_server *sv = ctx->msg;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	if (sv == NULL || ctx->proc_id == 0)
		return (0);
	for (i = 0; i <= wait_ms / 10; i++) {
		if ((__atomic_load_n(
			 &sv->sv_procs->mp_adopted, __ATOMIC_ACQUIRE) &
			(1u << ctx->proc_id)) == 0)
			return (0);
		nanosleep(&ts, NULL);
	}
	return (-1);
}
