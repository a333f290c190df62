// SPDX-License-Identifier: GPL-2.0
/*
 * storvsc packets: builders, parser and result mapping (see storvsc_msg.h).
 *
 * The parser copies the version's packet size (or, for a notification,
 * what there is of it) out of the caller's buffer into a zeroed local
 * struct hvg_vstor_packet once, and from then on reads only that copy,
 * each field once.
 */
#include "storvsc_msg.h"

/* SCSI opcodes the result mapping treats specially. */
#define HVG_STOR_OP_TEST_UNIT_READY	0x00
#define HVG_STOR_OP_INQUIRY		0x12
#define HVG_STOR_OP_MODE_SENSE		0x1a
#define HVG_STOR_OP_MODE_SENSE_10	0x5a
#define HVG_STOR_OP_ATA_16		0x85
#define HVG_STOR_OP_ATA_12		0xa1

bool hvg_stor_version_known(u16 version)
{
	return version == HVG_STOR_VERSION_WIN10 ||
	       version == HVG_STOR_VERSION_WIN8_1 ||
	       version == HVG_STOR_VERSION_WIN8;
}

/* 2.0 and 4.2: the layout without the Win8 extension. */
static bool hvg_stor_version_pre_win8(u16 version)
{
	return version == HVG_STOR_VERSION_WIN6 ||
	       version == HVG_STOR_VERSION_WIN7;
}

u32 hvg_stor_packet_size(u16 version)
{
	if (!version || hvg_stor_version_known(version))
		return HVG_VSTOR_PACKET_SIZE;
	if (hvg_stor_version_pre_win8(version))
		return HVG_VSTOR_PACKET_SIZE_PRE_WIN8;
	return 0;
}

u32 hvg_stor_sense_size(u16 version)
{
	if (!version || hvg_stor_version_known(version))
		return HVG_STOR_SENSE_SIZE;
	if (hvg_stor_version_pre_win8(version))
		return HVG_STOR_SENSE_SIZE_PRE_WIN8;
	return 0;
}

static const char *const hvg_stor_op_names[] = {
	[HVG_VSTOR_OP_COMPLETE_IO] = "COMPLETE_IO",
	[HVG_VSTOR_OP_REMOVE_DEVICE] = "REMOVE_DEVICE",
	[HVG_VSTOR_OP_EXECUTE_SRB] = "EXECUTE_SRB",
	[HVG_VSTOR_OP_RESET_LUN] = "RESET_LUN",
	[HVG_VSTOR_OP_RESET_ADAPTER] = "RESET_ADAPTER",
	[HVG_VSTOR_OP_RESET_BUS] = "RESET_BUS",
	[HVG_VSTOR_OP_BEGIN_INITIALIZATION] = "BEGIN_INITIALIZATION",
	[HVG_VSTOR_OP_END_INITIALIZATION] = "END_INITIALIZATION",
	[HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION] = "QUERY_PROTOCOL_VERSION",
	[HVG_VSTOR_OP_QUERY_PROPERTIES] = "QUERY_PROPERTIES",
	[HVG_VSTOR_OP_ENUMERATE_BUS] = "ENUMERATE_BUS",
	[HVG_VSTOR_OP_FCHBA_DATA] = "FCHBA_DATA",
	[HVG_VSTOR_OP_CREATE_SUB_CHANNELS] = "CREATE_SUB_CHANNELS",
	[HVG_VSTOR_OP_EVENT_NOTIFICATION] = "EVENT_NOTIFICATION",
};

const char *hvg_stor_op_name(u32 op)
{
	if (op < ARRAY_SIZE(hvg_stor_op_names) && hvg_stor_op_names[op])
		return hvg_stor_op_names[op];
	return "UNKNOWN";
}

const char *hvg_stor_errname(int err)
{
	switch (-err) {
	case 0:
		return "ok";
	case HVG_STOR_E_SHORT:
		return "packet-too-short";
	case HVG_STOR_E_PKTTYPE:
		return "wrong-packet-type";
	case HVG_STOR_E_OP:
		return "unexpected-operation";
	case HVG_STOR_E_UNSOLICITED:
		return "unsolicited-completion";
	case HVG_STOR_E_SENSE:
		return "sense-too-long";
	case HVG_STOR_E_XFER:
		return "transfer-longer-than-request";
	case HVG_STOR_E_PROPS:
		return "max-transfer-too-small";
	case EINVAL:
		return "invalid-argument";
	default:
		return "unknown-error";
	}
}

/* ---------------------------------------------------------------------
 * Builders
 */

/* A zeroed request of @op, sized for @version; NULL for a bad version. */
static struct hvg_vstor_packet *hvg_stor_start(struct hvg_stor_buf *buf,
					       u16 version, u32 op)
{
	struct hvg_vstor_packet *p = (struct hvg_vstor_packet *)buf->data;
	u32 size = hvg_stor_packet_size(version);

	static_assert(sizeof(buf->data) == sizeof(*p));
	if (!size)
		return NULL;
	memset(buf->data, 0, sizeof(buf->data));
	p->operation = op;
	p->flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION;
	buf->len = size;
	return p;
}

static int hvg_stor_build_plain(struct hvg_stor_buf *buf, u16 version,
				u32 op)
{
	return hvg_stor_start(buf, version, op) ? 0 : -EINVAL;
}

int hvg_stor_build_begin_init(struct hvg_stor_buf *buf, u16 version)
{
	return hvg_stor_build_plain(buf, version,
				    HVG_VSTOR_OP_BEGIN_INITIALIZATION);
}

int hvg_stor_build_query_properties(struct hvg_stor_buf *buf, u16 version)
{
	return hvg_stor_build_plain(buf, version,
				    HVG_VSTOR_OP_QUERY_PROPERTIES);
}

int hvg_stor_build_end_init(struct hvg_stor_buf *buf, u16 version)
{
	return hvg_stor_build_plain(buf, version,
				    HVG_VSTOR_OP_END_INITIALIZATION);
}

/* Sent before any version is agreed: always the full 64-byte packet. */
int hvg_stor_build_query_version(struct hvg_stor_buf *buf, u16 request)
{
	struct hvg_vstor_packet *p;

	if (!hvg_stor_version_known(request))
		return -EINVAL;
	p = hvg_stor_start(buf, 0, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION);
	p->version.major_minor = request;
	p->version.revision = 0;
	return 0;
}

int hvg_stor_build_create_sub_channels(struct hvg_stor_buf *buf,
				       u16 version, u16 count)
{
	struct hvg_vstor_packet *p;

	if (!hvg_stor_version_known(version) || !count)
		return -EINVAL;
	p = hvg_stor_start(buf, version, HVG_VSTOR_OP_CREATE_SUB_CHANNELS);
	p->sub_channel_count = count;
	return 0;
}

int hvg_stor_build_fchba_data(struct hvg_stor_buf *buf, u16 version)
{
	return hvg_stor_build_plain(buf, version, HVG_VSTOR_OP_FCHBA_DATA);
}

int hvg_stor_build_reset(struct hvg_stor_buf *buf, u16 version, u32 op)
{
	if (op != HVG_VSTOR_OP_RESET_LUN && op != HVG_VSTOR_OP_RESET_ADAPTER &&
	    op != HVG_VSTOR_OP_RESET_BUS)
		return -EINVAL;
	return hvg_stor_build_plain(buf, version, op);
}

int hvg_stor_build_srb(struct hvg_stor_buf *buf, u16 version,
		       const struct hvg_stor_srb_args *a)
{
	struct hvg_vmscsi_request *srb;
	struct hvg_vstor_packet *p;
	u32 flags = HVG_SRB_FLAGS_DISABLE_SYNCH_TRANSFER;

	if (!version || !hvg_stor_packet_size(version))
		return -EINVAL;
	if (!a->cdb || !a->cdb_len || a->cdb_len > HVG_STOR_CDB_MAX)
		return -EINVAL;
	switch (a->data_in) {
	case HVG_SRB_DATA_READ:
		flags |= HVG_SRB_FLAGS_DATA_IN;
		if (!a->length)
			return -EINVAL;
		break;
	case HVG_SRB_DATA_WRITE:
		flags |= HVG_SRB_FLAGS_DATA_OUT;
		if (!a->length)
			return -EINVAL;
		break;
	case HVG_SRB_DATA_NONE:
		flags |= HVG_SRB_FLAGS_NO_DATA_TRANSFER;
		if (a->length)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	p = hvg_stor_start(buf, version, HVG_VSTOR_OP_EXECUTE_SRB);
	srb = &p->vm_srb;
	srb->port_number = a->port;
	srb->path_id = a->path_id;
	srb->target_id = a->target_id;
	srb->lun = a->lun;
	srb->cdb_length = a->cdb_len;
	srb->data_in = a->data_in;
	srb->data_transfer_length = a->length;
	memcpy(srb->cdb, a->cdb, a->cdb_len);
	if (hvg_stor_version_pre_win8(version)) {
		/* 36-byte request, 18-byte sense, no extension. */
		srb->length = HVG_VMSCSI_SIZE_PRE_WIN8;
		srb->sense_info_length = HVG_STOR_SENSE_SIZE_PRE_WIN8;
		return 0;
	}
	srb->length = HVG_VMSCSI_SIZE;
	srb->sense_info_length = HVG_STOR_SENSE_SIZE;
	if (a->tagged) {
		flags |= HVG_SRB_FLAGS_QUEUE_ACTION_ENABLE |
			 HVG_SRB_FLAGS_NO_QUEUE_FREEZE;
		srb->queue_tag = HVG_SRB_SP_UNTAGGED;
		srb->queue_action = HVG_SRB_SIMPLE_TAG_REQUEST;
	}
	srb->srb_flags = flags;
	srb->time_out_value = HVG_SRB_TIMEOUT_SECONDS;
	return 0;
}

/* ---------------------------------------------------------------------
 * Parser
 */

/* The requests whose completions the parser knows. */
static bool hvg_stor_op_is_request(u32 op)
{
	switch (op) {
	case HVG_VSTOR_OP_EXECUTE_SRB:
	case HVG_VSTOR_OP_RESET_LUN:
	case HVG_VSTOR_OP_RESET_ADAPTER:
	case HVG_VSTOR_OP_RESET_BUS:
	case HVG_VSTOR_OP_BEGIN_INITIALIZATION:
	case HVG_VSTOR_OP_END_INITIALIZATION:
	case HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION:
	case HVG_VSTOR_OP_QUERY_PROPERTIES:
	case HVG_VSTOR_OP_CREATE_SUB_CHANNELS:
	case HVG_VSTOR_OP_FCHBA_DATA:
		return true;
	default:
		return false;
	}
}

/*
 * Host notifications carry transaction id 0. Only the operation is read:
 * Linux accepts them from 4 bytes on, and the guest's answer to either is
 * a rescan, whatever else the packet says.
 */
static int hvg_stor_parse_notification(const u8 *buf, u32 len, u16 pkt_type,
				       struct hvg_stor_msg *out)
{
	u32 op;

	if (len < sizeof(op))
		return -HVG_STOR_E_SHORT;
	memcpy(&op, buf, sizeof(op));
	if (op == HVG_VSTOR_OP_COMPLETE_IO || op == HVG_VSTOR_OP_FCHBA_DATA)
		return -HVG_STOR_E_UNSOLICITED;
	if (pkt_type != HVG_PKT_DATA_INBAND)
		return -HVG_STOR_E_PKTTYPE;
	if (op == HVG_VSTOR_OP_ENUMERATE_BUS)
		out->kind = HVG_STOR_MSG_ENUMERATE;
	else if (op == HVG_VSTOR_OP_REMOVE_DEVICE)
		out->kind = HVG_STOR_MSG_REMOVE;
	else
		return -HVG_STOR_E_OP;
	out->op = op;
	return 0;
}

static int hvg_stor_parse_properties(const struct hvg_vstor_packet *p,
				     u16 version, struct hvg_stor_msg *out)
{
	u32 max_transfer = p->properties.max_transfer_bytes;
	u32 flags = p->properties.flags;
	u16 channels = p->properties.max_channel_cnt;

	if (out->status != HVG_NT_SUCCESS)
		return 0;	/* nothing else to read: the probe fails */
	max_transfer &= ~(HVG_STOR_MIN_TRANSFER - 1);
	if (max_transfer < HVG_STOR_MIN_TRANSFER)
		return -HVG_STOR_E_PROPS;
	out->max_transfer = max_transfer;
	/* Sub-channels exist from 5.1 on, and only with the flag. */
	if (hvg_stor_version_known(version) &&
	    (flags & HVG_STOR_PROP_MULTI_CHANNEL)) {
		out->multi_channel = true;
		out->max_channel_cnt = channels;
	}
	return 0;
}

static int hvg_stor_parse_srb(const struct hvg_vstor_packet *p, u16 version,
			      u32 requested, struct hvg_stor_srb_result *r)
{
	u32 sense_max = hvg_stor_sense_size(version);
	u8 srb_status = p->vm_srb.srb_status;
	u8 scsi_status = p->vm_srb.scsi_status;
	u8 sense_len = p->vm_srb.sense_info_length;
	u32 transferred = p->vm_srb.data_transfer_length;

	if (transferred > requested)
		return -HVG_STOR_E_XFER;
	if (sense_len > sense_max)
		return -HVG_STOR_E_SENSE;
	r->srb_status = srb_status;
	r->scsi_status = scsi_status;
	r->transferred = transferred;
	if ((srb_status & HVG_SRB_STATUS_AUTOSENSE_VALID) &&
	    scsi_status == HVG_SAM_STAT_CHECK_CONDITION) {
		r->sense_len = sense_len;
		memcpy(r->sense, p->vm_srb.sense_data, sense_len);
	}
	return 0;
}

int hvg_stor_parse(const void *buf, u32 len, u16 pkt_type, u64 trans_id,
		   u16 version, const struct hvg_stor_expect *expect,
		   struct hvg_stor_msg *out)
{
	u32 size = hvg_stor_packet_size(version);
	struct hvg_vstor_packet p;

	if (!size)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!trans_id)
		return hvg_stor_parse_notification(buf, len, pkt_type, out);

	if (!expect || !hvg_stor_op_is_request(expect->op))
		return -EINVAL;
	/* No I/O before a version is agreed: the driver's own bug. */
	if (expect->op == HVG_VSTOR_OP_EXECUTE_SRB && !version)
		return -EINVAL;
	if (pkt_type != HVG_PKT_COMP)
		return -HVG_STOR_E_PKTTYPE;
	if (len < size)
		return -HVG_STOR_E_SHORT;

	/* The private copy: a pre-5.1 packet leaves the extension zero. */
	memset(&p, 0, sizeof(p));
	memcpy(&p, buf, size);
	if (p.operation != HVG_VSTOR_OP_COMPLETE_IO)
		return -HVG_STOR_E_OP;
	out->kind = HVG_STOR_MSG_COMPLETION;
	out->op = expect->op;
	out->status = p.status;

	switch (expect->op) {
	case HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION:
		out->version_accepted = out->status == HVG_NT_SUCCESS;
		out->echoed_version = p.version.major_minor;
		return 0;
	case HVG_VSTOR_OP_QUERY_PROPERTIES:
		return hvg_stor_parse_properties(&p, version, out);
	case HVG_VSTOR_OP_EXECUTE_SRB:
		return hvg_stor_parse_srb(&p, version, expect->data_length,
					  &out->srb);
	case HVG_VSTOR_OP_FCHBA_DATA:
		/* Names only: whatever their bytes, nothing is sized by them. */
		if (out->status == HVG_NT_SUCCESS)
			out->wwn = p.wwn;
		return 0;
	default:
		return 0;	/* the status is all there is */
	}
}

/* ---------------------------------------------------------------------
 * Result mapping
 */

/* The additional sense code and qualifier, from fixed or descriptor sense. */
static bool hvg_stor_sense_codes(const struct hvg_stor_srb_result *c,
				 u8 *key, u8 *asc, u8 *ascq)
{
	const u8 *s = c->sense;
	u8 len = c->sense_len;

	if (!len)
		return false;
	switch (s[0] & 0x7f) {
	case 0x70:	/* fixed format, current */
	case 0x71:	/* fixed format, deferred */
		if (len < 14)
			return false;
		*key = s[2] & 0xf;
		*asc = s[12];
		*ascq = s[13];
		return true;
	case 0x72:	/* descriptor format, current */
	case 0x73:	/* descriptor format, deferred */
		if (len < 4)
			return false;
		*key = s[1] & 0xf;
		*asc = s[2];
		*ascq = s[3];
		return true;
	default:
		return false;
	}
}

void hvg_stor_map_result(const struct hvg_stor_srb_result *c, u8 opcode,
			 struct hvg_stor_result *r)
{
	u8 code = c->srb_status & HVG_SRB_STATUS_CODE_MASK;
	bool ok = code == HVG_SRB_STATUS_SUCCESS ||
		  code == HVG_SRB_STATUS_DATA_OVERRUN;
	u8 key, asc, ascq;

	r->host_byte = HVG_STOR_DID_OK;
	r->scsi_status = c->scsi_status;
	r->action = HVG_STOR_ACT_NONE;
	r->pass_sense = false;
	r->transferred = ok ? c->transferred : 0;

	if (code == HVG_SRB_STATUS_INVALID_LUN) {
		r->host_byte = HVG_STOR_DID_NO_CONNECT;
		r->scsi_status = HVG_SAM_STAT_GOOD;
		r->action = HVG_STOR_ACT_REMOVE_LUN;
		r->transferred = 0;
		return;
	}

	if (c->sense_len) {
		if (hvg_stor_sense_codes(c, &key, &asc, &ascq) &&
		    key == HVG_SENSE_KEY_UNIT_ATTENTION) {
			/* Capacity data has changed. */
			if (asc == 0x2a && ascq == 0x09)
				r->action = HVG_STOR_ACT_SCAN_LUN;
			/* Reported LUNs data has changed. */
			else if (asc == 0x3f && ascq == 0x0e)
				r->action = HVG_STOR_ACT_SCAN_HOST;
			/* Other operating parameters, not microcode. */
			else if (asc == 0x3f && ascq != 0x03)
				r->action = HVG_STOR_ACT_SCAN_LUN;
		}
		if (r->action != HVG_STOR_ACT_NONE) {
			/* Retry it once the scan has picked the change up. */
			r->host_byte = HVG_STOR_DID_REQUEUE;
			r->scsi_status = HVG_SAM_STAT_GOOD;
			r->transferred = 0;
			return;
		}
		r->pass_sense = true;
		return;
	}

	if (ok)
		return;

	switch (opcode) {
	case HVG_STOR_OP_INQUIRY:
	case HVG_STOR_OP_MODE_SENSE:
	case HVG_STOR_OP_MODE_SENSE_10:
		/* Hosts fail pages they lack: not a reason to lose a disk. */
		r->scsi_status = HVG_SAM_STAT_GOOD;
		r->transferred = c->transferred;
		return;
	case HVG_STOR_OP_TEST_UNIT_READY:
		return;		/* the SCSI status says it */
	case HVG_STOR_OP_ATA_16:
	case HVG_STOR_OP_ATA_12:
		r->host_byte = HVG_STOR_DID_PASSTHROUGH;
		return;
	}
	r->host_byte = code == HVG_SRB_STATUS_BUS_RESET ? HVG_STOR_DID_RESET :
							  HVG_STOR_DID_ERROR;
}
