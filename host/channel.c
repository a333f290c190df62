// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's channel data path: the ring GPADL mapped as two rings
 * (the guest's outbound ring first, hyperv-abi-behaviour.md M8), attached
 * with the same ring code the guest uses (vmbus/ring.c, compiled into this
 * module by ring_impl.c), and a per-channel work item that drains the
 * guest's outbound ring NAPI-style: kicked by the guest's signal, it masks
 * the ring's interrupt, reads packets in batches, hands each to the
 * service, publishes read_index once per batch, unmasks and looks again.
 * A service whose packets never sleep (ch->serve_now) has its channel
 * drained the same way in the guest's HvSignalEvent call itself, on the
 * guest's CPU, with no hand-off: one drainer at a time (ch->run).
 *
 * Host to guest: replies go into the guest's inbound ring under tx_lock;
 * when the ring says so, the host sets the channel's event flag (relid) in
 * SINT 2 of the channel's target VP. A full inbound ring sets
 * pending_send_sz and parks the packet being served until the guest's
 * signal (its read crossed pending_send_sz) kicks the work again.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "synic.h"
#include "server_internal.h"

/* Packets one run of the work handles before it yields the CPU. */
#define HVG_LH_CHAN_BUDGET	256
/* ... and one drain in the guest's signal before it hands on to the work. */
#define HVG_LH_CHAN_BUDGET_NOW	64

/* ch->run */
#define HVG_LH_RUN_BUSY		0	/* a drain is running */
#define HVG_LH_RUN_AGAIN	1	/* a kick came meanwhile: drain again */

static const char * const hvg_lh_chan_stat_names[HVG_LH_CH_NR_STATS] = {
	[HVG_LH_CH_SIGNALS_IN] = "signals_in",
	[HVG_LH_CH_SIGNALS_OUT] = "signals_out",
	[HVG_LH_CH_RUNS] = "runs",
	[HVG_LH_CH_PKTS_IN] = "packets_in",
	[HVG_LH_CH_PKTS_OUT] = "packets_out",
	[HVG_LH_CH_RING_FULL] = "ring_full",
	[HVG_LH_CH_MALFORMED] = "malformed",
	[HVG_LH_CH_DROPPED] = "dropped",
	[HVG_LH_CH_RUNS_NOW] = "runs_now",
};

void hvg_lh_chan_count(struct hvg_lh_channel *ch, enum hvg_lh_chan_stat stat)
{
	atomic_long_inc(&ch->stats[stat]);
}

void hvg_lh_chan_show(struct hvg_lh_channel *ch, struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < HVG_LH_CH_NR_STATS; i++)
		seq_printf(m, " %s=%ld", hvg_lh_chan_stat_names[i],
			   atomic_long_read(&ch->stats[i]));
}

struct hvg_lh_gpadl *hvg_lh_chan_gpadl(struct hvg_lh_channel *ch, u32 handle)
{
	struct hvg_lh_gpadl *g;

	list_for_each_entry(g, &ch->gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

/*
 * Set the channel's event flag for the guest (SINT 2 of its target VP). A
 * server without a SynIC model (the KUnit harnesses) has nobody to signal.
 */
static void hvg_lh_chan_signal(struct hvg_lh_channel *ch)
{
	int ret;

	if (!ch->srv->synic)
		return;
	ret = hvg_lh_synic_set_event(ch->srv->synic, READ_ONCE(ch->target_vp),
				     HVG_VMBUS_MESSAGE_SINT, ch->relid);
	if (ret >= 0)
		hvg_lh_chan_count(ch, HVG_LH_CH_SIGNALS_OUT);
}

/*
 * Write one packet of @nbufs pieces (the first @ext_len bytes extend the
 * descriptor) to the guest's inbound ring of @ch. With @stall (a reply
 * the channel's own work will send again when the service returns
 * -EAGAIN) a full ring also asks the guest to signal once there is room
 * (pending_send_sz). Without it (a notification or a receive, from any
 * context) a full ring just refuses, and never touches the request for a
 * signal that a stalled work depends on. Takes ch->tx_lock, which guards
 * the ring and tx_pending.
 */
int hvg_lh_chan_sendv(struct hvg_lh_channel *ch, u16 type, u16 flags,
		      u64 trans_id, u32 ext_len, const struct hvg_ring_buf *bufs,
		      unsigned int nbufs, bool stall)
{
	u32 need = sizeof(struct hvg_vmpacket_desc) + HVG_PKT_TRAILER_SIZE;
	unsigned int i;
	int ret;

	for (i = 0; i < nbufs; i++)
		need += bufs[i].len;
	need = ALIGN(need, 8);
	spin_lock_bh(&ch->tx_lock);
	ret = hvg_ring_writev(&ch->tx, type, flags, trans_id, ext_len, bufs,
			      nbufs);
	if (ret == -HVG_RING_E_FULL && stall) {
		/*
		 * Ask the guest to signal once @need bytes are free; if it
		 * freed them meanwhile, the recheck finds them (ring.h).
		 */
		ch->tx_pending = true;
		if (hvg_ring_set_pending(&ch->tx, need) > need)
			ret = hvg_ring_writev(&ch->tx, type, flags, trans_id,
					      ext_len, bufs, nbufs);
	}
	/* Only the writer that waited clears the wait (see above). */
	if (ret >= 0 && stall && ch->tx_pending) {
		hvg_ring_set_pending(&ch->tx, 0);
		ch->tx_pending = false;
	}
	spin_unlock_bh(&ch->tx_lock);

	if (ret == -HVG_RING_E_FULL) {
		hvg_lh_chan_count(ch, HVG_LH_CH_RING_FULL);
		return ret;
	}
	if (ret < 0) {
		hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
		pr_warn_ratelimited("%s relid %u: cannot write a %u-byte packet of type %u to the guest: %d\n",
				    ch->svc->name, ch->relid, need, type, ret);
		return ret;
	}
	hvg_lh_chan_count(ch, HVG_LH_CH_PKTS_OUT);
	if (ret == HVG_RING_SIGNAL) {
		/* From the channel's drain: one event at the batch's end. */
		if (hvg_lh_chan_serving(ch))
			ch->signal_deferred = true;
		else
			hvg_lh_chan_signal(ch);
	}
	return 0;
}

int hvg_lh_chan_send(struct hvg_lh_channel *ch, u16 type, u64 trans_id,
		     const void *data, u32 len)
{
	struct hvg_ring_buf b = { data, len };

	return hvg_lh_chan_sendv(ch, type, 0, trans_id, 0, &b, len ? 1 : 0,
				 hvg_lh_chan_serving(ch));
}

/*
 * A packet that hvg_ring_read_peek() left in the guest's ring, copied into
 * ch->buf as hvg_ring_read_next() would have copied it (the descriptor is
 * already private). Each byte is read from the ring once, here.
 */
static void hvg_lh_chan_own(struct hvg_lh_channel *ch,
			    struct hvg_ring_pkt *pkt)
{
	u32 ext = pkt->desc.offset8 * 8 - sizeof(pkt->desc);

	memcpy(ch->buf, (const u8 *)pkt->data - ext, ext + pkt->data_len);
	pkt->data = (const u8 *)ch->buf + ext;
}

/*
 * Hand one packet to the service; false when it must wait for room, or
 * for the work (HVG_LH_PKT_LATER). A packet put off is kept in ch->buf:
 * the batch's end gives its ring space back to the guest.
 */
static bool hvg_lh_chan_serve(struct hvg_lh_channel *ch,
			      struct hvg_ring_pkt *pkt, bool in_place)
{
	int ret;

	if (in_place && pkt->desc.type != HVG_PKT_DATA_INBAND) {
		hvg_lh_chan_own(ch, pkt);
		in_place = false;
	}
	ret = ch->svc->on_packet(ch, pkt, ch->buf);
	/* Only a drain in the guest's signal may put a packet off. */
	if (WARN_ON_ONCE(ret == HVG_LH_PKT_LATER && !ch->runner_now))
		ret = 0;
	if (ret == -EAGAIN || ret == HVG_LH_PKT_LATER) {
		if (in_place)
			hvg_lh_chan_own(ch, pkt);
		ch->stalled_pkt = *pkt;
		ch->stalled = true;
		/* Put off to process context: the work serves it first. */
		if (ret == HVG_LH_PKT_LATER)
			queue_work(ch->srv->wq, &ch->work);
		return false;
	}
	ch->stalled = false;
	return true;
}

/*
 * The next packet from the guest: copied into ch->buf, or left in the
 * ring for a service that takes inband payloads in place.
 */
static int hvg_lh_chan_read(struct hvg_lh_channel *ch,
			    struct hvg_ring_pkt *pkt, bool in_place)
{
	if (in_place)
		return hvg_ring_read_peek(&ch->rx, ch->buflen, pkt);
	return hvg_ring_read_next(&ch->rx, ch->buf, ch->buflen, pkt);
}

static void hvg_lh_chan_broken(struct hvg_lh_channel *ch, int err)
{
	hvg_lh_chan_count(ch, HVG_LH_CH_MALFORMED);
	ch->broken = true;
	pr_err_ratelimited("relid %u: the guest's outbound ring is malformed (%d): channel stopped until it is closed\n",
			   ch->relid, err);
}

/*
 * After a batch leaves the ring empty, look again for up to this long
 * (still masked) before unmasking: a guest that streams may write its next
 * request meanwhile, and then needs no signal for it. Off by default: in
 * the TCG guests of the benchmark (2 vCPUs) 20 us cut no signals and the
 * spinning cost throughput.
 */
static unsigned int hvg_lh_linger_us;
module_param_named(linger_us, hvg_lh_linger_us, uint, 0644);
MODULE_PARM_DESC(linger_us,
		 "Microseconds a channel's work keeps polling an emptied ring before it unmasks the guest's signals (default 0 = never, at most 1000)");

/*
 * After a batch leaves the ring empty, the work also sleeps poll_defer_us
 * and looks again, up to poll_defer_polls times, still masked, before it
 * unmasks: a host's interrupt moderation. A guest that streams (writes its
 * next requests while the host answers the last ones) then never needs to
 * signal, at the cost of up to poll_defer_us of latency for a request
 * that comes in the window. The CPU is free while the work sleeps. Off
 * with low-resolution timers (hrtimer_resolution above poll_defer_us).
 */
static unsigned int hvg_lh_poll_defer_us = 50;
module_param_named(poll_defer_us, hvg_lh_poll_defer_us, uint, 0644);
MODULE_PARM_DESC(poll_defer_us,
		 "Microseconds a channel's work sleeps between looks at an emptied ring before it unmasks the guest's signals (0 = unmask at once, at most 1000; default 50)");

static unsigned int hvg_lh_poll_defer_polls = 8;
module_param_named(poll_defer_polls, hvg_lh_poll_defer_polls, uint, 0644);
MODULE_PARM_DESC(poll_defer_polls,
		 "Looks at an emptied ring, poll_defer_us apart, before a channel's work unmasks the guest's signals (at most 100; default 8)");

/*
 * Poll the outbound ring: spinning for up to linger_us, then sleeping as
 * poll_defer_us and poll_defer_polls say. True if a packet came; false if
 * none came or the channel is closing.
 */
static bool hvg_lh_chan_linger(struct hvg_lh_channel *ch)
{
	const bool *defer = ch->svc->poll_defer;
	unsigned int us = min(READ_ONCE(hvg_lh_poll_defer_us), 1000U);
	unsigned int polls = min(READ_ONCE(hvg_lh_poll_defer_polls), 100U);
	u64 end = ktime_get_ns() +
		  (u64)min(READ_ONCE(hvg_lh_linger_us), 1000U) * NSEC_PER_USEC;
	int ret;

	/*
	 * With low-resolution timers each sleep would last a whole tick; a
	 * service may also refuse the sleeps (struct hvg_lh_service).
	 */
	if ((u64)us * NSEC_PER_USEC < hrtimer_resolution ||
	    (defer && !READ_ONCE(*defer)))
		us = 0;
	for (;;) {
		ret = hvg_ring_read_begin(&ch->rx);
		if (ret || ktime_get_ns() >= end)
			break;
		cpu_relax();
	}
	while (!ret && us && polls--) {
		usleep_range(us, us + us / 4);
		/* Closing waits for this run (cancel_work_sync()). */
		if (READ_ONCE(ch->state) != HVG_LH_CH_OPEN)
			return false;
		ret = hvg_ring_read_begin(&ch->rx);
	}
	return ret > 0;
}

/* Send the guest the event the batch's first reply asked for. */
static void hvg_lh_chan_flush_signal(struct hvg_lh_channel *ch)
{
	if (ch->signal_deferred) {
		ch->signal_deferred = false;
		hvg_lh_chan_signal(ch);
	}
}

/*
 * Drain the guest's outbound ring (the caller holds HVG_LH_RUN_BUSY). In
 * the guest's signal (@now) with a smaller budget and without lingering:
 * what is left goes to the work.
 */
static void hvg_lh_chan_drain(struct hvg_lh_channel *ch, bool now)
{
	unsigned int full = now ? HVG_LH_CHAN_BUDGET_NOW : HVG_LH_CHAN_BUDGET;
	const bool *in_place_p = ch->svc->inband_in_place;
	bool in_place = in_place_p && READ_ONCE(*in_place_p);
	unsigned int budget = full;
	struct hvg_ring_pkt pkt;
	bool more = true;
	int ret;

	/* Closing sets the state first, then waits for this run. */
	if (READ_ONCE(ch->state) != HVG_LH_CH_OPEN || ch->broken)
		return;
	hvg_lh_chan_count(ch, HVG_LH_CH_RUNS);
	if (now)
		hvg_lh_chan_count(ch, HVG_LH_CH_RUNS_NOW);

	/* The packet put off is in ch->buf: served as copied. */
	if (ch->stalled && !hvg_lh_chan_serve(ch, &ch->stalled_pkt, false))
		goto out;	/* still no room: the guest signals again */

	hvg_ring_mask_begin(&ch->rx);
	while (more) {
		while ((ret = hvg_lh_chan_read(ch, &pkt, in_place)) != 0) {
			if (ret == -HVG_RING_E_NOBUFS) {
				hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
				pr_warn_ratelimited("relid %u: %u-byte packet over the host's %u-byte limit dropped\n",
						    ch->relid,
						    hvg_ring_pkt_buflen(&pkt),
						    ch->buflen);
				hvg_ring_skip(&ch->rx);
				continue;
			}
			if (ret < 0) {
				hvg_lh_chan_broken(ch, ret);
				more = false;
				break;
			}
			hvg_lh_chan_count(ch, HVG_LH_CH_PKTS_IN);
			if (!hvg_lh_chan_serve(ch, &pkt, in_place)) {
				more = false;
				break;
			}
			if (!--budget)
				break;
		}
		/* One read_index store per batch; signal a waiting writer. */
		if (hvg_ring_read_end(&ch->rx))
			hvg_lh_chan_signal(ch);
		/* One event for the batch's replies, not one per reply. */
		hvg_lh_chan_flush_signal(ch);
		if (!more)
			break;
		if (!budget) {
			/* Still masked: the work drains on. */
			queue_work(ch->srv->wq, &ch->work);
			return;
		}
		if (!now && budget < full && hvg_lh_chan_linger(ch))
			continue;
		/* Unmask, and drain again what came in meanwhile. */
		ret = hvg_ring_mask_end(&ch->rx);
		if (ret <= 0) {
			if (ret < 0)
				hvg_lh_chan_broken(ch, ret);
			return;
		}
		hvg_ring_mask_begin(&ch->rx);
	}
	/*
	 * Stalled (the inbound ring is full): stay masked, the guest's signal
	 * for pending_send_sz brings us back; a packet put off to the work:
	 * the work does. Broken: nothing more to do.
	 */
out:
	hvg_lh_chan_flush_signal(ch);
}

/* The context level: task, serving a softirq, hard interrupt or NMI. */
static unsigned int hvg_lh_ctx(void)
{
	return preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET);
}

bool hvg_lh_chan_serving(const struct hvg_lh_channel *ch)
{
	/*
	 * Only the drainer writes these, and no other context can be that
	 * task at that level meanwhile: an interrupt of the drainer, or the
	 * drainer's task after it stopped, reads another value.
	 */
	return READ_ONCE(ch->runner) == current &&
	       READ_ONCE(ch->runner_ctx) == hvg_lh_ctx();
}

bool hvg_lh_chan_in_signal(const struct hvg_lh_channel *ch)
{
	return hvg_lh_chan_serving(ch) && ch->runner_now;
}

/*
 * Take the right to drain @ch; false when a drain runs, which then runs
 * once more for this kick (HVG_LH_RUN_AGAIN).
 */
static bool hvg_lh_chan_claim(struct hvg_lh_channel *ch)
{
	if (!test_and_set_bit_lock(HVG_LH_RUN_BUSY, &ch->run))
		return true;
	/* The guest's packet, written before its signal, before AGAIN. */
	smp_mb__before_atomic();
	set_bit(HVG_LH_RUN_AGAIN, &ch->run);
	/*
	 * AGAIN before BUSY is tested again; the drainer clears BUSY before
	 * it tests AGAIN (hvg_lh_chan_release()). So either it sees AGAIN,
	 * or this test finds BUSY clear and this caller drains.
	 */
	smp_mb__after_atomic();
	return !test_and_set_bit_lock(HVG_LH_RUN_BUSY, &ch->run);
}

/* Give the drain up; true if the caller took it again to drain once more. */
static bool hvg_lh_chan_release(struct hvg_lh_channel *ch)
{
	clear_bit_unlock(HVG_LH_RUN_BUSY, &ch->run);
	/* Pairs with the barrier after AGAIN in hvg_lh_chan_claim(). */
	smp_mb__after_atomic();
	if (!test_bit(HVG_LH_RUN_AGAIN, &ch->run))
		return false;
	return !test_and_set_bit_lock(HVG_LH_RUN_BUSY, &ch->run);
}

/* Drain @ch (BUSY taken) until no kick came meanwhile, then let go. */
static void hvg_lh_chan_run(struct hvg_lh_channel *ch, bool now)
{
	do {
		/*
		 * A full barrier: a kick that set AGAIN before this clear
		 * has its packet seen by the drain below.
		 */
		test_and_clear_bit(HVG_LH_RUN_AGAIN, &ch->run);
		ch->runner_now = now;
		WRITE_ONCE(ch->runner, current);
		WRITE_ONCE(ch->runner_ctx, hvg_lh_ctx());
		hvg_lh_chan_drain(ch, now);
		WRITE_ONCE(ch->runner, NULL);
	} while (hvg_lh_chan_release(ch));
}

static void hvg_lh_chan_work(struct work_struct *work)
{
	struct hvg_lh_channel *ch = container_of(work, struct hvg_lh_channel,
						 work);

	if (hvg_lh_chan_claim(ch))
		hvg_lh_chan_run(ch, false);
}

void hvg_lh_chan_kick(struct hvg_lh_channel *ch)
{
	hvg_lh_chan_count(ch, HVG_LH_CH_SIGNALS_IN);
	queue_work(ch->srv->wq, &ch->work);
}

/*
 * The SynIC model's event callback for a channel's connection id: process
 * context, one call at a time. The channel is found under chan_lock, so a
 * channel being destroyed (removed from by_relid first) is never touched.
 */
void hvg_lh_chan_event(void *ctx, u32 connection_id, unsigned int signals)
{
	struct hvg_lh_server *srv = ctx;
	u32 relid = connection_id & (HVG_VMBUS_MAX_RELIDS - 1);
	struct hvg_lh_channel *ch;

	hvg_lh_int_page_scan(srv);
	spin_lock_bh(&srv->chan_lock);
	ch = srv->by_relid[relid];
	if (ch && ch->conn_id == connection_id &&
	    READ_ONCE(ch->state) == HVG_LH_CH_OPEN)
		hvg_lh_chan_kick(ch);
	spin_unlock_bh(&srv->chan_lock);
}

bool hvg_lh_chan_event_now(void *ctx, u32 connection_id)
{
	struct hvg_lh_server *srv = ctx;
	u32 relid = connection_id & (HVG_VMBUS_MAX_RELIDS - 1);
	struct hvg_lh_channel *ch;
	bool open, run;

	spin_lock_bh(&srv->chan_lock);
	ch = srv->by_relid[relid];
	/* Pairs with the release that made the channel OPEN. */
	open = ch && smp_load_acquire(&ch->state) == HVG_LH_CH_OPEN;
	/* The interrupt page (< 5.0) is read by the work's path only. */
	if (srv->int_page || !open || ch->conn_id != connection_id ||
	    !ch->serve_now) {
		spin_unlock_bh(&srv->chan_lock);
		return false;
	}
	hvg_lh_chan_count(ch, HVG_LH_CH_SIGNALS_IN);
	run = hvg_lh_chan_claim(ch);
	spin_unlock_bh(&srv->chan_lock);
	/*
	 * The channel stays while we drain: closing it moves the state from
	 * OPEN, then waits for this RCU read section (hvg_lh_chan_close()).
	 */
	if (run)
		hvg_lh_chan_run(ch, true);
	return true;
}

void hvg_lh_chan_init(struct hvg_lh_channel *ch)
{
	mutex_init(&ch->gpadl_lock);
	INIT_LIST_HEAD(&ch->gpadls);
	spin_lock_init(&ch->tx_lock);
	INIT_WORK(&ch->work, hvg_lh_chan_work);
}

/* Undo what a (partial) open mapped. srv->lock held, data path stopped. */
static void hvg_lh_chan_unmap(struct hvg_lh_channel *ch)
{
	/* One mapping holds both rings (hvg_ring_vmap_pair()). */
	if (ch->out_va)
		vunmap(ch->out_va);
	ch->in_va = NULL;
	ch->out_va = NULL;
	kvfree(ch->buf);
	ch->buf = NULL;
	if (ch->ring_gpadl)
		ch->ring_gpadl->ring_in_use = false;
	ch->ring_gpadl = NULL;
	ch->stalled = false;
	ch->signal_deferred = false;
	ch->serve_now = false;
	ch->broken = false;
	ch->tx_pending = false;
}

/*
 * OPENCHANNEL on an offered channel (srv->lock held). Validates the ring
 * GPADL and offset (M8), maps both rings, attaches them and asks the
 * service. Return: 0 (the caller sets OPEN, replies, then kicks), or a
 * non-zero status with *why naming the field.
 */
u32 hvg_lh_chan_open(struct hvg_lh_channel *ch,
		     const struct hvg_chmsg_open *open, const char **why)
{
	struct hvg_lh_gpadl *g;
	u32 off = open->downstream_page_offset, status;
	u32 out_bytes, in_bytes;

	if (open->target_vp >= ch->srv->nr_vps) {
		*why = "target_vp";
		return HVG_LH_STATUS_FAIL;
	}
	mutex_lock(&ch->gpadl_lock);
	g = hvg_lh_chan_gpadl(ch, open->ring_gpadl);
	mutex_unlock(&ch->gpadl_lock);
	if (!g || !g->va) {
		*why = "ringbuffer_gpadlhandle";
		return HVG_LH_STATUS_FAIL;
	}
	if (g->ring_in_use) {
		*why = "ring GPADL already in use";
		return HVG_LH_STATUS_FAIL;
	}
	/* One page-aligned range; each ring a header and >= 1 data page. */
	if (g->byte_offset || g->byte_count != g->npfns * PAGE_SIZE) {
		*why = "ring GPADL range";
		return HVG_LH_STATUS_FAIL;
	}
	if (off < 2 || off > g->npfns - 2) {
		*why = "downstream_ringbuffer_pageoffset";
		return HVG_LH_STATUS_FAIL;
	}
	out_bytes = (off - 1) * PAGE_SIZE;
	in_bytes = (g->npfns - off - 1) * PAGE_SIZE;

	ch->ring_gpadl = g;
	g->ring_in_use = true;
	ch->out_va = hvg_ring_vmap_pair(g->pages, g->npfns, off, &ch->in_va);
	ch->buflen = min_t(u32, out_bytes, HVG_RING_MAX_PKT);
	ch->buf = kvmalloc(ch->buflen, GFP_KERNEL);
	if (!ch->out_va || !ch->in_va || !ch->buf) {
		*why = "host memory";
		status = HVG_LH_STATUS_FAIL;
		goto err;
	}
	/* The guest initialised both headers; check its indices. */
	if (hvg_ring_attach(&ch->rx, ch->out_va, out_bytes) ||
	    hvg_ring_attach(&ch->tx, ch->in_va, in_bytes)) {
		*why = "ring header indices";
		status = HVG_LH_STATUS_FAIL;
		goto err;
	}
	/* The host honours pending_send_sz on the ring it consumes. */
	WRITE_ONCE(hvg_ring_hdr(&ch->rx)->feature_bits,
		   READ_ONCE(hvg_ring_hdr(&ch->rx)->feature_bits) |
		   HVG_RING_FEAT_PENDING_SEND_SZ);
	WRITE_ONCE(ch->target_vp, open->target_vp);
	ch->serve_now = ch->svc->serve_now && READ_ONCE(*ch->svc->serve_now);
	status = ch->svc->on_open ? ch->svc->on_open(ch, open->user_data) : 0;
	if (status) {
		*why = "refused by the service";
		goto err;
	}
	return 0;
err:
	hvg_lh_chan_unmap(ch);
	return status;
}

/*
 * Stop the data path and unmap the rings (srv->lock held). The caller has
 * already moved the state away from OPEN, so no new run starts.
 */
void hvg_lh_chan_close(struct hvg_lh_channel *ch)
{
	/*
	 * A drain in a guest's signal that saw the channel OPEN runs in an
	 * RCU read section (hvg_lh_synic_hc_signal_event()); it may queue
	 * the work, which then returns as soon as it runs.
	 */
	if (ch->serve_now)
		synchronize_rcu();
	cancel_work_sync(&ch->work);
	if (ch->svc->on_close)
		ch->svc->on_close(ch);
	hvg_lh_chan_unmap(ch);
}
