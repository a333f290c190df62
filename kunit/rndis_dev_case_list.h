/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's RNDIS device test cases (kunit/rndis_dev_cases.h), in
 * the order they run. The includer defines CT_CASE(name); no include guard.
 */
CT_CASE(dev_init)
CT_CASE(dev_queries)
CT_CASE(dev_offload_caps)
CT_CASE(dev_rss)
CT_CASE(dev_sets)
CT_CASE(dev_keepalive_reset_halt)
CT_CASE(dev_malformed)
CT_CASE(dev_link)
CT_CASE(dev_tx)
CT_CASE(dev_rx_csum)
