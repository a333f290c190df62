/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel message test cases (kunit/chanmsg_cases.h), in the order they
 * run. The includer defines CT_CASE(name); this file may be included more
 * than once, so it has no include guard.
 */
CT_CASE(parse_offer_fields)
CT_CASE(parse_offer_relid)
CT_CASE(parse_offer_monitor)
CT_CASE(parse_offer_subchannel)
CT_CASE(parse_offer_pipe)
CT_CASE(parse_offer_connection_id)
CT_CASE(parse_rescind)
CT_CASE(parse_header_only)
CT_CASE(parse_open_result)
CT_CASE(parse_gpadl_replies)
CT_CASE(parse_version_response_v5)
CT_CASE(parse_version_response_old)
CT_CASE(parse_version_response_nonsense)
CT_CASE(parse_version_gated)
CT_CASE(parse_lengths)
CT_CASE(parse_bad_types)
CT_CASE(parse_reads_only_minimum)
CT_CASE(errnames)
CT_CASE(build_initiate_contact_v5)
CT_CASE(build_initiate_contact_v4)
CT_CASE(build_initiate_contact_rules)
CT_CASE(build_header_only)
CT_CASE(build_open)
CT_CASE(build_relid_messages)
CT_CASE(build_gpadl_header)
CT_CASE(build_gpadl_split)
CT_CASE(build_gpadl_largest)
CT_CASE(built_messages_are_not_parsed)
