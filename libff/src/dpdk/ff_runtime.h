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

/* The primary: its ports and shared objects are ready for secondaries. */
void ff_runtime_mark_ready(const char *prefix);
/*
 * A secondary: wait up to `seconds' for a running primary's ready mark.
 * 0, or -1 when none came.
 */
int ff_runtime_wait_ready(const char *prefix, int seconds);

#endif /* _FF_RUNTIME_H_ */
