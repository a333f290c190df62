/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVSP messages: the parser for what the host sends and the builders for
 * what the guest sends (wire formats: include/hvguest/nvsp.h).
 *
 * Pure C, like vmbus/chanmsg.c: only what vmbus/ring_env.h names, so the
 * same file builds into hvg_netvsc.ko, the KUnit module and the user-space
 * tests and fuzzers of tools/. No state: the driver matches completions to
 * its requests (by transaction id) and then asks the check functions below
 * whether the completion is an acceptable answer to that request.
 *
 * The parser's input is a private copy of a packet's payload and the length
 * the packet descriptor gave; each field is read once, from that copy, into
 * the parsed form. Malformed input is rejected, never clamped.
 *
 * Errors (negative errno values, one per kind of malformed input):
 *
 *   -ENODATA    HVG_NVSP_E_NOHDR     shorter than the 4-byte type
 *   -ENOMSG     HVG_NVSP_E_TYPE      unknown type, or one the host never
 *                                    sends
 *   -EOPNOTSUPP HVG_NVSP_E_VERSION   a type the negotiated version lacks
 *   -EBADMSG    HVG_NVSP_E_SHORT     shorter than the type needs (sections
 *                                    or table included)
 *   -EPROTO     HVG_NVSP_E_STATUS    a completion whose status is not
 *                                    SUCCESS (checks only)
 *   -EDOM       HVG_NVSP_E_GEOMETRY  buffer geometry: not one section, a
 *                                    section not at 0, a sub-allocation or
 *                                    section smaller than 68 bytes, none at
 *                                    all, end_offset not size x count, or
 *                                    more than the buffer holds
 *   -ERANGE     HVG_NVSP_E_RANGE     a count or index out of range: channel
 *                                    type, table count other than 16, a
 *                                    table entry >= 64, more sub-channels
 *                                    than requested
 *   -EBADR      HVG_NVSP_E_OFFSET    the send table's offset points into
 *                                    the fixed fields or past the message
 */
#ifndef _HVGUEST_NVSP_MSG_H
#define _HVGUEST_NVSP_MSG_H

#include "../vmbus/ring_env.h"
#include <hvguest/nvsp.h>

#define HVG_NVSP_E_NOHDR	ENODATA
#define HVG_NVSP_E_TYPE		ENOMSG
#define HVG_NVSP_E_VERSION	EOPNOTSUPP
#define HVG_NVSP_E_SHORT	EBADMSG
#define HVG_NVSP_E_STATUS	EPROTO
#define HVG_NVSP_E_GEOMETRY	EDOM
#define HVG_NVSP_E_RANGE	ERANGE
#define HVG_NVSP_E_OFFSET	EBADR

/* A host-to-guest NVSP message, parsed: @type says which member is valid. */
struct hvg_nvsp_msg {
	u32 type;
	u32 len;		/* bytes the packet said */
	u32 version;		/* the version it was checked against */
	union {
		struct {
			u32 status;
			u32 max_mdl_chain_len;
		} init_complete;
		struct {
			u32 status;
			u32 num_sections;
			/* The first section, when num_sections >= 1. */
			struct hvg_nvsp_recv_section section;
		} recv_buf;
		struct {
			u32 status;
			u32 section_size;
		} send_buf;
		struct {
			u32 channel_type;
			u32 section_index;
			u32 section_size;
		} rndis_pkt;
		struct {
			u32 status;
		} rndis_pkt_complete;
		struct {
			u32 allocated;
			u32 serial;
		} vf_association;
		struct {
			u32 status;
			u32 num_subchannels;
		} subchannel;
		struct {
			u32 table[HVG_NVSP_SEND_TABLE_ENTRIES];
		} send_table;
	};
};

/**
 * hvg_nvsp_parse() - validate and parse one NVSP message from the host
 * @buf: private copy of the packet payload; @len bytes readable
 * @len: payload bytes (not trusted: any value)
 * @version: the negotiated NVSP version; 0 while INIT is outstanding (then
 *	only INIT_COMPLETE parses)
 * @out: the parsed message; unspecified when the return is not 0
 *
 * Types parsed: INIT_COMPLETE, SEND_RECV_BUF_COMPLETE,
 * SEND_SEND_BUF_COMPLETE, SEND_RNDIS_PKT, SEND_RNDIS_PKT_COMPLETE (>= 1),
 * SEND_VF_ASSOCIATION (>= 4), SUBCHANNEL, SEND_INDIRECTION_TABLE (>= 5).
 * Bytes past what the type needs are not read. The status fields are
 * reported as they came; the checks below judge them.
 *
 * Return: 0, or a negative HVG_NVSP_E_* error.
 */
int hvg_nvsp_parse(const void *buf, u32 len, u32 version,
		   struct hvg_nvsp_msg *out);

/* Receive-buffer geometry the host chose. */
struct hvg_nvsp_recv_geom {
	u32 sub_alloc_size;	/* >= 68 */
	u32 num_sub_allocs;	/* >= 1; size x count <= the buffer */
};

/**
 * hvg_nvsp_check_init() - is INIT_COMPLETE a yes to the INIT just sent
 * @m: a parsed message
 *
 * Return: 0; -HVG_NVSP_E_TYPE for another type; -HVG_NVSP_E_STATUS when
 * the host refused (any status but SUCCESS, NONE included).
 */
int hvg_nvsp_check_init(const struct hvg_nvsp_msg *m);

/**
 * hvg_nvsp_check_recv_buf() - the receive-buffer completion, checked
 * @m: a parsed message
 * @buf_size: bytes of the receive buffer the guest offered
 * @geom: the sub-allocation geometry, on success
 *
 * Return: 0; -HVG_NVSP_E_TYPE, -HVG_NVSP_E_STATUS or
 * -HVG_NVSP_E_GEOMETRY.
 */
int hvg_nvsp_check_recv_buf(const struct hvg_nvsp_msg *m, u32 buf_size,
			    struct hvg_nvsp_recv_geom *geom);

/**
 * hvg_nvsp_check_send_buf() - the send-buffer completion, checked
 * @m: a parsed message
 * @buf_size: bytes of the send buffer the guest offered
 * @num_sections: floor(@buf_size / section size), on success (>= 1)
 *
 * Return: 0; -HVG_NVSP_E_TYPE, -HVG_NVSP_E_STATUS or
 * -HVG_NVSP_E_GEOMETRY (section smaller than 68 or larger than the buffer).
 */
int hvg_nvsp_check_send_buf(const struct hvg_nvsp_msg *m, u32 buf_size,
			    u32 *num_sections);

/**
 * hvg_nvsp_check_subchannel() - the sub-channel completion, checked
 * @m: a parsed message
 * @requested: sub-channels asked for
 *
 * Return: 0 (m->subchannel.num_subchannels <= @requested);
 * -HVG_NVSP_E_TYPE, -HVG_NVSP_E_STATUS or -HVG_NVSP_E_RANGE.
 */
int hvg_nvsp_check_subchannel(const struct hvg_nvsp_msg *m, u32 requested);

/**
 * hvg_nvsp_errname() - the name of an error, for log messages
 * @err: a negative HVG_NVSP_E_* value, or 0
 *
 * Return: a static string; "ok" for 0, "unknown-error" otherwise.
 */
const char *hvg_nvsp_errname(int err);

/**
 * hvg_nvsp_type_name() - the name of a message type, for log messages
 * @type: an NVSP message type
 *
 * Return: a static string; "UNKNOWN" for a type without one.
 */
const char *hvg_nvsp_type_name(u32 type);

/**
 * hvg_nvsp_version_next() - the version to try after @version
 * @version: 0 to start, else the version just refused
 *
 * Return: 6.1, 6, 5, 4, 2, 1 in turn, then 0 (nothing left to try).
 */
u32 hvg_nvsp_version_next(u32 version);

/* A guest-to-host NVSP message, parsed (the loopback host's side). */
struct hvg_nvsp_guest_msg {
	u32 type;
	u32 len;
	union {
		struct {
			u32 min_ver;
			u32 max_ver;	/* >= min_ver */
		} init;
		struct {
			u32 major;
			u32 minor;
		} ndis_version;
		struct {
			u32 mtu;
			u64 capability;
		} ndis_config;
		struct {			/* SEND_RECV_BUF, SEND_SEND_BUF */
			u32 gpadl;	/* not 0 */
			u16 id;
		} buf;
		struct {			/* REVOKE_RECV_BUF, _SEND_BUF */
			u16 id;
		} revoke;
		struct {
			u32 channel_type;	/* 0 or 1 */
			u32 section_index;	/* or HVG_NVSP_NO_SECTION */
			u32 section_size;	/* 0 iff no section */
		} rndis_pkt;
		struct {
			u32 status;		/* SUCCESS or FAIL */
		} rndis_pkt_complete;
		struct {
			u32 num_subchannels;	/* 1 .. 63 */
		} subchannel;
		struct {
			u32 datapath;		/* HVG_NVSP_DATAPATH_* */
		} switch_data_path;
	};
};

/**
 * hvg_nvsp_parse_guest() - validate and parse one NVSP message from the guest
 * @buf: private copy of the packet payload; @len bytes readable
 * @len: payload bytes (not trusted)
 * @version: the negotiated version; 0 before INIT succeeded (then only
 *	INIT parses)
 * @out: the parsed message
 *
 * For the loopback host. Requests shorter than HVG_NVSP_MIN_REQUEST (32)
 * bytes are refused as Hyper-V ignores them; the guest's receive
 * completion (SEND_RNDIS_PKT_COMPLETE in a VM_PKT_COMP) is 8 bytes and
 * accepted at that length. Value checks: INIT min <= max; a GPADL handle
 * not 0; channel type 0 or 1; a send-buffer section with a size, or none
 * with size 0; completion status SUCCESS or FAIL; SUBCHANNEL op ALLOCATE
 * for 1 .. 63; data path 0 or 1. Anything else -HVG_NVSP_E_RANGE.
 *
 * Return: 0, or a negative HVG_NVSP_E_* error.
 */
int hvg_nvsp_parse_guest(const void *buf, u32 len, u32 version,
			 struct hvg_nvsp_guest_msg *out);

/**
 * hvg_nvsp_check_section() - a SEND_RNDIS_PKT's section, against the buffer
 * @m: a parsed SEND_RNDIS_PKT from the guest
 * @num_sections: sections in the send buffer (0: no send buffer)
 * @section_size: their size
 *
 * Return: 0 when it names no section or one below @num_sections with at
 * most @section_size bytes; -HVG_NVSP_E_TYPE or -HVG_NVSP_E_RANGE.
 */
int hvg_nvsp_check_section(const struct hvg_nvsp_guest_msg *m,
			   u32 num_sections, u32 section_size);

/* ---------------------------------------------------------------------
 * Builders: each writes one guest-to-host message of HVG_NVSP_MSG_SIZE
 * bytes (the rest zero) into @msg and returns that length, or -EINVAL for
 * arguments the wire cannot carry or the host must refuse, -EOPNOTSUPP for
 * a message the version lacks.
 */
struct hvg_nvsp_buf {
	union {
		u8 data[HVG_NVSP_MSG_SIZE];
		u64 align;
	};
};

int hvg_nvsp_build_init(struct hvg_nvsp_buf *msg, u32 version);
/* @mtu: interface MTU + 14; @caps: HVG_NVSP_CAP_*. NVSP >= 2. */
int hvg_nvsp_build_ndis_config(struct hvg_nvsp_buf *msg, u32 version,
			       u32 mtu, u64 caps);
/* NDIS 6.1 up to NVSP 4, else 6.30. */
int hvg_nvsp_build_ndis_version(struct hvg_nvsp_buf *msg, u32 version);
/* @gpadl: not 0. */
int hvg_nvsp_build_recv_buf(struct hvg_nvsp_buf *msg, u32 gpadl, u16 id);
int hvg_nvsp_build_send_buf(struct hvg_nvsp_buf *msg, u32 gpadl, u16 id);
int hvg_nvsp_build_revoke_recv_buf(struct hvg_nvsp_buf *msg, u16 id);
int hvg_nvsp_build_revoke_send_buf(struct hvg_nvsp_buf *msg, u16 id);
/*
 * @channel_type: HVG_NVSP_CHANNEL_*; @section_index: a section, with
 * 1 <= @section_size, or HVG_NVSP_NO_SECTION with @section_size 0.
 */
int hvg_nvsp_build_rndis_pkt(struct hvg_nvsp_buf *msg, u32 channel_type,
			     u32 section_index, u32 section_size);
/* The receive completion: status HVG_NVSP_STAT_SUCCESS or _FAIL. */
int hvg_nvsp_build_rndis_pkt_complete(struct hvg_nvsp_buf *msg, u32 status);
/* @num: 1 .. 63 sub-channels; NVSP >= 5. */
int hvg_nvsp_build_subchannel(struct hvg_nvsp_buf *msg, u32 version,
			      u32 num);
/* @datapath: HVG_NVSP_DATAPATH_*; NVSP >= 4. */
int hvg_nvsp_build_switch_data_path(struct hvg_nvsp_buf *msg, u32 version,
				    u32 datapath);

/* ---------------------------------------------------------------------
 * The loopback host's builders: what a host sends, as Hyper-V and OpenVMM
 * send it. A message is 28 bytes below NVSP 6.1 and 40 bytes at 6.1
 * (hvg_nvsp_host_len()); each builder returns that length, or -EINVAL for
 * a value the guest must reject (the host never sends one).
 */

/* The length of the host's messages under @version. */
u32 hvg_nvsp_host_len(u32 version);

/*
 * INIT_COMPLETE for the version the guest asked for: status SUCCESS or a
 * refusal (any other status); negotiated_ver 0xffffffff (2 for NVSP 1),
 * max_mdl_chain_len 34.
 */
int hvg_nvsp_host_init_complete(struct hvg_nvsp_buf *msg, u32 version,
				u32 status);
/* One section {0, @size, @count, @size x @count} on success, none else. */
int hvg_nvsp_host_recv_buf_complete(struct hvg_nvsp_buf *msg, u32 version,
				    u32 status, u32 size, u32 count);
int hvg_nvsp_host_send_buf_complete(struct hvg_nvsp_buf *msg, u32 version,
				    u32 status, u32 section_size);
/* A receive: SEND_RNDIS_PKT with no section. */
int hvg_nvsp_host_rndis_pkt(struct hvg_nvsp_buf *msg, u32 version,
			    u32 channel_type);
int hvg_nvsp_host_rndis_pkt_complete(struct hvg_nvsp_buf *msg, u32 version,
				     u32 status);
int hvg_nvsp_host_subchannel_complete(struct hvg_nvsp_buf *msg, u32 version,
				      u32 status, u32 num);

/* SEND_INDIRECTION_TABLE as OpenVMM sends it: the table at offset 12. */
#define HVG_NVSP_SEND_TABLE_MSG_SIZE	\
	(12 + 4 * HVG_NVSP_SEND_TABLE_ENTRIES)
int hvg_nvsp_host_send_table(void *buf, u32 cap, const u32 *table);

#endif /* _HVGUEST_NVSP_MSG_H */
