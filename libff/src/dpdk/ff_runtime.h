/*
 * ff_runtime.h - DPDK's runtime files of a file prefix (ff_runtime.c).
 */
#ifndef _FF_RUNTIME_H_
#define _FF_RUNTIME_H_

#include <stddef.h>

/* DPDK's runtime directory for `prefix' (/var/run/dpdk/<prefix> as root). */
void ff_runtime_dir(const char *prefix, char *buf, size_t len);
/*
 * After the EAL is cleaned up: remove the primary's hugepage files and
 * runtime directory, which DPDK 22.11 leaves behind.
 */
void ff_dpdk_remove_runtime_files(const char *prefix);

/*
 * The processes other than us with a file of `prefix''s runtime directory
 * open: DPDK secondaries (a tool, an exporter) hold its fbarray files
 * locked, so while one still runs after its primary died no new primary
 * can start under the prefix.  Their pids, space-separated, go in buf;
 * returns how many there are.
 */
int ff_runtime_holders(const char *prefix, char *buf, size_t len);

/*
 * Remove the multi-process channel sockets (mp_socket_<pid>_<tsc>) of the
 * secondaries that died without removing theirs, a SIGKILLed tool: DPDK
 * 22.11 removes a dead process's fbarray files at the next start, but its
 * socket only when a broadcast of the primary's to it is refused, and
 * the primary broadcasts only when its memory grows or shrinks: 96 killed
 * tools left 96 sockets.  A socket file nobody is bound to refuses a
 * connect; a live process's never does.  Returns how many went.
 */
#define FF_MP_SOCKET_PEER "mp_socket_*"
int ff_runtime_sweep_channels(const char *prefix);

/*
 * Held by a secondary (a tool, or a stack process) while its EAL starts.
 * At the end of rte_eal_init every DPDK 22.11 process removes the
 * fbarray_* files of the runtime directory it can lock, to clean up after
 * processes that died; a process starting at that instant can have its
 * new memseg-list file, created and not yet locked, locked and removed
 * under it, and fails with "EAL: Cannot init memory" (seen with a few
 * dozen tools starting at once).  Not a name DPDK's clean-up touches.
 * Returns a descriptor, or -1 after timeout_ms (go on without it).
 */
#define FF_START_LOCK "ff_start.lock"
int ff_runtime_start_lock(const char *prefix, int timeout_ms);
void ff_runtime_start_unlock(int fd);

/*
 * The primary: its ports and shared objects are ready for secondaries.
 * `private_mem' marks a primary whose memory no secondary can map
 * (no_huge: DPDK's --no-huge memory is anonymous), so that tools can say
 * why they cannot attach instead of failing inside the EAL.
 */
void ff_runtime_mark_ready(const char *prefix, int private_mem);
/* 1 when a live primary of `prefix' marked its memory private, else 0. */
int ff_runtime_private(const char *prefix);
/*
 * A secondary: wait up to `seconds' for a running primary's ready mark.
 * 0, or -1 when none came.
 */
int ff_runtime_wait_ready(const char *prefix, int seconds);

#endif /* _FF_RUNTIME_H_ */
