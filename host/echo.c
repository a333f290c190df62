// SPDX-License-Identifier: GPL-2.0
/*
 * The echo test device, host side (include/hvguest/echo_proto.h): a
 * service of the loopback host's VMBus server. Every request is answered
 * on the same channel with the same transaction id; ECHO byte for byte.
 * Everything in a request is bounded before use: the header is copied out
 * of the packet, lengths are checked against the packet, GPA-direct ranges
 * against the packet, a page limit and pfn_valid().
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/crc32.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <hvguest/compat.h>
#include <hvguest/echo_proto.h>
#include <hvguest/vmbus.h>

#include "server_internal.h"

/* The most bytes one PAGES request may name (ranges together). */
unsigned int hvg_lh_echo_max_pages_bytes = 4 << 20;

static unsigned int hvg_lh_echo_max_subchannels = 4;
module_param_named(echo_max_subchannels, hvg_lh_echo_max_subchannels, uint,
		   0644);
MODULE_PARM_DESC(echo_max_subchannels,
		 "Sub-channels one echo device offers at most, 0 to 64 (default 4)");

/*
 * Echo inband requests from where the guest wrote them (one copy, from the
 * guest's outbound ring to its inbound ring) instead of from the channel's
 * private buffer (two).
 */
static bool hvg_lh_echo_in_place = true;
module_param_named(echo_in_place, hvg_lh_echo_in_place, bool, 0644);
MODULE_PARM_DESC(echo_in_place,
		 "Echo channels reply from the guest's ring, the payload copied once, not through a private buffer (default Y)");

/* Per-channel echo state: counters only, written by the channel's work. */
struct hvg_lh_echo {
	atomic64_t requests;
	atomic64_t bytes;
	atomic64_t bad;
};

static struct hvg_lh_echo *echo_of(struct hvg_lh_channel *ch)
{
	return ch->priv;
}

static int echo_reply_hdr(struct hvg_lh_channel *ch, u64 trans_id,
			  const struct hvg_echo_hdr *req, u32 csum, u32 len,
			  u64 arg, u32 status)
{
	struct hvg_echo_hdr r = {
		.op = req->op,
		.len = len,
		.seq = req->seq,
		.csum = csum,
		.arg = arg,
		.status = status,
	};

	return hvg_lh_chan_send(ch, HVG_PKT_DATA_INBAND, trans_id, &r,
				sizeof(r));
}

/*
 * PAGES: the GPA-direct ranges sit in @buf before the payload (the
 * descriptor's extension); read each page in place and checksum it.
 */
static int echo_pages(struct hvg_lh_channel *ch, const void *buf, u32 extlen,
		      u32 *csum, u32 *total)
{
	struct hvg_gpa_direct_hdr gh;
	struct hvg_gpa_range range;
	u32 pos = sizeof(gh), i, r, crc = ~0u;
	u64 sum = 0;

	if (extlen < sizeof(gh))
		return -EINVAL;
	memcpy(&gh, buf, sizeof(gh));
	if (!gh.range_count)
		return -EINVAL;
	for (r = 0; r < gh.range_count; r++) {
		u32 npfns, off, left;

		if (extlen - pos < sizeof(range))
			return -EINVAL;
		memcpy(&range, (const u8 *)buf + pos, sizeof(range));
		pos += sizeof(range);
		if (range.byte_offset >= PAGE_SIZE || !range.byte_count)
			return -EINVAL;
		sum += range.byte_count;
		if (sum > hvg_lh_echo_max_pages_bytes)
			return -E2BIG;
		npfns = DIV_ROUND_UP(range.byte_offset + range.byte_count,
				     PAGE_SIZE);
		if ((extlen - pos) / 8 < npfns)
			return -EINVAL;
		off = range.byte_offset;
		left = range.byte_count;
		for (i = 0; i < npfns; i++) {
			u32 n = min_t(u32, left, PAGE_SIZE - off);
			u64 pfn;
			void *va;

			memcpy(&pfn, (const u8 *)buf + pos + i * 8, 8);
			if (pfn > ULONG_MAX || !pfn_valid(pfn))
				return -EFAULT;
			va = kmap_local_page(pfn_to_page(pfn));
			crc = crc32_le(crc, (const u8 *)va + off, n);
			kunmap_local(va);
			left -= n;
			off = 0;
		}
		pos += npfns * 8;
	}
	*csum = crc;
	*total = sum;
	return 0;
}

static int echo_gpadl_sum(struct hvg_lh_channel *ch, u64 handle, u32 len,
			  u32 *csum)
{
	struct hvg_lh_gpadl *g;
	int status = 0;

	if (handle > U32_MAX)
		return -ENOENT;
	mutex_lock(&ch->gpadl_lock);
	g = hvg_lh_chan_gpadl(ch, handle);
	if (!g || !g->va)
		status = -ENOENT;
	else if (len > g->byte_count)
		status = -E2BIG;
	else
		*csum = crc32_le(~0u, (const u8 *)g->va + g->byte_offset, len);
	mutex_unlock(&ch->gpadl_lock);
	return status;
}

static int echo_on_packet(struct hvg_lh_channel *ch,
			  const struct hvg_ring_pkt *pkt, void *buf)
{
	struct hvg_lh_echo *e = echo_of(ch);
	u32 extlen = pkt->desc.offset8 * 8 - sizeof(pkt->desc);
	u64 tid = pkt->desc.trans_id;
	struct hvg_echo_hdr req;
	struct hvg_ring_buf reply[2];
	u32 csum = 0, total = 0, st;
	int ret;

	if (pkt->data_len < sizeof(req)) {
		atomic64_inc(&e->bad);
		hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
		pr_warn_ratelimited("echo relid %u: %u-byte request, header is %zu\n",
				    ch->relid, pkt->data_len, sizeof(req));
		return 0;
	}
	memcpy(&req, pkt->data, sizeof(req));

	if (pkt->desc.type == HVG_PKT_DATA_USING_GPA_DIRECT) {
		if (req.op != HVG_ECHO_OP_PAGES)
			goto bad_op;
		/* Replies carry a positive errno value. */
		st = -echo_pages(ch, buf, extlen, &csum, &total);
		ret = echo_reply_hdr(ch, tid, &req, csum, total, 0, st);
		goto counted;
	}
	if (pkt->desc.type != HVG_PKT_DATA_INBAND)
		goto bad_op;

	switch (req.op) {
	case HVG_ECHO_OP_ECHO:
		/* Exactly the sender's bytes: padding is not payload. */
		if (req.len > pkt->data_len - sizeof(req) ||
		    pkt->data_len - sizeof(req) - req.len >= 8) {
			ret = echo_reply_hdr(ch, tid, &req, 0, 0, 0, EINVAL);
			break;
		}
		/*
		 * The header as checked, then the guest's bytes moved on
		 * unread from where they are (inband_in_place).
		 */
		reply[0].base = &req;
		reply[0].len = sizeof(req);
		reply[1].base = (const u8 *)pkt->data + sizeof(req);
		reply[1].len = req.len;
		ret = hvg_lh_chan_sendv(ch, HVG_PKT_DATA_INBAND, 0, tid, 0,
					reply, ARRAY_SIZE(reply),
					hvg_lh_chan_serving(ch));
		total = req.len;
		break;
	case HVG_ECHO_OP_GPADL_SUM:
		st = -echo_gpadl_sum(ch, req.arg, req.len, &csum);
		ret = echo_reply_hdr(ch, tid, &req, csum, st ? 0 : req.len,
				     req.arg, st);
		break;
	case HVG_ECHO_OP_SUBCHANNELS:
		if (ch->primary != ch) {
			ret = echo_reply_hdr(ch, tid, &req, 0, 0, 0, EINVAL);
			break;
		}
		/* The sub-channel work offers them, then answers. */
		hvg_lh_request_subchannels(ch, min_t(u64, req.arg, U16_MAX),
					   tid, req.seq);
		ret = 0;
		break;
	case HVG_ECHO_OP_STATS:
		/* This request is counted once it is answered. */
		ret = echo_reply_hdr(ch, tid, &req, 0,
				     (u32)atomic64_read(&e->bytes),
				     atomic64_read(&e->requests) + 1, 0);
		break;
	default:
		goto bad_op;
	}
counted:
	if (ret == -EAGAIN)
		return ret;
	atomic64_inc(&e->requests);
	atomic64_add(total, &e->bytes);
	return 0;

bad_op:
	atomic64_inc(&e->bad);
	ret = echo_reply_hdr(ch, tid, &req, 0, 0, 0, EOPNOTSUPP);
	pr_warn_ratelimited("echo relid %u: op %u in a packet of type %u not served\n",
			    ch->relid, req.op, pkt->desc.type);
	return ret == -EAGAIN ? ret : 0;
}

static void echo_on_subchannels(struct hvg_lh_channel *ch,
				unsigned int total, u64 trans_id, u32 seq)
{
	struct hvg_echo_hdr req = {
		.op = HVG_ECHO_OP_SUBCHANNELS,
		.seq = seq,
	};

	if (!echo_reply_hdr(ch, trans_id, &req, 0, 0, total, 0))
		atomic64_inc(&echo_of(ch)->requests);
}

static void echo_show(struct hvg_lh_channel *ch, struct seq_file *m)
{
	struct hvg_lh_echo *e = echo_of(ch);

	seq_printf(m, " requests=%lld bytes=%lld bad_requests=%lld",
		   (long long)atomic64_read(&e->requests),
		   (long long)atomic64_read(&e->bytes),
		   (long long)atomic64_read(&e->bad));
}

const struct hvg_lh_service hvg_lh_echo_service = {
	.name = "echo",
	.class_id = HVG_GUID_ECHO,
	.max_subchannels = &hvg_lh_echo_max_subchannels,
	.priv_size = sizeof(struct hvg_lh_echo),
	.on_packet = echo_on_packet,
	.on_subchannels = echo_on_subchannels,
	.show = echo_show,
	.inband_in_place = &hvg_lh_echo_in_place,
};
