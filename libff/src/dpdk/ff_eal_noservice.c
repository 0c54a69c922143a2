/*
 * ff_eal_noservice.c - a tool's EAL without DPDK's service library.
 *
 * Entry points, reached only through the linker: libffipc.so is linked
 * with --wrap for each of rte_service_init(),
 * rte_service_start_with_defaults() and rte_service_finalize(), so the
 * calls its static EAL makes to them (rte_eal_init(), rte_eal_cleanup())
 * and ours come here.  Only libffipc.so is built from this file.
 *
 * Why: in a secondary, DPDK 22.11's rte_service_init() allocates the
 * service library's tables (about 150 KB) with rte_calloc(), from the
 * primary's shared hugepage heap.  A tool runs no service, yet every tool
 * took that memory, and one that was SIGKILLed could never give it back:
 * 300 killed tools left 46 MB allocated in the primary, which mapped 21
 * more hugepages (and kept a descriptor open on each) for good.  Without
 * the tables, a tool's start allocates nothing from the shared heap.
 *
 * The service library is then not linked into libffipc.so at all (nothing
 * else refers to it); tests/unit/test_ipc_link.py checks that.
 */
#include <errno.h>
#include <stdint.h>

int32_t __wrap_rte_service_init(void);
int32_t __wrap_rte_service_start_with_defaults(void);
void __wrap_rte_service_finalize(void);

/* The library is "initialised" with no table: no service can register. */
int32_t
__wrap_rte_service_init(void)
{
	return (0);
}

/*
 * What the real one answers when the EAL was given no service core, which
 * rte_eal_init() takes as "nothing to start".
 */
int32_t
__wrap_rte_service_start_with_defaults(void)
{
	return (-ENOTSUP);
}

/* Nothing was allocated, so nothing to give back. */
void
__wrap_rte_service_finalize(void)
{
}
