/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMBus connection: the control-message path from the SynIC message
 * slot to the handlers, version negotiation, REQUESTOFFERS and UNLOAD.
 * Internal to hvg_vmbus.
 */
#ifndef _HVG_VMBUS_CONNECTION_H
#define _HVG_VMBUS_CONNECTION_H

#include <linux/types.h>

struct hvg_hv_backend;

/* Module parameter: bound of every wait for the host, in milliseconds. */
extern unsigned int hvg_vmbus_timeout_ms;

/**
 * hvg_vmbus_connect() - connect to the host behind @hv
 * @hv: the backend from hvg_hv_get()
 *
 * Registers the SINT handler and the offline check, negotiates the newest
 * version both sides speak, sends REQUESTOFFERS and waits for
 * ALLOFFERS_DELIVERED. Every wait is bounded by hvg_vmbus_timeout_ms.
 * Process context.
 * Return: 0; -ETIMEDOUT (the host did not answer in time);
 * -EPROTONOSUPPORT (the host accepted none of the versions); -ENOMEM; or
 * the backend's error. On failure everything is undone.
 */
int hvg_vmbus_connect(struct hvg_hv_backend *hv);

/**
 * hvg_vmbus_disconnect() - UNLOAD (from 3.0 on) and tear the path down
 *
 * Waits for UNLOAD_RESPONSE, bounded; a timeout is logged. Process context.
 */
void hvg_vmbus_disconnect(void);

#endif /* _HVG_VMBUS_CONNECTION_H */
