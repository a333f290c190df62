/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer test cases (kunit/ring_cases.h), in the order they run.
 * The includer defines RT_RING_CASE(name); this file may be included more
 * than once, so it has no include guard.
 */
RT_RING_CASE(wire_read_hand_built)
RT_RING_CASE(wire_write_bytes)
RT_RING_CASE(wrap_every_offset)
RT_RING_CASE(full_and_empty)
RT_RING_CASE(signal_on_write)
RT_RING_CASE(signal_on_pending)
RT_RING_CASE(mask_recheck)
RT_RING_CASE(batch_publish)
RT_RING_CASE(dump_line)
RT_RING_CASE(malformed_len_short)
RT_RING_CASE(malformed_len_zero)
RT_RING_CASE(malformed_offset_small)
RT_RING_CASE(malformed_offset_beyond_len)
RT_RING_CASE(malformed_len_beyond_avail)
RT_RING_CASE(malformed_len_huge)
RT_RING_CASE(malformed_trailer_missing)
RT_RING_CASE(malformed_partial_desc)
RT_RING_CASE(malformed_write_index_range)
RT_RING_CASE(malformed_write_index_huge)
RT_RING_CASE(malformed_write_index_align)
RT_RING_CASE(malformed_read_index)
RT_RING_CASE(packet_too_big_for_buffer)
RT_RING_CASE(oversize_drain_ends)
RT_RING_CASE(skip_checks_what_it_drops)
RT_RING_CASE(write_rejects_bad_args)
RT_RING_CASE(stress_two_threads)
