// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_netvsc's ethtool operations: drvinfo, link settings, channels
 * (`ethtool -L` re-attaches the NIC with the new count), ring parameters,
 * the RSS key and indirection table, and statistics, global and per queue.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "netvsc.h"

static void nv_get_drvinfo(struct net_device *ndev,
			   struct ethtool_drvinfo *info)
{
	struct nv_dev *nd = netdev_priv(ndev);

	strscpy(info->driver, NV_DRV_NAME, sizeof(info->driver));
	snprintf(info->fw_version, sizeof(info->fw_version), "NVSP %u.%u",
		 nd->nvsp_version >> 16, nd->nvsp_version & 0xffff);
	strscpy(info->bus_info, dev_name(&nd->hdev->dev),
		sizeof(info->bus_info));
}

static int nv_get_link_ksettings(struct net_device *ndev,
				 struct ethtool_link_ksettings *cmd)
{
	struct nv_dev *nd = netdev_priv(ndev);
	u32 speed = READ_ONCE(nd->link_speed_mbps);

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	cmd->base.speed = netif_carrier_ok(ndev) && speed ? speed :
			  SPEED_UNKNOWN;
	cmd->base.duplex = netif_carrier_ok(ndev) ? DUPLEX_FULL :
			   DUPLEX_UNKNOWN;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static void nv_get_channels(struct net_device *ndev,
			    struct ethtool_channels *ch)
{
	struct nv_dev *nd = netdev_priv(ndev);

	ch->max_combined = min_t(u32, nd->num_rx_queues, num_online_cpus());
	if (nd->nvsp_version < HVG_NVSP_VERSION_5)
		ch->max_combined = 1;
	ch->combined_count = nd->num_chans;
}

static int nv_set_channels(struct net_device *ndev,
			   struct ethtool_channels *ch)
{
	struct nv_dev *nd = netdev_priv(ndev);
	struct ethtool_channels cur = { };

	nv_get_channels(ndev, &cur);
	if (ch->rx_count || ch->tx_count || ch->other_count ||
	    !ch->combined_count || ch->combined_count > cur.max_combined)
		return -EINVAL;
	if (ch->combined_count == nd->num_chans)
		return 0;
	return nv_change_channels(nd, ch->combined_count);
}

#if KERNEL_VERSION(5, 17, 0) <= HVG_KVER
static void nv_get_ringparam(struct net_device *ndev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
#else
static void nv_get_ringparam(struct net_device *ndev,
			     struct ethtool_ringparam *ring)
#endif
{
	struct nv_dev *nd = netdev_priv(ndev);

	/* In frames: receive sub-allocations and send sections. */
	ring->rx_max_pending = nd->rx_sub_count;
	ring->rx_pending = nd->rx_sub_count;
	ring->tx_max_pending = nd->num_sections;
	ring->tx_pending = nd->num_sections;
}

static u32 nv_get_rxfh_key_size(struct net_device *ndev)
{
	return HVG_NDIS_RSS_KEY_SIZE;
}

static u32 nv_get_rxfh_indir_size(struct net_device *ndev)
{
	struct nv_dev *nd = netdev_priv(ndev);

	return nd->rss_entries;
}

#if KERNEL_VERSION(6, 8, 0) <= HVG_KVER
static int nv_get_rxfh(struct net_device *ndev, struct ethtool_rxfh_param *p)
{
	struct nv_dev *nd = netdev_priv(ndev);
	u32 *indir = p->indir;
	u8 *key = p->key;

	p->hfunc = ETH_RSS_HASH_TOP;
#else
static int nv_get_rxfh(struct net_device *ndev, u32 *indir, u8 *key,
		       u8 *hfunc)
{
	struct nv_dev *nd = netdev_priv(ndev);

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
#endif
	if (indir)
		memcpy(indir, nd->rss_table, nd->rss_entries * sizeof(u32));
	if (key)
		memcpy(key, nd->rss_key, sizeof(nd->rss_key));
	return 0;
}

/* ethtool -X asks for the receive queue count (ETHTOOL_GRXRINGS). */
static int nv_get_rxnfc(struct net_device *ndev, struct ethtool_rxnfc *info,
			u32 *rules)
{
	struct nv_dev *nd = netdev_priv(ndev);

	if (info->cmd != ETHTOOL_GRXRINGS)
		return -EOPNOTSUPP;
	info->data = nd->num_chans;
	return 0;
}

/*
 * ethtool -X: a new table and/or key, sent to the host as RSS parameters
 * (rtnl held). The core checked every entry against the rx queues; the
 * host is told only when RSS runs (several queues), else the values wait
 * for the next attach. A refusal leaves the old ones in place.
 */
static int nv_set_rxfh_common(struct net_device *ndev, const u32 *indir,
			      const u8 *key, u8 hfunc)
{
	struct nv_dev *nd = netdev_priv(ndev);
	u8 old_key[HVG_NDIS_RSS_KEY_SIZE];
	u32 *old_table;
	unsigned int i;
	int ret;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP)
		return -EOPNOTSUPP;
	if (!indir && !key)
		return 0;
	if (indir)
		for (i = 0; i < nd->rss_entries; i++)
			if (indir[i] >= nd->num_chans)
				return -EINVAL;
	old_table = kmemdup(nd->rss_table, sizeof(nd->rss_table), GFP_KERNEL);
	if (!old_table)
		return -ENOMEM;
	memcpy(old_key, nd->rss_key, sizeof(old_key));
	if (indir)
		memcpy(nd->rss_table, indir, nd->rss_entries * sizeof(u32));
	if (key)
		memcpy(nd->rss_key, key, sizeof(nd->rss_key));
	ret = 0;
	if (nd->num_chans > 1 && READ_ONCE(nd->attached))
		ret = nv_set_rss(nd);
	if (ret) {
		netdev_err(ndev, "the host refused the RSS parameters: %d\n",
			   ret);
		memcpy(nd->rss_table, old_table, sizeof(nd->rss_table));
		memcpy(nd->rss_key, old_key, sizeof(old_key));
		if (nv_set_rss(nd))
			netdev_err(ndev, "the old RSS parameters refused too\n");
	}
	kfree(old_table);
	return ret;
}

#if KERNEL_VERSION(6, 8, 0) <= HVG_KVER
static int nv_set_rxfh(struct net_device *ndev, struct ethtool_rxfh_param *p,
		       struct netlink_ext_ack *extack)
{
	return nv_set_rxfh_common(ndev, p->indir, p->key, p->hfunc);
}
#else
static int nv_set_rxfh(struct net_device *ndev, const u32 *indir,
		       const u8 *key, const u8 hfunc)
{
	return nv_set_rxfh_common(ndev, indir, key, hfunc);
}
#endif

/* The counters of each queue, in this order ("tx_q0_packets", ...). */
static const char * const nv_q_stats[] = {
	"packets", "bytes", "copied", "direct", "batches", "stopped",
	"dropped", "errors",
};

static const char * const nv_rx_q_stats[] = {
	"packets", "bytes", "dropped", "errors", "csum_ok", "vlan",
	"rsc_packets", "rsc_frags", "rsc_drops", "rsc_reused",
};

static const char * const nv_global_stats[] = {
	"bad_packets", "dropped_ids", "bad_ranges", "ctl_unexpected",
	"tx_timeouts",
};

static int nv_get_sset_count(struct net_device *ndev, int sset)
{
	struct nv_dev *nd = netdev_priv(ndev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(nv_global_stats) +
	       nd->num_chans * (ARRAY_SIZE(nv_q_stats) +
				ARRAY_SIZE(nv_rx_q_stats));
}

static void nv_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	struct nv_dev *nd = netdev_priv(ndev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(nv_global_stats); i++) {
		strscpy(data, nv_global_stats[i], ETH_GSTRING_LEN);
		data += ETH_GSTRING_LEN;
	}
	for (q = 0; q < nd->num_chans; q++) {
		for (i = 0; i < ARRAY_SIZE(nv_q_stats); i++) {
			snprintf(data, ETH_GSTRING_LEN, "tx_q%u_%s", q,
				 nv_q_stats[i]);
			data += ETH_GSTRING_LEN;
		}
		for (i = 0; i < ARRAY_SIZE(nv_rx_q_stats); i++) {
			snprintf(data, ETH_GSTRING_LEN, "rx_q%u_%s", q,
				 nv_rx_q_stats[i]);
			data += ETH_GSTRING_LEN;
		}
	}
}

static void nv_get_ethtool_stats(struct net_device *ndev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct nv_dev *nd = netdev_priv(ndev);
	unsigned int q, start;

	*data++ = atomic_long_read(&nd->bad_packets);
	*data++ = atomic_long_read(&nd->dropped_ids);
	*data++ = atomic_long_read(&nd->bad_ranges);
	*data++ = atomic_long_read(&nd->ctl_unexpected);
	*data++ = atomic_long_read(&nd->tx_timeouts);
	for (q = 0; q < nd->num_chans; q++) {
		struct nv_chan *nc = nd->chans[q];
		u64 t[ARRAY_SIZE(nv_q_stats)] = { };
		u64 r[ARRAY_SIZE(nv_rx_q_stats)] = { };

		if (nc) {
			do {
				start = u64_stats_fetch_begin(&nc->tx.syncp);
				t[0] = nc->tx.packets;
				t[1] = nc->tx.bytes;
				t[2] = nc->tx.copied;
				t[3] = nc->tx.direct;
				t[4] = nc->tx.batches;
				t[5] = nc->tx.stopped;
				t[6] = nc->tx.dropped;
				t[7] = nc->tx.errors;
			} while (u64_stats_fetch_retry(&nc->tx.syncp, start));
			do {
				start = u64_stats_fetch_begin(&nc->rx.syncp);
				r[0] = nc->rx.packets;
				r[1] = nc->rx.bytes;
				r[2] = nc->rx.dropped;
				r[3] = nc->rx.errors;
				r[4] = nc->rx.csum_ok;
				r[5] = nc->rx.vlan;
				r[6] = nc->rx.rsc_packets;
				r[7] = nc->rx.rsc_frags;
				r[8] = nc->rx.rsc_drops;
				r[9] = nc->rx.rsc_reused;
			} while (u64_stats_fetch_retry(&nc->rx.syncp, start));
		}
		memcpy(data, t, sizeof(t));
		data += ARRAY_SIZE(t);
		memcpy(data, r, sizeof(r));
		data += ARRAY_SIZE(r);
	}
}

const struct ethtool_ops nv_ethtool_ops = {
	.get_drvinfo = nv_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = nv_get_link_ksettings,
	.get_channels = nv_get_channels,
	.set_channels = nv_set_channels,
	.get_ringparam = nv_get_ringparam,
	.get_rxnfc = nv_get_rxnfc,
	.get_rxfh_key_size = nv_get_rxfh_key_size,
	.get_rxfh_indir_size = nv_get_rxfh_indir_size,
	.get_rxfh = nv_get_rxfh,
	.set_rxfh = nv_set_rxfh,
	.get_sset_count = nv_get_sset_count,
	.get_strings = nv_get_strings,
	.get_ethtool_stats = nv_get_ethtool_stats,
};
