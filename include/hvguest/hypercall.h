/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall adapter: the one interface between hvg_vmbus and whatever
 * plays the hypervisor, the real Hyper-V or a software backend such as the
 * loopback host (hvg_loophost).
 *
 * A backend fills in struct hvg_hv_ops. hvg_vmbus acquires exactly one
 * backend with hvg_hv_get(), calls it only through the ops (or the inline
 * wrappers below), and gives it back with hvg_hv_put(). A software backend
 * makes itself available with hvg_hv_register_backend(). Which backend
 * hvg_hv_get() picks is set by hvg_hypercall's "backend" parameter:
 *
 *   auto      the real Hyper-V when CPUID reports it and its set-up worked,
 *             else the registered software backend;
 *   hyperv    only the real Hyper-V;
 *   loopback  only a software backend (the real one is not even set up).
 *
 * Exported symbols live in hvg_hypercall.ko.
 */
#ifndef _HVGUEST_HYPERCALL_H
#define _HVGUEST_HYPERCALL_H

#include <linux/types.h>
#include <linux/err.h>
#include <linux/bits.h>
#include <linux/limits.h>
#include <hvguest/tlfs.h>

struct module;
struct dentry;
struct hvg_hv_backend;

/*
 * The one interrupt handler: "the VMBus SINT fired on this CPU". It runs on
 * the CPU whose SINT fired, with interrupts disabled (hard interrupt, timer
 * or irq_work context), so it must not sleep; it typically looks at
 * message_page(smp_processor_id()) and event_page(...) and defers the work.
 * Spurious calls are allowed: the handler must cope with nothing pending.
 */
typedef void (*hvg_hv_handler_t)(void *ctx);

/*
 * Asked before a CPU goes offline: return 0 to let @cpu go, or -EBUSY while
 * the layer above still needs it (the CPU its connection targets, a CPU a
 * channel is bound to). It runs in the CPU hotplug thread of @cpu with the
 * hotplug lock held for writing: it may sleep and take its own locks, but it
 * must not take cpus_read_lock() or wait for anything that does. It is asked
 * for every offline, including the ones suspend and hibernation make after
 * the layer above has suspended itself: by then it must allow them, as it
 * must once it is disconnected.
 */
typedef int (*hvg_hv_offline_check_t)(void *ctx, unsigned int cpu);

/* vp_index() for a CPU whose VP index is not known. */
#define HVG_VP_INDEX_INVALID	U32_MAX

/*
 * post_message() flags.
 *
 * HVG_POST_NOSLEEP: never sleep; the bounded backoff busy-waits instead.
 * For the UNLOAD that the layer above sends from its panic notifier (other
 * CPUs stopped, interrupts possibly off) or from any atomic context.
 */
#define HVG_POST_NOSLEEP	BIT(0)

/*
 * The priority of the adapter's own panic notifier: the lowest, so that a
 * notifier of the layer above (registered with any higher priority, such
 * as the default 0) runs first and can still post its UNLOAD before the
 * adapter disables the hypercall page and the SynIC. At reboot, halt,
 * power off and kexec the adapter does the same from its syscore shutdown,
 * which runs after that of the layer above (registered later).
 */
#define HVG_HV_NOTIFIER_PRIORITY	INT_MIN

/**
 * struct hvg_hv_ops - what a backend provides, what hvg_vmbus calls
 *
 * Every op receives the backend it belongs to. None of them may be called
 * before hvg_hv_get() returned the backend or after hvg_hv_put().
 *
 * @post_message: HvPostMessage: send @payload_size bytes (at most
 *	HVG_MESSAGE_PAYLOAD_BYTES) of type @message_type to @connection_id
 *	(24 bits). Without HVG_POST_NOSLEEP in @flags: process context, may
 *	sleep while the hypervisor is short of buffers. With it: any context,
 *	never sleeps. The payload is copied before return, so the caller may
 *	reuse its buffer at once. INSUFFICIENT_MEMORY, INSUFFICIENT_BUFFERS
 *	and INVALID_CONNECTION_ID (which the hypervisor also returns when
 *	messages come too fast) are retried with a bounded backoff, except
 *	INVALID_CONNECTION_ID for a VMBus INITIATE_CONTACT (message type 1
 *	whose payload starts with channel message type 14): a host older
 *	than VMBus 5.0 answers that way on connection id 4, and the caller
 *	falls back at once. Returns:
 *	0 - the hypervisor accepted the message;
 *	-EMSGSIZE - payload over 240 bytes (nothing sent);
 *	-EINVAL - connection id over 24 bits, message type 0 or >= 0x80000000
 *	(the hypervisor's own), NULL payload, an unknown flag (nothing sent),
 *	or the hypervisor reported INVALID_PARAMETER;
 *	-ENOBUFS, -ENOMEM - the hypervisor stayed out of message buffers or
 *	memory through every bounded retry;
 *	-ENXIO - unknown connection id (for INITIATE_CONTACT at once, else
 *	after every bounded retry); -EADDRNOTAVAIL - invalid port;
 *	-EACCES, -EPERM - the partition may not post (access or operation
 *	denied);
 *	-EOPNOTSUPP, -EPROTO, -EFAULT - the hypervisor rejected the call as
 *	malformed (bad call code, bad input, misaligned input: a bug here);
 *	-ESHUTDOWN - the backend was shut down for reboot, kexec or a crash
 *	(nothing sent);
 *	-EIO - any other status.
 * @signal_event: HvSignalEvent on @connection_id, flag 0. Any context,
 *	never sleeps. Returns 0, or the errno mapping of @post_message.
 * @message_page: the SIMP page of @cpu (a possible CPU), or NULL if the
 *	backend has none for that CPU. Valid until hvg_hv_put(); the hypervisor
 *	writes it at any time.
 * @event_page: the SIEFP page of @cpu, same rules as @message_page.
 * @vp_index: the hypervisor's virtual processor number of @cpu, or
 *	HVG_VP_INDEX_INVALID if the CPU was never online under this backend.
 * @eom: end of message on the current CPU's VMBus slot (SINT 2): marks the
 *	slot free and, only when another message was pending behind it, tells
 *	the hypervisor to deliver it. Call with preemption disabled, on the CPU
 *	whose slot the caller consumed, after copying the message out.
 * @register_handler: install the one interrupt handler and let SINT 2
 *	interrupts reach it. Returns 0, -EBUSY if a handler is already
 *	installed, or -errno if the interrupt path cannot be set up.
 * @unregister_handler: stop delivery; on return no CPU runs the handler any
 *	more. May sleep.
 * @set_offline_check: install @check (with @ctx), which may refuse to let
 *	a CPU go offline, or remove it (@check NULL). On return every offline
 *	that follows sees the new setting. Process context, may sleep; must
 *	not be called with the CPU hotplug lock held. Returns 0, or -EBUSY if
 *	another check is installed.
 */
struct hvg_hv_ops {
	int (*post_message)(struct hvg_hv_backend *hv, u32 connection_id,
			    u32 message_type, const void *payload,
			    u32 payload_size, u32 flags);
	int (*signal_event)(struct hvg_hv_backend *hv, u32 connection_id);
	struct hvg_synic_message_page *(*message_page)(struct hvg_hv_backend *hv, unsigned int cpu);
	struct hvg_synic_event_page *(*event_page)(struct hvg_hv_backend *hv, unsigned int cpu);
	u32 (*vp_index)(struct hvg_hv_backend *hv, unsigned int cpu);
	void (*eom)(struct hvg_hv_backend *hv);
	int (*register_handler)(struct hvg_hv_backend *hv,
				hvg_hv_handler_t handler, void *ctx);
	void (*unregister_handler)(struct hvg_hv_backend *hv);
	int (*set_offline_check)(struct hvg_hv_backend *hv,
				 hvg_hv_offline_check_t check, void *ctx);
};

/**
 * struct hvg_hv_backend - one backend, as registered
 * @name: short name for logs and debugfs ("hyperv", "loophost", ...)
 * @owner: the module that implements @ops (THIS_MODULE); hvg_hv_get() holds
 *	a reference on it so that it cannot unload while hvg_vmbus uses it
 * @ops: the operations, all mandatory
 * @priv: the backend's own data
 *
 * The backend owns the structure; it must stay valid until
 * hvg_hv_unregister_backend() returned 0. The adapter keeps its own
 * bookkeeping (registered, users) elsewhere.
 */
struct hvg_hv_backend {
	const char *name;
	struct module *owner;
	const struct hvg_hv_ops *ops;
	void *priv;
};

/**
 * hvg_hv_register_backend() - offer a software backend
 * @hv: the backend; name, owner and every op must be set
 *
 * Only one software backend may be registered at a time. Process context.
 * Return: 0; -EINVAL if a field is missing; -EEXIST if @hv is already
 * registered; -EBUSY if another software backend is registered.
 */
int hvg_hv_register_backend(struct hvg_hv_backend *hv);

/**
 * hvg_hv_unregister_backend() - withdraw a software backend
 * @hv: a backend passed to hvg_hv_register_backend()
 *
 * Called from the backend's module exit. A backend with an owner cannot be
 * in use then (hvg_hv_get() holds a reference on the owner), so this only
 * fails for a backend without an owner.
 * Return: 0; -ENOENT if @hv is not registered; -EBUSY if hvg_hv_get()
 * handed it out and hvg_hv_put() was not called yet (still registered).
 */
int hvg_hv_unregister_backend(struct hvg_hv_backend *hv);

/**
 * hvg_hv_get() - acquire the backend that the "backend" parameter selects
 *
 * Takes a reference on the backend's module. Only one user at a time: the
 * bus has one owner. Process context.
 * Return: the backend; ERR_PTR(-ENODEV) if none is available (the reason is
 * logged); ERR_PTR(-EBUSY) if it is already held.
 */
struct hvg_hv_backend *hvg_hv_get(void);

/**
 * hvg_hv_put() - release a backend from hvg_hv_get()
 * @hv: the backend; its handler must already be unregistered
 */
void hvg_hv_put(struct hvg_hv_backend *hv);

/**
 * hvg_hv_status_to_errno() - the errno of a TLFS hypercall status
 * @status: the low 16 bits of a hypercall result
 *
 * The mapping that @post_message and @signal_event document, for a
 * software backend that emulates the hypercalls. Any context.
 * Return: 0 for HVG_STATUS_SUCCESS, else a negative errno.
 */
int hvg_hv_status_to_errno(u16 status);

/**
 * hvg_hv_post_retryable() - may a failed HvPostMessage be retried
 * @status: the status of the attempt
 * @message_type: @payload, @payload_size: the message posted
 *
 * The retry rule of @post_message, shared by every backend: out of buffers
 * or memory, and INVALID_CONNECTION_ID except for a VMBus INITIATE_CONTACT
 * (the caller must fall back to an older version at once). Any context.
 * Return: true if a retry after a backoff may succeed.
 */
bool hvg_hv_post_retryable(u16 status, u32 message_type, const void *payload,
			   u32 payload_size);

/**
 * hvg_debugfs_root() - the shared /sys/kernel/debug/hvguest directory
 *
 * Owned by hvg_hypercall, which every other hvguest module depends on, so
 * it outlives their own subdirectories. Return: the dentry, or an ERR_PTR
 * or NULL when debugfs is unavailable; debugfs calls accept either.
 */
struct dentry *hvg_debugfs_root(void);

/* Call-through helpers, so that callers read like plain function calls. */
static inline int hvg_hv_post_message(struct hvg_hv_backend *hv,
				      u32 connection_id, u32 message_type,
				      const void *payload, u32 payload_size,
				      u32 flags)
{
	return hv->ops->post_message(hv, connection_id, message_type,
				     payload, payload_size, flags);
}

static inline int hvg_hv_signal_event(struct hvg_hv_backend *hv,
				      u32 connection_id)
{
	return hv->ops->signal_event(hv, connection_id);
}

static inline struct hvg_synic_message_page *
hvg_hv_message_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return hv->ops->message_page(hv, cpu);
}

static inline struct hvg_synic_event_page *
hvg_hv_event_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return hv->ops->event_page(hv, cpu);
}

static inline u32 hvg_hv_vp_index(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return hv->ops->vp_index(hv, cpu);
}

static inline void hvg_hv_eom(struct hvg_hv_backend *hv)
{
	hv->ops->eom(hv);
}

static inline int hvg_hv_register_handler(struct hvg_hv_backend *hv,
					  hvg_hv_handler_t handler, void *ctx)
{
	return hv->ops->register_handler(hv, handler, ctx);
}

static inline void hvg_hv_unregister_handler(struct hvg_hv_backend *hv)
{
	hv->ops->unregister_handler(hv);
}

static inline int hvg_hv_set_offline_check(struct hvg_hv_backend *hv,
					   hvg_hv_offline_check_t check,
					   void *ctx)
{
	return hv->ops->set_offline_check(hv, check, ctx);
}

#endif /* _HVGUEST_HYPERCALL_H */
