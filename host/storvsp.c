// SPDX-License-Identifier: GPL-2.0
/*
 * storvsp: the loopback host's synthetic SCSI controller (the host side of
 * include/hvguest/storvsc_proto.h), a service of the VMBus server. Each
 * controller is one primary channel of class HVG_GUID_SCSI with RAM-backed
 * LUNs behind a SCSI target (scsi_target.c).
 *
 * The guest runs the initialisation (BEGIN_INITIALIZATION, QUERY_PROTOCOL_
 * VERSION, QUERY_PROPERTIES, END_INITIALIZATION), then sends EXECUTE_SRB
 * requests: in-band without data, GPA-direct with data. The data pages are
 * read or written in place. Every request is answered with a completion
 * packet that carries the request's transaction id.
 *
 * Nothing from the guest is trusted: each packet is copied into a zeroed
 * local packet before it is looked at, the GPA-direct ranges are bounded
 * by the packet, by the announced maximum transfer and by pfn_valid(), and
 * the CDB goes to the SCSI target, which checks every field itself.
 *
 * LUNs come and go at run time (debugfs hvguest/storvsp/lun): the target's
 * LUN table changes under storvsp_lun_lock, each command runs inside an
 * SRCU read section of storvsp_srcu, and a removed LUN's storage is freed
 * only after synchronize_srcu(). The guest hears of the change as Hyper-V
 * tells it: an ENUMERATE_BUS (added) or REMOVE_DEVICE (removed) packet with
 * transaction id 0 on the primary channel, and the unit attention
 * "reported LUNs data has changed" on every other LUN.
 *
 * IDE disks (ide_devices) are the same service on channels of the IDE
 * class, one disk each, as Hyper-V offers them: the offer names the IDE
 * controller and device (user-defined data, and the device in bytes 4-5 of
 * the instance GUID, where Linux looks), the disk answers at that target,
 * LUN 0, and the channel has no sub-channels and no LUN hot plug.
 *
 * Faults (debugfs hvguest/storvsp/fault) are one-shot and hit the next
 * EXECUTE_SRB on any controller: Documentation/storvsc.rst lists them.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <hvguest/hypercall.h>
#include <hvguest/storvsc_proto.h>
#include <hvguest/vmbus.h>

#include "lun_bdev.h"
#include "scsi_target.h"
#include "server_internal.h"
#include "storvsp.h"

static unsigned int storvsp_devices = 1;
module_param_named(scsi_devices, storvsp_devices, uint, 0444);
MODULE_PARM_DESC(scsi_devices,
		 "Synthetic SCSI controllers offered at load, 0 to 8 (default 1)");

static unsigned int storvsp_ide_devices;
module_param_named(ide_devices, storvsp_ide_devices, uint, 0444);
MODULE_PARM_DESC(ide_devices,
		 "Synthetic IDE disks offered at load, 0 to 4 (default 0): disk n is device n % 2 of IDE controller n / 2, one RAM LUN of scsi_lun_mb MiB on its own channel");

static unsigned int storvsp_luns = 1;
module_param_named(scsi_luns, storvsp_luns, uint, 0444);
MODULE_PARM_DESC(scsi_luns,
		 "RAM-backed LUNs per SCSI controller, 1 to 16 (default 1); after a scsi_backing LUN 0, 0 to 15");

static unsigned int storvsp_lun_mb = 64;
module_param_named(scsi_lun_mb, storvsp_lun_mb, uint, 0444);
MODULE_PARM_DESC(scsi_lun_mb,
		 "Size of each RAM LUN in MiB, 1 to 4096 (default 64)");

/* Read once per QUERY_PROTOCOL_VERSION; 0: every version refused. */
static ushort storvsp_version = HVG_STOR_VERSION_WIN10;

static int storvsp_version_set(const char *val, const struct kernel_param *kp)
{
	u16 v;

	if (sysfs_streq(val, "none"))
		v = 0;
	else if (kstrtou16(val, 0, &v) ||
		 (v != HVG_STOR_VERSION_WIN10 && v != HVG_STOR_VERSION_WIN8_1 &&
		  v != HVG_STOR_VERSION_WIN8 && v))
		return -EINVAL;
	WRITE_ONCE(storvsp_version, v);
	return 0;
}

static int storvsp_version_get(char *buf, const struct kernel_param *kp)
{
	u16 v = READ_ONCE(storvsp_version);

	return v ? sysfs_emit(buf, "%#06x\n", v) : sysfs_emit(buf, "none\n");
}

static const struct kernel_param_ops storvsp_version_ops = {
	.set = storvsp_version_set,
	.get = storvsp_version_get,
};

module_param_cb(scsi_version, &storvsp_version_ops, NULL, 0644);
MODULE_PARM_DESC(scsi_version,
		 "Newest storvsc protocol version the host accepts: 0x0602 (default), 0x0600 or 0x0501; none (or 0): refuse every version (each QUERY_PROTOCOL_VERSION answered REVISION_MISMATCH); writable, read at each query");

static unsigned int storvsp_max_transfer_kb = 1024;
module_param_named(scsi_max_transfer_kb, storvsp_max_transfer_kb, uint,
		   0444);
MODULE_PARM_DESC(scsi_max_transfer_kb,
		 "max_transfer_bytes in QUERY_PROPERTIES, in KiB, 4 to 1024 (default 1024)");

/*
 * A guest's storvsc signals each request written to an empty ring and
 * waits for its completion: sleeping on an emptied ring (poll_defer_us)
 * saves a few signals and delays every request that comes meanwhile.
 */
static bool storvsp_poll_defer;
module_param_named(scsi_poll_defer, storvsp_poll_defer, bool, 0644);
MODULE_PARM_DESC(scsi_poll_defer,
		 "SCSI channels sleep and poll an emptied ring as poll_defer_us says before unmasking (default N: unmask at once)");

/*
 * Serving a request in the guest's own signal, on its CPU, completes it
 * before the guest's call returns, as a RAM disk in the guest would: no
 * hand-off to another CPU's work and back (Documentation/benchmarks.rst).
 */
static bool storvsp_serve_now = true;
module_param_named(scsi_serve_now, storvsp_serve_now, bool, 0644);
MODULE_PARM_DESC(scsi_serve_now,
		 "Serve a storage channel's requests in the guest's HvSignalEvent call when it comes with interrupts on, and in the channel's work otherwise (default Y; never for a controller with a scsi_backing LUN; read at each channel open)");

static unsigned int storvsp_serve_now_max_kb = 16;
module_param_named(scsi_serve_now_max_kb, storvsp_serve_now_max_kb, uint,
		   0644);
MODULE_PARM_DESC(scsi_serve_now_max_kb,
		 "Largest transfer, in KiB, served in the guest's signal (scsi_serve_now); a larger one goes to the channel's work (default 16; writable)");

static unsigned int storvsp_max_subchannels;
module_param_named(scsi_max_subchannels, storvsp_max_subchannels, uint,
		   0644);
MODULE_PARM_DESC(scsi_max_subchannels,
		 "Sub-channels one SCSI controller offers at most, 0 to 64; 0 (default): no MULTI_CHANNEL property");

static atomic_t storvsp_drop_srbs = ATOMIC_INIT(0);

static int storvsp_drop_set(const char *val, const struct kernel_param *kp)
{
	int n, ret = kstrtoint(val, 0, &n);

	if (ret)
		return ret;
	atomic_set(&storvsp_drop_srbs, n);
	return 0;
}

static int storvsp_drop_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&storvsp_drop_srbs));
}

static const struct kernel_param_ops storvsp_drop_ops = {
	.set = storvsp_drop_set,
	.get = storvsp_drop_get,
};

module_param_cb(scsi_fault_drop_srbs, &storvsp_drop_ops, NULL, 0644);
MODULE_PARM_DESC(scsi_fault_drop_srbs,
		 "Fault injection: leave the next N EXECUTE_SRB requests unanswered (a host that never answers); -1: all of them until reset to 0 (default 0)");

static unsigned int storvsp_delay_ms = 1000;
module_param_named(scsi_fault_delay_ms, storvsp_delay_ms, uint, 0644);
MODULE_PARM_DESC(scsi_fault_delay_ms,
		 "Fault injection: how long the \"delay\" fault holds a completion, in ms, at most 60000 (default 1000)");

#define STORVSP_MAX_DEVICES	8
/* Two IDE controllers of two devices each, as on a generation 1 VM. */
#define STORVSP_MAX_IDE		4
#define STORVSP_MAX_LUNS	16
#define STORVSP_MAX_LUN_MB	4096
/* GPA-direct ranges one EXECUTE_SRB may carry. */
#define STORVSP_MAX_RANGES	32

/*
 * One controller: its target and the storage of its LUNs. @index, @relid,
 * @ide and @target_id (the SRB target the LUNs answer at: an IDE disk's
 * device number, 0 otherwise) are set at load. The LUN table, @present and @ram change under
 * storvsp_lun_lock; commands read the table under storvsp_srcu.
 */
struct storvsp_disk {
	struct hvg_scsi_target target;
	unsigned int index;
	u32 relid;
	bool ide;
	bool sleeps;			/* a scsi_backing LUN: I/O may sleep */
	u8 target_id;
	unsigned long present;		/* bit n: LUN n exists */
	struct hvg_scsi_lun luns[STORVSP_MAX_LUNS];
	struct hvg_scsi_ram ram[STORVSP_MAX_LUNS];
};

/* Serialises LUN additions and removals (and the debugfs listing). */
static DEFINE_MUTEX(storvsp_lun_lock);
/* Commands in flight against a LUN table: see the top of this file. */
DEFINE_STATIC_SRCU(storvsp_srcu);

/* Initialisation steps seen on a primary channel (storvsp_chan.init). */
#define STORVSP_INIT_BEGUN	BIT(0)
#define STORVSP_INIT_VERSION	BIT(1)
#define STORVSP_INIT_PROPS	BIT(2)
#define STORVSP_INIT_DONE	BIT(3)

/*
 * Per-channel state. @disk is set when the device is created and never
 * changes. @version and @init are written by the primary channel's drain
 * only (WRITE_ONCE); sub-channels and the debugfs controls read them with
 * READ_ONCE(). @segs is the drain's own scratch (allocated at open, freed
 * at close). @delay holds the one completion the "delay" fault holds back
 * (@delay_busy, set by the channel's work, cleared by the delayed work; the
 * delayed work is cancelled at close, before the rings go).
 */
struct storvsp_chan {
	struct storvsp_disk *disk;
	struct hvg_lh_channel *ch;
	u16 version;
	u8 init;
	struct hvg_scsi_seg *segs;
	struct delayed_work delay;
	bool delay_busy;
	u64 delay_tid;
	struct hvg_vstor_packet delay_pkt;
	u32 max_segs;
	atomic64_t srbs;
	atomic64_t bytes;
	atomic64_t errors;	/* SRBs answered with an error status */
	atomic64_t bad;		/* malformed requests */
	atomic64_t dropped;	/* left unanswered: scsi_fault_drop_srbs */
	atomic64_t refused;	/* QUERY_PROTOCOL_VERSION refused */
};

static struct storvsp_disk **storvsp_disks;
static unsigned int storvsp_nr_disks;
static struct hvg_lh_server *storvsp_srv;
static struct dentry *storvsp_debugfs;

/* One-shot faults on the next EXECUTE_SRB (storvsp_fault_armed bits). */
enum storvsp_fault {
	STORVSP_FAULT_DELAY,		/* complete after scsi_fault_delay_ms */
	STORVSP_FAULT_DROP,		/* never complete */
	STORVSP_FAULT_FORGED_ID,	/* first a completion of no request */
	STORVSP_FAULT_STALE_ID,		/* the completion, then again */
	STORVSP_FAULT_SHORT,		/* a 24-byte completion */
	STORVSP_FAULT_WRONG_OP,		/* operation EXECUTE_SRB, not COMPLETE_IO */
	STORVSP_FAULT_BAD_SRB_STATUS,	/* an SRB status no host sends */
	STORVSP_FAULT_SENSE_OVERFLOW,	/* sense_info_length 255 */
	STORVSP_FAULT_XFER_OVERFLOW,	/* more bytes moved than asked for */
	STORVSP_FAULT_RESCIND,		/* never complete; rescind the controller */
	STORVSP_FAULT_NR
};

static const char * const storvsp_fault_names[STORVSP_FAULT_NR] = {
	[STORVSP_FAULT_DELAY] = "delay",
	[STORVSP_FAULT_DROP] = "drop",
	[STORVSP_FAULT_FORGED_ID] = "forged_id",
	[STORVSP_FAULT_STALE_ID] = "stale_id",
	[STORVSP_FAULT_SHORT] = "short",
	[STORVSP_FAULT_WRONG_OP] = "wrong_op",
	[STORVSP_FAULT_BAD_SRB_STATUS] = "bad_srb_status",
	[STORVSP_FAULT_SENSE_OVERFLOW] = "sense_overflow",
	[STORVSP_FAULT_XFER_OVERFLOW] = "transfer_overflow",
	[STORVSP_FAULT_RESCIND] = "rescind_during_io",
};

/* Armed faults: atomic bits, taken with test_and_clear_bit(). */
static unsigned long storvsp_fault_armed;
static atomic_long_t storvsp_fault_fired[STORVSP_FAULT_NR];
/* rescind_during_io: the relid whose SRB was held (0: none yet). */
static u32 storvsp_rescind_relid;
static DECLARE_WAIT_QUEUE_HEAD(storvsp_rescind_wq);
/* A transaction id no guest request has: hvguest's slot index is small. */
#define STORVSP_FORGED_ID	0x7fedcba987654321ull
/* An SRB status code no host sends. */
#define STORVSP_BAD_SRB_STATUS	0x3e

static struct storvsp_chan *storvsp_of(struct hvg_lh_channel *ch)
{
	return ch->priv;
}

static u32 storvsp_max_transfer(void)
{
	return clamp_t(u32, storvsp_max_transfer_kb, 4, 1024) * 1024;
}

static bool storvsp_version_ok(u16 v)
{
	return (v == HVG_STOR_VERSION_WIN8 || v == HVG_STOR_VERSION_WIN8_1 ||
		v == HVG_STOR_VERSION_WIN10) && v <= READ_ONCE(storvsp_version);
}

/* Take one from the drop fault: -1 drops all, N > 0 the next N. */
static bool storvsp_drop(void)
{
	int n = atomic_read(&storvsp_drop_srbs);

	while (n) {
		if (n < 0)
			return true;
		if (atomic_try_cmpxchg(&storvsp_drop_srbs, &n, n - 1))
			return true;
	}
	return false;
}

static int storvsp_complete(struct hvg_lh_channel *ch, u64 tid,
			    struct hvg_vstor_packet *p, u32 status)
{
	p->operation = HVG_VSTOR_OP_COMPLETE_IO;
	p->flags = 0;
	p->status = status;
	return hvg_lh_chan_send(ch, HVG_PKT_COMP, tid, p, sizeof(*p));
}

static void storvsp_bad(struct hvg_lh_channel *ch, const char *what, u32 val)
{
	atomic64_inc(&storvsp_of(ch)->bad);
	hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
	pr_warn_ratelimited("scsi relid %u: %s (%u)\n", ch->relid, what, val);
}

/*
 * Map the GPA-direct ranges of @ext (@extlen bytes, the descriptor's
 * extension) onto @sc->segs, covering exactly @len bytes.
 * Return: the number of segments, or a negative errno (malformed ranges,
 * more data than the ranges describe or than the host allows, a page that
 * is no RAM).
 */
static int storvsp_map(struct storvsp_chan *sc, const u8 *ext, u32 extlen,
		       u32 len)
{
	struct hvg_gpa_direct_hdr gh;
	struct hvg_gpa_range range;
	u32 pos = sizeof(gh), left = len, n = 0, r, i;

	if (len > storvsp_max_transfer())
		return -E2BIG;
	if (extlen < sizeof(gh))
		return -EINVAL;
	memcpy(&gh, ext, sizeof(gh));
	if (!gh.range_count || gh.range_count > STORVSP_MAX_RANGES)
		return -EINVAL;
	for (r = 0; r < gh.range_count && left; r++) {
		u32 npfns, off, rleft;

		if (extlen - pos < sizeof(range))
			return -EINVAL;
		memcpy(&range, ext + pos, sizeof(range));
		pos += sizeof(range);
		if (range.byte_offset >= PAGE_SIZE || !range.byte_count ||
		    range.byte_count > storvsp_max_transfer())
			return -EINVAL;
		npfns = DIV_ROUND_UP(range.byte_offset + range.byte_count,
				     PAGE_SIZE);
		if ((extlen - pos) / 8 < npfns)
			return -EINVAL;
		off = range.byte_offset;
		rleft = min(range.byte_count, left);
		for (i = 0; i < npfns && rleft; i++) {
			u32 chunk = min_t(u32, rleft, PAGE_SIZE - off);
			struct page *page;
			u64 pfn;

			memcpy(&pfn, ext + pos + i * 8, 8);
			if (pfn > ULONG_MAX || !pfn_valid(pfn))
				return -EFAULT;
			page = pfn_to_page(pfn);
			/* 64-bit only: all RAM is in the direct map. */
			if (PageHighMem(page))
				return -EFAULT;
			if (n >= sc->max_segs)
				return -E2BIG;
			sc->segs[n].addr = (u8 *)page_address(page) + off;
			sc->segs[n].len = chunk;
			n++;
			rleft -= chunk;
			left -= chunk;
			off = 0;
		}
		pos += npfns * 8;
	}
	return left ? -EINVAL : n;
}

/* EXECUTE_SRB: run the command, fill @p's request block with the outcome. */
static void storvsp_srb(struct hvg_lh_channel *ch,
			const struct hvg_ring_pkt *pkt, const u8 *ext,
			struct hvg_vstor_packet *p)
{
	struct storvsp_chan *sc = storvsp_of(ch);
	struct hvg_vmscsi_request *srb = &p->vm_srb;
	u32 extlen = pkt->desc.offset8 * 8 - sizeof(pkt->desc);
	struct hvg_scsi_cmd cmd = {};
	u8 cdb[HVG_STOR_CDB_MAX];
	int nsegs = 0, ret, idx;

	atomic64_inc(&sc->srbs);
	srb->sense_info_length = 0;
	srb->scsi_status = HVG_SCSI_GOOD;
	if (!READ_ONCE(storvsp_of(ch->primary)->version) ||
	    srb->cdb_length < 1 || srb->cdb_length > HVG_STOR_CDB_MAX ||
	    srb->data_in > HVG_SRB_DATA_NONE) {
		storvsp_bad(ch, "EXECUTE_SRB before negotiation or with a bad cdb_length/data_in",
			    srb->cdb_length);
		goto invalid;
	}
	memcpy(cdb, srb->cdb, sizeof(cdb));
	cmd.cdb = cdb;
	cmd.cdb_len = srb->cdb_length;
	cmd.data_len = srb->data_transfer_length;
	if (cmd.data_len) {
		if (pkt->desc.type != HVG_PKT_DATA_USING_GPA_DIRECT ||
		    srb->data_in == HVG_SRB_DATA_NONE) {
			storvsp_bad(ch, "EXECUTE_SRB with data but no GPA-direct ranges, bytes",
				    cmd.data_len);
			goto invalid;
		}
		nsegs = storvsp_map(sc, ext, extlen, cmd.data_len);
		if (nsegs < 0) {
			storvsp_bad(ch, "EXECUTE_SRB with bad GPA-direct ranges, bytes",
				    cmd.data_len);
			goto invalid;
		}
		cmd.dir = srb->data_in == HVG_SRB_DATA_READ ?
			  HVG_SCSI_DIR_FROM_DEVICE : HVG_SCSI_DIR_TO_DEVICE;
	}
	cmd.segs = sc->segs;
	cmd.nsegs = nsegs;

	memset(srb->sense_data, 0, sizeof(srb->sense_data));
	/*
	 * The LUNs are all at path 0, target 0. Any other address answers
	 * as an empty one (hvg_scsi_no_device()), never INVALID_LUN: upstream
	 * hv_storvsc scans paths 0-7 and targets 0-1, turns a failed INQUIRY
	 * into a success (it saw the one LUN 16 times while the address was
	 * ignored), and on INVALID_LUN removes the LUN of the same target and
	 * number at path 0, which took the real disk away. An IDE disk is
	 * at its own target instead of 0.
	 */
	if (srb->path_id || srb->target_id != sc->disk->target_id) {
		ret = hvg_scsi_no_device(&cmd);
	} else {
		idx = srcu_read_lock(&storvsp_srcu);
		ret = hvg_scsi_execute(&sc->disk->target, srb->lun, &cmd);
		srcu_read_unlock(&storvsp_srcu, idx);
	}
	if (ret == -ENODEV) {
		srb->srb_status = HVG_SRB_STATUS_INVALID_LUN;
		srb->data_transfer_length = 0;
		return;
	}
	if (ret)
		goto invalid;
	srb->scsi_status = cmd.status;
	srb->data_transfer_length = cmd.transferred;
	atomic64_add(cmd.transferred, &sc->bytes);
	if (cmd.status == HVG_SCSI_GOOD) {
		srb->srb_status = HVG_SRB_STATUS_SUCCESS;
		return;
	}
	atomic64_inc(&sc->errors);
	srb->srb_status = HVG_SRB_STATUS_ERROR;
	if (cmd.sense_len) {
		u8 n = min_t(u8, cmd.sense_len, HVG_STOR_SENSE_SIZE);

		memcpy(srb->sense_data, cmd.sense, n);
		srb->sense_info_length = n;
		srb->srb_status |= HVG_SRB_STATUS_AUTOSENSE_VALID;
	}
	return;

invalid:
	atomic64_inc(&sc->errors);
	memset(srb->sense_data, 0, sizeof(srb->sense_data));
	srb->srb_status = HVG_SRB_STATUS_INVALID_REQUEST;
	srb->data_transfer_length = 0;
}

static bool storvsp_fault_take(enum storvsp_fault f)
{
	if (!test_and_clear_bit(f, &storvsp_fault_armed))
		return false;
	atomic_long_inc(&storvsp_fault_fired[f]);
	return true;
}

/* The "delay" fault's held completion goes out (system workqueue). */
static void storvsp_delay_work(struct work_struct *work)
{
	struct storvsp_chan *sc = container_of(to_delayed_work(work),
					       struct storvsp_chan, delay);
	int ret;

	ret = hvg_lh_chan_send(sc->ch, HVG_PKT_COMP, sc->delay_tid,
			       &sc->delay_pkt, sizeof(sc->delay_pkt));
	pr_info("scsi relid %u: fault delay: completion of id %#llx sent (%d)\n",
		sc->ch->relid, sc->delay_tid, ret);
	/* Pairs with the READ_ONCE() of storvsp_srb_reply(): slot free. */
	smp_store_release(&sc->delay_busy, false);
}

/*
 * Answer an EXECUTE_SRB with @p (the request, its outcome filled in), or
 * as an armed fault says. Return: 0, or -EAGAIN when the completion does
 * not fit in the ring now (the request is served again). The extra
 * packets of forged_id and stale_id are best effort.
 */
static int storvsp_srb_reply(struct hvg_lh_channel *ch, u64 tid,
			     struct hvg_vstor_packet *p)
{
	struct storvsp_chan *sc = storvsp_of(ch);
	u32 len = sizeof(*p);
	bool stale = false;
	int ret;

	p->operation = HVG_VSTOR_OP_COMPLETE_IO;
	p->flags = 0;
	p->status = HVG_NT_SUCCESS;
	if (likely(!READ_ONCE(storvsp_fault_armed)))
		goto send;

	if (!READ_ONCE(sc->delay_busy) &&
	    storvsp_fault_take(STORVSP_FAULT_DELAY)) {
		u32 ms = min(READ_ONCE(storvsp_delay_ms), 60000U);

		sc->delay_tid = tid;
		sc->delay_pkt = *p;
		WRITE_ONCE(sc->delay_busy, true);
		pr_info("scsi relid %u: fault delay: completion of id %#llx held for %u ms\n",
			ch->relid, tid, ms);
		schedule_delayed_work(&sc->delay, msecs_to_jiffies(ms));
		return 0;
	}
	if (storvsp_fault_take(STORVSP_FAULT_DROP)) {
		pr_info("scsi relid %u: fault drop: request id %#llx left unanswered\n",
			ch->relid, tid);
		return 0;
	}
	if (storvsp_fault_take(STORVSP_FAULT_RESCIND)) {
		pr_info("scsi relid %u: fault rescind_during_io: request id %#llx left unanswered, controller relid %u to be rescinded\n",
			ch->relid, tid, ch->primary->relid);
		WRITE_ONCE(storvsp_rescind_relid, ch->primary->relid);
		wake_up(&storvsp_rescind_wq);
		return 0;
	}
	if (storvsp_fault_take(STORVSP_FAULT_FORGED_ID)) {
		pr_info("scsi relid %u: fault forged_id: a completion with id %#llx before the one of %#llx\n",
			ch->relid, STORVSP_FORGED_ID, tid);
		hvg_lh_chan_send(ch, HVG_PKT_COMP, STORVSP_FORGED_ID, p, len);
	}
	if (storvsp_fault_take(STORVSP_FAULT_STALE_ID)) {
		pr_info("scsi relid %u: fault stale_id: the completion of id %#llx sent twice\n",
			ch->relid, tid);
		stale = true;
	}
	if (storvsp_fault_take(STORVSP_FAULT_SHORT)) {
		len = 24;
		pr_info("scsi relid %u: fault short: the completion of id %#llx is %u bytes\n",
			ch->relid, tid, len);
	}
	if (storvsp_fault_take(STORVSP_FAULT_WRONG_OP)) {
		p->operation = HVG_VSTOR_OP_EXECUTE_SRB;
		pr_info("scsi relid %u: fault wrong_op: the completion of id %#llx has operation %u\n",
			ch->relid, tid, p->operation);
	}
	if (storvsp_fault_take(STORVSP_FAULT_BAD_SRB_STATUS)) {
		p->vm_srb.srb_status = STORVSP_BAD_SRB_STATUS;
		p->vm_srb.scsi_status = HVG_SCSI_GOOD;
		p->vm_srb.sense_info_length = 0;
		pr_info("scsi relid %u: fault bad_srb_status: the completion of id %#llx has srb_status %#x\n",
			ch->relid, tid, STORVSP_BAD_SRB_STATUS);
	}
	if (storvsp_fault_take(STORVSP_FAULT_SENSE_OVERFLOW)) {
		p->vm_srb.srb_status = HVG_SRB_STATUS_ERROR |
				       HVG_SRB_STATUS_AUTOSENSE_VALID;
		p->vm_srb.scsi_status = HVG_SCSI_CHECK_CONDITION;
		p->vm_srb.sense_info_length = 255;
		pr_info("scsi relid %u: fault sense_overflow: the completion of id %#llx has sense_info_length 255\n",
			ch->relid, tid);
	}
	if (storvsp_fault_take(STORVSP_FAULT_XFER_OVERFLOW)) {
		p->vm_srb.data_transfer_length = U32_MAX;
		pr_info("scsi relid %u: fault transfer_overflow: the completion of id %#llx has data_transfer_length %#x\n",
			ch->relid, tid, U32_MAX);
	}
send:
	ret = hvg_lh_chan_send(ch, HVG_PKT_COMP, tid, p, len);
	if (!ret && stale)
		hvg_lh_chan_send(ch, HVG_PKT_COMP, tid, p, len);
	return ret == -EAGAIN ? -EAGAIN : 0;
}

static int storvsp_on_packet(struct hvg_lh_channel *ch,
			     const struct hvg_ring_pkt *pkt, void *buf)
{
	struct storvsp_chan *sc = storvsp_of(ch);
	bool primary = ch->primary == ch;
	u64 tid = pkt->desc.trans_id;
	struct hvg_vstor_packet p = {};
	u32 status = HVG_NT_SUCCESS;
	u16 v;

	if (pkt->desc.type != HVG_PKT_DATA_INBAND &&
	    pkt->desc.type != HVG_PKT_DATA_USING_GPA_DIRECT) {
		storvsp_bad(ch, "packet type not served", pkt->desc.type);
		return 0;
	}
	if (pkt->data_len < HVG_VSTOR_PACKET_SIZE_PRE_WIN8) {
		storvsp_bad(ch, "short vstor packet, bytes", pkt->data_len);
		return 0;
	}
	/* One private copy, read from here on. */
	memcpy(&p, pkt->data, min_t(u32, pkt->data_len, sizeof(p)));

	switch (p.operation) {
	case HVG_VSTOR_OP_BEGIN_INITIALIZATION:
		if (!primary)
			goto refuse;
		WRITE_ONCE(sc->init, STORVSP_INIT_BEGUN);
		memset(p.buffer, 0, sizeof(p.buffer));
		break;
	case HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION:
		if (!primary || !(sc->init & STORVSP_INIT_BEGUN))
			goto refuse;
		v = p.version.major_minor;
		memset(p.buffer, 0, sizeof(p.buffer));
		p.version.major_minor = v;
		if (storvsp_version_ok(v) && !(sc->init & STORVSP_INIT_DONE)) {
			WRITE_ONCE(sc->version, v);
			WRITE_ONCE(sc->init, sc->init | STORVSP_INIT_VERSION);
		} else {
			status = HVG_NT_REVISION_MISMATCH;
			atomic64_inc(&sc->refused);
			if (!READ_ONCE(storvsp_version))
				pr_info_ratelimited("scsi relid %u: QUERY_PROTOCOL_VERSION %#06x refused: scsi_version=none\n",
						    ch->relid, v);
		}
		break;
	case HVG_VSTOR_OP_QUERY_PROPERTIES:
		if (!primary || !(sc->init & STORVSP_INIT_VERSION))
			goto refuse;
		memset(p.buffer, 0, sizeof(p.buffer));
		v = min_t(unsigned int, READ_ONCE(storvsp_max_subchannels), 64);
		if (sc->disk->ide)
			v = 0;
		p.properties.max_channel_cnt = v;
		p.properties.flags = v ? HVG_STOR_PROP_MULTI_CHANNEL : 0;
		p.properties.max_transfer_bytes = storvsp_max_transfer();
		WRITE_ONCE(sc->init, sc->init | STORVSP_INIT_PROPS);
		break;
	case HVG_VSTOR_OP_END_INITIALIZATION:
		if (!primary || !(sc->init & STORVSP_INIT_PROPS))
			goto refuse;
		WRITE_ONCE(sc->init, sc->init | STORVSP_INIT_DONE);
		memset(p.buffer, 0, sizeof(p.buffer));
		break;
	case HVG_VSTOR_OP_CREATE_SUB_CHANNELS:
		if (!primary || !(sc->init & STORVSP_INIT_DONE) ||
		    !p.sub_channel_count || sc->disk->ide ||
		    !READ_ONCE(storvsp_max_subchannels))
			goto refuse;
		/* The sub-channel work offers them, then answers. */
		hvg_lh_request_subchannels(ch, p.sub_channel_count, tid, 0);
		return 0;
	case HVG_VSTOR_OP_EXECUTE_SRB:
		/*
		 * A large transfer goes to the work, on another CPU, while
		 * the guest goes on: its copy costs more than the hand-off.
		 */
		if (p.vm_srb.data_transfer_length >
		    READ_ONCE(storvsp_serve_now_max_kb) * 1024ULL &&
		    hvg_lh_chan_in_signal(ch))
			return HVG_LH_PKT_LATER;
		if (storvsp_drop()) {
			atomic64_inc(&sc->dropped);
			return 0;
		}
		storvsp_srb(ch, pkt, buf, &p);
		return storvsp_srb_reply(ch, tid, &p);
	case HVG_VSTOR_OP_RESET_LUN:
	case HVG_VSTOR_OP_RESET_ADAPTER:
	case HVG_VSTOR_OP_RESET_BUS:
		/* Nothing is queued in the host: complete at once. */
		memset(p.buffer, 0, sizeof(p.buffer));
		break;
	default:
		storvsp_bad(ch, "operation not served", p.operation);
		goto refuse;
	}
	return storvsp_complete(ch, tid, &p, status) == -EAGAIN ? -EAGAIN : 0;

refuse:
	/*
	 * Out of order or not for this channel. A retried -EAGAIN runs the
	 * request again: EXECUTE_SRB's READ and WRITE are idempotent.
	 */
	memset(p.buffer, 0, sizeof(p.buffer));
	return storvsp_complete(ch, tid, &p, HVG_NT_INVALID_DEVICE_REQUEST) ==
	       -EAGAIN ? -EAGAIN : 0;
}

static void storvsp_on_subchannels(struct hvg_lh_channel *ch,
				   unsigned int total, u64 trans_id, u32 seq)
{
	struct hvg_vstor_packet p = {};

	p.sub_channel_count = total;
	storvsp_complete(ch, trans_id, &p, total ? HVG_NT_SUCCESS :
			 HVG_NT_UNSUCCESSFUL);
}

static u32 storvsp_on_open(struct hvg_lh_channel *ch, const u8 *user_data)
{
	struct storvsp_chan *sc = storvsp_of(ch);

	if (ch->primary != ch)
		sc->disk = storvsp_of(ch->primary)->disk;
	if (!sc->disk)
		return HVG_LH_STATUS_FAIL;
	/* Each range may start inside a page: one more page per range. */
	sc->max_segs = storvsp_max_transfer() / PAGE_SIZE + STORVSP_MAX_RANGES;
	sc->segs = kvcalloc(sc->max_segs, sizeof(*sc->segs), GFP_KERNEL);
	if (!sc->segs)
		return HVG_LH_STATUS_FAIL;
	if (ch->primary == ch) {
		WRITE_ONCE(sc->init, 0);
		WRITE_ONCE(sc->version, 0);
	}
	/* kernel_read()/kernel_write() sleep: served in the work only. */
	if (sc->disk->sleeps)
		ch->serve_now = false;
	sc->ch = ch;
	sc->delay_busy = false;
	INIT_DELAYED_WORK(&sc->delay, storvsp_delay_work);
	return 0;
}

static void storvsp_on_close(struct hvg_lh_channel *ch)
{
	struct storvsp_chan *sc = storvsp_of(ch);

	/* A held completion goes nowhere once the rings are unmapped. */
	if (sc->segs)
		cancel_delayed_work_sync(&sc->delay);
	kvfree(sc->segs);
	sc->segs = NULL;
}

static void storvsp_show(struct hvg_lh_channel *ch, struct seq_file *m)
{
	struct storvsp_chan *sc = storvsp_of(ch);

	seq_printf(m, " version=%#06x luns=%u srbs=%lld bytes=%lld errors=%lld bad_requests=%lld unanswered=%lld versions_refused=%lld",
		   READ_ONCE(storvsp_of(ch->primary)->version),
		   sc->disk ? (unsigned int)hweight_long(READ_ONCE(sc->disk->present)) : 0,
		   (long long)atomic64_read(&sc->srbs),
		   (long long)atomic64_read(&sc->bytes),
		   (long long)atomic64_read(&sc->errors),
		   (long long)atomic64_read(&sc->bad),
		   (long long)atomic64_read(&sc->dropped),
		   (long long)atomic64_read(&sc->refused));
}

/*
 * An IDE disk's offer: the user-defined data names its IDE controller and
 * device (hvg_vstor_offer_props); the instance GUID carries the device in
 * bytes 4-5, little-endian. srv->lock held (the instance is read under it).
 */
static void storvsp_ide_offer(struct hvg_lh_channel *ch,
			      struct hvg_chmsg_offer *msg)
{
	const struct storvsp_disk *d = storvsp_of(ch)->disk;
	struct hvg_vstor_offer_props props = {
		.flags = HVG_STOR_OFFER_FLAG_IDE,
	};

	static_assert(sizeof(props) <= sizeof(msg->user_def));
	if (!d)
		return;
	props.path_id = d->index / 2;
	props.target_id = d->target_id;
	memcpy(msg->user_def, &props, sizeof(props));
	ch->instance.b[4] = d->target_id;
	ch->instance.b[5] = 0;
	msg->if_instance = ch->instance;
}

static const unsigned int storvsp_ide_subchannels;

static const struct hvg_lh_service hvg_lh_storvsp_ide_service = {
	.name = "ide",
	.class_id = HVG_GUID_IDE,
	.max_subchannels = &storvsp_ide_subchannels,
	.priv_size = sizeof(struct storvsp_chan),
	.offer = storvsp_ide_offer,
	.on_open = storvsp_on_open,
	.on_close = storvsp_on_close,
	.on_packet = storvsp_on_packet,
	.on_subchannels = storvsp_on_subchannels,
	.show = storvsp_show,
	.poll_defer = &storvsp_poll_defer,
	.serve_now = &storvsp_serve_now,
};

static const struct hvg_lh_service hvg_lh_storvsp_service = {
	.name = "scsi",
	.class_id = HVG_GUID_SCSI,
	.max_subchannels = &storvsp_max_subchannels,
	.priv_size = sizeof(struct storvsp_chan),
	.on_open = storvsp_on_open,
	.on_close = storvsp_on_close,
	.on_packet = storvsp_on_packet,
	.on_subchannels = storvsp_on_subchannels,
	.show = storvsp_show,
	.poll_defer = &storvsp_poll_defer,
	.serve_now = &storvsp_serve_now,
};

/* @ch is the primary channel of a controller or an IDE disk. */
static bool storvsp_is_primary(const struct hvg_lh_channel *ch)
{
	return ch && ch->primary == ch &&
	       (ch->svc == &hvg_lh_storvsp_service ||
		ch->svc == &hvg_lh_storvsp_ide_service);
}

/* Create LUN @n of @d with @mb MiB of RAM; storvsp_lun_lock held. */
static int storvsp_lun_create(struct storvsp_disk *d, unsigned int n,
			      unsigned int mb)
{
	struct hvg_scsi_lun_config cfg = {
		.blocks = (u64)mb << (20 - HVG_SCSI_BLOCK_SHIFT),
		.phys_block_shift = 3,
		.max_transfer_blocks = storvsp_max_transfer() >>
				       HVG_SCSI_BLOCK_SHIFT,
		.unmap = true,
	};
	struct hvg_scsi_ram *ram = &d->ram[n];
	int err;

	lockdep_assert_held(&storvsp_lun_lock);
	if (n >= STORVSP_MAX_LUNS || !mb || mb > STORVSP_MAX_LUN_MB)
		return -EINVAL;
	if (test_bit(n, &d->present))
		return -EEXIST;
	ram->size = (u64)mb << 20;
	ram->mem = vzalloc(ram->size);
	if (!ram->mem)
		return -ENOMEM;
	/* A disk id of its own: "hvgSCSI", controller, LUN. */
	memcpy(cfg.disk_id, "hvgSCSI", 7);
	cfg.disk_id[8] = d->index;
	cfg.disk_id[9] = n;
	snprintf(cfg.serial, sizeof(cfg.serial), "HVG%02u%02u", d->index, n);
	err = hvg_scsi_lun_init(&d->luns[n], &cfg, &hvg_scsi_ram_ops, ram);
	if (!err)
		err = hvg_scsi_target_add_lun(&d->target, n, &d->luns[n]);
	if (err) {
		vfree(ram->mem);
		ram->mem = NULL;
		return err;
	}
	set_bit(n, &d->present);
	return 0;
}

/*
 * Remove LUN @n of @d: no command finds it afterwards, and its storage is
 * freed once every command that found it has returned. storvsp_lun_lock
 * held.
 */
static int storvsp_lun_destroy(struct storvsp_disk *d, unsigned int n)
{
	lockdep_assert_held(&storvsp_lun_lock);
	if (n >= STORVSP_MAX_LUNS || !test_bit(n, &d->present))
		return -ENOENT;
	hvg_scsi_target_remove_lun(&d->target, n);
	clear_bit(n, &d->present);
	synchronize_srcu(&storvsp_srcu);
	vfree(d->ram[n].mem);
	d->ram[n].mem = NULL;
	return 0;
}

static void storvsp_disk_free(struct storvsp_disk *d)
{
	unsigned int i;

	if (!d)
		return;
	mutex_lock(&storvsp_lun_lock);
	for (i = 0; i < STORVSP_MAX_LUNS; i++)
		storvsp_lun_destroy(d, i);
	mutex_unlock(&storvsp_lun_lock);
	kfree(d);
}

/*
 * Controller @index (0-based among the SCSI controllers), or IDE disk
 * @index: an IDE disk has one RAM LUN and no backing device.
 */
static struct storvsp_disk *storvsp_disk_alloc(unsigned int index, bool ide)
{
	unsigned int i, first = 0, luns = ide ? 1 : storvsp_luns;
	struct storvsp_disk *d;
	int err = 0;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	d->index = index;
	d->ide = ide;
	d->target_id = ide ? index % 2 : 0;
	mutex_lock(&storvsp_lun_lock);
	/* A scsi_backing device (lun_bdev.c) is LUN 0, the RAM LUNs follow. */
	if (!ide) {
		err = hvg_lh_bdev_lun_add(index, &d->target, &d->luns[0],
					  storvsp_max_transfer() >>
					  HVG_SCSI_BLOCK_SHIFT);
		first = err > 0;
		if (first) {
			set_bit(0, &d->present);
			d->sleeps = true;
		}
		err = min(err, 0);
	}
	for (i = 0; i < luns && !err; i++)
		err = storvsp_lun_create(d, first + i, storvsp_lun_mb);
	/* There from the start: no "LUNs changed" attention pending. */
	for (i = 0; i < first + luns && !err; i++)
		d->luns[i].ua = 0;
	mutex_unlock(&storvsp_lun_lock);
	if (err) {
		storvsp_disk_free(d);
		return NULL;
	}
	return d;
}

/* ---------------------------------------------------------------------
 * debugfs: hvguest/storvsp/{lun,fault}
 */

/* Copy a short user write into @buf as a trimmed string. */
static int storvsp_ctl_string(const char __user *ubuf, size_t count,
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

static struct storvsp_disk *storvsp_disk_of_relid(u32 relid)
{
	unsigned int i;

	for (i = 0; i < storvsp_nr_disks; i++)
		if (storvsp_disks[i] && storvsp_disks[i]->relid == relid)
			return storvsp_disks[i];
	return NULL;
}

/*
 * Tell the guest that @d's LUNs changed with @op (ENUMERATE_BUS or
 * REMOVE_DEVICE), in-band, transaction id 0, no completion asked: if the
 * controller is open and initialised (the host sends nothing before).
 * Return: 0 sent, 1 not sent (not open yet), or a negative errno.
 */
static int storvsp_notify(struct storvsp_disk *d, u32 op)
{
	struct hvg_lh_server *srv = storvsp_srv;
	struct hvg_vstor_packet p = { .operation = op };
	struct hvg_lh_channel *ch;
	int ret = 1;

	mutex_lock(&srv->lock);
	ch = hvg_lh_srv_find(srv, d->relid);
	if (storvsp_is_primary(ch) && storvsp_of(ch)->disk == d &&
	    ch->state == HVG_LH_CH_OPEN &&
	    (READ_ONCE(storvsp_of(ch)->init) & STORVSP_INIT_DONE))
		ret = hvg_lh_chan_send(ch, HVG_PKT_DATA_INBAND, 0, &p,
				       sizeof(p));
	mutex_unlock(&srv->lock);
	return ret == -EAGAIN ? -EBUSY : ret;
}

/*
 * "add RELID LUN [MIB] [quiet]" or "remove RELID LUN [quiet]": RELID is
 * the controller's primary channel. "quiet": no ENUMERATE_BUS /
 * REMOVE_DEVICE packet, only the unit attention on the other LUNs.
 */
static ssize_t storvsp_lun_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[64], *cur, *tok[5];
	unsigned int ntok = 0, lun, mb = storvsp_lun_mb;
	struct storvsp_disk *d;
	bool add, quiet = false;
	u32 relid;
	int err;

	err = storvsp_ctl_string(ubuf, count, buf, sizeof(buf));
	if (err)
		return err;
	cur = buf;
	while (cur && ntok < ARRAY_SIZE(tok)) {
		tok[ntok] = strsep(&cur, " \t");
		if (*tok[ntok])
			ntok++;
	}
	if (cur || ntok < 3)
		return -EINVAL;
	if (!strcmp(tok[0], "add"))
		add = true;
	else if (!strcmp(tok[0], "remove"))
		add = false;
	else
		return -EINVAL;
	if (kstrtou32(tok[1], 0, &relid) || kstrtouint(tok[2], 0, &lun))
		return -EINVAL;
	if (ntok > 3 && !strcmp(tok[ntok - 1], "quiet")) {
		quiet = true;
		ntok--;
	}
	if (ntok > 4 || (ntok == 4 && (!add || kstrtouint(tok[3], 0, &mb))))
		return -EINVAL;

	mutex_lock(&storvsp_lun_lock);
	d = storvsp_disk_of_relid(relid);
	if (!d)
		err = -ENOENT;
	else if (d->ide)
		err = -EOPNOTSUPP;	/* an IDE disk is one LUN for good */
	else if (add)
		err = storvsp_lun_create(d, lun, mb);
	else
		err = storvsp_lun_destroy(d, lun);
	mutex_unlock(&storvsp_lun_lock);
	if (err)
		return err;
	pr_info("debugfs: scsi relid %u: LUN %u %s%s\n", relid, lun,
		add ? "added" : "removed",
		quiet ? " (no notification: unit attention only)" : "");
	if (!quiet) {
		err = storvsp_notify(d, add ? HVG_VSTOR_OP_ENUMERATE_BUS :
					      HVG_VSTOR_OP_REMOVE_DEVICE);
		if (err < 0)
			return err;
	}
	return count;
}

static int storvsp_lun_show(struct seq_file *m, void *unused)
{
	unsigned int i, n;

	mutex_lock(&storvsp_lun_lock);
	for (i = 0; i < storvsp_nr_disks; i++) {
		struct storvsp_disk *d = storvsp_disks[i];

		seq_printf(m, "%s=%u relid=%u luns=",
			   d->ide ? "ide" : "controller", d->index, d->relid);
		for_each_set_bit(n, &d->present, STORVSP_MAX_LUNS)
			seq_printf(m, "%u:%lluMiB,", n,
				   READ_ONCE(d->luns[n].blocks) >> 11);
		seq_putc(m, '\n');
	}
	mutex_unlock(&storvsp_lun_lock);
	return 0;
}

static int storvsp_lun_open(struct inode *inode, struct file *file)
{
	return single_open(file, storvsp_lun_show, NULL);
}

static const struct file_operations storvsp_lun_fops = {
	.owner = THIS_MODULE,
	.open = storvsp_lun_open,
	.read = seq_read,
	.write = storvsp_lun_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * rescind_during_io: the next EXECUTE_SRB is held unanswered, then its
 * controller is rescinded from here (the channel's work must not take
 * srv->lock). Waits up to 10 s for that request.
 */
static int storvsp_fault_rescind(void)
{
	struct hvg_lh_server *srv = storvsp_srv;
	struct hvg_lh_channel *ch;
	long left;
	u32 relid;
	int err;

	WRITE_ONCE(storvsp_rescind_relid, 0);
	set_bit(STORVSP_FAULT_RESCIND, &storvsp_fault_armed);
	left = wait_event_interruptible_timeout(storvsp_rescind_wq,
						READ_ONCE(storvsp_rescind_relid),
						10 * HZ);
	relid = READ_ONCE(storvsp_rescind_relid);
	if (!relid) {
		/* Disarm, unless a request took it just now. */
		if (test_and_clear_bit(STORVSP_FAULT_RESCIND,
				       &storvsp_fault_armed))
			return left < 0 ? left : -ETIMEDOUT;
		/* It sets the relid right after taking the fault. */
		wait_event_timeout(storvsp_rescind_wq,
				   READ_ONCE(storvsp_rescind_relid), HZ);
		relid = READ_ONCE(storvsp_rescind_relid);
		if (!relid)
			return -ETIMEDOUT;
	}
	mutex_lock(&srv->lock);
	ch = hvg_lh_srv_find(srv, relid);
	if (storvsp_is_primary(ch))
		err = hvg_lh_srv_rescind(srv, ch);
	else
		err = -ENOENT;
	mutex_unlock(&srv->lock);
	pr_info("debugfs: fault rescind_during_io: relid %u rescinded: %d\n",
		relid, err);
	return err;
}

static ssize_t storvsp_fault_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[32];
	int err, f;

	err = storvsp_ctl_string(ubuf, count, buf, sizeof(buf));
	if (err)
		return err;
	f = match_string(storvsp_fault_names, STORVSP_FAULT_NR, buf);
	if (f < 0)
		return -EINVAL;
	pr_info("debugfs: scsi fault %s armed\n", storvsp_fault_names[f]);
	if (f == STORVSP_FAULT_RESCIND) {
		err = storvsp_fault_rescind();
		return err ? err : count;
	}
	set_bit(f, &storvsp_fault_armed);
	return count;
}

static int storvsp_fault_show(struct seq_file *m, void *unused)
{
	unsigned int f;

	for (f = 0; f < STORVSP_FAULT_NR; f++)
		seq_printf(m, "%s armed=%u fired=%ld\n", storvsp_fault_names[f],
			   test_bit(f, &storvsp_fault_armed) ? 1 : 0,
			   atomic_long_read(&storvsp_fault_fired[f]));
	return 0;
}

static int storvsp_fault_open(struct inode *inode, struct file *file)
{
	return single_open(file, storvsp_fault_show, NULL);
}

static const struct file_operations storvsp_fault_fops = {
	.owner = THIS_MODULE,
	.open = storvsp_fault_open,
	.read = seq_read,
	.write = storvsp_fault_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* Create disk @i of the table (an IDE disk after the SCSI controllers). */
static int storvsp_add_disk(struct hvg_lh_server *srv, unsigned int i)
{
	bool ide = i >= storvsp_devices;
	unsigned int index = ide ? i - storvsp_devices : i;
	struct hvg_lh_channel *ch;

	storvsp_disks[i] = storvsp_disk_alloc(index, ide);
	if (!storvsp_disks[i])
		return -ENOMEM;
	storvsp_nr_disks = i + 1;
	/* The server is not live yet: the offer goes out after the disk is set. */
	mutex_lock(&srv->lock);
	ch = hvg_lh_srv_new_device(srv, ide ? &hvg_lh_storvsp_ide_service :
					      &hvg_lh_storvsp_service);
	if (!IS_ERR(ch)) {
		storvsp_of(ch)->disk = storvsp_disks[i];
		storvsp_disks[i]->relid = ch->relid;
	}
	mutex_unlock(&srv->lock);
	return PTR_ERR_OR_ZERO(ch);
}

int hvg_lh_storvsp_init(struct hvg_lh_server *srv)
{
	unsigned int i, n = storvsp_devices + storvsp_ide_devices;
	int err;

	storvsp_srv = srv;
	if (!n && !hvg_lh_bdev_count())
		return 0;
	if (storvsp_devices > STORVSP_MAX_DEVICES ||
	    storvsp_ide_devices > STORVSP_MAX_IDE ||
	    hvg_lh_bdev_count() > storvsp_devices ||
	    (!storvsp_luns && !hvg_lh_bdev_count()) ||
	    storvsp_luns + !!hvg_lh_bdev_count() > STORVSP_MAX_LUNS ||
	    !storvsp_lun_mb ||
	    storvsp_lun_mb > STORVSP_MAX_LUN_MB) {
		pr_err("scsi_devices=%u ide_devices=%u scsi_luns=%u scsi_lun_mb=%u scsi_backing paths=%u: out of range\n",
		       storvsp_devices, storvsp_ide_devices, storvsp_luns,
		       storvsp_lun_mb, hvg_lh_bdev_count());
		return -EINVAL;
	}
	storvsp_disks = kcalloc(n, sizeof(*storvsp_disks), GFP_KERNEL);
	if (!storvsp_disks)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = storvsp_add_disk(srv, i);
		if (err)
			return err;
	}
	/*
	 * The controls use the server: the module cannot go away while one
	 * runs (the files pin it), and they are removed on unload.
	 */
	storvsp_debugfs = debugfs_create_dir("storvsp", hvg_debugfs_root());
	debugfs_create_file("lun", 0600, storvsp_debugfs, NULL,
			    &storvsp_lun_fops);
	debugfs_create_file("fault", 0600, storvsp_debugfs, NULL,
			    &storvsp_fault_fops);
	if (storvsp_version)
		pr_info("%u SCSI controller(s), %u LUN(s) of %u MiB each, %u IDE disk(s), protocol up to %#06x\n",
			storvsp_devices, storvsp_luns, storvsp_lun_mb,
			storvsp_ide_devices, storvsp_version);
	else
		pr_info("%u SCSI controller(s), %u LUN(s) of %u MiB each, %u IDE disk(s), every protocol version refused (scsi_version=none)\n",
			storvsp_devices, storvsp_luns, storvsp_lun_mb,
			storvsp_ide_devices);
	return 0;
}

void hvg_lh_storvsp_exit(void)
{
	unsigned int i;

	debugfs_remove(storvsp_debugfs);
	storvsp_debugfs = NULL;
	for (i = 0; i < storvsp_nr_disks; i++)
		storvsp_disk_free(storvsp_disks[i]);
	hvg_lh_bdev_exit();	/* after every LUN is gone */
	kfree(storvsp_disks);
	storvsp_disks = NULL;
	storvsp_nr_disks = 0;
	storvsp_srv = NULL;
}
