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
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <hvguest/storvsc_proto.h>
#include <hvguest/vmbus.h>

#include "scsi_target.h"
#include "server_internal.h"
#include "storvsp.h"

static unsigned int storvsp_devices;
module_param_named(scsi_devices, storvsp_devices, uint, 0444);
MODULE_PARM_DESC(scsi_devices,
		 "Synthetic SCSI controllers offered at load, 0 to 8 (default 0)");

static unsigned int storvsp_luns = 1;
module_param_named(scsi_luns, storvsp_luns, uint, 0444);
MODULE_PARM_DESC(scsi_luns,
		 "RAM-backed LUNs per SCSI controller, 1 to 16 (default 1)");

static unsigned int storvsp_lun_mb = 64;
module_param_named(scsi_lun_mb, storvsp_lun_mb, uint, 0444);
MODULE_PARM_DESC(scsi_lun_mb,
		 "Size of each RAM LUN in MiB, 1 to 4096 (default 64)");

static ushort storvsp_version = HVG_STOR_VERSION_WIN10;
module_param_named(scsi_version, storvsp_version, ushort, 0444);
MODULE_PARM_DESC(scsi_version,
		 "Newest storvsc protocol version the host accepts: 0x0602 (default), 0x0600 or 0x0501");

static unsigned int storvsp_max_transfer_kb = 1024;
module_param_named(scsi_max_transfer_kb, storvsp_max_transfer_kb, uint,
		   0444);
MODULE_PARM_DESC(scsi_max_transfer_kb,
		 "max_transfer_bytes in QUERY_PROPERTIES, in KiB, 4 to 1024 (default 1024)");

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

#define STORVSP_MAX_DEVICES	8
#define STORVSP_MAX_LUNS	16
#define STORVSP_MAX_LUN_MB	4096
/* GPA-direct ranges one EXECUTE_SRB may carry. */
#define STORVSP_MAX_RANGES	32

/* One controller: its target and the storage of its LUNs. Set at load. */
struct storvsp_disk {
	struct hvg_scsi_target target;
	unsigned int nr_luns;
	struct hvg_scsi_lun luns[STORVSP_MAX_LUNS];
	struct hvg_scsi_ram ram[STORVSP_MAX_LUNS];
};

/* Initialisation steps seen on a primary channel (storvsp_chan.init). */
#define STORVSP_INIT_BEGUN	BIT(0)
#define STORVSP_INIT_VERSION	BIT(1)
#define STORVSP_INIT_PROPS	BIT(2)
#define STORVSP_INIT_DONE	BIT(3)

/*
 * Per-channel state. @disk is set when the device is created and never
 * changes. @version and @init are written by the primary channel's work
 * only; sub-channels read the primary's @version with READ_ONCE(). @segs
 * is the work's own scratch (allocated at open, freed at close).
 */
struct storvsp_chan {
	struct storvsp_disk *disk;
	u16 version;
	u8 init;
	struct hvg_scsi_seg *segs;
	u32 max_segs;
	atomic64_t srbs;
	atomic64_t bytes;
	atomic64_t errors;	/* SRBs answered with an error status */
	atomic64_t bad;		/* malformed requests */
	atomic64_t dropped;	/* left unanswered: scsi_fault_drop_srbs */
};

static struct storvsp_disk **storvsp_disks;
static unsigned int storvsp_nr_disks;

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
		v == HVG_STOR_VERSION_WIN10) && v <= storvsp_version;
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
	int nsegs = 0, ret;

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
	ret = hvg_scsi_execute(&sc->disk->target, srb->lun, &cmd);
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
		sc->init = STORVSP_INIT_BEGUN;
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
			sc->init |= STORVSP_INIT_VERSION;
		} else {
			status = HVG_NT_REVISION_MISMATCH;
		}
		break;
	case HVG_VSTOR_OP_QUERY_PROPERTIES:
		if (!primary || !(sc->init & STORVSP_INIT_VERSION))
			goto refuse;
		memset(p.buffer, 0, sizeof(p.buffer));
		v = min_t(unsigned int, READ_ONCE(storvsp_max_subchannels), 64);
		p.properties.max_channel_cnt = v;
		p.properties.flags = v ? HVG_STOR_PROP_MULTI_CHANNEL : 0;
		p.properties.max_transfer_bytes = storvsp_max_transfer();
		sc->init |= STORVSP_INIT_PROPS;
		break;
	case HVG_VSTOR_OP_END_INITIALIZATION:
		if (!primary || !(sc->init & STORVSP_INIT_PROPS))
			goto refuse;
		sc->init |= STORVSP_INIT_DONE;
		memset(p.buffer, 0, sizeof(p.buffer));
		break;
	case HVG_VSTOR_OP_CREATE_SUB_CHANNELS:
		if (!primary || !(sc->init & STORVSP_INIT_DONE) ||
		    !p.sub_channel_count ||
		    !READ_ONCE(storvsp_max_subchannels))
			goto refuse;
		/* The sub-channel work offers them, then answers. */
		hvg_lh_request_subchannels(ch, p.sub_channel_count, tid, 0);
		return 0;
	case HVG_VSTOR_OP_EXECUTE_SRB:
		if (storvsp_drop()) {
			atomic64_inc(&sc->dropped);
			return 0;
		}
		storvsp_srb(ch, pkt, buf, &p);
		break;
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
		sc->init = 0;
		WRITE_ONCE(sc->version, 0);
	}
	return 0;
}

static void storvsp_on_close(struct hvg_lh_channel *ch)
{
	struct storvsp_chan *sc = storvsp_of(ch);

	kvfree(sc->segs);
	sc->segs = NULL;
}

static void storvsp_show(struct hvg_lh_channel *ch, struct seq_file *m)
{
	struct storvsp_chan *sc = storvsp_of(ch);

	seq_printf(m, " version=%#06x luns=%u srbs=%lld bytes=%lld errors=%lld bad_requests=%lld unanswered=%lld",
		   READ_ONCE(storvsp_of(ch->primary)->version),
		   sc->disk ? sc->disk->nr_luns : 0,
		   (long long)atomic64_read(&sc->srbs),
		   (long long)atomic64_read(&sc->bytes),
		   (long long)atomic64_read(&sc->errors),
		   (long long)atomic64_read(&sc->bad),
		   (long long)atomic64_read(&sc->dropped));
}

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
};

static void storvsp_disk_free(struct storvsp_disk *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = 0; i < d->nr_luns; i++)
		vfree(d->ram[i].mem);
	kfree(d);
}

static struct storvsp_disk *storvsp_disk_alloc(unsigned int index)
{
	struct hvg_scsi_lun_config cfg = {
		.blocks = (u64)storvsp_lun_mb << (20 - HVG_SCSI_BLOCK_SHIFT),
		.phys_block_shift = 3,
		.max_transfer_blocks = storvsp_max_transfer() >>
				       HVG_SCSI_BLOCK_SHIFT,
		.unmap = true,
	};
	struct storvsp_disk *d;
	unsigned int i;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	for (i = 0; i < storvsp_luns; i++) {
		d->ram[i].size = (u64)storvsp_lun_mb << 20;
		d->ram[i].mem = vzalloc(d->ram[i].size);
		if (!d->ram[i].mem)
			goto err;
		d->nr_luns = i + 1;
		/* A disk id of its own: "hvgSCSI", controller, LUN. */
		memcpy(cfg.disk_id, "hvgSCSI", 7);
		cfg.disk_id[8] = index;
		cfg.disk_id[9] = i;
		snprintf(cfg.serial, sizeof(cfg.serial), "HVG%02u%02u", index,
			 i);
		if (hvg_scsi_lun_init(&d->luns[i], &cfg, &hvg_scsi_ram_ops,
				      &d->ram[i]) ||
		    hvg_scsi_target_add_lun(&d->target, i, &d->luns[i]))
			goto err;
	}
	return d;
err:
	storvsp_disk_free(d);
	return NULL;
}

int hvg_lh_storvsp_init(struct hvg_lh_server *srv)
{
	unsigned int i;
	int err = 0;

	if (!storvsp_devices)
		return 0;
	if (storvsp_devices > STORVSP_MAX_DEVICES || !storvsp_luns ||
	    storvsp_luns > STORVSP_MAX_LUNS || !storvsp_lun_mb ||
	    storvsp_lun_mb > STORVSP_MAX_LUN_MB ||
	    !storvsp_version_ok(storvsp_version)) {
		pr_err("scsi_devices=%u scsi_luns=%u scsi_lun_mb=%u scsi_version=%#x: out of range\n",
		       storvsp_devices, storvsp_luns, storvsp_lun_mb,
		       storvsp_version);
		return -EINVAL;
	}
	storvsp_disks = kcalloc(storvsp_devices, sizeof(*storvsp_disks),
				GFP_KERNEL);
	if (!storvsp_disks)
		return -ENOMEM;
	for (i = 0; i < storvsp_devices; i++) {
		struct hvg_lh_channel *ch;

		storvsp_disks[i] = storvsp_disk_alloc(i);
		if (!storvsp_disks[i])
			return -ENOMEM;
		storvsp_nr_disks = i + 1;
		mutex_lock(&srv->lock);
		ch = hvg_lh_srv_new_device(srv, &hvg_lh_storvsp_service);
		if (!IS_ERR(ch))
			storvsp_of(ch)->disk = storvsp_disks[i];
		mutex_unlock(&srv->lock);
		if (IS_ERR(ch))
			return PTR_ERR(ch);
	}
	pr_info("%u SCSI controller(s), %u LUN(s) of %u MiB each, protocol up to %#06x\n",
		storvsp_devices, storvsp_luns, storvsp_lun_mb,
		storvsp_version);
	return err;
}

void hvg_lh_storvsp_exit(void)
{
	unsigned int i;

	for (i = 0; i < storvsp_nr_disks; i++)
		storvsp_disk_free(storvsp_disks[i]);
	kfree(storvsp_disks);
	storvsp_disks = NULL;
	storvsp_nr_disks = 0;
}
