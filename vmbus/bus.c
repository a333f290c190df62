// SPDX-License-Identifier: GPL-2.0
/*
 * The bus "vmbus" (Documentation/vmbus.rst, "The bus"): offers become
 * devices, drivers bind to them by id table or driver_override, and
 * rescinds remove them.
 *
 * Offers and rescinds reach hvg_bus_on_message() from the connection's
 * ordered message work, in arrival order. The fast part runs there: an
 * offer's channel is allocated and published (event dispatch and replies
 * find it from then on), a rescind marks its channel and wakes every
 * waiter. The slow part (device add and driver probe; device removal,
 * driver remove and RELID_RELEASED) runs on hvg_bus_wq, a second ordered
 * workqueue, in the same order. So a rescind never overtakes its offer,
 * and a probe that waits for a host reply never blocks the message work
 * that delivers the reply.
 *
 * Sub-channels have their own ordered workqueue, hvg_bus_sub_wq, for the
 * slow parts of their offers and rescinds (in arrival order among
 * themselves): a driver's probe, which runs on hvg_bus_wq when a device
 * comes while its driver is loaded, waits there for the sub-channels it
 * asked for, and their offers must not queue behind it.
 *
 * The relid of a rescinded channel is given back (RELID_RELEASED) only
 * when the channel is closed and its rescind processed: for a primary
 * after its device's driver was removed, for a sub-channel when its driver
 * closed it (or the primary's device went). A sub-channel is then dropped
 * from its primary (the list, the count, the device's reference): a
 * primary closed and opened again many times keeps only its live
 * sub-channels (include/hvguest/vmbus.h, "Lifetime"). At module exit every device
 * is removed first, then UNLOAD is sent (connection.c), then the channels
 * are freed without RELID_RELEASED: after UNLOAD the host has dropped
 * every relid and GPADL (hyperv-abi-behaviour.md M10).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/debugfs.h>
#include <linux/mod_devicetable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <hvguest/compat.h>
#include <hvguest/hypercall.h>

#include "channel.h"
#include "connection.h"

/* upstream's vendor id for every VMBus device, and its device type ids */
#define HVG_VMBUS_VENDOR_ID	0x1414
#define HVG_DEV_TYPE_IDE	0
#define HVG_DEV_TYPE_SCSI	1
#define HVG_DEV_TYPE_NIC	3
#define HVG_DEV_TYPE_UNKNOWN	16

/*
 * A device as the bus keeps it. @driver_override is replaced under the
 * device lock; @channels is set once, under hvg_bus_lock, at device add or
 * by a sub-channel offered during probe (hvg_bus_channels_dir()), and
 * dropped at removal, once DEV_GONE keeps sub-channel offers away.
 * Whether the device was removed is the primary channel's DEV_GONE bit,
 * set under hvg_bus_lock, so that it can be tested without touching a
 * device that may already be freed.
 */
struct hvg_bus_dev {
	struct hvg_vmbus_device pub;
	char *driver_override;
	struct kobject *channels;	/* "channels" directory */
};

#define to_hvg_bus_dev(d) container_of(to_hvg_vmbus_device(d), \
				       struct hvg_bus_dev, pub)

/*
 * hvg_bus_lock (mutex, process context) guards hvg_bus_chans (every
 * channel whose relid is not given back yet), hvg_bus_stopping and the
 * setting of DEV_GONE. Never held across a driver call or a wait for the
 * host.
 */
static DEFINE_MUTEX(hvg_bus_lock);
static LIST_HEAD(hvg_bus_chans);
static bool hvg_bus_stopping;

static struct workqueue_struct *hvg_bus_wq;	/* primaries: devices */
static struct workqueue_struct *hvg_bus_sub_wq;	/* sub-channels */

/* Where the slow parts of @chan's offer, rescind and release run. */
static struct workqueue_struct *hvg_bus_wq_of(struct hvg_vmbus_channel *chan)
{
	return chan->primary ? hvg_bus_sub_wq : hvg_bus_wq;
}

static void hvg_bus_flush(void)
{
	flush_workqueue(hvg_bus_wq);
	flush_workqueue(hvg_bus_sub_wq);
}

static struct device *hvg_bus_root;
static struct dentry *hvg_bus_debugfs;
static bool hvg_bus_registered;

/* ---------------------------------------------------------------------
 * Matching, probe, remove.
 */

static const struct hv_vmbus_device_id hvg_null_id;

static const struct hv_vmbus_device_id *
hvg_bus_match_id(const struct hvg_vmbus_driver *drv,
		 const struct hvg_vmbus_device *dev)
{
	const struct hv_vmbus_device_id *id = drv->id_table;

	for (; id && !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, &dev->class_id))
			return id;
	return NULL;
}

static const struct hv_vmbus_device_id *
hvg_bus_lookup(const struct hvg_vmbus_driver *drv, struct hvg_bus_dev *bd)
{
	const char *ovr = READ_ONCE(bd->driver_override);

	/* With an override, only the named driver binds, by name alone. */
	if (ovr)
		return strcmp(ovr, drv->name) ? NULL : &hvg_null_id;
	return hvg_bus_match_id(drv, &bd->pub);
}

static int hvg_bus_match(struct device *dev,
			 HVG_MATCH_DRV_CONST struct device_driver *drv)
{
	const struct hvg_vmbus_driver *d =
		container_of(drv, struct hvg_vmbus_driver, driver);

	return !!hvg_bus_lookup(d, to_hvg_bus_dev(dev));
}

static int hvg_bus_uevent(HVG_UEVENT_DEV_CONST struct device *dev,
			  struct kobj_uevent_env *env)
{
	const struct hvg_vmbus_device *hd =
		container_of(dev, struct hvg_vmbus_device, dev);
	char alias[HVG_MODALIAS_LEN];

	hvg_vmbus_modalias(&hd->class_id, alias);
	return add_uevent_var(env, "MODALIAS=%s", alias);
}

static int hvg_bus_probe(struct device *dev)
{
	struct hvg_vmbus_driver *drv = to_hvg_vmbus_driver(dev->driver);
	struct hvg_bus_dev *bd = to_hvg_bus_dev(dev);
	const struct hv_vmbus_device_id *id;

	id = hvg_bus_lookup(drv, bd);
	if (!id)
		return -ENODEV;
	if (hvg_vmbus_chan_rescinded(bd->pub.channel))
		return -ENODEV;
	return drv->probe ? drv->probe(&bd->pub, id) : 0;
}

/*
 * The first sub-channel of @primary that @pick takes, with a reference, or
 * NULL. @primary's sub_lock held (so one may leave the list meanwhile only
 * between calls: callers start from the head each time).
 */
static struct hvg_vmbus_channel *
hvg_bus_next_sub(struct hvg_vmbus_channel *primary,
		 bool (*pick)(struct hvg_vmbus_channel *s))
{
	struct hvg_vmbus_channel *s;

	lockdep_assert_held(&primary->sub_lock);
	list_for_each_entry(s, &primary->subs, sub_node) {
		if (pick(s)) {
			hvg_chan_get(s);
			return s;
		}
	}
	return NULL;
}

/* Not handed any more (the driver is gone); still open? */
static bool hvg_bus_sub_open(struct hvg_vmbus_channel *s)
{
	clear_bit(HVG_CHAN_F_HANDED, &s->flags);
	return READ_ONCE(s->state) != HVG_CHAN_CLOSED;
}

/* After a driver is gone: no channel of the device may stay open. */
static void hvg_bus_close_all(struct hvg_vmbus_channel *primary)
{
	struct hvg_vmbus_channel *next;

	/*
	 * One at a time from the head, as sub-channels may leave the list
	 * meanwhile (dropped once released) and the close must not hold
	 * @sub_lock.
	 */
	for (;;) {
		spin_lock(&primary->sub_lock);
		next = hvg_bus_next_sub(primary, hvg_bus_sub_open);
		primary->subchan_fn = NULL;
		spin_unlock(&primary->sub_lock);
		if (!next)
			break;
		hvg_chan_force_close(next);
		hvg_chan_put(next);
	}
	hvg_chan_force_close(primary);
}

static void hvg_bus_remove_dev(struct device *dev)
{
	struct hvg_vmbus_driver *drv = to_hvg_vmbus_driver(dev->driver);
	struct hvg_bus_dev *bd = to_hvg_bus_dev(dev);

	if (drv->remove)
		drv->remove(&bd->pub);
	hvg_bus_close_all(bd->pub.channel);
}

/* bus_type.remove returns void from 5.15, int before (compat.h). */
HVG_DEFINE_BUS_REMOVE(hvg_bus_remove, hvg_bus_remove_dev)

static void hvg_bus_shutdown(struct device *dev)
{
	struct hvg_vmbus_driver *drv;

	if (!dev->driver)
		return;
	drv = to_hvg_vmbus_driver(dev->driver);
	if (drv->shutdown)
		drv->shutdown(to_hvg_vmbus_device(dev));
}

/* ---------------------------------------------------------------------
 * Device attributes (Documentation/ABI/stable/sysfs-bus-vmbus).
 */

static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  (int)to_hvg_vmbus_device(dev)->channel->offer.child_relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  (int)READ_ONCE(to_hvg_vmbus_device(dev)->channel->state));
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  to_hvg_vmbus_device(dev)->channel->offer.monitor_id);
}
static DEVICE_ATTR_RO(monitor_id);

static ssize_t class_id_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_hvg_vmbus_device(dev)->class_id);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n",
			  &to_hvg_vmbus_device(dev)->instance_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	char alias[HVG_MODALIAS_LEN];

	hvg_vmbus_modalias(&to_hvg_vmbus_device(dev)->class_id, alias);
	return sysfs_emit(buf, "%s\n", alias);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t numa_node_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_node(dev));
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t channel_vp_mapping_show(struct device *dev,
				       struct device_attribute *attr,
				       char *buf)
{
	return hvg_chan_vp_mapping(to_hvg_vmbus_device(dev), buf);
}
static DEVICE_ATTR_RO(channel_vp_mapping);

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", HVG_VMBUS_VENDOR_ID);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	const guid_t *c = &to_hvg_vmbus_device(dev)->class_id;
	const guid_t ide = HVG_GUID_IDE, scsi = HVG_GUID_SCSI,
		     nic = HVG_GUID_NETWORK;
	unsigned int type = HVG_DEV_TYPE_UNKNOWN;

	if (guid_equal(c, &ide))
		type = HVG_DEV_TYPE_IDE;
	else if (guid_equal(c, &scsi))
		type = HVG_DEV_TYPE_SCSI;
	else if (guid_equal(c, &nic))
		type = HVG_DEV_TYPE_NIC;
	return sysfs_emit(buf, "0x%x\n", type);
}
static DEVICE_ATTR_RO(device);

static ssize_t driver_override_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct hvg_bus_dev *bd = to_hvg_bus_dev(dev);
	ssize_t n;

	device_lock(dev);
	n = sysfs_emit(buf, "%s\n",
		       bd->driver_override ? bd->driver_override : "(null)");
	device_unlock(dev);
	return n;
}

static ssize_t driver_override_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct hvg_bus_dev *bd = to_hvg_bus_dev(dev);
	char *val = NULL, *old;
	size_t len = count;

	if (count >= PAGE_SIZE - 1)
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len) {
		val = kstrndup(buf, len, GFP_KERNEL);
		if (!val)
			return -ENOMEM;
	}
	device_lock(dev);
	old = bd->driver_override;
	WRITE_ONCE(bd->driver_override, val);
	device_unlock(dev);
	kfree(old);
	return count;
}
static DEVICE_ATTR_RW(driver_override);

/*
 * Upstream's debugging attributes of the primary channel's rings, "%d";
 * -EINVAL while the channel is not open, as upstream.
 */
#define HVG_BUS_RING_ATTR(name, inbound, field)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct hvg_chan_ring_info ri;					\
	int err;							\
									\
	err = hvg_chan_ring_info(to_hvg_vmbus_device(dev)->channel,	\
				 inbound, &ri);				\
	if (err)							\
		return err;						\
	return sysfs_emit(buf, "%d\n", (int)ri.field);			\
}									\
static DEVICE_ATTR_RO(name)

HVG_BUS_RING_ATTR(out_intr_mask, false, mask);
HVG_BUS_RING_ATTR(out_read_index, false, read_index);
HVG_BUS_RING_ATTR(out_write_index, false, write_index);
HVG_BUS_RING_ATTR(out_read_bytes_avail, false, to_read);
HVG_BUS_RING_ATTR(out_write_bytes_avail, false, to_write);
HVG_BUS_RING_ATTR(in_intr_mask, true, mask);
HVG_BUS_RING_ATTR(in_read_index, true, read_index);
HVG_BUS_RING_ATTR(in_write_index, true, write_index);
HVG_BUS_RING_ATTR(in_read_bytes_avail, true, to_read);
HVG_BUS_RING_ATTR(in_write_bytes_avail, true, to_write);

/*
 * Upstream's monitor attributes of the primary channel: "server" is the
 * host-to-guest monitor page (monitor_page1), "client" the guest-to-host
 * one; each shows the channel's pending bit, latency and connection id.
 */
static ssize_t hvg_bus_monitor_show(struct device *dev, char *buf,
				    bool client, int what)
{
	const struct hvg_chmsg_offer_info *o =
		hvg_chan_offer(to_hvg_vmbus_device(dev)->channel);
	struct hvg_monitor_page *m = client ? hvg_vmbus_monitor_out() :
					      hvg_vmbus_monitor_in();
	unsigned int grp = o->monitor_id / HVG_MONITOR_BITS;
	unsigned int bit = o->monitor_id % HVG_MONITOR_BITS;

	if (!m)
		return -EINVAL;
	if (what == 0)
		return sysfs_emit(buf, "%d\n",
				  !!(READ_ONCE(m->trigger_group[grp].pending) &
				     BIT(bit)));
	if (what == 1)
		return sysfs_emit(buf, "%d\n",
				  READ_ONCE(m->latency[grp][bit]));
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(m->parameter[grp][bit].connection_id));
}

#define HVG_BUS_MONITOR_ATTR(name, client, what)			\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return hvg_bus_monitor_show(dev, buf, client, what);		\
}									\
static DEVICE_ATTR_RO(name)

HVG_BUS_MONITOR_ATTR(server_monitor_pending, false, 0);
HVG_BUS_MONITOR_ATTR(client_monitor_pending, true, 0);
HVG_BUS_MONITOR_ATTR(server_monitor_latency, false, 1);
HVG_BUS_MONITOR_ATTR(client_monitor_latency, true, 1);
HVG_BUS_MONITOR_ATTR(server_monitor_conn_id, false, 2);
HVG_BUS_MONITOR_ATTR(client_monitor_conn_id, true, 2);

static struct attribute *hvg_bus_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_driver_override.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	NULL,
};

/* The monitor attributes only for a monitored primary, as upstream. */
static umode_t hvg_bus_dev_attr_visible(struct kobject *kobj,
					struct attribute *a, int n)
{
	struct device *dev = kobj_to_dev(kobj);

	if (!to_hvg_vmbus_device(dev)->channel->offer.monitor_allocated &&
	    (a == &dev_attr_monitor_id.attr ||
	     a == &dev_attr_server_monitor_pending.attr ||
	     a == &dev_attr_client_monitor_pending.attr ||
	     a == &dev_attr_server_monitor_latency.attr ||
	     a == &dev_attr_client_monitor_latency.attr ||
	     a == &dev_attr_server_monitor_conn_id.attr ||
	     a == &dev_attr_client_monitor_conn_id.attr))
		return 0;
	return a->mode;
}

static const struct attribute_group hvg_bus_dev_group = {
	.attrs = hvg_bus_dev_attrs,
	.is_visible = hvg_bus_dev_attr_visible,
};

static const struct attribute_group *hvg_bus_dev_groups[] = {
	&hvg_bus_dev_group,
	NULL,
};

static struct bus_type hvg_vmbus_bus = {
	.name = "vmbus",
	.match = hvg_bus_match,
	.uevent = hvg_bus_uevent,
	.probe = hvg_bus_probe,
	.remove = hvg_bus_remove,
	.shutdown = hvg_bus_shutdown,
	.dev_groups = hvg_bus_dev_groups,
};

int __hvg_vmbus_driver_register(struct hvg_vmbus_driver *drv,
				struct module *owner, const char *mod_name)
{
	if (!READ_ONCE(hvg_bus_registered))
		return -ENODEV;
	if (!drv->name || !drv->probe)
		return -EINVAL;
	drv->driver.name = drv->name;
	drv->driver.bus = &hvg_vmbus_bus;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvg_vmbus_driver_register);

void hvg_vmbus_driver_unregister(struct hvg_vmbus_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_driver_unregister);

/* ---------------------------------------------------------------------
 * Sub-channels.
 */

/*
 * Hand every sub-channel not handed yet to the handler. Process context;
 * holds the primary's subchan_mutex across the handler's calls.
 */
static bool hvg_bus_sub_to_hand(struct hvg_vmbus_channel *s)
{
	return !hvg_vmbus_chan_rescinded(s) &&
	       !test_and_set_bit(HVG_CHAN_F_HANDED, &s->flags);
}

static void hvg_bus_hand_subs(struct hvg_vmbus_channel *primary)
{
	void (*fn)(struct hvg_vmbus_channel *sub);
	struct hvg_vmbus_channel *next;

	mutex_lock(&primary->subchan_mutex);
	for (;;) {
		next = NULL;
		spin_lock(&primary->sub_lock);
		fn = primary->subchan_fn;
		if (fn)
			next = hvg_bus_next_sub(primary, hvg_bus_sub_to_hand);
		spin_unlock(&primary->sub_lock);
		if (!next)
			break;
		fn(next);
		hvg_chan_put(next);
	}
	mutex_unlock(&primary->subchan_mutex);
}

void hvg_vmbus_set_subchan_handler(struct hvg_vmbus_channel *primary,
				   void (*fn)(struct hvg_vmbus_channel *sub))
{
	/* Waits for a call of the old handler that is running. */
	mutex_lock(&primary->subchan_mutex);
	spin_lock(&primary->sub_lock);
	primary->subchan_fn = fn;
	spin_unlock(&primary->sub_lock);
	mutex_unlock(&primary->subchan_mutex);
	if (fn)
		hvg_bus_hand_subs(primary);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_set_subchan_handler);

int hvg_vmbus_wait_subchans(struct hvg_vmbus_channel *primary,
			    unsigned int count)
{
	long left;

	/* @nsubs: written under @sub_lock, read once per check. */
	left = wait_event_timeout(primary->subs_wq,
				  READ_ONCE(primary->nsubs) >= count ||
				  hvg_vmbus_chan_rescinded(primary),
				  msecs_to_jiffies(READ_ONCE(hvg_vmbus_timeout_ms)));
	if (hvg_vmbus_chan_rescinded(primary))
		return -ENODEV;
	return left ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_wait_subchans);

/* ---------------------------------------------------------------------
 * Offers, rescinds, relid release.
 */

static void hvg_bus_post_relid_released(u32 relid)
{
	struct hvg_chmsg_buf *msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	int err = msg ? hvg_chmsg_build_relid_released(msg, relid) : -ENOMEM;

	if (!err)
		err = hvg_vmbus_post(msg);
	if (err)
		pr_err("relid %u: RELID_RELEASED not sent: %d\n", relid, err);
	kfree(msg);
}

/*
 * A released sub-channel leaves its primary: off the list (and out of the
 * count if its rescind did not count it out), and the device's reference
 * dropped. Whoever unlinks it under @sub_lock (this, or the device's
 * release) drops that reference. The caller holds a reference.
 */
static void hvg_bus_drop_sub(struct hvg_vmbus_channel *sub)
{
	struct hvg_vmbus_channel *primary = sub->primary;
	bool linked;

	spin_lock(&primary->sub_lock);
	linked = !list_empty(&sub->sub_node);
	if (linked)
		list_del_init(&sub->sub_node);
	if (test_and_clear_bit(HVG_CHAN_F_COUNTED, &sub->flags))
		WRITE_ONCE(primary->nsubs, primary->nsubs - 1);
	spin_unlock(&primary->sub_lock);
	if (linked)
		hvg_chan_put(sub);	/* the device's reference */
}

/*
 * Give the relid back: out of sysfs, debugfs and the relid table, then
 * RELID_RELEASED (@send), the sub-channel's place on its primary and the
 * offer's reference. Once per channel; the caller holds a reference. The
 * channel struct is no memory the host maps (the rings went at close,
 * after GPADL_TORNDOWN), so it may go once the relid is given back.
 */
static void hvg_bus_release(struct hvg_vmbus_channel *chan, bool send)
{
	if (test_and_set_bit(HVG_CHAN_F_RELEASED, &chan->flags))
		return;
	hvg_chan_sysfs_del(chan);
	hvg_chan_debugfs_del(chan);
	hvg_chan_unpublish(chan);
	if (send)
		hvg_bus_post_relid_released(chan->offer.child_relid);
	mutex_lock(&hvg_bus_lock);
	list_del_init(&chan->all_node);
	mutex_unlock(&hvg_bus_lock);
	if (chan->primary)
		hvg_bus_drop_sub(chan);
	hvg_chan_put(chan);
}

static void hvg_bus_release_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *chan =
		container_of(work, struct hvg_vmbus_channel, release_work);

	hvg_bus_release(chan, true);
	hvg_chan_put(chan);	/* the work's reference */
}

/* Release @chan if it is rescinded, its rescind processed, and closed. */
static void hvg_bus_maybe_release(struct hvg_vmbus_channel *chan)
{
	bool closed;

	if (!test_bit(HVG_CHAN_F_RESCIND_DONE, &chan->flags))
		return;
	mutex_lock(&chan->lock);
	closed = chan->state == HVG_CHAN_CLOSED;
	mutex_unlock(&chan->lock);
	if (closed)
		hvg_bus_release(chan, true);
}

void hvg_bus_chan_closed(struct hvg_vmbus_channel *chan)
{
	/*
	 * Full barrier: the CLOSED store (under the channel lock) before
	 * the RESCIND_DONE test; pairs with the barrier in the rescind work
	 * between setting RESCIND_DONE and taking the channel lock.
	 */
	smp_mb();
	if (!test_bit(HVG_CHAN_F_RESCIND_DONE, &chan->flags) ||
	    test_bit(HVG_CHAN_F_RELEASED, &chan->flags))
		return;
	hvg_chan_get(chan);
	if (!queue_work(hvg_bus_wq_of(chan), &chan->release_work))
		hvg_chan_put(chan);
}

static void hvg_bus_dev_release(struct device *dev)
{
	struct hvg_bus_dev *bd = to_hvg_bus_dev(dev);
	struct hvg_vmbus_channel *primary = bd->pub.channel, *s;

	/* One at a time: hvg_bus_drop_sub() may unlink one meanwhile. */
	for (;;) {
		spin_lock(&primary->sub_lock);
		s = list_first_entry_or_null(&primary->subs,
					     struct hvg_vmbus_channel, sub_node);
		if (s)
			list_del_init(&s->sub_node);
		spin_unlock(&primary->sub_lock);
		if (!s)
			break;
		WRITE_ONCE(s->dev, NULL);
		hvg_chan_put(s);	/* the device's reference */
	}
	WRITE_ONCE(primary->dev, NULL);
	hvg_chan_put(primary);		/* the device's reference */
	kfree(bd->driver_override);
	kfree(bd);
}

/*
 * The device's "channels" directory, made by whichever comes first: the
 * device add once device_add() returned, or a sub-channel offered while the
 * driver's probe (inside device_add()) waits for it. hvg_bus_lock held.
 */
static void hvg_bus_channels_dir(struct hvg_bus_dev *bd)
{
	if (!bd->channels && device_is_registered(&bd->pub.dev))
		bd->channels = kobject_create_and_add("channels",
						      &bd->pub.dev.kobj);
}

/* Add the device of a primary channel. Bus work. */
static void hvg_bus_add_device(struct hvg_vmbus_channel *chan)
{
	struct hvg_bus_dev *bd;
	int err;

	bd = kzalloc(sizeof(*bd), GFP_KERNEL);
	if (!bd) {
		hvg_bus_release(chan, true);
		return;
	}
	bd->pub.channel = chan;
	bd->pub.class_id = chan->offer.if_type;
	bd->pub.instance_id = chan->offer.if_instance;
	device_initialize(&bd->pub.dev);
	bd->pub.dev.bus = &hvg_vmbus_bus;
	bd->pub.dev.parent = hvg_bus_root;
	bd->pub.dev.release = hvg_bus_dev_release;
	hvg_chan_get(chan);		/* the device's reference */
	chan->dev = &bd->pub;
	err = dev_set_name(&bd->pub.dev, "%pUl", &chan->offer.if_instance);
	if (!err)
		err = device_add(&bd->pub.dev);
	if (err) {
		pr_err("relid %u: device {%pUl} not added: %d\n",
		       chan->offer.child_relid, &chan->offer.if_instance, err);
		mutex_lock(&hvg_bus_lock);
		set_bit(HVG_CHAN_F_DEV_GONE, &chan->flags);
		mutex_unlock(&hvg_bus_lock);
		put_device(&bd->pub.dev);	/* clears chan->dev */
		hvg_bus_release(chan, true);
		return;
	}
	mutex_lock(&hvg_bus_lock);
	hvg_bus_channels_dir(bd);
	if (bd->channels && hvg_chan_sysfs_add(chan, bd->channels))
		dev_warn(&bd->pub.dev, "no sysfs directory channels/%u\n",
			 chan->offer.child_relid);
	mutex_unlock(&hvg_bus_lock);
	hvg_chan_debugfs_add(chan, hvg_bus_debugfs);
}

/* Has a channels/<relid> directory or a debugfs entry left? */
static bool hvg_bus_sub_in_sysfs(struct hvg_vmbus_channel *s)
{
	return READ_ONCE(s->kobj) || READ_ONCE(s->debugfs);
}

/*
 * Remove the device of @primary (once): driver remove, sysfs, debugfs.
 * The caller holds a reference on @primary; the device is alive until
 * DEV_GONE is set here (only this function drops its references).
 */
static void hvg_bus_remove_device(struct hvg_vmbus_channel *primary)
{
	struct hvg_vmbus_device *hd = primary->dev;
	struct hvg_vmbus_channel *next;
	struct hvg_bus_dev *bd;

	if (!hd)
		return;
	bd = container_of(hd, struct hvg_bus_dev, pub);
	mutex_lock(&hvg_bus_lock);
	if (test_and_set_bit(HVG_CHAN_F_DEV_GONE, &primary->flags)) {
		mutex_unlock(&hvg_bus_lock);
		return;
	}
	mutex_unlock(&hvg_bus_lock);

	get_device(&hd->dev);
	device_del(&hd->dev);		/* the driver's remove() runs */
	hvg_bus_close_all(primary);	/* also when no driver was bound */

	/*
	 * Sub-channel directories go with the device's "channels".
	 * hvg_bus_add_sub() adds nothing once DEV_GONE is set; a sub-channel
	 * released meanwhile removes its own (each at most once, channel.c)
	 * and may leave the list: one at a time, with a reference.
	 */
	for (;;) {
		spin_lock(&primary->sub_lock);
		next = hvg_bus_next_sub(primary, hvg_bus_sub_in_sysfs);
		spin_unlock(&primary->sub_lock);
		if (!next)
			break;
		hvg_chan_sysfs_del(next);
		hvg_chan_debugfs_del(next);
		hvg_chan_put(next);
	}
	hvg_chan_sysfs_del(primary);
	hvg_chan_debugfs_del(primary);
	kobject_put(bd->channels);
	bd->channels = NULL;
	put_device(&hd->dev);		/* ours */
	put_device(&hd->dev);		/* the one device_initialize() gave */
}

/* A sub-channel's offer, slow part. Bus work. */
static void hvg_bus_add_sub(struct hvg_vmbus_channel *sub)
{
	struct hvg_vmbus_channel *primary = sub->primary;
	struct hvg_bus_dev *bd = NULL;
	bool ok, live = false;

	/*
	 * Its primary's device is added on the other workqueue: a host that
	 * offers a sub-channel right after its primary finds it added.
	 */
	if (!READ_ONCE(primary->dev))
		flush_work(&primary->offer_work);
	mutex_lock(&hvg_bus_lock);
	ok = primary->dev && !test_bit(HVG_CHAN_F_RELEASED, &primary->flags) &&
	     !test_bit(HVG_CHAN_F_DEV_GONE, &primary->flags);
	if (ok) {
		bd = container_of(primary->dev, struct hvg_bus_dev, pub);
		sub->dev = primary->dev;
		/*
		 * Rescinded meanwhile: not added (its rescind work, queued
		 * behind us, releases it). The test under @sub_lock pairs
		 * with hvg_bus_on_rescind(), which sets the bit before it
		 * takes @sub_lock to count the sub-channel out of @nsubs
		 * (COUNTED: in once, out once).
		 */
		spin_lock(&primary->sub_lock);
		if (!hvg_vmbus_chan_rescinded(sub)) {
			hvg_chan_get(sub);	/* the device's reference */
			list_add_tail(&sub->sub_node, &primary->subs);
			set_bit(HVG_CHAN_F_COUNTED, &sub->flags);
			WRITE_ONCE(primary->nsubs, primary->nsubs + 1);
			live = true;
		}
		spin_unlock(&primary->sub_lock);
		if (live)
			hvg_bus_channels_dir(bd);
		if (live && bd->channels &&
		    hvg_chan_sysfs_add(sub, bd->channels))
			dev_warn(&bd->pub.dev, "no sysfs directory channels/%u\n",
				 sub->offer.child_relid);
		if (live)
			hvg_chan_debugfs_add(sub, hvg_bus_debugfs);
	}
	mutex_unlock(&hvg_bus_lock);
	if (!ok) {
		pr_warn("relid %u: sub-channel %u of a device that is gone: released\n",
			sub->offer.child_relid, sub->offer.sub_channel_index);
		hvg_bus_release(sub, true);
		return;
	}
	wake_up_all(&primary->subs_wq);
	hvg_bus_hand_subs(primary);
}

static void hvg_bus_offer_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *chan =
		container_of(work, struct hvg_vmbus_channel, offer_work);

	/* Rescinded before its device existed: the rescind work releases. */
	if (!hvg_vmbus_chan_rescinded(chan)) {
		if (chan->primary)
			hvg_bus_add_sub(chan);
		else
			hvg_bus_add_device(chan);
	}
	hvg_chan_put(chan);	/* the work's reference */
}

static void hvg_bus_rescind_work(struct work_struct *work)
{
	struct hvg_vmbus_channel *chan =
		container_of(work, struct hvg_vmbus_channel, rescind_work);

	if (!chan->primary)
		hvg_bus_remove_device(chan);
	set_bit(HVG_CHAN_F_RESCIND_DONE, &chan->flags);
	/* Pairs with the barrier in hvg_bus_chan_closed(). */
	smp_mb__after_atomic();
	hvg_bus_maybe_release(chan);
	hvg_chan_put(chan);	/* the work's reference */
}

/* The primary of a sub-channel offer; hvg_bus_lock held. */
static struct hvg_vmbus_channel *
hvg_bus_find_primary(const struct hvg_chmsg_offer_info *o)
{
	struct hvg_vmbus_channel *c;

	list_for_each_entry(c, &hvg_bus_chans, all_node)
		if (!c->primary && !c->offer.sub_channel_index &&
		    !hvg_vmbus_chan_rescinded(c) &&
		    guid_equal(&c->offer.if_instance, &o->if_instance) &&
		    guid_equal(&c->offer.if_type, &o->if_type))
			return c;
	return NULL;
}

static void hvg_bus_on_offer(const struct hvg_chmsg_offer_info *o)
{
	struct hvg_vmbus_channel *chan, *primary;
	int err;

	chan = hvg_chan_alloc(o);
	if (!chan) {
		pr_err("relid %u: no memory for the offer: released\n",
		       o->child_relid);
		hvg_bus_post_relid_released(o->child_relid);
		return;
	}
	INIT_WORK(&chan->offer_work, hvg_bus_offer_work);
	INIT_WORK(&chan->rescind_work, hvg_bus_rescind_work);
	INIT_WORK(&chan->release_work, hvg_bus_release_work);

	mutex_lock(&hvg_bus_lock);
	if (hvg_bus_stopping) {
		mutex_unlock(&hvg_bus_lock);
		/* The UNLOAD that follows gives every relid back (M10). */
		hvg_chan_put(chan);
		return;
	}
	/*
	 * The relid first: a second offer of a live relid must not make us
	 * release it (it belongs to the live channel).
	 */
	err = hvg_chan_publish(chan);
	if (err) {
		mutex_unlock(&hvg_bus_lock);
		pr_warn_ratelimited("duplicate offer of relid %u ({%pUl}) ignored: the relid is in use\n",
				    o->child_relid, &o->if_instance);
		hvg_chan_put(chan);
		return;
	}
	primary = hvg_bus_find_primary(o);
	if (o->sub_channel_index && !primary) {
		hvg_chan_unpublish(chan);
		mutex_unlock(&hvg_bus_lock);
		pr_warn_ratelimited("relid %u: sub-channel %u of {%pUl} without a primary: released\n",
				    o->child_relid, o->sub_channel_index,
				    &o->if_instance);
		hvg_chan_put(chan);
		hvg_bus_post_relid_released(o->child_relid);
		return;
	}
	if (!o->sub_channel_index && primary) {
		hvg_chan_unpublish(chan);
		mutex_unlock(&hvg_bus_lock);
		pr_warn_ratelimited("relid %u: duplicate offer of device {%pUl} (relid %u has it): released\n",
				    o->child_relid, &o->if_instance,
				    primary->offer.child_relid);
		hvg_chan_put(chan);
		hvg_bus_post_relid_released(o->child_relid);
		return;
	}
	if (primary) {
		hvg_chan_get(primary);	/* dropped when the sub is freed */
		chan->primary = primary;
	}
	list_add_tail(&chan->all_node, &hvg_bus_chans);
	mutex_unlock(&hvg_bus_lock);

	hvg_chan_get(chan);	/* the work's reference */
	/*
	 * Before the offer work, which registers the device; outside the bus
	 * lock (cpus_read_lock()). chan holds primary.
	 */
	if (primary)
		hvg_chan_spread_from(chan, primary);
	queue_work(hvg_bus_wq_of(chan), &chan->offer_work);
}

static void hvg_bus_on_rescind(u32 relid)
{
	struct hvg_vmbus_channel *chan;

	rcu_read_lock();
	chan = hvg_chan_lookup_rcu(relid);
	/* Published channels hold the offer's reference: never zero here. */
	if (chan && !kref_get_unless_zero(&chan->ref))
		chan = NULL;
	rcu_read_unlock();
	if (!chan) {
		pr_warn_ratelimited("rescind of relid %u, which has no channel: ignored\n",
				    relid);
		return;
	}
	if (hvg_vmbus_chan_rescinded(chan)) {
		pr_warn_ratelimited("relid %u rescinded twice: ignored\n", relid);
		hvg_chan_put(chan);
		return;
	}
	hvg_chan_rescind(chan);
	if (chan->primary) {
		struct hvg_vmbus_channel *primary = chan->primary;

		/*
		 * Out of the live count at once, so that a wait for the
		 * sub-channels of the primary's next open counts only new
		 * offers. @sub_lock: see hvg_bus_add_sub().
		 */
		spin_lock(&primary->sub_lock);
		if (test_and_clear_bit(HVG_CHAN_F_COUNTED, &chan->flags))
			WRITE_ONCE(primary->nsubs, primary->nsubs - 1);
		spin_unlock(&primary->sub_lock);
	}
	/* The reference goes to the work. */
	queue_work(hvg_bus_wq_of(chan), &chan->rescind_work);
}

void hvg_bus_on_message(const struct hvg_chmsg *msg)
{
	if (msg->type == HVG_CHMSG_OFFERCHANNEL)
		hvg_bus_on_offer(&msg->offer);
	else if (msg->type == HVG_CHMSG_RESCIND_CHANNELOFFER)
		hvg_bus_on_rescind(msg->rescind.child_relid);
}

/* ---------------------------------------------------------------------
 * Module init and exit.
 */

int hvg_bus_init(void)
{
	int err;

	hvg_bus_stopping = false;
	err = bus_register(&hvg_vmbus_bus);
	if (err == -EEXIST) {
		pr_err("bus \"vmbus\" already registered: the in-kernel hv_vmbus owns the VMBus; unload it (or boot without it) to use hvg_vmbus\n");
		return -EBUSY;
	}
	if (err) {
		pr_err("cannot register bus \"vmbus\": %d\n", err);
		return err;
	}
	hvg_bus_root = root_device_register("hvg_vmbus");
	if (IS_ERR(hvg_bus_root)) {
		err = PTR_ERR(hvg_bus_root);
		hvg_bus_root = NULL;
		goto err_bus;
	}
	hvg_bus_wq = alloc_ordered_workqueue("hvg_vmbus_bus", 0);
	hvg_bus_sub_wq = alloc_ordered_workqueue("hvg_vmbus_subs", 0);
	if (!hvg_bus_wq || !hvg_bus_sub_wq) {
		err = -ENOMEM;
		goto err_wq;
	}
	hvg_bus_debugfs = debugfs_create_dir("channels", hvg_vmbus_debugfs_root());

	WRITE_ONCE(hvg_bus_registered, true);
	return 0;

err_wq:
	if (hvg_bus_wq)
		destroy_workqueue(hvg_bus_wq);
	if (hvg_bus_sub_wq)
		destroy_workqueue(hvg_bus_sub_wq);
	hvg_bus_wq = NULL;
	hvg_bus_sub_wq = NULL;
	root_device_unregister(hvg_bus_root);
	hvg_bus_root = NULL;
err_bus:
	bus_unregister(&hvg_vmbus_bus);
	return err;
}

/*
 * Every offer that came before ALLOFFERS_DELIVERED was queued on the bus
 * workqueue before the reply woke the loader (the message work handles
 * them in order): once it has run, each of them is a device, so that the
 * bus is complete when the module load returns, as upstream's hv_vmbus
 * waits for its offers to be processed.
 */
void hvg_bus_settle(void)
{
	hvg_bus_flush();
}

void hvg_bus_remove_all(void)
{
	struct hvg_vmbus_channel *c, *next;

	mutex_lock(&hvg_bus_lock);
	hvg_bus_stopping = true;
	mutex_unlock(&hvg_bus_lock);
	/* Offers already queued become devices first, then all go. */
	hvg_bus_flush();
	for (;;) {
		next = NULL;
		mutex_lock(&hvg_bus_lock);
		list_for_each_entry(c, &hvg_bus_chans, all_node) {
			if (c->primary || !READ_ONCE(c->dev) ||
			    test_bit(HVG_CHAN_F_DEV_GONE, &c->flags))
				continue;
			next = c;
			hvg_chan_get(c);
			break;
		}
		mutex_unlock(&hvg_bus_lock);
		if (!next)
			break;
		hvg_bus_remove_device(next);
		hvg_chan_put(next);
	}
	hvg_bus_flush();
}

void hvg_bus_exit(void)
{
	struct hvg_vmbus_channel *c;

	WRITE_ONCE(hvg_bus_registered, false);
	/* After UNLOAD: the host forgot every relid; free without telling. */
	hvg_bus_flush();
	for (;;) {
		mutex_lock(&hvg_bus_lock);
		c = list_first_entry_or_null(&hvg_bus_chans,
					     struct hvg_vmbus_channel,
					     all_node);
		if (c)
			hvg_chan_get(c);
		mutex_unlock(&hvg_bus_lock);
		if (!c)
			break;
		hvg_chan_force_close(c);
		hvg_bus_release(c, false);
		hvg_chan_put(c);
	}
	destroy_workqueue(hvg_bus_wq);
	destroy_workqueue(hvg_bus_sub_wq);
	hvg_bus_wq = NULL;
	hvg_bus_sub_wq = NULL;
	debugfs_remove_recursive(hvg_bus_debugfs);
	hvg_bus_debugfs = NULL;
	root_device_unregister(hvg_bus_root);
	hvg_bus_root = NULL;
	bus_unregister(&hvg_vmbus_bus);
}
