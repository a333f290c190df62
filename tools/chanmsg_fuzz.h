/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input format of tools/chanmsg_fuzz, shared with the seed corpus
 * writer (chanmsg_test --corpus). An input is a sequence of records:
 *
 *   [ctl u8][len u8][len bytes]    a message from the host: the slot said
 *                                  len (0 .. 255) bytes; parsed under
 *                                  version FZ_VERSIONS[ctl % 9] (index 8
 *                                  is 0: not connected). Bytes past the
 *                                  end of the input are zero.
 *   [0x80 | relid u8][npages u16]  a GPADL the guest builds (relid 0 ..
 *                                  127, npages little endian)
 */
#ifndef _HVG_TOOLS_CHANMSG_FUZZ_H
#define _HVG_TOOLS_CHANMSG_FUZZ_H

#define FZ_REC_GPADL	0x80

#define FZ_VERSIONS {							\
	HVG_VMBUS_VERSION_5_3, HVG_VMBUS_VERSION_5_2,			\
	HVG_VMBUS_VERSION_5_1, HVG_VMBUS_VERSION_5_0,			\
	HVG_VMBUS_VERSION_4_1, HVG_VMBUS_VERSION_4_0,			\
	HVG_VMBUS_VERSION_3_0, HVG_VMBUS_VERSION_2_4, 0 }

#endif /* _HVG_TOOLS_CHANMSG_FUZZ_H */
