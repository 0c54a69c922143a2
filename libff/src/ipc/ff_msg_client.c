/*
 * ff_msg_client.c - the tool side of the message ring (ff_ipc.h), used by
 * fstools through ctypes.
 *
 * Entry points: ff_ipc_attach(), ff_ipc_procs(), ff_ipc_request(),
 * ff_ipc_post_raw(), ff_ipc_detach().
 *
 * Attaching checks that a primary holds the lock on the prefix's runtime
 * config before the EAL is started, so a missing stack is reported at
 * once and in one line, without EAL noise.  The EAL's own log goes to a
 * memory buffer; its last line is shown only if the attach fails.
 *
 * The client's state is process-wide because the EAL is: one attach per
 * process.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_service_component.h>

#include "dpdk/ff_runtime.h"
#include "ff_ipc.h"
#include "ipc/ff_msg_ring.h"

struct ff_ipc_proc {
	struct ff_msg_area *ip_area;
	uint32_t ip_owner; /* our owner id there; 0 = none */
};

static struct ff_ipc_client {
	int attached;
	int eal_done; /* the EAL ran once: no second start */
	char prefix[64];
	struct ff_msg_procs *procs;
	struct ff_ipc_proc proc[FF_MAX_PROCS];
	uint32_t seq;
	uint64_t pidns; /* our PID namespace (ff_msg_pidns) */
	FILE *log;	/* EAL log, kept in memory */
	char *logbuf;
	size_t logsize;
} ffc;

static uint64_t
mono_ns(void)
{
	return (ff_msg_mono_ns());
}

static void
nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* Does root's runtime directory hold the prefix, while we are not root? */
static int
root_stack_runs(const char *prefix)
{
	char path[600];
	struct stat st;

	if (getuid() == 0)
		return (0);
	snprintf(path, sizeof(path), "/var/run/dpdk/%s/config", prefix);
	return (stat(path, &st) == 0 || errno == EACCES);
}

/* Is a primary alive under `prefix'?  0, or -errno with a message. */
static int
primary_check(const char *prefix, char *err, size_t errlen)
{
	char dir[512], path[600];
	struct stat st;

	if (ff_runtime_private(prefix)) {
		snprintf(err, errlen,
		    "the stack with file prefix \"%s\" runs with "
		    "no_huge=1: its memory is private to it, and no tool "
		    "can attach (start it without no_huge)",
		    prefix);
		return (-ENOTSUP);
	}
	ff_runtime_dir(prefix, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	if (stat(path, &st) != 0) {
		if (errno == EACCES || root_stack_runs(prefix)) {
			snprintf(err, errlen,
			    "the stack with file prefix \"%s\" "
			    "runs as root: run the tool as root too",
			    prefix);
			return (-EACCES);
		}
		snprintf(err, errlen,
		    "no stack is running with file prefix "
		    "\"%s\" (no %s)",
		    prefix, path);
		return (-ESRCH);
	}
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen,
		    "cannot read %s: %s (tools must run as "
		    "the stack's user, usually root)",
		    path, strerror(errno));
		return (-EACCES);
	}
	if (!rte_eal_primary_proc_alive(path)) {
		snprintf(err, errlen,
		    "no stack is running with file prefix "
		    "\"%s\" (stale %s)",
		    prefix, path);
		return (-ESRCH);
	}
	return (0);
}

/* Last line the EAL logged, for a failed attach. */
static const char *
eal_last_line(void)
{
	char *p, *end;

	if (ffc.log == NULL)
		return ("");
	fflush(ffc.log);
	if (ffc.logbuf == NULL || ffc.logsize == 0)
		return ("");
	end = ffc.logbuf + ffc.logsize;
	while (end > ffc.logbuf && end[-1] == '\n')
		*--end = '\0';
	p = strrchr(ffc.logbuf, '\n');
	return (p != NULL ? p + 1 : ffc.logbuf);
}

/* Run the main lcore on any CPU we may use, not pinned to the stack's. */
static void
lcores_arg(char *buf, size_t len)
{
	cpu_set_t set;
	int cpu, first = -1, last = -1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set)) {
				if (first < 0)
					first = cpu;
				last = cpu;
			}
	if (first < 0)
		snprintf(buf, len, "--lcores=0");
	else
		snprintf(buf, len, "--lcores=0@(%d-%d)", first, last);
}

/* How long a tool waits for others' starts before it starts anyway. */
#define FF_START_LOCK_MS 10000

static int
eal_start(const char *prefix, char *err, size_t errlen)
{
	char fp[128], lc[64];
	char *argv[] = { "ff-tool", "--proc-type=secondary", fp, lc, "--no-pci",
		"--no-telemetry", "--log-level=6", NULL };
	int argc = sizeof(argv) / sizeof(argv[0]) - 1;
	sigset_t block, old;
	int rc, lock;

	snprintf(fp, sizeof(fp), "--file-prefix=%s", prefix);
	lcores_arg(lc, sizeof(lc));
	ffc.log = open_memstream(&ffc.logbuf, &ffc.logsize);
	if (ffc.log != NULL)
		rte_openlog_stream(ffc.log);
	ffc.eal_done = 1;
	/*
	 * A secondary killed while the EAL maps the shared memory leaves a
	 * shared lock held; hold off the signals we can until it is done.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	lock = ff_runtime_start_lock(prefix, FF_START_LOCK_MS);
	rc = rte_eal_init(argc, argv);
	ff_runtime_start_unlock(lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0) {
		snprintf(err, errlen,
		    "cannot attach to the stack with file "
		    "prefix \"%s\": %s",
		    prefix, eal_last_line());
		return (-(rte_errno ? rte_errno : EIO));
	}
	return (0);
}

int
ff_ipc_attach(const char *prefix, char *err, size_t errlen)
{
	const struct rte_memzone *mz;
	int rc;

	if (prefix == NULL || *prefix == '\0')
		prefix = FF_DEFAULT_FILE_PREFIX;
	if (strlen(prefix) >= sizeof(ffc.prefix) || strchr(prefix, '/')) {
		snprintf(err, errlen, "bad file prefix \"%s\"", prefix);
		return (-EINVAL);
	}
	if (ffc.attached)
		return (strcmp(prefix, ffc.prefix) == 0 ? 0 : -EALREADY);
	if (ffc.eal_done) {
		snprintf(
		    err, errlen, "the EAL cannot start twice in a process");
		return (-EALREADY);
	}
	if ((rc = primary_check(prefix, err, errlen)) != 0)
		return (rc);
	if ((rc = eal_start(prefix, err, errlen)) != 0)
		return (rc);
	/*
	 * The service library's tables, which the EAL allocated from the
	 * primary's shared heap although a tool runs no service, go back at
	 * once: a tool killed later leaves none behind.  (libffipc.so's EAL
	 * allocates none: the link wraps its service calls, ours with them,
	 * into ff_eal_noservice.c.)
	 */
	rte_service_finalize();
	(void)ff_runtime_sweep_channels(prefix);
	if ((mz = rte_memzone_lookup(FF_PROCS_MZ)) == NULL) {
		snprintf(err, errlen,
		    "the DPDK process with file prefix \"%s\" "
		    "is not an ff stack, or is still starting",
		    prefix);
		return (-ESRCH);
	}
	ffc.procs = mz->addr;
	snprintf(ffc.prefix, sizeof(ffc.prefix), "%s", prefix);
	ffc.seq = (uint32_t)getpid() << 16;
	ffc.pidns = ff_msg_pidns();
	ffc.attached = 1;
	return (0);
}

/*
 * Our end of the EAL's multi-process channel: a socket file named after
 * our pid in the prefix's runtime directory.
 */
static void
unlink_mp_socket(void)
{
	char dir[512], pattern[64], path[800];
	struct dirent *de;
	DIR *d;

	ff_runtime_dir(ffc.prefix, dir, sizeof(dir));
	snprintf(pattern, sizeof(pattern), "mp_socket_%d_*", (int)getpid());
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (fnmatch(pattern, de->d_name, 0) == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
}

/*
 * A tool leaves without rte_eal_cleanup(): in DPDK 22.11 it takes the
 * shared memory-hotplug lock for writing, and a secondary that was killed
 * during its own start-up may have left that lock read-held for good, so
 * the clean-up would spin forever.  Process exit unmaps the memory, and
 * a tool holds nothing in the shared heap (ff_ipc_attach()); all that is
 * left to tidy is our channel socket.
 */
int
ff_ipc_detach(void)
{
	if (!ffc.attached)
		return (-ENOTCONN);
	ffc.attached = 0;
	memset(ffc.proc, 0, sizeof(ffc.proc));
	unlink_mp_socket();
	return (0);
}

static int
proc_running(int proc_id)
{
	int32_t pid = ffc.procs->mp_pid[proc_id];

	if (pid <= 0)
		return (0);
	/* From another PID namespace its pid means nothing: trust the table. */
	if (ffc.pidns == 0 || ffc.procs->mp_pidns != ffc.pidns)
		return (1);
	return (kill(pid, 0) == 0 || errno != ESRCH);
}

int
ff_ipc_procs(int32_t *pids, int max)
{
	int i, n;

	if (!ffc.attached)
		return (-ENOTCONN);
	n = (int)ffc.procs->mp_nb_procs;
	if (n > FF_MAX_PROCS)
		n = FF_MAX_PROCS;
	/* A process killed before it could clear its entry is not running. */
	for (i = 0; i < n && i < max; i++)
		pids[i] = proc_running(i) ? ffc.procs->mp_pid[i] : 0;
	return (n);
}

/* Find process proc_id's slot area; 0 or -errno. */
static int
proc_lookup(int proc_id, struct ff_ipc_proc **pp)
{
	char name[RTE_MEMZONE_NAMESIZE];
	struct ff_ipc_proc *p;
	const struct rte_memzone *mz;

	if (!ffc.attached)
		return (-ENOTCONN);
	if (proc_id < 0 || proc_id >= (int)ffc.procs->mp_nb_procs ||
	    proc_id >= FF_MAX_PROCS || !proc_running(proc_id))
		return (-ESRCH);
	p = &ffc.proc[proc_id];
	if (p->ip_area == NULL) {
		snprintf(name, sizeof(name), FF_MSG_AREA_FMT, proc_id);
		if ((mz = rte_memzone_lookup(name)) == NULL)
			return (-ESRCH);
		p->ip_area = mz->addr;
	}
	if (__atomic_load_n(&p->ip_area->ma_magic, __ATOMIC_ACQUIRE) !=
		FF_MSG_AREA_MAGIC ||
	    p->ip_area->ma_version != FF_MSG_ABI_VERSION)
		return (-EPROTONOSUPPORT);
	*pp = p;
	return (0);
}

static int
slot_cas(struct ff_msg_slot *s, uint64_t from, uint64_t to)
{
	return (__atomic_compare_exchange_n(
	    &s->ms_word, &from, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

/* Who we are, and that we are alive, in our owner record. */
static void
owner_fill(struct ff_msg_owner *o)
{
	o->mo_pid = getpid();
	o->mo_pidns = ffc.pidns;
	__atomic_store_n(&o->mo_seen_ns, mono_ns(), __ATOMIC_RELEASE);
}

/*
 * Our owner record in p's area, registered on first use (and again if
 * the stack took it back while we were silent for a lease): 0 or -EBUSY.
 * The record is filled before and after the claim: whoever's fields a
 * sweep reads in between belong to a tool alive right now.
 */
static int
owner_ensure(struct ff_ipc_proc *p)
{
	struct ff_msg_area *a = p->ip_area;
	struct ff_msg_owner *o;
	uint32_t i, seq, id, zero;

	if (p->ip_owner != 0) {
		o = &a->ma_owners[FF_MSG_OWNER_IDX(p->ip_owner)];
		if (__atomic_load_n(&o->mo_id, __ATOMIC_ACQUIRE) ==
		    p->ip_owner) {
			owner_fill(o);
			return (0);
		}
	}
	seq = __atomic_add_fetch(&a->ma_owner_seq, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < FF_MSG_NOWNERS; i++) {
		o = &a->ma_owners[(seq + i) % FF_MSG_NOWNERS];
		if (__atomic_load_n(&o->mo_id, __ATOMIC_ACQUIRE) != 0)
			continue;
		id = (seq | 1) * FF_MSG_NOWNERS +
		    (uint32_t)((seq + i) % FF_MSG_NOWNERS);
		owner_fill(o);
		zero = 0;
		if (__atomic_compare_exchange_n(&o->mo_id, &zero, id, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			owner_fill(o);
			p->ip_owner = id;
			return (0);
		}
	}
	return (-EBUSY);
}

/* We are still here: keeps the stack from taking our slot back. */
static void
owner_touch(struct ff_ipc_proc *p)
{
	__atomic_store_n(
	    &p->ip_area->ma_owners[FF_MSG_OWNER_IDX(p->ip_owner)].mo_seen_ns,
	    mono_ns(), __ATOMIC_RELEASE);
}

/*
 * Claim a free slot, searching from a per-process start: its index, with
 * the word we left in it in *wp, or -1 if none is free.  The owner goes
 * into the word with the claim itself.
 */
static int
slot_claim(struct ff_ipc_proc *p, uint64_t *wp)
{
	uint32_t i, idx, start = (uint32_t)getpid() % FF_MSG_NSLOTS;
	struct ff_msg_slot *s;
	uint64_t w, nw;

	for (i = 0; i < FF_MSG_NSLOTS; i++) {
		idx = (start + i) % FF_MSG_NSLOTS;
		s = &p->ip_area->ma_slots[idx];
		w = __atomic_load_n(&s->ms_word, __ATOMIC_ACQUIRE);
		if (MS_STATE(w) != MS_FREE)
			continue;
		nw = MS_WORD(MS_CLAIMED, MS_GEN(w) + 1, p->ip_owner);
		if (slot_cas(s, w, nw)) {
			*wp = nw;
			return ((int)idx);
		}
	}
	return (-1);
}

/* Give the slot back if it is still ours as *wp says. */
static void
slot_release(struct ff_msg_slot *s, uint64_t w)
{
	(void)slot_cas(s, w, MS_WORD(MS_FREE, MS_GEN(w), 0));
}

/* The word with another state, same generation and owner. */
static uint64_t
slot_as(uint64_t w, uint32_t st)
{
	return (MS_WORD(st, MS_GEN(w), MS_OWNER(w)));
}

/*
 * Post the request in slot idx: the slot word says REQUEST, then the
 * doorbell gets its bit (ff_msg_ring.h).  -ETIMEDOUT if the stack took
 * the slot back meanwhile.
 */
static int
slot_post(struct ff_ipc_proc *p, int idx, uint64_t *wp)
{
	struct ff_msg_slot *s = &p->ip_area->ma_slots[idx];

	if (!slot_cas(s, *wp, slot_as(*wp, MS_REQUEST)))
		return (-ETIMEDOUT);
	*wp = slot_as(*wp, MS_REQUEST);
	(void)__atomic_fetch_or(
	    &p->ip_area->ma_pending, 1ULL << idx, __ATOMIC_RELEASE);
	return (0);
}

/*
 * Wait until the stack answered slot s; polls fast at first (a live stack
 * answers within one loop), then backs off.  *wp becomes the DONE word.
 */
static int
slot_wait(struct ff_ipc_proc *p, int proc_id, struct ff_msg_slot *s,
    uint64_t *wp, uint64_t deadline)
{
	uint64_t done = slot_as(*wp, MS_DONE), w;
	unsigned int spins = 0;

	while ((w = __atomic_load_n(&s->ms_word, __ATOMIC_ACQUIRE)) != done) {
		if (w != *wp)
			return (-ETIMEDOUT); /* taken back: not ours now */
		if (mono_ns() >= deadline) {
			if (slot_cas(s, *wp, slot_as(*wp, MS_ABANDONED)))
				return (-ETIMEDOUT);
			continue; /* answered just now */
		}
		if ((++spins & 1023) == 0 && !proc_running(proc_id)) {
			if (slot_cas(s, *wp, slot_as(*wp, MS_ABANDONED)))
				return (-ESRCH);
			continue;
		}
		if ((spins & 255) == 0)
			owner_touch(p);
		if (spins < 200)
			sched_yield();
		else
			nap_us(spins < 2000 ? 10 : 100);
	}
	*wp = done;
	return (0);
}

ssize_t
ff_ipc_request(int proc_id, const void *req, size_t reqlen, void *rep,
    size_t repcap, int timeout_ms)
{
	struct ff_ipc_proc *p;
	struct ff_msg_slot *s;
	uint64_t deadline, w;
	uint32_t len;
	int idx, rc;

	if ((rc = proc_lookup(proc_id, &p)) != 0)
		return (rc);
	if (reqlen > FF_MSG_SIZE)
		return (-EMSGSIZE);
	deadline = mono_ns() +
	    (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ULL;
	while ((rc = owner_ensure(p)) != 0 || (idx = slot_claim(p, &w)) < 0) {
		if (mono_ns() >= deadline)
			return (rc != 0 ? rc : -EBUSY);
		nap_us(100);
	}
	s = &p->ip_area->ma_slots[idx];
	memcpy(s->ms_buf, req, reqlen);
	s->ms_len = (uint32_t)reqlen;
	if ((rc = slot_post(p, idx, &w)) != 0)
		return (rc);
	if ((rc = slot_wait(p, proc_id, s, &w, deadline)) != 0)
		return (rc);
	len = s->ms_len;
	if (len > repcap || len > FF_MSG_SIZE) {
		slot_release(s, w);
		return (-EMSGSIZE);
	}
	memcpy(rep, s->ms_buf, len);
	/* Taken back while we copied: what we read may be another's. */
	if (!slot_cas(s, w, MS_WORD(MS_FREE, MS_GEN(w), 0)))
		return (-ETIMEDOUT);
	return ((ssize_t)len);
}

int
ff_ipc_post_raw(int proc_id, uint64_t bits)
{
	struct ff_ipc_proc *p;
	int rc;

	if ((rc = proc_lookup(proc_id, &p)) != 0)
		return (rc);
	(void)__atomic_fetch_or(
	    &p->ip_area->ma_pending, bits, __ATOMIC_RELEASE);
	return (0);
}
