/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/compiler.h>: the function
 * attributes the ring core uses (READ_ONCE and the like are in
 * vmbus/ring_env.h).
 */
#ifndef _TOOLS_LINUX_COMPILER_H
#define _TOOLS_LINUX_COMPILER_H

#include <linux/types.h>

#ifndef noinline
#define noinline		__hvg_tools_attr((__noinline__))
#endif

#endif /* _TOOLS_LINUX_COMPILER_H */
