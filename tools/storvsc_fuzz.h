/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input format of tools/storvsc_fuzz, shared with the seed corpus
 * writer (storvsc_test --corpus). An input is a sequence of records:
 *
 *   [vsel][esel][dsel][len][len bytes]   a packet from the host
 *	vsel < 0x80: the version, FZ_STOR_VERSIONS[vsel % 7] (index 0 is
 *		0: not negotiated yet; index 6 is no version at all)
 *	esel: bits 0-3 the request it answers, FZ_STOR_EXPECT[n % 13] (the
 *		last three are operations the guest never sends); bit 4 set:
 *		transaction id 0 (a notification); bits 5-7 the packet type,
 *		FZ_STOR_PKT_TYPES[esel >> 5]
 *	dsel: the request's data length: dsel * 512, 255: 0xffffffff
 *	len: the payload length (0 .. 255); bytes past the input are zero
 *
 *   [0x80 | vsel][cdb_len][data_in][blocks][16 CDB bytes]
 *	an EXECUTE_SRB the guest builds: version FZ_STOR_VERSIONS[vsel % 7]
 *	(low 7 bits), CDB length and direction as given (any value), data
 *	length blocks * 512; bytes past the input are zero
 */
#ifndef _HVG_TOOLS_STORVSC_FUZZ_H
#define _HVG_TOOLS_STORVSC_FUZZ_H

#define FZ_STOR_REC_BUILD	0x80
#define FZ_STOR_ESEL_NOTIFY	0x10

#define FZ_STOR_VERSIONS { 0, 0x0602, 0x0600, 0x0501, 0x0402, 0x0200, 0x0601 }
#define FZ_STOR_EXPECT { 3, 7, 8, 9, 10, 13, 4, 5, 6, 12, 1, 11, 0 }
#define FZ_STOR_PKT_TYPES { 11, 6, 9, 0, 1, 7, 8, 12 }

#endif /* _HVG_TOOLS_STORVSC_FUZZ_H */
