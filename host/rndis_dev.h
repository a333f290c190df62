/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's RNDIS device: what a synthetic NIC's host side
 * answers to the guest's RNDIS control messages, the status indications it
 * raises, and the checks on the guest's transmitted packets.
 *
 * Pure C (vmbus/ring_env.h only, like netvsc/rndis_msg.c, whose parsers
 * it uses), so it builds into hvg_loophost.ko, the KUnit module and the
 * fuzzers of tools/. It owns no lock: the netvsp code that calls it
 * serialises calls per device (control messages arrive on the primary
 * channel only). Never trusts the guest: every request is parsed from the
 * caller's private copy, every answer is built into a caller buffer of
 * known size.
 */
#ifndef _HVGUEST_HOST_RNDIS_DEV_H
#define _HVGUEST_HOST_RNDIS_DEV_H

#include "../netvsc/rndis_msg.h"

/* INIT_C values (those of Hyper-V's vmswitch, as OpenVMM sends them). */
#define HVG_RNDIS_DEV_MAX_PKT_PER_MSG	8
#define HVG_RNDIS_DEV_MAX_XFER		0xefffffff
#define HVG_RNDIS_DEV_ALIGN_SHIFT	3

/* The offload capabilities announced (LSOv2 up to this many bytes). */
#define HVG_RNDIS_DEV_LSO_MAX		62780
#define HVG_RNDIS_DEV_LSO_MIN_SEGS	2

/* Enough for any answer: QUERY_C and the largest information buffer. */
#define HVG_RNDIS_DEV_RESP_MAX		256

/* Ethernet header, and one 802.1Q tag. */
#define HVG_RNDIS_DEV_ETH_HLEN		14
#define HVG_RNDIS_DEV_VLAN_HLEN		4
/* An LSO frame: IPv4/IPv6 total length is at most 64 KiB. */
#define HVG_RNDIS_DEV_LSO_FRAME_MAX	(65536 + HVG_RNDIS_DEV_ETH_HLEN)

struct hvg_rndis_dev {
	/* Configuration: set by hvg_rndis_dev_init(), then read only. */
	u8 perm_mac[6];
	u32 max_mtu;		/* the largest MTU the guest may use */
	u32 nvsp_version;	/* picks the offload capability revision */
	u32 num_queues;		/* RSS queues: 1 .. 64 */
	bool rsc;		/* RSC offered (the caller sets it, NVSP >= 6.1) */
	/* Link: changed by the host (hvg_rndis_dev_set_link()). */
	bool link_up;
	u32 link_speed;		/* 100 bps units */
	/* What the guest set. */
	bool initialized;
	u8 mac[6];		/* current address */
	u32 packet_filter;	/* HVG_RNDIS_FILTER_* */
	struct hvg_ndis_offload_params offload;	/* current, no NO_CHANGE */
	struct hvg_ndis_rss rss;
	/* Counters. */
	u64 requests;
	u64 bad_requests;	/* malformed: dropped, no answer */
	u64 unsupported;	/* answered NOT_SUPPORTED */
};

/**
 * hvg_rndis_dev_init() - a new device, link up at 10 Gb/s
 * @dev: the device
 * @mac: its permanent (and initial current) address
 * @max_mtu: the largest MTU, 68 .. 65521 (1500 is what Hyper-V offers)
 * @nvsp_version: the negotiated NVSP version
 * @num_queues: RSS queues, 1 .. 64
 *
 * Return: 0, or -EINVAL for a value out of range.
 */
int hvg_rndis_dev_init(struct hvg_rndis_dev *dev, const u8 *mac,
		       u32 max_mtu, u32 nvsp_version, u32 num_queues);

/**
 * hvg_rndis_dev_request() - handle one control message from the guest
 * @dev: the device
 * @req: private copy of the RNDIS message
 * @len: bytes that carry it
 * @resp: where the answer goes
 * @cap: bytes at @resp, at least HVG_RNDIS_DEV_RESP_MAX
 *
 * INIT, QUERY, SET, KEEPALIVE and RESET are answered (a request the device
 * cannot honour gets a non-success status, as a real host's); HALT is
 * not. PACKET is not a control message (see hvg_rndis_dev_parse_tx()).
 *
 * Return: the answer's length; 0 when there is none (HALT); a negative
 * HVG_RNDIS_E_* error for a malformed message (dropped and counted; the
 * caller completes the NVSP packet with a failure); -ENOSPC if @cap is
 * below HVG_RNDIS_DEV_RESP_MAX.
 */
int hvg_rndis_dev_request(struct hvg_rndis_dev *dev, const void *req,
			  u32 len, void *resp, u32 cap);

/**
 * hvg_rndis_dev_set_link() - the link goes up or down
 * @dev: the device
 * @up: the new state
 * @buf: where the INDICATE status message goes
 * @cap: bytes at @buf (>= 20)
 *
 * Return: the INDICATE's length (MEDIA_CONNECT or MEDIA_DISCONNECT), 0 if
 * the state did not change or the guest has not initialised the device
 * (nothing to send), -ENOSPC.
 */
int hvg_rndis_dev_set_link(struct hvg_rndis_dev *dev, bool up, void *buf,
			   u32 cap);

/**
 * hvg_rndis_dev_indicate() - another status indication for the guest
 * @dev: the device
 * @status: HVG_RNDIS_STATUS_LINK_SPEED_CHANGE (the device's new link_speed
 *	goes in a 4-byte buffer) or HVG_RNDIS_STATUS_NETWORK_CHANGE (none)
 * @speed: for LINK_SPEED_CHANGE, 100 bps units; stored in the device
 * @buf: where the INDICATE goes
 * @cap: bytes at @buf (>= 24)
 *
 * Return: the INDICATE's length (20, or 24 with the speed), 0 if the guest
 * has not initialised the device, -EINVAL for another status, -ENOSPC.
 */
int hvg_rndis_dev_indicate(struct hvg_rndis_dev *dev, u32 status, u32 speed,
			   void *buf, u32 cap);

/**
 * hvg_rndis_dev_rsc_on() - may a TCP frame reach the guest coalesced?
 * @dev: the device
 * @ipv6: the frame's IP version
 *
 * True when the device offers RSC (@dev->rsc), the guest enabled it in the
 * offload parameters for that IP version, and it takes TCP receive
 * checksum offload there too: a coalesced frame's TCP checksum field is not
 * valid, so only a guest that trusts the TCP_OK flag may see one.
 */
bool hvg_rndis_dev_rsc_on(const struct hvg_rndis_dev *dev, bool ipv6);

/**
 * hvg_rndis_dev_rx_csum() - the receive checksum flags for a frame
 * @dev: the receiving device
 * @ipv6: an IPv6 frame (else IPv4)
 * @proto: its L4 protocol (6 TCP, 17 UDP, anything else: none)
 *
 * The host verifies checksums for the guest only where the guest enabled
 * receive checksum offload (offload parameters RX_ENABLED_TX_DISABLED or
 * TX_RX_ENABLED) for that protocol; the caller has checked the checksums
 * (or knows them good, for a frame from a local sender).
 *
 * Return: HVG_RNDIS_RXCSUM_* succeeded bits (IP_OK for IPv4 when enabled,
 * TCP_OK or UDP_OK), 0 when nothing is enabled: then no TCPIP_CHKSUM
 * per-packet info is sent.
 */
u32 hvg_rndis_dev_rx_csum(const struct hvg_rndis_dev *dev, bool ipv6,
			  u8 proto);

/* A transmitted frame, checked. */
struct hvg_rndis_dev_tx {
	u32 msg_len;		/* the next message starts after it, aligned */
	u32 data_offset;	/* the frame, from the message start */
	u32 data_len;
	u32 present;		/* HVG_RNDIS_PI_* */
	u32 csum;		/* HVG_RNDIS_TXCSUM_* */
	u32 mss;		/* LSO: > 0 */
	u32 l4_offset;		/* checksum or LSO: TCP/UDP header offset */
	bool ipv6;
	u16 vlan_tci;		/* 802.1Q: pri << 13 | cfi << 12 | id */
	u32 hash;
};

/**
 * hvg_rndis_dev_parse_tx() - one RNDIS PACKET from the guest's send stream
 * @dev: the device
 * @buf: private copy of the message (in a send section or GPA range)
 * @len: bytes from @buf to the end of the stream
 * @tx: the frame and what the host must do to it
 *
 * Besides the framing (hvg_rndis_parse_guest()): checksum and LSO exclude
 * each other; LSO is v2 with an MSS and a TCP header offset inside the
 * frame; a checksum request names one IP version and an L4 offset inside
 * the frame; a frame without LSO is at most max_mtu + 14 (+ 4 with a VLAN
 * tag) bytes, with LSO at most 64 KiB + 14; and at least 14 bytes.
 *
 * Return: 0; -HVG_RNDIS_E_TYPE for a control message; another
 * HVG_RNDIS_E_* error (the packet is dropped and counted).
 */
int hvg_rndis_dev_parse_tx(const struct hvg_rndis_dev *dev, const void *buf,
			   u32 len, struct hvg_rndis_dev_tx *tx);

/**
 * hvg_rndis_dev_parse_tx_head() - the same, from a copy of its head only
 * @dev: the device
 * @head: private copy of the first @head_len bytes of the stream
 * @head_len: bytes at @head, at most @len
 * @len: bytes of the whole stream
 * @tx: the frame and what the host must do to it
 *
 * For a send whose frame the host copies on from the guest's pages
 * without reading it: the PACKET's header and per-packet infos must lie
 * inside @head (hvg_rndis_parse_packet_head(): a PACKET has the same layout
 * both ways), its data after them and inside @len; then the checks of
 * hvg_rndis_dev_parse_tx(). Nothing past @head_len is read.
 *
 * Return: as hvg_rndis_dev_parse_tx(); -HVG_RNDIS_E_HEAD when the header
 * or the infos end past @head_len.
 */
int hvg_rndis_dev_parse_tx_head(const struct hvg_rndis_dev *dev,
				const void *head, u32 head_len, u32 len,
				struct hvg_rndis_dev_tx *tx);

/* The OIDs the device answers (GEN_SUPPORTED_LIST). */
extern const u32 hvg_rndis_dev_oids[];
extern const u32 hvg_rndis_dev_num_oids;

#endif /* _HVGUEST_HOST_RNDIS_DEV_H */
