/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NVSP message test cases (kunit/nvsp_msg_cases.h), in the order they
 * run. The includer defines CT_CASE(name); no include guard.
 */
CT_CASE(init_complete)
CT_CASE(version_gating)
CT_CASE(recv_buf_geometry)
CT_CASE(send_buf_geometry)
CT_CASE(rndis_pkt)
CT_CASE(subchannel)
CT_CASE(send_table)
CT_CASE(vf_association)
CT_CASE(bad_types)
CT_CASE(minimum_lengths)
CT_CASE(errnames)
CT_CASE(version_order)
CT_CASE(build_init)
CT_CASE(build_ndis)
CT_CASE(build_buffers)
CT_CASE(build_rndis_pkt)
CT_CASE(build_subchannel)
CT_CASE(guest_round_trip)
CT_CASE(guest_malformed)
CT_CASE(guest_section)
CT_CASE(host_builders)
