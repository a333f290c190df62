/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/build_bug.h>: the C library's
 * static_assert, which the compilers used here (gcc 12, clang 14) accept
 * with or without a message, as the kernel's does.
 */
#ifndef _TOOLS_LINUX_BUILD_BUG_H
#define _TOOLS_LINUX_BUILD_BUG_H

#include <assert.h>

#endif /* _TOOLS_LINUX_BUILD_BUG_H */
