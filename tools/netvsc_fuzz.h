/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input formats of tools/nvsp_fuzz and tools/rndis_fuzz, shared with
 * the seed corpus writer (netvsc_msg_test --corpus).
 *
 * nvsp_fuzz:  [mode u8][message]: the message is one NVSP packet
 *             payload of the rest's length, parsed under version
 *             FZ_NVSP_VERSIONS[(mode & 0x7f) % 7] (index 0: before INIT
 *             succeeded), as the host's (the guest's parser) or, with
 *             FZ_NVSP_GUEST set, as the guest's (the loopback host's).
 * rndis_fuzz: [mode u8][request id u8][bytes]: by mode % FZ_RNDIS_MODES,
 *             the bytes are an RNDIS message from the host, checked
 *             against a request of every type; the information buffer of
 *             an NDIS object (offload, offload parameters, RSS
 *             capabilities, RSS parameters, MAC parameter); a guest's
 *             send stream the loopback host's device answers; or the
 *             per-packet infos and length of a packet to build.
 */
#ifndef _HVG_TOOLS_NETVSC_FUZZ_H
#define _HVG_TOOLS_NETVSC_FUZZ_H

#define FZ_NVSP_VERSIONS {						\
	0, HVG_NVSP_VERSION_1, HVG_NVSP_VERSION_2, HVG_NVSP_VERSION_4,	\
	HVG_NVSP_VERSION_5, HVG_NVSP_VERSION_6, HVG_NVSP_VERSION_61 }
#define FZ_NVSP_V5	4
#define FZ_NVSP_V61	6
#define FZ_NVSP_GUEST	0x80

#define FZ_RNDIS_HOST		0
#define FZ_RNDIS_OBJECT		1
#define FZ_RNDIS_DEVICE		2
#define FZ_RNDIS_BUILD		3
#define FZ_RNDIS_MODES		4

#endif /* _HVG_TOOLS_NETVSC_FUZZ_H */
