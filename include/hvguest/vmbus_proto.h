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

/*
 * VMBus protocol versions, major << 16 | minor, newest first. The guest
 * offers them in this order; 2.4 (Windows 8 / Server 2012) is the oldest
 * one hvguest speaks.
 */
#define HVG_VMBUS_VERSION_5_3		0x00050003	/* WS2022 */
#define HVG_VMBUS_VERSION_5_2		0x00050002	/* WS2019 */
#define HVG_VMBUS_VERSION_5_1		0x00050001
#define HVG_VMBUS_VERSION_5_0		0x00050000
#define HVG_VMBUS_VERSION_4_1		0x00040001	/* MODIFYCHANNEL */
#define HVG_VMBUS_VERSION_4_0		0x00040000	/* WS2016 */
#define HVG_VMBUS_VERSION_3_0		0x00030000	/* WS2012 R2: UNLOAD */
#define HVG_VMBUS_VERSION_2_4		0x00020004	/* WS2012 */

/*
 * Connection ids for HvPostMessage: INITIATE_CONTACT goes to id 4 for a
 * requested version >= 5.0 and to id 1 below; after a successful 5.0+
 * VERSION_RESPONSE every guest message goes to the id the host returned.
 * Connection ids are 24 bits wide.
 */
#define HVG_VMBUS_MSG_CONN_ID		1
#define HVG_VMBUS_MSG_CONN_ID_V5	4
#define HVG_VMBUS_CONN_ID_MAX		0x00ffffffu
/* The SINT that carries VMBus messages (and, always, channel events). */
#define HVG_VMBUS_MESSAGE_SINT		2

/*
 * Relids index the 2048 event flags of one SIEF slot; relid 0 is never a
 * channel. Monitor ids index 4 trigger groups of 32 bits.
 */
#define HVG_VMBUS_MAX_RELIDS		2048
#define HVG_VMBUS_MAX_MONITOR_ID	127

/* Channel message types (hvg_chmsg_hdr.msgtype). H: host to guest. */
#define HVG_CHMSG_INVALID		0
#define HVG_CHMSG_OFFERCHANNEL		1	/* H */
#define HVG_CHMSG_RESCIND_CHANNELOFFER	2	/* H */
#define HVG_CHMSG_REQUESTOFFERS		3
#define HVG_CHMSG_ALLOFFERS_DELIVERED	4	/* H */
#define HVG_CHMSG_OPENCHANNEL		5
#define HVG_CHMSG_OPENCHANNEL_RESULT	6	/* H */
#define HVG_CHMSG_CLOSECHANNEL		7
#define HVG_CHMSG_GPADL_HEADER		8
#define HVG_CHMSG_GPADL_BODY		9
#define HVG_CHMSG_GPADL_CREATED		10	/* H */
#define HVG_CHMSG_GPADL_TEARDOWN	11
#define HVG_CHMSG_GPADL_TORNDOWN	12	/* H */
#define HVG_CHMSG_RELID_RELEASED	13
#define HVG_CHMSG_INITIATE_CONTACT	14
#define HVG_CHMSG_VERSION_RESPONSE	15	/* H */
#define HVG_CHMSG_UNLOAD		16
#define HVG_CHMSG_UNLOAD_RESPONSE	17	/* H */
#define HVG_CHMSG_OPEN_RESERVED		18	/* reserved, never sent */
#define HVG_CHMSG_CLOSE_RESERVED	19	/* reserved, never sent */
#define HVG_CHMSG_CLOSE_RESERVED_RESP	20	/* reserved, never sent */
#define HVG_CHMSG_TL_CONNECT_REQUEST	21
#define HVG_CHMSG_MODIFYCHANNEL		22	/* >= 4.1 */
#define HVG_CHMSG_TL_CONNECT_RESULT	23	/* H, >= 4.1, failures only */
#define HVG_CHMSG_MODIFYCHANNEL_RESP	24	/* H, >= 5.3 */
#define HVG_CHMSG_COUNT			25

/*
 * Every channel message starts with this header; a message is the whole
 * SynIC payload (header included), at most HVG_MSG_PAYLOAD_MAX bytes. The
 * messages that carry nothing else (REQUESTOFFERS, ALLOFFERS_DELIVERED,
 * UNLOAD, UNLOAD_RESPONSE) are this header alone.
 */
struct hvg_chmsg_hdr {
	u32 msgtype;
	u32 padding;
};

static_assert(sizeof(struct hvg_chmsg_hdr) == 8);

/* Offer flags (chn_flags). */
#define HVG_OFFER_FLAG_ENUMERATE_DEVICE_INTERFACE	0x0001
#define HVG_OFFER_FLAG_SERVER_SUPPORTS_XFER_PAGES	0x0002
#define HVG_OFFER_FLAG_SERVER_SUPPORTS_GPADLS		0x0004
#define HVG_OFFER_FLAG_NAMED_PIPE_MODE			0x0010
#define HVG_OFFER_FLAG_LOOPBACK				0x0100
#define HVG_OFFER_FLAG_PARENT				0x0200
#define HVG_OFFER_FLAG_REQUEST_MONITORED_NOTIFICATION	0x0400
#define HVG_OFFER_FLAG_TLNPI_PROVIDER			0x2000

/* Named-pipe offers: user_def starts with a u32 pipe mode. */
#define HVG_OFFER_PIPE_MODE_BYTE	0
#define HVG_OFFER_PIPE_MODE_MESSAGE	4

/* monitor_flags bit 0, interrupt_flags bit 0. */
#define HVG_OFFER_MONITOR_ALLOCATED	0x01
#define HVG_OFFER_DEDICATED_INTERRUPT	0x0001

/* Offer message: the fixed-size channel offer the host sends (type 1). */
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

/*
 * The messages below have no u64 at an odd 4-byte offset, so their natural
 * layout is the wire layout: none but GPADL_HEADER is packed.
 */

/* RESCIND_CHANNELOFFER, CLOSECHANNEL, RELID_RELEASED: a relid alone. */
struct hvg_chmsg_relid {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
};

static_assert(sizeof(struct hvg_chmsg_relid) == 12);
static_assert(offsetof(struct hvg_chmsg_relid, child_relid) == 8);

#define HVG_OPEN_USER_DATA_BYTES	120

/* OPENCHANNEL (guest to host). */
struct hvg_chmsg_open {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 openid;		/* echoed in OPENCHANNEL_RESULT */
	u32 ring_gpadl;		/* one GPADL for both rings, outbound first */
	u32 target_vp;		/* VP index that gets the channel's events */
	u32 downstream_page_offset;	/* first page of the inbound ring */
	u8 user_data[HVG_OPEN_USER_DATA_BYTES];
};

static_assert(sizeof(struct hvg_chmsg_open) == 148);
static_assert(offsetof(struct hvg_chmsg_open, ring_gpadl) == 16);
static_assert(offsetof(struct hvg_chmsg_open, downstream_page_offset) == 24);
static_assert(offsetof(struct hvg_chmsg_open, user_data) == 28);

/* OPENCHANNEL_RESULT (host to guest); status 0 = opened. */
struct hvg_chmsg_open_result {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 openid;
	u32 status;
};

static_assert(sizeof(struct hvg_chmsg_open_result) == 20);
static_assert(offsetof(struct hvg_chmsg_open_result, status) == 16);

/*
 * GPADL_HEADER (guest to host): one GPA range (rangecount 1) whose PFN
 * list continues in GPADL_BODY messages. range_buflen counts every byte of
 * the ranges: the 8-byte range head plus 8 bytes per PFN, body PFNs
 * included. Packed: the PFNs start at byte 28.
 */
struct hvg_chmsg_gpadl_header {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 gpadl;
	u16 range_buflen;
	u16 rangecount;
	u32 byte_count;		/* the range: its length in bytes */
	u32 byte_offset;	/* 0: the range starts on a page */
	u64 pfn[];		/* 4 KiB frame numbers */
} __packed;

static_assert(sizeof(struct hvg_chmsg_gpadl_header) == 28);
static_assert(offsetof(struct hvg_chmsg_gpadl_header, range_buflen) == 16);
static_assert(offsetof(struct hvg_chmsg_gpadl_header, rangecount) == 18);
static_assert(offsetof(struct hvg_chmsg_gpadl_header, byte_count) == 20);
static_assert(offsetof(struct hvg_chmsg_gpadl_header, byte_offset) == 24);
static_assert(offsetof(struct hvg_chmsg_gpadl_header, pfn) == 28);

/* GPADL_BODY (guest to host): the next PFNs of the range. */
struct hvg_chmsg_gpadl_body {
	struct hvg_chmsg_hdr hdr;
	u32 msgnumber;		/* hosts ignore it; hvguest sends 0 */
	u32 gpadl;
	u64 pfn[];
};

static_assert(sizeof(struct hvg_chmsg_gpadl_body) == 16);
static_assert(offsetof(struct hvg_chmsg_gpadl_body, gpadl) == 12);
static_assert(offsetof(struct hvg_chmsg_gpadl_body, pfn) == 16);

/* PFNs per message, and the largest GPADL range_buflen can describe. */
#define HVG_GPADL_HEADER_PFNS						\
	((u32)(HVG_MSG_PAYLOAD_MAX - sizeof(struct hvg_chmsg_gpadl_header)) / 8)
#define HVG_GPADL_BODY_PFNS						\
	((u32)(HVG_MSG_PAYLOAD_MAX - sizeof(struct hvg_chmsg_gpadl_body)) / 8)
#define HVG_GPADL_MAX_PAGES	((0xffff - 8) / 8)

static_assert(HVG_GPADL_HEADER_PFNS == 26);
static_assert(HVG_GPADL_BODY_PFNS == 28);
static_assert(HVG_GPADL_MAX_PAGES == 8190);

/* GPADL_CREATED (host to guest); creation_status 0 = created. */
struct hvg_chmsg_gpadl_created {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 gpadl;
	u32 creation_status;
};

static_assert(sizeof(struct hvg_chmsg_gpadl_created) == 20);
static_assert(offsetof(struct hvg_chmsg_gpadl_created, creation_status) == 16);

/* GPADL_TEARDOWN (guest to host). */
struct hvg_chmsg_gpadl_teardown {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 gpadl;
};

static_assert(sizeof(struct hvg_chmsg_gpadl_teardown) == 16);
static_assert(offsetof(struct hvg_chmsg_gpadl_teardown, gpadl) == 12);

/* GPADL_TORNDOWN (host to guest): matched on the handle alone. */
struct hvg_chmsg_gpadl_torndown {
	struct hvg_chmsg_hdr hdr;
	u32 gpadl;
};

static_assert(sizeof(struct hvg_chmsg_gpadl_torndown) == 12);
static_assert(offsetof(struct hvg_chmsg_gpadl_torndown, gpadl) == 8);

/*
 * INITIATE_CONTACT (guest to host). Bytes 16-23 are the interrupt page GPA
 * for a requested version below 5.0, and {msg_sint, msg_vtl, 0, 0,
 * u32 feature_flags (6.0+, else 0)} from 5.0 on. monitor_page1 is the
 * host-to-guest monitor page, monitor_page2 the guest-to-host one; both
 * or neither.
 */
struct hvg_chmsg_initiate_contact {
	struct hvg_chmsg_hdr hdr;
	u32 version_requested;
	u32 target_vcpu;	/* VP index; honoured from 3.0 on */
	union {
		u64 interrupt_page;
		struct {
			u8 msg_sint;
			u8 msg_vtl;
			u8 reserved[2];
			u32 feature_flags;
		} v5;
	};
	u64 monitor_page1;
	u64 monitor_page2;
};

static_assert(sizeof(struct hvg_chmsg_initiate_contact) == 40);
static_assert(offsetof(struct hvg_chmsg_initiate_contact, target_vcpu) == 12);
static_assert(offsetof(struct hvg_chmsg_initiate_contact,
		       interrupt_page) == 16);
static_assert(offsetof(struct hvg_chmsg_initiate_contact, v5.msg_sint) == 16);
static_assert(offsetof(struct hvg_chmsg_initiate_contact,
		       v5.feature_flags) == 20);
static_assert(offsetof(struct hvg_chmsg_initiate_contact, monitor_page1) == 24);
static_assert(offsetof(struct hvg_chmsg_initiate_contact, monitor_page2) == 32);

/* VERSION_RESPONSE connection_state */
#define HVG_VMBUS_CONN_SUCCESSFUL		0
#define HVG_VMBUS_CONN_FAILED_LOW_RESOURCES	1
#define HVG_VMBUS_CONN_FAILED_UNKNOWN		2

/*
 * VERSION_RESPONSE (host to guest). msg_conn_id is the connection id for
 * every later guest message when the requested version is >= 5.0; below
 * 5.0 hosts put the selected version (or 0) there. All zero after the
 * header when version_supported is 0.
 */
struct hvg_chmsg_version_response {
	struct hvg_chmsg_hdr hdr;
	u8 version_supported;	/* 1: accepted, 0: try an older one */
	u8 connection_state;	/* HVG_VMBUS_CONN_* */
	u16 padding;
	u32 msg_conn_id;
};

static_assert(sizeof(struct hvg_chmsg_version_response) == 16);
static_assert(offsetof(struct hvg_chmsg_version_response,
		       connection_state) == 9);
static_assert(offsetof(struct hvg_chmsg_version_response, msg_conn_id) == 12);

/* MODIFYCHANNEL (guest to host, >= 4.1). */
struct hvg_chmsg_modifychannel {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 target_vp;
};

static_assert(sizeof(struct hvg_chmsg_modifychannel) == 16);
static_assert(offsetof(struct hvg_chmsg_modifychannel, target_vp) == 12);

/* MODIFYCHANNEL_RESPONSE (host to guest, >= 5.3); status 0 = done. */
struct hvg_chmsg_modifychannel_resp {
	struct hvg_chmsg_hdr hdr;
	u32 child_relid;
	u32 status;
};

static_assert(sizeof(struct hvg_chmsg_modifychannel_resp) == 16);
static_assert(offsetof(struct hvg_chmsg_modifychannel_resp, status) == 12);

/*
 * TL_CONNECT_REQUEST (guest to host, hv_sock): 40 bytes; from 5.2 a
 * 16-byte silo id may follow (56 bytes). Not sent by hvguest yet.
 */
struct hvg_chmsg_tl_connect_request {
	struct hvg_chmsg_hdr hdr;
	guid_t guest_endpoint_id;
	guid_t host_service_id;
};

static_assert(sizeof(struct hvg_chmsg_tl_connect_request) == 40);
static_assert(offsetof(struct hvg_chmsg_tl_connect_request,
		       host_service_id) == 24);

/* TL_CONNECT_RESULT (host to guest, >= 4.1, on failure only). */
struct hvg_chmsg_tl_connect_result {
	struct hvg_chmsg_hdr hdr;
	guid_t endpoint_id;
	guid_t service_id;
	u32 status;
};

static_assert(sizeof(struct hvg_chmsg_tl_connect_result) == 44);
static_assert(offsetof(struct hvg_chmsg_tl_connect_result, status) == 40);

/* ---------------------------------------------------------------------
 * GPA-direct packets (type HVG_PKT_DATA_USING_GPA_DIRECT): after the
 * descriptor, {u32 reserved, u32 range_count}, then range_count ranges,
 * each {u32 byte_count, u32 byte_offset, u64 pfn[]} with as many 4 KiB
 * PFNs as byte_offset + byte_count spans; offset8 points past the last
 * range, where the inband payload starts.
 */
struct hvg_gpa_direct_hdr {
	u32 reserved;
	u32 range_count;
};

static_assert(sizeof(struct hvg_gpa_direct_hdr) == 8);

struct hvg_gpa_range {
	u32 byte_count;
	u32 byte_offset;
	u64 pfn[];
};

static_assert(sizeof(struct hvg_gpa_range) == 8);

/* ---------------------------------------------------------------------
 * The monitor page (hyperv-abi.md 2.9; 4096 bytes). A channel whose offer
 * has monitor_allocated owns bit (monitorid % 32) of trigger_group
 * [monitorid / 32]; the guest signals it by setting that bit of .pending
 * in the guest-to-host page (INITIATE_CONTACT.monitor_page2), and whoever
 * services the page clears it and signals the channel's connection.
 */
#define HVG_MONITOR_GROUPS		4
#define HVG_MONITOR_BITS		32

struct hvg_monitor_trigger_group {
	u32 pending;
	u32 armed;
};

struct hvg_monitor_parameter {
	u32 connection_id;	/* 24 bits */
	u16 flag_number;
	u16 reserved;
};

struct hvg_monitor_page {
	u32 trigger_state;	/* bits 3:0 group_enable */
	u32 reserved1;
	struct hvg_monitor_trigger_group trigger_group[HVG_MONITOR_GROUPS];
	u64 reserved2[3];
	s32 next_checktime[HVG_MONITOR_GROUPS][HVG_MONITOR_BITS];
	u16 latency[HVG_MONITOR_GROUPS][HVG_MONITOR_BITS];
	u64 reserved3[32];
	struct hvg_monitor_parameter
		parameter[HVG_MONITOR_GROUPS][HVG_MONITOR_BITS];
	u8 reserved4[1984];
};

static_assert(sizeof(struct hvg_monitor_page) == 4096);
static_assert(offsetof(struct hvg_monitor_page, trigger_group) == 0x08);
static_assert(offsetof(struct hvg_monitor_page, next_checktime) == 0x40);
static_assert(offsetof(struct hvg_monitor_page, latency) == 0x240);
static_assert(offsetof(struct hvg_monitor_page, parameter) == 0x440);

#endif /* _HVGUEST_VMBUS_PROTO_H */
