// SPDX-License-Identifier: GPL-2.0
/*
 * GPADL reassembly and mapping for the loopback host (see gpadl.h and
 * hyperv-abi-behaviour.md M6).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <hvguest/vmbus_proto.h>

#include "gpadl.h"

/* The guest's PFNs are 4 KiB frames; the host maps them as its pages. */
static_assert(PAGE_SIZE == 4096);

int hvg_lh_gpadl_begin(struct hvg_lh_gpadl *g, const void *msg, u32 len,
		       const char **why)
{
	struct hvg_chmsg_gpadl_header hdr;
	u32 inmsg, npfns;
	u64 span;

	if (len < sizeof(hdr) || len > HVG_MSG_PAYLOAD_MAX) {
		*why = "message length";
		return -EINVAL;
	}
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.rangecount != 1) {
		*why = "rangecount";
		return -EINVAL;
	}
	/* The range head (8 bytes) plus at least one 8-byte PFN. */
	if (hdr.range_buflen < sizeof(struct hvg_gpa_range) + 8 ||
	    hdr.range_buflen % 8) {
		*why = "range_buflen";
		return -EINVAL;
	}
	npfns = (hdr.range_buflen - sizeof(struct hvg_gpa_range)) / 8;
	if (hdr.byte_offset >= PAGE_SIZE) {
		*why = "byte_offset";
		return -EINVAL;
	}
	span = (u64)hdr.byte_offset + hdr.byte_count;
	if (!hdr.byte_count || DIV_ROUND_UP(span, PAGE_SIZE) != npfns) {
		*why = "byte_count";
		return -EINVAL;
	}
	/* Trailing bytes short of a PFN are ignored; more PFNs are not. */
	inmsg = (len - sizeof(hdr)) / 8;
	if (inmsg > npfns) {
		*why = "PFN count";
		return -EINVAL;
	}

	g->pfns = kvmalloc_array(npfns, sizeof(*g->pfns), GFP_KERNEL);
	if (!g->pfns)
		return -ENOMEM;
	memcpy(g->pfns, (const u8 *)msg + sizeof(hdr), inmsg * 8);
	g->handle = hdr.gpadl;
	g->relid = hdr.child_relid;
	g->byte_count = hdr.byte_count;
	g->byte_offset = hdr.byte_offset;
	g->npfns = npfns;
	g->have = inmsg;
	return 0;
}

int hvg_lh_gpadl_body(struct hvg_lh_gpadl *g, const void *msg, u32 len,
		      const char **why)
{
	const u32 head = sizeof(struct hvg_chmsg_gpadl_body);
	u32 n;

	if (len < head + 8 || len > HVG_MSG_PAYLOAD_MAX) {
		*why = "message length";
		return -EINVAL;
	}
	n = (len - head) / 8;
	if (n > g->npfns - g->have) {
		*why = "PFN count";
		return -EINVAL;
	}
	memcpy(g->pfns + g->have, (const u8 *)msg + head, n * 8);
	g->have += n;
	return 0;
}

int hvg_lh_gpadl_map(struct hvg_lh_gpadl *g, const char **why)
{
	u32 i;

	if (!hvg_lh_gpadl_complete(g)) {
		*why = "incomplete";
		return -EINVAL;
	}
	g->pages = kvmalloc_array(g->npfns, sizeof(*g->pages), GFP_KERNEL);
	if (!g->pages)
		return -ENOMEM;
	for (i = 0; i < g->npfns; i++) {
		/* Guest memory is this kernel's RAM: any PFN must be RAM. */
		if (g->pfns[i] > ULONG_MAX || !pfn_valid(g->pfns[i])) {
			*why = "PFN";
			goto err;
		}
		g->pages[i] = pfn_to_page(g->pfns[i]);
	}
	g->va = vmap(g->pages, g->npfns, VM_MAP, PAGE_KERNEL);
	if (!g->va) {
		*why = "vmap";
		kvfree(g->pages);
		g->pages = NULL;
		return -ENOMEM;
	}
	return 0;
err:
	kvfree(g->pages);
	g->pages = NULL;
	return -EFAULT;
}

void hvg_lh_gpadl_release(struct hvg_lh_gpadl *g)
{
	if (g->va)
		vunmap(g->va);
	g->va = NULL;
	kvfree(g->pages);
	g->pages = NULL;
	kvfree(g->pfns);
	g->pfns = NULL;
}
