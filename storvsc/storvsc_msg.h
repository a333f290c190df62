/* SPDX-License-Identifier: GPL-2.0 */
/*
 * storvsc packets: builders for what the guest sends, the parser for what
 * the host sends, and the mapping of a finished SCSI request to what the
 * SCSI midlayer wants.
 *
 * Pure C, like vmbus/chanmsg.c: it uses only what vmbus/ring_env.h names,
 * so the same file builds into hvg_storvsc.ko, into the KUnit module and
 * into the user-space tests and fuzzer of tools/. It keeps no state: the
 * driver matches completions to requests (by transaction id) and tells the
 * parser what the matched request was.
 *
 * The parser's input is the payload of one packet, already copied out of
 * the ring into private memory, with the descriptor's packet type and
 * transaction id. Each field is read once, from a local copy of the
 * packet; malformed input is rejected, never clamped.
 *
 * Parser errors (negative errno values, one per kind of malformed input):
 *
 *   -EBADMSG     HVG_STOR_E_SHORT      a completion shorter than the
 *                                      version's packet (64 bytes from
 *                                      5.1 on and before negotiation, 48
 *                                      before 5.1); a notification shorter
 *                                      than its 4-byte operation
 *   -EPROTOTYPE  HVG_STOR_E_PKTTYPE    a completion that is not a
 *                                      completion packet (type 11), a
 *                                      notification that is not in-band
 *                                      (type 6)
 *   -ENOMSG      HVG_STOR_E_OP         a completion whose operation is not
 *                                      COMPLETE_IO; a notification with an
 *                                      operation other than ENUMERATE_BUS
 *                                      or REMOVE_DEVICE
 *   -EBADE       HVG_STOR_E_UNSOLICITED  transaction id 0 with COMPLETE_IO
 *                                      or FCHBA_DATA: an answer to nothing
 *   -EOVERFLOW   HVG_STOR_E_SENSE      EXECUTE_SRB completion:
 *                                      sense_info_length larger than the
 *                                      version's sense buffer
 *   -ERANGE      HVG_STOR_E_XFER       EXECUTE_SRB completion:
 *                                      data_transfer_length larger than
 *                                      the request's
 *   -EDOM        HVG_STOR_E_PROPS      QUERY_PROPERTIES completion with
 *                                      status 0: max_transfer_bytes below
 *                                      one 4 KiB page
 *
 * and -EINVAL when the caller's own arguments are wrong (an unknown
 * version, an expected operation the guest never sends): a driver bug,
 * not the host's.
 *
 * A packet longer than the version's size is accepted (ring payloads are
 * padded to 8 bytes, and newer hosts may grow packets); only the version's
 * size is read.
 */
#ifndef _HVGUEST_STORVSC_MSG_H
#define _HVGUEST_STORVSC_MSG_H

#include "../vmbus/ring_env.h"
#include <hvguest/vmbus_proto.h>
#include <hvguest/storvsc_proto.h>

#define HVG_STOR_E_SHORT	EBADMSG
#define HVG_STOR_E_PKTTYPE	EPROTOTYPE
#define HVG_STOR_E_OP		ENOMSG
#define HVG_STOR_E_UNSOLICITED	EBADE
#define HVG_STOR_E_SENSE	EOVERFLOW
#define HVG_STOR_E_XFER		ERANGE
#define HVG_STOR_E_PROPS	EDOM

/* The smallest max_transfer_bytes a host may announce (after rounding). */
#define HVG_STOR_MIN_TRANSFER	4096u

/**
 * hvg_stor_version_known() - is @version one hvguest negotiates
 * @version: major << 8 | minor
 *
 * Return: true for 6.2, 6.0 and 5.1.
 */
bool hvg_stor_version_known(u16 version);

/**
 * hvg_stor_packet_size() - the packet size a version implies
 * @version: a protocol version, or 0 before one is negotiated
 *
 * Return: 64 for 0 and from 5.1 on, 48 for 2.0 and 4.2, 0 for a value
 * that is no storvsc version.
 */
u32 hvg_stor_packet_size(u16 version);

/**
 * hvg_stor_sense_size() - the sense buffer size a version implies
 * @version: as for hvg_stor_packet_size()
 *
 * Return: 20 for 0 and from 5.1 on, 18 for 2.0 and 4.2, 0 otherwise.
 */
u32 hvg_stor_sense_size(u16 version);

/* ---------------------------------------------------------------------
 * Builders. Each writes one whole packet (every byte it does not set is
 * zero; flags = REQUEST_COMPLETION) of the size @version implies, and sets
 * buf->len. Send it in-band with COMPLETION_REQUESTED (EXECUTE_SRB with
 * data: as the payload of a GPA-direct packet). @version is the negotiated
 * version, or 0 before one is (then the packet is the full 64 bytes, which
 * every host accepts). Return: 0, or -EINVAL for an unknown version or an
 * argument the wire cannot carry; @buf is then unspecified.
 */
struct hvg_stor_buf {
	union {
		u8 data[HVG_VSTOR_PACKET_SIZE];
		u32 align;	/* the packet is 4-byte aligned */
	};
	u32 len;
};

/* BEGIN_INITIALIZATION */
int hvg_stor_build_begin_init(struct hvg_stor_buf *buf, u16 version);

/* QUERY_PROTOCOL_VERSION: asks for @request, one of the known versions. */
int hvg_stor_build_query_version(struct hvg_stor_buf *buf, u16 request);

/* QUERY_PROPERTIES */
int hvg_stor_build_query_properties(struct hvg_stor_buf *buf, u16 version);

/* END_INITIALIZATION */
int hvg_stor_build_end_init(struct hvg_stor_buf *buf, u16 version);

/*
 * CREATE_SUB_CHANNELS for @count (1 .. 65535) sub-channels; the host has
 * them from 5.1 on only (-EINVAL below).
 */
int hvg_stor_build_create_sub_channels(struct hvg_stor_buf *buf,
				       u16 version, u16 count);

/*
 * FCHBA_DATA: a Fibre Channel controller asks for its port and node names
 * after QUERY_PROPERTIES (only FC controllers send it).
 */
int hvg_stor_build_fchba_data(struct hvg_stor_buf *buf, u16 version);

/* RESET_LUN, RESET_ADAPTER or RESET_BUS (@op); -EINVAL for another op. */
int hvg_stor_build_reset(struct hvg_stor_buf *buf, u16 version, u32 op);

/**
 * struct hvg_stor_srb_args - one SCSI command for EXECUTE_SRB
 * @cdb: the CDB, @cdb_len bytes
 * @cdb_len: 1 .. 16
 * @data_in: HVG_SRB_DATA_READ, _WRITE, or _NONE (then @length is 0)
 * @length: bytes of data (the buffer the GPA ranges describe); 0 only
 *	with HVG_SRB_DATA_NONE
 * @port: the controller's port number
 * @path_id: the SCSI channel
 * @target_id: the target
 * @lun: the LUN (0 .. 255)
 * @tagged: the device does tagged queuing: ask for a simple queue tag
 */
struct hvg_stor_srb_args {
	const u8 *cdb;
	u8 cdb_len;
	u8 data_in;
	u32 length;
	u8 port;
	u8 path_id;
	u8 target_id;
	u8 lun;
	bool tagged;
};

/**
 * hvg_stor_build_srb() - EXECUTE_SRB
 * @buf: the packet
 * @version: the negotiated version (not 0: no I/O before negotiation)
 * @a: the command
 *
 * The request's length and sense_info_length are the version's sizes.
 * From 5.1 on the extension carries DISABLE_SYNCH_TRANSFER, DATA_IN or
 * DATA_OUT as the direction says, a 60 s time-out, and for a tagged
 * device QUEUE_ACTION_ENABLE | NO_QUEUE_FREEZE with an untagged queue tag
 * and a simple-tag queue action.
 *
 * Return: 0; -EINVAL for version 0 or an unknown one, a CDB length outside
 * 1 .. 16, an unknown direction, data with direction NONE or no data with
 * READ or WRITE.
 */
int hvg_stor_build_srb(struct hvg_stor_buf *buf, u16 version,
		       const struct hvg_stor_srb_args *a);

/* ---------------------------------------------------------------------
 * Parser.
 */

/* What a parsed packet is (hvg_stor_msg.kind). */
#define HVG_STOR_MSG_COMPLETION	1	/* answers expect->op */
#define HVG_STOR_MSG_ENUMERATE	2	/* ENUMERATE_BUS: rescan the bus */
#define HVG_STOR_MSG_REMOVE	3	/* REMOVE_DEVICE: rescan the bus */

/**
 * struct hvg_stor_expect - the request a completion answers
 * @op: its HVG_VSTOR_OP_* (one the guest sends)
 * @data_length: EXECUTE_SRB: the request's data_transfer_length
 * @version: QUERY_PROTOCOL_VERSION: the version asked for
 */
struct hvg_stor_expect {
	u32 op;
	u32 data_length;
	u16 version;
};

/* The EXECUTE_SRB completion, parsed. */
struct hvg_stor_srb_result {
	u8 srb_status;		/* as sent, flags included */
	u8 scsi_status;
	/*
	 * Bytes of sense_data that are valid: sense_info_length when
	 * AUTOSENSE_VALID is set and scsi_status is CHECK CONDITION, else
	 * 0. Never more than the version's sense buffer.
	 */
	u8 sense_len;
	u8 sense[HVG_STOR_SENSE_SIZE];	/* zero past sense_len */
	u32 transferred;	/* <= expect->data_length */
};

/**
 * struct hvg_stor_msg - one host packet, parsed
 * @kind: HVG_STOR_MSG_*
 * @op: the request answered (COMPLETION), or the notification's operation
 * @status: the NTSTATUS of a completion (0: success)
 * @version_accepted: QUERY_PROTOCOL_VERSION: status is 0
 * @echoed_version: QUERY_PROTOCOL_VERSION: the version the host put back
 *	(reported, not trusted: the guest uses the version it asked for)
 * @max_channel_cnt: QUERY_PROPERTIES: sub-channels the host can offer
 *	(0 when it cannot, and below 5.1)
 * @multi_channel: QUERY_PROPERTIES: the host supports sub-channels (never
 *	below 5.1)
 * @max_transfer: QUERY_PROPERTIES: max_transfer_bytes rounded down to
 *	4 KiB, at least 4 KiB when @status is 0
 * @srb: EXECUTE_SRB: the SCSI result
 * @wwn: FCHBA_DATA with status 0: the port and node world-wide names
 */
struct hvg_stor_msg {
	u32 kind;
	u32 op;
	u32 status;
	bool version_accepted;
	u16 echoed_version;
	u16 max_channel_cnt;
	bool multi_channel;
	u32 max_transfer;
	struct hvg_stor_srb_result srb;
	struct hvg_vstor_fc_wwn wwn;
};

/**
 * hvg_stor_parse() - validate and parse one packet from the host
 * @buf: private copy of the packet's payload; at least @len bytes
 * @len: the payload length (not trusted: anything)
 * @pkt_type: the descriptor's packet type (HVG_PKT_*)
 * @trans_id: the descriptor's transaction id: 0 for a host notification,
 *	else a completion that the caller matched to one of its requests
 * @version: the negotiated version, or 0 before one is
 * @expect: for a completion, the request it answers; unused (may be NULL)
 *	for transaction id 0
 * @out: the parsed packet; unspecified when the return is not 0
 *
 * Reads at most the version's packet size of @buf, each byte once.
 *
 * Return: 0, or one of the negative HVG_STOR_E_* errors listed at the top
 * of this file; -EINVAL for an unknown version or a bad @expect.
 */
int hvg_stor_parse(const void *buf, u32 len, u16 pkt_type, u64 trans_id,
		   u16 version, const struct hvg_stor_expect *expect,
		   struct hvg_stor_msg *out);

/**
 * hvg_stor_errname() - the name of a parser error, for log messages
 * @err: a negative HVG_STOR_E_* value, -EINVAL, or 0
 *
 * Return: a static string such as "sense-too-long"; "ok" for 0,
 * "unknown-error" for anything else.
 */
const char *hvg_stor_errname(int err);

/**
 * hvg_stor_op_name() - the name of an operation, for log messages
 * @op: a vstor operation
 *
 * Return: a static string such as "EXECUTE_SRB"; "UNKNOWN" outside 1..14.
 */
const char *hvg_stor_op_name(u32 op);

/* ---------------------------------------------------------------------
 * What a finished SCSI command means to the midlayer.
 */

/*
 * Host bytes: the values of the kernel's DID_* (include/scsi/scsi_status.h),
 * which the driver asserts at build time.
 */
#define HVG_STOR_DID_OK			0x00
#define HVG_STOR_DID_NO_CONNECT		0x01
#define HVG_STOR_DID_RESET		0x08
#define HVG_STOR_DID_ERROR		0x07
#define HVG_STOR_DID_PASSTHROUGH	0x0a
#define HVG_STOR_DID_REQUEUE		0x0d

/* What the driver does besides completing the command. */
#define HVG_STOR_ACT_NONE		0
#define HVG_STOR_ACT_REMOVE_LUN		1	/* the LUN is gone */
#define HVG_STOR_ACT_SCAN_LUN		2	/* rescan it: capacity etc. */
#define HVG_STOR_ACT_SCAN_HOST		3	/* LUNs were added/removed */

/* SAM status bytes and sense keys the mapping looks at. */
#define HVG_SAM_STAT_GOOD		0x00
#define HVG_SAM_STAT_CHECK_CONDITION	0x02
#define HVG_SENSE_KEY_UNIT_ATTENTION	0x6

/**
 * struct hvg_stor_result - the midlayer's view of a finished command
 * @host_byte: HVG_STOR_DID_*
 * @scsi_status: the SAM status byte to report (0 when @host_byte says it
 *	all)
 * @action: HVG_STOR_ACT_*
 * @pass_sense: hand the completion's sense bytes to the midlayer
 * @transferred: bytes moved; the residual is the request's length minus
 *	this
 */
struct hvg_stor_result {
	u8 host_byte;
	u8 scsi_status;
	u8 action;
	bool pass_sense;
	u32 transferred;
};

/**
 * hvg_stor_map_result() - map an SRB completion to the midlayer's terms
 * @c: the parsed completion
 * @opcode: the command's CDB byte 0
 * @r: the result
 *
 * In this order:
 * - INVALID_LUN: DID_NO_CONNECT; remove the LUN.
 * - Valid sense (CHECK CONDITION with AUTOSENSE_VALID), fixed or
 *   descriptor format: "capacity data has changed" (2A/09), or "operating
 *   parameters have changed" 3F/xx other than 3F/03 (microcode) and 3F/0E:
 *   DID_REQUEUE and rescan the LUN; "reported LUNs data has changed"
 *   (3F/0E): DID_REQUEUE and rescan the host; any other sense goes to the
 *   midlayer with DID_OK and the SCSI status (it decides).
 * - SUCCESS, DATA_OVERRUN (Windows says so for an underrun too): DID_OK,
 *   the SCSI status as sent, the bytes the host moved.
 * - Any other code, no sense: INQUIRY and MODE SENSE succeed with what
 *   was moved (hosts fail some pages they do not have); TEST UNIT READY
 *   reports its SCSI status; ATA pass-through gets DID_PASSTHROUGH;
 *   BUS_RESET DID_RESET; anything else (ERROR, ABORTED, TIMEOUT,
 *   SELECTION_TIMEOUT, INTERNAL_ERROR, unknown codes) DID_ERROR: a bounded
 *   retry by the midlayer, then an I/O error, never a silent success.
 *
 * Data moved counts only with SUCCESS or DATA_OVERRUN (and the INQUIRY /
 * MODE SENSE exception); otherwise the whole request is residual.
 */
void hvg_stor_map_result(const struct hvg_stor_srb_result *c, u8 opcode,
			 struct hvg_stor_result *r);

#endif /* _HVGUEST_STORVSC_MSG_H */
