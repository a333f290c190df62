// SPDX-License-Identifier: GPL-2.0
/*
 * LUNs of the loopback host's SCSI target backed by a block device (or a
 * regular file) of the machine it runs on: scsi_backing=/dev/vdb makes that
 * device LUN 0 of the first synthetic SCSI controller, so that a guest
 * reaches a real disk through hvg_storvsc (the hand-over boot test mounts
 * its root file system this way).
 *
 * The device is opened once, at load, read-write and exclusively (O_EXCL:
 * nothing else on the machine may mount it meanwhile; read-only if it
 * cannot be written). Commands run in process context (the channel's work,
 * inside storvsp's SRCU read section, which may sleep), so the data moves
 * with kernel_read()/kernel_write() through the device's page cache:
 * SYNCHRONIZE CACHE is vfs_fsync(), UNMAP and WRITE SAME with UNMAP are a
 * hole punched (FALLOC_FL_PUNCH_HOLE; on a device that cannot, its range
 * zeroed with FALLOC_FL_ZERO_RANGE). Every error is returned to the SCSI
 * target, which turns it into MEDIUM ERROR sense data, and is logged
 * rate-limited with the path. Each I/O runs with memalloc_noio_save(), as
 * the loop driver's does: its page-cache allocations must not recurse into
 * I/O that may wait on this very LUN.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/err.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched/mm.h>
#include <linux/string.h>

#include "lun_bdev.h"
#include "scsi_target.h"

#define HVG_LH_BDEV_MAX		8	/* storvsp's most controllers */

static char *hvg_lh_bdev_paths[HVG_LH_BDEV_MAX];
static int hvg_lh_bdev_nr_paths;
module_param_array_named(scsi_backing, hvg_lh_bdev_paths, charp,
			 &hvg_lh_bdev_nr_paths, 0444);
MODULE_PARM_DESC(scsi_backing,
		 "Block devices (or files) of this machine served as LUN 0 of the SCSI controllers, one path per controller, comma-separated, an empty entry for none (e.g. /dev/vdb or ,/dev/vdc); opened exclusively at load; the controller's RAM LUNs follow at LUN 1 (default: none)");

/*
 * One backing device. Set at load by hvg_lh_bdev_lun_add() (storvsp's LUN
 * lock held), read-only while commands run, cleared by hvg_lh_bdev_exit().
 */
struct hvg_lh_bdev {
	struct file *file;
	const char *path;
	u64 size;		/* bytes, a multiple of 512 */
};

static struct hvg_lh_bdev hvg_lh_bdevs[HVG_LH_BDEV_MAX];

static bool hvg_lh_bdev_range_ok(const struct hvg_lh_bdev *b, u64 offset,
				 u64 len)
{
	return offset <= b->size && len <= b->size - offset;
}

static int hvg_lh_bdev_failed(const struct hvg_lh_bdev *b, const char *op,
			      u64 offset, u64 len, long err)
{
	pr_err_ratelimited("scsi backing %s: %s of %llu bytes at %llu failed: %ld\n",
			   b->path, op, len, offset, err);
	return err < 0 ? (int)err : -EIO;
}

/* Read or write @len bytes at @offset; a short transfer is an error. */
static int hvg_lh_bdev_rw(struct hvg_lh_bdev *b, u64 offset, void *buf,
			  u32 len, bool write)
{
	unsigned int noio;
	loff_t pos = offset;
	u32 done = 0;
	ssize_t n = 0;

	if (!hvg_lh_bdev_range_ok(b, offset, len))
		return hvg_lh_bdev_failed(b, write ? "write" : "read", offset,
					  len, -EIO);
	noio = memalloc_noio_save();
	while (done < len) {
		if (write)
			n = kernel_write(b->file, (u8 *)buf + done, len - done,
					 &pos);
		else
			n = kernel_read(b->file, (u8 *)buf + done, len - done,
					&pos);
		if (n <= 0)
			break;
		done += n;
	}
	memalloc_noio_restore(noio);
	if (done < len)
		return hvg_lh_bdev_failed(b, write ? "write" : "read", offset,
					  len, n < 0 ? n : -EIO);
	return 0;
}

static int hvg_lh_bdev_read(void *priv, u64 offset, void *buf, u32 len)
{
	return hvg_lh_bdev_rw(priv, offset, buf, len, false);
}

static int hvg_lh_bdev_write(void *priv, u64 offset, const void *buf,
			     u32 len)
{
	/* kernel_write() only reads the buffer. */
	return hvg_lh_bdev_rw(priv, offset, (void *)buf, len, true);
}

static int hvg_lh_bdev_discard(void *priv, u64 offset, u64 len)
{
	struct hvg_lh_bdev *b = priv;
	unsigned int noio;
	int ret;

	if (!hvg_lh_bdev_range_ok(b, offset, len))
		return hvg_lh_bdev_failed(b, "unmap", offset, len, -EIO);
	noio = memalloc_noio_save();
	ret = vfs_fallocate(b->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    offset, len);
	/* A device without discard or write-zeroes-unmap: write zeroes. */
	if (ret == -EOPNOTSUPP)
		ret = vfs_fallocate(b->file,
				    FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
				    offset, len);
	memalloc_noio_restore(noio);
	return ret ? hvg_lh_bdev_failed(b, "unmap", offset, len, ret) : 0;
}

static int hvg_lh_bdev_flush(void *priv)
{
	struct hvg_lh_bdev *b = priv;
	unsigned int noio;
	int ret;

	noio = memalloc_noio_save();
	ret = vfs_fsync(b->file, 0);
	memalloc_noio_restore(noio);
	return ret ? hvg_lh_bdev_failed(b, "flush", 0, 0, ret) : 0;
}

static const struct hvg_scsi_backing_ops hvg_lh_bdev_ops = {
	.read = hvg_lh_bdev_read,
	.write = hvg_lh_bdev_write,
	.discard = hvg_lh_bdev_discard,
	.flush = hvg_lh_bdev_flush,
};

unsigned int hvg_lh_bdev_count(void)
{
	int i;

	for (i = hvg_lh_bdev_nr_paths; i > 0; i--)
		if (hvg_lh_bdev_paths[i - 1] && hvg_lh_bdev_paths[i - 1][0])
			return i;
	return 0;
}

int hvg_lh_bdev_lun_add(unsigned int ctrl, struct hvg_scsi_target *t,
			struct hvg_scsi_lun *lun, u32 max_transfer_blocks)
{
	struct hvg_scsi_lun_config cfg = {
		.phys_block_shift = 3,
		.max_transfer_blocks = max_transfer_blocks,
		.write_cache = true,	/* the page cache: flushes matter */
	};
	struct hvg_lh_bdev *b;
	struct file *f;
	bool ro = false;
	int err;

	if (ctrl >= hvg_lh_bdev_count() || !hvg_lh_bdev_paths[ctrl] ||
	    !hvg_lh_bdev_paths[ctrl][0])
		return 0;
	b = &hvg_lh_bdevs[ctrl];
	if (b->file)
		return -EBUSY;
	b->path = hvg_lh_bdev_paths[ctrl];
	f = filp_open(b->path, O_RDWR | O_EXCL | O_LARGEFILE, 0);
	if (IS_ERR(f) && (PTR_ERR(f) == -EROFS || PTR_ERR(f) == -EACCES)) {
		ro = true;
		f = filp_open(b->path, O_RDONLY | O_EXCL | O_LARGEFILE, 0);
	}
	if (IS_ERR(f)) {
		pr_err("scsi_backing %s: cannot open: %ld\n", b->path,
		       PTR_ERR(f));
		return PTR_ERR(f);
	}
	b->file = f;
	b->size = round_down(i_size_read(f->f_mapping->host),
			     HVG_SCSI_BLOCK_SIZE);
	cfg.blocks = b->size >> HVG_SCSI_BLOCK_SHIFT;
	cfg.read_only = ro;
	cfg.unmap = !ro;
	/* A disk id of its own: "hvgBDEV", controller. */
	memcpy(cfg.disk_id, "hvgBDEV", 7);
	cfg.disk_id[8] = ctrl;
	snprintf(cfg.serial, sizeof(cfg.serial), "HVGB%02u", ctrl);
	err = hvg_scsi_lun_init(lun, &cfg, &hvg_lh_bdev_ops, b);
	if (err)
		pr_err("scsi_backing %s: %llu bytes: not a usable disk size\n",
		       b->path, b->size);
	else
		err = hvg_scsi_target_add_lun(t, 0, lun);
	if (err) {
		filp_close(f, NULL);
		b->file = NULL;
		return err;
	}
	pr_info("SCSI controller %u LUN 0: %s, %llu MiB%s\n", ctrl, b->path,
		b->size >> 20, ro ? ", read-only" : "");
	return 1;
}

void hvg_lh_bdev_exit(void)
{
	unsigned int i;

	for (i = 0; i < HVG_LH_BDEV_MAX; i++) {
		if (!hvg_lh_bdevs[i].file)
			continue;
		filp_close(hvg_lh_bdevs[i].file, NULL);
		hvg_lh_bdevs[i].file = NULL;
	}
}
