/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of the ring buffer core (vmbus/ring.c): the one place that
 * knows whether it is built into a kernel module or into a user-space tool
 * (tools/: unit tests, fuzzer, benchmark).
 *
 * ring.c and the inline fast paths in ring.h use only what this header
 * names: fixed-width types, memcpy and memset, READ_ONCE/WRITE_ONCE,
 * likely/unlikely, __always_inline, a bounded snprintf, and five barriers:
 *
 *   hvg_ring_mb()                full barrier (loads and stores)
 *   hvg_ring_publish_mb(p, v)    store v to *p with a full barrier before
 *                                and after it (a fully ordered xchg)
 *   hvg_ring_rmb()               load-load barrier
 *   hvg_ring_load_acquire(p)     load, later accesses stay after it
 *   hvg_ring_relax()             a busy-wait pause
 *
 * In the kernel the peer of a ring is the hypervisor (or the loopback host
 * on another CPU), never just another CPU of this kernel, so the barriers are
 * the virt_*() ones, which are emitted even on !CONFIG_SMP builds.
 *
 * In user space the peer is another thread of the same process. The
 * barriers are C11 fences there, so that the tools' builds are correct under
 * the C11 memory model on any architecture: hvg_ring_mb() is a seq_cst
 * fence, and hvg_ring_publish_mb() a seq_cst fence, a relaxed store and
 * another seq_cst fence (a seq_cst exchange alone is not a fence for the
 * relaxed loads after it: on arm64 they may pass its store). On x86-64
 * both are what the kernel emits instead, each a full barrier in hardware
 * and a compiler barrier: a locked add to the stack (cheaper than MFENCE)
 * with a "memory" clobber, and a locked xchg followed by a signal fence.
 */
#ifndef _HVGUEST_RING_ENV_H
#define _HVGUEST_RING_ENV_H

#ifdef __KERNEL__

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include <asm/barrier.h>
#include <asm/processor.h>

#define hvg_ring_mb()			virt_mb()	/* full barrier */
/*
 * xchg() is fully ordered on every architecture, and on x86 it is a locked
 * instruction whether or not the kernel is SMP, as virt_mb() is.
 */
#define hvg_ring_publish_mb(p, v)	((void)xchg(p, v))
#define hvg_ring_rmb()			virt_rmb()	/* load-load */
#define hvg_ring_load_acquire(p)	virt_load_acquire(p)	/* acquire */
#define hvg_ring_relax()		cpu_relax()
#define hvg_ring_snprintf		scnprintf

#else /* user space */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/compiler.h>
#include <linux/types.h>

/* __always_inline comes from glibc's <sys/cdefs.h>, through <string.h>. */

/* Single, untorn accesses, as the kernel's: relaxed atomics. */
#ifndef READ_ONCE
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#endif

#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#if defined(__x86_64__)
static inline void hvg_ring_mb(void)
{
	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc");
}

/*
 * A seq_cst exchange is a locked xchg on x86, a full barrier in hardware;
 * the signal fence keeps the compiler from moving any later access above
 * it (C11 alone would let a later relaxed load pass the store).
 */
static inline void hvg_ring_publish_mb(u32 *p, u32 v)
{
	__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static inline void hvg_ring_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}
#else
#define hvg_ring_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
static inline void hvg_ring_publish_mb(u32 *p, u32 v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define hvg_ring_relax()	__atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif
/* An acquire fence: earlier loads before later loads and stores. */
#define hvg_ring_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define hvg_ring_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

/* scnprintf: the number of characters stored, never more. */
static inline int hvg_ring_snprintf(char *buf, size_t len, const char *fmt,
				    ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || !len)
		return 0;
	return (size_t)n >= len ? (int)len - 1 : n;
}

#endif /* __KERNEL__ */

#endif /* _HVGUEST_RING_ENV_H */
