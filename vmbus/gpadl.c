// SPDX-License-Identifier: GPL-2.0
/*
 * GPADLs (Documentation/vmbus.rst, "GPADLs"): describing guest buffers to
 * the host. A GPADL is one page-aligned range of 1 .. 8190 pages
 * (HVG_GPADL_MAX_PAGES: range_buflen is 16 bits), sent as GPADL_HEADER
 * plus as many GPADL_BODY messages as the page list needs, back to back,
 * and answered once with GPADL_CREATED (matched on relid + handle, M43).
 * Teardown is GPADL_TEARDOWN, answered with GPADL_TORNDOWN (matched on the
 * handle alone) once the host no longer maps the memory.
 *
 * Handles are chosen here, unique per connection: a counter that skips 0.
 *
 * Every wait is bounded by timeout_ms. A create that times out may have
 * been established by the host after all, and a teardown that times out
 * may still be mapped: the caller must then not free the memory (it is
 * leaked, and logged).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "channel.h"
#include "connection.h"

/* The next GPADL handle; any value but 0 (A16). */
static atomic_t hvg_gpadl_next = ATOMIC_INIT(0xe1e10);

static u32 hvg_gpadl_new_handle(void)
{
	u32 h;

	do {
		h = (u32)atomic_inc_return(&hvg_gpadl_next);
	} while (!h);
	return h;
}

static const char *hvg_gpadl_devname(struct hvg_vmbus_channel *c)
{
	struct hvg_vmbus_device *dev = hvg_vmbus_chan_device(c);

	return dev ? dev_name(&dev->dev) : "(no device)";
}

int hvg_gpadl_create_pfns(struct hvg_vmbus_channel *chan, const u64 *pfns,
			  u32 npages, u32 *handle)
{
	u32 relid = chan->offer.child_relid, gpadl;
	struct hvg_chan_waiter *w;
	struct hvg_chmsg_buf *msg;
	int nmsgs, i, err;

	nmsgs = hvg_chmsg_gpadl_msgs(npages);
	if (nmsgs < 0)
		return nmsgs;
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!msg || !w) {
		err = -ENOMEM;
		goto out;
	}
	gpadl = hvg_gpadl_new_handle();
	hvg_chan_waiter_init(w, chan, HVG_CHMSG_GPADL_CREATED, gpadl, true);
	/* Before the header: the answer may come before we wait. */
	err = hvg_chan_waiter_add(w);
	if (err)
		goto out;
	for (i = 0; i < nmsgs; i++) {
		err = hvg_chmsg_build_gpadl(msg, i, relid, gpadl, pfns, npages);
		if (!err)
			err = hvg_vmbus_post(msg);
		if (err)
			break;
	}
	if (err) {
		hvg_chan_waiter_del(w);
		pr_err("%s: relid %u: GPADL %#x of %u pages: message %d of %d not sent: %d\n",
		       hvg_gpadl_devname(chan), relid, gpadl, npages, i + 1,
		       nmsgs, err);
		/*
		 * A host that got the header but not every body never
		 * answers and never maps the range: nothing to undo.
		 */
		goto out;
	}
	err = hvg_chan_waiter_wait(w);
	if (err == -ETIMEDOUT) {
		pr_err("%s: relid %u: no GPADL_CREATED for GPADL %#x (%u pages) within %u ms (timeout_ms): the buffer must stay allocated\n",
		       hvg_gpadl_devname(chan), relid, gpadl, npages,
		       READ_ONCE(hvg_vmbus_timeout_ms));
		*handle = gpadl;
		goto out;
	}
	if (!err && w->status) {
		pr_err("%s: relid %u: the host refused GPADL %#x of %u pages: status %#x\n",
		       hvg_gpadl_devname(chan), relid, gpadl, npages,
		       w->status);
		err = -EIO;
	}
	if (!err)
		*handle = gpadl;
out:
	kfree(w);
	kfree(msg);
	return err;
}

int hvg_vmbus_gpadl_create(struct hvg_vmbus_channel *chan, void *buf,
			   size_t size, u32 *handle)
{
	u32 npages, i;
	u64 *pfns;
	int err;

	*handle = 0;
	if (!buf || !size || !PAGE_ALIGNED(buf) || size % PAGE_SIZE)
		return -EINVAL;
	if (size / PAGE_SIZE > HVG_GPADL_MAX_PAGES) {
		pr_err_ratelimited("%s: relid %u: a GPADL of %zu pages is over the protocol's %u\n",
				   hvg_gpadl_devname(chan),
				   chan->offer.child_relid, size / PAGE_SIZE,
				   HVG_GPADL_MAX_PAGES);
		return -E2BIG;
	}
	npages = size / PAGE_SIZE;
	pfns = kvmalloc_array(npages, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		void *va = (u8 *)buf + (size_t)i * PAGE_SIZE;

		pfns[i] = is_vmalloc_addr(va) ? vmalloc_to_pfn(va) :
						page_to_pfn(virt_to_page(va));
	}
	err = hvg_gpadl_create_pfns(chan, pfns, npages, handle);
	kvfree(pfns);
	return err;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_gpadl_create);

int hvg_vmbus_gpadl_teardown(struct hvg_vmbus_channel *chan, u32 handle)
{
	u32 relid = chan->offer.child_relid;
	struct hvg_chan_waiter *w;
	struct hvg_chmsg_buf *msg;
	int err;

	/* After UNLOAD's answer the host has dropped every GPADL (M10). */
	if (hvg_vmbus_host_released())
		return 0;
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!msg || !w) {
		err = -ENOMEM;
		goto out;
	}
	err = hvg_chmsg_build_gpadl_teardown(msg, relid, handle);
	if (err)
		goto out;
	/*
	 * Not woken by a rescind: the host answers every GPADL_TEARDOWN,
	 * also after a rescind (at once then, M9), and the memory may be
	 * freed only after that answer.
	 */
	hvg_chan_waiter_init(w, chan, HVG_CHMSG_GPADL_TORNDOWN, handle, false);
	hvg_chan_waiter_add(w);
	err = hvg_vmbus_post(msg);
	if (err) {
		hvg_chan_waiter_del(w);
		pr_err("%s: relid %u: GPADL_TEARDOWN of %#x not sent: %d\n",
		       hvg_gpadl_devname(chan), relid, handle, err);
		err = -EIO;
		goto out;
	}
	err = hvg_chan_waiter_wait(w);
	/* UNLOAD answered while we waited: the GPADL went with it (M10). */
	if (err && hvg_vmbus_host_released())
		err = 0;
	if (err)
		pr_err("%s: relid %u: no GPADL_TORNDOWN for %#x within %u ms (timeout_ms): the buffer must stay allocated\n",
		       hvg_gpadl_devname(chan), relid, handle,
		       READ_ONCE(hvg_vmbus_timeout_ms));
out:
	kfree(w);
	kfree(msg);
	return err;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_gpadl_teardown);
