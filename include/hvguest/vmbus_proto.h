/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus wire formats: the ring buffer header page, the packet descriptor that
 * starts every packet in a ring, and the channel message header.
 *
 * Everything here is shared memory or a message written by the host, so every
 * field is fixed width and little endian, there are no bitfields or enums, and
 * the size and key offsets of each struct are asserted at build time.
 *
 * This header also compiles in user space (tools/), where tools/include
 * provides the few <linux/...> definitions it uses.
 */
#ifndef _HVGUEST_VMBUS_PROTO_H
#define _HVGUEST_VMBUS_PROTO_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <linux/uuid.h>

/* ---------------------------------------------------------------------
 * Ring buffer (one per direction; a channel's two rings share one GPADL,
 * outbound first).
 */

/* The header occupies exactly one 4 KiB page; data starts on the next page. */
#define HVG_RING_HDR_SIZE		4096

/* feature_bits: the consumer honours pending_send_sz (set by both sides). */
#define HVG_RING_FEAT_PENDING_SEND_SZ	0x1u

struct hvg_ring_hdr {
	u32 write_index;	/* producer: next byte offset to write */
	u32 read_index;		/* consumer: next byte offset to read */
	u32 interrupt_mask;	/* consumer: "do not signal me" while draining */
	u32 pending_send_sz;	/* producer: bytes it waits for; 0 = none */
	u32 reserved1[12];
	u32 feature_bits;	/* HVG_RING_FEAT_* */
	u8 reserved2[HVG_RING_HDR_SIZE - 68];
};

static_assert(sizeof(struct hvg_ring_hdr) == HVG_RING_HDR_SIZE);
static_assert(offsetof(struct hvg_ring_hdr, interrupt_mask) == 8);
static_assert(offsetof(struct hvg_ring_hdr, pending_send_sz) == 12);
static_assert(offsetof(struct hvg_ring_hdr, feature_bits) == 64);

/* Packet types (vmpacket_desc.type). */
#define HVG_PKT_INVALID			0x0
#define HVG_PKT_SYNCH			0x1
#define HVG_PKT_ADD_XFER_PAGESET	0x2
#define HVG_PKT_RM_XFER_PAGESET		0x3
#define HVG_PKT_ESTABLISH_GPADL		0x4
#define HVG_PKT_TEARDOWN_GPADL		0x5
#define HVG_PKT_DATA_INBAND		0x6
#define HVG_PKT_DATA_USING_XFER_PAGES	0x7
#define HVG_PKT_DATA_USING_GPADL	0x8
#define HVG_PKT_DATA_USING_GPA_DIRECT	0x9
#define HVG_PKT_CANCEL_REQUEST		0xa
#define HVG_PKT_COMP			0xb
#define HVG_PKT_DATA_USING_ADDITIONAL	0xc
#define HVG_PKT_ADDITIONAL_DATA		0xd

/* vmpacket_desc.flags */
#define HVG_PKT_FLAG_COMPLETION_REQUESTED	0x1

/*
 * Every packet starts with this descriptor. offset8 and len8 count 8-byte
 * units from the start of the descriptor: offset8 to the payload, len8 to
 * the end of the padded packet, excluding the 8-byte trailer that follows.
 */
struct hvg_vmpacket_desc {
	u16 type;
	u16 offset8;
	u16 len8;
	u16 flags;
	u64 trans_id;
};

static_assert(sizeof(struct hvg_vmpacket_desc) == 16);
static_assert(offsetof(struct hvg_vmpacket_desc, len8) == 4);
static_assert(offsetof(struct hvg_vmpacket_desc, trans_id) == 8);

/* The trailer after each packet: (u64)start offset of the packet << 32. */
#define HVG_PKT_TRAILER_SIZE		8

/* ---------------------------------------------------------------------
 * Channel messages (SynIC message payloads on SINT 2, message type 1).
 */

/* The largest SynIC message payload. */
#define HVG_MSG_PAYLOAD_MAX		240

struct hvg_chmsg_hdr {
	u32 msgtype;
	u32 padding;
};

static_assert(sizeof(struct hvg_chmsg_hdr) == 8);

/* Offer message: the fixed-size channel offer the host sends (type 1). */
#define HVG_CHMSG_OFFERCHANNEL		1
#define HVG_OFFER_USER_DEFINED_BYTES	120

struct hvg_chmsg_offer {
	struct hvg_chmsg_hdr hdr;
	guid_t if_type;		/* device class */
	guid_t if_instance;	/* this device */
	u64 reserved1;
	u64 reserved2;
	u16 chn_flags;
	u16 mmio_megabytes;
	u8 user_def[HVG_OFFER_USER_DEFINED_BYTES];
	u16 sub_channel_index;
	u16 reserved3;
	u32 child_relid;
	u8 monitorid;
	u8 monitor_flags;	/* bit 0: monitor_allocated */
	u16 interrupt_flags;	/* bit 0: is_dedicated_interrupt */
	u32 connection_id;
} __packed;

static_assert(sizeof(struct hvg_chmsg_offer) == 196);
static_assert(offsetof(struct hvg_chmsg_offer, if_type) == 8);
static_assert(offsetof(struct hvg_chmsg_offer, if_instance) == 24);
static_assert(offsetof(struct hvg_chmsg_offer, chn_flags) == 56);
static_assert(offsetof(struct hvg_chmsg_offer, user_def) == 60);
static_assert(offsetof(struct hvg_chmsg_offer, sub_channel_index) == 180);
static_assert(offsetof(struct hvg_chmsg_offer, child_relid) == 184);
static_assert(offsetof(struct hvg_chmsg_offer, monitorid) == 188);
static_assert(offsetof(struct hvg_chmsg_offer, connection_id) == 192);

#endif /* _HVGUEST_VMBUS_PROTO_H */
