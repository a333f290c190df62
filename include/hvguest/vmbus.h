/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel API that VSC drivers (storvsc, netvsc) use. It grows with the
 * VMBus core; today it holds the device identity helpers that the bus, its
 * uevents and its sysfs attributes share.
 */
#ifndef _HVGUEST_VMBUS_H
#define _HVGUEST_VMBUS_H

#include <linux/uuid.h>
#include <linux/kernel.h>

/* Device classes, as the host names them in an offer's if_type. */
#define HVG_GUID_SCSI							\
	GUID_INIT(0xba6163d9, 0x04a1, 0x4d29,				\
		  0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f)
#define HVG_GUID_IDE							\
	GUID_INIT(0x32412632, 0x86cb, 0x44a2,				\
		  0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5)
#define HVG_GUID_NETWORK						\
	GUID_INIT(0xf8615163, 0xdf3e, 0x46c5,				\
		  0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e)

/* "vmbus:" + 32 hex digits + NUL */
#define HVG_MODALIAS_LEN	(6 + 2 * UUID_SIZE + 1)

/**
 * hvg_vmbus_modalias() - the MODALIAS of a device of class @class
 * @class: the offer's if_type
 * @buf: at least HVG_MODALIAS_LEN bytes
 *
 * The alias is the class GUID's 16 bytes in wire order, as lower-case hex,
 * which is what upstream's hv_vmbus emits and what module aliases match.
 */
static inline void hvg_vmbus_modalias(const guid_t *class, char *buf)
{
	snprintf(buf, HVG_MODALIAS_LEN, "vmbus:%*phN", UUID_SIZE, class->b);
}

#endif /* _HVGUEST_VMBUS_H */
