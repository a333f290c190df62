/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The echo test device's protocol: a VMBus device class of this project's
 * own (HVG_GUID_ECHO in include/hvguest/vmbus.h) that the loopback host
 * offers and hvguest's echo driver (echo/) drives, so that channels, GPADLs,
 * sub-channels and rescind are tested and benchmarked without storvsc or
 * netvsc. Not a Hyper-V protocol.
 *
 * Every request is one packet whose payload starts with struct
 * hvg_echo_hdr. The host answers each request on the same channel with
 * the same transaction id:
 *
 * HVG_ECHO_OP_ECHO (inband): the reply is the request, byte for byte: same
 *	packet type (DATA_INBAND), same payload, same length. @csum is the
 *	sender's crc32_le(~0, payload after the header, @len); the host does
 *	not check it, the guest checks the reply.
 * HVG_ECHO_OP_PAGES (GPA direct): the host reads the pages of the ranges
 *	in place and answers inband with a header whose @csum is the
 *	crc32_le(~0, ...) of the ranges' bytes in order and @len their total.
 * HVG_ECHO_OP_GPADL_SUM (inband): @arg is a GPADL handle created on this
 *	channel, @len a byte count; the host answers with @csum the crc32 of
 *	the first @len bytes of its own mapping of that GPADL, or @status
 *	non-zero (unknown handle, too long).
 * HVG_ECHO_OP_SUBCHANNELS (inband, primary channel only): @arg is how
 *	many sub-channels the guest wants; the host offers up to its limit
 *	(module parameter) and answers with @arg the number it offered in
 *	all.
 * HVG_ECHO_OP_STATS (inband): the host answers with @arg its count of
 *	requests and @len (low 32 bits) of payload bytes on this channel.
 *
 * Replies other than ECHO carry the header only (payload length 32).
 */
#ifndef _HVGUEST_ECHO_PROTO_H
#define _HVGUEST_ECHO_PROTO_H

#include <linux/types.h>
#include <linux/build_bug.h>

#define HVG_ECHO_OP_ECHO	1
#define HVG_ECHO_OP_PAGES	2
#define HVG_ECHO_OP_GPADL_SUM	3
#define HVG_ECHO_OP_SUBCHANNELS	4
#define HVG_ECHO_OP_STATS	5

struct hvg_echo_hdr {
	u32 op;		/* HVG_ECHO_OP_* */
	u32 len;	/* payload bytes after this header (ECHO) */
	u32 seq;	/* the sender's sequence number, echoed */
	u32 csum;	/* crc32_le(~0, ...) as the op says */
	u64 arg;	/* per op */
	u32 status;	/* in replies: 0, or an errno value (positive) */
	u32 reserved;	/* 0 */
};

static_assert(sizeof(struct hvg_echo_hdr) == 32);

/* The ring size the echo driver opens with, each way, by default. */
#define HVG_ECHO_RING_SIZE	(128 * 1024)

#endif /* _HVGUEST_ECHO_PROTO_H */
