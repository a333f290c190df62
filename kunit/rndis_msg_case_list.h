/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RNDIS message test cases (kunit/rndis_msg_cases.h), in the order they
 * run. The includer defines CT_CASE(name); no include guard.
 */
CT_CASE(init_c)
CT_CASE(query_c)
CT_CASE(status_replies)
CT_CASE(indicate)
CT_CASE(rndis_headers)
CT_CASE(packet_data)
CT_CASE(packet_ppi)
CT_CASE(packet_ppi_malformed)
CT_CASE(packet_ppi_many)
CT_CASE(packet_head)
CT_CASE(packet_head_bad)
CT_CASE(build_requests)
CT_CASE(build_packet)
CT_CASE(offload_objects)
CT_CASE(rss_objects)
CT_CASE(mac_param)
CT_CASE(rndis_errnames)
