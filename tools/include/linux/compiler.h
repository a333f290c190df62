/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/compiler.h>: the function
 * attributes the ring core and the test harness use (READ_ONCE and the
 * like are in vmbus/ring_env.h).
 */
#ifndef _TOOLS_LINUX_COMPILER_H
#define _TOOLS_LINUX_COMPILER_H

#include <linux/types.h>

#ifndef noinline
#define noinline		__hvg_tools_attr((__noinline__))
#endif
#ifndef __printf
#define __printf(a, b)		__hvg_tools_attr((__format__(printf, a, b)))
#endif

#endif /* _TOOLS_LINUX_COMPILER_H */
