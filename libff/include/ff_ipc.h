/*
 * ff_ipc.h - the tool side of the message ring, exported from libff.so for
 * fstools (ctypes).  A tool attaches to the stack processes that share one
 * DPDK file prefix as a DPDK secondary process, sends requests built per
 * ff_msg.h and waits for each answer with a timeout.
 *
 * Errors are returned as negative errno values so ctypes needs no errno
 * plumbing; a failed attach also writes a one-line reason into `err'.
 */
#ifndef _FF_IPC_H_
#define _FF_IPC_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ff_msg.h"

/*
 * Attach to the stack running with file prefix `prefix' (NULL or "" means
 * the default config's prefix).  Fails at once, before any EAL start, with
 * -ESRCH and a message naming the prefix when no primary runs there.
 * The EAL can start once per process: a second attach fails with -EALREADY
 * unless it names the same prefix.  `err' receives a one-line message.
 * Returns 0 or a negative errno.
 */
int ff_ipc_attach(const char *prefix, char *err, size_t errlen);

/*
 * Stop using the stack.  The EAL is not cleaned up (see
 * ff_msg_client.c): detach only right before the process exits.
 */
int ff_ipc_detach(void);

/*
 * Stack processes known under the attached prefix: returns how many, and
 * fills `pids' (up to `max') with each process's pid, 0 where a process
 * has not started or has gone.
 */
int ff_ipc_procs(int32_t *pids, int max);

/*
 * One request/answer with process `proc_id'.  `req' holds a whole message
 * (header first); the answer, header first, is copied into `rep' (capacity
 * `repcap').  Returns the answer's length, or:
 *   -ENOTCONN   not attached;     -ESRCH    no such process running;
 *   -EMSGSIZE   request too long, or the answer does not fit `rep';
 *   -EBUSY      no free slot within the timeout;
 *   -ETIMEDOUT  no answer within `timeout_ms' (the slot is given back).
 * The stack's own verdict is in the answer's fm_error.
 */
ssize_t ff_ipc_request(int proc_id, const void *req, size_t reqlen, void *rep,
    size_t repcap, int timeout_ms);

/*
 * Test hook: ring a process's doorbell for the slots in `bits' (bit i =
 * slot i), whatever they hold, as a broken or hostile client might.
 * Returns 0 or a negative errno.
 */
int ff_ipc_post_raw(int proc_id, uint64_t bits);

/* The library's ABI version and layout table (ends with a NULL entry). */
uint32_t ff_msg_abi_version(void);
const struct ff_msg_abi_entry *ff_msg_abi_table(void);

/* The prefix tools use when none is given: the default config's. */
#define FF_DEFAULT_FILE_PREFIX "ff"

#endif /* _FF_IPC_H_ */
