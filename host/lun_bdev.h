/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LUNs backed by an existing block device (or a regular file) of the
 * machine the loopback host runs on (lun_bdev.c), named by the
 * scsi_backing parameter, one path per SCSI controller.
 *
 * storvsp calls hvg_lh_bdev_lun_add() for each controller it creates (under
 * its LUN lock) and hvg_lh_bdev_exit() once every command has returned and
 * every LUN is gone.
 */
#ifndef _HVG_LOOPHOST_LUN_BDEV_H
#define _HVG_LOOPHOST_LUN_BDEV_H

#include <linux/types.h>

struct hvg_scsi_lun;
struct hvg_scsi_target;

/* How many controllers have a backing path (the last one named + 1). */
unsigned int hvg_lh_bdev_count(void);

/*
 * hvg_lh_bdev_lun_add() - open controller @ctrl's backing path, if it has
 * one, set @lun up on it and add it to @t as LUN 0.
 * Return: 1 when LUN 0 was added, 0 when @ctrl has no backing path, or a
 * negative errno (the path cannot be opened, its size is not usable).
 */
int hvg_lh_bdev_lun_add(unsigned int ctrl, struct hvg_scsi_target *t,
			struct hvg_scsi_lun *lun, u32 max_transfer_blocks);

/* Close every backing file. No command may be running or start. */
void hvg_lh_bdev_exit(void);

#endif /* _HVG_LOOPHOST_LUN_BDEV_H */
