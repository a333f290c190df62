// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's debugfs controls, /sys/kernel/debug/hvguest/
 * loophost_ctl/: offer and rescind devices, list channels, and arm one-shot
 * faults in the control messages the host sends (Documentation/loophost.rst
 * lists the names; the echo driver's integration tests use exactly these).
 *
 * Faults are guarded by srv->lock like the rest of the control plane. A
 * fault fires once: "send" faults (a message the guest did not ask for) go
 * out at once when the guest is connected and has asked for offers, else
 * after the next REQUESTOFFERS; the others wait for the event they change.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vmbus_server.h"
#include "server_internal.h"

static const char * const hvg_lh_fault_names[HVG_LH_FAULT_NR] = {
	[HVG_LH_FAULT_UNKNOWN_TYPE] = "unknown_type",
	[HVG_LH_FAULT_SHORT_PAYLOAD] = "short_payload",
	[HVG_LH_FAULT_RELID_OUT_OF_RANGE] = "relid_out_of_range",
	[HVG_LH_FAULT_DUPLICATE_OFFER] = "duplicate_offer",
	[HVG_LH_FAULT_GPADL_CREATED_UNKNOWN] = "gpadl_created_unknown",
	[HVG_LH_FAULT_BAD_VERSION_RESPONSE] = "bad_version_response",
	[HVG_LH_FAULT_DROP_NEXT_REPLY] = "drop_next_reply",
	[HVG_LH_FAULT_RESCIND_DURING_OPEN] = "rescind_during_open",
	[HVG_LH_FAULT_RESCIND_DURING_GPADL] = "rescind_during_gpadl",
};

/* A channel message type no host sends. */
#define HVG_LH_FAULT_MSGTYPE	0x3f
/* A relid beyond the 2048 event flags. */
#define HVG_LH_FAULT_RELID	4095
/* A GPADL handle the guest never created (hvguest counts from 0xe1e10). */
#define HVG_LH_FAULT_GPADL	0x7fff0001u

const char *hvg_lh_fault_name(enum hvg_lh_fault f)
{
	return f < HVG_LH_FAULT_NR ? hvg_lh_fault_names[f] : "?";
}

/* If @f is armed, disarm and count it: the caller makes it happen. */
bool hvg_lh_fault_take(struct hvg_lh_server *srv, enum hvg_lh_fault f)
{
	lockdep_assert_held(&srv->lock);
	if (!srv->fault_armed[f])
		return false;
	srv->fault_armed[f] = false;
	srv->fault_fired[f]++;
	return true;
}

/* The first channel the guest has been offered, or NULL. */
static struct hvg_lh_channel *hvg_lh_fault_victim(struct hvg_lh_server *srv)
{
	struct hvg_lh_channel *ch;

	list_for_each_entry(ch, &srv->channels, node)
		if (ch->state == HVG_LH_CH_OFFERED ||
		    ch->state == HVG_LH_CH_OPEN)
			return ch;
	return NULL;
}

/* Send whatever "send" faults are armed, if the guest listens. */
void hvg_lh_faults_fire(struct hvg_lh_server *srv)
{
	struct hvg_lh_channel *victim;
	struct hvg_chmsg_offer offer;

	lockdep_assert_held(&srv->lock);
	if (!hvg_lh_srv_live(srv))
		return;
	victim = hvg_lh_fault_victim(srv);

	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_UNKNOWN_TYPE)) {
		struct hvg_chmsg_relid m = {
			.hdr.msgtype = HVG_LH_FAULT_MSGTYPE,
		};

		pr_info("fault unknown_type: channel message type %u sent\n",
			HVG_LH_FAULT_MSGTYPE);
		hvg_lh_srv_send(srv, &m, sizeof(m), "fault unknown_type");
	}
	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_SHORT_PAYLOAD)) {
		struct hvg_chmsg_relid m = {
			.hdr.msgtype = HVG_CHMSG_OFFERCHANNEL,
			.child_relid = 1,
		};

		/* An offer of 12 bytes instead of 196. */
		pr_info("fault short_payload: OFFERCHANNEL of %zu bytes sent\n",
			sizeof(m));
		hvg_lh_srv_send(srv, &m, sizeof(m), "fault short_payload");
	}
	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_RELID_OUT_OF_RANGE)) {
		memset(&offer, 0, sizeof(offer));
		offer.hdr.msgtype = HVG_CHMSG_OFFERCHANNEL;
		offer.if_type = hvg_lh_echo_service.class_id;
		guid_gen(&offer.if_instance);
		offer.child_relid = HVG_LH_FAULT_RELID;
		offer.interrupt_flags = HVG_OFFER_DEDICATED_INTERRUPT;
		offer.connection_id = HVG_LH_FAULT_RELID | 2 << 12;
		pr_info("fault relid_out_of_range: offer with relid %u sent\n",
			HVG_LH_FAULT_RELID);
		hvg_lh_srv_send(srv, &offer, sizeof(offer),
				"fault relid_out_of_range");
	}
	if (victim && hvg_lh_fault_take(srv, HVG_LH_FAULT_DUPLICATE_OFFER)) {
		hvg_lh_srv_build_offer(victim, &offer);
		pr_info("fault duplicate_offer: relid %u offered again\n",
			victim->relid);
		hvg_lh_srv_send(srv, &offer, sizeof(offer),
				"fault duplicate_offer");
	}
	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_GPADL_CREATED_UNKNOWN)) {
		struct hvg_chmsg_gpadl_created m = {
			.hdr.msgtype = HVG_CHMSG_GPADL_CREATED,
			.child_relid = victim ? victim->relid : 1,
			.gpadl = HVG_LH_FAULT_GPADL,
		};

		pr_info("fault gpadl_created_unknown: GPADL_CREATED for relid %u, GPADL %#x sent\n",
			m.child_relid, m.gpadl);
		hvg_lh_srv_send(srv, &m, sizeof(m),
				"fault gpadl_created_unknown");
	}
}

/* ---------------------------------------------------------------------
 * debugfs
 */

static struct hvg_lh_server *hvg_lh_ctl_srv;
static struct dentry *hvg_lh_ctl_dir;

/* Copy a short user write into @buf as a trimmed string. */
static int hvg_lh_ctl_string(const char __user *ubuf, size_t count,
			     char *buf, size_t size)
{
	if (!count || count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);
	return 0;
}

static ssize_t hvg_lh_ctl_offer_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct hvg_lh_server *srv = hvg_lh_ctl_srv;
	const struct hvg_lh_service *svc;
	struct hvg_lh_channel *ch;
	char buf[32];
	int err;

	err = hvg_lh_ctl_string(ubuf, count, buf, sizeof(buf));
	if (err)
		return err;
	svc = hvg_lh_service_find(buf);
	if (!svc)
		return -EINVAL;
	mutex_lock(&srv->lock);
	ch = hvg_lh_srv_new_device(srv, svc);
	if (!IS_ERR(ch))
		pr_info("debugfs: %s device offered as relid %u%s\n",
			svc->name, ch->relid,
			hvg_lh_srv_live(srv) ? "" :
			" (sent when the guest asks for offers)");
	mutex_unlock(&srv->lock);
	return IS_ERR(ch) ? PTR_ERR(ch) : count;
}

static const struct file_operations hvg_lh_ctl_offer_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvg_lh_ctl_offer_write,
	.llseek = noop_llseek,
};

static ssize_t hvg_lh_ctl_rescind_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	struct hvg_lh_server *srv = hvg_lh_ctl_srv;
	struct hvg_lh_channel *ch;
	char buf[16];
	u32 relid;
	int err;

	err = hvg_lh_ctl_string(ubuf, count, buf, sizeof(buf));
	if (err)
		return err;
	if (kstrtou32(buf, 0, &relid))
		return -EINVAL;
	mutex_lock(&srv->lock);
	ch = hvg_lh_srv_find(srv, relid);
	err = ch ? hvg_lh_srv_rescind(srv, ch) : -ENOENT;
	mutex_unlock(&srv->lock);
	return err ? err : count;
}

static const struct file_operations hvg_lh_ctl_rescind_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvg_lh_ctl_rescind_write,
	.llseek = noop_llseek,
};

static int hvg_lh_ctl_devices_show(struct seq_file *m, void *unused)
{
	hvg_lh_server_show_devices(hvg_lh_ctl_srv, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_lh_ctl_devices);

static int hvg_lh_ctl_fault_show(struct seq_file *m, void *unused)
{
	struct hvg_lh_server *srv = hvg_lh_ctl_srv;
	unsigned int f;

	mutex_lock(&srv->lock);
	for (f = 0; f < HVG_LH_FAULT_NR; f++)
		seq_printf(m, "%s armed=%u fired=%lu\n", hvg_lh_fault_names[f],
			   srv->fault_armed[f], srv->fault_fired[f]);
	mutex_unlock(&srv->lock);
	return 0;
}

static int hvg_lh_ctl_fault_open(struct inode *inode, struct file *file)
{
	return single_open(file, hvg_lh_ctl_fault_show, NULL);
}

static ssize_t hvg_lh_ctl_fault_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct hvg_lh_server *srv = hvg_lh_ctl_srv;
	char buf[32];
	int err, f;

	err = hvg_lh_ctl_string(ubuf, count, buf, sizeof(buf));
	if (err)
		return err;
	f = match_string(hvg_lh_fault_names, HVG_LH_FAULT_NR, buf);
	if (f < 0)
		return -EINVAL;
	mutex_lock(&srv->lock);
	srv->fault_armed[f] = true;
	pr_info("debugfs: fault %s armed\n", hvg_lh_fault_names[f]);
	hvg_lh_faults_fire(srv);
	mutex_unlock(&srv->lock);
	return count;
}

static const struct file_operations hvg_lh_ctl_fault_fops = {
	.owner = THIS_MODULE,
	.open = hvg_lh_ctl_fault_open,
	.read = seq_read,
	.write = hvg_lh_ctl_fault_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int hvg_lh_ctl_create(struct hvg_lh_server *srv, struct dentry *parent)
{
	hvg_lh_ctl_srv = srv;
	hvg_lh_ctl_dir = debugfs_create_dir("loophost_ctl", parent);
	debugfs_create_file("offer", 0200, hvg_lh_ctl_dir, NULL,
			    &hvg_lh_ctl_offer_fops);
	debugfs_create_file("rescind", 0200, hvg_lh_ctl_dir, NULL,
			    &hvg_lh_ctl_rescind_fops);
	debugfs_create_file("devices", 0444, hvg_lh_ctl_dir, NULL,
			    &hvg_lh_ctl_devices_fops);
	debugfs_create_file("fault", 0600, hvg_lh_ctl_dir, NULL,
			    &hvg_lh_ctl_fault_fops);
	return 0;
}

/* On return no control file runs any more (debugfs_remove waits). */
void hvg_lh_ctl_destroy(void)
{
	debugfs_remove(hvg_lh_ctl_dir);
	hvg_lh_ctl_dir = NULL;
}
