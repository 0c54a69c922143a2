/*
 * uma_core.c - bounded object zones (see uma.h).
 *
 * Entry points: uma_zcreate(), uma_zdestroy(), uma_zalloc(), uma_zfree(),
 * uma_zone_set_max(), uma_zone_inuse(), uma_zone_fails().
 *
 * A zone keeps a list of slabs (malloc'd arrays of UMA_SLAB_ITEMS items)
 * and a free list threaded through the free items themselves.  A slab is
 * added only when the free list is empty and the limit allows; slabs are
 * released with the zone, so allocation after warm-up costs a pointer
 * swap.
 *
 * Under AddressSanitizer (make asan) every item is its own calloc() and
 * goes back with free(): a slab would hide an overrun into the next item
 * and a use after uma_zfree() from ASan's redzones and quarantine.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kern/uma.h"

struct uma_slab {
	struct uma_slab *us_next; /* zone's slab list */
				  /* items follow */
};

struct uma_free {
	struct uma_free *uf_next;
};

struct uma_zone {
	const char *uz_name;
	size_t uz_size;		/* item size, rounded */
	unsigned int uz_limit;	/* max items in use */
	unsigned int uz_inuse;	/* items handed out */
	unsigned int uz_items;	/* items in all slabs */
	unsigned long uz_fails; /* refused allocations */
	struct uma_slab *uz_slabs;
	struct uma_free *uz_free;
};

uma_zone_t
uma_zcreate(const char *name, size_t size, unsigned int limit)
{
	struct uma_zone *z;

	if ((z = calloc(1, sizeof(*z))) == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	z->uz_name = name;
	if (size < sizeof(struct uma_free))
		size = sizeof(struct uma_free);
	z->uz_size = (size + 15) & ~(size_t)15;
	z->uz_limit = limit;
	return (z);
}

void
uma_zone_set_max(uma_zone_t z, unsigned int limit)
{
	z->uz_limit = limit;
}

void
uma_zdestroy(uma_zone_t z)
{
	struct uma_slab *s, *n;

	if (z == NULL)
		return;
	for (s = z->uz_slabs; s != NULL; s = n) {
		n = s->us_next;
		free(s);
	}
	free(z);
}

#ifdef __SANITIZE_ADDRESS__
void *
uma_zalloc(uma_zone_t z)
{
	void *item = NULL;

	if (z->uz_inuse >= z->uz_limit ||
	    (item = calloc(1, z->uz_size)) == NULL) {
		z->uz_fails++;
		return (NULL);
	}
	z->uz_inuse++;
	return (item);
}

void
uma_zfree(uma_zone_t z, void *item)
{
	if (item == NULL)
		return;
	free(item);
	z->uz_inuse--;
}
#else
/* Add one slab to the free list: 0, or -1 when out of memory. */
static int
uma_zone_grow(struct uma_zone *z)
{
	struct uma_slab *s;
	struct uma_free *f;
	char *p;
	int i;

	s = malloc(sizeof(*s) + 16 + z->uz_size * UMA_SLAB_ITEMS);
	if (s == NULL)
		return (-1);
	s->us_next = z->uz_slabs;
	z->uz_slabs = s;
	p = (char *)(s + 1);
	p += (16 - ((uintptr_t)p & 15)) & 15;
	for (i = 0; i < UMA_SLAB_ITEMS; i++) {
		f = (struct uma_free *)(p + (size_t)i * z->uz_size);
		f->uf_next = z->uz_free;
		z->uz_free = f;
	}
	z->uz_items += UMA_SLAB_ITEMS;
	return (0);
}

void *
uma_zalloc(uma_zone_t z)
{
	struct uma_free *f;

	if (z->uz_inuse >= z->uz_limit ||
	    (z->uz_free == NULL && uma_zone_grow(z) != 0)) {
		z->uz_fails++;
		return (NULL);
	}
	f = z->uz_free;
	z->uz_free = f->uf_next;
	z->uz_inuse++;
	memset(f, 0, z->uz_size);
	return (f);
}

void
uma_zfree(uma_zone_t z, void *item)
{
	struct uma_free *f = item;

	if (item == NULL)
		return;
	f->uf_next = z->uz_free;
	z->uz_free = f;
	z->uz_inuse--;
}
#endif /* __SANITIZE_ADDRESS__ */

unsigned int
uma_zone_inuse(uma_zone_t z)
{
	return (z != NULL ? z->uz_inuse : 0);
}

unsigned long
uma_zone_fails(uma_zone_t z)
{
	return (z != NULL ? z->uz_fails : 0);
}
