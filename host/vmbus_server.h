/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's VMBus server: the host side of the VMBus control
 * messages, on top of the SynIC model (synic.h): connection, offers,
 * GPADLs, channels, sub-channels, rescind, MODIFYCHANNEL and UNLOAD. See
 * Documentation/loophost.rst; the internals are in server_internal.h.
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
 * struct hvg_lh_server_config - what hvg_lh_server_create() serves
 * @host_version: the version this host answers as (major << 16 | minor),
 *	one of the eight hvg_lh_server_version_known() accepts; or 0, a host
 *	that refuses every version (VERSION_RESPONSE version_supported = 0
 *	to every INITIATE_CONTACT, on id 1 and on id 4 alike)
 * @nr_vps: VPs of the SynIC model (target VPs are checked against it)
 * @echo_devices: echo devices offered from the start
 * @monitor_allocated: offer channels with a monitor id and poll the
 *	guest's monitor page for their signals
 * @boot_vp: the VP index of the guest's boot CPU (CPU 0), < @nr_vps: where
 *	control messages go for a guest older than VMBus 3.0, which names no
 *	target VP ("VP 0" on Hyper-V, whose boot CPU is VP 0; behind hv_soft
 *	booted with vpoffset there is no VP 0)
 */
struct hvg_lh_server_config {
	u32 host_version;
	u32 nr_vps;
	unsigned int echo_devices;
	bool monitor_allocated;
	u32 boot_vp;
};

/**
 * hvg_lh_server_create() - start serving VMBus on a SynIC model
 * @synic: the model; outlives the server
 * @cfg: what to serve
 *
 * Creates the configured devices (offered once the guest asks), then adds
 * the message connection ids: 1 always, 4 when the host version is >= 5.0
 * or 0 (an older host has no such id: HvPostMessage to it fails with
 * INVALID_CONNECTION_ID; one that refuses all answers there too). Process
 * context.
 * Return: the server, or ERR_PTR(-EINVAL / -ENOMEM / the model's error).
 */
struct hvg_lh_server *hvg_lh_server_create(struct hvg_lh_synic *synic,
					   const struct hvg_lh_server_config *cfg);

/*
 * Removes the connections (on return no callback runs any more), closes
 * every channel, unmaps every GPADL and frees the server, whatever state
 * the guest left it in. Process context.
 */
void hvg_lh_server_destroy(struct hvg_lh_server *srv);

/*
 * hvg_lh_server_panic_message() - a front end's HvPostMessage during a
 * panic (oops_in_progress): if the message is the guest's UNLOAD, answer
 * it at once, without the server's lock, a work item or an interrupt:
 * UNLOAD_RESPONSE goes straight into the connect VP's slot (or behind it,
 * for the guest's EOM), where a panicking guest polls. Any context.
 * Return: true if answered (the hypercall then succeeds); false: handle
 * the message the normal way.
 */
bool hvg_lh_server_panic_message(struct hvg_lh_server *srv, u32 connection_id,
				 u32 message_type, const void *payload,
				 u32 payload_size);

/* Is @version one of 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0, 2.4? */
bool hvg_lh_server_version_known(u32 version);

/* debugfs: the server's state and counters; one line per channel. */
void hvg_lh_server_show(struct hvg_lh_server *srv, struct seq_file *m);
void hvg_lh_server_show_devices(struct hvg_lh_server *srv, struct seq_file *m);

#endif /* _HVG_LOOPHOST_VMBUS_SERVER_H */
