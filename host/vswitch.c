// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's virtual switch: every open synthetic NIC is a port,
 * and a frame one NIC sends is handed to the ports that should see it, by
 * destination MAC and each port's RNDIS packet filter:
 *
 *   broadcast      every other port whose filter has BROADCAST or PROMISCUOUS
 *   multicast      every other port with MULTICAST, ALL_MULTICAST or
 *                  PROMISCUOUS (no per-address multicast list is kept)
 *   unicast        the port whose current MAC it is (filter DIRECTED or
 *                  PROMISCUOUS), and every promiscuous port
 *   unknown        (no port has the MAC) only promiscuous ports: flooded
 *                  to them, else dropped and counted (tx_no_port)
 *
 * A frame never goes back to the port it came from. The switch does not
 * learn addresses: a NIC's address is what its guest set with RNDIS (the
 * permanent one until then).
 *
 * Also here, the frame work a host does for its guests: the checksums a
 * transmit checksum request asks for, the segmentation of an LSO send into
 * MSS-sized TCP segments, and the Toeplitz hash of RSS. Each reads only
 * the frame it is given, bounded by its length.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "netvsp.h"

/*
 * The ports. Written (join, leave) under the write lock from a primary
 * channel's open and close; read by every forwarding drain, which may run
 * in a guest's signal in softirq context: everyone keeps softirqs off.
 * A leaving NIC
 * is gone from the list once netvsp_switch_leave() returns, so no delivery
 * to it is in progress or starts later.
 */
static DEFINE_RWLOCK(netvsp_switch_lock);
static LIST_HEAD(netvsp_ports);

void netvsp_switch_join(struct netvsp_nic *nic)
{
	write_lock_bh(&netvsp_switch_lock);
	list_add_tail(&nic->port, &netvsp_ports);
	write_unlock_bh(&netvsp_switch_lock);
}

void netvsp_switch_leave(struct netvsp_nic *nic)
{
	write_lock_bh(&netvsp_switch_lock);
	list_del_init(&nic->port);
	write_unlock_bh(&netvsp_switch_lock);
}

/* Does @to's filter take a frame for @dst? rx_lock held. */
static bool netvsp_port_takes(const struct netvsp_nic *to, const u8 *dst)
{
	u32 filter = to->dev.packet_filter;

	if (filter & HVG_RNDIS_FILTER_PROMISCUOUS)
		return true;
	if (is_broadcast_ether_addr(dst))
		return filter & HVG_RNDIS_FILTER_BROADCAST;
	if (is_multicast_ether_addr(dst))
		return filter & (HVG_RNDIS_FILTER_MULTICAST |
				 HVG_RNDIS_FILTER_ALL_MULTICAST);
	return (filter & HVG_RNDIS_FILTER_DIRECTED) &&
	       ether_addr_equal(dst, to->dev.mac);
}

unsigned int netvsp_switch_forward(struct netvsp_nic *from,
				   const struct netvsp_frame *f)
{
	struct netvsp_nic *to;
	unsigned int taken = 0;

	if (f->hlen < ETH_HLEN)
		return 0;
	read_lock_bh(&netvsp_switch_lock);
	list_for_each_entry(to, &netvsp_ports, port) {
		bool take;

		if (to == from)
			continue;
		spin_lock_bh(&to->rx_lock);
		take = to->on_switch && netvsp_port_takes(to, f->data);
		if (take) {
			netvsp_rx_frame(to, f);
			taken++;
		}
		spin_unlock_bh(&to->rx_lock);
	}
	read_unlock_bh(&netvsp_switch_lock);
	return taken;
}

/* ---------------------------------------------------------------------
 * Frames
 */

bool netvsp_frame_ip(const u8 *frame, u32 len, u32 *l3, bool *ipv6,
		     u8 *proto, u32 *l4)
{
	u32 off = ETH_HLEN;
	__be16 type;

	if (len < ETH_HLEN)
		return false;
	memcpy(&type, frame + 12, sizeof(type));
	if (type == htons(ETH_P_8021Q)) {
		if (len < ETH_HLEN + 4)
			return false;
		memcpy(&type, frame + 16, sizeof(type));
		off += 4;
	}
	*l3 = off;
	if (type == htons(ETH_P_IP)) {
		u32 ihl;
		__be16 frag;

		if (len - off < sizeof(struct iphdr))
			return false;
		ihl = (frame[off] & 0xf) * 4;
		if ((frame[off] >> 4) != 4 || ihl < sizeof(struct iphdr) ||
		    len - off < ihl)
			return false;
		*ipv6 = false;
		memcpy(&frag, frame + off + 6, sizeof(frag));
		/* A fragment has no L4 header of its own to look at. */
		*proto = frag & htons(IP_MF | IP_OFFSET) ? 0 : frame[off + 9];
		*l4 = off + ihl;
		return true;
	}
	if (type == htons(ETH_P_IPV6)) {
		if (len - off < sizeof(struct ipv6hdr) ||
		    (frame[off] >> 4) != 6)
			return false;
		*ipv6 = true;
		/* No extension headers are walked: only TCP/UDP right after. */
		*proto = frame[off + 6];
		*l4 = off + sizeof(struct ipv6hdr);
		return true;
	}
	return false;
}

/* The L4 checksum of [l4, l4 + l4len) with the pseudo-header of @l3. */
static __sum16 netvsp_l4_csum(const u8 *frame, u32 l3, bool ipv6, u8 proto,
			      u32 l4, u32 l4len)
{
	__wsum sum = csum_partial(frame + l4, l4len, 0);
	struct in6_addr s6, d6;
	__be32 s4, d4;

	if (ipv6) {
		memcpy(&s6, frame + l3 + 8, sizeof(s6));
		memcpy(&d6, frame + l3 + 24, sizeof(d6));
		return csum_ipv6_magic(&s6, &d6, l4len, proto, sum);
	}
	memcpy(&s4, frame + l3 + 12, sizeof(s4));
	memcpy(&d4, frame + l3 + 16, sizeof(d4));
	return csum_tcpudp_magic(s4, d4, l4len, proto, sum);
}

/* The IPv4 header checksum at @l3, recomputed. */
static void netvsp_ip_csum(u8 *frame, u32 l3)
{
	u32 ihl = (frame[l3] & 0xf);
	__sum16 c = 0;

	memcpy(frame + l3 + 10, &c, sizeof(c));
	c = ip_fast_csum(frame + l3, ihl);
	memcpy(frame + l3 + 10, &c, sizeof(c));
}

/* Bytes of L4 data: from the IP length field, bounded by the frame. */
static int netvsp_l4_len(const u8 *frame, u32 len, u32 l3, bool ipv6, u32 l4)
{
	__be16 v;
	u32 end;

	memcpy(&v, frame + l3 + (ipv6 ? 4 : 2), sizeof(v));
	end = l3 + ntohs(v) + (ipv6 ? sizeof(struct ipv6hdr) : 0);
	if (end > len || end < l4)
		return -EINVAL;
	return end - l4;
}

int netvsp_tx_csum(u8 *frame, u32 len, const struct hvg_rndis_dev_tx *tx)
{
	u32 l3, l4, want = tx->csum, coff;
	bool ipv6;
	u8 proto;
	int l4len;
	__sum16 c;

	if (!netvsp_frame_ip(frame, len, &l3, &ipv6, &proto, &l4) ||
	    ipv6 != tx->ipv6)
		return -EINVAL;
	if (!ipv6 && (want & HVG_RNDIS_TXCSUM_IP_HDR))
		netvsp_ip_csum(frame, l3);
	if (!(want & (HVG_RNDIS_TXCSUM_TCP | HVG_RNDIS_TXCSUM_UDP)))
		return 0;
	/* The guest's L4 offset must be where the IP header says. */
	if (tx->l4_offset != l4 ||
	    proto != (want & HVG_RNDIS_TXCSUM_TCP ? IPPROTO_TCP : IPPROTO_UDP))
		return -EINVAL;
	l4len = netvsp_l4_len(frame, len, l3, ipv6, l4);
	coff = proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
				      offsetof(struct udphdr, check);
	if (l4len < 0 || (u32)l4len < coff + 2 ||
	    (proto == IPPROTO_TCP && (u32)l4len < sizeof(struct tcphdr)))
		return -EINVAL;
	c = 0;
	memcpy(frame + l4 + coff, &c, sizeof(c));
	c = netvsp_l4_csum(frame, l3, ipv6, proto, l4, l4len);
	if (proto == IPPROTO_UDP && !c)
		c = CSUM_MANGLED_0;
	memcpy(frame + l4 + coff, &c, sizeof(c));
	return 0;
}

/* The LSO frame's header bytes (through TCP) and payload; false if bad. */
static bool netvsp_lso_geom(const struct netvsp_frame *f, u32 *l3,
			    u32 *hdr_len, u32 *payload)
{
	u32 l4, doff;
	bool ipv6;
	u8 proto;

	if (!f->mss || !netvsp_frame_ip(f->data, f->hlen, l3, &ipv6, &proto,
					&l4))
		return false;
	if (ipv6 != f->ipv6 || proto != IPPROTO_TCP || l4 != f->l4_offset ||
	    f->hlen - l4 < sizeof(struct tcphdr))
		return false;
	doff = (f->data[l4 + 12] >> 4) * 4;
	/* The headers are at @data; the payload may not be. */
	if (doff < sizeof(struct tcphdr) || f->hlen - l4 < doff)
		return false;
	*hdr_len = l4 + doff;
	*payload = f->len - *hdr_len;
	return true;
}

u32 netvsp_lso_count(const struct netvsp_frame *f)
{
	u32 l3, hdr_len, payload;

	if (!netvsp_lso_geom(f, &l3, &hdr_len, &payload))
		return 0;
	return payload ? DIV_ROUND_UP(payload, f->mss) : 1;
}

int netvsp_lso_segment(const struct netvsp_frame *f, u32 i, u8 *out,
		       u32 cap)
{
	u32 l3, hdr_len, payload, off, plen, l4 = f->l4_offset, seq, n;
	bool last;
	__sum16 c;
	__be32 v32;
	__be16 v16;
	u8 flags;

	if (!netvsp_lso_geom(f, &l3, &hdr_len, &payload))
		return -EINVAL;
	n = payload ? DIV_ROUND_UP(payload, f->mss) : 1;
	if (i >= n)
		return -EINVAL;
	off = i * f->mss;
	plen = min(payload - off, f->mss);
	last = i == n - 1;
	if (hdr_len + plen > cap)
		return -ENOSPC;
	memcpy(out, f->data, hdr_len);
	netvsp_frame_copy(f, hdr_len + off, out + hdr_len, plen);

	/* IP: length (the guest zeroed IPv4's), IPv4 id and checksum. */
	if (f->ipv6) {
		v16 = htons(hdr_len - l3 - sizeof(struct ipv6hdr) + plen);
		memcpy(out + l3 + 4, &v16, sizeof(v16));
	} else {
		v16 = htons(hdr_len - l3 + plen);
		memcpy(out + l3 + 2, &v16, sizeof(v16));
		memcpy(&v16, out + l3 + 4, sizeof(v16));
		v16 = htons(ntohs(v16) + i);
		memcpy(out + l3 + 4, &v16, sizeof(v16));
		netvsp_ip_csum(out, l3);
	}
	/* TCP: sequence number, FIN/PSH on the last only, CWR first only. */
	memcpy(&v32, out + l4 + 4, sizeof(v32));
	seq = ntohl(v32) + off;
	v32 = htonl(seq);
	memcpy(out + l4 + 4, &v32, sizeof(v32));
	flags = out[l4 + 13];
	if (!last)
		flags &= ~(0x01 | 0x08);
	if (i)
		flags &= ~0x80;
	out[l4 + 13] = flags;
	c = 0;
	memcpy(out + l4 + offsetof(struct tcphdr, check), &c, sizeof(c));
	c = netvsp_l4_csum(out, l3, f->ipv6, IPPROTO_TCP, l4,
			   hdr_len - l4 + plen);
	memcpy(out + l4 + offsetof(struct tcphdr, check), &c, sizeof(c));
	return hdr_len + plen;
}

int netvsp_rsc_headers(const struct netvsp_frame *f, u8 *out, u32 cap)
{
	u32 l3, hdr_len, payload, iplen;
	__be16 v16;

	if (!netvsp_lso_geom(f, &l3, &hdr_len, &payload))
		return -EINVAL;
	if (hdr_len > cap)
		return -ENOSPC;
	/* IPv6's payload length leaves out its fixed header only. */
	iplen = f->len - l3 - (f->ipv6 ? sizeof(struct ipv6hdr) : 0);
	if (iplen > U16_MAX)
		return -E2BIG;
	memcpy(out, f->data, hdr_len);
	v16 = htons(iplen);
	memcpy(out + l3 + (f->ipv6 ? 4 : 2), &v16, sizeof(v16));
	if (!f->ipv6)
		netvsp_ip_csum(out, l3);
	return hdr_len;
}

/* ---------------------------------------------------------------------
 * RSS
 */

/* Toeplitz: for each input bit set, XOR in the key's 32 bits from there. */
static u32 netvsp_toeplitz(const u8 *key, const u8 *in, u32 n)
{
	u32 v = (u32)key[0] << 24 | key[1] << 16 | key[2] << 8 | key[3];
	u32 hash = 0, i, b, kbit = 32;

	for (i = 0; i < n; i++) {
		for (b = 0; b < 8; b++, kbit++) {
			if (in[i] & (0x80 >> b))
				hash ^= v;
			v <<= 1;
			if (kbit < 8 * HVG_NDIS_RSS_KEY_SIZE &&
			    key[kbit / 8] & (0x80 >> (kbit % 8)))
				v |= 1;
		}
	}
	return hash;
}

u32 netvsp_rss_hash(const struct hvg_ndis_rss *rss, const u8 *frame,
		    u32 len)
{
	u8 in[36];
	u32 l3, l4, n, hi = rss->hash_info;
	bool ipv6, tcp;
	u8 proto;

	if (!rss->enabled ||
	    !netvsp_frame_ip(frame, len, &l3, &ipv6, &proto, &l4))
		return 0;
	if (!(hi & (ipv6 ? HVG_NDIS_HASH_IPV6 | HVG_NDIS_HASH_TCP_IPV6 :
			   HVG_NDIS_HASH_IPV4 | HVG_NDIS_HASH_TCP_IPV4)))
		return 0;
	tcp = proto == IPPROTO_TCP && len - l4 >= 4 &&
	      (hi & (ipv6 ? HVG_NDIS_HASH_TCP_IPV6 : HVG_NDIS_HASH_TCP_IPV4));
	if (ipv6) {
		memcpy(in, frame + l3 + 8, 32);
		n = 32;
	} else {
		memcpy(in, frame + l3 + 12, 8);
		n = 8;
	}
	if (tcp) {
		memcpy(in + n, frame + l4, 4);
		n += 4;
	}
	return netvsp_toeplitz(rss->key, in, n);
}
