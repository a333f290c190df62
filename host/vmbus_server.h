/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's VMBus server: the host side of the VMBus control
 * messages, on top of the SynIC model (synic.h). So far it serves the
 * connection only: INITIATE_CONTACT, REQUESTOFFERS (with no offers) and
 * UNLOAD. See Documentation/loophost.rst.
 */
#ifndef _HVG_LOOPHOST_VMBUS_SERVER_H
#define _HVG_LOOPHOST_VMBUS_SERVER_H

#include <linux/types.h>

struct hvg_lh_synic;
struct hvg_lh_server;
struct seq_file;

/*
 * The connection id this host returns in a 5.0+ VERSION_RESPONSE, for every
 * later guest message. Host-chosen; this host uses the pre-5.0 message
 * connection id, and takes nothing but INITIATE_CONTACT on id 4.
 */
#define HVG_LH_VMBUS_MSG_CONN_ID	1

/**
 * hvg_lh_server_create() - start serving VMBus on a SynIC model
 * @synic: the model; outlives the server
 * @host_version: the version this host answers as (major << 16 | minor),
 *	one of the eight hvg_lh_server_version_known() accepts
 *
 * Adds the message connection ids: 1 always, 4 when @host_version >= 5.0
 * (an older host has no such id: HvPostMessage to it fails with
 * INVALID_CONNECTION_ID). Process context.
 * Return: the server, or ERR_PTR(-EINVAL / -ENOMEM / the model's error).
 */
struct hvg_lh_server *hvg_lh_server_create(struct hvg_lh_synic *synic,
					   u32 host_version);

/*
 * Removes the connections (on return no callback runs any more) and frees
 * the server. Process context.
 */
void hvg_lh_server_destroy(struct hvg_lh_server *srv);

/* Is @version one of 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0, 2.4? */
bool hvg_lh_server_version_known(u32 version);

/* debugfs: the server's state and counters. */
void hvg_lh_server_show(struct hvg_lh_server *srv, struct seq_file *m);

#endif /* _HVG_LOOPHOST_VMBUS_SERVER_H */
