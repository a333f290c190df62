/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/uuid.h>: guid_t, which the
 * user-space <linux/types.h> stand-in already defines.
 */
#ifndef _TOOLS_LINUX_UUID_H
#define _TOOLS_LINUX_UUID_H

#include <linux/types.h>

#endif /* _TOOLS_LINUX_UUID_H */
