// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_scsi_target": the loopback host's SCSI target
 * (host/scsi_target.c) answering what a Linux sd probe asks, and every
 * error path a guest can reach with a CDB or a buffer. Expected bytes are
 * written by hand from SPC-3/SBC-3 and from what Hyper-V's virtual disk
 * reports, never through the code under test.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <hvguest/compat.h>
#include "../host/scsi_target.h"

#define ST_BLOCKS	2048		/* a 1 MiB LUN */

/* A target with one RAM LUN at 0, whose storage can be made to fail. */
struct st_env {
	struct hvg_scsi_target t;
	struct hvg_scsi_lun lun;
	struct hvg_scsi_ram ram;
	bool fail_read, fail_write, fail_flush;
	u32 discards, flushes;
	u8 buf[131072];
};

static int st_read(void *priv, u64 off, void *buf, u32 len)
{
	struct st_env *e = priv;

	return e->fail_read ? -EIO : hvg_scsi_ram_ops.read(&e->ram, off, buf,
							    len);
}

static int st_write(void *priv, u64 off, const void *buf, u32 len)
{
	struct st_env *e = priv;

	return e->fail_write ? -EIO : hvg_scsi_ram_ops.write(&e->ram, off,
							      buf, len);
}

static int st_discard(void *priv, u64 off, u64 len)
{
	struct st_env *e = priv;

	e->discards++;
	return e->fail_write ? -EIO : hvg_scsi_ram_ops.discard(&e->ram, off,
								len);
}

static int st_flush(void *priv)
{
	struct st_env *e = priv;

	e->flushes++;
	return e->fail_flush ? -EIO : 0;
}

static const struct hvg_scsi_backing_ops st_ops = {
	.read = st_read,
	.write = st_write,
	.discard = st_discard,
	.flush = st_flush,
};

static struct hvg_scsi_lun_config st_config(bool unmap)
{
	struct hvg_scsi_lun_config c = {
		.blocks = ST_BLOCKS,
		.phys_block_shift = 3,
		.unmap = unmap,
	};
	u32 i;

	for (i = 0; i < 16; i++)
		c.disk_id[i] = 0xd0 + i;
	return c;
}

static struct st_env *st_env(struct kunit *test, bool unmap)
{
	struct hvg_scsi_lun_config c = st_config(unmap);
	struct st_env *e;

	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	e->ram.size = (u64)ST_BLOCKS * 512;
	e->ram.mem = kunit_kzalloc(test, e->ram.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->ram.mem);
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&e->lun, &c, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 0, &e->lun), 0);
	return e;
}

/* Run @cdb on LUN @n with @len bytes of e->buf, in two segments. */
static int st_run(struct st_env *e, u32 n, const u8 *cdb, u32 cdb_len,
		  u8 dir, u32 len, struct hvg_scsi_cmd *cmd)
{
	struct hvg_scsi_seg segs[2];
	u32 first = len / 3;

	segs[0].addr = e->buf;
	segs[0].len = first;
	segs[1].addr = e->buf + first;
	segs[1].len = len - first;
	memset(cmd, 0x5a, sizeof(*cmd));
	cmd->cdb = cdb;
	cmd->cdb_len = cdb_len;
	cmd->segs = segs;
	cmd->nsegs = 2;
	cmd->data_len = len;
	cmd->dir = dir;
	return hvg_scsi_execute(&e->t, n, cmd);
}

#define IN	HVG_SCSI_DIR_FROM_DEVICE
#define OUT	HVG_SCSI_DIR_TO_DEVICE
#define NONE	HVG_SCSI_DIR_NONE

static void st_expect_good(struct kunit *test, const struct hvg_scsi_cmd *c,
			   u32 moved)
{
	KUNIT_EXPECT_EQ(test, c->status, HVG_SCSI_GOOD);
	KUNIT_EXPECT_EQ(test, c->sense_len, 0);
	KUNIT_EXPECT_EQ(test, c->transferred, moved);
}

/* CHECK CONDITION with fixed-format sense @key, @asc/@ascq. */
static void st_expect_sense(struct kunit *test, const struct hvg_scsi_cmd *c,
			    u8 key, u8 asc, u8 ascq)
{
	KUNIT_EXPECT_EQ(test, c->status, HVG_SCSI_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, c->sense_len, 18);
	KUNIT_EXPECT_EQ(test, c->sense[0], 0x70);
	KUNIT_EXPECT_EQ(test, c->sense[2], key);
	KUNIT_EXPECT_EQ(test, c->sense[7], 10);
	KUNIT_EXPECT_EQ(test, c->sense[12], asc);
	KUNIT_EXPECT_EQ(test, c->sense[13], ascq);
}

/* INVALID FIELD IN CDB pointing at @byte. */
static void st_expect_field(struct kunit *test, const struct hvg_scsi_cmd *c,
			    u32 byte)
{
	st_expect_sense(test, c, 0x5, 0x24, 0x00);
	KUNIT_EXPECT_EQ(test, c->sense[15] & 0xc0, 0xc0);	/* SKSV, CDB */
	KUNIT_EXPECT_EQ(test, c->sense[16] << 8 | c->sense[17], byte);
}

static u32 st_be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static u64 st_be64(const u8 *p)
{
	return (u64)st_be32(p) << 32 | st_be32(p + 4);
}

/* ---------------------------------------------------------------------
 * INQUIRY
 */

static void hvg_scsi_target_inquiry_standard(struct kunit *test)
{
	static const u8 cdb[6] = { 0x12, 0, 0, 0, 36, 0 };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 big[6] = { 0x12, 0, 0, 0, 255, 0 };

	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 255, &c), 0);
	st_expect_good(test, &c, 36);
	KUNIT_EXPECT_EQ(test, e->buf[0], 0x00);	/* disk, connected */
	KUNIT_EXPECT_EQ(test, e->buf[1], 0x00);	/* not removable */
	KUNIT_EXPECT_EQ(test, e->buf[2], 0x05);	/* SPC-3 */
	KUNIT_EXPECT_EQ(test, e->buf[3], 0x02);
	KUNIT_EXPECT_EQ(test, e->buf[4], 91);
	KUNIT_EXPECT_EQ(test, e->buf[7], 0x02);	/* CMDQUE */
	KUNIT_EXPECT_EQ(test, memcmp(e->buf + 8, "Msft    ", 8), 0);
	KUNIT_EXPECT_EQ(test, memcmp(e->buf + 16, "Virtual Disk    ", 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(e->buf + 32, "1.0 ", 4), 0);

	KUNIT_ASSERT_EQ(test, st_run(e, 0, big, 6, IN, 255, &c), 0);
	st_expect_good(test, &c, 96);
	/* The buffer bounds it too, and an allocation length of 0. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, big, 6, IN, 20, &c), 0);
	st_expect_good(test, &c, 20);
	big[4] = 0;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, big, 6, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);

	/* CMDDT; a page code without EVPD. */
	big[1] = 0x02;
	big[4] = 36;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, big, 6, IN, 36, &c), 0);
	st_expect_field(test, &c, 1);
	big[1] = 0;
	big[2] = 0x80;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, big, 6, IN, 36, &c), 0);
	st_expect_field(test, &c, 2);
	/* Data-in with a data-out buffer: a transport error. */
	big[2] = 0;
	KUNIT_EXPECT_EQ(test, st_run(e, 0, big, 6, OUT, 36, &c), -EINVAL);
}

static void st_vpd(struct kunit *test, struct st_env *e, u8 page,
		   struct hvg_scsi_cmd *c)
{
	u8 cdb[6] = { 0x12, 0x01, page, 0, 255, 0 };

	memset(e->buf, 0xee, 256);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 255, c), 0);
}

static void hvg_scsi_target_inquiry_vpd(struct kunit *test)
{
	static const u8 all[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };
	struct hvg_scsi_lun_config cfg = st_config(true);
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_lun lun2;
	struct hvg_scsi_cmd c;
	u8 *p = e->buf;

	/* Supported pages, with a serial number. */
	hvg_scsi_target_remove_lun(&e->t, 0);
	strscpy(cfg.serial, "VHD-0001", sizeof(cfg.serial));
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&lun2, &cfg, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 0, &lun2), 0);
	st_vpd(test, e, 0x00, &c);
	st_expect_good(test, &c, 4 + 6);
	KUNIT_EXPECT_EQ(test, p[1], 0x00);
	KUNIT_EXPECT_EQ(test, p[3], 6);
	KUNIT_EXPECT_EQ(test, memcmp(p + 4, all, 6), 0);
	st_vpd(test, e, 0x80, &c);
	st_expect_good(test, &c, 4 + 8);
	KUNIT_EXPECT_EQ(test, p[1], 0x80);
	KUNIT_EXPECT_EQ(test, memcmp(p + 4, "VHD-0001", 8), 0);

	/* Device identification: T10 vendor id and NAA 6. */
	st_vpd(test, e, 0x83, &c);
	st_expect_good(test, &c, 4 + 48);
	KUNIT_EXPECT_EQ(test, p[3], 48);
	KUNIT_EXPECT_EQ(test, p[4], 0x01);
	KUNIT_EXPECT_EQ(test, p[5], 0x01);
	KUNIT_EXPECT_EQ(test, p[7], 24);
	KUNIT_EXPECT_EQ(test, memcmp(p + 8, "Msft    ", 8), 0);
	KUNIT_EXPECT_EQ(test, p[16], 0xd0);
	KUNIT_EXPECT_EQ(test, p[31], 0xdf);
	KUNIT_EXPECT_EQ(test, p[32], 0x01);
	KUNIT_EXPECT_EQ(test, p[33], 0x03);
	KUNIT_EXPECT_EQ(test, p[35], 16);
	KUNIT_EXPECT_EQ(test, st_be32(p + 36), 0x60022480);
	KUNIT_EXPECT_EQ(test, p[40], 0xd0);	/* GUID bytes 0-5 */
	KUNIT_EXPECT_EQ(test, p[45], 0xd5);
	KUNIT_EXPECT_EQ(test, p[46], 0xda);	/* GUID bytes 10-15 */
	KUNIT_EXPECT_EQ(test, p[51], 0xdf);

	/* Block limits. */
	st_vpd(test, e, 0xb0, &c);
	st_expect_good(test, &c, 64);
	KUNIT_EXPECT_EQ(test, p[3], 0x3c);
	KUNIT_EXPECT_EQ(test, p[4], 0x01);			/* WSNZ */
	KUNIT_EXPECT_EQ(test, p[6] << 8 | p[7], 8);
	KUNIT_EXPECT_EQ(test, st_be32(p + 8), 2048);		/* max xfer */
	KUNIT_EXPECT_EQ(test, st_be32(p + 20), 0xffffffff);
	KUNIT_EXPECT_EQ(test, st_be32(p + 24), 16);
	KUNIT_EXPECT_EQ(test, st_be32(p + 28), 8);
	KUNIT_EXPECT_EQ(test, p[32], 0x80);			/* UGAVALID */
	KUNIT_EXPECT_EQ(test, st_be64(p + 36), 0x10000);

	st_vpd(test, e, 0xb1, &c);
	st_expect_good(test, &c, 64);
	KUNIT_EXPECT_EQ(test, p[4] << 8 | p[5], 1);		/* no rotation */

	st_vpd(test, e, 0xb2, &c);
	st_expect_good(test, &c, 8);
	KUNIT_EXPECT_EQ(test, p[3], 4);
	KUNIT_EXPECT_EQ(test, p[4], 1);		/* threshold exponent */
	KUNIT_EXPECT_EQ(test, p[5], 0xe4);	/* LBPU LBPWS LBPWS10 LBPRZ */
	KUNIT_EXPECT_EQ(test, p[6], 0x02);	/* thin */

	/* A short allocation length cuts the page. */
	{
		u8 cdb[6] = { 0x12, 0x01, 0x83, 0, 6, 0 };

		KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 255, &c), 0);
		st_expect_good(test, &c, 6);
	}
	/* A page the disk does not have. */
	st_vpd(test, e, 0x89, &c);
	st_expect_field(test, &c, 2);
	KUNIT_EXPECT_EQ(test, c.transferred, 0);
}

static void hvg_scsi_target_inquiry_vpd_no_unmap(struct kunit *test)
{
	struct st_env *e = st_env(test, false);
	struct hvg_scsi_cmd c;

	st_vpd(test, e, 0x00, &c);
	st_expect_good(test, &c, 6);
	KUNIT_EXPECT_EQ(test, e->buf[3], 2);
	KUNIT_EXPECT_EQ(test, e->buf[4], 0x00);
	KUNIT_EXPECT_EQ(test, e->buf[5], 0x83);
	/* No serial, no limits, no provisioning pages. */
	st_vpd(test, e, 0x80, &c);
	st_expect_field(test, &c, 2);
	st_vpd(test, e, 0xb0, &c);
	st_expect_field(test, &c, 2);
	st_vpd(test, e, 0xb2, &c);
	st_expect_field(test, &c, 2);
}

/* ---------------------------------------------------------------------
 * Capacity
 */

static void hvg_scsi_target_read_capacity(struct kunit *test)
{
	static const u8 rc10[10] = { 0x25 };
	static const u8 rc16[16] = { 0x9e, 0x10, [13] = 32 };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];

	KUNIT_ASSERT_EQ(test, st_run(e, 0, rc10, 10, IN, 8, &c), 0);
	st_expect_good(test, &c, 8);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf), ST_BLOCKS - 1);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf + 4), 512);

	memset(e->buf, 0xee, 32);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, rc16, 16, IN, 32, &c), 0);
	st_expect_good(test, &c, 32);
	KUNIT_EXPECT_EQ(test, st_be64(e->buf), ST_BLOCKS - 1);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf + 8), 512);
	KUNIT_EXPECT_EQ(test, e->buf[12], 0);		/* no protection */
	KUNIT_EXPECT_EQ(test, e->buf[13], 3);		/* 4 KiB physical */
	KUNIT_EXPECT_EQ(test, e->buf[14], 0xc0);	/* LBPME, LBPRZ */
	KUNIT_EXPECT_EQ(test, e->buf[31], 0);

	/* Allocation length 12. */
	memcpy(cdb, rc16, 16);
	cdb[13] = 12;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 32, &c), 0);
	st_expect_good(test, &c, 12);

	/* More than 2^32 blocks: READ CAPACITY(10) says "ask (16)". */
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_set_capacity(&e->lun,
							0x100000005ull), 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, rc10, 10, IN, 8, &c), 0);
	st_expect_sense(test, &c, 0x6, 0x2a, 0x09);	/* the attention */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, rc10, 10, IN, 8, &c), 0);
	st_expect_good(test, &c, 8);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf), 0xffffffff);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, rc16, 16, IN, 32, &c), 0);
	KUNIT_EXPECT_EQ(test, st_be64(e->buf), 0x100000004ull);

	/* An LBA without PMI; another service action. */
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = 0x25;
	cdb[5] = 1;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 8, &c), 0);
	st_expect_field(test, &c, 2);
	cdb[8] = 0x01;					/* PMI */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 8, &c), 0);
	st_expect_good(test, &c, 8);
	memcpy(cdb, rc16, 16);
	cdb[1] = 0x11;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 32, &c), 0);
	st_expect_field(test, &c, 1);
}

/* ---------------------------------------------------------------------
 * READ and WRITE
 */

static void st_rw10(u8 *cdb, u8 op, u32 lba, u16 count)
{
	memset(cdb, 0, 10);
	cdb[0] = op;
	cdb[2] = lba >> 24;
	cdb[3] = lba >> 16;
	cdb[4] = lba >> 8;
	cdb[5] = lba;
	cdb[7] = count >> 8;
	cdb[8] = count;
}

static void st_rw16(u8 *cdb, u8 op, u64 lba, u32 count)
{
	u32 i;

	memset(cdb, 0, 16);
	cdb[0] = op;
	for (i = 0; i < 8; i++)
		cdb[2 + i] = lba >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		cdb[10 + i] = count >> (24 - 8 * i);
}

static void hvg_scsi_target_read_write(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];
	u32 i;

	/* WRITE(10) 16 blocks at 100, across both segments. */
	for (i = 0; i < 8192; i++)
		e->buf[i] = i * 7 + 3;
	st_rw10(cdb, 0x2a, 100, 16);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, 8192, &c), 0);
	st_expect_good(test, &c, 8192);
	for (i = 0; i < 8192; i++)
		if (e->ram.mem[100 * 512 + i] != (u8)(i * 7 + 3))
			break;
	KUNIT_EXPECT_EQ(test, i, 8192);

	/* READ(16) back, from block 104: */
	memset(e->buf, 0, 8192);
	st_rw16(cdb, 0x88, 104, 4);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 2048, &c), 0);
	st_expect_good(test, &c, 2048);
	KUNIT_EXPECT_EQ(test, e->buf[0], (u8)((2048 * 7 + 3) & 0xff));
	KUNIT_EXPECT_EQ(test, e->buf[2047], (u8)((4095 * 7 + 3) & 0xff));

	/* READ(6): 21-bit LBA; a count of 0 is 256 blocks. */
	memset(cdb, 0, 6);
	cdb[0] = 0x08;
	cdb[3] = 100;
	cdb[4] = 1;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 512, &c), 0);
	st_expect_good(test, &c, 512);
	KUNIT_EXPECT_EQ(test, e->buf[511], (u8)((511 * 7 + 3) & 0xff));
	cdb[4] = 0;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 131072, &c), 0);
	st_expect_good(test, &c, 256 * 512);
	/* WRITE(6) and WRITE(16). */
	cdb[0] = 0x0a;
	cdb[4] = 2;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, OUT, 1024, &c), 0);
	st_expect_good(test, &c, 1024);
	st_rw16(cdb, 0x8a, ST_BLOCKS - 1, 1);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_good(test, &c, 512);

	/* A transfer length of 0 moves nothing, whatever the buffer. */
	st_rw10(cdb, 0x28, 5, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
}

static void hvg_scsi_target_lba_out_of_range(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];

	st_rw10(cdb, 0x28, ST_BLOCKS - 2, 2);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 1024, &c), 0);
	st_expect_good(test, &c, 1024);
	st_rw10(cdb, 0x28, ST_BLOCKS - 1, 2);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 1024, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
	KUNIT_EXPECT_EQ(test, c.transferred, 0);
	st_rw10(cdb, 0x2a, 0xffffffff, 1);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, 512, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
	/* No wrap-around of LBA + count. */
	st_rw16(cdb, 0x88, 0xffffffffffffffffull, 2);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 1024, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
	st_rw16(cdb, 0x8a, ST_BLOCKS, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	st_rw16(cdb, 0x8a, ST_BLOCKS + 1, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, NONE, 0, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
}

static void hvg_scsi_target_transfer_limits(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];

	/* More than the block limits' maximum transfer length. */
	st_rw10(cdb, 0x28, 0, 2049);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 65536, &c), 0);
	st_expect_field(test, &c, 7);
	st_rw16(cdb, 0x8a, 0, 0x10000000);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 65536, &c), 0);
	st_expect_field(test, &c, 10);
	/* A buffer shorter than the blocks, or going the other way. */
	st_rw10(cdb, 0x28, 0, 4);
	KUNIT_EXPECT_EQ(test, st_run(e, 0, cdb, 10, IN, 2047, &c), -EINVAL);
	KUNIT_EXPECT_EQ(test, st_run(e, 0, cdb, 10, OUT, 2048, &c), -EINVAL);
	KUNIT_EXPECT_EQ(test, st_run(e, 0, cdb, 10, NONE, 0, &c), -EINVAL);
	/* A longer buffer is fine: the CDB says what moves. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 4096, &c), 0);
	st_expect_good(test, &c, 2048);
	/* Protection information asked for. */
	cdb[1] = 0x20;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 2048, &c), 0);
	st_expect_field(test, &c, 1);
}

static void hvg_scsi_target_read_only(struct kunit *test)
{
	struct hvg_scsi_lun_config cfg = st_config(true);
	static const u8 ms6[6] = { 0x1a, 0x08, 0x3f, 0, 255, 0 };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_lun ro;
	struct hvg_scsi_cmd c;
	u8 cdb[16];

	cfg.read_only = true;
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&ro, &cfg, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 1, &ro), 0);
	clear_bit(HVG_SCSI_UA_LUNS, &e->lun.ua);
	st_rw10(cdb, 0x2a, 0, 1);
	KUNIT_ASSERT_EQ(test, st_run(e, 1, cdb, 10, OUT, 512, &c), 0);
	st_expect_sense(test, &c, 0x7, 0x27, 0x00);
	st_rw10(cdb, 0x28, 0, 1);
	KUNIT_ASSERT_EQ(test, st_run(e, 1, cdb, 10, IN, 512, &c), 0);
	st_expect_good(test, &c, 512);
	KUNIT_ASSERT_EQ(test, st_run(e, 1, ms6, 6, IN, 255, &c), 0);
	KUNIT_EXPECT_EQ(test, e->buf[2], 0x80);			/* WP */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, ms6, 6, IN, 255, &c), 0);
	KUNIT_EXPECT_EQ(test, e->buf[2], 0x00);
}

static void hvg_scsi_target_backing_errors(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];

	e->fail_read = true;
	st_rw10(cdb, 0x28, 0, 8);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 4096, &c), 0);
	st_expect_sense(test, &c, 0x3, 0x11, 0x00);
	KUNIT_EXPECT_EQ(test, c.transferred, 0);
	e->fail_read = false;
	e->fail_write = true;
	st_rw10(cdb, 0x2a, 0, 8);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, 4096, &c), 0);
	st_expect_sense(test, &c, 0x3, 0x0c, 0x00);
	e->fail_write = false;
	e->fail_flush = true;
	memset(cdb, 0, 10);
	cdb[0] = 0x35;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, NONE, 0, &c), 0);
	st_expect_sense(test, &c, 0x3, 0x0c, 0x00);
}

/* ---------------------------------------------------------------------
 * Unit attentions, TEST UNIT READY, REQUEST SENSE
 */

static void hvg_scsi_target_unit_attention(struct kunit *test)
{
	static const u8 tur[6] = { 0 };
	static const u8 inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	static const u8 rs[6] = { 0x03, 0, 0, 0, 18, 0 };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;

	KUNIT_ASSERT_EQ(test, st_run(e, 0, tur, 6, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_set_capacity(&e->lun, 4096), 0);
	/* INQUIRY neither reports nor clears it. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, inq, 6, IN, 36, &c), 0);
	st_expect_good(test, &c, 36);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, tur, 6, NONE, 0, &c), 0);
	st_expect_sense(test, &c, 0x6, 0x2a, 0x09);
	/* Reported once. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, tur, 6, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);

	/* REQUEST SENSE returns it as data, and the command succeeds. */
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_set_capacity(&e->lun, 2048), 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, rs, 6, IN, 18, &c), 0);
	st_expect_good(test, &c, 18);
	KUNIT_EXPECT_EQ(test, e->buf[0], 0x70);
	KUNIT_EXPECT_EQ(test, e->buf[2], 0x6);
	KUNIT_EXPECT_EQ(test, e->buf[12], 0x2a);
	KUNIT_EXPECT_EQ(test, e->buf[13], 0x09);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, tur, 6, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, rs, 6, IN, 18, &c), 0);
	st_expect_good(test, &c, 18);
	KUNIT_EXPECT_EQ(test, e->buf[2], 0x0);		/* no sense */
	KUNIT_EXPECT_EQ(test, e->buf[12], 0x00);
	/* Descriptor format is not offered. */
	{
		u8 d[6] = { 0x03, 0x01, 0, 0, 18, 0 };

		KUNIT_ASSERT_EQ(test, st_run(e, 0, d, 6, IN, 18, &c), 0);
		st_expect_field(test, &c, 1);
	}
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_set_capacity(&e->lun, 0), -EINVAL);
}

/* ---------------------------------------------------------------------
 * REPORT LUNS, missing LUNs, hot add and remove
 */

static void st_report_luns(u8 *cdb, u8 select, u32 alloc)
{
	memset(cdb, 0, 12);
	cdb[0] = 0xa0;
	cdb[2] = select;
	cdb[6] = alloc >> 24;
	cdb[7] = alloc >> 16;
	cdb[8] = alloc >> 8;
	cdb[9] = alloc;
}

static void hvg_scsi_target_report_luns(struct kunit *test)
{
	static const u8 tur[6] = { 0 };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_lun l3, l255;
	struct hvg_scsi_lun_config cfg = st_config(false);
	struct hvg_scsi_cmd c;
	u8 cdb[12];

	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&l3, &cfg, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&l255, &cfg, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 3, &l3), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 255, &l255), 0);

	/* LUN 0 has been told the inventory changed. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, tur, 6, NONE, 0, &c), 0);
	st_expect_sense(test, &c, 0x6, 0x3f, 0x0e);
	/* l3 was told when l255 came. */
	KUNIT_EXPECT_TRUE(test, test_bit(HVG_SCSI_UA_LUNS, &l3.ua));

	st_report_luns(cdb, 0, 4096);
	memset(e->buf, 0xee, 64);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 4096, &c), 0);
	st_expect_good(test, &c, 32);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf), 24);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf + 4), 0);
	KUNIT_EXPECT_EQ(test, st_be64(e->buf + 8), 0);
	KUNIT_EXPECT_EQ(test, st_be64(e->buf + 16), 0x0003000000000000ull);
	KUNIT_EXPECT_EQ(test, st_be64(e->buf + 24), 0x00ff000000000000ull);
	/* REPORT LUNS consumed the pending "LUNs changed" attentions. */
	KUNIT_EXPECT_FALSE(test, test_bit(HVG_SCSI_UA_LUNS, &l3.ua));

	/* Cut to the allocation length; the list length says the whole. */
	st_report_luns(cdb, 2, 16);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 4096, &c), 0);
	st_expect_good(test, &c, 16);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf), 24);
	/* And to the buffer. */
	st_report_luns(cdb, 0, 4096);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 20, &c), 0);
	st_expect_good(test, &c, 20);
	/* Well-known LUNs only: none. */
	st_report_luns(cdb, 1, 4096);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 4096, &c), 0);
	st_expect_good(test, &c, 8);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf), 0);
	/* Addressed to a LUN that does not exist: still answered. */
	st_report_luns(cdb, 0, 4096);
	KUNIT_ASSERT_EQ(test, st_run(e, 7, cdb, 12, IN, 4096, &c), 0);
	st_expect_good(test, &c, 32);
	KUNIT_ASSERT_EQ(test, st_run(e, 100000, cdb, 12, IN, 4096, &c), 0);
	/* Errors: select report, allocation length < 16. */
	st_report_luns(cdb, 0x10, 4096);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 4096, &c), 0);
	st_expect_field(test, &c, 2);
	st_report_luns(cdb, 0, 15);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 4096, &c), 0);
	st_expect_field(test, &c, 6);

	/* Removal. */
	KUNIT_EXPECT_PTR_EQ(test, hvg_scsi_target_remove_lun(&e->t, 3), &l3);
	KUNIT_EXPECT_PTR_EQ(test, hvg_scsi_target_remove_lun(&e->t, 3), NULL);
	KUNIT_EXPECT_PTR_EQ(test, hvg_scsi_target_remove_lun(&e->t, 256),
			    NULL);
	st_report_luns(cdb, 0, 4096);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 12, IN, 4096, &c), 0);
	st_expect_good(test, &c, 24);
	KUNIT_EXPECT_EQ(test, st_be32(e->buf), 16);
	KUNIT_EXPECT_EQ(test, hvg_scsi_target_add_lun(&e->t, 255, &l3),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, hvg_scsi_target_add_lun(&e->t, 256, &l3),
			-EINVAL);
}

static void hvg_scsi_target_missing_lun(struct kunit *test)
{
	static const u8 inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	static const u8 bad[6] = { 0xff };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;

	KUNIT_EXPECT_EQ(test, st_run(e, 1, inq, 6, IN, 36, &c), -ENODEV);
	KUNIT_EXPECT_EQ(test, st_run(e, 255, inq, 6, IN, 36, &c), -ENODEV);
	KUNIT_EXPECT_EQ(test, st_run(e, 256, inq, 6, IN, 36, &c), -ENODEV);
	KUNIT_EXPECT_EQ(test, st_run(e, 0xffffffff, bad, 6, IN, 36, &c),
			-ENODEV);
}

/*
 * An address with no target: INQUIRY says "no device", REPORT LUNS lists
 * none, anything else is LOGICAL UNIT NOT SUPPORTED.
 */
static void hvg_scsi_target_no_device(struct kunit *test)
{
	static const u8 inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	static const u8 inq5[6] = { 0x12, 0, 0, 0, 5, 0 };
	static const u8 rl[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0 };
	static const u8 tur[6] = { 0x00 };
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 *buf = e->buf;

	/* st_run()'s buffer and command, sent to no LUN at all. */
	KUNIT_ASSERT_EQ(test, st_run(e, 1, inq, 6, IN, 36, &c), -ENODEV);
	memset(buf, 0x5a, 64);
	KUNIT_EXPECT_EQ(test, hvg_scsi_no_device(&c), 0);
	st_expect_good(test, &c, 36);
	KUNIT_EXPECT_EQ(test, buf[0], 0x7f);	/* qualifier 3, type 0x1f */
	KUNIT_EXPECT_EQ(test, buf[4], 91);	/* additional length, as a LUN's */
	KUNIT_EXPECT_EQ(test, buf[8], 0);	/* no vendor */

	c.cdb = inq5;				/* allocation length 5 */
	KUNIT_EXPECT_EQ(test, hvg_scsi_no_device(&c), 0);
	KUNIT_EXPECT_EQ(test, c.transferred, 5);

	/* The target has a LUN 0, but this address has none. */
	memset(buf, 0x5a, 64);
	c.cdb = rl;
	c.cdb_len = 12;
	KUNIT_EXPECT_EQ(test, hvg_scsi_no_device(&c), 0);
	st_expect_good(test, &c, 8);
	KUNIT_EXPECT_EQ(test, st_be32(buf), 0);	/* list length */

	c.cdb = tur;
	c.cdb_len = 6;
	c.data_len = 0;
	c.dir = NONE;
	KUNIT_EXPECT_EQ(test, hvg_scsi_no_device(&c), 0);
	st_expect_sense(test, &c, HVG_SCSI_KEY_ILLEGAL_REQUEST, 0x25, 0);
}

/* ---------------------------------------------------------------------
 * MODE SENSE
 */

static void hvg_scsi_target_mode_sense(struct kunit *test)
{
	struct hvg_scsi_lun_config cfg = st_config(true);
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_lun wc;
	struct hvg_scsi_cmd c;
	u8 cdb[10] = { 0x1a, 0, 0x3f, 0, 255, 0 };
	u8 *p = e->buf;

	/* MODE SENSE(6), all pages, with a block descriptor. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 255, &c), 0);
	st_expect_good(test, &c, 4 + 8 + 20 + 12);
	KUNIT_EXPECT_EQ(test, p[0], 4 + 8 + 20 + 12 - 1);
	KUNIT_EXPECT_EQ(test, p[2], 0x00);	/* not WP, no DPOFUA */
	KUNIT_EXPECT_EQ(test, p[3], 8);
	KUNIT_EXPECT_EQ(test, st_be32(p + 4), ST_BLOCKS);
	KUNIT_EXPECT_EQ(test, st_be32(p + 8), 512);
	KUNIT_EXPECT_EQ(test, p[12], 0x08);	/* caching page */
	KUNIT_EXPECT_EQ(test, p[13], 0x12);
	KUNIT_EXPECT_EQ(test, p[14], 0x00);	/* no write cache */
	KUNIT_EXPECT_EQ(test, p[32], 0x0a);	/* control page */
	KUNIT_EXPECT_EQ(test, p[33], 0x0a);

	/* The 4-byte header probe Linux starts with. */
	cdb[4] = 4;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 6, IN, 255, &c), 0);
	st_expect_good(test, &c, 4);

	/* Caching page only, DBD, write cache on (LUN 1). */
	cfg.write_cache = true;
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&wc, &cfg, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 1, &wc), 0);
	clear_bit(HVG_SCSI_UA_LUNS, &e->lun.ua);
	cdb[1] = 0x08;
	cdb[2] = 0x08;
	cdb[4] = 255;
	KUNIT_ASSERT_EQ(test, st_run(e, 1, cdb, 6, IN, 255, &c), 0);
	st_expect_good(test, &c, 4 + 20);
	KUNIT_EXPECT_EQ(test, p[3], 0);
	KUNIT_EXPECT_EQ(test, p[4], 0x08);
	KUNIT_EXPECT_EQ(test, p[6], 0x04);	/* WCE */
	/* Changeable values: nothing is. */
	cdb[2] = 0x48;
	KUNIT_ASSERT_EQ(test, st_run(e, 1, cdb, 6, IN, 255, &c), 0);
	st_expect_good(test, &c, 4 + 20);
	KUNIT_EXPECT_EQ(test, p[6], 0x00);
	/* Default values: as current. */
	cdb[2] = 0x88;
	KUNIT_ASSERT_EQ(test, st_run(e, 1, cdb, 6, IN, 255, &c), 0);
	KUNIT_EXPECT_EQ(test, p[6], 0x04);

	/* MODE SENSE(10) with LLBAA: a 16-byte descriptor. */
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = 0x5a;
	cdb[1] = 0x10;
	cdb[2] = 0x0a;
	cdb[8] = 255;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 255, &c), 0);
	st_expect_good(test, &c, 8 + 16 + 12);
	KUNIT_EXPECT_EQ(test, p[0] << 8 | p[1], 8 + 16 + 12 - 2);
	KUNIT_EXPECT_EQ(test, p[4], 0x01);	/* LONGLBA */
	KUNIT_EXPECT_EQ(test, p[7], 16);
	KUNIT_EXPECT_EQ(test, st_be64(p + 8), ST_BLOCKS);
	KUNIT_EXPECT_EQ(test, st_be32(p + 20), 512);
	KUNIT_EXPECT_EQ(test, p[24], 0x0a);
	/* Without LLBAA: 8 bytes. */
	cdb[1] = 0;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 255, &c), 0);
	st_expect_good(test, &c, 8 + 8 + 12);

	/* All pages and subpages: the same pages. */
	cdb[2] = 0x3f;
	cdb[3] = 0xff;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 255, &c), 0);
	st_expect_good(test, &c, 8 + 8 + 20 + 12);
	/* Errors: a subpage, an unknown page, saved values. */
	cdb[2] = 0x08;
	cdb[3] = 0x01;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 255, &c), 0);
	st_expect_field(test, &c, 3);
	cdb[2] = 0x1c;
	cdb[3] = 0;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 255, &c), 0);
	st_expect_field(test, &c, 2);
	cdb[2] = 0xc8;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 255, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x39, 0x00);
}

/* ---------------------------------------------------------------------
 * SYNCHRONIZE CACHE, UNMAP, WRITE SAME
 */

static void hvg_scsi_target_sync_cache(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];

	st_rw10(cdb, 0x35, 0, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	KUNIT_EXPECT_EQ(test, e->flushes, 1);
	st_rw16(cdb, 0x91, ST_BLOCKS - 8, 8);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	KUNIT_EXPECT_EQ(test, e->flushes, 2);
	st_rw16(cdb, 0x91, ST_BLOCKS - 8, 9);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, NONE, 0, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
	KUNIT_EXPECT_EQ(test, e->flushes, 2);
}

/* An UNMAP parameter list in e->buf: @n descriptors {lba, count}. */
static u32 st_unmap_list(struct st_env *e, const u64 (*d)[2], u32 n)
{
	u8 *p = e->buf;
	u32 i, j, len = 8 + 16 * n;

	memset(p, 0, len);
	p[0] = (len - 2) >> 8;
	p[1] = len - 2;
	p[2] = (16 * n) >> 8;
	p[3] = 16 * n;
	for (i = 0; i < n; i++) {
		for (j = 0; j < 8; j++)
			p[8 + 16 * i + j] = d[i][0] >> (56 - 8 * j);
		for (j = 0; j < 4; j++)
			p[16 + 16 * i + j] = d[i][1] >> (24 - 8 * j);
	}
	return len;
}

static void st_unmap_cdb(u8 *cdb, u32 plen)
{
	memset(cdb, 0, 10);
	cdb[0] = 0x42;
	cdb[7] = plen >> 8;
	cdb[8] = plen;
}

static void hvg_scsi_target_unmap(struct kunit *test)
{
	static const u64 two[2][2] = { { 10, 2 }, { 100, 1 } };
	static const u64 bad[2][2] = { { 10, 2 }, { ST_BLOCKS - 1, 2 } };
	static u64 many[17][2];
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u32 plen;
	u8 cdb[10];

	memset(e->ram.mem, 0xab, e->ram.size);
	plen = st_unmap_list(e, two, 2);
	st_unmap_cdb(cdb, plen);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen, &c), 0);
	st_expect_good(test, &c, plen);
	KUNIT_EXPECT_EQ(test, e->discards, 2);
	KUNIT_EXPECT_EQ(test, e->ram.mem[10 * 512 - 1], 0xab);
	KUNIT_EXPECT_EQ(test, e->ram.mem[10 * 512], 0x00);
	KUNIT_EXPECT_EQ(test, e->ram.mem[12 * 512 - 1], 0x00);
	KUNIT_EXPECT_EQ(test, e->ram.mem[12 * 512], 0xab);
	KUNIT_EXPECT_EQ(test, e->ram.mem[100 * 512 + 511], 0x00);

	/* One descriptor out of range: nothing is unmapped. */
	memset(e->ram.mem, 0xab, e->ram.size);
	plen = st_unmap_list(e, bad, 2);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
	KUNIT_EXPECT_EQ(test, e->discards, 2);
	KUNIT_EXPECT_EQ(test, e->ram.mem[10 * 512], 0xab);

	/* More descriptors than the block limits allow. */
	plen = st_unmap_list(e, many, 17);
	st_unmap_cdb(cdb, plen);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x26, 0x00);
	/* A list length that is no list; none at all. */
	st_unmap_cdb(cdb, 7);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, 7, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x1a, 0x00);
	st_unmap_cdb(cdb, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	/* The header claims more descriptors than the list holds. */
	plen = st_unmap_list(e, two, 1);
	e->buf[3] = 32;
	st_unmap_cdb(cdb, plen);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen, &c), 0);
	st_expect_good(test, &c, plen);
	KUNIT_EXPECT_EQ(test, e->discards, 3);
	/* A buffer shorter than the list; ANCHOR. */
	KUNIT_EXPECT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen - 1, &c),
			-EINVAL);
	cdb[1] = 0x01;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen, &c), 0);
	st_expect_field(test, &c, 1);
}

static void hvg_scsi_target_unmap_unsupported(struct kunit *test)
{
	static const u64 one[1][2] = { { 0, 1 } };
	struct st_env *e = st_env(test, false);
	struct hvg_scsi_cmd c;
	u8 cdb[16];
	u32 plen;

	plen = st_unmap_list(e, one, 1);
	st_unmap_cdb(cdb, plen);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, plen, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x20, 0x00);
	st_rw16(cdb, 0x93, 0, 1);
	cdb[1] = 0x08;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_field(test, &c, 1);
	KUNIT_EXPECT_EQ(test, e->discards, 0);
}

static void hvg_scsi_target_write_same(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16];
	u32 i;

	/* A pattern block, written 8 times by WRITE SAME(16). */
	for (i = 0; i < 512; i++)
		e->buf[i] = i ^ 0x5c;
	st_rw16(cdb, 0x93, 40, 8);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_good(test, &c, 512);
	KUNIT_EXPECT_EQ(test, e->ram.mem[40 * 512 + 3], 3 ^ 0x5c);
	KUNIT_EXPECT_EQ(test, e->ram.mem[47 * 512 + 511], (u8)((511 ^ 0x5c) & 0xff));
	KUNIT_EXPECT_EQ(test, e->ram.mem[48 * 512], 0);
	/* With UNMAP, a non-zero block is still written. */
	cdb[1] = 0x08;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_good(test, &c, 512);
	KUNIT_EXPECT_EQ(test, e->discards, 0);
	/* With UNMAP and a zero block: unmapped. */
	memset(e->buf, 0, 512);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_good(test, &c, 512);
	KUNIT_EXPECT_EQ(test, e->discards, 1);
	KUNIT_EXPECT_EQ(test, e->ram.mem[40 * 512 + 3], 0);
	/* NDOB: no data-out buffer, zeros. */
	memset(e->ram.mem, 0xab, 4096);
	st_rw16(cdb, 0x93, 0, 8);
	cdb[1] = 0x01;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, NONE, 0, &c), 0);
	st_expect_good(test, &c, 0);
	KUNIT_EXPECT_EQ(test, e->ram.mem[4095], 0);
	KUNIT_EXPECT_EQ(test, e->discards, 1);
	/* WRITE SAME(10). */
	e->buf[0] = 0x77;
	st_rw10(cdb, 0x41, 2, 1);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, 512, &c), 0);
	st_expect_good(test, &c, 512);
	KUNIT_EXPECT_EQ(test, e->ram.mem[1024], 0x77);

	/* Errors: count 0 (WSNZ), too many, out of range, ANCHOR. */
	st_rw16(cdb, 0x93, 0, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_field(test, &c, 10);
	st_rw16(cdb, 0x93, 0, 0x10001);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_field(test, &c, 10);
	st_rw16(cdb, 0x93, ST_BLOCKS - 1, 2);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x21, 0x00);
	st_rw16(cdb, 0x93, 0, 1);
	cdb[1] = 0x10;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, OUT, 512, &c), 0);
	st_expect_field(test, &c, 1);
	st_rw10(cdb, 0x41, 0, 1);
	cdb[1] = 0x02;				/* LBDATA */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, OUT, 512, &c), 0);
	st_expect_field(test, &c, 1);
	/* No block to read. */
	st_rw16(cdb, 0x93, 0, 1);
	KUNIT_EXPECT_EQ(test, st_run(e, 0, cdb, 16, OUT, 511, &c), -EINVAL);
}

/* ---------------------------------------------------------------------
 * Malformed CDBs
 */

static void hvg_scsi_target_bad_cdb(struct kunit *test)
{
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_cmd c;
	u8 cdb[16] = { 0 };
	u32 op;

	/* Opcodes the disk does not have. */
	for (op = 0; op < 256; op += 0x11) {
		if (op == 0x00 || op == 0x88)
			continue;
		cdb[0] = op;
		KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 512, &c), 0);
		st_expect_sense(test, &c, 0x5, 0x20, 0x00);
	}
	cdb[0] = 0xff;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 512, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x20, 0x00);
	/* No CDB at all. */
	cdb[0] = 0x00;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 0, NONE, 0, &c), 0);
	st_expect_sense(test, &c, 0x5, 0x20, 0x00);
	/* Shorter than the opcode's CDB; longer than any. */
	st_rw10(cdb, 0x28, 0, 1);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 9, IN, 512, &c), 0);
	st_expect_field(test, &c, 0);
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 17, IN, 512, &c), 0);
	st_expect_field(test, &c, 0);
	/* A 16-byte CDB holding READ(10) is fine. */
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 16, IN, 512, &c), 0);
	st_expect_good(test, &c, 512);
	/* NACA in the control byte. */
	cdb[9] = 0x04;
	KUNIT_ASSERT_EQ(test, st_run(e, 0, cdb, 10, IN, 512, &c), 0);
	st_expect_field(test, &c, 9);
	KUNIT_EXPECT_EQ(test, c.sense[15], 0xc8 | 2);	/* bit 2 */
}

static void hvg_scsi_target_lun_config(struct kunit *test)
{
	struct hvg_scsi_lun_config cfg = st_config(true);
	struct hvg_scsi_backing_ops no_discard = st_ops;
	struct hvg_scsi_backing_ops no_read = st_ops;
	struct hvg_scsi_lun lun;

	no_discard.discard = NULL;
	no_read.read = NULL;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, NULL), 0);
	KUNIT_EXPECT_EQ(test, lun.cfg.max_transfer_blocks, 2048);
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &no_discard,
						NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &no_read, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, NULL, NULL),
			-EINVAL);
	cfg.unmap = false;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &no_discard,
						NULL), 0);
	cfg.blocks = 0;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, NULL),
			-EINVAL);
	cfg.blocks = (1ull << 54) + 1;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, NULL),
			-EINVAL);
	cfg.blocks = 1;
	cfg.phys_block_shift = 8;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, NULL),
			-EINVAL);
	cfg.phys_block_shift = 0;
	cfg.max_transfer_blocks = 8193;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, NULL),
			-EINVAL);
	cfg.max_transfer_blocks = 8192;
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, NULL), 0);
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_set_capacity(&lun, 1ull << 54), 0);
	KUNIT_EXPECT_EQ(test, hvg_scsi_lun_set_capacity(&lun, (1ull << 54) + 1),
			-EINVAL);
}

/*
 * What a Linux sd probe sends, in order, each answered with GOOD: TEST
 * UNIT READY, INQUIRY (36), REPORT LUNS, the VPD pages it reads, READ
 * CAPACITY(16), MODE SENSE(6) for write protect and caching, a first read.
 */
static void hvg_scsi_target_sd_probe(struct kunit *test)
{
	static const struct {
		u8 cdb[16];
		u8 len;
		u32 moved;
	} seq[] = {
		{ { 0x00 }, 6, 0 },
		{ { 0x12, 0, 0, 0, 36 }, 6, 36 },
		{ { 0xa0, [9] = 0xff }, 12, 16 },
		{ { 0x12, 1, 0x00, 0, 255 }, 6, 10 },
		{ { 0x12, 1, 0x83, 0, 255 }, 6, 52 },
		{ { 0x9e, 0x10, [13] = 32 }, 16, 32 },
		{ { 0x12, 1, 0xb0, 0, 64 }, 6, 64 },
		{ { 0x12, 1, 0xb1, 0, 64 }, 6, 64 },
		{ { 0x12, 1, 0xb2, 0, 8 }, 6, 8 },
		{ { 0x1a, 0, 0x3f, 0, 4 }, 6, 4 },
		{ { 0x1a, 0, 0x3f, 0, 192 }, 6, 44 },
		{ { 0x1a, 0x08, 0x08, 0, 192 }, 6, 24 },
		{ { 0x28, 0, 0, 0, 0, 0, 0, 0, 8 }, 10, 4096 },
	};
	struct hvg_scsi_lun_config cfg = st_config(true);
	struct st_env *e = st_env(test, true);
	struct hvg_scsi_lun lun;
	struct hvg_scsi_cmd c;
	u32 i;

	/* With a serial number: VPD page 0 lists 6 pages. */
	hvg_scsi_target_remove_lun(&e->t, 0);
	strscpy(cfg.serial, "0123", sizeof(cfg.serial));
	KUNIT_ASSERT_EQ(test, hvg_scsi_lun_init(&lun, &cfg, &st_ops, e), 0);
	KUNIT_ASSERT_EQ(test, hvg_scsi_target_add_lun(&e->t, 0, &lun), 0);
	for (i = 0; i < ARRAY_SIZE(seq); i++) {
		KUNIT_ASSERT_EQ_MSG(test, st_run(e, 0, seq[i].cdb, seq[i].len,
						 IN, 4096, &c), 0,
				    "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c.status, HVG_SCSI_GOOD, "step %u",
				    i);
		KUNIT_EXPECT_EQ_MSG(test, c.transferred, seq[i].moved,
				    "step %u", i);
	}
}

/* A small deterministic generator (xorshift32), for reproducible runs. */
static u32 st_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/*
 * Run @cmd from a buffer of exactly @len bytes (KASAN sees any access past
 * it) in two segments, and check what every outcome must satisfy.
 */
static void st_run_checked(struct kunit *test, struct st_env *e, u32 n,
			   const u8 *cdb, u32 cdb_len, u8 dir, u32 len)
{
	struct hvg_scsi_seg segs[2];
	struct hvg_scsi_cmd c;
	bool report_luns;
	u8 *buf;
	int ret;

	buf = kmalloc(len ? len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0, len);
	segs[0].addr = buf;
	segs[0].len = len / 2;
	segs[1].addr = buf + len / 2;
	segs[1].len = len - len / 2;
	memset(&c, 0x5a, sizeof(c));
	c.cdb = cdb;
	c.cdb_len = cdb_len;
	c.segs = segs;
	c.nsegs = 2;
	c.data_len = len;
	c.dir = dir;
	ret = hvg_scsi_execute(&e->t, n, &c);
	kfree(buf);

	/* A missing LUN answers REPORT LUNS only (the opcode as sent). */
	report_luns = cdb_len && cdb[0] == 0xa0;
	KUNIT_EXPECT_TRUE_MSG(test, ret == 0 || ret == -EINVAL ||
			      (ret == -ENODEV && n != 0 && !report_luns),
			      "op 0x%02x len %u: %d", cdb[0], cdb_len, ret);
	if (ret)
		return;
	KUNIT_EXPECT_LE_MSG(test, c.transferred, len, "op 0x%02x", cdb[0]);
	if (c.status == HVG_SCSI_GOOD) {
		KUNIT_EXPECT_EQ_MSG(test, c.sense_len, 0, "op 0x%02x", cdb[0]);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, c.status, HVG_SCSI_CHECK_CONDITION,
				    "op 0x%02x", cdb[0]);
		KUNIT_EXPECT_EQ(test, c.sense_len, 18);
		KUNIT_EXPECT_EQ(test, c.sense[0], 0x70);
		KUNIT_EXPECT_EQ(test, c.sense[7], 10);
	}
}

/*
 * Every opcode with every CDB length and direction, then random CDBs of
 * the opcodes the target has with random fields, buffer sizes and
 * directions, on LUN 0, a missing LUN and after a capacity change: only
 * documented outcomes, nothing past the buffer (KASAN), no crash.
 */
static void hvg_scsi_target_random_cdbs(struct kunit *test)
{
	static const u8 ops[] = {
		0x00, 0x03, 0x08, 0x0a, 0x12, 0x1a, 0x1b, 0x25, 0x28, 0x2a,
		0x35, 0x41, 0x42, 0x5a, 0x88, 0x8a, 0x91, 0x93, 0x9e, 0xa0,
	};
	struct st_env *e = st_env(test, true);
	u32 op, len, dir, i, seed = 0x1badcafe, r;
	u8 cdb[16];

	for (op = 0; op < 256; op++) {
		for (len = 0; len <= 16; len++) {
			for (dir = 0; dir < 3; dir++) {
				memset(cdb, 0, sizeof(cdb));
				cdb[0] = op;
				cdb[4] = 8;		/* small allocations */
				cdb[8] = 1;
				st_run_checked(test, e, 0, cdb, len, dir,
					       dir ? 512 : 0);
			}
		}
	}
	for (i = 0; i < 4000; i++) {
		for (len = 0; len < 16; len += 4)
			put_unaligned_be32(st_rand(&seed), cdb + len);
		r = st_rand(&seed);
		cdb[0] = ops[r % ARRAY_SIZE(ops)];
		/* Mostly small LBAs and counts, so some commands succeed. */
		if (r & 0x100) {
			memset(cdb + 2, 0, 6);
			cdb[5] = r >> 24;
			cdb[7] = 0;
			cdb[8] &= 0x0f;
			cdb[12] = 0;
			cdb[13] &= 0x0f;
		}
		len = (r >> 9) & 0x3 ? 10 + ((r >> 11) & 7) : (r >> 11) & 15;
		dir = (r >> 14) % 3;
		st_run_checked(test, e, (r >> 16) & 1 ? 0 : (r >> 17) & 3,
			       cdb, len, dir, (r >> 19) & 0x3 ? (r >> 21) & 0x1fff :
			       8192);
		if (!(i % 1000))
			hvg_scsi_lun_set_capacity(&e->lun, ST_BLOCKS - i / 1000);
	}
}

static struct kunit_case hvg_scsi_target_cases[] = {
	KUNIT_CASE(hvg_scsi_target_inquiry_standard),
	KUNIT_CASE(hvg_scsi_target_inquiry_vpd),
	KUNIT_CASE(hvg_scsi_target_inquiry_vpd_no_unmap),
	KUNIT_CASE(hvg_scsi_target_read_capacity),
	KUNIT_CASE(hvg_scsi_target_read_write),
	KUNIT_CASE(hvg_scsi_target_lba_out_of_range),
	KUNIT_CASE(hvg_scsi_target_transfer_limits),
	KUNIT_CASE(hvg_scsi_target_read_only),
	KUNIT_CASE(hvg_scsi_target_backing_errors),
	KUNIT_CASE(hvg_scsi_target_unit_attention),
	KUNIT_CASE(hvg_scsi_target_report_luns),
	KUNIT_CASE(hvg_scsi_target_missing_lun),
	KUNIT_CASE(hvg_scsi_target_no_device),
	KUNIT_CASE(hvg_scsi_target_mode_sense),
	KUNIT_CASE(hvg_scsi_target_sync_cache),
	KUNIT_CASE(hvg_scsi_target_unmap),
	KUNIT_CASE(hvg_scsi_target_unmap_unsupported),
	KUNIT_CASE(hvg_scsi_target_write_same),
	KUNIT_CASE(hvg_scsi_target_bad_cdb),
	KUNIT_CASE(hvg_scsi_target_lun_config),
	KUNIT_CASE(hvg_scsi_target_sd_probe),
	KUNIT_CASE(hvg_scsi_target_random_cdbs),
	{}
};

static struct kunit_suite hvg_scsi_target_suite = {
	.name = "hvg_scsi_target",
	.test_cases = hvg_scsi_target_cases,
};

kunit_test_suite(hvg_scsi_target_suite);
