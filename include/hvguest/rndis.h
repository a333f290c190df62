/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RNDIS wire formats as a Hyper-V synthetic NIC speaks them over NVSP
 * (include/hvguest/nvsp.h): the control messages, the data packet with its
 * per-packet info (PPI), the OIDs hvguest uses, and the NDIS objects carried
 * in their information buffers (offload capabilities and parameters, RSS
 * capabilities and parameters).
 *
 * Every RNDIS message starts with {u32 type, u32 msg_len}. The offsets
 * inside messages are relative to the first field after that header
 * (req_id, status or data_offset), never to the message start.
 *
 * Fixed-width little-endian fields, no bitfields or enums; sizes and key
 * offsets asserted. Facts: Documentation/netvsc.rst.
 */
#ifndef _HVGUEST_RNDIS_H
#define _HVGUEST_RNDIS_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>

/* Message types; a completion is its request's type | 0x80000000. */
#define HVG_RNDIS_MSG_PACKET		0x00000001
#define HVG_RNDIS_MSG_INIT		0x00000002
#define HVG_RNDIS_MSG_HALT		0x00000003
#define HVG_RNDIS_MSG_QUERY		0x00000004
#define HVG_RNDIS_MSG_SET		0x00000005
#define HVG_RNDIS_MSG_RESET		0x00000006
#define HVG_RNDIS_MSG_INDICATE		0x00000007
#define HVG_RNDIS_MSG_KEEPALIVE		0x00000008
#define HVG_RNDIS_MSG_COMPLETION	0x80000000u
#define HVG_RNDIS_MSG_INIT_C		(HVG_RNDIS_MSG_INIT | HVG_RNDIS_MSG_COMPLETION)
#define HVG_RNDIS_MSG_QUERY_C		(HVG_RNDIS_MSG_QUERY | HVG_RNDIS_MSG_COMPLETION)
#define HVG_RNDIS_MSG_SET_C		(HVG_RNDIS_MSG_SET | HVG_RNDIS_MSG_COMPLETION)
#define HVG_RNDIS_MSG_RESET_C		(HVG_RNDIS_MSG_RESET | HVG_RNDIS_MSG_COMPLETION)
#define HVG_RNDIS_MSG_KEEPALIVE_C	(HVG_RNDIS_MSG_KEEPALIVE | HVG_RNDIS_MSG_COMPLETION)

/* RNDIS version 1.0. */
#define HVG_RNDIS_MAJOR			1
#define HVG_RNDIS_MINOR			0
/* INIT's max_xfer_size from the guest. */
#define HVG_RNDIS_GUEST_MAX_XFER	0x4000

/* INIT_C values. */
#define HVG_RNDIS_DF_CONNECTIONLESS	0x1
#define HVG_RNDIS_MEDIUM_802_3		0

/* Status codes. */
#define HVG_RNDIS_STATUS_SUCCESS		0x00000000
#define HVG_RNDIS_STATUS_PENDING		0x00000103
#define HVG_RNDIS_STATUS_BUFFER_OVERFLOW	0x80000005
#define HVG_RNDIS_STATUS_FAILURE		0xc0000001
#define HVG_RNDIS_STATUS_RESOURCES		0xc000009a
#define HVG_RNDIS_STATUS_NOT_SUPPORTED		0xc00000bb
#define HVG_RNDIS_STATUS_INVALID_LENGTH		0xc0010014
#define HVG_RNDIS_STATUS_INVALID_DATA		0xc0010015
#define HVG_RNDIS_STATUS_INVALID_OID		0xc0010017
/* INDICATE status codes. */
#define HVG_RNDIS_STATUS_MEDIA_CONNECT		0x4001000b
#define HVG_RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000c
#define HVG_RNDIS_STATUS_LINK_SPEED_CHANGE	0x40010013
#define HVG_RNDIS_STATUS_NETWORK_CHANGE		0x40010018

/* OIDs. */
#define HVG_OID_GEN_MAXIMUM_FRAME_SIZE		0x00010106
#define HVG_OID_GEN_LINK_SPEED			0x00010107
#define HVG_OID_GEN_CURRENT_PACKET_FILTER	0x0001010e
#define HVG_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114
#define HVG_OID_GEN_RNDIS_CONFIG_PARAMETER	0x0001021b
#define HVG_OID_GEN_FRIENDLY_NAME		0x00020216
#define HVG_OID_GEN_VENDOR_DESCRIPTION		0x0001010d
#define HVG_OID_GEN_SUPPORTED_LIST		0x00010101
#define HVG_OID_802_3_PERMANENT_ADDRESS		0x01010101
#define HVG_OID_802_3_CURRENT_ADDRESS		0x01010102
#define HVG_OID_GEN_RECEIVE_SCALE_CAPABILITIES	0x00010203
#define HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS	0x00010204
#define HVG_OID_TCP_OFFLOAD_CURRENT_CONFIG	0xfc01020b
#define HVG_OID_TCP_OFFLOAD_PARAMETERS		0xfc01020c
#define HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES 0xfc01020d

/* GEN_MEDIA_CONNECT_STATUS values. */
#define HVG_RNDIS_MEDIA_CONNECTED	0
#define HVG_RNDIS_MEDIA_DISCONNECTED	1

/* GEN_CURRENT_PACKET_FILTER bits. */
#define HVG_RNDIS_FILTER_DIRECTED	0x01
#define HVG_RNDIS_FILTER_MULTICAST	0x02
#define HVG_RNDIS_FILTER_ALL_MULTICAST	0x04
#define HVG_RNDIS_FILTER_BROADCAST	0x08
#define HVG_RNDIS_FILTER_PROMISCUOUS	0x20

struct hvg_rndis_hdr {
	u32 type;
	u32 msg_len;	/* the whole message, header included */
};

static_assert(sizeof(struct hvg_rndis_hdr) == 8);

struct hvg_rndis_init {
	struct hvg_rndis_hdr hdr;
	u32 req_id;
	u32 major;
	u32 minor;
	u32 max_xfer_size;
};

static_assert(sizeof(struct hvg_rndis_init) == 24);

struct hvg_rndis_init_c {
	struct hvg_rndis_hdr hdr;
	u32 req_id;
	u32 status;
	u32 major;
	u32 minor;
	u32 dev_flags;		/* HVG_RNDIS_DF_* */
	u32 medium;		/* HVG_RNDIS_MEDIUM_* */
	u32 max_pkt_per_msg;
	u32 max_xfer_size;
	u32 pkt_align_factor;	/* log2 of the alignment of each packet */
	u32 af_list_offset;
	u32 af_list_size;
};

static_assert(sizeof(struct hvg_rndis_init_c) == 52);
static_assert(offsetof(struct hvg_rndis_init_c, max_pkt_per_msg) == 32);
static_assert(offsetof(struct hvg_rndis_init_c, pkt_align_factor) == 40);

/* HALT, KEEPALIVE: the request id alone. */
struct hvg_rndis_req_id_only {
	struct hvg_rndis_hdr hdr;
	u32 req_id;
};

static_assert(sizeof(struct hvg_rndis_req_id_only) == 12);

/* QUERY and SET share the layout; SET's information buffer follows. */
struct hvg_rndis_query {
	struct hvg_rndis_hdr hdr;
	u32 req_id;
	u32 oid;
	u32 info_buflen;
	u32 info_buf_offset;	/* from req_id */
	u32 dev_vc_handle;
};

static_assert(sizeof(struct hvg_rndis_query) == 28);
static_assert(offsetof(struct hvg_rndis_query, info_buf_offset) == 20);

/* The information buffer of a request starts right after it. */
#define HVG_RNDIS_REQ_INFO_OFFSET	(sizeof(struct hvg_rndis_query) - 8)

struct hvg_rndis_query_c {
	struct hvg_rndis_hdr hdr;
	u32 req_id;
	u32 status;
	u32 info_buflen;
	u32 info_buf_offset;	/* from req_id; >= 16 */
};

static_assert(sizeof(struct hvg_rndis_query_c) == 24);
#define HVG_RNDIS_QUERY_C_INFO_OFFSET	(sizeof(struct hvg_rndis_query_c) - 8)

/* SET_C, KEEPALIVE_C. */
struct hvg_rndis_status_c {
	struct hvg_rndis_hdr hdr;
	u32 req_id;
	u32 status;
};

static_assert(sizeof(struct hvg_rndis_status_c) == 16);

struct hvg_rndis_reset {
	struct hvg_rndis_hdr hdr;
	u32 reserved;
};

static_assert(sizeof(struct hvg_rndis_reset) == 12);

struct hvg_rndis_reset_c {
	struct hvg_rndis_hdr hdr;
	u32 status;
	u32 addressing_reset;
};

static_assert(sizeof(struct hvg_rndis_reset_c) == 16);

struct hvg_rndis_indicate {
	struct hvg_rndis_hdr hdr;
	u32 status;		/* HVG_RNDIS_STATUS_* */
	u32 status_buflen;
	u32 status_buf_offset;	/* from status; >= 12 with a buffer */
};

static_assert(sizeof(struct hvg_rndis_indicate) == 20);
#define HVG_RNDIS_INDICATE_BUF_OFFSET	(sizeof(struct hvg_rndis_indicate) - 8)

/* The data packet: offsets from data_offset (byte 8 of the message). */
struct hvg_rndis_packet {
	struct hvg_rndis_hdr hdr;
	u32 data_offset;
	u32 data_len;
	u32 oob_data_offset;
	u32 oob_data_len;
	u32 num_oob_data_elements;
	u32 ppi_offset;
	u32 ppi_len;
	u32 vc_handle;
	u32 reserved;
};

static_assert(sizeof(struct hvg_rndis_packet) == 44);
static_assert(offsetof(struct hvg_rndis_packet, ppi_offset) == 28);
#define HVG_RNDIS_PACKET_BODY	(sizeof(struct hvg_rndis_packet) - 8)

/*
 * Per-packet info: {size, type, ppi_offset} then the value; ppi_offset is
 * from the entry's start (12), size covers header and value.
 */
struct hvg_rndis_ppi {
	u32 size;
	u32 type;		/* bit 31: internal (HVG_RNDIS_PPI_INTERNAL) */
	u32 ppi_offset;
};

static_assert(sizeof(struct hvg_rndis_ppi) == 12);

#define HVG_RNDIS_PPI_INTERNAL		0x80000000u
#define HVG_RNDIS_PPI_TCPIP_CHKSUM	0
#define HVG_RNDIS_PPI_IPSEC		1
#define HVG_RNDIS_PPI_TCP_LARGESEND	2
#define HVG_RNDIS_PPI_CLASSIFICATION	3
#define HVG_RNDIS_PPI_SG_LIST		5
#define HVG_RNDIS_PPI_IEEE_8021Q	6
#define HVG_RNDIS_PPI_ORIGINAL		7
#define HVG_RNDIS_PPI_NBL_HASH_VALUE	8
#define HVG_RNDIS_PPI_HASH_INFO		9
#define HVG_RNDIS_PPI_CACHED_NBL	10
#define HVG_RNDIS_PPI_SHORT_PADINFO	11
/* Internal type 1: {u8 version 1, u8 flags, u16 pkt_id}. */
#define HVG_RNDIS_PPI_PKTINFO_ID	(HVG_RNDIS_PPI_INTERNAL | 1)
#define HVG_RNDIS_PKTINFO_VERSION	1
#define HVG_RNDIS_PKTINFO_SUBALLOC	0x1
#define HVG_RNDIS_PKTINFO_1ST_FRAG	0x2
#define HVG_RNDIS_PKTINFO_LAST_FRAG	0x4

/* TCPIP_CHKSUM, transmit: what the host must compute. */
#define HVG_RNDIS_TXCSUM_IPV4		0x00000001
#define HVG_RNDIS_TXCSUM_IPV6		0x00000002
#define HVG_RNDIS_TXCSUM_TCP		0x00000004
#define HVG_RNDIS_TXCSUM_UDP		0x00000008
#define HVG_RNDIS_TXCSUM_IP_HDR		0x00000010
#define HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT	16
#define HVG_RNDIS_TXCSUM_TCP_OFF_MASK	0x03ff0000	/* bits 25:16 */
/* TCPIP_CHKSUM, receive: what the host checked. */
#define HVG_RNDIS_RXCSUM_TCP_FAILED	0x00000001
#define HVG_RNDIS_RXCSUM_UDP_FAILED	0x00000002
#define HVG_RNDIS_RXCSUM_IP_FAILED	0x00000004
#define HVG_RNDIS_RXCSUM_TCP_OK		0x00000008
#define HVG_RNDIS_RXCSUM_UDP_OK		0x00000010
#define HVG_RNDIS_RXCSUM_IP_OK		0x00000020
#define HVG_RNDIS_RXCSUM_LOOPBACK	0x00000040
#define HVG_RNDIS_RXCSUM_TCP_INVALID	0x00000080
#define HVG_RNDIS_RXCSUM_IP_INVALID	0x00000100

/* TCP_LARGESEND, LSOv2 transmit. */
#define HVG_RNDIS_LSO_MSS_MASK		0x000fffff	/* bits 19:0 */
#define HVG_RNDIS_LSO_TCP_OFF_SHIFT	20
#define HVG_RNDIS_LSO_TCP_OFF_MASK	0x3ff00000	/* bits 29:20 */
#define HVG_RNDIS_LSO_TYPE_V2		0x40000000	/* bit 30 */
#define HVG_RNDIS_LSO_IPV6		0x80000000u	/* bit 31 */

/* IEEE_8021Q: priority 2:0, CFI 3, VLAN id 15:4. */
#define HVG_RNDIS_VLAN_PRI_MASK		0x00000007
#define HVG_RNDIS_VLAN_CFI		0x00000008
#define HVG_RNDIS_VLAN_ID_SHIFT		4
#define HVG_RNDIS_VLAN_ID_MASK		0x0000fff0

/* ---------------------------------------------------------------------
 * NDIS objects in information buffers.
 */
struct hvg_ndis_obj_hdr {
	u8 type;
	u8 revision;
	u16 size;
};

static_assert(sizeof(struct hvg_ndis_obj_hdr) == 4);

#define HVG_NDIS_OBJ_DEFAULT		0x80
#define HVG_NDIS_OBJ_RSS_CAPABILITIES	0x88
#define HVG_NDIS_OBJ_RSS_PARAMETERS	0x89
#define HVG_NDIS_OBJ_OFFLOAD		0xa7

/*
 * Offload capabilities (TCP_OFFLOAD_HARDWARE_CAPABILITIES, NDIS_OFFLOAD):
 * revision 1 ends before ipsecv2 (112 bytes, NVSP < 4), revision 2 before
 * rsc (144, NVSP 4), revision 3 is all of it (156, NVSP >= 5). The
 * checksum words hold 2-bit fields whose value 1 means "supported".
 */
struct hvg_ndis_csum_dir {
	u32 encapsulation;	/* HVG_NDIS_ENCAP_IEEE_802_3 */
	u32 flags;		/* HVG_NDIS_CSUM_* */
};

#define HVG_NDIS_ENCAP_IEEE_802_3	0x2
#define HVG_NDIS_CSUM_IP_OPTIONS	0x001	/* IPv6: extension headers */
#define HVG_NDIS_CSUM_TCP_OPTIONS	0x004
#define HVG_NDIS_CSUM_TCP		0x010
#define HVG_NDIS_CSUM_UDP		0x040
#define HVG_NDIS_CSUM_IP		0x100	/* IPv4 only */

struct hvg_ndis_lso_v2_dir {
	u32 encapsulation;
	u32 max_offload_size;
	u32 min_segment_count;
};

struct hvg_ndis_offload {
	struct hvg_ndis_obj_hdr hdr;
	struct hvg_ndis_csum_dir ipv4_tx;
	struct hvg_ndis_csum_dir ipv4_rx;
	struct hvg_ndis_csum_dir ipv6_tx;
	struct hvg_ndis_csum_dir ipv6_rx;
	u32 lsov1[4];
	u32 ipsecv1[7];
	struct hvg_ndis_lso_v2_dir lsov2_ipv4;
	struct hvg_ndis_lso_v2_dir lsov2_ipv6;
	u32 lsov2_ipv6_flags;	/* ext headers b1:0, TCP options b3:2 */
	u32 flags;
	u32 ipsecv2[8];
	u8 rsc_ipv4;		/* boolean */
	u8 rsc_ipv6;
	u16 reserved;
	u32 encap_gre[2];
};

#define HVG_NDIS_OFFLOAD_SIZE_REV1	112
#define HVG_NDIS_OFFLOAD_SIZE_REV2	144
#define HVG_NDIS_OFFLOAD_SIZE_REV3	156
static_assert(sizeof(struct hvg_ndis_offload) == HVG_NDIS_OFFLOAD_SIZE_REV3);
static_assert(offsetof(struct hvg_ndis_offload, ipv4_tx) == 4);
static_assert(offsetof(struct hvg_ndis_offload, ipv6_rx) == 28);
static_assert(offsetof(struct hvg_ndis_offload, lsov1) == 36);
static_assert(offsetof(struct hvg_ndis_offload, lsov2_ipv4) == 80);
static_assert(offsetof(struct hvg_ndis_offload, ipsecv2) ==
	      HVG_NDIS_OFFLOAD_SIZE_REV1);
static_assert(offsetof(struct hvg_ndis_offload, rsc_ipv4) ==
	      HVG_NDIS_OFFLOAD_SIZE_REV2);

/*
 * Offload parameters (SET TCP_OFFLOAD_PARAMETERS): header type DEFAULT,
 * revision 3; 22 bytes for NVSP <= 4, else all 28.
 */
struct hvg_ndis_offload_params {
	struct hvg_ndis_obj_hdr hdr;
	u8 ipv4_csum;		/* HVG_NDIS_OFFLOAD_PARAM_* */
	u8 tcp_ipv4_csum;
	u8 udp_ipv4_csum;
	u8 tcp_ipv6_csum;
	u8 udp_ipv6_csum;
	u8 lsov1;
	u8 ipsecv1;
	u8 lsov2_ipv4;		/* HVG_NDIS_LSOV2_* */
	u8 lsov2_ipv6;
	u8 tcp_conn_ipv4;
	u8 tcp_conn_ipv6;
	u8 reserved;
	u32 flags;
	u8 ipsecv2;
	u8 ipsecv2_ipv4;
	u8 rsc_ipv4;		/* HVG_NDIS_RSC_* */
	u8 rsc_ipv6;
	u8 encap_task_offload;
	u8 encap_types;
	u16 reserved2;
};

#define HVG_NDIS_OFFLOAD_PARAMS_REVISION	3
#define HVG_NDIS_OFFLOAD_PARAMS_SIZE_V4		22
#define HVG_NDIS_OFFLOAD_PARAMS_SIZE		28
static_assert(sizeof(struct hvg_ndis_offload_params) ==
	      HVG_NDIS_OFFLOAD_PARAMS_SIZE);
static_assert(offsetof(struct hvg_ndis_offload_params, lsov2_ipv4) == 11);
static_assert(offsetof(struct hvg_ndis_offload_params, flags) == 16);
static_assert(offsetof(struct hvg_ndis_offload_params, rsc_ipv4) ==
	      HVG_NDIS_OFFLOAD_PARAMS_SIZE_V4);

#define HVG_NDIS_OFFLOAD_PARAM_NO_CHANGE		0
#define HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED		1
#define HVG_NDIS_OFFLOAD_PARAM_TX_ENABLED_RX_DISABLED	2
#define HVG_NDIS_OFFLOAD_PARAM_RX_ENABLED_TX_DISABLED	3
#define HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED		4
#define HVG_NDIS_LSOV2_NO_CHANGE	0
#define HVG_NDIS_LSOV2_DISABLED		1
#define HVG_NDIS_LSOV2_ENABLED		2
#define HVG_NDIS_RSC_NO_CHANGE		0
#define HVG_NDIS_RSC_DISABLED		1
#define HVG_NDIS_RSC_ENABLED		2

/* RSS capabilities (QUERY GEN_RECEIVE_SCALE_CAPABILITIES), revision 2. */
struct hvg_ndis_rss_caps {
	struct hvg_ndis_obj_hdr hdr;
	u32 cap_flags;
	u32 num_int_msg;
	u32 num_recv_queues;
	u16 num_indirect_entries;
	u16 pad;		/* not on the wire: the object is 18 bytes */
};

#define HVG_NDIS_RSS_CAPS_REVISION	2
#define HVG_NDIS_RSS_CAPS_SIZE		18
static_assert(offsetof(struct hvg_ndis_rss_caps, num_recv_queues) == 12);
static_assert(offsetof(struct hvg_ndis_rss_caps, num_indirect_entries) ==
	      16);

/*
 * RSS parameters (SET GEN_RECEIVE_SCALE_PARAMETERS), revision 2, natural
 * alignment; the indirection table (u32 queue indices) and the key follow,
 * at offsets from the start of the object.
 */
struct hvg_ndis_rss_params {
	struct hvg_ndis_obj_hdr hdr;
	u16 flags;		/* HVG_NDIS_RSS_FLAG_* */
	u16 base_cpu;
	u32 hash_info;		/* HVG_NDIS_HASH_* */
	u16 table_size;		/* bytes: 4 per entry */
	u16 pad1;
	u32 table_offset;
	u16 key_size;		/* bytes */
	u16 pad2;
	u32 key_offset;
	u32 proc_masks_offset;
	u32 num_proc_masks;
	u32 proc_mask_entry_size;
};

#define HVG_NDIS_RSS_PARAMS_REVISION	2
#define HVG_NDIS_RSS_PARAMS_SIZE	40
static_assert(sizeof(struct hvg_ndis_rss_params) == HVG_NDIS_RSS_PARAMS_SIZE);
static_assert(offsetof(struct hvg_ndis_rss_params, hash_info) == 8);
static_assert(offsetof(struct hvg_ndis_rss_params, table_size) == 12);
static_assert(offsetof(struct hvg_ndis_rss_params, table_offset) == 16);
static_assert(offsetof(struct hvg_ndis_rss_params, key_size) == 20);
static_assert(offsetof(struct hvg_ndis_rss_params, key_offset) == 24);

#define HVG_NDIS_RSS_FLAG_DISABLE	0x0010
#define HVG_NDIS_HASH_FUNC_TOEPLITZ	0x00000001
#define HVG_NDIS_HASH_FUNC_MASK		0x000000ff
#define HVG_NDIS_HASH_IPV4		0x00000100
#define HVG_NDIS_HASH_TCP_IPV4		0x00000200
#define HVG_NDIS_HASH_IPV6		0x00000400
#define HVG_NDIS_HASH_TCP_IPV6		0x00001000
#define HVG_NDIS_RSS_KEY_SIZE		40
#define HVG_NDIS_RSS_TABLE_MAX		256
#define HVG_NDIS_RSS_TABLE_DEFAULT	128

/*
 * GEN_RNDIS_CONFIG_PARAMETER (SET, MAC address change): this header, then
 * the UTF-16LE name "NetworkAddress" and the value, twelve lower-case hex
 * digits in UTF-16LE; offsets from the start of this header.
 */
struct hvg_rndis_config_param {
	u32 name_offset;
	u32 name_length;	/* bytes */
	u32 type;		/* HVG_RNDIS_CONFIG_PARAM_STRING */
	u32 value_offset;
	u32 value_length;	/* bytes */
};

static_assert(sizeof(struct hvg_rndis_config_param) == 20);
#define HVG_RNDIS_CONFIG_PARAM_STRING	2

#endif /* _HVGUEST_RNDIS_H */
