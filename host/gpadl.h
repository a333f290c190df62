/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's GPADLs: reassembly of GPADL_HEADER + GPADL_BODY
 * messages into one page list (hyperv-abi-behaviour.md M6), and the mapping
 * of the guest pages that list names.
 *
 * The reassembly functions are pure (they allocate, but look at nothing but
 * the message they are given), so that the KUnit suite hvg_loophost_gpadl
 * can feed them any message. Every field the guest sends is bounded before
 * it is used; a refusal names the field in *why.
 */
#ifndef _HVG_LOOPHOST_GPADL_H
#define _HVG_LOOPHOST_GPADL_H

#include <linux/list.h>
#include <linux/types.h>

struct page;

/*
 * One GPADL. The server's lock and its channel's gpadl_lock guard @node
 * and everything below (see server_internal.h); the reassembly and mapping
 * functions take no lock themselves.
 */
struct hvg_lh_gpadl {
	struct list_head node;		/* in its channel's gpadls */
	u32 handle;
	u32 relid;
	u32 byte_count;			/* the range's bytes */
	u32 byte_offset;		/* 0 .. 4095 */
	u32 npfns;			/* PFNs the range has (range_buflen) */
	u32 have;			/* PFNs received so far */
	u64 *pfns;
	struct page **pages;		/* once mapped */
	void *va;			/* vmap of every page, once mapped */
	bool ring_in_use;		/* an open channel's ring */
};

/**
 * hvg_lh_gpadl_begin() - start a GPADL from its GPADL_HEADER message
 * @g: zeroed; filled in (and @g->pfns allocated) on success
 * @msg: the whole channel message, header included (a private copy)
 * @len: its bytes
 * @why: on failure, the field that was refused
 *
 * Checks: @len holds the fixed part; rangecount is 1; range_buflen is the
 * 8-byte range head plus a non-zero multiple of 8; byte_offset is below a
 * page; byte_offset + byte_count spans exactly the PFN count that
 * range_buflen says; the message carries no more PFNs than that.
 * Return: 0; -EINVAL (refused); -ENOMEM.
 */
int hvg_lh_gpadl_begin(struct hvg_lh_gpadl *g, const void *msg, u32 len,
		       const char **why);

/**
 * hvg_lh_gpadl_body() - add a GPADL_BODY message's PFNs
 * @g: a GPADL begun and not yet complete, whose handle the body names
 * @msg: the whole channel message (a private copy)
 * @len: its bytes
 * @why: on failure, the field that was refused
 *
 * Return: 0; -EINVAL for a body without PFNs, or with more PFNs than the
 * GPADL still expects (nothing is added then).
 */
int hvg_lh_gpadl_body(struct hvg_lh_gpadl *g, const void *msg, u32 len,
		      const char **why);

static inline bool hvg_lh_gpadl_complete(const struct hvg_lh_gpadl *g)
{
	return g->have == g->npfns;
}

/*
 * Map a complete GPADL: every PFN must pass pfn_valid(); the pages are
 * mapped in order with vmap() at @g->va. Process context.
 * Return: 0; -EFAULT (a PFN that is not RAM, *why says which); -ENOMEM.
 */
int hvg_lh_gpadl_map(struct hvg_lh_gpadl *g, const char **why);

/* Unmap (if mapped) and free the PFN list; @g itself is the caller's. */
void hvg_lh_gpadl_release(struct hvg_lh_gpadl *g);

#endif /* _HVG_LOOPHOST_GPADL_H */
