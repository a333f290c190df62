/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storvsc protocol: what a guest's synthetic SCSI controller and the
 * host's storage service (storvsp) exchange on a VMBus storage channel.
 *
 * Every packet's payload is one struct hvg_vstor_packet: an operation, a
 * flags word, an NTSTATUS and a 52-byte union whose meaning the operation
 * gives. Guest requests are in-band packets (EXECUTE_SRB with data:
 * GPA-direct) with COMPLETION_REQUESTED; the host answers each with a
 * completion packet (type 11) that echoes the transaction id and carries
 * operation COMPLETE_IO. The host's own notifications (ENUMERATE_BUS,
 * REMOVE_DEVICE) are in-band packets with transaction id 0.
 *
 * The packet's size depends on the protocol version: from 5.1 (Windows 8)
 * on the SCSI request carries a 16-byte extension, the packet is 64 bytes
 * and the sense buffer 20; before 5.1 (2.0, 4.2) the packet is 48 bytes
 * and the sense buffer 18. hvguest negotiates only 6.2, 6.0 and 5.1, and
 * sends 64-byte packets from the first one on (hosts accept a full-size
 * packet before the version is known).
 *
 * Wire format: every field fixed width and little endian, no bitfields or
 * enums; sizes and key offsets are asserted below. This header also
 * compiles in user space (tools/).
 */
#ifndef _HVGUEST_STORVSC_PROTO_H
#define _HVGUEST_STORVSC_PROTO_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>

/*
 * Protocol versions: major << 8 | minor in a u16 (struct
 * hvg_vstor_protocol_version). The guest tries them newest first.
 */
#define HVG_STOR_VERSION(major, minor)	((u16)((major) << 8 | (minor)))
#define HVG_STOR_VERSION_WIN6		0x0200	/* 2.0, pre-Win8 layout */
#define HVG_STOR_VERSION_WIN7		0x0402	/* 4.2, pre-Win8 layout */
#define HVG_STOR_VERSION_WIN8		0x0501	/* 5.1: Win8 extension */
#define HVG_STOR_VERSION_WIN8_1		0x0600	/* 6.0 */
#define HVG_STOR_VERSION_WIN10		0x0602	/* 6.2 */

/* vstor_packet.operation */
#define HVG_VSTOR_OP_COMPLETE_IO		1
#define HVG_VSTOR_OP_REMOVE_DEVICE		2
#define HVG_VSTOR_OP_EXECUTE_SRB		3
#define HVG_VSTOR_OP_RESET_LUN			4
#define HVG_VSTOR_OP_RESET_ADAPTER		5
#define HVG_VSTOR_OP_RESET_BUS			6
#define HVG_VSTOR_OP_BEGIN_INITIALIZATION	7
#define HVG_VSTOR_OP_END_INITIALIZATION		8
#define HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION	9
#define HVG_VSTOR_OP_QUERY_PROPERTIES		10
#define HVG_VSTOR_OP_ENUMERATE_BUS		11
#define HVG_VSTOR_OP_FCHBA_DATA			12
#define HVG_VSTOR_OP_CREATE_SUB_CHANNELS	13
/*
 * (newer hosts) EVENT_NOTIFICATION: sent only to a guest that asked for it
 * through client properties, which hvguest never does.
 */
#define HVG_VSTOR_OP_EVENT_NOTIFICATION		14

/* vstor_packet.flags: set on every guest request. */
#define HVG_VSTOR_FLAG_REQUEST_COMPLETION	0x1

/*
 * vstor_packet.status: an NTSTATUS. The values a host uses (0 and the
 * warnings 0x8..., the errors 0xC...).
 */
#define HVG_NT_SUCCESS				0x00000000u
#define HVG_NT_BUFFER_OVERFLOW			0x80000005u
#define HVG_NT_DEVICE_BUSY			0x80000011u
#define HVG_NT_UNSUCCESSFUL			0xC0000001u
#define HVG_NT_INVALID_PARAMETER		0xC000000Du
#define HVG_NT_INVALID_DEVICE_REQUEST		0xC0000010u
#define HVG_NT_REVISION_MISMATCH		0xC0000059u
#define HVG_NT_DEVICE_NOT_CONNECTED		0xC000009Du
#define HVG_NT_IO_TIMEOUT			0xC00000B5u
#define HVG_NT_DEVICE_DOES_NOT_EXIST		0xC00000C0u
#define HVG_NT_CANCELLED			0xC0000120u
#define HVG_NT_INVALID_DEVICE_STATE		0xC0000184u
#define HVG_NT_IO_DEVICE_ERROR			0xC0000185u

/* Sizes that depend on the protocol version. */
#define HVG_STOR_CDB_MAX			16
#define HVG_STOR_SENSE_SIZE			20	/* >= 5.1 */
#define HVG_STOR_SENSE_SIZE_PRE_WIN8		18	/* 2.0, 4.2 */
#define HVG_VMSCSI_WIN8_EXT_SIZE		16
#define HVG_VMSCSI_SIZE				52	/* >= 5.1 */
#define HVG_VMSCSI_SIZE_PRE_WIN8		36	/* 2.0, 4.2 */
#define HVG_VSTOR_PACKET_SIZE			64	/* >= 5.1 */
#define HVG_VSTOR_PACKET_SIZE_PRE_WIN8		48	/* 2.0, 4.2 */
/* Operation, flags, status: the part every packet has. */
#define HVG_VSTOR_HDR_SIZE			12

/* vmscsi_request.data_in */
#define HVG_SRB_DATA_WRITE		0	/* guest to disk */
#define HVG_SRB_DATA_READ		1	/* disk to guest */
#define HVG_SRB_DATA_NONE		2	/* "unknown type": no data */

/* vmscsi_request.srb_status: a code in the low 6 bits, two flags. */
#define HVG_SRB_STATUS_AUTOSENSE_VALID		0x80
#define HVG_SRB_STATUS_QUEUE_FROZEN		0x40
#define HVG_SRB_STATUS_CODE_MASK		0x3f
#define HVG_SRB_STATUS_PENDING			0x00
#define HVG_SRB_STATUS_SUCCESS			0x01
#define HVG_SRB_STATUS_ABORTED			0x02
#define HVG_SRB_STATUS_ERROR			0x04
#define HVG_SRB_STATUS_INVALID_REQUEST		0x06
#define HVG_SRB_STATUS_TIMEOUT			0x09
#define HVG_SRB_STATUS_SELECTION_TIMEOUT	0x0a
#define HVG_SRB_STATUS_BUS_RESET		0x0e
#define HVG_SRB_STATUS_DATA_OVERRUN		0x12	/* over- or underrun */
#define HVG_SRB_STATUS_INVALID_LUN		0x20
#define HVG_SRB_STATUS_INTERNAL_ERROR		0x30

/* vmscsi_request.srb_flags (Win8 extension) */
#define HVG_SRB_FLAGS_QUEUE_ACTION_ENABLE	0x00000002
#define HVG_SRB_FLAGS_DISABLE_DISCONNECT	0x00000004
#define HVG_SRB_FLAGS_DISABLE_SYNCH_TRANSFER	0x00000008	/* always */
#define HVG_SRB_FLAGS_BYPASS_FROZEN_QUEUE	0x00000010
#define HVG_SRB_FLAGS_DISABLE_AUTOSENSE		0x00000020
#define HVG_SRB_FLAGS_DATA_IN			0x00000040
#define HVG_SRB_FLAGS_DATA_OUT			0x00000080
#define HVG_SRB_FLAGS_NO_DATA_TRANSFER		0x00000000
#define HVG_SRB_FLAGS_NO_QUEUE_FREEZE		0x00000100
#define HVG_SRB_FLAGS_ADAPTER_CACHE_ENABLE	0x00000200
#define HVG_SRB_FLAGS_FREE_SENSE_BUFFER		0x00000400
#define HVG_SRB_FLAGS_D3_PROCESSING		0x00000800

/* vmscsi_request.queue_tag and queue_action (Win8 extension) */
#define HVG_SRB_SP_UNTAGGED			0xff
#define HVG_SRB_SIMPLE_TAG_REQUEST		0x20
/* vmscsi_request.time_out_value: what guests send, in seconds. */
#define HVG_SRB_TIMEOUT_SECONDS			60

/*
 * The SCSI request block: the union member of EXECUTE_SRB, and of its
 * completion, where the host returns the statuses, the bytes transferred
 * and (in place of the CDB) the sense data. Before 5.1 the struct ends
 * after the union (HVG_VMSCSI_SIZE_PRE_WIN8) and the sense buffer is 18
 * bytes; from 5.1 on the extension follows.
 */
struct hvg_vmscsi_request {
	u16 length;		/* the version's vmscsi size: 52 (36) */
	u8 srb_status;		/* completion: HVG_SRB_STATUS_* */
	u8 scsi_status;		/* completion: SAM status byte */
	u8 port_number;
	u8 path_id;
	u8 target_id;
	u8 lun;
	u8 cdb_length;		/* 1 .. 16 */
	u8 sense_info_length;	/* the version's sense size: 20 (18) */
	u8 data_in;		/* HVG_SRB_DATA_* */
	u8 reserved;
	u32 data_transfer_length; /* request: buffer; completion: moved */
	union {
		u8 cdb[HVG_STOR_CDB_MAX];
		u8 sense_data[HVG_STOR_SENSE_SIZE];
	};
	/* Win8 extension: protocol 5.1 and newer only. */
	u16 reserve;
	u8 queue_tag;		/* HVG_SRB_SP_UNTAGGED */
	u8 queue_action;	/* HVG_SRB_SIMPLE_TAG_REQUEST */
	u32 srb_flags;		/* HVG_SRB_FLAGS_* */
	u32 time_out_value;	/* seconds */
	u32 queue_sort_key;
};

static_assert(sizeof(struct hvg_vmscsi_request) == HVG_VMSCSI_SIZE);
static_assert(offsetof(struct hvg_vmscsi_request, srb_status) == 2);
static_assert(offsetof(struct hvg_vmscsi_request, lun) == 7);
static_assert(offsetof(struct hvg_vmscsi_request, sense_info_length) == 9);
static_assert(offsetof(struct hvg_vmscsi_request, data_in) == 10);
static_assert(offsetof(struct hvg_vmscsi_request, data_transfer_length) == 12);
static_assert(offsetof(struct hvg_vmscsi_request, cdb) == 16);
static_assert(offsetof(struct hvg_vmscsi_request, sense_data) == 16);
static_assert(offsetof(struct hvg_vmscsi_request, reserve) ==
	      HVG_VMSCSI_SIZE_PRE_WIN8);
static_assert(offsetof(struct hvg_vmscsi_request, queue_tag) == 38);
static_assert(offsetof(struct hvg_vmscsi_request, srb_flags) == 40);
static_assert(offsetof(struct hvg_vmscsi_request, time_out_value) == 44);
static_assert(offsetof(struct hvg_vmscsi_request, queue_sort_key) == 48);
static_assert(HVG_VMSCSI_SIZE - HVG_VMSCSI_SIZE_PRE_WIN8 ==
	      HVG_VMSCSI_WIN8_EXT_SIZE);

/* QUERY_PROPERTIES answer: vmstorage_channel_properties.flags */
#define HVG_STOR_PROP_MULTI_CHANNEL		0x1

/*
 * The answer to QUERY_PROPERTIES. Linux reads only max_channel_cnt, flags
 * and max_transfer_bytes; BSD drivers name the first word u16 proto_ver,
 * u8 path_id, u8 target_id, reserved1 a u16 port and reserved2 a u64
 * unique id. A host zeroes what it does not fill. reserved2 is two u32 so
 * that the struct keeps its 4-byte alignment at offset 12 of the packet
 * (a u64 there would be misaligned and pad the union).
 */
struct hvg_vstor_channel_properties {
	u32 reserved;
	u16 max_channel_cnt;	/* sub-channels the host can offer */
	u16 reserved1;
	u32 flags;		/* HVG_STOR_PROP_* */
	u32 max_transfer_bytes;
	u32 reserved2[2];
};

static_assert(sizeof(struct hvg_vstor_channel_properties) == 24);
static_assert(offsetof(struct hvg_vstor_channel_properties,
		       max_channel_cnt) == 4);
static_assert(offsetof(struct hvg_vstor_channel_properties, flags) == 8);
static_assert(offsetof(struct hvg_vstor_channel_properties,
		       max_transfer_bytes) == 12);

/*
 * QUERY_PROTOCOL_VERSION: the guest names a version; the host echoes it
 * with status 0 (accepted) or REVISION_MISMATCH.
 */
struct hvg_vstor_protocol_version {
	u16 major_minor;	/* HVG_STOR_VERSION_* */
	u16 revision;		/* 0 */
};

static_assert(sizeof(struct hvg_vstor_protocol_version) == 4);

/* FCHBA_DATA (Fibre Channel hosts): the port and node world-wide names. */
#define HVG_STOR_WWN_SIZE	8

struct hvg_vstor_fc_wwn {
	u8 primary_active;
	u8 reserved1[3];
	u8 primary_port_wwn[HVG_STOR_WWN_SIZE];
	u8 primary_node_wwn[HVG_STOR_WWN_SIZE];
	u8 secondary_port_wwn[HVG_STOR_WWN_SIZE];
	u8 secondary_node_wwn[HVG_STOR_WWN_SIZE];
};

static_assert(sizeof(struct hvg_vstor_fc_wwn) == 36);
static_assert(offsetof(struct hvg_vstor_fc_wwn, primary_port_wwn) == 4);

/* The union's size: the largest member, the Win8 vmscsi_request. */
#define HVG_VSTOR_UNION_SIZE	0x34

/*
 * One storvsc packet. ENUMERATE_BUS, REMOVE_DEVICE, BEGIN and END
 * INITIALIZATION, QUERY_PROPERTIES (request) and the RESETs use no union
 * member; CREATE_SUB_CHANNELS uses sub_channel_count.
 */
struct hvg_vstor_packet {
	u32 operation;		/* HVG_VSTOR_OP_* */
	u32 flags;		/* HVG_VSTOR_FLAG_* */
	u32 status;		/* NTSTATUS (HVG_NT_*) in completions */
	union {
		struct hvg_vmscsi_request vm_srb;
		struct hvg_vstor_channel_properties properties;
		struct hvg_vstor_protocol_version version;
		struct hvg_vstor_fc_wwn wwn;
		u16 sub_channel_count;
		u8 buffer[HVG_VSTOR_UNION_SIZE];
	};
};

static_assert(sizeof(struct hvg_vstor_packet) == HVG_VSTOR_PACKET_SIZE);
static_assert(offsetof(struct hvg_vstor_packet, flags) == 4);
static_assert(offsetof(struct hvg_vstor_packet, status) == 8);
static_assert(offsetof(struct hvg_vstor_packet, vm_srb) == HVG_VSTOR_HDR_SIZE);
static_assert(offsetof(struct hvg_vstor_packet, properties) == 12);
static_assert(offsetof(struct hvg_vstor_packet, sub_channel_count) == 12);
static_assert(offsetof(struct hvg_vstor_packet, vm_srb.sense_data) == 28);
static_assert(HVG_VSTOR_PACKET_SIZE - HVG_VSTOR_PACKET_SIZE_PRE_WIN8 ==
	      HVG_VMSCSI_WIN8_EXT_SIZE);

/*
 * The user-defined bytes of a storage channel offer (the first 16 of the
 * offer's 120): IDE controllers set HVG_STOR_OFFER_FLAG_IDE and name the
 * path and target. Linux instead derives an IDE target from bytes 4-5 of
 * the instance GUID.
 */
#define HVG_STOR_OFFER_FLAG_IDE		0x2

struct hvg_vstor_offer_props {
	u16 reserved;
	u8 path_id;
	u8 target_id;
	u32 reserved1;
	u32 flags;		/* HVG_STOR_OFFER_FLAG_* */
	u32 reserved2[3];
};

static_assert(sizeof(struct hvg_vstor_offer_props) == 24);
static_assert(offsetof(struct hvg_vstor_offer_props, flags) == 8);

/* The ring size storvsc opens each channel with, each way. */
#define HVG_STOR_RING_SIZE	(128 * 1024)

#endif /* _HVGUEST_STORVSC_PROTO_H */
