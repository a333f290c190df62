// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's SCSI target (see scsi_target.h).
 *
 * One table maps each supported opcode to its CDB length and handler. The
 * dispatcher copies the guest's CDB into a private 16-byte array (zero past
 * the guest's length) once, checks that the guest sent at least the
 * opcode's CDB length and that the control byte asks for nothing this
 * target lacks (NACA), reports a pending unit attention, and calls the
 * handler, which reads its fields only from that copy.
 *
 * Sense data is fixed format (SPC-3 4.5.3); "invalid field in CDB" names
 * the byte and bit in the sense-key specific bytes, so a reader of the
 * guest's log sees which field was refused.
 */
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include "scsi_target.h"

/* Opcodes. */
#define OP_TEST_UNIT_READY	0x00
#define OP_REQUEST_SENSE	0x03
#define OP_READ_6		0x08
#define OP_WRITE_6		0x0a
#define OP_INQUIRY		0x12
#define OP_MODE_SENSE_6		0x1a
#define OP_START_STOP_UNIT	0x1b
#define OP_READ_CAPACITY_10	0x25
#define OP_READ_10		0x28
#define OP_WRITE_10		0x2a
#define OP_SYNCHRONIZE_CACHE_10	0x35
#define OP_WRITE_SAME_10	0x41
#define OP_UNMAP		0x42
#define OP_MODE_SENSE_10	0x5a
#define OP_READ_16		0x88
#define OP_WRITE_16		0x8a
#define OP_SYNCHRONIZE_CACHE_16	0x91
#define OP_WRITE_SAME_16	0x93
#define OP_SERVICE_ACTION_IN_16	0x9e
#define OP_REPORT_LUNS		0xa0

#define SAI_READ_CAPACITY_16	0x10

/* Additional sense codes (ASC << 8 | ASCQ). */
#define ASC_NONE		0x0000
#define ASC_WRITE_ERROR		0x0c00
#define ASC_READ_ERROR		0x1100
#define ASC_PARAM_LIST_LENGTH	0x1a00
#define ASC_INVALID_OPCODE	0x2000
#define ASC_LBA_OUT_OF_RANGE	0x2100
#define ASC_INVALID_FIELD_CDB	0x2400
#define ASC_LUN_NOT_SUPPORTED	0x2500
#define ASC_INVALID_FIELD_PARAM	0x2600
#define ASC_WRITE_PROTECTED	0x2700
#define ASC_CAPACITY_CHANGED	0x2a09
#define ASC_SAVING_NOT_SUPPORTED 0x3900
#define ASC_LUNS_CHANGED	0x3f0e

/* The identity Hyper-V's virtual disk reports. */
static const char hvg_scsi_vendor[8] = "Msft    ";
static const char hvg_scsi_product[16] = "Virtual Disk    ";
static const char hvg_scsi_revision[4] = "1.0 ";

static_assert(HVG_SCSI_BLOCK_SIZE == 1u << HVG_SCSI_BLOCK_SHIFT);

#define HVG_SCSI_STD_INQUIRY_LEN	96
#define HVG_SCSI_VPD_LIMITS_LEN		0x3c

/* Big-endian fields of CDBs and parameter data. */
static u16 get_be16(const u8 *p)
{
	return (u16)p[0] << 8 | p[1];
}

static u32 get_be32(const u8 *p)
{
	return (u32)get_be16(p) << 16 | get_be16(p + 2);
}

static u64 get_be64(const u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(u8 *p, u32 v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static void put_be64(u8 *p, u64 v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

/* ---------------------------------------------------------------------
 * Outcomes
 */

static int hvg_scsi_sense(struct hvg_scsi_cmd *cmd, u8 key, u16 asc)
{
	memset(cmd->sense, 0, sizeof(cmd->sense));
	cmd->sense[0] = 0x70;			/* current, fixed format */
	cmd->sense[2] = key;
	cmd->sense[7] = HVG_SCSI_SENSE_LEN - 8;	/* additional length */
	cmd->sense[12] = asc >> 8;
	cmd->sense[13] = asc & 0xff;
	cmd->sense_len = HVG_SCSI_SENSE_LEN;
	cmd->status = HVG_SCSI_CHECK_CONDITION;
	return 0;
}

/* ILLEGAL REQUEST, INVALID FIELD IN CDB, pointing at @byte, bit @bit. */
static int hvg_scsi_bad_field(struct hvg_scsi_cmd *cmd, u32 byte, u32 bit)
{
	hvg_scsi_sense(cmd, HVG_SCSI_KEY_ILLEGAL_REQUEST,
		       ASC_INVALID_FIELD_CDB);
	/* SKSV, C/D = CDB, BPV, bit pointer; field pointer = byte. */
	cmd->sense[15] = 0x80 | 0x40 | 0x08 | (bit & 7);
	put_be16(cmd->sense + 16, byte);
	return 0;
}

static int hvg_scsi_illegal(struct hvg_scsi_cmd *cmd, u16 asc)
{
	return hvg_scsi_sense(cmd, HVG_SCSI_KEY_ILLEGAL_REQUEST, asc);
}

/* ---------------------------------------------------------------------
 * The data buffer
 */

/*
 * Move @len bytes between the buffer at byte @off and @mem: into the
 * buffer when @to_buf. The caller has checked that off + len fits in
 * cmd->data_len; the segments are the caller's (storvsp's mapping), so a
 * shorter list is still stopped at.
 */
static void hvg_scsi_buf_copy(struct hvg_scsi_cmd *cmd, u32 off, void *mem,
			      u32 len, bool to_buf)
{
	u8 *p = mem;
	u32 i, n;

	for (i = 0; i < cmd->nsegs && len; i++) {
		const struct hvg_scsi_seg *s = &cmd->segs[i];

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = min(len, s->len - off);
		if (to_buf)
			memcpy((u8 *)s->addr + off, p, n);
		else
			memcpy(p, (u8 *)s->addr + off, n);
		p += n;
		len -= n;
		off = 0;
	}
}

/*
 * Return @len bytes of generated data (INQUIRY, MODE SENSE, ...) to a
 * data-in buffer, cut to @alloc (the CDB's allocation length) and to the
 * buffer. A command with nowhere to put them moves nothing.
 */
static int hvg_scsi_data_in(struct hvg_scsi_cmd *cmd, const void *data,
			    u32 len, u32 alloc)
{
	u32 n = min3(len, alloc, cmd->data_len);

	if (n && cmd->dir != HVG_SCSI_DIR_FROM_DEVICE)
		return -EINVAL;
	hvg_scsi_buf_copy(cmd, 0, (void *)data, n, true);
	cmd->transferred = n;
	return 0;
}

/* Is the buffer a data-in (@in) or data-out one of at least @bytes? */
static bool hvg_scsi_buf_ok(const struct hvg_scsi_cmd *cmd, u64 bytes,
			    bool in)
{
	if (!bytes)
		return true;
	if (cmd->dir != (in ? HVG_SCSI_DIR_FROM_DEVICE :
			      HVG_SCSI_DIR_TO_DEVICE))
		return false;
	return bytes <= cmd->data_len;
}

/* ---------------------------------------------------------------------
 * Block I/O
 */

/* Is [lba, lba + count) inside the LUN (without overflowing)? */
static bool hvg_scsi_range_ok(const struct hvg_scsi_lun *lun, u64 lba,
			      u64 count)
{
	u64 blocks = READ_ONCE(lun->blocks);

	return lba <= blocks && count <= blocks - lba;
}

static u32 hvg_scsi_max_transfer(const struct hvg_scsi_lun *lun)
{
	return lun->cfg.max_transfer_blocks;
}

/*
 * READ or WRITE of @count blocks at @lba; @len_byte is where the CDB holds
 * the transfer length, for the sense data.
 */
static int hvg_scsi_rw(struct hvg_scsi_lun *lun, struct hvg_scsi_cmd *cmd,
		       u64 lba, u32 count, u32 len_byte, bool write)
{
	u64 off = lba << HVG_SCSI_BLOCK_SHIFT;
	u32 bytes, i, done = 0;
	int ret = 0;

	if (count > hvg_scsi_max_transfer(lun))
		return hvg_scsi_bad_field(cmd, len_byte, 7);
	if (!hvg_scsi_range_ok(lun, lba, count))
		return hvg_scsi_illegal(cmd, ASC_LBA_OUT_OF_RANGE);
	bytes = count << HVG_SCSI_BLOCK_SHIFT;
	if (!hvg_scsi_buf_ok(cmd, bytes, !write))
		return -EINVAL;
	if (write && lun->cfg.read_only)
		return hvg_scsi_sense(cmd, HVG_SCSI_KEY_DATA_PROTECT,
				      ASC_WRITE_PROTECTED);

	/* Segment by segment, straight between the storage and the pages. */
	for (i = 0; i < cmd->nsegs && done < bytes; i++) {
		const struct hvg_scsi_seg *s = &cmd->segs[i];
		u32 n = min(s->len, bytes - done);

		if (write)
			ret = lun->ops->write(lun->priv, off + done, s->addr, n);
		else
			ret = lun->ops->read(lun->priv, off + done, s->addr, n);
		if (ret)
			break;
		done += n;
	}
	cmd->transferred = done;
	if (ret || done < bytes)
		return hvg_scsi_sense(cmd, HVG_SCSI_KEY_MEDIUM_ERROR,
				      write ? ASC_WRITE_ERROR : ASC_READ_ERROR);
	return 0;
}

/* RDPROTECT/WRPROTECT (byte 1, bits 7-5): no protection information. */
static bool hvg_scsi_protect_set(const u8 *cdb)
{
	return cdb[1] & 0xe0;
}

static int hvg_scsi_read_write_6(struct hvg_scsi_lun *lun,
				 struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	u32 lba = (u32)(cdb[1] & 0x1f) << 16 | get_be16(cdb + 2);
	u32 count = cdb[4] ? cdb[4] : 256;

	return hvg_scsi_rw(lun, cmd, lba, count, 4, cdb[0] == OP_WRITE_6);
}

static int hvg_scsi_read_write_10(struct hvg_scsi_lun *lun,
				  struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	if (hvg_scsi_protect_set(cdb))
		return hvg_scsi_bad_field(cmd, 1, 7);
	return hvg_scsi_rw(lun, cmd, get_be32(cdb + 2), get_be16(cdb + 7), 7,
			   cdb[0] == OP_WRITE_10);
}

static int hvg_scsi_read_write_16(struct hvg_scsi_lun *lun,
				  struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	if (hvg_scsi_protect_set(cdb))
		return hvg_scsi_bad_field(cmd, 1, 7);
	return hvg_scsi_rw(lun, cmd, get_be64(cdb + 2), get_be32(cdb + 10), 10,
			   cdb[0] == OP_WRITE_16);
}

/* SYNCHRONIZE CACHE (10) and (16): count 0 means "to the last block". */
static int hvg_scsi_sync_cache(struct hvg_scsi_lun *lun,
			       struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	bool c16 = cdb[0] == OP_SYNCHRONIZE_CACHE_16;
	u64 lba = c16 ? get_be64(cdb + 2) : get_be32(cdb + 2);
	u32 count = c16 ? get_be32(cdb + 10) : get_be16(cdb + 7);

	if (!hvg_scsi_range_ok(lun, lba, count))
		return hvg_scsi_illegal(cmd, ASC_LBA_OUT_OF_RANGE);
	if (lun->ops->flush && lun->ops->flush(lun->priv))
		return hvg_scsi_sense(cmd, HVG_SCSI_KEY_MEDIUM_ERROR,
				      ASC_WRITE_ERROR);
	return 0;
}

/* Discard @count blocks at @lba (range already checked). */
static int hvg_scsi_discard(struct hvg_scsi_lun *lun, struct hvg_scsi_cmd *cmd,
			    u64 lba, u64 count)
{
	if (!count)
		return 0;
	if (lun->ops->discard(lun->priv, lba << HVG_SCSI_BLOCK_SHIFT,
			      count << HVG_SCSI_BLOCK_SHIFT))
		return hvg_scsi_sense(cmd, HVG_SCSI_KEY_MEDIUM_ERROR,
				      ASC_WRITE_ERROR);
	return 0;
}

/*
 * WRITE SAME (10) and (16): one block of data (none with NDOB: zeros)
 * written to @count blocks; with UNMAP on a LUN that unmaps, a zero block
 * unmaps the range instead (an unmapped block reads as zero).
 */
static int hvg_scsi_write_same(struct hvg_scsi_lun *lun,
			       struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	bool w16 = cdb[0] == OP_WRITE_SAME_16;
	u64 lba = w16 ? get_be64(cdb + 2) : get_be32(cdb + 2);
	u32 count = w16 ? get_be32(cdb + 10) : get_be16(cdb + 7);
	u32 len_byte = w16 ? 10 : 7;
	bool unmap = cdb[1] & 0x08;
	bool ndob = w16 && (cdb[1] & 0x01);
	u8 block[HVG_SCSI_BLOCK_SIZE];
	u64 off, i;

	if (hvg_scsi_protect_set(cdb))
		return hvg_scsi_bad_field(cmd, 1, 7);
	if (cdb[1] & 0x10)			/* ANCHOR */
		return hvg_scsi_bad_field(cmd, 1, 4);
	if (!w16 && (cdb[1] & 0x06))		/* PBDATA, LBDATA */
		return hvg_scsi_bad_field(cmd, 1, 2);
	if (unmap && !lun->cfg.unmap)
		return hvg_scsi_bad_field(cmd, 1, 3);
	/* WSNZ: 0 does not mean "to the end" here. */
	if (!count || count > HVG_SCSI_MAX_WRITE_SAME)
		return hvg_scsi_bad_field(cmd, len_byte, 7);
	if (!hvg_scsi_range_ok(lun, lba, count))
		return hvg_scsi_illegal(cmd, ASC_LBA_OUT_OF_RANGE);
	if (lun->cfg.read_only)
		return hvg_scsi_sense(cmd, HVG_SCSI_KEY_DATA_PROTECT,
				      ASC_WRITE_PROTECTED);

	/* The block, copied out of the guest's buffer once. */
	memset(block, 0, sizeof(block));
	if (!ndob) {
		if (!hvg_scsi_buf_ok(cmd, sizeof(block), false))
			return -EINVAL;
		hvg_scsi_buf_copy(cmd, 0, block, sizeof(block), false);
		cmd->transferred = sizeof(block);
	}
	if (unmap && !memchr_inv(block, 0, sizeof(block)))
		return hvg_scsi_discard(lun, cmd, lba, count);

	off = lba << HVG_SCSI_BLOCK_SHIFT;
	for (i = 0; i < count; i++, off += sizeof(block)) {
		if (lun->ops->write(lun->priv, off, block, sizeof(block)))
			return hvg_scsi_sense(cmd, HVG_SCSI_KEY_MEDIUM_ERROR,
					      ASC_WRITE_ERROR);
	}
	return 0;
}

/*
 * UNMAP: a parameter list of an 8-byte header and 16-byte block
 * descriptors, copied into private memory whole (at most 16 descriptors),
 * then checked whole before anything is discarded.
 */
static int hvg_scsi_unmap(struct hvg_scsi_lun *lun, struct hvg_scsi_cmd *cmd,
			  const u8 *cdb)
{
	u8 list[8 + 16 * HVG_SCSI_MAX_UNMAP_DESCS];
	u32 plen = get_be16(cdb + 7), bdlen, ndesc, i;
	u64 lba, count, total = 0;

	if (!lun->cfg.unmap)
		return hvg_scsi_illegal(cmd, ASC_INVALID_OPCODE);
	if (cdb[1] & 0x01)			/* ANCHOR */
		return hvg_scsi_bad_field(cmd, 1, 0);
	if (!plen)
		return 0;
	if (plen < 8)
		return hvg_scsi_illegal(cmd, ASC_PARAM_LIST_LENGTH);
	if (!hvg_scsi_buf_ok(cmd, plen, false))
		return -EINVAL;
	if (lun->cfg.read_only)
		return hvg_scsi_sense(cmd, HVG_SCSI_KEY_DATA_PROTECT,
				      ASC_WRITE_PROTECTED);

	memset(list, 0, sizeof(list));
	hvg_scsi_buf_copy(cmd, 0, list, min_t(u32, plen, sizeof(list)), false);
	cmd->transferred = plen;
	/* Descriptors: what the header says, within the list; whole ones. */
	bdlen = min_t(u32, get_be16(list + 2), plen - 8);
	ndesc = bdlen / 16;
	if (ndesc > HVG_SCSI_MAX_UNMAP_DESCS)
		return hvg_scsi_illegal(cmd, ASC_INVALID_FIELD_PARAM);
	for (i = 0; i < ndesc; i++) {
		lba = get_be64(list + 8 + 16 * i);
		count = get_be32(list + 8 + 16 * i + 8);
		if (!hvg_scsi_range_ok(lun, lba, count))
			return hvg_scsi_illegal(cmd, ASC_LBA_OUT_OF_RANGE);
		total += count;
	}
	if (total > U32_MAX)			/* max unmap LBA count */
		return hvg_scsi_illegal(cmd, ASC_INVALID_FIELD_PARAM);
	for (i = 0; i < ndesc; i++) {
		lba = get_be64(list + 8 + 16 * i);
		count = get_be32(list + 8 + 16 * i + 8);
		hvg_scsi_discard(lun, cmd, lba, count);
		if (cmd->status != HVG_SCSI_GOOD)
			return 0;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Information: capacity, INQUIRY, MODE SENSE, REPORT LUNS
 */

static int hvg_scsi_read_capacity_10(struct hvg_scsi_lun *lun,
				     struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	u64 last = READ_ONCE(lun->blocks) - 1;
	u8 data[8];

	/* Without PMI the LBA field must be 0. */
	if (!(cdb[8] & 0x01) && get_be32(cdb + 2))
		return hvg_scsi_bad_field(cmd, 2, 7);
	put_be32(data, min_t(u64, last, U32_MAX));
	put_be32(data + 4, HVG_SCSI_BLOCK_SIZE);
	return hvg_scsi_data_in(cmd, data, sizeof(data), sizeof(data));
}

static int hvg_scsi_read_capacity_16(struct hvg_scsi_lun *lun,
				     struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	u64 last = READ_ONCE(lun->blocks) - 1;
	u8 data[32];

	if (!(cdb[14] & 0x01) && get_be64(cdb + 2))
		return hvg_scsi_bad_field(cmd, 2, 7);
	memset(data, 0, sizeof(data));
	put_be64(data, last);
	put_be32(data + 8, HVG_SCSI_BLOCK_SIZE);
	data[13] = lun->cfg.phys_block_shift;
	if (lun->cfg.unmap)
		data[14] = 0x80 | 0x40;		/* LBPME, LBPRZ */
	return hvg_scsi_data_in(cmd, data, sizeof(data), get_be32(cdb + 10));
}

static int hvg_scsi_service_action_in(struct hvg_scsi_lun *lun,
				      struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	if ((cdb[1] & 0x1f) != SAI_READ_CAPACITY_16)
		return hvg_scsi_bad_field(cmd, 1, 4);
	return hvg_scsi_read_capacity_16(lun, cmd, cdb);
}

/*
 * Standard INQUIRY data: of a connected direct-access LUN, or (!@present)
 * of an address where no device can be (qualifier 3, type 0x1f), which
 * names no vendor or product.
 */
static int hvg_scsi_std_inquiry(struct hvg_scsi_cmd *cmd, u32 alloc,
				bool present)
{
	u8 data[HVG_SCSI_STD_INQUIRY_LEN];

	memset(data, 0, sizeof(data));
	data[0] = present ? 0x00 : 0x7f;	/* direct-access, or no device */
	data[2] = 0x05;			/* SPC-3 */
	data[3] = 0x02;			/* response data format 2 */
	data[4] = sizeof(data) - 5;	/* additional length */
	if (present) {
		data[7] = 0x02;		/* CMDQUE */
		memcpy(data + 8, hvg_scsi_vendor, sizeof(hvg_scsi_vendor));
		memcpy(data + 16, hvg_scsi_product, sizeof(hvg_scsi_product));
		memcpy(data + 32, hvg_scsi_revision, sizeof(hvg_scsi_revision));
	}
	return hvg_scsi_data_in(cmd, data, sizeof(data), alloc);
}

/* The VPD pages a LUN has, ascending. */
static u32 hvg_scsi_vpd_list(const struct hvg_scsi_lun *lun, u8 *pages)
{
	u32 n = 0;

	pages[n++] = 0x00;
	if (lun->cfg.serial[0])
		pages[n++] = 0x80;
	pages[n++] = 0x83;
	if (lun->cfg.unmap) {
		pages[n++] = 0xb0;
		pages[n++] = 0xb1;
		pages[n++] = 0xb2;
	}
	return n;
}

/*
 * Device identification: a T10 vendor id ("Msft" and the disk GUID) and an
 * NAA 6 id in Microsoft's OUI 00-22-48 carrying 12 bytes of the GUID, as
 * Hyper-V's virtual disk reports them.
 */
static u32 hvg_scsi_vpd_ids(const struct hvg_scsi_lun *lun, u8 *p)
{
	const u8 *id = lun->cfg.disk_id;

	p[0] = 0x01;			/* binary */
	p[1] = 0x01;			/* LU, T10 vendor id */
	p[3] = 8 + 16;
	memcpy(p + 4, hvg_scsi_vendor, 8);
	memcpy(p + 12, id, 16);
	p += 28;
	p[0] = 0x01;			/* binary */
	p[1] = 0x03;			/* LU, NAA */
	p[3] = 16;
	p[4] = 0x60;			/* NAA 6, OUI 00-22-48 */
	p[5] = 0x02;
	p[6] = 0x24;
	p[7] = 0x80;
	memcpy(p + 8, id, 6);
	memcpy(p + 14, id + 10, 6);
	return 28 + 20;
}

/* Block limits: transfer, unmap and write-same limits. */
static u32 hvg_scsi_vpd_limits(const struct hvg_scsi_lun *lun, u8 *p)
{
	u32 phys = 1u << lun->cfg.phys_block_shift;

	p[0] = 0x01;				/* WSNZ */
	put_be16(p + 2, phys);			/* optimal granularity */
	put_be32(p + 4, hvg_scsi_max_transfer(lun));
	put_be32(p + 16, U32_MAX);		/* max unmap LBA count */
	put_be32(p + 20, HVG_SCSI_MAX_UNMAP_DESCS);
	put_be32(p + 24, phys);			/* optimal unmap gran. */
	p[28] = 0x80;				/* UGAVALID, alignment 0 */
	put_be64(p + 32, HVG_SCSI_MAX_WRITE_SAME);
	return HVG_SCSI_VPD_LIMITS_LEN;
}

static int hvg_scsi_vpd(struct hvg_scsi_lun *lun, struct hvg_scsi_cmd *cmd,
			u8 page, u32 alloc)
{
	u8 data[4 + HVG_SCSI_VPD_LIMITS_LEN], pages[8];
	u64 blocks = READ_ONCE(lun->blocks);
	u32 len, i, n;
	u8 *p = data + 4;

	static_assert(sizeof(data) >= 4 + 28 + 20);
	static_assert(sizeof(data) >= 4 + HVG_SCSI_SERIAL_MAX);
	memset(data, 0, sizeof(data));
	n = hvg_scsi_vpd_list(lun, pages);
	for (i = 0; i < n && pages[i] != page; i++)
		;
	if (i == n)
		return hvg_scsi_bad_field(cmd, 2, 7);

	switch (page) {
	case 0x00:				/* supported pages */
		memcpy(p, pages, n);
		len = n;
		break;
	case 0x80:				/* unit serial number */
		len = strnlen(lun->cfg.serial, HVG_SCSI_SERIAL_MAX);
		memcpy(p, lun->cfg.serial, len);
		break;
	case 0x83:
		len = hvg_scsi_vpd_ids(lun, p);
		break;
	case 0xb0:
		len = hvg_scsi_vpd_limits(lun, p);
		break;
	case 0xb1:				/* block device characteristics */
		put_be16(p, 1);			/* non-rotating medium */
		len = HVG_SCSI_VPD_LIMITS_LEN;
		break;
	default:				/* 0xb2: logical block provisioning */
		/* The threshold exponent: (blocks >> e) fits 32 bits, e >= 1. */
		p[0] = max_t(u32, 1, fls64(blocks >> 32));
		p[1] = 0x80 | 0x40 | 0x20 | 0x04; /* LBPU, LBPWS, LBPWS10, LBPRZ */
		p[2] = 0x02;			/* thin provisioned */
		len = 4;
		break;
	}
	data[1] = page;
	put_be16(data + 2, len);
	return hvg_scsi_data_in(cmd, data, 4 + len, alloc);
}

static int hvg_scsi_inquiry(struct hvg_scsi_lun *lun, struct hvg_scsi_cmd *cmd,
			    const u8 *cdb)
{
	u32 alloc = get_be16(cdb + 3);

	if (cdb[1] & 0x02)			/* CMDDT: obsolete */
		return hvg_scsi_bad_field(cmd, 1, 1);
	if (cdb[1] & 0x01)			/* EVPD */
		return hvg_scsi_vpd(lun, cmd, cdb[2], alloc);
	if (cdb[2])
		return hvg_scsi_bad_field(cmd, 2, 7);
	return hvg_scsi_std_inquiry(cmd, alloc, true);
}

/* Mode pages: caching (0x08) and control (0x0a); @changeable: the mask. */
static u32 hvg_scsi_mode_page(const struct hvg_scsi_lun *lun, u8 page,
			      bool changeable, u8 *p)
{
	if (page == 0x08) {
		memset(p, 0, 20);
		p[0] = 0x08;
		p[1] = 0x12;
		if (!changeable && lun->cfg.write_cache)
			p[2] = 0x04;		/* WCE */
		return 20;
	}
	memset(p, 0, 12);
	p[0] = 0x0a;
	p[1] = 0x0a;
	if (!changeable)
		p[3] = 0x10;			/* unrestricted reordering */
	return 12;
}

static int hvg_scsi_mode_sense(struct hvg_scsi_lun *lun,
			       struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	bool ms10 = cdb[0] == OP_MODE_SENSE_10;
	bool dbd = cdb[1] & 0x08, llbaa = ms10 && (cdb[1] & 0x10);
	u8 pc = cdb[2] >> 6, page = cdb[2] & 0x3f, subpage = cdb[3];
	u32 alloc = ms10 ? get_be16(cdb + 7) : cdb[4];
	u32 hdr = ms10 ? 8 : 4, bdlen = dbd ? 0 : (llbaa ? 16 : 8);
	u64 blocks = READ_ONCE(lun->blocks);
	u8 data[8 + 16 + 20 + 12];
	u32 len;
	u8 *p;

	if (pc == 3)				/* saved values */
		return hvg_scsi_illegal(cmd, ASC_SAVING_NOT_SUPPORTED);
	if (page != 0x08 && page != 0x0a && page != 0x3f)
		return hvg_scsi_bad_field(cmd, 2, 5);
	if (subpage && !(subpage == 0xff && page == 0x3f))
		return hvg_scsi_bad_field(cmd, 3, 7);

	memset(data, 0, sizeof(data));
	p = data + hdr;
	if (bdlen == 8) {
		put_be32(p, min_t(u64, blocks, U32_MAX));
		put_be32(p + 4, HVG_SCSI_BLOCK_SIZE);	/* byte 4 reserved */
	} else if (bdlen == 16) {
		put_be64(p, blocks);
		put_be32(p + 12, HVG_SCSI_BLOCK_SIZE);
	}
	p += bdlen;
	if (page == 0x08 || page == 0x3f)
		p += hvg_scsi_mode_page(lun, 0x08, pc == 1, p);
	if (page == 0x0a || page == 0x3f)
		p += hvg_scsi_mode_page(lun, 0x0a, pc == 1, p);
	len = p - data;

	if (ms10) {
		put_be16(data, len - 2);
		data[3] = lun->cfg.read_only ? 0x80 : 0;	/* WP */
		data[4] = bdlen == 16 ? 0x01 : 0;		/* LONGLBA */
		put_be16(data + 6, bdlen);
	} else {
		data[0] = len - 1;
		data[2] = lun->cfg.read_only ? 0x80 : 0;
		data[3] = bdlen;
	}
	return hvg_scsi_data_in(cmd, data, len, alloc);
}

/*
 * REPORT LUNS: the list is written piece by piece (up to 256 entries),
 * cut to the allocation length and the buffer; the list length says how
 * long the whole list is.
 */
static int hvg_scsi_report_luns(struct hvg_scsi_target *t,
				struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	u32 alloc = get_be32(cdb + 6), limit, off = 8, n, count = 0;
	u8 select = cdb[2], entry[8];

	if (select != 0x00 && select != 0x01 && select != 0x02)
		return hvg_scsi_bad_field(cmd, 2, 7);
	if (alloc < 16)
		return hvg_scsi_bad_field(cmd, 6, 7);
	limit = min(alloc, cmd->data_len);
	if (limit && cmd->dir != HVG_SCSI_DIR_FROM_DEVICE)
		return -EINVAL;

	/* Select 1: well-known LUNs only, of which there are none. */
	for (n = 0; select != 0x01 && n < HVG_SCSI_MAX_LUNS; n++) {
		if (!READ_ONCE(t->luns[n]))
			continue;
		count++;
		/* Peripheral device addressing, single level. */
		memset(entry, 0, sizeof(entry));
		entry[1] = n;
		if (off < limit)
			hvg_scsi_buf_copy(cmd, off, entry,
					  min_t(u32, 8, limit - off), true);
		off += 8;
	}
	/* Reported: the "LUNs changed" attention is no longer pending. */
	for (n = 0; n < HVG_SCSI_MAX_LUNS; n++) {
		struct hvg_scsi_lun *l = READ_ONCE(t->luns[n]);

		if (l)
			clear_bit(HVG_SCSI_UA_LUNS, &l->ua);
	}
	memset(entry, 0, sizeof(entry));
	put_be32(entry, count * 8);
	hvg_scsi_buf_copy(cmd, 0, entry, min_t(u32, 8, limit), true);
	cmd->transferred = min(off, limit);
	return 0;
}

/* A command starts GOOD with nothing moved; @cdb is its private copy. */
static void hvg_scsi_cmd_begin(struct hvg_scsi_cmd *cmd, u8 cdb[16])
{
	cmd->status = HVG_SCSI_GOOD;
	cmd->sense_len = 0;
	memset(cmd->sense, 0, sizeof(cmd->sense));
	cmd->transferred = 0;
	/* A short CDB's missing bytes read as zero. */
	memset(cdb, 0, 16);
	memcpy(cdb, cmd->cdb, min_t(u32, cmd->cdb_len, 16));
}

int hvg_scsi_no_device(struct hvg_scsi_cmd *cmd)
{
	static struct hvg_scsi_target empty;	/* never written */
	u8 cdb[16];

	hvg_scsi_cmd_begin(cmd, cdb);
	if (cmd->cdb_len >= 6 && cdb[0] == OP_INQUIRY)
		return hvg_scsi_std_inquiry(cmd, get_be16(cdb + 3), false);
	if (cmd->cdb_len >= 12 && cdb[0] == OP_REPORT_LUNS)
		return hvg_scsi_report_luns(&empty, cmd, cdb);
	return hvg_scsi_illegal(cmd, ASC_LUN_NOT_SUPPORTED);
}

/*
 * REQUEST SENSE: the pending unit attention, reported and cleared, or "no
 * sense" (fixed format only).
 */
static int hvg_scsi_report_ua(struct hvg_scsi_lun *lun,
			      struct hvg_scsi_cmd *cmd);

static int hvg_scsi_request_sense(struct hvg_scsi_lun *lun,
				  struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	u8 data[HVG_SCSI_SENSE_LEN];

	if (cdb[1] & 0x01)			/* DESC */
		return hvg_scsi_bad_field(cmd, 1, 0);
	if (!hvg_scsi_report_ua(lun, cmd))
		hvg_scsi_sense(cmd, HVG_SCSI_KEY_NO_SENSE, ASC_NONE);
	/* The sense goes out as data, and the command itself succeeds. */
	memcpy(data, cmd->sense, sizeof(data));
	cmd->status = HVG_SCSI_GOOD;
	cmd->sense_len = 0;
	memset(cmd->sense, 0, sizeof(cmd->sense));
	return hvg_scsi_data_in(cmd, data, sizeof(data), cdb[4]);
}

static int hvg_scsi_test_unit_ready(struct hvg_scsi_lun *lun,
				    struct hvg_scsi_cmd *cmd, const u8 *cdb)
{
	return 0;
}

/* ---------------------------------------------------------------------
 * Dispatch
 */

/* The command reports no pending unit attention (SPC-3 5.9.7). */
#define HVG_SCSI_NO_UA		0x1

struct hvg_scsi_op {
	u8 cdb_len;
	u8 flags;
	int (*fn)(struct hvg_scsi_lun *lun, struct hvg_scsi_cmd *cmd,
		  const u8 *cdb);
};

static const struct hvg_scsi_op hvg_scsi_ops[256] = {
	[OP_TEST_UNIT_READY] = { 6, 0, hvg_scsi_test_unit_ready },
	[OP_REQUEST_SENSE] = { 6, HVG_SCSI_NO_UA, hvg_scsi_request_sense },
	[OP_READ_6] = { 6, 0, hvg_scsi_read_write_6 },
	[OP_WRITE_6] = { 6, 0, hvg_scsi_read_write_6 },
	[OP_INQUIRY] = { 6, HVG_SCSI_NO_UA, hvg_scsi_inquiry },
	[OP_MODE_SENSE_6] = { 6, 0, hvg_scsi_mode_sense },
	[OP_START_STOP_UNIT] = { 6, 0, hvg_scsi_test_unit_ready },
	[OP_READ_CAPACITY_10] = { 10, 0, hvg_scsi_read_capacity_10 },
	[OP_READ_10] = { 10, 0, hvg_scsi_read_write_10 },
	[OP_WRITE_10] = { 10, 0, hvg_scsi_read_write_10 },
	[OP_SYNCHRONIZE_CACHE_10] = { 10, 0, hvg_scsi_sync_cache },
	[OP_WRITE_SAME_10] = { 10, 0, hvg_scsi_write_same },
	[OP_UNMAP] = { 10, 0, hvg_scsi_unmap },
	[OP_MODE_SENSE_10] = { 10, 0, hvg_scsi_mode_sense },
	[OP_READ_16] = { 16, 0, hvg_scsi_read_write_16 },
	[OP_WRITE_16] = { 16, 0, hvg_scsi_read_write_16 },
	[OP_SYNCHRONIZE_CACHE_16] = { 16, 0, hvg_scsi_sync_cache },
	[OP_WRITE_SAME_16] = { 16, 0, hvg_scsi_write_same },
	[OP_SERVICE_ACTION_IN_16] = { 16, 0, hvg_scsi_service_action_in },
	/* REPORT LUNS is handled before the LUN is looked up. */
	[OP_REPORT_LUNS] = { 12, HVG_SCSI_NO_UA, NULL },
};

static const u16 hvg_scsi_ua_asc[HVG_SCSI_UA_COUNT] = {
	[HVG_SCSI_UA_CAPACITY] = ASC_CAPACITY_CHANGED,
	[HVG_SCSI_UA_LUNS] = ASC_LUNS_CHANGED,
};

/* Report (and clear) the highest-priority pending unit attention. */
static int hvg_scsi_report_ua(struct hvg_scsi_lun *lun,
			      struct hvg_scsi_cmd *cmd)
{
	u32 i;

	for (i = 0; i < HVG_SCSI_UA_COUNT; i++) {
		/* Atomic: two CPUs never both report the same one. */
		if (test_and_clear_bit(i, &lun->ua)) {
			hvg_scsi_sense(cmd, HVG_SCSI_KEY_UNIT_ATTENTION,
				       hvg_scsi_ua_asc[i]);
			return 1;
		}
	}
	return 0;
}

int hvg_scsi_execute(struct hvg_scsi_target *t, u32 n,
		     struct hvg_scsi_cmd *cmd)
{
	const struct hvg_scsi_op *op;
	struct hvg_scsi_lun *lun;
	u8 cdb[16];

	/* The private copy every handler reads. */
	hvg_scsi_cmd_begin(cmd, cdb);
	op = &hvg_scsi_ops[cdb[0]];

	/* Pairs with the smp_store_release() of hvg_scsi_target_add_lun(). */
	lun = n < HVG_SCSI_MAX_LUNS ? READ_ONCE(t->luns[n]) : NULL;
	if (!lun && cdb[0] != OP_REPORT_LUNS)
		return -ENODEV;
	if (!cmd->cdb_len || !op->cdb_len)
		return hvg_scsi_illegal(cmd, ASC_INVALID_OPCODE);
	if (cmd->cdb_len < op->cdb_len || cmd->cdb_len > sizeof(cdb))
		return hvg_scsi_bad_field(cmd, 0, 7);
	if (cdb[op->cdb_len - 1] & 0x04)	/* NACA */
		return hvg_scsi_bad_field(cmd, op->cdb_len - 1, 2);
	if (cdb[0] == OP_REPORT_LUNS)
		return hvg_scsi_report_luns(t, cmd, cdb);
	if (!(op->flags & HVG_SCSI_NO_UA) && hvg_scsi_report_ua(lun, cmd))
		return 0;
	return op->fn(lun, cmd, cdb);
}

/* ---------------------------------------------------------------------
 * LUNs
 */

#define HVG_SCSI_MAX_BLOCKS	BIT_ULL(54)

int hvg_scsi_lun_init(struct hvg_scsi_lun *lun,
		      const struct hvg_scsi_lun_config *cfg,
		      const struct hvg_scsi_backing_ops *ops, void *priv)
{
	memset(lun, 0, sizeof(*lun));
	if (!cfg->blocks || cfg->blocks > HVG_SCSI_MAX_BLOCKS)
		return -EINVAL;
	if (cfg->phys_block_shift > 7)
		return -EINVAL;
	if (!ops || !ops->read || !ops->write)
		return -EINVAL;
	if (cfg->unmap && !ops->discard)
		return -EINVAL;
	if (cfg->max_transfer_blocks > HVG_SCSI_DEF_MAX_TRANSFER * 4)
		return -EINVAL;
	if (strnlen(cfg->serial, sizeof(cfg->serial)) > HVG_SCSI_SERIAL_MAX)
		return -EINVAL;
	lun->cfg = *cfg;
	if (!lun->cfg.max_transfer_blocks)
		lun->cfg.max_transfer_blocks = HVG_SCSI_DEF_MAX_TRANSFER;
	lun->ops = ops;
	lun->priv = priv;
	lun->blocks = cfg->blocks;
	return 0;
}

int hvg_scsi_lun_set_capacity(struct hvg_scsi_lun *lun, u64 blocks)
{
	if (!blocks || blocks > HVG_SCSI_MAX_BLOCKS)
		return -EINVAL;
	/*
	 * The size first, then the attention: a command that sees the
	 * attention (test_and_clear_bit is fully ordered) and then asks for
	 * the capacity reads the new size.
	 */
	WRITE_ONCE(lun->blocks, blocks);
	set_bit(HVG_SCSI_UA_CAPACITY, &lun->ua);
	return 0;
}

/* Tell every LUN but @skip that the LUN inventory changed. */
static void hvg_scsi_luns_changed(struct hvg_scsi_target *t, u32 skip)
{
	u32 n;

	for (n = 0; n < HVG_SCSI_MAX_LUNS; n++)
		if (n != skip && t->luns[n])	/* the caller serialises */
			set_bit(HVG_SCSI_UA_LUNS, &t->luns[n]->ua);
}

int hvg_scsi_target_add_lun(struct hvg_scsi_target *t, u32 n,
			    struct hvg_scsi_lun *lun)
{
	if (n >= HVG_SCSI_MAX_LUNS || !lun)
		return -EINVAL;
	if (t->luns[n])
		return -EEXIST;
	/*
	 * Publish the initialised LUN: pairs with the READ_ONCE() (an
	 * address dependency) of a command that looks the LUN up.
	 */
	smp_store_release(&t->luns[n], lun);
	hvg_scsi_luns_changed(t, n);
	return 0;
}

struct hvg_scsi_lun *hvg_scsi_target_remove_lun(struct hvg_scsi_target *t,
						u32 n)
{
	struct hvg_scsi_lun *lun;

	if (n >= HVG_SCSI_MAX_LUNS || !t->luns[n])
		return NULL;
	lun = t->luns[n];
	WRITE_ONCE(t->luns[n], NULL);
	hvg_scsi_luns_changed(t, n);
	return lun;
}

/* ---------------------------------------------------------------------
 * RAM storage
 */

static bool hvg_scsi_ram_range_ok(const struct hvg_scsi_ram *ram, u64 offset,
				  u64 len)
{
	return offset <= ram->size && len <= ram->size - offset;
}

/*
 * The one copy of a RAM LUN's I/O: whole page-aligned pages with
 * copy_page() (word-sized moves), the rest with memcpy(). Both are as fast
 * on hardware; under QEMU's TCG, which emulates a string instruction one
 * element at a time, memcpy()'s byte-sized "rep movsb" (ERMS CPUs) costs
 * eight times the iterations of copy_page()'s "rep movsq", and was the
 * largest single cost of a 4 KiB read in the benchmark's guest.
 */
static void hvg_scsi_ram_copy(void *dst, const void *src, u32 len)
{
	while (len >= PAGE_SIZE && PAGE_ALIGNED(dst) && PAGE_ALIGNED(src)) {
		copy_page(dst, (void *)src);
		dst += PAGE_SIZE;
		src += PAGE_SIZE;
		len -= PAGE_SIZE;
	}
	if (len)
		memcpy(dst, src, len);
}

static int hvg_scsi_ram_read(void *priv, u64 offset, void *buf, u32 len)
{
	struct hvg_scsi_ram *ram = priv;

	if (!hvg_scsi_ram_range_ok(ram, offset, len))
		return -EIO;
	hvg_scsi_ram_copy(buf, ram->mem + offset, len);
	return 0;
}

static int hvg_scsi_ram_write(void *priv, u64 offset, const void *buf,
			      u32 len)
{
	struct hvg_scsi_ram *ram = priv;

	if (!hvg_scsi_ram_range_ok(ram, offset, len))
		return -EIO;
	hvg_scsi_ram_copy(ram->mem + offset, buf, len);
	return 0;
}

static int hvg_scsi_ram_discard(void *priv, u64 offset, u64 len)
{
	struct hvg_scsi_ram *ram = priv;

	if (!hvg_scsi_ram_range_ok(ram, offset, len))
		return -EIO;
	memset(ram->mem + offset, 0, len);
	return 0;
}

const struct hvg_scsi_backing_ops hvg_scsi_ram_ops = {
	.read = hvg_scsi_ram_read,
	.write = hvg_scsi_ram_write,
	.discard = hvg_scsi_ram_discard,
};
