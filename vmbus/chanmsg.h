/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus channel (control) messages: the parser for what the host sends and
 * the builders for what the guest sends.
 *
 * Pure C, like the ring: it uses only what vmbus/ring_env.h names (fixed
 * width types, memcpy, memset, errno values), so the same file builds into
 * hvg_vmbus.ko, into the KUnit module and into the user-space tests and
 * fuzzer of tools/. It keeps no state: the channel core owns the
 * connection, the channels and the matching of replies to requests.
 *
 * The parser's input is a private copy of one SynIC message payload (the
 * caller copies it out of the message slot before anything looks at it) and
 * the payload size the slot announced. Every field is read once, from that
 * copy, into the parsed form; malformed input is rejected, never clamped.
 *
 * Parser errors (negative errno values, one per kind of malformed input):
 *
 *   -ENODATA        HVG_CHMSG_E_NOHDR    shorter than the 8-byte header
 *   -EMSGSIZE       HVG_CHMSG_E_TOOLONG  longer than the 240-byte payload
 *   -ENOMSG         HVG_CHMSG_E_TYPE     type 0, unknown (>= 25) or one of
 *                                        the reserved types 18-20
 *   -EBADE          HVG_CHMSG_E_DIR      a guest-to-host type
 *   -EOPNOTSUPP     HVG_CHMSG_E_VERSION  a type the version does not have
 *                                        (TL_CONNECT_RESULT < 4.1,
 *                                        MODIFYCHANNEL_RESPONSE < 5.3)
 *   -EBADMSG        HVG_CHMSG_E_SHORT    shorter than the type's minimum
 *   -ERANGE         HVG_CHMSG_E_RELID    a relid of 0 or >= 2048
 *   -EBADR          HVG_CHMSG_E_GPADL    a GPADL handle of 0 (the guest
 *                                        never creates one)
 *   -EDOM           HVG_CHMSG_E_MONITOR  offer: monitor allocated with a
 *                                        monitor id > 127
 *   -ECHRNG         HVG_CHMSG_E_SUBCHAN  offer: sub_channel_index >= 2047
 *                                        (more channels than relids)
 *   -EILSEQ         HVG_CHMSG_E_PIPE     offer: named-pipe flag with a pipe
 *                                        mode other than byte (0) or
 *                                        message (4)
 *   -EADDRNOTAVAIL  HVG_CHMSG_E_CONNID   a connection id wider than 24 bits,
 *                                        or a 5.0+ VERSION_RESPONSE that
 *                                        accepts with connection id 0
 *   -EPROTO         HVG_CHMSG_E_ANSWER   VERSION_RESPONSE: version_supported
 *                                        not 0 or 1, or accepted with a
 *                                        connection_state other than 0
 *
 * A message longer than its type's minimum is accepted (newer hosts grow
 * messages: a 6.0 VERSION_RESPONSE, a 5.2 TL_CONNECT_REQUEST); only the
 * minimum is read.
 */
#ifndef _HVGUEST_CHANMSG_H
#define _HVGUEST_CHANMSG_H

#include "ring_env.h"
#include <hvguest/vmbus_proto.h>

#define HVG_CHMSG_E_NOHDR	ENODATA
#define HVG_CHMSG_E_TOOLONG	EMSGSIZE
#define HVG_CHMSG_E_TYPE	ENOMSG
#define HVG_CHMSG_E_DIR		EBADE
#define HVG_CHMSG_E_VERSION	EOPNOTSUPP
#define HVG_CHMSG_E_SHORT	EBADMSG
#define HVG_CHMSG_E_RELID	ERANGE
#define HVG_CHMSG_E_GPADL	EBADR
#define HVG_CHMSG_E_MONITOR	EDOM
#define HVG_CHMSG_E_SUBCHAN	ECHRNG
#define HVG_CHMSG_E_PIPE	EILSEQ
#define HVG_CHMSG_E_CONNID	EADDRNOTAVAIL
#define HVG_CHMSG_E_ANSWER	EPROTO

/* The largest sub_channel_index an offer may carry. */
#define HVG_CHMSG_MAX_SUBCHAN_INDEX	(HVG_VMBUS_MAX_RELIDS - 2)

/* OFFERCHANNEL, parsed. */
struct hvg_chmsg_offer_info {
	guid_t if_type;
	guid_t if_instance;
	u32 child_relid;	/* 1 .. 2047 */
	u32 connection_id;	/* 24 bits: for HvSignalEvent */
	u32 pipe_mode;		/* HVG_OFFER_PIPE_MODE_*, named pipes only */
	u16 chn_flags;		/* HVG_OFFER_FLAG_* */
	u16 mmio_megabytes;
	u16 sub_channel_index;	/* 0: a primary channel */
	u8 monitor_id;		/* 0 .. 127 when monitor_allocated */
	bool monitor_allocated;
	bool dedicated_interrupt;
	u8 user_def[HVG_OFFER_USER_DEFINED_BYTES];
};

/* A host-to-guest message, parsed: @type says which member is valid. */
struct hvg_chmsg {
	u32 type;		/* HVG_CHMSG_*, a host-to-guest type */
	u32 len;		/* payload bytes the slot said */
	u32 version;		/* the version it was checked against */
	union {
		struct hvg_chmsg_offer_info offer;
		struct {
			u32 child_relid;
		} rescind;
		struct {
			u32 child_relid;
			u32 openid;
			u32 status;	/* 0: opened */
		} open_result;
		struct {
			u32 child_relid;
			u32 gpadl;
			u32 status;	/* 0: created */
		} gpadl_created;
		struct {
			u32 gpadl;
		} gpadl_torndown;
		struct {
			bool supported;
			/* 0 if supported; else HVG_VMBUS_CONN_* or any. */
			u8 state;
			/* For later guest messages; 0 when not supported. */
			u32 msg_conn_id;
		} version_response;
		struct {
			u32 child_relid;
			u32 status;	/* 0: moved */
		} modify_response;
		struct {
			guid_t endpoint_id;
			guid_t service_id;
			u32 status;
		} tl_connect_result;
	};
};

/**
 * hvg_chmsg_parse() - validate and parse one message from the host
 * @buf: private copy of the SynIC payload; at least @len bytes readable
 * @len: the payload size the message slot announced (not trusted: it may
 *	be anything 0..255)
 * @version: the negotiated version, or while waiting for VERSION_RESPONSE
 *	the version requested; 0 before either
 * @out: the parsed message; unspecified when the return is not 0
 *
 * Reads no more than min(@len, the type's minimum length) bytes of @buf,
 * each of them once.
 *
 * Return: 0, or one of the negative HVG_CHMSG_E_* errors listed at the
 * top of this file.
 */
int hvg_chmsg_parse(const void *buf, u32 len, u32 version,
		    struct hvg_chmsg *out);

/**
 * hvg_chmsg_min_len() - the shortest valid message of a type
 * @type: a message type
 *
 * Return: the minimum length in bytes, header included, for every type
 * 1 .. 24 (either direction), or 0 for an unknown or reserved type.
 */
u32 hvg_chmsg_min_len(u32 type);

/**
 * hvg_chmsg_type_name() - the name of a message type, for log messages
 * @type: a message type
 *
 * Return: a static string such as "OFFERCHANNEL"; "UNKNOWN" for a type
 * outside 1 .. 24 or a reserved one.
 */
const char *hvg_chmsg_type_name(u32 type);

/**
 * hvg_chmsg_errname() - the name of a parser error, for log messages
 * @err: a negative HVG_CHMSG_E_* value, or 0
 *
 * Return: a static string such as "relid-out-of-range"; "ok" for 0,
 * "unknown-error" for anything else.
 */
const char *hvg_chmsg_errname(int err);

/* ---------------------------------------------------------------------
 * Builders: each writes one guest-to-host message into @msg (the padding
 * of the header and every reserved byte zero) and sets msg->len. They
 * check their arguments against the protocol and fail with -EINVAL (a
 * value the wire cannot carry or the host must refuse), -EOPNOTSUPP (a
 * message the version does not have) or -E2BIG (a GPADL too large for
 * range_buflen); on failure @msg is left unspecified.
 */

/* One message to post: the payload and its length. */
struct hvg_chmsg_buf {
	union {
		u8 data[HVG_MSG_PAYLOAD_MAX];
		u64 align;	/* the wire structs are 8-byte aligned */
	};
	u32 len;
};

/**
 * hvg_chmsg_version_known() - is @version one of the eight hvguest speaks
 * @version: major << 16 | minor
 *
 * Return: true for 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0 and 2.4.
 */
bool hvg_chmsg_version_known(u32 version);

/**
 * hvg_chmsg_contact_conn_id() - where INITIATE_CONTACT is posted
 * @version: the version requested
 *
 * Return: HVG_VMBUS_MSG_CONN_ID_V5 (4) from 5.0 on, else
 * HVG_VMBUS_MSG_CONN_ID (1).
 */
u32 hvg_chmsg_contact_conn_id(u32 version);

/**
 * hvg_chmsg_build_initiate_contact() - INITIATE_CONTACT for @version
 * @msg: the message
 * @version: a version hvg_chmsg_version_known() accepts
 * @target_vp: VP index that receives control messages; must be 0 for 2.4
 *	(hosts honour it from 3.0 on, 2.4 always uses VP 0)
 * @interrupt_page: GPA of the interrupt page, for versions below 5.0 (must
 *	be 0 from 5.0 on, where bytes 16-23 name the message SINT instead)
 * @monitor_page1: GPA of the host-to-guest monitor page, or 0
 * @monitor_page2: GPA of the guest-to-host monitor page, or 0
 *
 * From 5.0 on the message asks for control messages on SINT 2
 * (HVG_VMBUS_MESSAGE_SINT), VTL 0, no feature flags. Post it to
 * hvg_chmsg_contact_conn_id(@version).
 *
 * Return: 0; -EINVAL for an unknown version, a non-zero @target_vp with
 * 2.4, an interrupt page from 5.0 on, or exactly one monitor page.
 */
int hvg_chmsg_build_initiate_contact(struct hvg_chmsg_buf *msg, u32 version,
				     u32 target_vp, u64 interrupt_page,
				     u64 monitor_page1, u64 monitor_page2);

/**
 * hvg_chmsg_build_request_offers() - REQUESTOFFERS (send once per connection)
 * @msg: the message
 */
void hvg_chmsg_build_request_offers(struct hvg_chmsg_buf *msg);

/**
 * hvg_chmsg_build_unload() - UNLOAD
 * @msg: the message
 * @version: the negotiated version
 *
 * Return: 0; -EOPNOTSUPP below 3.0, where hosts do not implement it.
 */
int hvg_chmsg_build_unload(struct hvg_chmsg_buf *msg, u32 version);

/**
 * hvg_chmsg_build_open() - OPENCHANNEL
 * @msg: the message
 * @relid: the channel, 1 .. 2047
 * @openid: echoed in OPENCHANNEL_RESULT (Linux uses the relid)
 * @ring_gpadl: the GPADL of both rings; not 0
 * @target_vp: VP index for the channel's events
 * @downstream_page_offset: first page of the inbound ring in the GPADL; > 0
 * @user_data: @user_len bytes for the host, may be NULL if @user_len is 0
 * @user_len: at most HVG_OPEN_USER_DATA_BYTES (120); the rest is zero
 *
 * Return: 0, or -EINVAL when an argument is out of range.
 */
int hvg_chmsg_build_open(struct hvg_chmsg_buf *msg, u32 relid, u32 openid,
			 u32 ring_gpadl, u32 target_vp,
			 u32 downstream_page_offset, const void *user_data,
			 u32 user_len);

/**
 * hvg_chmsg_build_close() - CLOSECHANNEL (the host does not reply)
 * @msg: the message
 * @relid: the channel, 1 .. 2047
 *
 * Return: 0, or -EINVAL for a relid out of range.
 */
int hvg_chmsg_build_close(struct hvg_chmsg_buf *msg, u32 relid);

/**
 * hvg_chmsg_gpadl_msgs() - how many messages a GPADL of @npages takes
 * @npages: pages in the buffer
 *
 * The header carries the first 26 PFNs (HVG_GPADL_HEADER_PFNS) and each
 * GPADL_BODY the next 28 (HVG_GPADL_BODY_PFNS): 1 + ceil((@npages - 26) /
 * 28) messages. 8190 pages (HVG_GPADL_MAX_PAGES) is the most that the
 * 16-bit range_buflen can describe: 8 + 8 * 8190 = 65528 bytes.
 *
 * Return: the number of messages (1 .. 293); -EINVAL for 0 pages; -E2BIG
 * for more than HVG_GPADL_MAX_PAGES.
 */
int hvg_chmsg_gpadl_msgs(u32 npages);

/**
 * hvg_chmsg_build_gpadl() - message @index of a GPADL's header and bodies
 * @msg: the message
 * @index: 0 for GPADL_HEADER, 1 .. hvg_chmsg_gpadl_msgs() - 1 for the
 *	GPADL_BODY messages, which are posted in order right after it
 * @relid: the channel the GPADL belongs to, 1 .. 2047
 * @gpadl: the handle, chosen by the guest, unique per connection; not 0
 * @pfns: the buffer's 4 KiB page frame numbers, @npages of them
 * @npages: 1 .. HVG_GPADL_MAX_PAGES
 *
 * One page-aligned range: byte_count = @npages * 4096, byte_offset 0.
 * Only the PFNs of message @index are read from @pfns.
 *
 * Return: 0; -E2BIG for more than HVG_GPADL_MAX_PAGES pages; -EINVAL for
 * 0 pages, an @index past the last message, a relid out of range or
 * handle 0.
 */
int hvg_chmsg_build_gpadl(struct hvg_chmsg_buf *msg, u32 index, u32 relid,
			  u32 gpadl, const u64 *pfns, u32 npages);

/**
 * hvg_chmsg_build_gpadl_teardown() - GPADL_TEARDOWN
 * @msg: the message
 * @relid: the channel, 1 .. 2047
 * @gpadl: the handle; not 0
 *
 * Return: 0, or -EINVAL when an argument is out of range.
 */
int hvg_chmsg_build_gpadl_teardown(struct hvg_chmsg_buf *msg, u32 relid,
				   u32 gpadl);

/**
 * hvg_chmsg_build_relid_released() - RELID_RELEASED
 * @msg: the message
 * @relid: the rescinded channel, 1 .. 2047 (never an open one)
 *
 * Return: 0, or -EINVAL for a relid out of range.
 */
int hvg_chmsg_build_relid_released(struct hvg_chmsg_buf *msg, u32 relid);

/**
 * hvg_chmsg_build_modifychannel() - MODIFYCHANNEL: move a channel's events
 * @msg: the message
 * @version: the negotiated version
 * @relid: the channel, 1 .. 2047
 * @target_vp: the new VP index
 *
 * Hosts reply with MODIFYCHANNEL_RESPONSE from 5.3 on, not before.
 *
 * Return: 0; -EOPNOTSUPP below 4.1; -EINVAL for a relid out of range.
 */
int hvg_chmsg_build_modifychannel(struct hvg_chmsg_buf *msg, u32 version,
				  u32 relid, u32 target_vp);

#endif /* _HVGUEST_CHANMSG_H */
