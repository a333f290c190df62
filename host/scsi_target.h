/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's SCSI target: the commands a guest's SCSI initiator
 * sends to a virtual disk, answered as Hyper-V's virtual disk answers them
 * (INQUIRY "Msft" / "Virtual Disk", its VPD pages), over LUNs whose storage
 * the caller provides through a small ops table (RAM here; a block device
 * later).
 *
 * The CDB and every byte of the data buffer come from an untrusted guest:
 * every CDB length and field is checked, every length bounded, and what the
 * target reads from the buffer (UNMAP's parameter list, WRITE SAME's block)
 * is copied into private memory before it is looked at, once.
 *
 * No state besides the LUNs' capacities and pending unit attentions: the
 * storage service (storvsp) owns the channels and turns a command's outcome
 * into an SRB status.
 *
 * Locking: hvg_scsi_execute() may run on many CPUs at once, for the same
 * LUN too. A LUN's capacity and pending unit attentions are updated with
 * single-copy atomic stores and atomic bit operations, so they need no lock.
 * The LUN table of struct hvg_scsi_target may change while commands run:
 * a command reads each slot once (READ_ONCE), an added LUN is published
 * fully initialised (release). The caller serialises additions and
 * removals with each other, and keeps a removed LUN and its storage valid
 * until every command that may have found it has returned (storvsp: a
 * mutex, and SRCU around each command).
 */
#ifndef _HVG_HOST_SCSI_TARGET_H
#define _HVG_HOST_SCSI_TARGET_H

#include <linux/types.h>

#define HVG_SCSI_BLOCK_SHIFT	9
#define HVG_SCSI_BLOCK_SIZE	512u
#define HVG_SCSI_SENSE_LEN	18	/* fixed format */
#define HVG_SCSI_MAX_LUNS	256	/* single-level LUNs 0 .. 255 */
#define HVG_SCSI_SERIAL_MAX	32

/* The most descriptors one UNMAP may carry (block limits VPD page). */
#define HVG_SCSI_MAX_UNMAP_DESCS	16
/* The default and largest transfer of one READ or WRITE, in blocks. */
#define HVG_SCSI_DEF_MAX_TRANSFER	2048	/* 1 MiB */
/* The most blocks one WRITE SAME may cover. */
#define HVG_SCSI_MAX_WRITE_SAME		0x10000	/* 32 MiB */

/* SAM status bytes. */
#define HVG_SCSI_GOOD			0x00
#define HVG_SCSI_CHECK_CONDITION	0x02

/* Sense keys. */
#define HVG_SCSI_KEY_NO_SENSE		0x0
#define HVG_SCSI_KEY_MEDIUM_ERROR	0x3
#define HVG_SCSI_KEY_ILLEGAL_REQUEST	0x5
#define HVG_SCSI_KEY_UNIT_ATTENTION	0x6
#define HVG_SCSI_KEY_DATA_PROTECT	0x7

/*
 * The storage behind a LUN. Offsets and lengths are in bytes, multiples of
 * 512, inside the LUN; each op returns 0 or a negative errno and may sleep
 * (commands run in process context).
 *
 * @read: copy @len bytes at @offset into @buf
 * @write: copy @len bytes of @buf to @offset
 * @discard: forget @len bytes at @offset (they then read as zero); NULL:
 *	the LUN cannot unmap
 * @flush: make written data durable; NULL: it always is
 */
struct hvg_scsi_backing_ops {
	int (*read)(void *priv, u64 offset, void *buf, u32 len);
	int (*write)(void *priv, u64 offset, const void *buf, u32 len);
	int (*discard)(void *priv, u64 offset, u64 len);
	int (*flush)(void *priv);
};

/**
 * struct hvg_scsi_lun_config - what a LUN looks like to the guest
 * @blocks: capacity in 512-byte blocks, 1 .. 2^54
 * @phys_block_shift: log2 of logical blocks per physical block (3: 4 KiB
 *	physical sectors, as a VHDX reports them), 0 .. 7
 * @max_transfer_blocks: the largest READ/WRITE; 0: HVG_SCSI_DEF_MAX_TRANSFER
 * @unmap: UNMAP and WRITE SAME with UNMAP (the ops must have discard); it
 *	also brings the block limits, block device characteristics and
 *	logical block provisioning VPD pages, as on Hyper-V
 * @write_cache: report a write cache (WCE) in the caching mode page
 * @read_only: refuse writes (DATA PROTECT) and say so in MODE SENSE
 * @disk_id: the disk's GUID: the T10 and NAA identifiers of VPD page 0x83
 * @serial: the unit serial number (VPD page 0x80, which exists only when
 *	this is not empty), printable ASCII, NUL-terminated
 */
struct hvg_scsi_lun_config {
	u64 blocks;
	u8 phys_block_shift;
	u32 max_transfer_blocks;
	bool unmap;
	bool write_cache;
	bool read_only;
	u8 disk_id[16];
	char serial[HVG_SCSI_SERIAL_MAX + 1];
};

/* Pending unit attentions (struct hvg_scsi_lun.ua bits), by priority. */
#define HVG_SCSI_UA_CAPACITY	0	/* 2A/09 capacity data has changed */
#define HVG_SCSI_UA_LUNS	1	/* 3F/0E reported LUNs data changed */
#define HVG_SCSI_UA_COUNT	2

/*
 * One LUN. @blocks is read with READ_ONCE() and changed only through
 * hvg_scsi_lun_set_capacity(); @ua holds the pending unit attentions,
 * changed with atomic bit operations. Everything else is set by
 * hvg_scsi_lun_init() and read-only afterwards.
 */
struct hvg_scsi_lun {
	const struct hvg_scsi_backing_ops *ops;
	void *priv;
	struct hvg_scsi_lun_config cfg;
	u64 blocks;
	unsigned long ua;
};

/* The LUNs of one target, indexed by LUN number (see the locking rule). */
struct hvg_scsi_target {
	struct hvg_scsi_lun *luns[HVG_SCSI_MAX_LUNS];
};

/* The data buffer: the guest's pages, mapped, in order. */
struct hvg_scsi_seg {
	void *addr;
	u32 len;
};

/* hvg_scsi_cmd.dir, as the initiator declared it. */
#define HVG_SCSI_DIR_NONE		0
#define HVG_SCSI_DIR_FROM_DEVICE	1	/* data-in: a read */
#define HVG_SCSI_DIR_TO_DEVICE		2	/* data-out: a write */

/**
 * struct hvg_scsi_cmd - one command and its outcome
 * @cdb: the CDB, @cdb_len bytes (1 .. 16; the guest's, untrusted)
 * @cdb_len: its length
 * @segs: the data buffer, @nsegs segments holding @data_len bytes in all
 * @nsegs: number of segments
 * @data_len: the buffer's size (the initiator's data transfer length)
 * @dir: HVG_SCSI_DIR_*
 * @status: out: the SAM status
 * @sense_len: out: 0, or HVG_SCSI_SENSE_LEN with CHECK CONDITION
 * @sense: out: fixed-format sense data
 * @transferred: out: bytes moved to or from the buffer (<= @data_len)
 */
struct hvg_scsi_cmd {
	const u8 *cdb;
	u32 cdb_len;
	const struct hvg_scsi_seg *segs;
	u32 nsegs;
	u32 data_len;
	u8 dir;
	u8 status;
	u8 sense_len;
	u8 sense[HVG_SCSI_SENSE_LEN];
	u32 transferred;
};

/**
 * hvg_scsi_lun_init() - set up a LUN
 * @lun: the LUN (zeroed by this call first)
 * @cfg: its configuration, copied
 * @ops: its storage; read and write are required, discard with @cfg->unmap
 * @priv: passed to @ops
 *
 * Return: 0, or -EINVAL for a configuration outside the documented ranges.
 */
int hvg_scsi_lun_init(struct hvg_scsi_lun *lun,
		      const struct hvg_scsi_lun_config *cfg,
		      const struct hvg_scsi_backing_ops *ops, void *priv);

/**
 * hvg_scsi_lun_set_capacity() - resize a LUN
 * @lun: the LUN
 * @blocks: its new capacity, 1 .. 2^54 blocks
 *
 * The next command (other than INQUIRY, REPORT LUNS, REQUEST SENSE) gets
 * the unit attention "capacity data has changed". The caller grows or
 * shrinks the storage first (growing) or afterwards (shrinking).
 *
 * Return: 0, or -EINVAL for a size out of range.
 */
int hvg_scsi_lun_set_capacity(struct hvg_scsi_lun *lun, u64 blocks);

/**
 * hvg_scsi_target_add_lun() - hot add a LUN
 * @t: the target
 * @n: the LUN number, 0 .. 255
 * @lun: an initialised LUN
 *
 * Every other LUN gets the unit attention "reported LUNs data has changed".
 *
 * Return: 0, -EINVAL for a bad number, -EEXIST if @n is taken.
 */
int hvg_scsi_target_add_lun(struct hvg_scsi_target *t, u32 n,
			    struct hvg_scsi_lun *lun);

/**
 * hvg_scsi_target_remove_lun() - hot remove a LUN
 * @t: the target
 * @n: the LUN number
 *
 * Every other LUN gets the unit attention "reported LUNs data has changed".
 *
 * Return: the removed LUN, or NULL if there was none.
 */
struct hvg_scsi_lun *hvg_scsi_target_remove_lun(struct hvg_scsi_target *t,
						u32 n);

/**
 * hvg_scsi_no_device() - answer a command sent where no target exists
 * @cmd: the command; its outcome on return 0
 *
 * What a SCSI scan expects of an empty address: an INQUIRY gets standard
 * data saying no device can be here (peripheral qualifier 3, type 0x1f),
 * REPORT LUNS an empty list, anything else CHECK CONDITION, ILLEGAL
 * REQUEST, LOGICAL UNIT NOT SUPPORTED.
 *
 * Return: 0 with the outcome in @cmd; -EINVAL when the buffer's direction
 * contradicts the command (the caller answers INVALID_REQUEST).
 */
int hvg_scsi_no_device(struct hvg_scsi_cmd *cmd);

/**
 * hvg_scsi_execute() - run one command from the guest
 * @t: the target
 * @n: the LUN it is addressed to (the guest's, any value)
 * @cmd: the command; its outcome on return 0
 *
 * Return: 0 when @cmd holds the SCSI outcome (GOOD, or CHECK CONDITION with
 * sense); -ENODEV when LUN @n does not exist and the command is not REPORT
 * LUNS (the caller answers with SRB status INVALID_LUN, as Hyper-V does);
 * -EINVAL when the transport request contradicts the CDB: a direction
 * other than the command's, or a buffer shorter than the blocks the CDB
 * asks to move (the caller answers INVALID_REQUEST).
 */
int hvg_scsi_execute(struct hvg_scsi_target *t, u32 n,
		     struct hvg_scsi_cmd *cmd);

/*
 * RAM storage for a LUN: @mem holds @size bytes (vmalloc'ed by the caller);
 * discard zeroes. Concurrent commands on overlapping blocks race as they
 * would on a disk.
 */
struct hvg_scsi_ram {
	u8 *mem;
	u64 size;
};

extern const struct hvg_scsi_backing_ops hvg_scsi_ram_ops;

#endif /* _HVG_HOST_SCSI_TARGET_H */
