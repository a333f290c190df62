/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's second front end: the soft Hyper-V partition of the
 * test kernel (CONFIG_HYPERV_SOFT, booted with "hv_soft"). The guest's
 * hypercalls and SynIC register changes come from hv_soft; the SynIC model
 * writes into the guest's own SIMP/SIEFP pages through hv_soft_with_page()
 * (the page provider) and raises SINTs with hv_soft_raise_sint() (the
 * interrupt sink). Built only where the kernel has CONFIG_HYPERV_SOFT;
 * elsewhere the stubs below say it is not available.
 */
#ifndef _HVG_LOOPHOST_SOFT_FRONT_H
#define _HVG_LOOPHOST_SOFT_FRONT_H

#include <linux/errno.h>
#include <linux/types.h>

#include "synic.h"

struct hvg_lh_server;

/*
 * The page provider and the interrupt sink: defined only with
 * CONFIG_HYPERV_SOFT; use them under IS_ENABLED(CONFIG_HYPERV_SOFT).
 */
extern const struct hvg_lh_page_provider hvg_lh_soft_pages;
extern const struct hvg_lh_irq_sink hvg_lh_soft_sink;

#if IS_ENABLED(CONFIG_HYPERV_SOFT)

/* The kernel was booted with hv_soft. */
bool hvg_lh_soft_available(void);
/* VP indexes the model needs: the highest VP index of a possible CPU + 1. */
u32 hvg_lh_soft_nr_vps(void);
/* The VP index of CPU 0 (100 when booted with hv_soft=vpoffset). */
u32 hvg_lh_soft_boot_vp(void);
/*
 * Register with hv_soft as the partition's host, serving @model and
 * @srv. Not pinned by hv_soft (soft_front.c): the server pins this module
 * while a guest is connected.
 * Process context. Return: 0 or hv_soft's error.
 */
int hvg_lh_soft_start(struct hvg_lh_synic *model, struct hvg_lh_server *srv);
/* Unregister; on return no hv_soft callback runs. May sleep. */
void hvg_lh_soft_stop(void);

#else

static inline bool hvg_lh_soft_available(void)
{
	return false;
}

static inline u32 hvg_lh_soft_nr_vps(void)
{
	return 0;
}

static inline u32 hvg_lh_soft_boot_vp(void)
{
	return 0;
}

static inline int hvg_lh_soft_start(struct hvg_lh_synic *model,
				    struct hvg_lh_server *srv)
{
	return -ENODEV;
}

static inline void hvg_lh_soft_stop(void)
{
}

#endif /* CONFIG_HYPERV_SOFT */

#endif /* _HVG_LOOPHOST_SOFT_FRONT_H */
