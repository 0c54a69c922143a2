/*
 * uma.h - bounded object zones for sockets, pcbs and event records,
 * after FreeBSD's uma(9) (names only: no per-CPU caches here).
 *
 * A zone hands out zeroed items of one size, up to a limit fixed at
 * creation (kern.ipc.maxsockets for sockets and pcbs).  Items come from
 * slabs of UMA_SLAB_ITEMS allocated when the free list is empty, so the
 * steady state allocates nothing; slabs are freed with the zone.
 *
 * Entry points: uma_zcreate(), uma_zalloc(), uma_zfree(), uma_zdestroy(),
 * uma_zone_set_max(), uma_zone_inuse().
 */
#ifndef _KERN_UMA_H_
#define _KERN_UMA_H_

#include <stddef.h>

struct uma_zone;
typedef struct uma_zone *uma_zone_t;

#define UMA_SLAB_ITEMS 64 /* items per slab */

/* A zone of `size' byte items, at most `limit' in use; NULL (ENOMEM). */
uma_zone_t uma_zcreate(const char *name, size_t size, unsigned int limit);
/* A new limit (boot tunables); items already in use stay. */
void uma_zone_set_max(uma_zone_t zone, unsigned int limit);
/* Free every slab; items still in use are lost (counted by the caller). */
void uma_zdestroy(uma_zone_t zone);
/* A zeroed item, or NULL when the limit is reached or memory is out. */
void *uma_zalloc(uma_zone_t zone);
void uma_zfree(uma_zone_t zone, void *item);
/* Items in use. */
unsigned int uma_zone_inuse(uma_zone_t zone);
/* Failed allocations (limit or memory). */
unsigned long uma_zone_fails(uma_zone_t zone);

#endif /* _KERN_UMA_H_ */
