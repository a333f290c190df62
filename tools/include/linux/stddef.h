/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the kernel's <linux/stddef.h>. */
#ifndef _TOOLS_LINUX_STDDEF_H
#define _TOOLS_LINUX_STDDEF_H

#include <stddef.h>

#endif /* _TOOLS_LINUX_STDDEF_H */
