// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's VMBus server: the host side of every VMBus control
 * message (hyperv-abi-behaviour.md M1, M6-M11). It answers INITIATE_CONTACT
 * as the host version it was created with, offers the configured devices on
 * REQUESTOFFERS, reassembles and maps GPADLs (gpadl.c), opens and closes
 * channels (channel.c runs their data path), creates sub-channels, rescinds
 * on request (faults.c has the debugfs controls), answers MODIFYCHANNEL and
 * UNLOAD.
 *
 * The guest is not trusted: every message is a copy the SynIC model made,
 * each length is checked before a field is read, every relid, handle, page
 * count and offset is bounded, and whatever is unknown, short or out of
 * place is counted and logged (rate-limited), never acted on.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <hvguest/tlfs.h>
#include <hvguest/vmbus_proto.h>

#include "synic.h"
#include "vmbus_server.h"
#include "server_internal.h"

/* Channels (primaries and sub-channels) the server holds at most. */
#define HVG_LH_MAX_CHANNELS	(HVG_LH_MAX_CONNECTIONS - 16)
/* GPADLs one channel may have at once (created or being created). */
#define HVG_LH_MAX_GPADLS	256
/* Waits of 100-200 us for a full slot queue, per message. */
#define HVG_LH_POST_TRIES	1000
/* The monitor page poll period: bounded rate, one jiffy. */
#define HVG_LH_MONITOR_PERIOD	1

static const char * const hvg_lh_srv_stat_names[HVG_LH_SRV_NR_STATS] = {
	[HVG_LH_SRV_CONTACTS] = "initiate_contact",
	[HVG_LH_SRV_ACCEPTED] = "version_accepted",
	[HVG_LH_SRV_REFUSED] = "version_refused",
	[HVG_LH_SRV_REQUESTOFFERS] = "requestoffers",
	[HVG_LH_SRV_UNLOADS] = "unload",
	[HVG_LH_SRV_MALFORMED] = "malformed",
	[HVG_LH_SRV_UNKNOWN] = "unknown_type",
	[HVG_LH_SRV_OUT_OF_PLACE] = "out_of_place",
	[HVG_LH_SRV_REPLY_FAILED] = "reply_failed",
	[HVG_LH_SRV_OFFERS] = "offers",
	[HVG_LH_SRV_RESCINDS] = "rescinds",
	[HVG_LH_SRV_OPENS] = "opens",
	[HVG_LH_SRV_OPEN_FAILED] = "open_failed",
	[HVG_LH_SRV_CLOSES] = "closes",
	[HVG_LH_SRV_GPADLS] = "gpadls_created",
	[HVG_LH_SRV_GPADL_FAILED] = "gpadls_refused",
	[HVG_LH_SRV_TEARDOWNS] = "gpadls_torn_down",
	[HVG_LH_SRV_RELEASED] = "relids_released",
	[HVG_LH_SRV_MODIFIES] = "modifychannel",
	[HVG_LH_SRV_BAD_RELID] = "bad_relid",
	[HVG_LH_SRV_INT_PAGE_BITS] = "int_page_bits",
};

static const struct hvg_lh_service *const hvg_lh_services[] = {
	&hvg_lh_echo_service,
	&hvg_lh_netvsp_service,
};

const struct hvg_lh_service *hvg_lh_service_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvg_lh_services); i++)
		if (sysfs_streq(name, hvg_lh_services[i]->name))
			return hvg_lh_services[i];
	return NULL;
}

const char *hvg_lh_chan_state_name(enum hvg_lh_chan_state state)
{
	switch (state) {
	case HVG_LH_CH_PENDING:
		return "pending";
	case HVG_LH_CH_OFFERED:
		return "offered";
	case HVG_LH_CH_OPEN:
		return "open";
	case HVG_LH_CH_RESCINDED:
		return "rescinded";
	}
	return "?";
}

static const u32 hvg_lh_versions[] = {
	HVG_VMBUS_VERSION_5_3, HVG_VMBUS_VERSION_5_2, HVG_VMBUS_VERSION_5_1,
	HVG_VMBUS_VERSION_5_0, HVG_VMBUS_VERSION_4_1, HVG_VMBUS_VERSION_4_0,
	HVG_VMBUS_VERSION_3_0, HVG_VMBUS_VERSION_2_4,
};

bool hvg_lh_server_version_known(u32 version)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvg_lh_versions); i++)
		if (hvg_lh_versions[i] == version)
			return true;
	return false;
}

void hvg_lh_srv_count(struct hvg_lh_server *srv, enum hvg_lh_srv_stat stat)
{
	atomic_long_inc(&srv->stats[stat]);
}

/*
 * Post a control message to (@vp, @sint); count a refusal. A full slot
 * queue (a burst of offers) is waited out for a bounded time: the guest
 * empties its slot from its interrupt handler, not from anything we hold.
 */
static void hvg_lh_srv_post(struct hvg_lh_server *srv, u32 vp, u8 sint,
			    const void *msg, u32 len, const char *what)
{
	unsigned int tries = 0;
	int err;

	for (;;) {
		err = hvg_lh_synic_post(srv->synic, vp, sint,
					HVG_VMBUS_MESSAGE_TYPE, msg, len);
		if (err != -ENOBUFS || ++tries > HVG_LH_POST_TRIES)
			break;
		usleep_range(100, 200);
	}
	if (err) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_REPLY_FAILED);
		pr_err_ratelimited("cannot post %s to VP %u SINT %u: %d\n",
				   what, vp, sint, err);
	}
}

/* Send to the connected guest's message VP and SINT. srv->lock held. */
void hvg_lh_srv_send(struct hvg_lh_server *srv, const void *msg, u32 len,
		     const char *what)
{
	hvg_lh_srv_post(srv, srv->target_vp, srv->msg_sint, msg, len, what);
}

/* A reply to a guest request: the drop_next_reply fault may eat it. */
void hvg_lh_srv_send_reply(struct hvg_lh_server *srv, const void *msg,
			   u32 len, const char *what)
{
	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_DROP_NEXT_REPLY)) {
		pr_info("fault drop_next_reply: %s not sent\n", what);
		return;
	}
	hvg_lh_srv_send(srv, msg, len, what);
}

/* Connected and offers requested: offers go out at once. srv->lock held. */
bool hvg_lh_srv_live(struct hvg_lh_server *srv)
{
	return srv->version && srv->offers_requested;
}

struct hvg_lh_channel *hvg_lh_srv_find(struct hvg_lh_server *srv, u32 relid)
{
	if (!relid || relid >= HVG_VMBUS_MAX_RELIDS)
		return NULL;
	/* by_relid is written under srv->lock too, which the caller holds. */
	return srv->by_relid[relid];
}

/* ---------------------------------------------------------------------
 * Channels: creation, offers, teardown (srv->lock held throughout)
 */

/* @ch is a sub-channel of @primary that is not rescinded. */
static bool hvg_lh_live_sub(const struct hvg_lh_channel *ch,
			    const struct hvg_lh_channel *primary)
{
	return ch->primary == primary && ch != primary &&
	       ch->state != HVG_LH_CH_RESCINDED;
}

/*
 * How relids are handed out (Documentation/loophost.rst, "Relids"):
 * lowest, the lowest free one, as Hyper-V does, so that a relid the guest
 * released comes back with the next offer; or round_robin, the next free
 * one after the last one handed out, so that reuse comes late. Read once
 * per offer.
 */
static bool hvg_lh_relid_round_robin;

static int hvg_lh_relid_policy_set(const char *val,
				   const struct kernel_param *kp)
{
	if (sysfs_streq(val, "lowest"))
		WRITE_ONCE(hvg_lh_relid_round_robin, false);
	else if (sysfs_streq(val, "round_robin"))
		WRITE_ONCE(hvg_lh_relid_round_robin, true);
	else
		return -EINVAL;
	return 0;
}

static int hvg_lh_relid_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(hvg_lh_relid_round_robin) ?
			  "round_robin" : "lowest");
}

static const struct kernel_param_ops hvg_lh_relid_policy_ops = {
	.set = hvg_lh_relid_policy_set,
	.get = hvg_lh_relid_policy_get,
};
module_param_cb(relid_policy, &hvg_lh_relid_policy_ops, NULL, 0644);
MODULE_PARM_DESC(relid_policy,
		 "Relid of a new offer: lowest (default; the lowest free one, as Hyper-V: a released relid is reused at once) or round_robin (the next free one after the last)");

static struct hvg_lh_channel *hvg_lh_chan_new(struct hvg_lh_server *srv,
					      const struct hvg_lh_service *svc,
					      struct hvg_lh_channel *primary)
{
	struct hvg_lh_channel *ch;
	u32 relid;

	if (srv->nr_channels >= HVG_LH_MAX_CHANNELS)
		return ERR_PTR(-ENOSPC);
	/* Relids 1..2047, by relid_policy. */
	relid = find_next_zero_bit(srv->relids, HVG_VMBUS_MAX_RELIDS,
				   READ_ONCE(hvg_lh_relid_round_robin) ?
				   srv->relid_cursor : 1);
	if (relid >= HVG_VMBUS_MAX_RELIDS)
		relid = find_next_zero_bit(srv->relids, HVG_VMBUS_MAX_RELIDS, 1);
	if (relid >= HVG_VMBUS_MAX_RELIDS)
		return ERR_PTR(-ENOSPC);

	ch = kzalloc(sizeof(*ch) + svc->priv_size, GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->srv = srv;
	ch->svc = svc;
	ch->priv = ch + 1;
	ch->relid = relid;
	/* Host-chosen connection id, as OpenVMM does: relid | 2 << 12. */
	ch->conn_id = relid | 2 << 12;
	ch->state = HVG_LH_CH_PENDING;
	hvg_lh_chan_init(ch);
	if (primary) {
		struct hvg_lh_channel *other;
		u16 index = 1;

		/*
		 * The lowest index no live sub-channel of this primary has:
		 * one rescinded when the primary closed gives its index to
		 * the next request's, as on Hyper-V (indexes 1..n again).
		 */
again:
		list_for_each_entry(other, &srv->channels, node) {
			if (hvg_lh_live_sub(other, primary) &&
			    other->sub_index == index) {
				index++;
				goto again;
			}
		}
		ch->primary = primary;
		ch->instance = primary->instance;
		ch->sub_index = index;
	} else {
		ch->primary = ch;
		guid_gen(&ch->instance);
	}
	if (srv->monitor_allocated) {
		unsigned int id = find_first_zero_bit(srv->monitor_ids,
						      HVG_VMBUS_MAX_MONITOR_ID + 1);

		if (id <= HVG_VMBUS_MAX_MONITOR_ID) {
			set_bit(id, srv->monitor_ids);
			ch->monitor_id = id;
			ch->monitored = true;
		}
	}
	set_bit(relid, srv->relids);
	srv->relid_cursor = relid + 1;
	list_add_tail(&ch->node, &srv->channels);
	srv->nr_channels++;

	spin_lock_bh(&srv->chan_lock);
	srv->by_relid[relid] = ch;
	if (ch->monitored)
		srv->by_monitor[ch->monitor_id] = ch;
	spin_unlock_bh(&srv->chan_lock);
	return ch;
}

void hvg_lh_srv_build_offer(struct hvg_lh_channel *ch,
			    struct hvg_chmsg_offer *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr.msgtype = HVG_CHMSG_OFFERCHANNEL;
	msg->if_type = ch->svc->class_id;
	msg->if_instance = ch->instance;
	if (ch->svc->offer)
		ch->svc->offer(ch, msg);
	msg->sub_channel_index = ch->sub_index;
	msg->child_relid = ch->relid;
	if (ch->monitored) {
		msg->monitorid = ch->monitor_id;
		msg->monitor_flags = HVG_OFFER_MONITOR_ALLOCATED;
	}
	msg->interrupt_flags = HVG_OFFER_DEDICATED_INTERRUPT;
	msg->connection_id = ch->conn_id;
}

/* PENDING -> OFFERED: the connection id exists first, then the offer. */
static int hvg_lh_chan_offer(struct hvg_lh_server *srv,
			     struct hvg_lh_channel *ch)
{
	struct hvg_chmsg_offer msg;
	int err;

	if (!ch->conn_added) {
		err = hvg_lh_synic_add_connection(srv->synic, ch->conn_id,
						  NULL, hvg_lh_chan_event, srv);
		if (err) {
			pr_err_ratelimited("relid %u: no connection id %u: %d\n",
					   ch->relid, ch->conn_id, err);
			return err;
		}
		ch->conn_added = true;
		/* Just added, with an event callback: cannot fail. */
		if (ch->svc->serve_now)
			hvg_lh_synic_set_event_now(srv->synic, ch->conn_id,
						   hvg_lh_chan_event_now);
	}
	hvg_lh_srv_build_offer(ch, &msg);
	WRITE_ONCE(ch->state, HVG_LH_CH_OFFERED);
	hvg_lh_srv_send(srv, &msg, sizeof(msg), "OFFERCHANNEL");
	hvg_lh_srv_count(srv, HVG_LH_SRV_OFFERS);
	return 0;
}

/* Unmap and free every GPADL of @ch. Data path stopped. */
static void hvg_lh_chan_drop_gpadls(struct hvg_lh_channel *ch)
{
	struct hvg_lh_gpadl *g, *tmp;

	mutex_lock(&ch->gpadl_lock);
	list_for_each_entry_safe(g, tmp, &ch->gpadls, node) {
		list_del(&g->node);
		hvg_lh_gpadl_release(g);
		kfree(g);
	}
	ch->nr_gpadls = 0;
	mutex_unlock(&ch->gpadl_lock);
}

/* Stop the data path of an open channel; the state becomes @state. */
static void hvg_lh_chan_stop(struct hvg_lh_server *srv,
			     struct hvg_lh_channel *ch,
			     enum hvg_lh_chan_state state)
{
	bool was_open = ch->state == HVG_LH_CH_OPEN;

	WRITE_ONCE(ch->state, state);
	if (was_open) {
		hvg_lh_chan_close(ch);
		hvg_lh_srv_count(srv, HVG_LH_SRV_CLOSES);
	}
}

/* Forget the guest's view of @ch: closed, no GPADLs, no connection id. */
static void hvg_lh_chan_forget(struct hvg_lh_server *srv,
			       struct hvg_lh_channel *ch)
{
	hvg_lh_chan_stop(srv, ch, HVG_LH_CH_PENDING);
	hvg_lh_chan_drop_gpadls(ch);
	ch->sub_pending = false;
	if (ch->conn_added) {
		/*
		 * Without waiting for the model's callbacks: one may wait for
		 * srv->lock, which we hold. The event callback's context is
		 * the server, and it finds the channel only through by_relid
		 * (cleared before the channel is freed); the server's
		 * destruction waits for the callbacks (hvg_lh_synic_flush()).
		 */
		hvg_lh_synic_remove_connection_nowait(srv->synic, ch->conn_id);
		ch->conn_added = false;
	}
}

static void hvg_lh_chan_destroy(struct hvg_lh_server *srv,
				struct hvg_lh_channel *ch)
{
	struct hvg_lh_channel *sub;

	hvg_lh_chan_forget(srv, ch);
	spin_lock_bh(&srv->chan_lock);
	srv->by_relid[ch->relid] = NULL;
	if (ch->monitored)
		srv->by_monitor[ch->monitor_id] = NULL;
	spin_unlock_bh(&srv->chan_lock);
	/* A kick that found the channel before it left by_relid. */
	cancel_work_sync(&ch->work);

	if (ch->monitored)
		clear_bit(ch->monitor_id, srv->monitor_ids);
	clear_bit(ch->relid, srv->relids);
	if (ch->primary == ch) {
		/* Sub-channels left behind keep their own relids. */
		list_for_each_entry(sub, &srv->channels, node)
			if (sub->primary == ch && sub != ch)
				sub->primary = NULL;
	}
	list_del(&ch->node);
	srv->nr_channels--;
	mutex_destroy(&ch->gpadl_lock);
	kfree(ch);
}

struct hvg_lh_channel *hvg_lh_srv_new_device(struct hvg_lh_server *srv,
					     const struct hvg_lh_service *svc)
{
	struct hvg_lh_channel *ch = hvg_lh_chan_new(srv, svc, NULL);
	int err;

	if (IS_ERR(ch) || !hvg_lh_srv_live(srv))
		return ch;
	err = hvg_lh_chan_offer(srv, ch);
	if (err) {
		hvg_lh_chan_destroy(srv, ch);
		return ERR_PTR(err);
	}
	return ch;
}

/* Rescind every sub-channel of @primary not rescinded yet. */
static void hvg_lh_srv_rescind_subs(struct hvg_lh_server *srv,
				    struct hvg_lh_channel *primary)
{
	struct hvg_lh_channel *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, &srv->channels, node)
		if (hvg_lh_live_sub(sub, primary))
			hvg_lh_srv_rescind(srv, sub);
}

/*
 * Rescind (M9). Sub-channels of a primary first. Before the rescind,
 * GPADLs still being created are answered with a failure; established ones
 * stay mapped until the guest tears them down or releases the relid.
 */
int hvg_lh_srv_rescind(struct hvg_lh_server *srv, struct hvg_lh_channel *ch)
{
	struct hvg_chmsg_relid msg = {
		.hdr.msgtype = HVG_CHMSG_RESCIND_CHANNELOFFER,
		.child_relid = ch->relid,
	};
	struct hvg_lh_gpadl *g, *gt;

	if (ch->state == HVG_LH_CH_RESCINDED)
		return -EALREADY;
	if (ch->primary == ch)
		hvg_lh_srv_rescind_subs(srv, ch);
	if (ch->state == HVG_LH_CH_PENDING) {
		/* The guest never saw it. */
		hvg_lh_chan_destroy(srv, ch);
		return 0;
	}
	hvg_lh_chan_stop(srv, ch, HVG_LH_CH_RESCINDED);
	ch->sub_pending = false;

	mutex_lock(&ch->gpadl_lock);
	list_for_each_entry_safe(g, gt, &ch->gpadls, node) {
		struct hvg_chmsg_gpadl_created fail = {
			.hdr.msgtype = HVG_CHMSG_GPADL_CREATED,
			.child_relid = ch->relid,
			.gpadl = g->handle,
			.creation_status = HVG_LH_STATUS_FAIL,
		};

		if (hvg_lh_gpadl_complete(g) && g->va)
			continue;
		hvg_lh_srv_send(srv, &fail, sizeof(fail), "GPADL_CREATED");
		list_del(&g->node);
		ch->nr_gpadls--;
		hvg_lh_gpadl_release(g);
		kfree(g);
	}
	mutex_unlock(&ch->gpadl_lock);

	if (ch->svc->on_rescind)
		ch->svc->on_rescind(ch);
	hvg_lh_srv_send(srv, &msg, sizeof(msg), "RESCIND_CHANNELOFFER");
	hvg_lh_srv_count(srv, HVG_LH_SRV_RESCINDS);
	pr_info("relid %u (%s, sub-channel %u) rescinded\n", ch->relid,
		ch->svc->name, ch->sub_index);
	return 0;
}

/*
 * Set the negotiated version (0: disconnected), srv->lock held. A guest
 * connected at 3.0 or later pins this module: it must stay to answer, above
 * all UNLOAD (upstream's hv_vmbus waits for UNLOAD_RESPONSE without a
 * limit), which drops the pin. An older guest has no UNLOAD (M10), so the
 * host cannot tell when it leaves: it does not pin. The hvg software
 * backend is pinned by hvg_vmbus anyway; behind hv_soft this is the only
 * pin (soft_front.c explains why hv_soft's own, taken while any VP has its
 * SynIC enabled, cannot be used).
 */
static void hvg_lh_srv_set_version(struct hvg_lh_server *srv, u32 version)
{
	bool pin = version >= HVG_VMBUS_VERSION_3_0;

	/* Also read, without srv->lock, by hvg_lh_server_panic_message(). */
	WRITE_ONCE(srv->version, version);
	if (pin && !srv->pinned) {
		/* Running this module's code: its reference cannot be gone. */
		__module_get(THIS_MODULE);
		srv->pinned = true;
	} else if (!pin && srv->pinned) {
		srv->pinned = false;
		module_put(THIS_MODULE);
	}
}

/*
 * The guest is gone (UNLOAD, or a new INITIATE_CONTACT): close every
 * channel and drop every GPADL and relid without rescinds (M10). Offers
 * the guest asked for (sub-channels) and rescinded ones end; configured
 * devices wait for the next REQUESTOFFERS.
 */
static void hvg_lh_srv_disconnect(struct hvg_lh_server *srv)
{
	struct hvg_lh_channel *ch, *tmp;
	struct hvg_monitor_page *mon = srv->monitor;

	list_for_each_entry_safe(ch, tmp, &srv->channels, node)
		if (ch->primary != ch)
			hvg_lh_chan_destroy(srv, ch);
	list_for_each_entry_safe(ch, tmp, &srv->channels, node) {
		if (ch->state == HVG_LH_CH_RESCINDED) {
			hvg_lh_chan_destroy(srv, ch);
			continue;
		}
		hvg_lh_chan_forget(srv, ch);
	}
	srv->offers_requested = false;
	if (mon) {
		WRITE_ONCE(srv->monitor, NULL);
		cancel_delayed_work_sync(&srv->monitor_work);
		vunmap(mon);
	}
	if (srv->int_page) {
		void *ip = srv->int_page;

		/* No scan uses it once it is gone under chan_lock. */
		spin_lock_bh(&srv->chan_lock);
		srv->int_page = NULL;
		spin_unlock_bh(&srv->chan_lock);
		vunmap(ip);
	}
}

/* ---------------------------------------------------------------------
 * The interrupt page (< 5.0, M2): the guest sets bit relid in its second
 * half before it signals a channel that has no dedicated interrupt, and
 * also (vestigially) before it sets a monitor bit. This host offers every
 * channel with a dedicated interrupt, as Hyper-V does from 2.4 on, but it
 * reads the page as a host must: on every guest signal and monitor poll,
 * each set bit is taken and cleared, and its channel is kicked.
 */

/* Scan and clear the guest-to-host half. chan_lock held. */
static void hvg_lh_int_page_scan_locked(struct hvg_lh_server *srv)
{
	unsigned long *half, bits;
	unsigned int w, bit;

	if (!srv->int_page)
		return;
	half = srv->int_page + PAGE_SIZE / 2;
	for (w = 0; w < HVG_VMBUS_MAX_RELIDS / BITS_PER_LONG; w++) {
		/* Most words are 0: read before the (costly) exchange. */
		if (!READ_ONCE(half[w]))
			continue;
		bits = xchg(&half[w], 0);
		for_each_set_bit(bit, &bits, BITS_PER_LONG) {
			struct hvg_lh_channel *ch =
				srv->by_relid[w * BITS_PER_LONG + bit];

			hvg_lh_srv_count(srv, HVG_LH_SRV_INT_PAGE_BITS);
			if (ch && READ_ONCE(ch->state) == HVG_LH_CH_OPEN)
				hvg_lh_chan_kick(ch);
		}
	}
}

void hvg_lh_int_page_scan(struct hvg_lh_server *srv)
{
	spin_lock_bh(&srv->chan_lock);
	hvg_lh_int_page_scan_locked(srv);
	spin_unlock_bh(&srv->chan_lock);
}

/* Map one page of guest RAM at @gpa; NULL (reported) if it is not RAM. */
static void *hvg_lh_map_guest_page(u64 gpa, const char *what)
{
	u64 pfn = gpa >> PAGE_SHIFT;
	struct page *page;

	if (gpa & ~PAGE_MASK || pfn > ULONG_MAX || !pfn_valid(pfn)) {
		pr_warn_ratelimited("%s %#llx is not a RAM page: not used\n",
				    what, gpa);
		return NULL;
	}
	page = pfn_to_page(pfn);
	return vmap(&page, 1, VM_MAP, PAGE_KERNEL);
}

/* ---------------------------------------------------------------------
 * The monitor page: a bounded-rate poll of the guest's child-to-parent
 * page (M41). A pending bit set by the guest is a signal of the channel
 * that owns that monitor id.
 */

static void hvg_lh_monitor_work(struct work_struct *work)
{
	struct hvg_lh_server *srv = container_of(to_delayed_work(work),
						 struct hvg_lh_server,
						 monitor_work);
	struct hvg_monitor_page *mon = READ_ONCE(srv->monitor);
	unsigned int g, bit;
	unsigned long pending;

	if (!mon)
		return;		/* unmapped: disconnect cancels us first */
	hvg_lh_int_page_scan(srv);
	for (g = 0; g < HVG_MONITOR_GROUPS; g++) {
		/* Take and clear in one step, as the hypervisor would. */
		pending = xchg(&mon->trigger_group[g].pending, 0);
		for_each_set_bit(bit, &pending, HVG_MONITOR_BITS) {
			struct hvg_lh_channel *ch;

			spin_lock_bh(&srv->chan_lock);
			ch = srv->by_monitor[g * HVG_MONITOR_BITS + bit];
			if (ch && READ_ONCE(ch->state) == HVG_LH_CH_OPEN)
				hvg_lh_chan_kick(ch);
			spin_unlock_bh(&srv->chan_lock);
		}
	}
	if (!READ_ONCE(srv->stopping))
		schedule_delayed_work(&srv->monitor_work,
				      HVG_LH_MONITOR_PERIOD);
}

/* Map the guest's monitor page 2 (child to parent). srv->lock held. */
static void hvg_lh_monitor_map(struct hvg_lh_server *srv, u64 gpa)
{
	if (!srv->monitor_allocated || !gpa)
		return;
	srv->monitor = hvg_lh_map_guest_page(gpa, "monitor_page2");
	if (srv->monitor)
		schedule_delayed_work(&srv->monitor_work,
				      HVG_LH_MONITOR_PERIOD);
}

/* ---------------------------------------------------------------------
 * Control messages (srv->lock held)
 */

static void hvg_lh_srv_initiate_contact(struct hvg_lh_server *srv,
					u32 connection_id,
					const struct hvg_chmsg_initiate_contact *ic)
{
	struct hvg_chmsg_version_response resp = {
		.hdr.msgtype = HVG_CHMSG_VERSION_RESPONSE,
	};
	u32 requested = ic->version_requested;
	bool v5 = requested >= HVG_VMBUS_VERSION_5_0;
	u32 vp = srv->boot_vp;
	u8 sint = HVG_VMBUS_MESSAGE_SINT;
	bool ok = true;

	hvg_lh_srv_count(srv, HVG_LH_SRV_CONTACTS);
	/* 5.0+ contacts come on id 4, older ones on id 1 (M1). */
	if (connection_id != (v5 ? HVG_VMBUS_MSG_CONN_ID_V5 :
				   HVG_VMBUS_MSG_CONN_ID)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("INITIATE_CONTACT for %u.%u on connection id %u ignored\n",
				    requested >> 16, requested & 0xffff,
				    connection_id);
		return;
	}

	/*
	 * Target VP from 3.0 on, else the boot CPU's VP ("VP 0", A13);
	 * message SINT from 5.0 on.
	 */
	if (requested >= HVG_VMBUS_VERSION_3_0)
		vp = ic->target_vcpu;
	if (v5)
		sint = ic->v5.msg_sint;

	if (!hvg_lh_server_version_known(requested) ||
	    requested > srv->host_version) {
		ok = false;
		/* version=none: say why no contact ever succeeds. */
		if (!srv->host_version)
			pr_info_ratelimited("INITIATE_CONTACT %u.%u refused: this host refuses every version (version=none)\n",
					    requested >> 16, requested & 0xffff);
	} else if (vp >= srv->nr_vps || sint >= HVG_SINT_COUNT ||
		   !ic->monitor_page1 != !ic->monitor_page2) {
		/* Unusable: refuse, and answer where the guest can look. */
		ok = false;
		resp.connection_state = HVG_VMBUS_CONN_FAILED_UNKNOWN;
		pr_warn_ratelimited("INITIATE_CONTACT refused: target VP %u, SINT %u, monitor pages %s\n",
				    vp, sint,
				    !ic->monitor_page1 != !ic->monitor_page2 ?
				    "one of two" : "ok");
		vp = srv->boot_vp;
		sint = HVG_VMBUS_MESSAGE_SINT;
	}

	/*
	 * A contact while connected is an implicit disconnect (M1); after a
	 * refused or garbled one it drops what little is left.
	 */
	hvg_lh_srv_disconnect(srv);
	hvg_lh_srv_set_version(srv, ok ? requested : 0);
	WRITE_ONCE(srv->target_vp, vp);
	WRITE_ONCE(srv->msg_sint, sint);

	if (ok) {
		resp.version_supported = 1;
		/* 5.0+: where later messages go; below: the version (A1). */
		resp.msg_conn_id = v5 ? HVG_LH_VMBUS_MSG_CONN_ID : requested;
		hvg_lh_srv_count(srv, HVG_LH_SRV_ACCEPTED);
		hvg_lh_monitor_map(srv, ic->monitor_page2);
		if (!v5 && ic->interrupt_page) {
			void *ip = hvg_lh_map_guest_page(ic->interrupt_page,
							 "interrupt_page");

			spin_lock_bh(&srv->chan_lock);
			srv->int_page = ip;
			spin_unlock_bh(&srv->chan_lock);
		}
		pr_info("guest connected: VMBus %u.%u, messages to VP %u SINT %u\n",
			requested >> 16, requested & 0xffff, vp, sint);
	} else {
		hvg_lh_srv_count(srv, HVG_LH_SRV_REFUSED);
	}
	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_BAD_VERSION_RESPONSE)) {
		/* Nonsense: "supported" 7, an unknown state, id 0. */
		resp.version_supported = 7;
		resp.connection_state = 0x55;
		resp.msg_conn_id = 0;
		hvg_lh_srv_set_version(srv, 0);
		pr_info("fault bad_version_response: VERSION_RESPONSE garbled, host stays disconnected\n");
	}
	hvg_lh_srv_send_reply(srv, &resp, sizeof(resp), "VERSION_RESPONSE");
}

static void hvg_lh_srv_request_offers(struct hvg_lh_server *srv)
{
	struct hvg_chmsg_hdr done = {
		.msgtype = HVG_CHMSG_ALLOFFERS_DELIVERED,
	};
	struct hvg_lh_channel *ch;

	if (srv->offers_requested) {
		/* M7: one REQUESTOFFERS per connection. */
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("second REQUESTOFFERS on this connection ignored\n");
		return;
	}
	srv->offers_requested = true;
	hvg_lh_srv_count(srv, HVG_LH_SRV_REQUESTOFFERS);
	list_for_each_entry(ch, &srv->channels, node)
		if (ch->state == HVG_LH_CH_PENDING)
			hvg_lh_chan_offer(srv, ch);
	hvg_lh_srv_send(srv, &done, sizeof(done), "ALLOFFERS_DELIVERED");
	hvg_lh_faults_fire(srv);
}

/* A channel the guest may use: offered or open, not rescinded. */
static struct hvg_lh_channel *hvg_lh_srv_usable(struct hvg_lh_server *srv,
						u32 relid, const char *what)
{
	struct hvg_lh_channel *ch = hvg_lh_srv_find(srv, relid);

	if (!ch || ch->state == HVG_LH_CH_PENDING) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_BAD_RELID);
		pr_warn_ratelimited("%s for relid %u, which is not offered: ignored\n",
				    what, relid);
		return NULL;
	}
	return ch;
}

/* The GPADL @handle anywhere on this connection, or NULL. */
static struct hvg_lh_gpadl *hvg_lh_srv_gpadl(struct hvg_lh_server *srv,
					     u32 handle,
					     struct hvg_lh_channel **chp)
{
	struct hvg_lh_channel *ch;
	struct hvg_lh_gpadl *g;

	list_for_each_entry(ch, &srv->channels, node) {
		list_for_each_entry(g, &ch->gpadls, node) {
			if (g->handle == handle) {
				*chp = ch;
				return g;
			}
		}
	}
	return NULL;
}

static void hvg_lh_gpadl_answer(struct hvg_lh_server *srv,
				struct hvg_lh_channel *ch,
				struct hvg_lh_gpadl *g, u32 relid, u32 handle,
				int err, const char *why)
{
	struct hvg_chmsg_gpadl_created msg = {
		.hdr.msgtype = HVG_CHMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = handle,
	};

	if (!err && g) {
		err = hvg_lh_gpadl_map(g, &why);
		if (err)
			pr_warn_ratelimited("GPADL %#x of relid %u: %s %s\n",
					    handle, relid, why,
					    err == -EFAULT ? "not guest RAM" :
					    "cannot be mapped");
	} else if (err) {
		pr_warn_ratelimited("GPADL %#x of relid %u refused: bad %s\n",
				    handle, relid, why);
	}
	if (err && g) {
		mutex_lock(&ch->gpadl_lock);
		list_del(&g->node);
		ch->nr_gpadls--;
		mutex_unlock(&ch->gpadl_lock);
		hvg_lh_gpadl_release(g);
		kfree(g);
	}
	msg.creation_status = err ? HVG_LH_STATUS_FAIL : 0;
	hvg_lh_srv_count(srv, err ? HVG_LH_SRV_GPADL_FAILED : HVG_LH_SRV_GPADLS);
	hvg_lh_srv_send_reply(srv, &msg, sizeof(msg), "GPADL_CREATED");
}

static void hvg_lh_srv_gpadl_header(struct hvg_lh_server *srv,
				    const void *payload, u32 len)
{
	struct hvg_chmsg_gpadl_header hdr = {};
	struct hvg_lh_channel *ch, *other;
	struct hvg_lh_gpadl *g;
	const char *why = "?";
	int err;

	/* relid and handle are in the first 16 bytes; the rest is checked. */
	memcpy(&hdr, payload, min_t(u32, len, sizeof(hdr)));
	ch = hvg_lh_srv_usable(srv, hdr.child_relid, "GPADL_HEADER");
	if (!ch)
		return;
	if (ch->state == HVG_LH_CH_RESCINDED) {
		hvg_lh_gpadl_answer(srv, ch, NULL, hdr.child_relid, hdr.gpadl,
				    -ENODEV, "relid (rescinded)");
		return;
	}
	if (hvg_lh_srv_gpadl(srv, hdr.gpadl, &other)) {
		hvg_lh_gpadl_answer(srv, ch, NULL, hdr.child_relid, hdr.gpadl,
				    -EEXIST, "gpadl (duplicate handle)");
		return;
	}
	if (ch->nr_gpadls >= HVG_LH_MAX_GPADLS) {
		hvg_lh_gpadl_answer(srv, ch, NULL, hdr.child_relid, hdr.gpadl,
				    -ENOSPC, "gpadl (too many on this channel)");
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g) {
		hvg_lh_gpadl_answer(srv, ch, NULL, hdr.child_relid, hdr.gpadl,
				    -ENOMEM, "host memory");
		return;
	}
	err = hvg_lh_gpadl_begin(g, payload, len, &why);
	if (err) {
		kfree(g);
		hvg_lh_gpadl_answer(srv, ch, NULL, hdr.child_relid, hdr.gpadl,
				    err, why);
		return;
	}
	mutex_lock(&ch->gpadl_lock);
	list_add_tail(&g->node, &ch->gpadls);
	ch->nr_gpadls++;
	mutex_unlock(&ch->gpadl_lock);

	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_RESCIND_DURING_GPADL)) {
		/* M9: the GPADL in creation is failed, then the rescind. */
		pr_info("fault rescind_during_gpadl: relid %u, GPADL %#x\n",
			ch->relid, g->handle);
		hvg_lh_srv_rescind(srv, ch);
		return;
	}
	if (hvg_lh_gpadl_complete(g))
		hvg_lh_gpadl_answer(srv, ch, g, g->relid, g->handle, 0, NULL);
}

static void hvg_lh_srv_gpadl_body(struct hvg_lh_server *srv,
				  const void *payload, u32 len)
{
	struct hvg_chmsg_gpadl_body body;
	struct hvg_lh_channel *ch;
	struct hvg_lh_gpadl *g;
	const char *why = "?";
	int err;

	if (len < sizeof(body)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
		pr_warn_ratelimited("GPADL_BODY of %u bytes ignored\n", len);
		return;
	}
	memcpy(&body, payload, sizeof(body));
	g = hvg_lh_srv_gpadl(srv, body.gpadl, &ch);
	if (!g || hvg_lh_gpadl_complete(g)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("GPADL_BODY for GPADL %#x, which is not being created: ignored\n",
				    body.gpadl);
		return;
	}
	mutex_lock(&ch->gpadl_lock);
	err = hvg_lh_gpadl_body(g, payload, len, &why);
	mutex_unlock(&ch->gpadl_lock);
	if (err)
		hvg_lh_gpadl_answer(srv, ch, g, g->relid, g->handle, err, why);
	else if (hvg_lh_gpadl_complete(g))
		hvg_lh_gpadl_answer(srv, ch, g, g->relid, g->handle, 0, NULL);
}

static void hvg_lh_srv_gpadl_teardown(struct hvg_lh_server *srv,
				      const struct hvg_chmsg_gpadl_teardown *td)
{
	struct hvg_chmsg_gpadl_torndown done = {
		.hdr.msgtype = HVG_CHMSG_GPADL_TORNDOWN,
		.gpadl = td->gpadl,
	};
	struct hvg_lh_channel *ch;
	struct hvg_lh_gpadl *g;

	ch = hvg_lh_srv_usable(srv, td->child_relid, "GPADL_TEARDOWN");
	if (!ch)
		return;
	mutex_lock(&ch->gpadl_lock);
	g = hvg_lh_chan_gpadl(ch, td->gpadl);
	mutex_unlock(&ch->gpadl_lock);
	if (!g || !g->va) {
		if (ch->state == HVG_LH_CH_RESCINDED) {
			/* M9: answered at once after a rescind. */
			hvg_lh_srv_send_reply(srv, &done, sizeof(done),
					      "GPADL_TORNDOWN");
			return;
		}
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("GPADL_TEARDOWN of unknown GPADL %#x on relid %u ignored\n",
				    td->gpadl, td->child_relid);
		return;
	}
	if (g->ring_in_use) {
		/* The guest should close first; stop using the memory. */
		pr_warn_ratelimited("relid %u: GPADL_TEARDOWN of the ring of an open channel: channel closed\n",
				    ch->relid);
		hvg_lh_chan_stop(srv, ch, HVG_LH_CH_OFFERED);
	}
	mutex_lock(&ch->gpadl_lock);
	list_del(&g->node);
	ch->nr_gpadls--;
	mutex_unlock(&ch->gpadl_lock);
	hvg_lh_gpadl_release(g);
	kfree(g);
	hvg_lh_srv_count(srv, HVG_LH_SRV_TEARDOWNS);
	hvg_lh_srv_send_reply(srv, &done, sizeof(done), "GPADL_TORNDOWN");
}

static void hvg_lh_srv_open(struct hvg_lh_server *srv, const void *payload,
			    u32 len)
{
	struct hvg_chmsg_open open = {};
	struct hvg_chmsg_open_result res = {
		.hdr.msgtype = HVG_CHMSG_OPENCHANNEL_RESULT,
	};
	struct hvg_lh_channel *ch;
	const char *why = "?";

	/* The user data is optional: a short one reads as zeroes. */
	if (len < offsetof(struct hvg_chmsg_open, user_data)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
		pr_warn_ratelimited("OPENCHANNEL of %u bytes ignored\n", len);
		return;
	}
	memcpy(&open, payload, min_t(u32, len, sizeof(open)));
	res.child_relid = open.child_relid;
	res.openid = open.openid;
	ch = hvg_lh_srv_usable(srv, open.child_relid, "OPENCHANNEL");
	if (!ch)
		return;
	if (ch->state != HVG_LH_CH_OFFERED) {
		why = ch->state == HVG_LH_CH_OPEN ? "state (already open)" :
						    "state (rescinded)";
		res.status = HVG_LH_STATUS_FAIL;
		goto reply;
	}
	if (hvg_lh_fault_take(srv, HVG_LH_FAULT_RESCIND_DURING_OPEN)) {
		/* No result: the rescind is the answer. */
		pr_info("fault rescind_during_open: relid %u\n", ch->relid);
		hvg_lh_srv_rescind(srv, ch);
		return;
	}
	res.status = hvg_lh_chan_open(ch, &open, &why);
reply:
	if (res.status) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OPEN_FAILED);
		pr_warn_ratelimited("OPENCHANNEL of relid %u refused: %s\n",
				    open.child_relid, why);
	} else {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OPENS);
	}
	hvg_lh_srv_send_reply(srv, &res, sizeof(res), "OPENCHANNEL_RESULT");
	if (!res.status) {
		/*
		 * The host writes and signals only after the result (M8).
		 * Release: the rings and serve_now are set up before a
		 * guest's signal sees OPEN (hvg_lh_chan_event_now()).
		 */
		smp_store_release(&ch->state, HVG_LH_CH_OPEN);
		queue_work(srv->wq, &ch->work);
	}
}

static void hvg_lh_srv_close(struct hvg_lh_server *srv, u32 relid)
{
	struct hvg_lh_channel *ch = hvg_lh_srv_usable(srv, relid,
						      "CLOSECHANNEL");

	if (!ch)
		return;
	if (ch->state == HVG_LH_CH_RESCINDED)
		return;		/* M9: ignored after the rescind */
	if (ch->state != HVG_LH_CH_OPEN) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("CLOSECHANNEL of relid %u, which is not open: ignored\n",
				    relid);
		return;
	}
	hvg_lh_chan_stop(srv, ch, HVG_LH_CH_OFFERED);
	/*
	 * Sub-channels belong to the primary's open instance: Hyper-V
	 * rescinds them once the primary is closed, and a guest that opens
	 * the primary again asks for new ones (Linux's hv_netvsc waits for
	 * their offers; FreeBSD's hn waits for the rescinds). Documented in
	 * Documentation/loophost.rst.
	 */
	if (ch->primary == ch)
		hvg_lh_srv_rescind_subs(srv, ch);
}

static void hvg_lh_srv_relid_released(struct hvg_lh_server *srv, u32 relid)
{
	struct hvg_lh_channel *ch = hvg_lh_srv_usable(srv, relid,
						      "RELID_RELEASED");

	if (!ch)
		return;
	if (ch->state != HVG_LH_CH_RESCINDED) {
		/* M9: releasing a live channel is a protocol error. */
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("RELID_RELEASED for relid %u, which is %s, not rescinded: ignored\n",
				    relid, hvg_lh_chan_state_name(ch->state));
		return;
	}
	hvg_lh_srv_count(srv, HVG_LH_SRV_RELEASED);
	hvg_lh_chan_destroy(srv, ch);
}

static void hvg_lh_srv_modify(struct hvg_lh_server *srv,
			      const struct hvg_chmsg_modifychannel *mc)
{
	struct hvg_chmsg_modifychannel_resp resp = {
		.hdr.msgtype = HVG_CHMSG_MODIFYCHANNEL_RESP,
		.child_relid = mc->child_relid,
	};
	struct hvg_lh_channel *ch;

	if (srv->version < HVG_VMBUS_VERSION_4_1) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("MODIFYCHANNEL on VMBus %u.%u ignored\n",
				    srv->version >> 16, srv->version & 0xffff);
		return;
	}
	ch = hvg_lh_srv_usable(srv, mc->child_relid, "MODIFYCHANNEL");
	if (!ch || ch->state != HVG_LH_CH_OPEN ||
	    mc->target_vp >= srv->nr_vps) {
		resp.status = HVG_LH_STATUS_FAIL;
		pr_warn_ratelimited("MODIFYCHANNEL relid %u to VP %u refused\n",
				    mc->child_relid, mc->target_vp);
	} else {
		WRITE_ONCE(ch->target_vp, mc->target_vp);
		hvg_lh_srv_count(srv, HVG_LH_SRV_MODIFIES);
	}
	/* M11: hosts reply from 5.3 on only. */
	if (srv->version >= HVG_VMBUS_VERSION_5_3)
		hvg_lh_srv_send_reply(srv, &resp, sizeof(resp),
				      "MODIFYCHANNEL_RESPONSE");
}

static void hvg_lh_srv_unload(struct hvg_lh_server *srv)
{
	struct hvg_chmsg_hdr done = {
		.msgtype = HVG_CHMSG_UNLOAD_RESPONSE,
	};
	u32 version = srv->version;

	if (version < HVG_VMBUS_VERSION_3_0) {
		/* Hosts implement UNLOAD from 3.0 on (M10). */
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("UNLOAD on VMBus %u.%u ignored\n",
				    version >> 16, version & 0xffff);
		return;
	}
	/* Close and drop everything; the response is the last message. */
	hvg_lh_srv_disconnect(srv);
	hvg_lh_srv_set_version(srv, 0);
	hvg_lh_srv_count(srv, HVG_LH_SRV_UNLOADS);
	pr_info("guest unloaded VMBus %u.%u\n", version >> 16,
		version & 0xffff);
	hvg_lh_srv_send_reply(srv, &done, sizeof(done), "UNLOAD_RESPONSE");
}

/* Minimum lengths of the guest's messages, header included. */
static const u8 hvg_lh_min_len[HVG_CHMSG_COUNT] = {
	[HVG_CHMSG_REQUESTOFFERS] = sizeof(struct hvg_chmsg_hdr),
	[HVG_CHMSG_OPENCHANNEL] = offsetof(struct hvg_chmsg_open, user_data),
	[HVG_CHMSG_CLOSECHANNEL] = sizeof(struct hvg_chmsg_relid),
	[HVG_CHMSG_GPADL_HEADER] = sizeof(struct hvg_chmsg_gpadl_header),
	[HVG_CHMSG_GPADL_BODY] = sizeof(struct hvg_chmsg_gpadl_body),
	[HVG_CHMSG_GPADL_TEARDOWN] = sizeof(struct hvg_chmsg_gpadl_teardown),
	[HVG_CHMSG_RELID_RELEASED] = sizeof(struct hvg_chmsg_relid),
	[HVG_CHMSG_UNLOAD] = sizeof(struct hvg_chmsg_hdr),
	[HVG_CHMSG_MODIFYCHANNEL] = sizeof(struct hvg_chmsg_modifychannel),
};

static void hvg_lh_srv_dispatch(struct hvg_lh_server *srv, u32 msgtype,
				const void *payload, u32 len)
{
	union {
		struct hvg_chmsg_relid relid;
		struct hvg_chmsg_gpadl_teardown td;
		struct hvg_chmsg_modifychannel mc;
	} m;

	if (msgtype >= HVG_CHMSG_COUNT || !hvg_lh_min_len[msgtype]) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_UNKNOWN);
		pr_warn_ratelimited("channel message %u (%u bytes) not served\n",
				    msgtype, len);
		return;
	}
	if (len < hvg_lh_min_len[msgtype]) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
		pr_warn_ratelimited("channel message %u of %u bytes, %u needed: ignored\n",
				    msgtype, len, hvg_lh_min_len[msgtype]);
		return;
	}
	/* Fixed-size messages: a private copy of exactly their size. */
	memset(&m, 0, sizeof(m));
	memcpy(&m, payload, min_t(u32, len, sizeof(m)));

	switch (msgtype) {
	case HVG_CHMSG_REQUESTOFFERS:
		hvg_lh_srv_request_offers(srv);
		break;
	case HVG_CHMSG_OPENCHANNEL:
		hvg_lh_srv_open(srv, payload, len);
		break;
	case HVG_CHMSG_CLOSECHANNEL:
		hvg_lh_srv_close(srv, m.relid.child_relid);
		break;
	case HVG_CHMSG_GPADL_HEADER:
		hvg_lh_srv_gpadl_header(srv, payload, len);
		break;
	case HVG_CHMSG_GPADL_BODY:
		hvg_lh_srv_gpadl_body(srv, payload, len);
		break;
	case HVG_CHMSG_GPADL_TEARDOWN:
		hvg_lh_srv_gpadl_teardown(srv, &m.td);
		break;
	case HVG_CHMSG_RELID_RELEASED:
		hvg_lh_srv_relid_released(srv, m.relid.child_relid);
		break;
	case HVG_CHMSG_UNLOAD:
		hvg_lh_srv_unload(srv);
		break;
	case HVG_CHMSG_MODIFYCHANNEL:
		hvg_lh_srv_modify(srv, &m.mc);
		break;
	}
}

static void hvg_lh_srv_message(void *ctx, u32 connection_id,
			       u32 message_type, const void *payload,
			       u32 payload_size)
{
	struct hvg_lh_server *srv = ctx;
	struct hvg_chmsg_hdr hdr = {};
	struct hvg_chmsg_initiate_contact ic;

	if (message_type != HVG_VMBUS_MESSAGE_TYPE ||
	    payload_size < sizeof(hdr) ||
	    payload_size > HVG_MSG_PAYLOAD_MAX) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
		pr_warn_ratelimited("malformed message on connection id %u: type %u, %u bytes\n",
				    connection_id, message_type, payload_size);
		return;
	}
	memcpy(&hdr, payload, sizeof(hdr));

	mutex_lock(&srv->lock);
	if (hdr.msgtype == HVG_CHMSG_INITIATE_CONTACT) {
		if (payload_size < sizeof(ic)) {
			hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
			pr_warn_ratelimited("INITIATE_CONTACT of %u bytes, %zu needed\n",
					    payload_size, sizeof(ic));
		} else {
			memcpy(&ic, payload, sizeof(ic));
			hvg_lh_srv_initiate_contact(srv, connection_id, &ic);
		}
	} else if (connection_id == HVG_LH_VMBUS_MSG_CONN_ID &&
		   !srv->version &&
		   hdr.msgtype == HVG_CHMSG_RELID_RELEASED) {
		/*
		 * Upstream hv_vmbus releases every relid as it removes its
		 * devices, after UNLOAD_RESPONSE: the host forgot them all
		 * at the UNLOAD already. Nothing to do, nothing wrong.
		 */
	} else if (connection_id != HVG_LH_VMBUS_MSG_CONN_ID ||
		   !srv->version) {
		/* Everything else goes to the connected id, never to id 4. */
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("channel message %u on connection id %u while %s: ignored\n",
				    hdr.msgtype, connection_id,
				    srv->version ? "connected" : "disconnected");
	} else {
		hvg_lh_srv_dispatch(srv, hdr.msgtype, payload, payload_size);
	}
	mutex_unlock(&srv->lock);
}

bool hvg_lh_server_panic_message(struct hvg_lh_server *srv, u32 connection_id,
				 u32 message_type, const void *payload,
				 u32 payload_size)
{
	struct hvg_chmsg_hdr done = {
		.msgtype = HVG_CHMSG_UNLOAD_RESPONSE,
	};
	struct hvg_chmsg_hdr hdr;
	int err;

	if (connection_id != HVG_LH_VMBUS_MSG_CONN_ID ||
	    message_type != HVG_VMBUS_MESSAGE_TYPE ||
	    payload_size < sizeof(hdr) || !payload)
		return false;
	memcpy(&hdr, payload, sizeof(hdr));
	if (hdr.msgtype != HVG_CHMSG_UNLOAD ||
	    READ_ONCE(srv->version) < HVG_VMBUS_VERSION_3_0)
		return false;
	/*
	 * The guest polls its message pages now, and other CPUs may be
	 * stopped with srv->lock held: no state change, no interrupt, only
	 * the answer in the connect VP's slot (or behind it).
	 */
	hvg_lh_srv_count(srv, HVG_LH_SRV_UNLOADS);
	err = hvg_lh_synic_post_panic(srv->synic, READ_ONCE(srv->target_vp),
				      READ_ONCE(srv->msg_sint),
				      HVG_VMBUS_MESSAGE_TYPE, &done,
				      sizeof(done));
	if (err) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_REPLY_FAILED);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Sub-channels: a service asks from its channel's work, which must not
 * take srv->lock; this work offers them and lets the service answer.
 */

void hvg_lh_request_subchannels(struct hvg_lh_channel *ch, unsigned int want,
				u64 trans_id, u32 seq)
{
	struct hvg_lh_server *srv = ch->srv;

	/*
	 * The request fields are srv->lock's, but the caller is the
	 * channel's work: hand them over through the lock-free path of a
	 * work item instead. One request per channel is outstanding at a
	 * time (the echo driver waits for the answer); a second one
	 * replaces the first.
	 */
	WRITE_ONCE(ch->sub_want, want);
	WRITE_ONCE(ch->sub_trans_id, trans_id);
	WRITE_ONCE(ch->sub_seq, seq);
	/* The fields above are visible before the flag. */
	smp_store_release(&ch->sub_pending, true);
	queue_work(srv->wq, &srv->sub_work);
}

/* Sub-channels of @primary the guest may still use. srv->lock held. */
static unsigned int hvg_lh_live_subs(struct hvg_lh_server *srv,
				     struct hvg_lh_channel *primary)
{
	struct hvg_lh_channel *sub;
	unsigned int n = 0;

	list_for_each_entry(sub, &srv->channels, node)
		n += hvg_lh_live_sub(sub, primary);
	return n;
}

static void hvg_lh_sub_work(struct work_struct *work)
{
	struct hvg_lh_server *srv = container_of(work, struct hvg_lh_server,
						 sub_work);
	struct hvg_lh_channel *ch, *sub;

	mutex_lock(&srv->lock);
	list_for_each_entry(ch, &srv->channels, node) {
		unsigned int want, max, total;

		/* Pairs with the release in hvg_lh_request_subchannels(). */
		if (!smp_load_acquire(&ch->sub_pending))
			continue;
		WRITE_ONCE(ch->sub_pending, false);
		if (ch->state != HVG_LH_CH_OPEN || ch->primary != ch)
			continue;
		want = READ_ONCE(ch->sub_want);
		max = min_t(unsigned int,
			    READ_ONCE(*ch->svc->max_subchannels), 64);
		want = min(want, max);
		/* Rescinded ones wait for RELID_RELEASED: not counted. */
		total = hvg_lh_live_subs(srv, ch);
		while (total < want) {
			sub = hvg_lh_chan_new(srv, ch->svc, ch);
			if (IS_ERR(sub))
				break;
			if (hvg_lh_chan_offer(srv, sub)) {
				hvg_lh_chan_destroy(srv, sub);
				break;
			}
			total++;
		}
		if (ch->svc->on_subchannels)
			ch->svc->on_subchannels(ch, total,
						READ_ONCE(ch->sub_trans_id),
						READ_ONCE(ch->sub_seq));
	}
	mutex_unlock(&srv->lock);
}

/* ---------------------------------------------------------------------
 * Creation, teardown, debugfs
 */

static void hvg_lh_server_destroy_channels(struct hvg_lh_server *srv);

struct hvg_lh_server *hvg_lh_server_create(struct hvg_lh_synic *synic,
					   const struct hvg_lh_server_config *cfg)
{
	struct hvg_lh_server *srv;
	unsigned int i;
	int err;

	if (!synic || !cfg || !cfg->nr_vps || cfg->boot_vp >= cfg->nr_vps ||
	    (cfg->host_version &&
	     !hvg_lh_server_version_known(cfg->host_version)) ||
	    cfg->echo_devices > HVG_LH_MAX_CHANNELS)
		return ERR_PTR(-EINVAL);
	srv = kvzalloc(sizeof(*srv), GFP_KERNEL);
	if (!srv)
		return ERR_PTR(-ENOMEM);
	srv->synic = synic;
	srv->host_version = cfg->host_version;
	srv->nr_vps = cfg->nr_vps;
	srv->boot_vp = cfg->boot_vp;
	srv->monitor_allocated = cfg->monitor_allocated;
	mutex_init(&srv->lock);
	spin_lock_init(&srv->chan_lock);
	INIT_LIST_HEAD(&srv->channels);
	INIT_WORK(&srv->sub_work, hvg_lh_sub_work);
	INIT_DELAYED_WORK(&srv->monitor_work, hvg_lh_monitor_work);
	srv->relid_cursor = 1;
	srv->wq = alloc_workqueue("hvg_loophost", WQ_UNBOUND | WQ_HIGHPRI, 0);
	if (!srv->wq) {
		err = -ENOMEM;
		goto err_free;
	}

	mutex_lock(&srv->lock);
	for (i = 0; i < cfg->echo_devices; i++) {
		struct hvg_lh_channel *ch;

		ch = hvg_lh_srv_new_device(srv, &hvg_lh_echo_service);
		if (IS_ERR(ch)) {
			mutex_unlock(&srv->lock);
			err = PTR_ERR(ch);
			goto err_channels;
		}
	}
	mutex_unlock(&srv->lock);

	err = hvg_lh_synic_add_connection(synic, HVG_VMBUS_MSG_CONN_ID,
					  hvg_lh_srv_message, NULL, srv);
	if (err)
		goto err_channels;
	/* A host that refuses all answers 5.0+ contacts too, on id 4. */
	if (cfg->host_version >= HVG_VMBUS_VERSION_5_0 || !cfg->host_version) {
		err = hvg_lh_synic_add_connection(synic,
						  HVG_VMBUS_MSG_CONN_ID_V5,
						  hvg_lh_srv_message, NULL,
						  srv);
		if (err)
			goto err_remove;
		srv->has_conn_id_v5 = true;
	}
	return srv;

err_remove:
	hvg_lh_synic_remove_connection(synic, HVG_VMBUS_MSG_CONN_ID);
err_channels:
	hvg_lh_server_destroy_channels(srv);
	destroy_workqueue(srv->wq);
err_free:
	mutex_destroy(&srv->lock);
	kvfree(srv);
	return ERR_PTR(err);
}

/* Every channel, open or not, is closed, unmapped and freed. */
static void hvg_lh_server_destroy_channels(struct hvg_lh_server *srv)
{
	struct hvg_lh_channel *ch, *tmp;

	mutex_lock(&srv->lock);
	WRITE_ONCE(srv->stopping, true);
	hvg_lh_srv_disconnect(srv);
	list_for_each_entry_safe(ch, tmp, &srv->channels, node)
		hvg_lh_chan_destroy(srv, ch);
	/* Drops the pin of a guest that never unloaded (KUnit, init failure). */
	hvg_lh_srv_set_version(srv, 0);
	mutex_unlock(&srv->lock);
	/* No event callback still holds the server; no sub-channel work. */
	hvg_lh_synic_flush(srv->synic);
	cancel_work_sync(&srv->sub_work);
}

void hvg_lh_server_destroy(struct hvg_lh_server *srv)
{
	if (IS_ERR_OR_NULL(srv))
		return;
	/* No new control messages; then no channel, no work, no event. */
	if (srv->has_conn_id_v5)
		hvg_lh_synic_remove_connection(srv->synic,
					       HVG_VMBUS_MSG_CONN_ID_V5);
	hvg_lh_synic_remove_connection(srv->synic, HVG_VMBUS_MSG_CONN_ID);
	hvg_lh_server_destroy_channels(srv);
	destroy_workqueue(srv->wq);
	mutex_destroy(&srv->lock);
	kvfree(srv);
}

void hvg_lh_server_show(struct hvg_lh_server *srv, struct seq_file *m)
{
	unsigned int i;

	if (srv->host_version)
		seq_printf(m, "host_version: %u.%u\n", srv->host_version >> 16,
			   srv->host_version & 0xffff);
	else
		seq_puts(m, "host_version: none\n");
	mutex_lock(&srv->lock);
	if (srv->version)
		seq_printf(m, "state: connected\nversion: %u.%u\ntarget_vp: %u\nmsg_sint: %u\n",
			   srv->version >> 16, srv->version & 0xffff,
			   srv->target_vp, srv->msg_sint);
	else
		seq_puts(m, "state: disconnected\n");
	seq_printf(m, "channels: %u\n", srv->nr_channels);
	mutex_unlock(&srv->lock);
	for (i = 0; i < HVG_LH_SRV_NR_STATS; i++)
		seq_printf(m, "%s: %ld\n", hvg_lh_srv_stat_names[i],
			   atomic_long_read(&srv->stats[i]));
}

void hvg_lh_server_show_devices(struct hvg_lh_server *srv, struct seq_file *m)
{
	struct hvg_lh_channel *ch;
	unsigned int gpadls;

	mutex_lock(&srv->lock);
	list_for_each_entry(ch, &srv->channels, node) {
		mutex_lock(&ch->gpadl_lock);
		gpadls = ch->nr_gpadls;
		mutex_unlock(&ch->gpadl_lock);
		seq_printf(m, "relid=%u class=%s instance=%pUl sub=%u state=%s conn_id=%u target_vp=%u gpadls=%u",
			   ch->relid, ch->svc->name, &ch->instance,
			   ch->sub_index, hvg_lh_chan_state_name(ch->state),
			   ch->conn_id, READ_ONCE(ch->target_vp), gpadls);
		if (ch->monitored)
			seq_printf(m, " monitor_id=%u", ch->monitor_id);
		hvg_lh_chan_show(ch, m);
		if (ch->svc->show)
			ch->svc->show(ch, m);
		seq_putc(m, '\n');
	}
	mutex_unlock(&srv->lock);
}
