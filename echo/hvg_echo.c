// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_echo: the guest driver of the loopback host's echo test device
 * (include/hvguest/echo_proto.h, Documentation/echo.rst).
 *
 * It binds to HVG_GUID_ECHO devices, opens the primary channel at probe,
 * and runs tests and benchmarks on demand from debugfs:
 *
 *   /sys/kernel/debug/hvguest/echo/<instance>/run    write: parameters,
 *                                                   read: the last result
 *   /sys/kernel/debug/hvguest/echo/<instance>/info   channels and counters
 *
 * Modes: "echo" (inband requests of random sizes, each checked byte for
 * byte by its crc32 on return), "pages" (GPA-direct requests over a buffer
 * the host reads in place) and "gpadl" (GPADLs from 1 to 8190 pages created,
 * summed by the host, torn down; 8191 pages refused). A run may use the
 * primary channel and sub-channels, one sending thread per channel; replies
 * are checked in the channel's receive callback.
 *
 * Nothing the host sends is trusted: each reply is matched through the
 * request-id pool (a forged or stale id finds nothing), its length, type,
 * sequence number and checksum are compared with what was sent, and every
 * mismatch is counted and logged (rate-limited) with the device and the
 * field.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/seq_file.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/kmemleak.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/crc32.h>
#include <linux/prandom.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/uaccess.h>
#include <hvguest/vmbus.h>
#include <hvguest/vmbus_proto.h>
#include <hvguest/echo_proto.h>

#define ECHO_HDR_LEN		((u32)sizeof(struct hvg_echo_hdr))
#define ECHO_MAX_CHANNELS	16	/* primary + 15 sub-channels */
#define ECHO_MAX_WINDOW		1024	/* requests in flight per channel */
#define ECHO_BUDGET		64	/* packets per callback call */
#define ECHO_GPADL_BUF_PAGES	(HVG_GPADL_MAX_PAGES + 1)
#define ECHO_RESULT_SIZE	PAGE_SIZE

static unsigned int ring_size = HVG_ECHO_RING_SIZE;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size,
		 "Bytes of each ring of a channel, each way, header page included: a multiple of 4096, 8 KiB to 8 MiB (default 131072)");

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "Longest wait for a reply from the host, in ms, before a run or request fails with -ETIMEDOUT (default 10000)");

static unsigned int max_channels = 8;
module_param(max_channels, uint, 0444);
MODULE_PARM_DESC(max_channels,
		 "Most channels (primary + sub-channels) a run may use, 1 to 16 (default 8)");

static struct dentry *echo_debugfs;	/* hvguest/echo; set at init */

/* A request in flight: what the reply must match. */
struct echo_req {
	u32 op;
	u32 seq;
	u32 len;	/* ECHO: payload bytes after the header; PAGES: range bytes */
	u32 csum;
};

/* A synchronous request (STATS, SUBCHANNELS, GPADL_SUM) and its reply. */
struct echo_sync {
	struct echo_req req;
	struct hvg_echo_hdr reply;
	u32 reply_len;
	u16 reply_type;
	bool done;	/* set (release) by the callback after @reply */
};

/* Per-run counters of a channel. */
struct echo_counts {
	u64 packets;	/* replies that matched */
	u64 bytes;	/* their inband payload bytes, header included */
	u64 err_csum;
	u64 err_len;
	u64 err_id;	/* unknown/stale transaction id, or op/seq mismatch */
	u64 err_type;	/* not DATA_INBAND */
	u64 err_status;	/* the host's status field non-zero */
	u64 err_ring;	/* the core reported a malformed ring */
};

struct echo_dev;

/*
 * One channel of a device (index 0: the primary).
 *
 * @req_lock (taken by the sending thread with BHs off and by the receive
 * callback in softirq) guards @free and @nfree. @inflight counts requests
 * sent and not yet answered; the sender increments it before it sends, the
 * callback decrements it after it has finished with the request's record,
 * and atomic_dec_return() orders the record's release before the
 * decrement. @rx is written only by the callback (which never runs
 * concurrently with itself) and read by the run after @inflight reached 0
 * (ordered by the fully ordered atomic_dec_return() and the reader's
 * smp_rmb()). @tx and @full are written only by the channel's sending
 * thread. @sync is used by one synchronous request at a time
 * (ed->run_lock).
 */
struct echo_chan {
	struct echo_dev *ed;
	struct hvg_vmbus_channel *chan;
	unsigned int index;
	bool open;
	struct hvg_vmbus_rqid_pool *rqids;
	struct echo_req *reqs;		/* ECHO_MAX_WINDOW records */
	u16 *free;			/* stack of free record indices */
	unsigned int nfree;
	spinlock_t req_lock;		/* guards @free, @nfree */
	atomic_t inflight;
	atomic_long_t completions;	/* progress, for the timeouts */
	wait_queue_head_t wq;		/* the sender waits for replies */
	/*
	 * The sender sleeps until fewer than @wake_below requests are in
	 * flight; the callback wakes it only then (or for a sync reply,
	 * @rx_sync, written by the callback only), not after every batch.
	 */
	int wake_below;
	bool rx_sync;
	struct echo_sync sync;
	bool verify;			/* check checksums (run parameter) */

	u32 rx_max;			/* the longest reply taken */
	u8 *txbuf;			/* header + payload being sent */
	u8 *pattern;			/* random bytes payloads are cut from */
	u32 pattern_len;

	u8 *pages_buf;			/* mode pages: the host reads this */
	u64 *pages_pfn;
	u32 pages_npages;

	/* the run */
	struct rnd_state rnd;
	u64 target;			/* packets to send */
	u64 tx_packets;
	u64 tx_bytes;
	u64 full;			/* sends refused: ring full */
	int result;
	struct echo_counts rx;
	u64 host_req[2];		/* the host's STATS before/after */
	u32 host_bytes[2];
	struct task_struct *thread;
	struct completion thread_done;

	/* lifetime, for the info file (after each run; ed->run_lock) */
	u64 life_packets;
	u64 life_bytes;
	u64 life_errors;
};

/* The run parameters (debugfs run). */
struct echo_params {
	char mode[8];		/* echo, pages, gpadl */
	u64 packets;		/* per run, over all channels */
	u32 size_min;		/* payload bytes after the header */
	u32 size_max;		/* 0: the largest that fits the ring */
	u32 big_every;		/* about 1 in N packets is ring-sized; 0 never */
	u32 channels;
	u32 window;
	u32 seed;
	u32 verify;
	u32 iterations;		/* gpadl */
	u32 pages_min;		/* gpadl */
	u32 pages_max;		/* gpadl */
	u32 sum_every;		/* gpadl: a whole-buffer GPADL_SUM every N */
	u32 pages_buf;		/* pages: buffer pages per channel */
	u32 affine;		/* senders on their channel's target CPU */
};

/*
 * A device. @run_lock serialises runs, sub-channel set-up and the result
 * buffer. @lock (a mutex: the sub-channel handler runs in process context)
 * guards @chans[1..] being filled in by the handler and @nsub. @stop is set
 * by remove() (-ENODEV) or a killed run (-EINTR), read by every wait.
 */
struct echo_dev {
	struct hvg_vmbus_device *hdev;
	struct dentry *dir;
	struct mutex run_lock;		/* one run at a time; @result */
	struct mutex lock;		/* writers of @chans[].chan, @nsub */
	wait_queue_head_t subwq;
	unsigned int nsub;		/* sub-channels handed over */
	int stop;
	int run_abort;			/* a run's first error; its threads */
	u64 runs;
	u32 max_payload;		/* largest ECHO payload after the header */
	char *result;			/* ECHO_RESULT_SIZE bytes */
	struct echo_chan chans[ECHO_MAX_CHANNELS];
};

#define echo_dbg_name(ed)	dev_name(&(ed)->hdev->dev)

/* ------------------------------------------------------------------ */
/* Request records and the receive callback.                          */

static struct echo_req *echo_req_alloc(struct echo_chan *ec)
{
	struct echo_req *r = NULL;

	spin_lock_bh(&ec->req_lock);
	if (ec->nfree)
		r = &ec->reqs[ec->free[--ec->nfree]];
	spin_unlock_bh(&ec->req_lock);
	return r;
}

/* From the callback (softirq) or, BHs off, from the sender. */
static void echo_req_free(struct echo_chan *ec, struct echo_req *r)
{
	unsigned long flags;

	spin_lock_irqsave(&ec->req_lock, flags);
	ec->free[ec->nfree++] = r - ec->reqs;
	spin_unlock_irqrestore(&ec->req_lock, flags);
}

static void echo_sync_reply(struct echo_chan *ec,
			    const struct hvg_vmpacket_desc *desc,
			    const void *data, u32 len)
{
	struct echo_sync *s = &ec->sync;

	memset(&s->reply, 0, sizeof(s->reply));
	memcpy(&s->reply, data, min(len, ECHO_HDR_LEN));
	s->reply_len = len;
	s->reply_type = desc->type;
	/* Pairs with the acquire in echo_sync_done(): the reply first. */
	smp_store_release(&s->done, true);
}

static bool echo_sync_done(struct echo_sync *s)
{
	/* Pairs with the release in echo_sync_reply(): then the reply. */
	return smp_load_acquire(&s->done);
}

/* Check one reply against its request; count the result. Callback only. */
static void echo_reply(struct echo_chan *ec,
		       const struct hvg_vmpacket_desc *desc,
		       const void *data, u32 len)
{
	struct echo_dev *ed = ec->ed;
	struct hvg_echo_hdr h;
	struct echo_req *r;
	void *ctx;

	ctx = hvg_vmbus_rqid_put(ec->rqids, desc->trans_id);
	if (!ctx) {
		ec->rx.err_id++;
		dev_err_ratelimited(&ed->hdev->dev,
				    "channel %u: reply with transaction id %#llx that matches no request (len %u), dropped\n",
				    ec->index, desc->trans_id, len);
		return;
	}
	if (ctx == &ec->sync) {
		echo_sync_reply(ec, desc, data, len);
		ec->rx_sync = true;
		atomic_long_inc(&ec->completions);
		return;
	}
	r = ctx;
	if (desc->type != HVG_PKT_DATA_INBAND) {
		ec->rx.err_type++;
		dev_err_ratelimited(&ed->hdev->dev,
				    "channel %u: reply to seq %u has packet type %u, not inband\n",
				    ec->index, r->seq, desc->type);
		goto done;
	}
	if (len < ECHO_HDR_LEN) {
		ec->rx.err_len++;
		dev_err_ratelimited(&ed->hdev->dev,
				    "channel %u: reply to seq %u is %u bytes, shorter than the header\n",
				    ec->index, r->seq, len);
		goto done;
	}
	memcpy(&h, data, ECHO_HDR_LEN);
	if (h.op != r->op || h.seq != r->seq) {
		ec->rx.err_id++;
		dev_err_ratelimited(&ed->hdev->dev,
				    "channel %u: reply op %u seq %u to request op %u seq %u\n",
				    ec->index, h.op, h.seq, r->op, r->seq);
		goto done;
	}
	if (r->op == HVG_ECHO_OP_ECHO) {
		/* the ring pads each packet to 8 bytes: up to 7 more */
		if (len < ECHO_HDR_LEN + r->len ||
		    len - (ECHO_HDR_LEN + r->len) >= 8 || h.len != r->len) {
			ec->rx.err_len++;
			dev_err_ratelimited(&ed->hdev->dev,
					    "channel %u: echo of seq %u: packet %u bytes (padded to 8), header len %u; sent %u after the header\n",
					    ec->index, r->seq, len, h.len, r->len);
			goto done;
		}
		if (ec->verify &&
		    (h.csum != r->csum ||
		     crc32_le(~0, (const u8 *)data + ECHO_HDR_LEN, r->len) !=
		     r->csum)) {
			ec->rx.err_csum++;
			dev_err_ratelimited(&ed->hdev->dev,
					    "channel %u: echo of seq %u (%u bytes): checksum mismatch\n",
					    ec->index, r->seq, r->len);
			goto done;
		}
	} else {
		if (h.status) {
			ec->rx.err_status++;
			dev_err_ratelimited(&ed->hdev->dev,
					    "channel %u: pages request seq %u: host status %u\n",
					    ec->index, r->seq, h.status);
			goto done;
		}
		if (h.len != r->len) {
			ec->rx.err_len++;
			dev_err_ratelimited(&ed->hdev->dev,
					    "channel %u: pages request seq %u: host read %u bytes, sent %u\n",
					    ec->index, r->seq, h.len, r->len);
			goto done;
		}
		if (ec->verify && h.csum != r->csum) {
			ec->rx.err_csum++;
			dev_err_ratelimited(&ed->hdev->dev,
					    "channel %u: pages request seq %u (%u bytes): checksum %08x, expected %08x\n",
					    ec->index, r->seq, r->len, h.csum,
					    r->csum);
			goto done;
		}
	}
	ec->rx.packets++;
	ec->rx.bytes += len;
done:
	echo_req_free(ec, r);
	atomic_long_inc(&ec->completions);
	/* Fully ordered: the record is free before the count says so. */
	atomic_dec_return(&ec->inflight);
}

/*
 * The receive callback, NAPI style: at most @budget packets, then back to
 * the core, which unmasks and re-checks when fewer were taken.
 */
static int echo_poll(struct hvg_vmbus_channel *chan, int budget)
{
	struct echo_chan *ec = hvg_vmbus_chan_get_drvdata(chan);
	struct hvg_vmpacket_desc desc;
	const void *data;
	u32 len;
	int n = 0, ret;

	if (hvg_vmbus_recv_begin(chan))
		goto out;
	while (n < budget) {
		/*
		 * In place: echo_reply() copies the header and reads each
		 * payload byte once (the checksum), as the API asks.
		 */
		ret = hvg_vmbus_recv_peek(chan, ec->rx_max, &desc, &data,
					  &len);
		if (!ret)
			break;
		n++;
		if (ret == -ENOBUFS) {
			/*
			 * Longer than the ring: dropped and logged by the
			 * core, which does not say whose reply it was; that
			 * request never completes and the run times out.
			 */
			ec->rx.err_len++;
			continue;
		}
		if (ret < 0) {
			ec->rx.err_ring++;
			dev_err_ratelimited(&ec->ed->hdev->dev,
					    "channel %u: receive failed: %d\n",
					    ec->index, ret);
			break;
		}
		echo_reply(ec, &desc, data, len);
	}
	hvg_vmbus_recv_end(chan);
out:
	/*
	 * wq_has_sleeper() has the barrier that pairs with the waiter's
	 * set_current_state(): either the waiter sees the new @inflight, or
	 * we see it on the queue. The read barrier orders that look at the
	 * queue before the load of @wake_below, which the waiter stored with
	 * a full barrier before it queued itself (echo_wait_inflight()), so
	 * a waiter we see comes with its limit. (A wake-up missed anyway
	 * would cost the waiter its 100 ms timeout, not the run.)
	 */
	if (wq_has_sleeper(&ec->wq)) {
		smp_rmb();	/* the queue, then @wake_below (above) */
		if (ec->rx_sync ||
		    atomic_read(&ec->inflight) < READ_ONCE(ec->wake_below))
			wake_up(&ec->wq);
	}
	ec->rx_sync = false;
	return n;
}

/* ------------------------------------------------------------------ */
/* Waiting, bounded.                                                  */

/* The device is going, or the channel was rescinded: nothing more comes. */
static int echo_gone(struct echo_chan *ec)
{
	int stop = READ_ONCE(ec->ed->stop);

	if (stop)
		return stop;
	if (hvg_vmbus_chan_rescinded(ec->chan))
		return -ENODEV;
	return 0;
}

/* ... or another channel's thread ended the run with an error. */
static int echo_stopped(struct echo_chan *ec)
{
	return echo_gone(ec) ?: READ_ONCE(ec->ed->run_abort);
}

/*
 * Wait until fewer than @limit requests are in flight. Fails with -ENODEV
 * (rescinded, or the device goes away), -EINTR (the run was killed),
 * -ETIMEDOUT (no reply for timeout_ms), or, unless @drain, the error with
 * which another channel's thread ended the run. The rescind check runs at least
 * every 100 ms: the core wakes its own waiters, not this queue.
 */
static int echo_wait_inflight(struct echo_chan *ec, int limit, bool drain)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	long seen = atomic_long_read(&ec->completions);
	long now;
	int err;

	/* Full barrier: stored before we queue ourselves (echo_poll()). */
	smp_store_mb(ec->wake_below, limit);
	for (;;) {
		if (atomic_read(&ec->inflight) < limit)
			return 0;
		err = drain ? echo_gone(ec) : echo_stopped(ec);
		if (err)
			return err;
		now = atomic_long_read(&ec->completions);
		if (now != seen) {
			seen = now;
			deadline = jiffies + msecs_to_jiffies(timeout_ms);
		} else if (time_after(jiffies, deadline)) {
			return -ETIMEDOUT;
		}
		wait_event_timeout(ec->wq,
				   atomic_read(&ec->inflight) < limit ||
				   READ_ONCE(ec->ed->stop), HZ / 10);
	}
}

/* Send with the ring-full retry. The caller holds the channel's sending. */
static int echo_send(struct echo_chan *ec, const void *buf, u32 len, u64 id)
{
	int ret;

	for (;;) {
		ret = hvg_vmbus_chan_send(ec->chan, buf, len, id,
					  HVG_PKT_FLAG_COMPLETION_REQUESTED);
		if (ret != -EAGAIN)
			return ret;
		ec->full++;
		ret = echo_stopped(ec);
		if (ret)
			return ret;
		ret = hvg_vmbus_chan_wait_writable(ec->chan, len);
		if (ret)
			return ret;
	}
}

/*
 * One synchronous request: @op with @arg and @len, then the reply header
 * in ec->sync.reply. Process context, ed->run_lock held.
 */
static int echo_sync(struct echo_chan *ec, u32 op, u64 arg, u32 len,
		     struct hvg_echo_hdr *reply)
{
	struct echo_dev *ed = ec->ed;
	struct echo_sync *s = &ec->sync;
	struct hvg_echo_hdr h = {
		.op = op, .len = len, .arg = arg, .seq = 0xffff0000u | op,
	};
	unsigned long deadline;
	u64 id;
	int ret;

	if (!ec->open)
		return -ENOTCONN;
	s->done = false;
	s->req.op = op;
	s->req.seq = h.seq;
	id = hvg_vmbus_rqid_get(ec->rqids, s);
	if (!id)
		return -EBUSY;
	ret = echo_send(ec, &h, sizeof(h), id);
	if (ret) {
		hvg_vmbus_rqid_put(ec->rqids, id);
		return ret;
	}
	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	while (!echo_sync_done(s)) {
		ret = echo_stopped(ec);
		if (!ret && time_after(jiffies, deadline))
			ret = -ETIMEDOUT;
		if (ret) {
			/*
			 * Take the id back: if the callback has it already,
			 * its reply is being stored now; wait for that.
			 */
			if (hvg_vmbus_rqid_put(ec->rqids, id))
				return ret;
			wait_event_timeout(ec->wq, echo_sync_done(s), HZ);
			if (!echo_sync_done(s))
				return ret;
			break;
		}
		wait_event_timeout(ec->wq, echo_sync_done(s) ||
				   READ_ONCE(ed->stop), HZ / 10);
	}
	if (s->reply_len < ECHO_HDR_LEN || s->reply_type != HVG_PKT_DATA_INBAND ||
	    s->reply.op != op || s->reply.seq != h.seq) {
		dev_err_ratelimited(&ed->hdev->dev,
				    "channel %u: malformed reply to op %u: type %u, %u bytes, op %u, seq %#x\n",
				    ec->index, op, s->reply_type, s->reply_len,
				    s->reply.op, s->reply.seq);
		return -EPROTO;
	}
	*reply = s->reply;
	return 0;
}

static int echo_host_stats(struct echo_chan *ec, u64 *req, u32 *bytes)
{
	struct hvg_echo_hdr r;
	int ret = echo_sync(ec, HVG_ECHO_OP_STATS, 0, 0, &r);

	if (ret)
		return ret;
	*req = r.arg;
	*bytes = r.len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Channels: open and close.                                          */

static void echo_chan_free_bufs(struct echo_chan *ec)
{
	hvg_vmbus_rqid_destroy(ec->rqids);
	ec->rqids = NULL;
	kvfree(ec->txbuf);
	ec->txbuf = NULL;
	vfree(ec->pattern);
	ec->pattern = NULL;
	kfree(ec->reqs);
	ec->reqs = NULL;
	kfree(ec->free);
	ec->free = NULL;
	vfree(ec->pages_buf);
	ec->pages_buf = NULL;
	kfree(ec->pages_pfn);
	ec->pages_pfn = NULL;
	ec->pages_npages = 0;
}

static int echo_chan_open(struct echo_chan *ec)
{
	struct echo_dev *ed = ec->ed;
	struct hvg_vmbus_open_params p = {
		.send_size = ring_size,
		.recv_size = ring_size,
		.poll = echo_poll,
		.budget = ECHO_BUDGET,
	};
	struct rnd_state rnd;
	unsigned int i;
	int ret;

	if (ec->open)
		return 0;
	ec->rqids = hvg_vmbus_rqid_create(ECHO_MAX_WINDOW + 1);
	/* a reply is at most the largest request; the ring bounds it too */
	ec->rx_max = ring_size - HVG_RING_HDR_SIZE;
	ec->txbuf = kvzalloc(ECHO_HDR_LEN + ed->max_payload, GFP_KERNEL);
	ec->pattern_len = ed->max_payload + PAGE_SIZE;
	ec->pattern = vmalloc(ec->pattern_len);
	ec->reqs = kcalloc(ECHO_MAX_WINDOW, sizeof(*ec->reqs), GFP_KERNEL);
	ec->free = kcalloc(ECHO_MAX_WINDOW, sizeof(*ec->free), GFP_KERNEL);
	if (!ec->rqids || !ec->txbuf || !ec->pattern ||
	    !ec->reqs || !ec->free) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < ECHO_MAX_WINDOW; i++)
		ec->free[i] = i;
	ec->nfree = ECHO_MAX_WINDOW;
	atomic_set(&ec->inflight, 0);
	prandom_seed_state(&rnd, 0x5eed0000ull + ec->index);
	prandom_bytes_state(&rnd, ec->pattern, ec->pattern_len);

	hvg_vmbus_chan_set_drvdata(ec->chan, ec);
	ret = hvg_vmbus_chan_open(ec->chan, &p);
	if (ret) {
		dev_err(&ed->hdev->dev, "channel %u (relid %u): open failed: %d\n",
			ec->index, hvg_vmbus_chan_relid(ec->chan), ret);
		goto err;
	}
	ec->open = true;
	dev_dbg(&ed->hdev->dev, "channel %u (relid %u) open, target cpu %u\n",
		ec->index, hvg_vmbus_chan_relid(ec->chan),
		hvg_vmbus_chan_target_cpu(ec->chan));
	return 0;
err:
	echo_chan_free_bufs(ec);
	return ret;
}

static void echo_chan_close(struct echo_chan *ec)
{
	if (!ec->open)
		return;
	/* on return the callback no longer runs */
	hvg_vmbus_chan_close(ec->chan);
	ec->open = false;
	echo_chan_free_bufs(ec);
}

/* The core hands over each sub-channel offered to the primary. */
static void echo_subchan(struct hvg_vmbus_channel *sub)
{
	struct hvg_vmbus_device *hdev = hvg_vmbus_chan_device(sub);
	struct echo_dev *ed = hvg_vmbus_get_drvdata(hdev);
	u16 idx = hvg_vmbus_chan_subchan_index(sub);

	if (!ed)
		return;
	mutex_lock(&ed->lock);
	if (idx == 0 || idx >= ECHO_MAX_CHANNELS || ed->chans[idx].chan) {
		dev_warn(&hdev->dev, "sub-channel index %u (relid %u) %s, not used\n",
			 idx, hvg_vmbus_chan_relid(sub),
			 idx && idx < ECHO_MAX_CHANNELS ? "offered twice" :
			 "out of range");
	} else {
		/* Ours until echo_forget_sub(): the core drops released ones. */
		hvg_vmbus_chan_get(sub);
		WRITE_ONCE(ed->chans[idx].chan, sub);
		ed->nsub++;
	}
	mutex_unlock(&ed->lock);
	wake_up(&ed->subwq);
}

/* Forget sub-channel @ec (closed) and drop the reference echo_subchan() took. */
static void echo_forget_sub(struct echo_dev *ed, struct echo_chan *ec)
{
	struct hvg_vmbus_channel *chan;

	mutex_lock(&ed->lock);
	chan = ec->chan;
	WRITE_ONCE(ec->chan, NULL);
	if (chan)
		ed->nsub--;
	mutex_unlock(&ed->lock);
	if (chan)
		hvg_vmbus_chan_put(chan);
}

/*
 * Sub-channels 1..@n handed over? Lockless (a wait_event() condition may
 * not sleep): each pointer is set once, by echo_subchan(), and only read
 * here; the wake_up() after the store and the waiter's prepare_to_wait()
 * order it.
 */
static bool echo_have_subs(struct echo_dev *ed, unsigned int n)
{
	unsigned int i;

	for (i = 1; i <= n; i++)
		if (!READ_ONCE(ed->chans[i].chan))
			return false;
	return true;
}

/*
 * Close and forget the sub-channels the host rescinded on their own (the
 * primary still there): closing one lets the core release its relid, and
 * a later request may bring a new one with its index. ed->run_lock held.
 */
static void echo_drop_rescinded_subs(struct echo_dev *ed)
{
	unsigned int i;

	for (i = 1; i < ECHO_MAX_CHANNELS; i++) {
		struct echo_chan *ec = &ed->chans[i];

		if (!ec->chan || !hvg_vmbus_chan_rescinded(ec->chan))
			continue;
		dev_info(&ed->hdev->dev, "sub-channel %u (relid %u) was rescinded: closed\n",
			 i, hvg_vmbus_chan_relid(ec->chan));
		echo_chan_close(ec);
		echo_forget_sub(ed, ec);
	}
}

/*
 * Have channels 0 .. @want - 1 open: ask the host for sub-channels
 * (HVG_ECHO_OP_SUBCHANNELS) if there are not enough, wait for their
 * offers, open them. Return: the number of channels open from index 0 up
 * (the host may offer fewer than asked), or an error.
 */
static int echo_channels(struct echo_dev *ed, unsigned int want)
{
	struct echo_chan *pc = &ed->chans[0];
	struct hvg_echo_hdr r;
	unsigned int n = want - 1, i;
	int ret;

	echo_drop_rescinded_subs(ed);
	if (n && !echo_have_subs(ed, n)) {
		ret = echo_sync(pc, HVG_ECHO_OP_SUBCHANNELS, n, 0, &r);
		if (ret) {
			dev_err(&ed->hdev->dev, "sub-channel request failed: %d\n",
				ret);
			return ret;
		}
		if (r.status) {
			dev_err(&ed->hdev->dev, "the host refused sub-channels: status %u\n",
				r.status);
			return -EIO;
		}
		if (r.arg < n) {
			dev_info(&ed->hdev->dev, "asked for %u sub-channels, the host offers %llu\n",
				 n, r.arg);
			n = r.arg;
		}
		if (n) {
			ret = hvg_vmbus_wait_subchans(pc->chan, n);
			if (ret) {
				dev_err(&ed->hdev->dev, "waiting for %u sub-channel offers: %d\n",
					n, ret);
				return ret;
			}
			if (!wait_event_timeout(ed->subwq,
						echo_have_subs(ed, n) ||
						READ_ONCE(ed->stop),
						msecs_to_jiffies(timeout_ms))) {
				dev_err(&ed->hdev->dev, "sub-channels 1..%u were not handed over\n",
					n);
				return -ETIMEDOUT;
			}
			if (READ_ONCE(ed->stop))
				return ed->stop;
		}
	}
	for (i = 1; i <= n; i++) {
		if (!ed->chans[i].chan)
			return i;
		ret = echo_chan_open(&ed->chans[i]);
		if (ret)
			return ret;
	}
	return n + 1;
}

/* ------------------------------------------------------------------ */
/* The echo and pages modes: one sending thread per channel.          */

static u32 echo_rand_range(struct rnd_state *rnd, u32 lo, u32 hi)
{
	if (hi <= lo)
		return lo;
	return lo + (u32)(((u64)prandom_u32_state(rnd) * (hi - lo + 1)) >> 32);
}

static int echo_pages_setup(struct echo_chan *ec, u32 npages)
{
	u32 i;

	if (ec->pages_buf && ec->pages_npages == npages)
		return 0;
	vfree(ec->pages_buf);
	kfree(ec->pages_pfn);
	ec->pages_npages = 0;
	ec->pages_buf = vmalloc(npages * PAGE_SIZE);
	ec->pages_pfn = kcalloc(npages, sizeof(u64), GFP_KERNEL);
	if (!ec->pages_buf || !ec->pages_pfn) {
		vfree(ec->pages_buf);
		ec->pages_buf = NULL;
		kfree(ec->pages_pfn);
		ec->pages_pfn = NULL;
		return -ENOMEM;
	}
	prandom_bytes_state(&ec->rnd, ec->pages_buf, npages * PAGE_SIZE);
	for (i = 0; i < npages; i++)
		ec->pages_pfn[i] =
			page_to_pfn(vmalloc_to_page(ec->pages_buf + i * PAGE_SIZE));
	ec->pages_npages = npages;
	return 0;
}

struct echo_thread_arg {
	struct echo_chan *ec;
	const struct echo_params *p;
};

/* One request of the run; returns 0 or the error that ends the run. */
static int echo_send_one(struct echo_chan *ec, const struct echo_params *p,
			 u32 seq, bool pages)
{
	struct echo_dev *ed = ec->ed;
	struct hvg_echo_hdr *h = (struct hvg_echo_hdr *)ec->txbuf;
	u32 hi = p->size_max, len, off, csum = 0;
	struct hvg_vmbus_page_range range;
	struct echo_req *r;
	u64 id;
	int ret;

	if (p->big_every && !pages &&
	    prandom_u32_state(&ec->rnd) % p->big_every == 0)
		len = echo_rand_range(&ec->rnd, ed->max_payload / 2,
				      ed->max_payload);
	else
		len = echo_rand_range(&ec->rnd, p->size_min, hi);

	if (pages) {
		u32 buf = ec->pages_npages * PAGE_SIZE;

		len = max(len, 1u);
		off = echo_rand_range(&ec->rnd, 0, buf - len);
		if (ec->verify)
			csum = crc32_le(~0, ec->pages_buf + off, len);
		range.len = len;
		range.offset = off % PAGE_SIZE;
		range.npages = DIV_ROUND_UP(range.offset + len, PAGE_SIZE);
		range.pfns = &ec->pages_pfn[off / PAGE_SIZE];
	} else {
		off = echo_rand_range(&ec->rnd, 0, ec->pattern_len - len);
		if (ec->verify) {
			memcpy(ec->txbuf + ECHO_HDR_LEN, ec->pattern + off, len);
			csum = crc32_le(~0, ec->txbuf + ECHO_HDR_LEN, len);
		}
	}
	h->op = pages ? HVG_ECHO_OP_PAGES : HVG_ECHO_OP_ECHO;
	h->len = len;
	h->seq = seq;
	h->csum = csum;
	h->arg = 0;
	h->status = 0;
	h->reserved = 0;

	r = echo_req_alloc(ec);
	if (WARN_ON_ONCE(!r))	/* the window is smaller than the records */
		return -ENOSPC;
	r->op = h->op;
	r->seq = seq;
	r->len = len;
	r->csum = csum;
	atomic_inc(&ec->inflight);
	id = hvg_vmbus_rqid_get(ec->rqids, r);
	if (!id) {
		ret = -ENOSPC;
		goto undo;
	}
	if (pages) {
		for (;;) {
			ret = hvg_vmbus_chan_send_pages(ec->chan, &range, 1, h,
							ECHO_HDR_LEN, id);
			if (ret != -EAGAIN)
				break;
			ec->full++;
			ret = echo_stopped(ec);
			if (!ret)
				ret = hvg_vmbus_chan_wait_writable(ec->chan,
								   ECHO_HDR_LEN + 16 +
								   8 * range.npages);
			if (ret)
				break;
		}
	} else {
		ret = echo_send(ec, ec->txbuf, ECHO_HDR_LEN + len, id);
	}
	if (ret) {
		/* not sent: take the id back unless a reply raced in */
		if (hvg_vmbus_rqid_put(ec->rqids, id) != r)
			return ret;
		goto undo;
	}
	ec->tx_packets++;
	ec->tx_bytes += ECHO_HDR_LEN + len;
	return 0;
undo:
	echo_req_free(ec, r);
	atomic_dec(&ec->inflight);
	return ret;
}

static int echo_thread(void *data)
{
	struct echo_thread_arg *a = data;
	struct echo_chan *ec = a->ec;
	const struct echo_params *p = a->p;
	bool pages = !strcmp(p->mode, "pages");
	u64 i;
	int ret = 0;

	for (i = 0; i < ec->target; i++) {
		if (atomic_read(&ec->inflight) >= p->window) {
			/*
			 * The window is full: wait until half of it has been
			 * answered, then send a burst (a queue's low and high
			 * watermarks), rather than one request per reply.
			 */
			ret = echo_wait_inflight(ec, p->window / 2 + 1, false);
			if (ret)
				break;
		}
		ret = echo_stopped(ec);
		if (ret)
			break;
		ret = echo_send_one(ec, p, (u32)i, pages);
		if (ret)
			break;
		if (!(i & 255))
			cond_resched();
	}
	/* the first error ends every channel's sending */
	if (ret)
		cmpxchg(&ec->ed->run_abort, 0, ret);
	/* drain what is in flight, unless nothing more can come */
	if (ret != -ETIMEDOUT) {
		int err = echo_wait_inflight(ec, 1, true);

		ret = ret ?: err;
	}
	ec->result = ret;
	complete(&ec->thread_done);
	/* kthread_stop() reaps this thread */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static const char *echo_errname(int err)
{
	switch (err) {
	case 0: return "ok";
	case -ENODEV: return "rescinded or removed";
	case -ETIMEDOUT: return "timed out";
	case -EINTR: return "interrupted";
	case -EIO: return "errors";
	case -EMSGSIZE: return "packet too large for the ring";
	case -ENOMEM: return "out of memory";
	default: return "failed";
	}
}

static u64 echo_errors(const struct echo_counts *c)
{
	return c->err_csum + c->err_len + c->err_id + c->err_type +
	       c->err_status + c->err_ring;
}

/*
 * The host's STATS answer counts itself, and its bytes are the payload
 * after the header (ECHO) or the ranges' bytes (PAGES). Between the STATS
 * before and the one after a run, the request count moves by the run's
 * requests plus one (the first STATS), the byte count (low 32 bits) by
 * the run's bytes after the header.
 */
static bool echo_host_agrees(const struct echo_chan *ec)
{
	u64 dreq = ec->host_req[1] - ec->host_req[0];
	u32 dbytes = ec->host_bytes[1] - ec->host_bytes[0];
	u64 data = ec->tx_bytes - ec->tx_packets * ECHO_HDR_LEN;

	return dreq == ec->tx_packets + 1 && dbytes == (u32)data;
}

/*
 * With @p->affine, the sending thread of @ec (created, not yet woken) runs
 * on the channel's target CPU, where the core takes its replies (the
 * channel's tasklet): the request records, the request-id pool and the
 * in-flight count stay in one CPU's cache, and on a guest with more CPUs
 * than channels the other CPUs are left to whatever serves the requests
 * (in the loopback host, the channel's work). An ordinary affinity, which
 * CPU hot-unplug may break, and which the target CPU moved during the run
 * does not follow. Otherwise the scheduler places the thread.
 */
static void echo_thread_cpu(struct echo_chan *ec, const struct echo_params *p)
{
	unsigned int cpu = hvg_vmbus_chan_target_cpu(ec->chan);

	if (p->affine && cpu_online(cpu))
		set_cpus_allowed_ptr(ec->thread, cpumask_of(cpu));
}

static int echo_run_stream(struct echo_dev *ed, struct echo_params *p,
			   char *out, size_t outlen)
{
	struct echo_thread_arg args[ECHO_MAX_CHANNELS];
	bool pages = !strcmp(p->mode, "pages");
	struct echo_counts tot = { };
	u64 tx = 0, txb = 0, full = 0, elapsed, start, pps, mbps;
	unsigned int nch, i;
	u32 rem;
	bool agree = true, stats_ok = true;
	size_t o = 0;
	int ret, err = 0, killed = 0;

	ret = echo_channels(ed, p->channels);
	if (ret < 0)
		return ret;
	nch = ret;

	for (i = 0; i < nch; i++) {
		struct echo_chan *ec = &ed->chans[i];

		memset(&ec->rx, 0, sizeof(ec->rx));
		ec->tx_packets = 0;
		ec->tx_bytes = 0;
		ec->full = 0;
		ec->result = 0;
		ec->verify = p->verify;
		ec->target = div_u64_rem(p->packets, nch, &rem);
		ec->target += i < rem;
		prandom_seed_state(&ec->rnd, ((u64)p->seed << 8) | i);
		ec->thread = NULL;
		if (pages) {
			ret = echo_pages_setup(ec, p->pages_buf);
			if (ret)
				goto stop_threads;
		}
		ret = echo_host_stats(ec, &ec->host_req[0], &ec->host_bytes[0]);
		if (ret) {
			dev_err(&ed->hdev->dev, "channel %u: STATS before the run: %d\n",
				i, ret);
			goto stop_threads;
		}
		init_completion(&ec->thread_done);
		args[i].ec = ec;
		args[i].p = p;
		ec->thread = kthread_create(echo_thread, &args[i], "hvg_echo/%u",
					    hvg_vmbus_chan_relid(ec->chan));
		if (IS_ERR(ec->thread)) {
			ret = PTR_ERR(ec->thread);
			ec->thread = NULL;
			goto stop_threads;
		}
		get_task_struct(ec->thread);
		echo_thread_cpu(ec, p);
	}

	start = ktime_get_ns();
	for (i = 0; i < nch; i++)
		wake_up_process(ed->chans[i].thread);
	for (i = 0; i < nch; i++) {
		struct echo_chan *ec = &ed->chans[i];

		if (!killed &&
		    wait_for_completion_killable(&ec->thread_done)) {
			killed = 1;
			/* every wait of the threads sees this within 100 ms */
			WRITE_ONCE(ed->stop, -EINTR);
		}
		if (killed)
			wait_for_completion(&ec->thread_done);
	}
	elapsed = ktime_get_ns() - start;
	/* a remove() meanwhile keeps its -ENODEV */
	if (killed)
		cmpxchg(&ed->stop, -EINTR, 0);
	ret = 0;

stop_threads:
	for (i = 0; i < nch; i++) {
		struct echo_chan *ec = &ed->chans[i];

		if (!ec->thread)
			continue;
		if (ret) {
			/* not started: it never ran the loop */
			ec->target = 0;
			wake_up_process(ec->thread);
			wait_for_completion(&ec->thread_done);
		}
		kthread_stop(ec->thread);
		put_task_struct(ec->thread);
		ec->thread = NULL;
	}
	if (ret)
		return ret;

	/* The callbacks' counts are complete once inflight reached 0. */
	smp_rmb();
	for (i = 0; i < nch; i++) {
		struct echo_chan *ec = &ed->chans[i];

		if (ec->result && !err)
			err = ec->result;
		if (!ec->result &&
		    echo_host_stats(ec, &ec->host_req[1], &ec->host_bytes[1]))
			stats_ok = false;
		else if (!ec->result && !echo_host_agrees(ec))
			agree = false;
		tx += ec->tx_packets;
		txb += ec->tx_bytes;
		full += ec->full;
		tot.packets += ec->rx.packets;
		tot.bytes += ec->rx.bytes;
		tot.err_csum += ec->rx.err_csum;
		tot.err_len += ec->rx.err_len;
		tot.err_id += ec->rx.err_id;
		tot.err_type += ec->rx.err_type;
		tot.err_status += ec->rx.err_status;
		tot.err_ring += ec->rx.err_ring;
		ec->life_packets += ec->rx.packets;
		ec->life_bytes += ec->rx.bytes;
		ec->life_errors += echo_errors(&ec->rx);
	}
	if (!err && echo_errors(&tot))
		err = -EIO;
	if (!err && (!stats_ok || !agree))
		err = -EIO;
	if (!err && tot.packets != p->packets)
		err = -EIO;

	pps = elapsed ? div64_u64(tot.packets * NSEC_PER_SEC, elapsed) : 0;
	/* bytes per microsecond = MB/s; both directions counted once */
	mbps = elapsed ? div64_u64(tot.bytes * 1000, elapsed) : 0;

	o += scnprintf(out + o, outlen - o,
		       "status: %d (%s)\nmode: %s\nchannels: %u\nchannels_asked: %u\n",
		       err, echo_errname(err), p->mode, nch, p->channels);
	o += scnprintf(out + o, outlen - o,
		       "packets_asked: %llu\npackets_sent: %llu\npackets: %llu\nbytes: %llu\nbytes_sent: %llu\n",
		       p->packets, tx, tot.packets, tot.bytes, txb);
	o += scnprintf(out + o, outlen - o,
		       "errors: %llu\nerr_csum: %llu\nerr_len: %llu\nerr_id: %llu\nerr_type: %llu\nerr_status: %llu\nerr_ring: %llu\n",
		       echo_errors(&tot), tot.err_csum, tot.err_len, tot.err_id,
		       tot.err_type, tot.err_status, tot.err_ring);
	o += scnprintf(out + o, outlen - o,
		       "ring_full: %llu\nelapsed_ns: %llu\npackets_per_s: %llu\nMB_per_s: %llu\n",
		       full, elapsed, pps, mbps);
	o += scnprintf(out + o, outlen - o,
		       "size_min: %u\nsize_max: %u\nbig_every: %u\nmax_payload: %u\nwindow: %u\nseed: %u\nverify: %u\n",
		       p->size_min, p->size_max, p->big_every, ed->max_payload,
		       p->window, p->seed, p->verify);
	o += scnprintf(out + o, outlen - o, "host_stats: %s\n",
		       !stats_ok ? "unavailable" : agree ? "agree" : "DISAGREE");
	o += scnprintf(out + o, outlen - o, "relids:");
	for (i = 0; i < nch; i++)
		o += scnprintf(out + o, outlen - o, " %u",
			       hvg_vmbus_chan_relid(ed->chans[i].chan));
	o += scnprintf(out + o, outlen - o, "\n");
	for (i = 0; i < nch; i++) {
		struct echo_chan *ec = &ed->chans[i];

		o += scnprintf(out + o, outlen - o,
			       "chan %u relid %u cpu %u status %d sent %llu packets %llu bytes %llu errors %llu full %llu host_requests %llu host_bytes32 %u\n",
			       i, hvg_vmbus_chan_relid(ec->chan),
			       hvg_vmbus_chan_target_cpu(ec->chan), ec->result,
			       ec->tx_packets, ec->rx.packets, ec->rx.bytes,
			       echo_errors(&ec->rx), ec->full,
			       ec->host_req[1] - ec->host_req[0],
			       ec->host_bytes[1] - ec->host_bytes[0]);
	}
	if (err)
		dev_err(&ed->hdev->dev, "%s run ended: %d (%s): %llu of %llu packets, %llu errors, host stats %s\n",
			p->mode, err, echo_errname(err), tot.packets, p->packets,
			echo_errors(&tot),
			!stats_ok ? "unavailable" : agree ? "agree" : "disagree");
	return err;
}

/* ------------------------------------------------------------------ */
/* The gpadl mode.                                                    */

static int echo_gpadl_sum(struct echo_chan *ec, u32 handle, u32 len,
			  u32 expect)
{
	struct hvg_echo_hdr r;
	int ret = echo_sync(ec, HVG_ECHO_OP_GPADL_SUM, handle, len, &r);

	if (ret)
		return ret;
	if (r.status) {
		dev_err_ratelimited(&ec->ed->hdev->dev,
				    "GPADL_SUM of handle %u, %u bytes: host status %u\n",
				    handle, len, r.status);
		return -EIO;
	}
	if (r.csum != expect) {
		dev_err_ratelimited(&ec->ed->hdev->dev,
				    "GPADL_SUM of handle %u, %u bytes: host %08x, guest %08x\n",
				    handle, len, r.csum, expect);
		return -EIO;
	}
	return 0;
}

/*
 * A buffer the host may still map (its GPADL teardown failed) is never
 * freed: it is kept, logged, and told to kmemleak. Return: NULL.
 */
static u8 *echo_leak(struct echo_dev *ed, u8 *buf, u32 npages)
{
	dev_err(&ed->hdev->dev, "GPADL of %u pages not torn down: its %zu-byte buffer is kept, never freed\n",
		npages, (size_t)ECHO_GPADL_BUF_PAGES * PAGE_SIZE);
	kmemleak_not_leak(buf);
	return NULL;
}

static int echo_run_gpadl(struct echo_dev *ed, struct echo_params *p,
			  char *out, size_t outlen)
{
	struct echo_chan *ec = &ed->chans[0];
	u32 *pcrc = NULL, handle, npages, len, expect;
	u64 created = 0, torn = 0, sums = 0, sum_bytes = 0, pages_total = 0;
	u64 start, elapsed;
	int ret = 0, e2big;
	struct rnd_state rnd;
	size_t o = 0;
	u8 *buf;
	u32 i;

	if (p->pages_max > HVG_GPADL_MAX_PAGES || p->pages_min < 1 ||
	    p->pages_min > p->pages_max)
		return -EINVAL;
	buf = vmalloc((size_t)ECHO_GPADL_BUF_PAGES * PAGE_SIZE);
	pcrc = kvmalloc_array(ECHO_GPADL_BUF_PAGES + 1, sizeof(u32),
			      GFP_KERNEL);
	if (!buf || !pcrc) {
		ret = -ENOMEM;
		goto out_free;
	}
	prandom_seed_state(&rnd, p->seed);
	prandom_bytes_state(&rnd, buf, (size_t)ECHO_GPADL_BUF_PAGES * PAGE_SIZE);
	/* crc32 of the first k pages, so that any sum is cheap to expect */
	pcrc[0] = ~0u;
	for (i = 0; i < ECHO_GPADL_BUF_PAGES; i++) {
		pcrc[i + 1] = crc32_le(pcrc[i], buf + (size_t)i * PAGE_SIZE,
				       PAGE_SIZE);
		cond_resched();
	}

	start = ktime_get_ns();
	for (i = 0; i < p->iterations; i++) {
		if (i == 0)
			npages = p->pages_min;
		else if (i == 1)
			npages = p->pages_max;
		else
			npages = echo_rand_range(&rnd, p->pages_min,
						 p->pages_max);
		ret = echo_stopped(ec);
		if (ret)
			break;
		ret = hvg_vmbus_gpadl_create(ec->chan, buf,
					     (size_t)npages * PAGE_SIZE, &handle);
		if (ret) {
			dev_err(&ed->hdev->dev, "GPADL of %u pages (iteration %u): create failed: %d\n",
				npages, i, ret);
			/* the host may map it: free it only once torn down */
			if (ret == -ETIMEDOUT &&
			    hvg_vmbus_gpadl_teardown(ec->chan, handle))
				buf = echo_leak(ed, buf, npages);
			break;
		}
		created++;
		pages_total += npages;
		/* the whole buffer now and then and at the extremes; else a part */
		if (i < 2 || (p->sum_every && i % p->sum_every == 0))
			len = npages * PAGE_SIZE;
		else
			len = echo_rand_range(&rnd, 1,
					      min_t(u32, npages * PAGE_SIZE,
						    16 * PAGE_SIZE));
		expect = len % PAGE_SIZE ?
			crc32_le(pcrc[len / PAGE_SIZE],
				 buf + (len & ~(PAGE_SIZE - 1)), len % PAGE_SIZE) :
			pcrc[len / PAGE_SIZE];
		ret = echo_gpadl_sum(ec, handle, len, expect);
		if (!ret) {
			sums++;
			sum_bytes += len;
		}
		if (hvg_vmbus_gpadl_teardown(ec->chan, handle)) {
			buf = echo_leak(ed, buf, npages);
			ret = ret ?: -EIO;
			break;
		}
		torn++;
		if (ret)
			break;
		cond_resched();
	}
	elapsed = ktime_get_ns() - start;

	/* One page more than the protocol can describe: refused, nothing sent. */
	e2big = 0;
	if (!ret && buf) {
		e2big = hvg_vmbus_gpadl_create(ec->chan, buf,
					       (size_t)ECHO_GPADL_BUF_PAGES *
					       PAGE_SIZE, &handle);
		if (e2big == 0) {
			dev_err(&ed->hdev->dev, "a GPADL of %u pages was created; it must be refused\n",
				ECHO_GPADL_BUF_PAGES);
			if (hvg_vmbus_gpadl_teardown(ec->chan, handle))
				buf = echo_leak(ed, buf, ECHO_GPADL_BUF_PAGES);
			ret = -EIO;
		} else if (e2big != -E2BIG) {
			dev_err(&ed->hdev->dev, "a GPADL of %u pages failed with %d, not -E2BIG\n",
				ECHO_GPADL_BUF_PAGES, e2big);
			ret = -EIO;
		}
	}
	if (ret)
		dev_err(&ed->hdev->dev, "gpadl run ended: %d (%s) after %llu of %u GPADLs\n",
			ret, echo_errname(ret), created, p->iterations);

	o += scnprintf(out + o, outlen - o,
		       "status: %d (%s)\nmode: gpadl\niterations: %u\npages_min: %u\npages_max: %u\n",
		       ret, echo_errname(ret), p->iterations, p->pages_min,
		       p->pages_max);
	o += scnprintf(out + o, outlen - o,
		       "created: %llu\ntorn_down: %llu\npages_total: %llu\nsums_ok: %llu\nsum_bytes: %llu\n",
		       created, torn, pages_total, sums, sum_bytes);
	o += scnprintf(out + o, outlen - o,
		       "pages_%u: %d\nelapsed_ns: %llu\ngpadls_per_s: %llu\n",
		       ECHO_GPADL_BUF_PAGES, e2big, elapsed,
		       elapsed ? div64_u64(created * NSEC_PER_SEC, elapsed) : 0);
out_free:
	vfree(buf);
	kvfree(pcrc);
	return ret;
}

/* ------------------------------------------------------------------ */
/* debugfs.                                                           */

static int echo_parse(struct echo_dev *ed, char *s, struct echo_params *p)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
#define K(f) { #f, offsetof(struct echo_params, f) }
		K(size_min), K(size_max), K(big_every), K(channels), K(window),
		K(seed), K(verify), K(iterations), K(pages_min), K(pages_max),
		K(sum_every), K(pages_buf), K(affine),
#undef K
	};
	char *tok, *val;
	unsigned int i;
	int ret;

	*p = (struct echo_params) {
		.mode = "echo", .packets = 1000, .size_min = 0,
		.size_max = 1024, .channels = 1, .window = 64, .seed = 1,
		.verify = 1, .iterations = 10, .pages_min = 1,
		.pages_max = HVG_GPADL_MAX_PAGES, .sum_every = 100,
		.pages_buf = 64, .affine = 1,
	};
	while ((tok = strsep(&s, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			goto bad;
		*val++ = '\0';
		if (!strcmp(tok, "mode")) {
			if (strcmp(val, "echo") && strcmp(val, "pages") &&
			    strcmp(val, "gpadl"))
				goto bad;
			strscpy(p->mode, val, sizeof(p->mode));
			continue;
		}
		if (!strcmp(tok, "packets")) {
			ret = kstrtou64(val, 0, &p->packets);
			if (ret)
				goto bad;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(tok, keys[i].key))
				break;
		if (i == ARRAY_SIZE(keys) ||
		    kstrtou32(val, 0, (u32 *)((u8 *)p + keys[i].off)))
			goto bad;
	}
	if (!p->size_max || p->size_max > ed->max_payload)
		p->size_max = ed->max_payload;
	if (p->size_min > p->size_max || !p->channels ||
	    p->channels > min_t(u32, max_channels, ECHO_MAX_CHANNELS) ||
	    !p->window || p->window > ECHO_MAX_WINDOW || !p->pages_buf ||
	    p->pages_buf > 1024 || p->packets < p->channels) {
		dev_warn(&ed->hdev->dev,
			 "run: parameters out of range (size %u..%u of at most %u, channels %u of at most %u, window %u of at most %u, pages_buf %u, packets %llu)\n",
			 p->size_min, p->size_max, ed->max_payload, p->channels,
			 min_t(u32, max_channels, ECHO_MAX_CHANNELS), p->window,
			 ECHO_MAX_WINDOW, p->pages_buf, p->packets);
		return -EINVAL;
	}
	if (!strcmp(p->mode, "pages") &&
	    p->size_max > p->pages_buf * PAGE_SIZE)
		p->size_max = p->pages_buf * PAGE_SIZE;
	return 0;
bad:
	dev_warn(&ed->hdev->dev, "run: cannot parse '%s'\n", tok);
	return -EINVAL;
}

static ssize_t echo_run_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	struct echo_params p;
	char *kbuf;
	int ret;

	if (count > 512)
		return -EINVAL;
	kbuf = memdup_user_nul(ubuf, count);
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	ret = mutex_lock_interruptible(&ed->run_lock);
	if (ret)
		goto out;
	ret = READ_ONCE(ed->stop);
	if (ret)
		goto unlock;
	ret = echo_parse(ed, kbuf, &p);
	if (ret)
		goto unlock;
	ed->result[0] = '\0';
	WRITE_ONCE(ed->run_abort, 0);
	if (!strcmp(p.mode, "gpadl"))
		ret = echo_run_gpadl(ed, &p, ed->result, ECHO_RESULT_SIZE);
	else
		ret = echo_run_stream(ed, &p, ed->result, ECHO_RESULT_SIZE);
	if (!ed->result[0])
		scnprintf(ed->result, ECHO_RESULT_SIZE, "status: %d (%s)\nmode: %s\n",
			  ret, echo_errname(ret), p.mode);
	/* a sub-channel rescinded during the run: give it back now */
	if (ret == -ENODEV && !READ_ONCE(ed->stop))
		echo_drop_rescinded_subs(ed);
	ed->runs++;
unlock:
	mutex_unlock(&ed->run_lock);
out:
	kfree(kbuf);
	return ret ? ret : count;
}

static ssize_t echo_run_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&ed->run_lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, ed->result,
				      strlen(ed->result));
	mutex_unlock(&ed->run_lock);
	return ret;
}

static const struct file_operations echo_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = echo_run_read,
	.write = echo_run_write,
	.llseek = default_llseek,
};

static int echo_info_show(struct seq_file *m, void *unused)
{
	struct echo_dev *ed = m->private;
	struct hvg_vmbus_chan_stats st;
	unsigned int i;

	if (mutex_lock_interruptible(&ed->run_lock))
		return -EINTR;
	seq_printf(m, "device: %s\nruns: %llu\nring_size: %u\nmax_payload: %u\nsubchannels_offered: %u\n",
		   echo_dbg_name(ed), ed->runs, ring_size, ed->max_payload,
		   ed->nsub);
	for (i = 0; i < ECHO_MAX_CHANNELS; i++) {
		struct echo_chan *ec = &ed->chans[i];

		if (!ec->chan)
			continue;
		seq_printf(m, "chan %u relid %u cpu %u %s packets %llu bytes %llu errors %llu\n",
			   i, hvg_vmbus_chan_relid(ec->chan),
			   hvg_vmbus_chan_target_cpu(ec->chan),
			   ec->open ? "open" : "closed", ec->life_packets,
			   ec->life_bytes, ec->life_errors);
		/* The core's counters of the channel, since its offer. */
		hvg_vmbus_chan_stats(ec->chan, &st);
		seq_printf(m, "  vmbus: packets_in %llu bytes_in %llu packets_out %llu bytes_out %llu signals %llu interrupts %llu ring_full %llu polls %llu malformed %llu oversized %llu\n",
			   st.packets_in, st.bytes_in, st.packets_out,
			   st.bytes_out, st.signals, st.interrupts,
			   st.ring_full, st.polls, st.malformed, st.oversized);
	}
	mutex_unlock(&ed->run_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(echo_info);

/* ------------------------------------------------------------------ */
/* The driver.                                                        */

static int echo_probe(struct hvg_vmbus_device *hdev,
		      const struct hv_vmbus_device_id *id)
{
	struct echo_dev *ed;
	unsigned int i;
	int ret;

	if (ring_size < 2 * PAGE_SIZE || ring_size > SZ_8M ||
	    ring_size % PAGE_SIZE) {
		dev_err(&hdev->dev, "ring_size %u is not a multiple of 4096 from 8 KiB to 8 MiB\n",
			ring_size);
		return -EINVAL;
	}
	ed = kzalloc(sizeof(*ed), GFP_KERNEL);
	if (!ed)
		return -ENOMEM;
	ed->result = kzalloc(ECHO_RESULT_SIZE, GFP_KERNEL);
	if (!ed->result) {
		kfree(ed);
		return -ENOMEM;
	}
	ed->hdev = hdev;
	mutex_init(&ed->run_lock);
	mutex_init(&ed->lock);
	init_waitqueue_head(&ed->subwq);
	/*
	 * The largest echo packet: descriptor (16), header and payload
	 * padded to 8, trailer (8), and 8 bytes that keep a full ring
	 * distinguishable from an empty one, in the data area.
	 */
	ed->max_payload = ring_size - HVG_RING_HDR_SIZE - 32 - ECHO_HDR_LEN;
	for (i = 0; i < ECHO_MAX_CHANNELS; i++) {
		struct echo_chan *ec = &ed->chans[i];

		ec->ed = ed;
		ec->index = i;
		spin_lock_init(&ec->req_lock);
		init_waitqueue_head(&ec->wq);
		ec->wake_below = INT_MAX;
		atomic_set(&ec->inflight, 0);
	}
	ed->chans[0].chan = hdev->channel;
	hvg_vmbus_set_drvdata(hdev, ed);

	ret = echo_chan_open(&ed->chans[0]);
	if (ret)
		goto err;
	hvg_vmbus_set_subchan_handler(hdev->channel, echo_subchan);
	ed->dir = debugfs_create_dir(dev_name(&hdev->dev), echo_debugfs);
	debugfs_create_file("run", 0600, ed->dir, ed, &echo_run_fops);
	debugfs_create_file("info", 0444, ed->dir, ed, &echo_info_fops);
	dev_info(&hdev->dev, "echo device: primary channel relid %u open, rings %u bytes\n",
		 hvg_vmbus_chan_relid(hdev->channel), ring_size);
	return 0;
err:
	hvg_vmbus_set_drvdata(hdev, NULL);
	kfree(ed->result);
	kfree(ed);
	return ret;
}

static void echo_remove(struct hvg_vmbus_device *hdev)
{
	struct echo_dev *ed = hvg_vmbus_get_drvdata(hdev);
	bool rescinded = hvg_vmbus_chan_rescinded(hdev->channel);
	int i;

	/* every wait of a run sees this within 100 ms */
	WRITE_ONCE(ed->stop, -ENODEV);
	for (i = 0; i < ECHO_MAX_CHANNELS; i++)
		wake_up_all(&ed->chans[i].wq);
	wake_up_all(&ed->subwq);
	/* waits for a run in progress (a write to "run") to return */
	debugfs_remove_recursive(ed->dir);
	hvg_vmbus_set_subchan_handler(hdev->channel, NULL);
	mutex_lock(&ed->run_lock);
	/* sub-channels before the primary */
	for (i = ECHO_MAX_CHANNELS - 1; i >= 0; i--)
		echo_chan_close(&ed->chans[i]);
	for (i = 1; i < ECHO_MAX_CHANNELS; i++)
		echo_forget_sub(ed, &ed->chans[i]);
	mutex_unlock(&ed->run_lock);
	dev_info(&hdev->dev, "echo device removed%s\n",
		 rescinded ? " (rescinded by the host)" : "");
	hvg_vmbus_set_drvdata(hdev, NULL);
	kfree(ed->result);
	kfree(ed);
}

static const struct hv_vmbus_device_id echo_id_table[] = {
	{ .guid = HVG_GUID_ECHO },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, echo_id_table);

static struct hvg_vmbus_driver echo_driver = {
	.name = "hvg_echo",
	.id_table = echo_id_table,
	.probe = echo_probe,
	.remove = echo_remove,
};

static int __init echo_init(void)
{
	struct dentry *root;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != 4096);	/* PFNs on the wire are 4 KiB */
	if (!max_channels || max_channels > ECHO_MAX_CHANNELS) {
		pr_err("max_channels %u is not 1 to %u\n", max_channels,
		       ECHO_MAX_CHANNELS);
		return -EINVAL;
	}
	root = debugfs_lookup("hvguest", NULL);
	echo_debugfs = debugfs_create_dir("echo", root);
	dput(root);
	ret = hvg_vmbus_driver_register(&echo_driver);
	if (ret) {
		pr_err("cannot register the driver: %d\n", ret);
		debugfs_remove_recursive(echo_debugfs);
	}
	return ret;
}

static void __exit echo_exit(void)
{
	hvg_vmbus_driver_unregister(&echo_driver);
	debugfs_remove_recursive(echo_debugfs);
}

module_init(echo_init);
module_exit(echo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest echo test device driver: channel, sub-channel and GPADL tests and benchmarks through the loopback host's echo service");
