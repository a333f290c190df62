/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V hypervisor ABI, as the Top-Level Functional Specification (TLFS)
 * defines it for an x86-64 guest: CPUID leaves, synthetic MSRs, hypercall
 * codes and status values, and the SynIC message and event flag pages.
 *
 * Nothing here is VMBus: channel messages live in vmbus_proto.h. Names carry
 * the HVG_ prefix so that this header can sit beside the kernel's own
 * asm/hyperv-tlfs.h in one translation unit.
 *
 * Memory layouts are fixed-width little-endian fields without bitfields;
 * register formats are masks. Every layout has a static_assert on its size
 * and key offsets.
 */
#ifndef _HVGUEST_TLFS_H
#define _HVGUEST_TLFS_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/bits.h>
#include <linux/build_bug.h>

/* ---------------------------------------------------------------------
 * CPUID
 */

/* CPUID.1:ECX bit 31: some hypervisor is present. */
#define HVG_CPUID_FEATURES_ECX_HYPERVISOR	BIT(31)

#define HVG_CPUID_VENDOR_AND_MAX	0x40000000 /* EAX max leaf, vendor */
#define HVG_CPUID_INTERFACE		0x40000001 /* EAX "Hv#1" */
#define HVG_CPUID_VERSION		0x40000002
#define HVG_CPUID_FEATURES		0x40000003
#define HVG_CPUID_ENLIGHTENMENT		0x40000004 /* hints */
#define HVG_CPUID_LIMITS		0x40000005
#define HVG_CPUID_ISOLATION		0x4000000c

/* The lowest max leaf a Hyper-V guest may accept (leaves up to LIMITS). */
#define HVG_CPUID_MIN_MAX_LEAF		HVG_CPUID_LIMITS

/* "Microsoft Hv" in EBX, ECX, EDX of leaf 0x40000000. */
#define HVG_CPUID_VENDOR_HYPERV		"Microsoft Hv"
/* "Hv#1" as the little-endian EAX of leaf 0x40000001. */
#define HVG_CPUID_INTERFACE_HV1		0x31237648

/*
 * Leaf 0x40000003 EAX: partition privileges, low half (access to MSRs).
 * Only the bits this project uses or reports are named.
 */
#define HVG_PRIV_VP_RUNTIME		BIT(0)
#define HVG_PRIV_TIME_REF_COUNT		BIT(1)
#define HVG_PRIV_SYNIC			BIT(2)
#define HVG_PRIV_SYNTIMER		BIT(3)
#define HVG_PRIV_APIC_ACCESS		BIT(4)
#define HVG_PRIV_HYPERCALL		BIT(5)
#define HVG_PRIV_VP_INDEX		BIT(6)
#define HVG_PRIV_RESET			BIT(7)
#define HVG_PRIV_REFERENCE_TSC		BIT(9)

/* Leaf 0x40000003 EBX: partition privileges, high half (hypercalls). */
#define HVG_PRIV_HI_POST_MESSAGES	BIT(4)
#define HVG_PRIV_HI_SIGNAL_EVENTS	BIT(5)
#define HVG_PRIV_HI_ISOLATION		BIT(22)

/* Leaf 0x40000003 EDX: features. */
#define HVG_FEAT_XMM_INPUT		BIT(4)
#define HVG_FEAT_GUEST_CRASH_MSR	BIT(10)

/* Leaf 0x40000004 EAX: hints. */
#define HVG_HINT_DEPRECATING_AEOI	BIT(9)

/* Leaf 0x4000000C EBX: isolation type in bits 3:0, 0 = not isolated. */
#define HVG_ISOLATION_TYPE_MASK		0xfu

/* ---------------------------------------------------------------------
 * Synthetic MSRs
 */
#define HVG_MSR_GUEST_OS_ID		0x40000000
#define HVG_MSR_HYPERCALL		0x40000001
#define HVG_MSR_VP_INDEX		0x40000002
#define HVG_MSR_SCONTROL		0x40000080
#define HVG_MSR_SVERSION		0x40000081
#define HVG_MSR_SIEFP			0x40000082
#define HVG_MSR_SIMP			0x40000083
#define HVG_MSR_EOM			0x40000084
#define HVG_MSR_SINT0			0x40000090
#define HVG_MSR_SINT(n)			(HVG_MSR_SINT0 + (n))

/*
 * HYPERCALL, SIMP and SIEFP share one format: enable in bit 0, reserved
 * bits 11:1 (preserved on write), page frame number in bits 63:12.
 */
#define HVG_MSR_PAGE_ENABLE		BIT_ULL(0)
#define HVG_MSR_PAGE_RESERVED		GENMASK_ULL(11, 1)
#define HVG_MSR_PAGE_PFN_SHIFT		12
#define HVG_MSR_PAGE_PFN_MASK		GENMASK_ULL(63, 12)

/* SCONTROL: enable in bit 0. */
#define HVG_SCONTROL_ENABLE		BIT_ULL(0)

/* SINTx: vector 7:0, masked 16, auto EOI 17, polling 18. */
#define HVG_SINT_VECTOR_MASK		GENMASK_ULL(7, 0)
#define HVG_SINT_MASKED			BIT_ULL(16)
#define HVG_SINT_AUTO_EOI		BIT_ULL(17)
#define HVG_SINT_POLLING		BIT_ULL(18)
#define HVG_SINT_VECTOR_MIN		16
#define HVG_SINT_COUNT			16

/*
 * Guest OS identity, open-source encoding: bit 63 open source, bits 62:56
 * OS type (Linux = 1), bits 55:48 vendor specific, bits 47:16 the kernel
 * version, bits 15:0 a build number. 0x8100 in bits 63:48 is "open-source
 * Linux".
 */
#define HVG_GUEST_OS_ID_LINUX		(0x8100ULL << 48)
#define HVG_GUEST_OS_ID(kver)		(HVG_GUEST_OS_ID_LINUX | \
					 ((u64)(kver) << 16))

/* ---------------------------------------------------------------------
 * Hypercalls
 *
 * Input value (RCX): call code 15:0, fast 16, rep count 43:32. Input
 * parameters: RDX (GPA of the input page, or the first 8 bytes for a fast
 * call), R8 (output GPA, or the second 8 bytes). Result (RAX): status 15:0,
 * reps completed 43:32.
 */
#define HVG_HVCALL_POST_MESSAGE		0x005c
#define HVG_HVCALL_SIGNAL_EVENT		0x005d
#define HVG_HYPERCALL_FAST		BIT_ULL(16)
#define HVG_HYPERCALL_STATUS_MASK	GENMASK_ULL(15, 0)

#define HVG_STATUS_SUCCESS			0
#define HVG_STATUS_INVALID_HYPERCALL_CODE	2
#define HVG_STATUS_INVALID_HYPERCALL_INPUT	3
#define HVG_STATUS_INVALID_ALIGNMENT		4
#define HVG_STATUS_INVALID_PARAMETER		5
#define HVG_STATUS_ACCESS_DENIED		6
#define HVG_STATUS_OPERATION_DENIED		8
#define HVG_STATUS_INSUFFICIENT_MEMORY		11
#define HVG_STATUS_INVALID_PORT_ID		17
#define HVG_STATUS_INVALID_CONNECTION_ID	18
#define HVG_STATUS_INSUFFICIENT_BUFFERS		19

/* HvSignalEvent fast input: connection id 31:0, flag number 47:32. */
#define HVG_SIGNAL_EVENT_INPUT(conn, flag) \
	((u64)(u32)(conn) | ((u64)(u16)(flag) << 32))

/* Connection ids are 24 bits wide. */
#define HVG_CONNECTION_ID_MASK		GENMASK(23, 0)

/* ---------------------------------------------------------------------
 * SynIC message page and event flags page
 */
#define HVG_MESSAGE_SIZE		256
#define HVG_MESSAGE_PAYLOAD_BYTES	240
#define HVG_MESSAGE_PAYLOAD_QWORDS	(HVG_MESSAGE_PAYLOAD_BYTES / 8)

/* message_type values that are not VMBus's. */
#define HVG_MSGTYPE_NONE		0x00000000
#define HVG_MSGTYPE_TIMER_EXPIRED	0x80000010

/* message_flags bit 0: another message waits behind this one. */
#define HVG_MSGFLAG_PENDING		0x01

/* VMBus uses SINT 2; its channel messages have message type 1. */
#define HVG_VMBUS_SINT			2
#define HVG_VMBUS_MESSAGE_TYPE		1

/*
 * The one VMBus channel message type the adapter has to recognise: the
 * first u32 of an INITIATE_CONTACT payload. HvPostMessage fails it with
 * INVALID_CONNECTION_ID on a host older than VMBus 5.0, which must not be
 * retried (include/hvguest/hypercall.h, post_message).
 */
#define HVG_VMBUS_MSG_INITIATE_CONTACT	14

struct hvg_synic_message_header {
	u32 message_type;
	u8 payload_size;
	u8 message_flags;	/* HVG_MSGFLAG_* */
	u8 reserved[2];
	u64 sender;		/* sender partition id, or port id */
};

struct hvg_synic_message {
	struct hvg_synic_message_header header;
	u64 payload[HVG_MESSAGE_PAYLOAD_QWORDS];
};

/* The SIMP page: one 256-byte slot per SINT. */
struct hvg_synic_message_page {
	struct hvg_synic_message sint_message[HVG_SINT_COUNT];
};

#define HVG_EVENT_FLAGS_BYTES		256
#define HVG_EVENT_FLAGS_COUNT		(HVG_EVENT_FLAGS_BYTES * 8)

/* 2048 event flags of one SINT, as 32 little-endian 64-bit words. */
struct hvg_synic_event_flags {
	u64 flags[HVG_EVENT_FLAGS_BYTES / 8];
};

/* The SIEFP page: one 256-byte flag area per SINT. */
struct hvg_synic_event_page {
	struct hvg_synic_event_flags sint_flags[HVG_SINT_COUNT];
};

/*
 * HvPostMessage input, in the per-CPU input page. The page holding it must
 * be 8-byte aligned and the structure may not cross a page boundary.
 */
struct hvg_post_message_input {
	u32 connection_id;	/* 24-bit id, upper bits zero */
	u32 reserved;
	u32 message_type;
	u32 payload_size;	/* at most HVG_MESSAGE_PAYLOAD_BYTES */
	u64 payload[HVG_MESSAGE_PAYLOAD_QWORDS];
};

static_assert(sizeof(struct hvg_synic_message_header) == 16);
static_assert(offsetof(struct hvg_synic_message_header, payload_size) == 4);
static_assert(offsetof(struct hvg_synic_message_header, message_flags) == 5);
static_assert(offsetof(struct hvg_synic_message_header, sender) == 8);
static_assert(sizeof(struct hvg_synic_message) == HVG_MESSAGE_SIZE);
static_assert(offsetof(struct hvg_synic_message, payload) == 16);
static_assert(sizeof(struct hvg_synic_message_page) == 4096);
static_assert(sizeof(struct hvg_synic_event_flags) == HVG_EVENT_FLAGS_BYTES);
static_assert(sizeof(struct hvg_synic_event_page) == 4096);
static_assert(sizeof(struct hvg_post_message_input) == 256);
static_assert(offsetof(struct hvg_post_message_input, message_type) == 8);
static_assert(offsetof(struct hvg_post_message_input, payload_size) == 12);
static_assert(offsetof(struct hvg_post_message_input, payload) == 16);

#endif /* _HVGUEST_TLFS_H */
