// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus connection (Documentation/vmbus.rst, "The connection").
 *
 * Control messages come in through the SynIC message slot of SINT 2. The
 * handler, in interrupt context on the CPU that received the message,
 * copies each message out of the slot, ends the message (EOM) on every
 * path and queues the copy; one ordered work item parses the copies with
 * chanmsg and handles them in process context, in arrival order.
 *
 * Before the message slot, the handler scans the CPU's event flags for
 * channel events (channel.c). Offers and rescinds go to the bus (bus.c),
 * channel replies to their waiters (channel.c).
 *
 * The connect path (module load) and the disconnect path (module unload)
 * send one request at a time and wait, bounded by the timeout_ms module
 * parameter, for the one reply type they expect: VERSION_RESPONSE,
 * ALLOFFERS_DELIVERED, UNLOAD_RESPONSE. The syscore shutdown (process
 * context: reboot, power off, kexec) takes the same sleeping path. Only the
 * panic notifier sends UNLOAD without sleeping and polls the message slots
 * for the answer.
 *
 * UNLOAD_RESPONSE has exactly one owner: the path that sent UNLOAD. The
 * sleeping path waits for it as its expected reply (@expect); the panic
 * path polls for it, and when the handler's work parses it first (on a
 * CPU that still takes interrupts) the work only hands it to the poller
 * through @unload_seen. Anywhere else it is unexpected, and logged so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvguest/compat.h>
#include <hvguest/hypercall.h>

#include "chanmsg.h"
#include "channel.h"
#include "connection.h"

#define HVG_VMBUS_TIMEOUT_MS_MAX	600000

unsigned int hvg_vmbus_timeout_ms = 10000;

static int hvg_vmbus_timeout_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int err = kstrtouint(val, 0, &ms);

	if (err)
		return err;
	if (ms < 1 || ms > HVG_VMBUS_TIMEOUT_MS_MAX)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, ms);
	return 0;
}

static const struct kernel_param_ops hvg_vmbus_timeout_ops = {
	.set = hvg_vmbus_timeout_set,
	.get = param_get_uint,
};

module_param_cb(timeout_ms, &hvg_vmbus_timeout_ops, &hvg_vmbus_timeout_ms,
		0644);
MODULE_PARM_DESC(timeout_ms,
		 "How long to wait for each reply of the host (VERSION_RESPONSE, ALLOFFERS_DELIVERED, UNLOAD_RESPONSE, OPENCHANNEL_RESULT, GPADL_CREATED, GPADL_TORNDOWN, MODIFYCHANNEL_RESPONSE), in milliseconds, 1 to 600000 (default 10000)");

/* The versions offered, newest first. */
static const u32 hvg_vmbus_versions[] = {
	HVG_VMBUS_VERSION_5_3, HVG_VMBUS_VERSION_5_2, HVG_VMBUS_VERSION_5_1,
	HVG_VMBUS_VERSION_5_0, HVG_VMBUS_VERSION_4_1, HVG_VMBUS_VERSION_4_0,
	HVG_VMBUS_VERSION_3_0, HVG_VMBUS_VERSION_2_4,
};

/* Messages the handler takes from the slot in one run, at most. */
#define HVG_VMBUS_ISR_BUDGET	16

enum hvg_vmbus_state {
	HVG_VMBUS_DISCONNECTED,
	HVG_VMBUS_CONNECTING,
	HVG_VMBUS_CONNECTED,
	HVG_VMBUS_UNLOADING,
};

static const char * const hvg_vmbus_state_names[] = {
	[HVG_VMBUS_DISCONNECTED] = "disconnected",
	[HVG_VMBUS_CONNECTING] = "connecting",
	[HVG_VMBUS_CONNECTED] = "connected",
	[HVG_VMBUS_UNLOADING] = "unloading",
};

enum hvg_vmbus_stat {
	HVG_VMBUS_ST_MESSAGES,		/* messages copied out of the slot */
	HVG_VMBUS_ST_EOMS,		/* EOMs */
	HVG_VMBUS_ST_NOMEM,		/* messages dropped: no memory */
	HVG_VMBUS_ST_MALFORMED,		/* refused by the parser */
	HVG_VMBUS_ST_UNEXPECTED,	/* valid, but nobody waits for it */
	HVG_VMBUS_ST_OFFERS,		/* OFFERCHANNEL */
	HVG_VMBUS_ST_RESCINDS,		/* RESCIND_CHANNELOFFER */
	HVG_VMBUS_ST_REPLIES,		/* channel replies matched */
	HVG_VMBUS_ST_POST_RETRIES,	/* posts retried: host out of buffers */
	HVG_VMBUS_ST_NR
};

static const char * const hvg_vmbus_stat_names[HVG_VMBUS_ST_NR] = {
	[HVG_VMBUS_ST_MESSAGES] = "messages",
	[HVG_VMBUS_ST_EOMS] = "eoms",
	[HVG_VMBUS_ST_NOMEM] = "dropped_nomem",
	[HVG_VMBUS_ST_MALFORMED] = "malformed",
	[HVG_VMBUS_ST_UNEXPECTED] = "unexpected",
	[HVG_VMBUS_ST_OFFERS] = "offers",
	[HVG_VMBUS_ST_RESCINDS] = "rescinds",
	[HVG_VMBUS_ST_REPLIES] = "replies",
	[HVG_VMBUS_ST_POST_RETRIES] = "post_retries",
};

/* One message, copied out of the slot. */
struct hvg_vmbus_rx {
	struct list_head node;
	u32 message_type;
	u32 len;		/* as the slot said: 0 .. 255, not trusted */
	union {
		u8 data[HVG_MESSAGE_PAYLOAD_BYTES];
		u64 align;
	};
};

/*
 * The one connection.
 *
 * @rx_lock (a spinlock, taken in the handler with interrupts off and in
 * the work with spin_lock_irq()) guards @rx_list.
 *
 * @lock (a mutex; process context: the connect and disconnect paths, the
 * work, debugfs and the offline check) guards everything from @state to
 * @reply. It is never held across a post or a wait. Lock order: the CPU
 * hotplug lock, then @lock.
 *
 * @hv, @wq, @debugfs and the pages (@monitor, @int_page) are set before
 * the handler is registered and cleared after it is unregistered; the
 * handler, the work and the channels only read them. @msg_conn_id and
 * @state are also read without @lock (READ_ONCE) by hvg_vmbus_post() and
 * the panic path, which must not sleep or take it.
 */
/* Who sent UNLOAD (hvg_vmbus_conn.unloaded); the first one wins. */
#define HVG_UNLOAD_NONE		0
#define HVG_UNLOAD_WAITED	1	/* module exit or shutdown: sleeping */
#define HVG_UNLOAD_POLLED	2	/* panic: polling the slots */

struct hvg_vmbus_conn {
	struct hvg_hv_backend *hv;
	struct workqueue_struct *wq;
	struct work_struct rx_work;
	spinlock_t rx_lock;		/* guards @rx_list */
	struct list_head rx_list;
	struct dentry *debugfs;
	struct dentry *debugfs_shutdown; /* "shutdown", while connected */
	struct page *monitor[2];	/* host-to-guest, guest-to-host */
	struct page *int_page;		/* versions below 5.0 (M2) */
	bool pages_leaked;		/* UNLOAD unanswered: host may map them */
	/*
	 * UNLOAD_RESPONSE came on this connection: the host has dropped
	 * every channel, GPADL and relid (M10). Set once (WRITE_ONCE),
	 * cleared at connect; read by close and GPADL teardown.
	 */
	bool host_released;
	atomic_t unload_seen;		/* panic path: UNLOAD_RESPONSE arrived */
	atomic_t unloaded;		/* UNLOAD sent: HVG_UNLOAD_* */

	struct mutex lock;	/* guards @state .. @reply */
	enum hvg_vmbus_state state;
	u32 version;		/* negotiated, 0 before */
	u32 parse_version;	/* what replies are parsed against */
	u32 msg_conn_id;	/* where guest messages go once connected */
	unsigned int target_cpu;/* receives control messages */
	u32 target_vp;
	u32 expect;		/* the reply type waited for, or 0 */
	struct hvg_chmsg reply;	/* that reply, once it came */
	struct completion reply_done;

	atomic_long_t stats[HVG_VMBUS_ST_NR];
};

static struct hvg_vmbus_conn hvg_vmbus_conn = {
	.rx_lock = __SPIN_LOCK_UNLOCKED(hvg_vmbus_conn.rx_lock),
	.rx_list = LIST_HEAD_INIT(hvg_vmbus_conn.rx_list),
	.lock = __MUTEX_INITIALIZER(hvg_vmbus_conn.lock),
};

static void hvg_vmbus_count(struct hvg_vmbus_conn *c, enum hvg_vmbus_stat s)
{
	atomic_long_inc(&c->stats[s]);
}

/*
 * The SINT handler: interrupt context, on the CPU whose slot has the
 * message. Each message is copied before anything looks at it (the host
 * may rewrite the slot once it is free) and every message gets its EOM,
 * also when the copy cannot be allocated.
 */
static void hvg_vmbus_isr(void *ctx)
{
	struct hvg_vmbus_conn *c = ctx;
	struct hvg_synic_message_page *page;
	struct hvg_synic_message *slot;
	struct hvg_vmbus_rx *rx;
	unsigned int n;
	bool queued = false;
	u32 type, len;

	/* Channel events first: the common case, and no message needed. */
	hvg_chan_isr(smp_processor_id());

	page = hvg_hv_message_page(c->hv, smp_processor_id());
	if (!page)
		return;
	slot = &page->sint_message[HVG_VMBUS_MESSAGE_SINT];

	for (n = 0; n < HVG_VMBUS_ISR_BUDGET; n++) {
		type = READ_ONCE(slot->header.message_type);
		if (type == HVG_MSGTYPE_NONE)
			break;
		/*
		 * message_type before the size and payload: pairs with the
		 * host's write barrier between filling the slot and setting
		 * message_type.
		 */
		smp_rmb();
		len = READ_ONCE(slot->header.payload_size);
		rx = kmalloc(sizeof(*rx), GFP_ATOMIC);
		if (rx) {
			rx->message_type = type;
			rx->len = len;
			memcpy(rx->data, slot->payload,
			       min_t(u32, len, HVG_MESSAGE_PAYLOAD_BYTES));
		}
		/* The copy is done (or impossible): free the slot. */
		hvg_hv_eom(c->hv);
		hvg_vmbus_count(c, HVG_VMBUS_ST_EOMS);
		if (!rx) {
			hvg_vmbus_count(c, HVG_VMBUS_ST_NOMEM);
			pr_err_ratelimited("control message dropped: out of memory\n");
			continue;
		}
		hvg_vmbus_count(c, HVG_VMBUS_ST_MESSAGES);
		spin_lock(&c->rx_lock);
		list_add_tail(&rx->node, &c->rx_list);
		spin_unlock(&c->rx_lock);
		queued = true;
	}
	if (queued)
		queue_work(c->wq, &c->rx_work);
}

/* Process one copied message. Work context; takes @lock. */
static void hvg_vmbus_handle(struct hvg_vmbus_conn *c,
			     const struct hvg_vmbus_rx *rx)
{
	struct hvg_chmsg *msg;
	int err;

	if (rx->message_type != HVG_VMBUS_MESSAGE_TYPE) {
		hvg_vmbus_count(c, HVG_VMBUS_ST_MALFORMED);
		pr_warn_ratelimited("SynIC message of type %#x on the VMBus slot ignored\n",
				    rx->message_type);
		return;
	}
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	if (!msg) {
		hvg_vmbus_count(c, HVG_VMBUS_ST_NOMEM);
		pr_err_ratelimited("control message dropped: out of memory\n");
		return;
	}

	mutex_lock(&c->lock);
	err = hvg_chmsg_parse(rx->data, rx->len, c->parse_version, msg);
	if (err) {
		mutex_unlock(&c->lock);
		hvg_vmbus_count(c, HVG_VMBUS_ST_MALFORMED);
		pr_warn_ratelimited("malformed control message (%u bytes): %s\n",
				    rx->len, hvg_chmsg_errname(err));
		goto out;
	}
	if (c->expect && msg->type == c->expect) {
		/* The reply the connect or disconnect path waits for. */
		c->reply = *msg;
		c->expect = 0;
		complete(&c->reply_done);
		mutex_unlock(&c->lock);
		goto out;
	}
	mutex_unlock(&c->lock);

	/*
	 * Not waited for: the panic path's poller owns it if it sent UNLOAD
	 * (see the top of this file).
	 */
	if (msg->type == HVG_CHMSG_UNLOAD_RESPONSE &&
	    atomic_read(&c->unloaded) == HVG_UNLOAD_POLLED) {
		atomic_set(&c->unload_seen, 1);
		goto out;
	}

	/* Channel messages: handled without @lock (they post and wait). */
	switch (msg->type) {
	case HVG_CHMSG_OFFERCHANNEL:
		hvg_vmbus_count(c, HVG_VMBUS_ST_OFFERS);
		hvg_bus_on_message(msg);
		break;
	case HVG_CHMSG_RESCIND_CHANNELOFFER:
		hvg_vmbus_count(c, HVG_VMBUS_ST_RESCINDS);
		hvg_bus_on_message(msg);
		break;
	default:
		if (hvg_chan_on_reply(msg)) {
			hvg_vmbus_count(c, HVG_VMBUS_ST_REPLIES);
			break;
		}
		hvg_vmbus_count(c, HVG_VMBUS_ST_UNEXPECTED);
		pr_warn_ratelimited("unexpected %s ignored\n",
				    hvg_chmsg_type_name(msg->type));
	}
out:
	kfree(msg);
}

/* The ordered work: every copied message, in arrival order. */
static void hvg_vmbus_rx_work(struct work_struct *work)
{
	struct hvg_vmbus_conn *c = container_of(work, struct hvg_vmbus_conn,
						rx_work);
	struct hvg_vmbus_rx *rx;

	for (;;) {
		spin_lock_irq(&c->rx_lock);
		rx = list_first_entry_or_null(&c->rx_list, struct hvg_vmbus_rx,
					      node);
		if (rx)
			list_del(&rx->node);
		spin_unlock_irq(&c->rx_lock);
		if (!rx)
			return;
		hvg_vmbus_handle(c, rx);
		kfree(rx);
		cond_resched();
	}
}

/*
 * Post @msg to @conn_id and wait, bounded, for a reply of type @expect,
 * parsed against @parse_version; the reply is copied to @reply.
 * Return: 0; -ETIMEDOUT; or the backend's error from the post.
 */
static int hvg_vmbus_request(struct hvg_vmbus_conn *c, u32 conn_id,
			     const struct hvg_chmsg_buf *msg, u32 expect,
			     u32 parse_version, struct hvg_chmsg *reply)
{
	int err;

	mutex_lock(&c->lock);
	c->expect = expect;
	c->parse_version = parse_version;
	reinit_completion(&c->reply_done);
	mutex_unlock(&c->lock);

	err = hvg_hv_post_message(c->hv, conn_id, HVG_VMBUS_MESSAGE_TYPE,
				  msg->data, msg->len, 0);
	if (err) {
		mutex_lock(&c->lock);
		c->expect = 0;
		mutex_unlock(&c->lock);
		return err;
	}

	wait_for_completion_timeout(&c->reply_done,
				    msecs_to_jiffies(READ_ONCE(hvg_vmbus_timeout_ms)));
	mutex_lock(&c->lock);
	/*
	 * The work clears @expect when the reply came, also one that came
	 * just after the timeout: @expect decides, not the wait's result.
	 */
	if (c->expect) {
		c->expect = 0;
		err = -ETIMEDOUT;
	} else {
		*reply = c->reply;
		err = 0;
	}
	mutex_unlock(&c->lock);
	return err;
}

static void hvg_vmbus_set_state(struct hvg_vmbus_conn *c,
				enum hvg_vmbus_state state)
{
	mutex_lock(&c->lock);
	WRITE_ONCE(c->state, state);
	mutex_unlock(&c->lock);
}

/* The CPU whose VP index is 0: where a 2.4 host sends control messages. */
static unsigned int hvg_vmbus_cpu_of_vp0(struct hvg_vmbus_conn *c,
					 unsigned int fallback)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (hvg_hv_vp_index(c->hv, cpu) == 0)
			return cpu;
	return fallback;
}

/*
 * INITIATE_CONTACT from the newest version down. For a version the host
 * does not have, a host older than 5.0 fails the post to connection id 4
 * (-ENXIO) and any host answers version_supported = 0: both mean "try the
 * next one". Anything else ends the negotiation.
 */
static int hvg_vmbus_negotiate(struct hvg_vmbus_conn *c)
{
	struct hvg_chmsg_buf *msg;
	struct hvg_chmsg *reply;
	unsigned int i, cpu;
	u64 intpage;
	u32 v, vp;
	int err = -EPROTONOSUPPORT;

	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	reply = kmalloc(sizeof(*reply), GFP_KERNEL);
	if (!msg || !reply) {
		err = -ENOMEM;
		goto out;
	}

	for (i = 0; i < ARRAY_SIZE(hvg_vmbus_versions); i++) {
		v = hvg_vmbus_versions[i];
		/* The target VP is honoured from 3.0 on; 2.4 uses VP 0. */
		mutex_lock(&c->lock);
		cpu = c->target_cpu;
		mutex_unlock(&c->lock);
		vp = v >= HVG_VMBUS_VERSION_3_0 ? hvg_hv_vp_index(c->hv, cpu) : 0;
		if (vp == HVG_VP_INDEX_INVALID) {
			pr_err("CPU %u has no VP index\n", cpu);
			err = -ENODEV;
			goto out;
		}
		/* The interrupt page only below 5.0 (M2); monitor pages always. */
		intpage = v < HVG_VMBUS_VERSION_5_0 ? page_to_phys(c->int_page) : 0;
		err = hvg_chmsg_build_initiate_contact(msg, v, vp, intpage,
						       page_to_phys(c->monitor[0]),
						       page_to_phys(c->monitor[1]));
		if (err)
			goto out;
		err = hvg_vmbus_request(c, hvg_chmsg_contact_conn_id(v), msg,
					HVG_CHMSG_VERSION_RESPONSE, v, reply);
		if (err == -ENXIO && v >= HVG_VMBUS_VERSION_5_0) {
			pr_debug("VMBus %u.%u: no connection id 4, host older than 5.0\n",
				 v >> 16, v & 0xffff);
			err = -EPROTONOSUPPORT;
			continue;
		}
		if (err == -ETIMEDOUT) {
			pr_err("no VERSION_RESPONSE to INITIATE_CONTACT %u.%u within %u ms (timeout_ms)\n",
			       v >> 16, v & 0xffff,
			       READ_ONCE(hvg_vmbus_timeout_ms));
			goto out;
		}
		if (err) {
			pr_err("INITIATE_CONTACT %u.%u: post failed: %d\n",
			       v >> 16, v & 0xffff, err);
			goto out;
		}
		if (!reply->version_response.supported) {
			pr_debug("VMBus %u.%u refused (state %u)\n", v >> 16,
				 v & 0xffff, reply->version_response.state);
			err = -EPROTONOSUPPORT;
			continue;
		}

		mutex_lock(&c->lock);
		WRITE_ONCE(c->version, v);
		c->parse_version = v;
		c->msg_conn_id = v >= HVG_VMBUS_VERSION_5_0 ?
				 reply->version_response.msg_conn_id :
				 HVG_VMBUS_MSG_CONN_ID;
		c->target_vp = vp;
		if (v < HVG_VMBUS_VERSION_3_0)
			c->target_cpu = hvg_vmbus_cpu_of_vp0(c, cpu);
		WRITE_ONCE(c->state, HVG_VMBUS_CONNECTED);
		mutex_unlock(&c->lock);
		err = 0;
		break;
	}
	if (err == -EPROTONOSUPPORT)
		pr_err("the host accepted none of the VMBus versions 5.3 down to 2.4\n");
out:
	kfree(reply);
	kfree(msg);
	return err;
}

static int hvg_vmbus_request_offers(struct hvg_vmbus_conn *c)
{
	struct hvg_chmsg_buf *msg;
	struct hvg_chmsg *reply;
	int err = -ENOMEM;

	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	reply = kmalloc(sizeof(*reply), GFP_KERNEL);
	if (!msg || !reply)
		goto out;
	hvg_chmsg_build_request_offers(msg);
	err = hvg_vmbus_request(c, c->msg_conn_id, msg,
				HVG_CHMSG_ALLOFFERS_DELIVERED, c->version,
				reply);
	if (err == -ETIMEDOUT)
		pr_err("no ALLOFFERS_DELIVERED within %u ms (timeout_ms)\n",
		       READ_ONCE(hvg_vmbus_timeout_ms));
	else if (err)
		pr_err("REQUESTOFFERS: post failed: %d\n", err);
out:
	kfree(reply);
	kfree(msg);
	return err;
}

/* UNLOAD and its response, from 3.0 on; the connection is gone after. */
static void hvg_vmbus_unload(struct hvg_vmbus_conn *c)
{
	struct hvg_chmsg_buf *msg;
	struct hvg_chmsg *reply;
	u32 v = c->version;
	int err = -ENOMEM;

	if (v < HVG_VMBUS_VERSION_3_0) {
		hvg_vmbus_set_state(c, HVG_VMBUS_DISCONNECTED);
		pr_info("disconnected: VMBus %u.%u has no UNLOAD\n", v >> 16,
			v & 0xffff);
		return;
	}
	if (atomic_cmpxchg(&c->unloaded, HVG_UNLOAD_NONE,
			   HVG_UNLOAD_WAITED) != HVG_UNLOAD_NONE) {
		/* The syscore shutdown or the panic notifier did it already. */
		hvg_vmbus_set_state(c, HVG_VMBUS_DISCONNECTED);
		return;
	}
	hvg_vmbus_set_state(c, HVG_VMBUS_UNLOADING);
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	reply = kmalloc(sizeof(*reply), GFP_KERNEL);
	if (msg && reply)
		err = hvg_chmsg_build_unload(msg, v);
	if (!err)
		err = hvg_vmbus_request(c, c->msg_conn_id, msg,
					HVG_CHMSG_UNLOAD_RESPONSE, v, reply);
	if (!err)
		WRITE_ONCE(c->host_released, true);
	hvg_vmbus_set_state(c, HVG_VMBUS_DISCONNECTED);
	if (!err)
		pr_info("disconnected: UNLOAD_RESPONSE received\n");
	else if (err == -ETIMEDOUT)
		pr_err("no UNLOAD_RESPONSE within %u ms (timeout_ms); the host may still consider the connection open (its monitor and interrupt pages are leaked)\n",
		       READ_ONCE(hvg_vmbus_timeout_ms));
	else
		pr_err("UNLOAD failed: %d (monitor and interrupt pages leaked)\n",
		       err);
	if (err)
		c->pages_leaked = true;
	kfree(reply);
	kfree(msg);
}

/*
 * Refuse to offline the CPU that receives control messages while the
 * connection lives. Runs under the CPU hotplug lock (taken before @lock).
 */
static int hvg_vmbus_offline_check(void *ctx, unsigned int cpu)
{
	struct hvg_vmbus_conn *c = ctx;
	int ret = 0;

	mutex_lock(&c->lock);
	if (c->state != HVG_VMBUS_DISCONNECTED && cpu == c->target_cpu)
		ret = -EBUSY;
	mutex_unlock(&c->lock);
	/* A channel bound to the CPU (open, opening or closing). */
	if (!ret && READ_ONCE(c->state) != HVG_VMBUS_DISCONNECTED &&
	    hvg_chan_cpu_busy(cpu))
		ret = -EBUSY;
	return ret;
}

static int hvg_vmbus_conn_show(struct seq_file *m, void *unused)
{
	struct hvg_vmbus_conn *c = m->private;
	unsigned int i;

	mutex_lock(&c->lock);
	seq_printf(m, "state: %s\n", hvg_vmbus_state_names[c->state]);
	if (c->version)
		seq_printf(m, "version: %u.%u\n", c->version >> 16,
			   c->version & 0xffff);
	else
		seq_puts(m, "version: none\n");
	seq_printf(m, "backend: %s\n", c->hv->name);
	seq_printf(m, "message_connection_id: %u\n", c->msg_conn_id);
	seq_printf(m, "target_cpu: %u\ntarget_vp: %u\n", c->target_cpu,
		   c->target_vp);
	mutex_unlock(&c->lock);
	seq_printf(m, "timeout_ms: %u\n", READ_ONCE(hvg_vmbus_timeout_ms));
	for (i = 0; i < HVG_VMBUS_ST_NR; i++)
		seq_printf(m, "%s: %ld\n", hvg_vmbus_stat_names[i],
			   atomic_long_read(&c->stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_vmbus_conn);

/* ---------------------------------------------------------------------
 * What the channels and the bus use.
 */

u32 hvg_vmbus_version(void)
{
	return READ_ONCE(hvg_vmbus_conn.version);
}

struct hvg_hv_backend *hvg_vmbus_backend(void)
{
	return READ_ONCE(hvg_vmbus_conn.hv);
}

struct hvg_monitor_page *hvg_vmbus_monitor_out(void)
{
	struct page *p = READ_ONCE(hvg_vmbus_conn.monitor[1]);

	return p ? page_address(p) : NULL;
}

struct hvg_monitor_page *hvg_vmbus_monitor_in(void)
{
	struct page *p = READ_ONCE(hvg_vmbus_conn.monitor[0]);

	return p ? page_address(p) : NULL;
}

unsigned long *hvg_vmbus_int_page_out(void)
{
	struct hvg_vmbus_conn *c = &hvg_vmbus_conn;

	/* The guest-to-host half: the second 2 KiB (M2). */
	if (!c->int_page || READ_ONCE(c->version) >= HVG_VMBUS_VERSION_5_0)
		return NULL;
	return (unsigned long *)((u8 *)page_address(c->int_page) + 2048);
}

/*
 * The backend retries a post the host has no buffer for with its own
 * short bounded backoff. A burst (the 293 messages of a large GPADL, many
 * channels opening at once) can outlast it on a slow host, so the channel
 * messages get a second, longer backoff here: sleeping, doubling from 1 ms
 * to 64 ms, bounded by timeout_ms in all.
 */
bool hvg_vmbus_host_released(void)
{
	return READ_ONCE(hvg_vmbus_conn.host_released);
}

int hvg_vmbus_post(const struct hvg_chmsg_buf *msg)
{
	struct hvg_vmbus_conn *c = &hvg_vmbus_conn;
	unsigned long deadline;
	unsigned int delay = 1;
	int err;

	deadline = jiffies + msecs_to_jiffies(READ_ONCE(hvg_vmbus_timeout_ms));
	for (;;) {
		if (READ_ONCE(c->state) != HVG_VMBUS_CONNECTED)
			return -ENOTCONN;
		err = hvg_hv_post_message(c->hv, READ_ONCE(c->msg_conn_id),
					  HVG_VMBUS_MESSAGE_TYPE, msg->data,
					  msg->len, 0);
		if ((err != -ENOBUFS && err != -ENOMEM) ||
		    time_after(jiffies, deadline))
			return err;
		hvg_vmbus_count(c, HVG_VMBUS_ST_POST_RETRIES);
		msleep(delay);
		delay = min(delay * 2, 64u);
	}
}

/* ---------------------------------------------------------------------
 * UNLOAD from the panic notifier and the syscore shutdown.
 */

/*
 * Look for UNLOAD_RESPONSE in every CPU's message slot, without the
 * handler (in a panic it may never run again). A slot is freed after it is
 * looked at: with EOM on this CPU, by clearing message_type elsewhere.
 */
static bool hvg_vmbus_poll_unload(struct hvg_vmbus_conn *c)
{
	struct hvg_synic_message_page *page;
	struct hvg_synic_message *slot;
	struct hvg_chmsg_hdr hdr;
	unsigned int cpu;
	bool seen = false;
	u32 type;

	for_each_online_cpu(cpu) {
		page = hvg_hv_message_page(c->hv, cpu);
		if (!page)
			continue;
		slot = &page->sint_message[HVG_VMBUS_MESSAGE_SINT];
		type = READ_ONCE(slot->header.message_type);
		if (type == HVG_MSGTYPE_NONE)
			continue;
		/* message_type before the payload: as in the handler. */
		smp_rmb();
		memcpy(&hdr, slot->payload, sizeof(hdr));
		if (type == HVG_VMBUS_MESSAGE_TYPE &&
		    READ_ONCE(slot->header.payload_size) >= sizeof(hdr) &&
		    hdr.msgtype == HVG_CHMSG_UNLOAD_RESPONSE)
			seen = true;
		if (cpu == smp_processor_id()) {
			hvg_hv_eom(c->hv);
		} else {
			WRITE_ONCE(slot->header.message_type, HVG_MSGTYPE_NONE);
			/* The slot is free before anything else we do. */
			smp_mb();
		}
	}
	return seen || atomic_read(&c->unload_seen);
}

/* UNLOAD without sleeping; wait for the answer by polling, bounded. */
static void hvg_vmbus_unload_nosleep(struct hvg_vmbus_conn *c)
{
	struct hvg_chmsg_buf msg;
	unsigned int ms;
	int err;

	if (READ_ONCE(c->state) != HVG_VMBUS_CONNECTED ||
	    READ_ONCE(c->version) < HVG_VMBUS_VERSION_3_0)
		return;
	if (atomic_cmpxchg(&c->unloaded, HVG_UNLOAD_NONE,
			   HVG_UNLOAD_POLLED) != HVG_UNLOAD_NONE)
		return;
	WRITE_ONCE(c->state, HVG_VMBUS_UNLOADING);
	err = hvg_chmsg_build_unload(&msg, c->version);
	if (!err)
		err = hvg_hv_post_message(c->hv, READ_ONCE(c->msg_conn_id),
					  HVG_VMBUS_MESSAGE_TYPE, msg.data,
					  msg.len, HVG_POST_NOSLEEP);
	if (err) {
		pr_emerg("UNLOAD not sent: %d\n", err);
		return;
	}
	for (ms = 0; ms < READ_ONCE(hvg_vmbus_timeout_ms); ms++) {
		if (hvg_vmbus_poll_unload(c)) {
			WRITE_ONCE(c->host_released, true);
			WRITE_ONCE(c->state, HVG_VMBUS_DISCONNECTED);
			pr_emerg("UNLOAD_RESPONSE received\n");
			return;
		}
		mdelay(1);
	}
	pr_emerg("no UNLOAD_RESPONSE within %u ms (timeout_ms)\n",
		 READ_ONCE(hvg_vmbus_timeout_ms));
}

static int hvg_vmbus_panic_event(struct notifier_block *nb,
				 unsigned long event, void *unused)
{
	hvg_vmbus_unload_nosleep(&hvg_vmbus_conn);
	return NOTIFY_DONE;
}

static struct notifier_block hvg_vmbus_panic_nb = {
	.notifier_call = hvg_vmbus_panic_event,
	/* Before the adapter's own notifier disables the SynIC. */
	.priority = 0,
};

/*
 * Reboot, halt, power off and kexec: the next kernel may connect again
 * (M10). Syscore shutdown runs after device_shutdown(), so the drivers'
 * last requests (a disk's cache flush) still had a bus to go over, and
 * before the adapter's own (registered earlier, run later), which switches
 * the SynIC off. Process context with interrupts and workqueues working:
 * UNLOAD takes the module-exit path, which waits (bounded) for its reply.
 * (Polling the slots here as well raced the handler's work for the reply,
 * which then logged it as unexpected.)
 */
static void hvg_vmbus_syscore_shutdown(void)
{
	struct hvg_vmbus_conn *c = &hvg_vmbus_conn;

	if (READ_ONCE(c->state) == HVG_VMBUS_CONNECTED)
		hvg_vmbus_unload(c);
}

static struct hvg_compat_syscore hvg_vmbus_syscore = {
	.shutdown = hvg_vmbus_syscore_shutdown,
};

/*
 * debugfs hvguest/vmbus/shutdown: writing 1 runs the syscore shutdown as a
 * power off would (for the integration test of that path); the bus is then
 * disconnected until hvg_vmbus is loaded again.
 */
static ssize_t hvg_vmbus_shutdown_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	bool yes;
	int err;

	err = kstrtobool_from_user(ubuf, len, &yes);
	if (err)
		return err;
	if (yes)
		hvg_vmbus_syscore_shutdown();
	return len;
}

static const struct file_operations hvg_vmbus_shutdown_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvg_vmbus_shutdown_write,
	.llseek = noop_llseek,
};

static void hvg_vmbus_free_pages(struct hvg_vmbus_conn *c)
{
	if (c->pages_leaked) {
		/* The host may still write them: never give them back. */
		c->monitor[0] = NULL;
		c->monitor[1] = NULL;
		c->int_page = NULL;
		return;
	}
	if (c->monitor[0])
		__free_page(c->monitor[0]);
	if (c->monitor[1])
		__free_page(c->monitor[1]);
	if (c->int_page)
		__free_page(c->int_page);
	WRITE_ONCE(c->monitor[0], NULL);
	WRITE_ONCE(c->monitor[1], NULL);
	c->int_page = NULL;
}

static int hvg_vmbus_alloc_pages(struct hvg_vmbus_conn *c)
{
	c->pages_leaked = false;
	c->monitor[0] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	c->monitor[1] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	c->int_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!c->monitor[0] || !c->monitor[1] || !c->int_page) {
		hvg_vmbus_free_pages(c);
		return -ENOMEM;
	}
	return 0;
}

/* Undo what connect set up; the connection is no longer used. */
static void hvg_vmbus_teardown(struct hvg_vmbus_conn *c)
{
	struct hvg_vmbus_rx *rx, *tmp;

	hvg_hv_set_offline_check(c->hv, NULL, NULL);
	/* On return no CPU runs the handler: nothing queues work any more. */
	hvg_hv_unregister_handler(c->hv);
	destroy_workqueue(c->wq);
	c->wq = NULL;
	list_for_each_entry_safe(rx, tmp, &c->rx_list, node) {
		list_del(&rx->node);
		kfree(rx);
	}
	hvg_vmbus_free_pages(c);
	WRITE_ONCE(c->version, 0);
	WRITE_ONCE(c->hv, NULL);
}

int hvg_vmbus_connect(struct hvg_hv_backend *hv)
{
	struct hvg_vmbus_conn *c = &hvg_vmbus_conn;
	unsigned int i;
	int err;

	c->hv = hv;
	c->version = 0;
	c->msg_conn_id = 0;
	c->expect = 0;
	atomic_set(&c->unload_seen, 0);
	atomic_set(&c->unloaded, 0);
	WRITE_ONCE(c->host_released, false);
	for (i = 0; i < HVG_VMBUS_ST_NR; i++)
		atomic_long_set(&c->stats[i], 0);
	INIT_WORK(&c->rx_work, hvg_vmbus_rx_work);
	init_completion(&c->reply_done);
	if (hvg_vmbus_alloc_pages(c)) {
		c->hv = NULL;
		return -ENOMEM;
	}
	c->wq = alloc_ordered_workqueue("hvg_vmbus_msg", 0);
	if (!c->wq) {
		hvg_vmbus_free_pages(c);
		c->hv = NULL;
		return -ENOMEM;
	}

	/*
	 * Control messages go to the first online CPU; the offline check
	 * keeps it online from now on (the hotplug lock orders the choice
	 * against an offline in progress).
	 */
	cpus_read_lock();
	mutex_lock(&c->lock);
	c->target_cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(c->state, HVG_VMBUS_CONNECTING);
	mutex_unlock(&c->lock);
	cpus_read_unlock();

	c->debugfs = debugfs_create_file("connection", 0444,
					 hvg_vmbus_debugfs_root(), c,
					 &hvg_vmbus_conn_fops);

	err = hvg_hv_register_handler(hv, hvg_vmbus_isr, c);
	if (err) {
		pr_err("cannot register the SINT handler: %d\n", err);
		goto err_wq;
	}
	err = hvg_hv_set_offline_check(hv, hvg_vmbus_offline_check, c);
	if (err) {
		pr_err("cannot register the CPU offline check: %d\n", err);
		goto err_handler;
	}

	err = hvg_vmbus_negotiate(c);
	if (err)
		goto err_teardown;
	pr_info("connected, VMBus version %u.%u\n", c->version >> 16,
		c->version & 0xffff);

	err = hvg_vmbus_request_offers(c);
	if (err) {
		hvg_vmbus_unload(c);
		goto err_teardown;
	}

	atomic_notifier_chain_register(&panic_notifier_list,
				       &hvg_vmbus_panic_nb);
	hvg_compat_register_syscore(&hvg_vmbus_syscore);
	c->debugfs_shutdown = debugfs_create_file("shutdown", 0200,
						  hvg_vmbus_debugfs_root(), c,
						  &hvg_vmbus_shutdown_fops);
	return 0;

err_handler:
	hvg_hv_unregister_handler(hv);
err_wq:
	debugfs_remove(c->debugfs);
	c->debugfs = NULL;
	destroy_workqueue(c->wq);
	c->wq = NULL;
	hvg_vmbus_free_pages(c);
	c->hv = NULL;
	hvg_vmbus_set_state(c, HVG_VMBUS_DISCONNECTED);
	return err;
err_teardown:
	debugfs_remove(c->debugfs);
	c->debugfs = NULL;
	hvg_vmbus_set_state(c, HVG_VMBUS_DISCONNECTED);
	hvg_vmbus_teardown(c);
	return err;
}

void hvg_vmbus_disconnect(void)
{
	struct hvg_vmbus_conn *c = &hvg_vmbus_conn;

	/* On return no write of "shutdown" runs any more. */
	debugfs_remove(c->debugfs_shutdown);
	c->debugfs_shutdown = NULL;
	hvg_compat_unregister_syscore(&hvg_vmbus_syscore);
	atomic_notifier_chain_unregister(&panic_notifier_list,
					 &hvg_vmbus_panic_nb);
	debugfs_remove(c->debugfs);
	c->debugfs = NULL;
	hvg_vmbus_unload(c);
	hvg_vmbus_teardown(c);
}
