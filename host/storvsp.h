/* SPDX-License-Identifier: GPL-2.0 */
/*
 * storvsp (storvsp.c): the loopback host's synthetic SCSI controllers.
 * hvg_lh_storvsp_init() allocates the RAM LUNs and creates the controllers
 * that the scsi_devices parameter asks for (none by default); call
 * hvg_lh_storvsp_exit() after the server is destroyed (also when init
 * failed): it frees the LUNs.
 */
#ifndef _HVG_LOOPHOST_STORVSP_H
#define _HVG_LOOPHOST_STORVSP_H

struct hvg_lh_server;

int hvg_lh_storvsp_init(struct hvg_lh_server *srv);
void hvg_lh_storvsp_exit(void);

#endif /* _HVG_LOOPHOST_STORVSP_H */
