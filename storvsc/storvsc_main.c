// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_storvsc: the Hyper-V synthetic SCSI controller (driver "hv_storvsc"),
 * a SCSI host whose LUNs appear as /dev/sdX.
 *
 * One controller is one VMBus device. Probe opens the primary channel,
 * runs the initialisation (BEGIN_INITIALIZATION, QUERY_PROTOCOL_VERSION
 * newest first, QUERY_PROPERTIES, END_INITIALIZATION; each step bounded
 * by timeout_ms), then registers a SCSI host with the limits the host
 * announced and scans it.
 *
 * I/O: queuecommand sends one EXECUTE_SRB per command, with the data as
 * one GPA-direct range of 4 KiB page frame numbers (the 4 KiB virtual
 * boundary makes the scatterlist one contiguous run of pages, so nothing
 * is copied). The per-command state (packet, PFN list, transaction id)
 * lives in the blk-mq tag's private area. Transaction ids come from the
 * channel core's request-id pool (slot plus generation): a completion
 * whose id is unknown or stale is dropped and counted, never trusted.
 * The channel's receive callback parses each completion with the pure-C
 * parser (storvsc_msg.c) and maps the result with hvg_stor_map_result().
 *
 * Ownership of a command in flight: whoever takes its id back from the
 * pool (the receive callback, the abort handler, remove after a rescind)
 * completes it; everyone else leaves it alone.
 *
 * Sub-channels: when the host has MULTI_CHANNEL, probe asks for one per
 * online CPU besides the first (capped by max_sub_channels and the host's
 * count) with CREATE_SUB_CHANNELS, opens those that are offered within
 * timeout_ms, and gives the SCSI host one hardware queue per open channel;
 * each command goes out on its queue's channel, and its completion comes
 * back there. Fewer channels than asked for is not an error.
 */
#define pr_fmt(fmt) "hvg_storvsc: " fmt

#include <linux/blk-mq.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <hvguest/compat.h>
#include <hvguest/vmbus.h>
#include <hvguest/vmbus_proto.h>

#include "storvsc_msg.h"

/*
 * SCSI midlayer API changes this driver spans (5.10 to the newest):
 * scsi_done() replaced cmd->scsi_done() in 5.16; scsi_host_busy_iter()'s
 * callback lost its "reserved" argument in 6.0; scsi_rescan_device() takes
 * the scsi_device since 6.6, backported to 6.1.y (not to 5.10.y);
 * queuecommand returns an enum in the newest kernels, an int before.
 */
#define stor_qc_ret \
	typeof(((struct scsi_host_template *)NULL)->queuecommand(NULL, NULL))

static inline void stor_scsi_done(struct scsi_cmnd *scmd)
{
#if KERNEL_VERSION(5, 16, 0) <= HVG_KVER
	scsi_done(scmd);
#else
	scmd->scsi_done(scmd);
#endif
}

#if KERNEL_VERSION(6, 1, 0) <= HVG_KVER
#define stor_rescan(sdev)	scsi_rescan_device(sdev)
#else
#define stor_rescan(sdev)	scsi_rescan_device(&(sdev)->sdev_gendev)
#endif

static_assert(HVG_STOR_DID_OK == DID_OK);
static_assert(HVG_STOR_DID_NO_CONNECT == DID_NO_CONNECT);
static_assert(HVG_STOR_DID_RESET == DID_RESET);
static_assert(HVG_STOR_DID_ERROR == DID_ERROR);
static_assert(HVG_STOR_DID_PASSTHROUGH == DID_PASSTHROUGH);
static_assert(HVG_STOR_DID_REQUEUE == DID_REQUEUE);

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "How long each initialisation request waits for the host, in ms (default 10000)");

static unsigned int ring_kb = HVG_STOR_RING_SIZE / 1024;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb,
		 "Size of each ring of a channel, each way, in KiB, 16 to 1024 (default 128)");

static unsigned int max_sub_channels = 8;
module_param(max_sub_channels, uint, 0444);
MODULE_PARM_DESC(max_sub_channels,
		 "Sub-channels asked for per controller at most (one per online CPU besides the first), 0 to 15 (default 8)");

/*
 * Every completion the driver waits for comes with the host's interrupt,
 * so by default a channel that runs dry unmasks at once: the VMBus core's
 * timer polls (irq_defer_us, made for hosts that stream) only delayed
 * completions, on both sides of a request in flight (benchmarks.rst).
 */
static bool defer_irqs;
module_param(defer_irqs, bool, 0444);
MODULE_PARM_DESC(defer_irqs,
		 "Poll a channel that ran dry on hvg_vmbus's irq_defer_us timer before unmasking its interrupt (default N: unmask at once)");

/*
 * Send each command with the channel's inbound interrupt masked, and look
 * for its answer right after (hvg_vmbus_chan_quiet_begin()): a host that
 * answers inside the signal (the loopback host) needs no interrupt.
 */
static bool quiet_send = true;
module_param(quiet_send, bool, 0644);
MODULE_PARM_DESC(quiet_send,
		 "Mask a channel's interrupt while a command is sent, and look for its answer right after (default Y)");

static unsigned int queue_depth = 128;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth,
		 "Commands in flight per hardware queue (channel), 1 to 1024 (default 128)");

/*
 * The SCSI midlayer's host type, named through struct scsi_device: its
 * CamelCase name is the kernel's, which checkpatch --no-tree cannot tell.
 */
#define stor_shost typeof(*((struct scsi_device *)NULL)->host)

/* The largest transfer the driver describes in one packet. */
#define STOR_MAX_TRANSFER	(1024 * 1024)
#define STOR_PAGE_SIZE		4096u
#define STOR_PAGE_SHIFT		12
/* A transfer's pages, plus one for a buffer that does not start aligned. */
#define STOR_MAX_PFNS		(STOR_MAX_TRANSFER / STOR_PAGE_SIZE + 1)
/* Received packets are 64 bytes; room for hosts that grow them. */
#define STOR_RXBUF		256
#define STOR_MAX_LUNS		64
/* An IDE channel is one disk: device 0 or 1 of its IDE controller. */
#define STOR_IDE_MAX_TARGETS	2
/* The primary channel and at most 15 sub-channels. */
#define STOR_MAX_CHANNELS	16

static const guid_t stor_ide_class = HVG_GUID_IDE;

static const u16 stor_versions[] = {
	HVG_STOR_VERSION_WIN10,
	HVG_STOR_VERSION_WIN8_1,
	HVG_STOR_VERSION_WIN8,
};

/* One synchronous request of the initialisation. */
struct stor_sync {
	struct hvg_stor_expect expect;
	struct hvg_stor_msg msg;
	int err;		/* parser result */
	bool done;		/* release by the callback, acquire by waiter */
};

/* Per command, in the blk-mq tag's private area (cmd_size). */
struct stor_cmd {
	u64 rqid;
	u32 data_len;
	u8 opcode;
	u8 chan;		/* index in dev->chans it was sent on */
	struct hvg_stor_buf pkt;
	u64 pfns[STOR_MAX_PFNS];
};

struct stor_dev;

/*
 * One open channel: a hardware queue. @lock serialises the channel's
 * writers (queuecommand on any CPU) and orders them against remove():
 * once remove() has set dev->removing under every channel's lock, no
 * send starts. Taken with softirqs off, not interrupts: the signal to the
 * host is sent under it, and a host that serves the request in that call
 * (the loopback host does) completes it by interrupt at once; the
 * channel's tasklet, which never takes @lock, runs after the unlock.
 */
struct stor_chan {
	struct stor_dev *dev;
	struct hvg_vmbus_channel *chan;
	spinlock_t lock;	/* this channel's writers; see above */
	bool open;
	u8 rxbuf[STOR_RXBUF] __aligned(8);	/* the callback's only */
};

/* Pending rescan work (stor_dev.scan_flags). */
#define STOR_SCAN_HOST		0

struct stor_dev {
	struct hvg_vmbus_device *hdev;
	struct hvg_vmbus_channel *chan;
	stor_shost *shost;
	struct hvg_vmbus_rqid_pool *rqids;
	u16 version;		/* negotiated; set before the host exists */
	u32 max_transfer;
	u32 pkt_size;
	bool multi_channel;
	u16 max_channel_cnt;
	/*
	 * An IDE channel (class HVG_GUID_IDE) serves one disk at @target,
	 * LUN 0, with no scan and no hot plug; a SCSI controller's LUNs are
	 * all at target 0. Set at probe.
	 */
	bool ide;
	u16 target;

	/*
	 * The channels; [0] is the primary. Fixed once the SCSI host is
	 * added: @nr_chans open ones, each a hardware queue.
	 */
	struct stor_chan chans[STOR_MAX_CHANNELS];
	unsigned int nr_chans;
	/*
	 * Sub-channels handed over by the core, by index; @sub_lock. Each
	 * holds a reference (hvg_vmbus_chan_get()) until stor_put_subs():
	 * the core drops a sub-channel once rescinded, closed and released.
	 */
	struct hvg_vmbus_channel *subs[STOR_MAX_CHANNELS];
	struct mutex sub_lock;	/* serialises the handler's writes of @subs */
	wait_queue_head_t subwq;

	/*
	 * Guards the callback's scheduling of @scan_work against remove():
	 * once @removing is set under it (and under every channel's lock),
	 * nothing schedules the work and nothing sends.
	 */
	spinlock_t lock;
	bool removing;

	struct stor_sync sync;	/* the initialisation, one at a time */
	wait_queue_head_t wq;	/* @sync waiters */

	struct work_struct scan_work;
	unsigned long scan_flags;			/* atomic bits */
	DECLARE_BITMAP(remove_luns, STOR_MAX_LUNS);	/* atomic bits */
	DECLARE_BITMAP(rescan_luns, STOR_MAX_LUNS);	/* atomic bits */

	atomic_long_t dropped_ids;	/* completions of no live request */
	atomic_long_t bad_packets;	/* malformed completions */
	atomic_long_t aborts;
};

static struct stor_dev *stor_of_host(stor_shost *shost)
{
	return *(struct stor_dev **)shost_priv(shost);
}

/* ------------------------------------------------------------------ */
/* Completions                                                        */

static void stor_schedule_scan(struct stor_dev *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	if (!dev->removing)
		schedule_work(&dev->scan_work);
	spin_unlock_irqrestore(&dev->lock, flags);
}

static void stor_complete_cmd(struct stor_dev *dev, struct scsi_cmnd *scmd,
			      const struct hvg_vmpacket_desc *desc,
			      const void *data, u32 len)
{
	struct stor_cmd *sc = scsi_cmd_priv(scmd);
	struct hvg_stor_expect expect = {
		.op = HVG_VSTOR_OP_EXECUTE_SRB,
		.data_length = sc->data_len,
	};
	struct hvg_stor_result r;
	struct hvg_stor_msg msg;
	int err;

	err = hvg_stor_parse(data, len, desc->type, desc->trans_id,
			     dev->version, &expect, &msg);
	if (err) {
		atomic_long_inc(&dev->bad_packets);
		dev_err_ratelimited(&dev->hdev->dev,
				    "EXECUTE_SRB completion (opcode %#x, LUN %llu, id %#llx, %u bytes) rejected: %s\n",
				    sc->opcode, scmd->device->lun,
				    desc->trans_id, len, hvg_stor_errname(err));
		scsi_set_resid(scmd, sc->data_len);
		set_host_byte(scmd, DID_ERROR);
		stor_scsi_done(scmd);
		return;
	}
	hvg_stor_map_result(&msg.srb, sc->opcode, &r);
	if (r.host_byte == DID_ERROR)
		dev_warn_ratelimited(&dev->hdev->dev,
				     "EXECUTE_SRB completion (opcode %#x, LUN %llu): srb_status %#x, scsi_status %#x: host error\n",
				     sc->opcode, scmd->device->lun,
				     msg.srb.srb_status, msg.srb.scsi_status);
	scmd->result = 0;
	set_host_byte(scmd, r.host_byte);
	scmd->result |= r.scsi_status;
	if (r.pass_sense && msg.srb.sense_len)
		memcpy(scmd->sense_buffer, msg.srb.sense,
		       min_t(u32, msg.srb.sense_len, SCSI_SENSE_BUFFERSIZE));
	scsi_set_resid(scmd, sc->data_len - min(r.transferred, sc->data_len));

	switch (r.action) {
	case HVG_STOR_ACT_REMOVE_LUN:
		if (scmd->device->lun < STOR_MAX_LUNS &&
		    scmd->device->id == dev->target &&
		    sc->opcode != INQUIRY && sc->opcode != REPORT_LUNS) {
			set_bit(scmd->device->lun, dev->remove_luns);
			stor_schedule_scan(dev);
		}
		break;
	case HVG_STOR_ACT_SCAN_LUN:
		if (scmd->device->lun < STOR_MAX_LUNS) {
			set_bit(scmd->device->lun, dev->rescan_luns);
			stor_schedule_scan(dev);
		}
		break;
	case HVG_STOR_ACT_SCAN_HOST:
		set_bit(STOR_SCAN_HOST, &dev->scan_flags);
		stor_schedule_scan(dev);
		break;
	}
	stor_scsi_done(scmd);
}

static void stor_packet(struct stor_dev *dev,
			const struct hvg_vmpacket_desc *desc, const void *data,
			u32 len)
{
	struct stor_sync *s = &dev->sync;
	struct hvg_stor_msg msg;
	void *ctx;
	int err;

	if (!desc->trans_id) {
		err = hvg_stor_parse(data, len, desc->type, 0, dev->version,
				     NULL, &msg);
		if (err) {
			atomic_long_inc(&dev->bad_packets);
			dev_err_ratelimited(&dev->hdev->dev,
					    "host notification rejected: %s\n",
					    hvg_stor_errname(err));
			return;
		}
		/* ENUMERATE_BUS or REMOVE_DEVICE: LUNs came or went. */
		set_bit(STOR_SCAN_HOST, &dev->scan_flags);
		stor_schedule_scan(dev);
		return;
	}

	ctx = hvg_vmbus_rqid_put(dev->rqids, desc->trans_id);
	if (!ctx) {
		atomic_long_inc(&dev->dropped_ids);
		dev_err_ratelimited(&dev->hdev->dev,
				    "completion with transaction id %#llx of no live request (%u bytes), dropped\n",
				    desc->trans_id, len);
		return;
	}
	if (ctx == s) {
		s->err = hvg_stor_parse(data, len, desc->type, desc->trans_id,
					dev->version, &s->expect, &s->msg);
		/* Pairs with the waiter's smp_load_acquire(). */
		smp_store_release(&s->done, true);
		wake_up(&dev->wq);
		return;
	}
	stor_complete_cmd(dev, ctx, desc, data, len);
}

/* The channel's receive callback (softirq, never concurrent with itself). */
static int stor_poll(struct hvg_vmbus_channel *chan, int budget)
{
	struct stor_chan *sc = hvg_vmbus_chan_get_drvdata(chan);
	struct stor_dev *dev = sc->dev;
	struct hvg_vmpacket_desc desc;
	const void *data;
	int n = 0, ret;
	u32 len;

	if (hvg_vmbus_recv_begin(chan))
		return 0;
	while (n < budget) {
		ret = hvg_vmbus_recv_next(chan, sc->rxbuf, sizeof(sc->rxbuf),
					  &desc, &data, &len);
		if (!ret)
			break;
		n++;
		if (ret == -ENOBUFS) {
			/* Logged by the core; that request times out. */
			atomic_long_inc(&dev->bad_packets);
			continue;
		}
		if (ret < 0)
			break;
		stor_packet(dev, &desc, data, len);
	}
	hvg_vmbus_recv_end(chan);
	return n;
}

/* ------------------------------------------------------------------ */
/* Initialisation                                                     */

static bool stor_sync_done(struct stor_dev *dev)
{
	/* Pairs with the callback's smp_store_release(): msg is complete. */
	return smp_load_acquire(&dev->sync.done);
}

/*
 * Send @buf on @ch and wait for its completion, bounded by timeout_ms; a
 * rescind ends the wait. Process context: probe, and the SCSI error
 * handler (one thread per host, after probe), never both at once.
 * Return: 0 with the parsed answer in dev->sync.msg; -ENODEV, -ETIMEDOUT,
 * -EPROTO (malformed answer), or the send's error.
 */
static int stor_sync(struct stor_dev *dev, struct stor_chan *ch,
		     const struct hvg_stor_buf *buf, u32 op, u16 version)
{
	struct stor_sync *s = &dev->sync;
	unsigned long deadline;
	u64 id;
	int ret;

	s->expect = (struct hvg_stor_expect){ .op = op, .version = version };
	s->done = false;
	id = hvg_vmbus_rqid_get(dev->rqids, s);
	if (!id)
		return -EBUSY;
	/* ch->lock: one writer on the channel, and no send after remove. */
	spin_lock_bh(&ch->lock);
	if (READ_ONCE(dev->removing))
		ret = -ENODEV;
	else
		ret = hvg_vmbus_chan_send(ch->chan, buf->data, buf->len, id,
					  HVG_PKT_FLAG_COMPLETION_REQUESTED);
	spin_unlock_bh(&ch->lock);
	if (ret) {
		hvg_vmbus_rqid_put(dev->rqids, id);
		return ret;
	}
	deadline = jiffies + msecs_to_jiffies(READ_ONCE(timeout_ms));
	while (!stor_sync_done(dev)) {
		ret = 0;
		if (hvg_vmbus_chan_rescinded(dev->chan))
			ret = -ENODEV;
		else if (time_after(jiffies, deadline))
			ret = -ETIMEDOUT;
		if (ret) {
			/* Take the id back, unless the callback has it. */
			if (hvg_vmbus_rqid_put(dev->rqids, id))
				goto failed;
			wait_event_timeout(dev->wq, stor_sync_done(dev), HZ);
			if (!stor_sync_done(dev))
				goto failed;
			break;
		}
		/* The rescind check runs at least every 100 ms. */
		wait_event_timeout(dev->wq, stor_sync_done(dev), HZ / 10);
	}
	if (s->err) {
		dev_err(&dev->hdev->dev, "%s: malformed answer: %s\n",
			hvg_stor_op_name(op), hvg_stor_errname(s->err));
		return -EPROTO;
	}
	return 0;

failed:
	dev_err(&dev->hdev->dev, "%s: no answer from the host: %d\n",
		hvg_stor_op_name(op), ret);
	return ret;
}

static int stor_handshake(struct stor_dev *dev)
{
	struct hvg_stor_buf buf;
	unsigned int i;
	int ret;

	hvg_stor_build_begin_init(&buf, 0);
	ret = stor_sync(dev, &dev->chans[0], &buf,
			HVG_VSTOR_OP_BEGIN_INITIALIZATION, 0);
	if (ret)
		return ret;
	if (dev->sync.msg.status)
		goto refused;

	for (i = 0; i < ARRAY_SIZE(stor_versions); i++) {
		hvg_stor_build_query_version(&buf, stor_versions[i]);
		ret = stor_sync(dev, &dev->chans[0], &buf,
				HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
				stor_versions[i]);
		if (ret)
			return ret;
		if (dev->sync.msg.version_accepted)
			break;
	}
	if (i == ARRAY_SIZE(stor_versions)) {
		dev_err(&dev->hdev->dev,
			"the host accepts none of the protocol versions 6.2, 6.0, 5.1\n");
		return -EPROTONOSUPPORT;
	}
	dev->version = stor_versions[i];
	dev->pkt_size = hvg_stor_packet_size(dev->version);

	hvg_stor_build_query_properties(&buf, dev->version);
	ret = stor_sync(dev, &dev->chans[0], &buf,
			HVG_VSTOR_OP_QUERY_PROPERTIES, 0);
	if (ret)
		return ret;
	if (dev->sync.msg.status)
		goto refused;
	dev->max_transfer = min_t(u32, dev->sync.msg.max_transfer,
				  STOR_MAX_TRANSFER);
	dev->multi_channel = dev->sync.msg.multi_channel;
	dev->max_channel_cnt = dev->sync.msg.max_channel_cnt;

	hvg_stor_build_end_init(&buf, dev->version);
	ret = stor_sync(dev, &dev->chans[0], &buf,
			HVG_VSTOR_OP_END_INITIALIZATION, 0);
	if (ret)
		return ret;
	if (dev->sync.msg.status)
		goto refused;
	dev_info(&dev->hdev->dev,
		 "protocol %u.%u, max transfer %u KiB%s\n", dev->version >> 8,
		 dev->version & 0xff, dev->max_transfer / 1024,
		 dev->multi_channel ? ", multi-channel" : "");
	return 0;

refused:
	dev_err(&dev->hdev->dev, "%s refused: status %#x\n",
		hvg_stor_op_name(dev->sync.expect.op), dev->sync.msg.status);
	return -EIO;
}

/* ------------------------------------------------------------------ */
/* The SCSI host                                                      */

/* The scatterlist as one page range; -EINVAL if it is not one run. */
static int stor_map_sg(struct scsi_cmnd *scmd, struct stor_cmd *sc,
		       u32 *offset)
{
	struct scatterlist *sg;
	unsigned int n = 0, i;

	scsi_for_each_sg(scmd, sg, scsi_sg_count(scmd), i) {
		phys_addr_t pa = sg_phys(sg);
		u64 first = pa >> STOR_PAGE_SHIFT;
		u64 last = (pa + sg->length - 1) >> STOR_PAGE_SHIFT;
		u64 pfn;

		if (!sg->length)
			return -EINVAL;
		if (!i)
			*offset = pa & (STOR_PAGE_SIZE - 1);
		/* The virtual boundary: only the ends may be partial. */
		else if (pa & (STOR_PAGE_SIZE - 1))
			return -EINVAL;
		if (i + 1 < scsi_sg_count(scmd) &&
		    (pa + sg->length) & (STOR_PAGE_SIZE - 1))
			return -EINVAL;
		for (pfn = first; pfn <= last; pfn++) {
			if (n >= STOR_MAX_PFNS)
				return -EINVAL;
			sc->pfns[n++] = pfn;
		}
	}
	return n;
}

static stor_qc_ret stor_queuecommand(stor_shost *shost,
				     struct scsi_cmnd *scmd)
{
	struct stor_dev *dev = stor_of_host(shost);
	struct stor_cmd *sc = scsi_cmd_priv(scmd);
	u32 hwq = blk_mq_unique_tag_to_hwq(blk_mq_unique_tag(scsi_cmd_to_rq(scmd)));
	struct stor_chan *ch = &dev->chans[hwq < dev->nr_chans ? hwq : 0];
	struct hvg_stor_srb_args a = {
		.cdb = scmd->cmnd,
		.cdb_len = scmd->cmd_len,
		.length = scsi_bufflen(scmd),
		.port = shost->host_no,
		.path_id = scmd->device->channel,
		.target_id = scmd->device->id,
		.lun = scmd->device->lun,
		.tagged = scmd->device->tagged_supported,
	};
	struct hvg_vmbus_page_range range;
	bool quiet, removing;
	u32 offset = 0;
	int npfns = 0, ret;

	switch (scmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		a.data_in = HVG_SRB_DATA_WRITE;
		break;
	case DMA_FROM_DEVICE:
		a.data_in = HVG_SRB_DATA_READ;
		break;
	default:
		a.data_in = HVG_SRB_DATA_NONE;
		break;
	}
	if (!a.length)
		a.data_in = HVG_SRB_DATA_NONE;
	else if (a.data_in == HVG_SRB_DATA_NONE)
		goto bad;
	if (scmd->device->lun >= STOR_MAX_LUNS ||
	    hvg_stor_build_srb(&sc->pkt, dev->version, &a))
		goto bad;
	if (a.length) {
		npfns = stor_map_sg(scmd, sc, &offset);
		if (npfns < 0)
			goto bad;
	}
	sc->data_len = a.length;
	sc->opcode = scmd->cmnd[0];
	sc->chan = ch - dev->chans;
	memset(scmd->sense_buffer, 0, SCSI_SENSE_BUFFERSIZE);

	sc->rqid = hvg_vmbus_rqid_get(dev->rqids, scmd);
	if (!sc->rqid)
		return SCSI_MLQUEUE_HOST_BUSY;

	/* ch->lock: one writer on the channel, and no send after remove. */
	spin_lock_bh(&ch->lock);
	removing = READ_ONCE(dev->removing);
	quiet = READ_ONCE(quiet_send) && !removing;
	if (quiet)
		hvg_vmbus_chan_quiet_begin(ch->chan);
	if (removing) {
		ret = -ENODEV;
	} else if (npfns) {
		range.len = a.length;
		range.offset = offset;
		range.npages = npfns;
		range.pfns = sc->pfns;
		ret = hvg_vmbus_chan_send_pages(ch->chan, &range, 1,
						sc->pkt.data, sc->pkt.len,
						sc->rqid);
	} else {
		ret = hvg_vmbus_chan_send(ch->chan, sc->pkt.data, sc->pkt.len,
					  sc->rqid,
					  HVG_PKT_FLAG_COMPLETION_REQUESTED);
	}
	if (quiet)
		hvg_vmbus_chan_quiet_end(ch->chan);
	spin_unlock_bh(&ch->lock);
	if (!ret)
		return 0;

	/* Not sent: the id is still ours. */
	hvg_vmbus_rqid_put(dev->rqids, sc->rqid);
	if (ret == -EAGAIN)
		return SCSI_MLQUEUE_HOST_BUSY;
	if (ret == -ENODEV || ret == -ENOTCONN) {
		set_host_byte(scmd, DID_NO_CONNECT);
		stor_scsi_done(scmd);
		return 0;
	}
	dev_err_ratelimited(&dev->hdev->dev, "cannot send opcode %#x: %d\n",
			    scmd->cmnd[0], ret);
	set_host_byte(scmd, DID_ERROR);
	stor_scsi_done(scmd);
	return 0;

bad:
	dev_err_ratelimited(&dev->hdev->dev,
			    "opcode %#x (%u bytes, %u sg entries) cannot be described to the host\n",
			    scmd->cmnd[0], scsi_bufflen(scmd),
			    scsi_sg_count(scmd));
	set_host_byte(scmd, DID_ERROR);
	stor_scsi_done(scmd);
	return 0;
}

/*
 * A barrier on channel @i: RESET_BUS, which hosts complete and otherwise
 * ignore, answered only after the host has read (and served) every
 * request written before it on that channel. Its answer means the host
 * is done with the pages of every earlier request, an aborted one's too.
 * Return: 0, or what stor_sync() returned (no answer in timeout_ms, a
 * rescind, a malformed answer) or -EIO when the host refused it.
 */
static int stor_barrier(struct stor_dev *dev, unsigned int i)
{
	struct hvg_stor_buf buf;
	int ret;

	if (i >= dev->nr_chans)
		return -EINVAL;
	ret = hvg_stor_build_reset(&buf, dev->version, HVG_VSTOR_OP_RESET_BUS);
	if (!ret)
		ret = stor_sync(dev, &dev->chans[i], &buf,
				HVG_VSTOR_OP_RESET_BUS, 0);
	if (!ret && dev->sync.msg.status)
		ret = -EIO;
	if (ret)
		dev_warn_ratelimited(&dev->hdev->dev,
				     "channel %u: the host did not complete RESET_BUS: %d\n",
				     i, ret);
	return ret;
}

/*
 * A command timed out and the midlayer aborts it: take its id back so
 * that a late completion is dropped as stale. If the callback took it
 * first, it completed the command (the midlayer ignores a completion
 * after the timeout). Either way the command is no longer ours, but its
 * pages are still named to the host: the midlayer may reuse them only
 * once a barrier on its channel says the host is done with them. A host
 * that does not answer the barrier fails the abort, and the midlayer's
 * escalation ends in the host reset below.
 */
static int stor_eh_abort(struct scsi_cmnd *scmd)
{
	struct stor_dev *dev = stor_of_host(scmd->device->host);
	struct stor_cmd *sc = scsi_cmd_priv(scmd);
	bool ours;
	int ret;

	atomic_long_inc(&dev->aborts);
	ours = hvg_vmbus_rqid_put(dev->rqids, sc->rqid) == scmd;
	ret = stor_barrier(dev, sc->chan);
	if (ours)
		dev_warn_ratelimited(&dev->hdev->dev,
				     "opcode %#x: no answer from the host, aborted; channel %u %s\n",
				     sc->opcode, sc->chan,
				     ret ? "not drained" : "drained (RESET_BUS answered)");
	return ret ? FAILED : SUCCESS;
}

/*
 * Every command was aborted before a reset is tried: nothing is left but
 * to know that the host is done with their pages, on every channel. A
 * host that answers none of this fails the reset: the midlayer then takes
 * the LUNs offline, and their I/O ends in errors, not in a hang.
 */
static int stor_eh_host_reset(struct scsi_cmnd *scmd)
{
	struct stor_dev *dev = stor_of_host(scmd->device->host);
	unsigned int i;

	if (hvg_vmbus_chan_rescinded(dev->chan))
		return FAILED;
	for (i = 0; i < dev->nr_chans; i++) {
		if (stor_barrier(dev, i))
			return FAILED;
	}
	return SUCCESS;
}

static struct scsi_host_template stor_template = {
	.module = THIS_MODULE,
	.name = "hv_storvsc",
	.proc_name = "hv_storvsc",
	.queuecommand = stor_queuecommand,
	.eh_abort_handler = stor_eh_abort,
	.eh_host_reset_handler = stor_eh_host_reset,
	.this_id = -1,
	.cmd_size = sizeof(struct stor_cmd),
	.sg_tablesize = STOR_MAX_PFNS,
	.max_sectors = STOR_MAX_TRANSFER >> 9,
	.virt_boundary_mask = STOR_PAGE_SIZE - 1,
	.can_queue = 128,
	.cmd_per_lun = 128,
};

/* Fail a command in flight whose answer will never come (after rescind). */
#if KERNEL_VERSION(6, 0, 0) <= HVG_KVER
static bool stor_fail_one(struct scsi_cmnd *scmd, void *data)
#else
static bool stor_fail_one(struct scsi_cmnd *scmd, void *data, bool reserved)
#endif
{
	struct stor_dev *dev = data;
	struct stor_cmd *sc = scsi_cmd_priv(scmd);

	if (hvg_vmbus_rqid_put(dev->rqids, sc->rqid) == scmd) {
		set_host_byte(scmd, DID_NO_CONNECT);
		stor_scsi_done(scmd);
	}
	return true;
}

/* Remove the LUNs that completions found gone (INVALID_LUN). */
static void stor_remove_gone(struct stor_dev *dev)
{
	struct scsi_device *sdev;
	unsigned int lun;

	for_each_set_bit(lun, dev->remove_luns, STOR_MAX_LUNS) {
		clear_bit(lun, dev->remove_luns);
		sdev = scsi_device_lookup(dev->shost, 0, dev->target, lun);
		if (!sdev)
			continue;
		dev_info(&dev->hdev->dev, "LUN %u is gone: removing it\n", lun);
		scsi_remove_device(sdev);
		scsi_device_put(sdev);
	}
}

/*
 * The host says LUNs came or went (ENUMERATE_BUS, REMOVE_DEVICE, or the
 * unit attention "reported LUNs data has changed"). A scan adds the new
 * ones, but never removes a LUN: so first a TEST UNIT READY to every LUN
 * the host knows, which a removed LUN answers with INVALID_LUN (marking it
 * for removal), then the removals, then the scan. An IDE disk is never
 * scanned for: it is added once at probe.
 */
static void stor_scan_host(struct stor_dev *dev)
{
	struct scsi_device *sdev;

	shost_for_each_device(sdev, dev->shost)
		scsi_test_unit_ready(sdev, 10 * HZ, 1, NULL);
	stor_remove_gone(dev);
	if (!dev->ide)
		scsi_scan_host(dev->shost);
}

/*
 * An IDE channel names its disk's device number in bytes 4-5 of the
 * instance GUID (little-endian), as Hyper-V offers it and Linux reads it.
 */
static int stor_ide_target(struct stor_dev *dev)
{
	const guid_t *inst = &dev->hdev->instance_id;
	u16 target = inst->b[4] | inst->b[5] << 8;

	if (target >= STOR_IDE_MAX_TARGETS) {
		dev_err(&dev->hdev->dev,
			"IDE offer: instance GUID names device %u, not 0 or 1\n",
			target);
		return -EINVAL;
	}
	dev->target = target;
	return 0;
}

static void stor_scan_work(struct work_struct *work)
{
	struct stor_dev *dev = container_of(work, struct stor_dev, scan_work);
	struct scsi_device *sdev;
	unsigned int lun;

	if (test_and_clear_bit(STOR_SCAN_HOST, &dev->scan_flags))
		stor_scan_host(dev);
	stor_remove_gone(dev);
	for_each_set_bit(lun, dev->rescan_luns, STOR_MAX_LUNS) {
		clear_bit(lun, dev->rescan_luns);
		sdev = scsi_device_lookup(dev->shost, 0, dev->target, lun);
		if (!sdev)
			continue;
		stor_rescan(sdev);
		scsi_device_put(sdev);
	}
}

/* Open @chan as channel @i of @dev (its receive callback is stor_poll). */
static int stor_chan_open(struct stor_dev *dev, unsigned int i,
			  struct hvg_vmbus_channel *chan)
{
	struct stor_chan *ch = &dev->chans[i];
	struct hvg_vmbus_open_params p = {
		.poll = stor_poll,
		.no_defer = !defer_irqs,
	};
	int ret;

	p.send_size = clamp_t(u32, ring_kb, 16, 1024) * 1024;
	p.recv_size = p.send_size;
	ch->dev = dev;
	ch->chan = chan;
	spin_lock_init(&ch->lock);
	hvg_vmbus_chan_set_drvdata(chan, ch);
	ret = hvg_vmbus_chan_open(chan, &p);
	if (ret) {
		dev_err(&dev->hdev->dev, "cannot open channel %u (relid %u): %d\n",
			i, hvg_vmbus_chan_relid(chan), ret);
		return ret;
	}
	ch->open = true;
	return 0;
}

/*
 * The core hands over each sub-channel the host offers (process context);
 * probe opens them. Only recorded here.
 */
static void stor_subchan(struct hvg_vmbus_channel *sub)
{
	struct hvg_vmbus_device *hdev = hvg_vmbus_chan_device(sub);
	struct stor_dev *dev = hvg_vmbus_get_drvdata(hdev);
	u16 idx = hvg_vmbus_chan_subchan_index(sub);

	if (!dev)
		return;
	mutex_lock(&dev->sub_lock);
	if (!idx || idx >= STOR_MAX_CHANNELS || dev->subs[idx]) {
		dev_warn(&hdev->dev, "sub-channel index %u (relid %u) not used\n",
			 idx, hvg_vmbus_chan_relid(sub));
	} else {
		hvg_vmbus_chan_get(sub);	/* @subs' reference */
		WRITE_ONCE(dev->subs[idx], sub);
	}
	mutex_unlock(&dev->sub_lock);
	wake_up(&dev->subwq);
}

/* After the handler is gone and the channels are closed. */
static void stor_put_subs(struct stor_dev *dev)
{
	unsigned int i;

	for (i = 1; i < STOR_MAX_CHANNELS; i++) {
		if (dev->subs[i])
			hvg_vmbus_chan_put(dev->subs[i]);
		dev->subs[i] = NULL;
	}
}

/*
 * Sub-channels 1..@n handed over? Lockless, as a wait_event() condition
 * must not sleep: each pointer is set once, by stor_subchan(), whose
 * wake_up() after the store orders it against the waiter's check.
 */
static bool stor_have_subs(struct stor_dev *dev, unsigned int n)
{
	unsigned int i;

	for (i = 1; i <= n; i++)
		if (!READ_ONCE(dev->subs[i]))
			return false;
	return true;
}

/*
 * Sub-channels: ask for them (when the host can), wait for their offers,
 * open them. Fewer than asked for, or none, is not an error: the
 * controller works on the channels it has. Sets dev->nr_chans.
 */
static void stor_open_subchans(struct stor_dev *dev)
{
	struct hvg_stor_buf buf;
	unsigned int want, i;
	int ret;

	dev->nr_chans = 1;
	want = min3(num_online_cpus() - 1, (unsigned int)dev->max_channel_cnt,
		    min_t(unsigned int, max_sub_channels,
			  STOR_MAX_CHANNELS - 1));
	if (!dev->multi_channel || !want)
		return;
	if (!stor_have_subs(dev, want)) {
		ret = hvg_stor_build_create_sub_channels(&buf, dev->version,
							 want);
		if (!ret)
			ret = stor_sync(dev, &dev->chans[0], &buf,
					HVG_VSTOR_OP_CREATE_SUB_CHANNELS, 0);
		if (!ret && dev->sync.msg.status)
			ret = -EIO;
		if (!ret)
			ret = hvg_vmbus_wait_subchans(dev->chan, want);
		if (!ret &&
		    !wait_event_timeout(dev->subwq, stor_have_subs(dev, want),
					msecs_to_jiffies(READ_ONCE(timeout_ms))))
			ret = -ETIMEDOUT;
		if (ret)
			dev_warn(&dev->hdev->dev,
				 "asked for %u sub-channels: %d; using those offered\n",
				 want, ret);
	}
	/* Open them in order; stop at the first missing or failing one. */
	for (i = 1; i <= want; i++) {
		struct hvg_vmbus_channel *sub;

		mutex_lock(&dev->sub_lock);
		sub = dev->subs[i];
		mutex_unlock(&dev->sub_lock);
		if (!sub || stor_chan_open(dev, i, sub))
			break;
		dev->nr_chans = i + 1;
	}
}

static void stor_close_chans(struct stor_dev *dev)
{
	int i;

	/* Sub-channels before their primary. */
	for (i = STOR_MAX_CHANNELS - 1; i >= 0; i--) {
		if (!dev->chans[i].open)
			continue;
		hvg_vmbus_chan_close(dev->chans[i].chan);
		dev->chans[i].open = false;
	}
}

/*
 * Each channel's interrupts on the first CPU that blk-mq maps to its
 * hardware queue: a completion then comes back on a CPU that submits to
 * that queue, not on another one that must be woken (and, under QEMU's
 * TCG, a woken vCPU takes milliseconds). Best effort: a channel the host
 * will not move keeps its CPU; CPU hotplug later is not followed.
 */
static void stor_align_targets(struct stor_dev *dev)
{
	struct blk_mq_queue_map *map =
		&dev->shost->tag_set.map[HCTX_TYPE_DEFAULT];
	unsigned int i, cpu;
	int ret;

	if (!map->mq_map)
		return;
	for (i = 0; i < dev->nr_chans; i++) {
		struct hvg_vmbus_channel *chan = dev->chans[i].chan;

		for_each_online_cpu(cpu) {
			if (map->mq_map[cpu] != i + map->queue_offset)
				continue;
			if (hvg_vmbus_chan_target_cpu(chan) == cpu)
				break;
			ret = hvg_vmbus_chan_set_target_cpu(chan, cpu);
			if (ret)
				dev_info(&dev->hdev->dev,
					 "channel %u (relid %u) stays on CPU %u, not %u: %d\n",
					 i, hvg_vmbus_chan_relid(chan),
					 hvg_vmbus_chan_target_cpu(chan), cpu,
					 ret);
			break;
		}
	}
}

static void stor_stop(struct stor_dev *dev);

static int stor_probe(struct hvg_vmbus_device *hdev,
		      const struct hv_vmbus_device_id *id)
{
	stor_shost *shost;
	struct stor_dev *dev;
	u32 depth = clamp_t(u32, queue_depth, 1, 1024);
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->hdev = hdev;
	dev->chan = hdev->channel;
	dev->ide = guid_equal(&id->guid, &stor_ide_class);
	if (dev->ide) {
		ret = stor_ide_target(dev);
		if (ret) {
			kfree(dev);
			return ret;
		}
	}
	spin_lock_init(&dev->lock);
	mutex_init(&dev->sub_lock);
	init_waitqueue_head(&dev->wq);
	init_waitqueue_head(&dev->subwq);
	INIT_WORK(&dev->scan_work, stor_scan_work);
	atomic_long_set(&dev->dropped_ids, 0);
	atomic_long_set(&dev->bad_packets, 0);
	atomic_long_set(&dev->aborts, 0);

	/*
	 * One slot per command of every hardware queue, one for the
	 * initialisation; the pool is shared by the channels.
	 */
	dev->rqids = hvg_vmbus_rqid_create(depth * STOR_MAX_CHANNELS + 1);
	if (!dev->rqids) {
		ret = -ENOMEM;
		goto err_free;
	}
	hvg_vmbus_set_drvdata(hdev, dev);
	hvg_vmbus_set_subchan_handler(dev->chan, stor_subchan);
	ret = stor_chan_open(dev, 0, dev->chan);
	if (ret)
		goto err_rqids;
	ret = stor_handshake(dev);
	if (ret)
		goto err_close;
	stor_open_subchans(dev);

	shost = scsi_host_alloc(&stor_template, sizeof(dev));
	if (!shost) {
		ret = -ENOMEM;
		goto err_close;
	}
	*(struct stor_dev **)shost_priv(shost) = dev;
	dev->shost = shost;
	shost->max_channel = 0;
	shost->max_id = dev->target + 1;
	shost->max_lun = dev->ide ? 1 : STOR_MAX_LUNS;
	shost->max_cmd_len = HVG_STOR_CDB_MAX;
	shost->nr_hw_queues = dev->nr_chans;
	shost->can_queue = depth;
	shost->cmd_per_lun = depth;
	shost->max_sectors = dev->max_transfer >> 9;
	shost->sg_tablesize = dev->max_transfer / STOR_PAGE_SIZE + 1;
	shost->virt_boundary_mask = STOR_PAGE_SIZE - 1;

	ret = scsi_add_host(shost, &hdev->dev);
	if (ret) {
		dev_err(&hdev->dev, "scsi_add_host failed: %d\n", ret);
		goto err_host;
	}
	if (dev->nr_chans > 1)
		dev_info(&hdev->dev, "%u channels, one hardware queue each\n",
			 dev->nr_chans);
	stor_align_targets(dev);
	if (!dev->ide) {
		scsi_scan_host(shost);
		return 0;
	}
	ret = scsi_add_device(shost, 0, dev->target, 0);
	if (ret) {
		dev_err(&hdev->dev, "IDE device %u: no disk at LUN 0: %d\n",
			dev->target, ret);
		scsi_remove_host(shost);
		stor_stop(dev);
		goto err_host;
	}
	return 0;

err_host:
	scsi_host_put(shost);
err_close:
	stor_close_chans(dev);
err_rqids:
	hvg_vmbus_set_subchan_handler(dev->chan, NULL);
	stor_put_subs(dev);
	hvg_vmbus_set_drvdata(hdev, NULL);
	hvg_vmbus_rqid_destroy(dev->rqids);
err_free:
	mutex_destroy(&dev->sub_lock);
	kfree(dev);
	return ret;
}

static void stor_stop(struct stor_dev *dev)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&dev->lock, flags);
	WRITE_ONCE(dev->removing, true);
	spin_unlock_irqrestore(&dev->lock, flags);
	/* A sender in progress finishes; later ones see @removing. */
	for (i = 0; i < dev->nr_chans; i++) {
		spin_lock_bh(&dev->chans[i].lock);
		spin_unlock_bh(&dev->chans[i].lock);
	}
	cancel_work_sync(&dev->scan_work);
	scsi_host_busy_iter(dev->shost, stor_fail_one, dev);
}

static void stor_remove(struct hvg_vmbus_device *hdev)
{
	struct stor_dev *dev = hvg_vmbus_get_drvdata(hdev);

	/*
	 * Rescinded: the host answers nothing more, so fail what is in
	 * flight and refuse new commands before the midlayer tears the
	 * disks down (sd's SYNCHRONIZE CACHE then fails at once). Otherwise
	 * the channel still works, and the disks go down cleanly first.
	 */
	if (hvg_vmbus_chan_rescinded(dev->chan))
		stor_stop(dev);
	else
		cancel_work_sync(&dev->scan_work);
	scsi_remove_host(dev->shost);
	stor_stop(dev);
	hvg_vmbus_set_subchan_handler(dev->chan, NULL);
	stor_close_chans(dev);
	stor_put_subs(dev);
	if (atomic_long_read(&dev->dropped_ids) ||
	    atomic_long_read(&dev->bad_packets) ||
	    atomic_long_read(&dev->aborts))
		dev_info(&hdev->dev,
			 "dropped %ld completions of no live request, %ld malformed packets, %ld aborts\n",
			 atomic_long_read(&dev->dropped_ids),
			 atomic_long_read(&dev->bad_packets),
			 atomic_long_read(&dev->aborts));
	scsi_host_put(dev->shost);
	hvg_vmbus_set_drvdata(hdev, NULL);
	hvg_vmbus_rqid_destroy(dev->rqids);
	mutex_destroy(&dev->sub_lock);
	kfree(dev);
}

static const struct hv_vmbus_device_id stor_id_table[] = {
	{ .guid = HVG_GUID_SCSI },
	{ .guid = HVG_GUID_IDE },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, stor_id_table);

static struct hvg_vmbus_driver stor_driver = {
	.name = "hv_storvsc",
	.id_table = stor_id_table,
	.probe = stor_probe,
	.remove = stor_remove,
};

static int __init hvg_storvsc_init(void)
{
	return hvg_vmbus_driver_register(&stor_driver);
}

static void __exit hvg_storvsc_exit(void)
{
	hvg_vmbus_driver_unregister(&stor_driver);
}

module_init(hvg_storvsc_init);
module_exit(hvg_storvsc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V synthetic storage driver (hvguest)");
