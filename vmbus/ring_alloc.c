// SPDX-License-Identifier: GPL-2.0
/*
 * The page set of a channel's ring pair, and its double mapping.
 *
 * One page set holds both rings, outbound first, so that a single GPADL
 * (pair->pages, pair->npages) describes them and the inbound ring starts
 * pair->out_pages pages in. Each ring gets its own virtual mapping:
 *
 *   [header page][data pages 1..n-1][data pages 1..n-1 again]
 *
 * so that a copy running past the end of the data area continues, without
 * a split, at its start. The user-space build (tools/ring_alloc_user.c)
 * makes the same mapping from a memfd mapped twice.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "ring.h"

/*
 * The header is exactly one page of the page set. With pages larger than
 * 4 KiB only the first 4 KiB of the header page would be the header; that
 * layout is not supported here.
 */
static_assert(PAGE_SIZE == HVG_RING_HDR_SIZE);

/*
 * One ring's layout into @map: its header page, its data pages, its data
 * pages again. Return: the entry after the last one filled in.
 */
static struct page **ring_map_fill(struct page **map, struct page **pages,
				   unsigned int npages)
{
	unsigned int i, data = npages - 1;

	*map++ = pages[0];
	for (i = 0; i < data; i++) {
		map[i] = pages[1 + i];
		map[data + i] = pages[1 + i];
	}
	return map + 2 * data;
}

/**
 * hvg_ring_vmap() - map one ring: its header page, then its data pages twice
 * @pages: the ring's pages, header first
 * @npages: how many, at least 2
 *
 * For whoever maps a ring it did not allocate (the loopback host maps the
 * guest's pages named by a GPADL): the result is laid out as
 * hvg_ring_init() and hvg_ring_attach() expect, header at the returned
 * address and data PAGE_SIZE after it. Process context.
 *
 * Return: the mapping (undo with vunmap()), or NULL.
 */
void *hvg_ring_vmap(struct page **pages, unsigned int npages)
{
	struct page **map;
	void *va;

	if (npages < 2)
		return NULL;
	map = kmalloc_array(2 * npages - 1, sizeof(*map), GFP_KERNEL);
	if (!map)
		return NULL;
	ring_map_fill(map, pages, npages);
	va = vmap(map, 2 * npages - 1, VM_MAP, PAGE_KERNEL);
	kfree(map);
	return va;
}

/**
 * hvg_ring_vmap_pair() - map both rings of a page set in one range
 * @pages: the page set, the outbound ring's header first
 * @npages: how many
 * @in_page: where the inbound ring starts, in pages: each ring at least 2
 * @in_va: set to the inbound ring's mapping (its header) on success
 *
 * hvg_ring_vmap() of each ring, the inbound one right after the outbound
 * one in a single mapping. The same page of the two data areas is then
 * always an odd number of pages apart (2 * @in_page - 1). Two rings mapped
 * on their own, each 2^k pages with its guard page, tend to sit a power of
 * two apart, and a copy from one ring straight into the other at the same
 * offset (an echo, whose requests and replies are the same size) then
 * alternates between addresses that share a slot of a direct-mapped
 * translation cache, such as QEMU TCG's software TLB, missing it on every
 * access: measured, such a copy ran at a fifth of the speed of one from a
 * private buffer. Process context.
 *
 * Return: the mapping, the outbound ring's header first (undo with one
 * vunmap()), or NULL.
 */
void *hvg_ring_vmap_pair(struct page **pages, unsigned int npages,
			 unsigned int in_page, void **in_va)
{
	unsigned int out_map = 2 * in_page - 1, in_map;
	struct page **map;
	void *va;

	if (in_page < 2 || npages < in_page + 2)
		return NULL;
	in_map = 2 * (npages - in_page) - 1;
	map = kmalloc_array(out_map + in_map, sizeof(*map), GFP_KERNEL);
	if (!map)
		return NULL;
	ring_map_fill(ring_map_fill(map, pages, in_page), pages + in_page,
		      npages - in_page);
	va = vmap(map, out_map + in_map, VM_MAP, PAGE_KERNEL);
	kfree(map);
	if (va)
		*in_va = (u8 *)va + (size_t)out_map * PAGE_SIZE;
	return va;
}

static bool ring_size_ok(u32 size)
{
	return size >= 2 * PAGE_SIZE && !(size % PAGE_SIZE) &&
	       size <= (1u << 30);
}

/**
 * hvg_ring_pair_alloc() - allocate, map and initialise a channel's rings
 * @pair: the ring pair to fill in
 * @out_size: bytes of the outbound ring: header page plus data
 * @in_size: bytes of the inbound ring: header page plus data
 *
 * Both sizes are multiples of PAGE_SIZE and at least two pages. Process
 * context (GFP_KERNEL, vmap).
 *
 * Return: 0, -EINVAL for a bad size, or -ENOMEM.
 */
int hvg_ring_pair_alloc(struct hvg_ring_pair *pair, u32 out_size,
			u32 in_size)
{
	unsigned int i;
	int err;

	memset(pair, 0, sizeof(*pair));
	if (!ring_size_ok(out_size) || !ring_size_ok(in_size))
		return -EINVAL;
	pair->out_pages = out_size >> PAGE_SHIFT;
	pair->npages = pair->out_pages + (in_size >> PAGE_SHIFT);
	pair->pages = kcalloc(pair->npages, sizeof(*pair->pages), GFP_KERNEL);
	if (!pair->pages)
		return -ENOMEM;
	for (i = 0; i < pair->npages; i++) {
		pair->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pair->pages[i])
			goto err_free;
	}
	pair->out_va = hvg_ring_vmap(pair->pages, pair->out_pages);
	if (!pair->out_va)
		goto err_free;
	pair->in_va = hvg_ring_vmap(pair->pages + pair->out_pages,
				    pair->npages - pair->out_pages);
	if (!pair->in_va)
		goto err_free;

	err = hvg_ring_pair_init(pair, out_size, in_size);
	if (err)
		hvg_ring_pair_free(pair);
	return err;

err_free:
	hvg_ring_pair_free(pair);
	return -ENOMEM;
}

/**
 * hvg_ring_pair_free() - unmap and free a ring pair
 * @pair: the pair; safe on a zeroed or partly allocated one
 *
 * The host must no longer map these pages: tear down the GPADL (and close
 * the channel) first. Process context.
 */
void hvg_ring_pair_free(struct hvg_ring_pair *pair)
{
	unsigned int i;

	if (pair->in_va)
		vunmap(pair->in_va);
	if (pair->out_va)
		vunmap(pair->out_va);
	if (pair->pages) {
		for (i = 0; i < pair->npages; i++)
			if (pair->pages[i])
				__free_page(pair->pages[i]);
		kfree(pair->pages);
	}
	memset(pair, 0, sizeof(*pair));
}
