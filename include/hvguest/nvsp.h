/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVSP (network virtual service protocol) wire formats: the messages a
 * synthetic NIC's guest driver and the host exchange in VMBus packets, below
 * RNDIS (include/hvguest/rndis.h).
 *
 * Every NVSP message is a u32 message type followed by the body of that
 * type; the C union Linux uses is 40 bytes, but that is not a wire size:
 * hosts send 28-byte messages (padded to 32 in the ring) below NVSP 6.1 and
 * 40-byte ones from 6.1 on, so a guest accepts a message as short as its
 * type needs. A host ignores guest requests shorter than 32 bytes, so the
 * guest sends HVG_NVSP_MSG_SIZE bytes, zero padded.
 *
 * Fixed-width little-endian fields, no bitfields or enums; the size and the
 * key offsets of every struct are asserted. Only struct hvg_nvsp_ndis_config
 * is packed: its u64 sits at byte 12 of the message.
 *
 * Facts: Documentation/netvsc.rst, from the ABI fact sheet section 2.7 and
 * the behaviour notes M24-M40.
 */
#ifndef _HVGUEST_NVSP_H
#define _HVGUEST_NVSP_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>

/* Protocol versions, as INIT carries them. Tried newest first. */
#define HVG_NVSP_VERSION_1		0x00000002
#define HVG_NVSP_VERSION_2		0x00030002
#define HVG_NVSP_VERSION_4		0x00040000
#define HVG_NVSP_VERSION_5		0x00050000
#define HVG_NVSP_VERSION_6		0x00060000
#define HVG_NVSP_VERSION_61		0x00060001

/* The NDIS version the guest announces: 6.1 up to NVSP 4, else 6.30. */
#define HVG_NVSP_NDIS_MAJOR		6
#define HVG_NVSP_NDIS_MINOR_OLD		1
#define HVG_NVSP_NDIS_MINOR		30

/* The guest's message size; hosts ignore requests shorter than 32 bytes. */
#define HVG_NVSP_MSG_SIZE		40
#define HVG_NVSP_MIN_REQUEST		32

/* Message types (msg_type). "H": the host sends it; "G": the guest. */
#define HVG_NVSP_MSG_NONE			0
#define HVG_NVSP_MSG_INIT			1	/* G */
#define HVG_NVSP_MSG_INIT_COMPLETE		2	/* H */
/* NVSP 1 */
#define HVG_NVSP_MSG1_SEND_NDIS_VER		100	/* G */
#define HVG_NVSP_MSG1_SEND_RECV_BUF		101	/* G */
#define HVG_NVSP_MSG1_SEND_RECV_BUF_COMPLETE	102	/* H */
#define HVG_NVSP_MSG1_REVOKE_RECV_BUF		103	/* G */
#define HVG_NVSP_MSG1_SEND_SEND_BUF		104	/* G */
#define HVG_NVSP_MSG1_SEND_SEND_BUF_COMPLETE	105	/* H */
#define HVG_NVSP_MSG1_REVOKE_SEND_BUF		106	/* G */
#define HVG_NVSP_MSG1_SEND_RNDIS_PKT		107	/* G and H */
#define HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE	108	/* G and H */
/* NVSP 2: 109-124 are chimney and VMQ messages, unused here. */
#define HVG_NVSP_MSG2_ALLOC_RXBUF		120
#define HVG_NVSP_MSG2_ALLOC_RXBUF_COMP		121
#define HVG_NVSP_MSG2_FREE_RXBUF		122
#define HVG_NVSP_MSG2_SEND_NDIS_CONFIG		125	/* G */
#define HVG_NVSP_MSG2_ALLOC_CHIMNEY_HANDLE	126
#define HVG_NVSP_MSG2_ALLOC_CHIMNEY_HANDLE_COMP	127
/* NVSP 4 */
#define HVG_NVSP_MSG4_SEND_VF_ASSOCIATION	128	/* H */
#define HVG_NVSP_MSG4_SWITCH_DATA_PATH		129	/* G */
#define HVG_NVSP_MSG4_UPLINK_CONNECT_STATE	130	/* deprecated */
/* NVSP 5 */
#define HVG_NVSP_MSG5_OID_QUERY_EX		131
#define HVG_NVSP_MSG5_OID_QUERY_EX_COMP		132
#define HVG_NVSP_MSG5_SUBCHANNEL		133	/* G, H completes */
#define HVG_NVSP_MSG5_SEND_INDIRECTION_TABLE	134	/* H */
/* NVSP 6.1 */
#define HVG_NVSP_MSG6_PD_API			135
#define HVG_NVSP_MSG6_PD_POST_BATCH		136

/* Status in completions. Anything but SUCCESS is a failure. */
#define HVG_NVSP_STAT_NONE			0
#define HVG_NVSP_STAT_SUCCESS			1
#define HVG_NVSP_STAT_FAIL			2
#define HVG_NVSP_STAT_PROTOCOL_TOO_NEW		3
#define HVG_NVSP_STAT_PROTOCOL_TOO_OLD		4
#define HVG_NVSP_STAT_INVALID_RNDIS_PKT		5
#define HVG_NVSP_STAT_BUSY			6
#define HVG_NVSP_STAT_PROTOCOL_UNSUPPORTED	7

/* Buffer ids: guest-chosen; the receive one comes back as the pageset id. */
#define HVG_NVSP_RECV_BUF_ID		0xcafe
/* The largest receive buffer a host of NVSP 2 or older takes (15 MiB). */
#define HVG_NVSP_RECV_BUF_MAX_V2	(15u << 20)
#define HVG_NVSP_SEND_BUF_ID		0

/* SEND_RNDIS_PKT channel_type and "no send-buffer section". */
#define HVG_NVSP_CHANNEL_DATA		0
#define HVG_NVSP_CHANNEL_CONTROL	1
#define HVG_NVSP_NO_SECTION		0xffffffffu

/* Smallest section or sub-allocation that can hold an Ethernet frame. */
#define HVG_NVSP_MIN_SECTION		68

/* NDIS_CONFIG capability bits. */
#define HVG_NVSP_CAP_VMQ		0x01
#define HVG_NVSP_CAP_CHIMNEY		0x02
#define HVG_NVSP_CAP_SRIOV		0x04
#define HVG_NVSP_CAP_IEEE8021Q		0x08
#define HVG_NVSP_CAP_CORRELATION_ID	0x10
#define HVG_NVSP_CAP_TEAMING		0x20
#define HVG_NVSP_CAP_VSUBNETID		0x40
#define HVG_NVSP_CAP_RSC		0x80

/* SWITCH_DATA_PATH active_datapath. */
#define HVG_NVSP_DATAPATH_SYNTHETIC	0
#define HVG_NVSP_DATAPATH_VF		1

/* SUBCHANNEL op, and the most channels (primary included) per NIC. */
#define HVG_NVSP_SUBCHANNEL_ALLOCATE	1
#define HVG_NVSP_VRSS_CHANNEL_MAX	64

/* The host's send indirection table: 16 channel indices. */
#define HVG_NVSP_SEND_TABLE_ENTRIES	16

/* Every message starts with its type. */
struct hvg_nvsp_hdr {
	u32 msg_type;
};

static_assert(sizeof(struct hvg_nvsp_hdr) == 4);

/* INIT (guest): min = max = the version tried. */
struct hvg_nvsp_init {
	u32 msg_type;
	u32 min_protocol_ver;
	u32 max_protocol_ver;
};

static_assert(sizeof(struct hvg_nvsp_init) == 12);

/* INIT_COMPLETE (host). negotiated_ver is deprecated: never compared. */
struct hvg_nvsp_init_complete {
	u32 msg_type;
	u32 negotiated_ver;
	u32 max_mdl_chain_len;
	u32 status;
};

static_assert(sizeof(struct hvg_nvsp_init_complete) == 16);
static_assert(offsetof(struct hvg_nvsp_init_complete, status) == 12);

/* SEND_NDIS_VER (guest, no completion). */
struct hvg_nvsp_ndis_version {
	u32 msg_type;
	u32 major;
	u32 minor;
};

static_assert(sizeof(struct hvg_nvsp_ndis_version) == 12);

/* SEND_NDIS_CONFIG (guest, NVSP >= 2, no completion). */
struct hvg_nvsp_ndis_config {
	u32 msg_type;
	u32 mtu;		/* interface MTU + 14 */
	u32 reserved;
	u64 capability;		/* HVG_NVSP_CAP_* */
} __packed;

static_assert(sizeof(struct hvg_nvsp_ndis_config) == 20);
static_assert(offsetof(struct hvg_nvsp_ndis_config, capability) == 12);

/* SEND_RECV_BUF and SEND_SEND_BUF (guest). */
struct hvg_nvsp_send_buf {
	u32 msg_type;
	u32 gpadl_handle;
	u16 id;
	u16 reserved;
};

static_assert(sizeof(struct hvg_nvsp_send_buf) == 12);
static_assert(offsetof(struct hvg_nvsp_send_buf, id) == 8);

/* One receive-buffer section: num_sub_allocs slots of sub_alloc_size. */
struct hvg_nvsp_recv_section {
	u32 offset;
	u32 sub_alloc_size;
	u32 num_sub_allocs;
	u32 end_offset;
};

static_assert(sizeof(struct hvg_nvsp_recv_section) == 16);

/* SEND_RECV_BUF_COMPLETE (host): num_sections sections follow. */
struct hvg_nvsp_recv_buf_complete {
	u32 msg_type;
	u32 status;
	u32 num_sections;
	/* struct hvg_nvsp_recv_section sections[num_sections]; */
};

static_assert(sizeof(struct hvg_nvsp_recv_buf_complete) == 12);

/* SEND_SEND_BUF_COMPLETE (host). */
struct hvg_nvsp_send_buf_complete {
	u32 msg_type;
	u32 status;
	u32 section_size;
};

static_assert(sizeof(struct hvg_nvsp_send_buf_complete) == 12);

/* REVOKE_RECV_BUF and REVOKE_SEND_BUF (guest, no completion). */
struct hvg_nvsp_revoke_buf {
	u32 msg_type;
	u16 id;
	u16 reserved;
};

static_assert(sizeof(struct hvg_nvsp_revoke_buf) == 8);

/* SEND_RNDIS_PKT (both ways). */
struct hvg_nvsp_rndis_pkt {
	u32 msg_type;
	u32 channel_type;	/* HVG_NVSP_CHANNEL_* */
	u32 section_index;	/* or HVG_NVSP_NO_SECTION */
	u32 section_size;	/* bytes used in the section */
};

static_assert(sizeof(struct hvg_nvsp_rndis_pkt) == 16);
static_assert(offsetof(struct hvg_nvsp_rndis_pkt, section_index) == 8);

/* SEND_RNDIS_PKT_COMPLETE (both ways). */
struct hvg_nvsp_rndis_pkt_complete {
	u32 msg_type;
	u32 status;
};

static_assert(sizeof(struct hvg_nvsp_rndis_pkt_complete) == 8);

/* SEND_VF_ASSOCIATION (host, NVSP >= 4). */
struct hvg_nvsp_vf_association {
	u32 msg_type;
	u32 allocated;
	u32 serial;
};

static_assert(sizeof(struct hvg_nvsp_vf_association) == 12);

/* SWITCH_DATA_PATH (guest, NVSP >= 4). */
struct hvg_nvsp_switch_data_path {
	u32 msg_type;
	u32 active_datapath;	/* HVG_NVSP_DATAPATH_* */
};

static_assert(sizeof(struct hvg_nvsp_switch_data_path) == 8);

/* SUBCHANNEL request (guest) and its completion (host), NVSP >= 5. */
struct hvg_nvsp_subchannel_req {
	u32 msg_type;
	u32 op;			/* HVG_NVSP_SUBCHANNEL_ALLOCATE */
	u32 num_subchannels;
};

struct hvg_nvsp_subchannel_complete {
	u32 msg_type;
	u32 status;
	u32 num_subchannels;
};

static_assert(sizeof(struct hvg_nvsp_subchannel_req) == 12);
static_assert(sizeof(struct hvg_nvsp_subchannel_complete) == 12);

/*
 * SEND_INDIRECTION_TABLE (host, NVSP >= 5): count u32 channel indices at
 * byte offset from the start of the message. Hosts send the table right
 * after these fields (offset 12, 76 bytes) or, a Windows host quirk that
 * Linux follows for NVSP <= 6, at byte 40 of a message of >= 104 bytes.
 */
struct hvg_nvsp_send_indirection_table {
	u32 msg_type;
	u32 count;
	u32 offset;
};

static_assert(sizeof(struct hvg_nvsp_send_indirection_table) == 12);
#define HVG_NVSP_SEND_TABLE_QUIRK_OFFSET	40

#endif /* _HVGUEST_NVSP_H */
