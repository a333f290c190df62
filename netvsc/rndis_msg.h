/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RNDIS messages: parsers for what the host sends (completions, status
 * indications, received packets) and for what a guest sends (requests and
 * transmitted packets, used by the loopback host), the per-packet-info
 * walk, the builders of the guest's requests and packet headers, and the
 * NDIS objects of the offload and RSS OIDs. Wire formats:
 * include/hvguest/rndis.h.
 *
 * Pure C (vmbus/ring_env.h only), no state; it builds into hvg_netvsc.ko,
 * hvg_loophost.ko, the KUnit module and tools/.
 *
 * Input is a private copy; every field is read once, into the parsed form;
 * malformed input is rejected, never clamped. Offsets in the parsed forms
 * are from the start of the message (the wire's are from byte 8).
 *
 * Errors (negative errno values, one per kind of malformed input):
 *
 *   -ENODATA   HVG_RNDIS_E_NOHDR     shorter than the 8-byte header
 *   -EMSGSIZE  HVG_RNDIS_E_LEN       msg_len below 8 or above the bytes
 *                                    that carry the message
 *   -ENOMSG    HVG_RNDIS_E_TYPE      unknown type, or one the sender never
 *                                    sends (a request from the host, a
 *                                    completion from the guest)
 *   -EBADMSG   HVG_RNDIS_E_SHORT     msg_len below the type's fixed part
 *   -EBADE     HVG_RNDIS_E_MISMATCH  a reply of another type or request id
 *                                    than the request it is matched with
 *   -EPROTO    HVG_RNDIS_E_STATUS    a reply whose status is not SUCCESS
 *   -EBADR     HVG_RNDIS_E_BUF       an information or status buffer that
 *                                    starts inside the fixed part or ends
 *                                    past msg_len, or a status that needs
 *                                    a buffer without one
 *   -EOVERFLOW HVG_RNDIS_E_OVERFLOW  a query answer larger than the
 *                                    request's buffer
 *   -EDOM      HVG_RNDIS_E_INIT      INIT_C values the guest cannot use
 *                                    (version, medium, packets per message,
 *                                    alignment)
 *   -ERANGE    HVG_RNDIS_E_DATA      packet data empty, inside the header
 *                                    or past msg_len
 *   -EILSEQ    HVG_RNDIS_E_PPI       per-packet info: region inside the
 *                                    header, past msg_len or overlapping
 *                                    the data; an entry shorter than 12
 *                                    bytes or than what is left, a value
 *                                    offset outside the entry, a value too
 *                                    short for its type
 *   -ENOTUNIQ  HVG_RNDIS_E_PPIDUP    a per-packet-info type twice
 *   -EUCLEAN   HVG_RNDIS_E_OBJECT    an NDIS object with the wrong type,
 *                                    revision or size, or contents out of
 *                                    range (RSS key, table, queues)
 *   -ENOBUFS   HVG_RNDIS_E_HEAD      hvg_rndis_parse_packet_head(): the
 *                                    packet header or its per-packet infos
 *                                    end past the head copy
 */
#ifndef _HVGUEST_RNDIS_MSG_H
#define _HVGUEST_RNDIS_MSG_H

#include "../vmbus/ring_env.h"
#include <hvguest/rndis.h>

#define HVG_RNDIS_E_NOHDR	ENODATA
#define HVG_RNDIS_E_LEN		EMSGSIZE
#define HVG_RNDIS_E_TYPE	ENOMSG
#define HVG_RNDIS_E_SHORT	EBADMSG
#define HVG_RNDIS_E_MISMATCH	EBADE
#define HVG_RNDIS_E_STATUS	EPROTO
#define HVG_RNDIS_E_BUF		EBADR
#define HVG_RNDIS_E_OVERFLOW	EOVERFLOW
#define HVG_RNDIS_E_INIT	EDOM
#define HVG_RNDIS_E_DATA	ERANGE
#define HVG_RNDIS_E_PPI		EILSEQ
#define HVG_RNDIS_E_PPIDUP	ENOTUNIQ
#define HVG_RNDIS_E_OBJECT	EUCLEAN
#define HVG_RNDIS_E_HEAD	ENOBUFS

/* The largest packet alignment (log2) a guest accepts in INIT_C. */
#define HVG_RNDIS_MAX_ALIGN_SHIFT	12

/* Which per-packet infos a packet carried (hvg_rndis_pkt.present). */
#define HVG_RNDIS_PI_CSUM	0x01
#define HVG_RNDIS_PI_LSO	0x02
#define HVG_RNDIS_PI_VLAN	0x04
#define HVG_RNDIS_PI_HASH	0x08
#define HVG_RNDIS_PI_PKTINFO_ID	0x10

/* A data packet, parsed. The raw PPI values; the meaning depends on the
 * direction (HVG_RNDIS_RXCSUM_* from the host, _TXCSUM_* from the guest).
 */
struct hvg_rndis_pkt {
	u32 data_offset;	/* from the message start */
	u32 data_len;		/* >= 1 */
	u32 present;		/* HVG_RNDIS_PI_* */
	u32 csum;
	u32 lso;
	u32 vlan;
	u32 hash;
	u8 pktinfo_flags;	/* HVG_RNDIS_PKTINFO_* */
	u16 pktinfo_id;
};

/* A message, parsed: @type says which member is valid. */
struct hvg_rndis_msg {
	u32 type;
	u32 msg_len;		/* the bytes of this message, <= the input */
	union {
		struct hvg_rndis_pkt packet;
		struct {
			u32 req_id;
			u32 status;
			u32 major;
			u32 minor;
			u32 dev_flags;
			u32 medium;
			u32 max_pkt_per_msg;
			u32 max_xfer_size;
			u32 pkt_align_factor;
		} init_c;
		struct {
			u32 req_id;
			u32 status;
			u32 info_len;
			u32 info_offset;	/* from the message start */
		} query_c;
		struct {			/* SET_C, KEEPALIVE_C */
			u32 req_id;
			u32 status;
		} status_c;
		struct {
			u32 status;
			u32 addressing_reset;
		} reset_c;
		struct {
			u32 status;		/* HVG_RNDIS_STATUS_* */
			u32 buf_len;
			u32 buf_offset;		/* from the message start */
			u32 link_speed;		/* LINK_SPEED_CHANGE */
		} indicate;
		/* Requests (the guest's): INIT, QUERY, SET, HALT, KEEPALIVE. */
		struct {
			u32 req_id;
			u32 major;
			u32 minor;
			u32 max_xfer_size;
		} init;
		struct {			/* QUERY, SET */
			u32 req_id;
			u32 oid;
			u32 info_len;
			u32 info_offset;	/* from the message start */
		} oid_req;
		struct {			/* HALT, KEEPALIVE */
			u32 req_id;
		} req_id_only;
	};
};

/**
 * hvg_rndis_parse_host() - validate and parse one message from the host
 * @buf: private copy; @len bytes readable
 * @len: bytes that carry the message (a receive range; not trusted)
 * @out: the parsed message; unspecified when the return is not 0
 *
 * Types: PACKET, INIT_C, QUERY_C, SET_C, RESET_C, KEEPALIVE_C, INDICATE.
 * Only out->msg_len bytes are read (bytes after it are padding or the next
 * message). Statuses are reported as they came; hvg_rndis_check_reply()
 * judges a reply against its request.
 *
 * Return: 0, or a negative HVG_RNDIS_E_* error.
 */
int hvg_rndis_parse_host(const void *buf, u32 len, struct hvg_rndis_msg *out);

/**
 * hvg_rndis_parse_packet_head() - parse a PACKET from a copy of its head only
 * @head: private copy of the first @head_len bytes of a receive range
 * @head_len: bytes at @head; at most @len
 * @len: bytes that carry the message (the whole range; not trusted)
 * @out: the parsed packet; unspecified when the return is not 0
 *
 * For a receive segment coalescing fragment, whose data the caller copies
 * from the range straight into its frame without looking at it; the
 * loopback host uses it too, for the head of a guest's send (a PACKET has
 * the same layout both ways). Accepts
 * only a PACKET whose 44-byte header and per-packet infos lie inside the
 * head, and whose data starts at or after the end of the infos and ends
 * inside msg_len (msg_len itself at most @len). Reads nothing past
 * @head_len: the data is located, never read.
 *
 * Return: 0; -EINVAL if @head_len > @len; -HVG_RNDIS_E_TYPE for another
 * type; -HVG_RNDIS_E_HEAD for a header or infos past the head;
 * -HVG_RNDIS_E_PPI for data that starts before the infos end; the other
 * errors as hvg_rndis_parse_host().
 */
int hvg_rndis_parse_packet_head(const void *head, u32 head_len, u32 len,
				struct hvg_rndis_msg *out);

/**
 * hvg_rndis_parse_guest() - validate and parse one message from the guest
 * @buf: private copy; @len bytes readable
 * @len: bytes that carry the message (not trusted)
 * @out: the parsed message
 *
 * Types: PACKET, INIT, QUERY, SET, HALT, RESET, KEEPALIVE. A QUERY or SET
 * information buffer must lie inside the message. Several messages may
 * share one send section: the next starts out->msg_len bytes further
 * (rounded up to the alignment the host announced).
 *
 * Return: 0, or a negative HVG_RNDIS_E_* error.
 */
int hvg_rndis_parse_guest(const void *buf, u32 len, struct hvg_rndis_msg *out);

/* What the guest asked; a reply is checked against it. */
struct hvg_rndis_request {
	u32 type;		/* HVG_RNDIS_MSG_INIT, _QUERY, _SET, ... */
	u32 req_id;
	u32 info_cap;		/* QUERY: the most answer bytes it takes */
};

/**
 * hvg_rndis_check_reply() - is @m a good answer to @req
 * @m: a message parsed by hvg_rndis_parse_host()
 * @req: the request it was matched with (by request id)
 *
 * Return: 0; -HVG_RNDIS_E_MISMATCH (type, request id), -HVG_RNDIS_E_STATUS,
 * -HVG_RNDIS_E_INIT (INIT_C: not 1.x, not 802.3, no packets per message,
 * alignment above 2^12) or -HVG_RNDIS_E_OVERFLOW (QUERY_C).
 */
int hvg_rndis_check_reply(const struct hvg_rndis_msg *m,
			  const struct hvg_rndis_request *req);

const char *hvg_rndis_errname(int err);
const char *hvg_rndis_type_name(u32 type);

/* ---------------------------------------------------------------------
 * Builders, into a caller buffer of @cap bytes. Each returns the message
 * length, -ENOSPC if @cap is too small or -EINVAL for a value the wire
 * cannot carry; the buffer is unspecified on failure.
 */
int hvg_rndis_build_init(void *buf, u32 cap, u32 req_id);
/* @info: @info_len bytes copied after the request (may be NULL if 0). */
int hvg_rndis_build_query(void *buf, u32 cap, u32 req_id, u32 oid,
			  const void *info, u32 info_len);
int hvg_rndis_build_set(void *buf, u32 cap, u32 req_id, u32 oid,
			const void *info, u32 info_len);
int hvg_rndis_build_halt(void *buf, u32 cap, u32 req_id);
int hvg_rndis_build_keepalive(void *buf, u32 cap, u32 req_id);
int hvg_rndis_build_reset(void *buf, u32 cap);

/* The per-packet infos of a transmitted packet. */
struct hvg_rndis_tx_ppi {
	u32 present;		/* HVG_RNDIS_PI_CSUM, _LSO, _VLAN, _HASH, */
				/* _PKTINFO_ID (a host's RSC fragments) */
	u32 csum;		/* HVG_RNDIS_TXCSUM_* (_RXCSUM_* from a host) */
	u32 lso;		/* hvg_rndis_lso_v2() */
	u32 vlan;		/* hvg_rndis_vlan() */
	u32 hash;
	u8 pktinfo_flags;	/* HVG_RNDIS_PKTINFO_* */
	u16 pktinfo_id;
};

/**
 * hvg_rndis_build_packet() - the RNDIS PACKET header and its PPIs
 * @buf: where the message starts; the frame goes right after the header
 * @cap: bytes at @buf for the header (the frame is not written)
 * @ppi: the per-packet infos; checksum and LSO exclude each other
 * @data_len: the frame's length, >= 1
 *
 * Writes the header with data_offset after the PPIs, the PPIs in the order
 * hash, VLAN, LSO or checksum, then the packet-info id, each 16 bytes.
 * msg_len covers the frame.
 *
 * Return: the header length (where the frame starts), -ENOSPC or -EINVAL.
 */
int hvg_rndis_build_packet(void *buf, u32 cap,
			   const struct hvg_rndis_tx_ppi *ppi, u32 data_len);

static inline u32 hvg_rndis_lso_v2(bool ipv6, u32 tcp_off, u32 mss)
{
	return HVG_RNDIS_LSO_TYPE_V2 | (ipv6 ? HVG_RNDIS_LSO_IPV6 : 0) |
		((tcp_off << HVG_RNDIS_LSO_TCP_OFF_SHIFT) &
		 HVG_RNDIS_LSO_TCP_OFF_MASK) |
		(mss & HVG_RNDIS_LSO_MSS_MASK);
}

static inline u32 hvg_rndis_vlan(u16 vid, u8 pri)
{
	return ((u32)(vid & 0xfff) << HVG_RNDIS_VLAN_ID_SHIFT) | (pri & 7);
}

/* ---------------------------------------------------------------------
 * NDIS objects in QUERY/SET information buffers.
 */

/**
 * hvg_ndis_offload_size() - offload capabilities size for a version
 * @nvsp_version: the negotiated NVSP version
 * @revision: the revision, set
 *
 * Return: 112 (< NVSP 4), 144 (NVSP 4) or 156 (>= 5).
 */
u32 hvg_ndis_offload_size(u32 nvsp_version, u8 *revision);

/* The information buffer of the capabilities query: header, zeroes. */
int hvg_ndis_build_offload_query(void *info, u32 cap, u32 nvsp_version);

/**
 * hvg_ndis_parse_offload() - the host's offload capabilities
 * @info: the answer's information buffer (private copy)
 * @len: its length
 * @requested: the size the query asked for
 * @out: the object, zero past what the host sent
 *
 * Return: 0, or -HVG_RNDIS_E_OBJECT (type not 0xa7, revision 0, size
 * below 112, above @requested or above @len).
 */
int hvg_ndis_parse_offload(const void *info, u32 len, u32 requested,
			   struct hvg_ndis_offload *out);

/* Offload parameters: the header is filled in; 22 or 28 bytes. */
int hvg_ndis_build_offload_params(void *info, u32 cap, u32 nvsp_version,
				  const struct hvg_ndis_offload_params *p);
/* Host side: type DEFAULT, size 22 .. @len; fields past size are zero. */
int hvg_ndis_parse_offload_params(const void *info, u32 len,
				  struct hvg_ndis_offload_params *out);

/* RSS capabilities: the 18-byte query header; the host's answer. */
int hvg_ndis_build_rss_caps_query(void *info, u32 cap);
int hvg_ndis_parse_rss_caps(const void *info, u32 len,
			    struct hvg_ndis_rss_caps *out);

/* RSS parameters, as parsed by the host. */
struct hvg_ndis_rss {
	u16 flags;
	u32 hash_info;
	u32 entries;		/* 0 .. HVG_NDIS_RSS_TABLE_MAX */
	u32 table[HVG_NDIS_RSS_TABLE_MAX];
	u8 key[HVG_NDIS_RSS_KEY_SIZE];
	bool enabled;		/* not DISABLE and a hash function */
};

/**
 * hvg_ndis_build_rss_params() - RSS parameters with table and key
 * @info: the buffer
 * @cap: its size
 * @flags: HVG_NDIS_RSS_FLAG_*
 * @hash_info: HVG_NDIS_HASH_*
 * @table: @entries queue indices
 * @entries: 1 .. HVG_NDIS_RSS_TABLE_MAX
 * @key: HVG_NDIS_RSS_KEY_SIZE bytes
 *
 * Return: the object's size (40 + 4 x @entries + 40), -ENOSPC or -EINVAL.
 */
int hvg_ndis_build_rss_params(void *info, u32 cap, u16 flags, u32 hash_info,
			      const u32 *table, u32 entries, const u8 *key);

/**
 * hvg_ndis_parse_rss_params() - the guest's RSS parameters (host side)
 * @info: the SET's information buffer (private copy)
 * @len: its length
 * @num_queues: queues the NIC has; every table entry must be below it
 * @out: the parameters
 *
 * When enabled, the key must be 40 bytes and the table a non-zero multiple
 * of 4 bytes, at most 256 entries, both inside @len.
 *
 * Return: 0, or -HVG_RNDIS_E_OBJECT.
 */
int hvg_ndis_parse_rss_params(const void *info, u32 len, u32 num_queues,
			      struct hvg_ndis_rss *out);

/* GEN_RNDIS_CONFIG_PARAMETER "NetworkAddress" for a MAC change: 72 bytes. */
#define HVG_RNDIS_MAC_PARAM_SIZE	72
int hvg_rndis_build_mac_param(void *info, u32 cap, const u8 *mac);
/* Host side: a "NetworkAddress" string parameter, its 6-byte MAC. */
int hvg_rndis_parse_mac_param(const void *info, u32 len, u8 *mac);

#endif /* _HVGUEST_RNDIS_MSG_H */
