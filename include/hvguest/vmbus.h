/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel API that VSC drivers (storvsc, netvsc, the echo test driver)
 * use: the `vmbus` bus, its devices and drivers, channels, GPADLs and the
 * request-id allocator. Everything here is exported by hvg_vmbus.ko. See
 * Documentation/vmbus.rst for the design behind it.
 *
 * Every function documents its error contract. Three rules hold for all:
 *
 *  - -ENODEV means the channel was rescinded (hot-removed by the host):
 *    every wait on a rescinded channel ends with it, and the driver's
 *    remove() follows.
 *  - -ETIMEDOUT means the host did not answer within hvg_vmbus's
 *    timeout_ms parameter. Memory the host may still map (a GPADL whose
 *    teardown timed out) must then NOT be freed: the functions that can
 *    leave such memory say so, and keep it themselves (it is leaked, and
 *    the leak is logged, rather than handed back to the allocator while
 *    the host may write it).
 *  - Nothing here may be called from the channel's own callback unless it
 *    says so.
 */
#ifndef _HVGUEST_VMBUS_H
#define _HVGUEST_VMBUS_H

#include <linux/uuid.h>
#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/mod_devicetable.h>

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
/*
 * The loopback host's echo test device (include/hvguest/echo_proto.h). A
 * GUID of this project's own, not a Hyper-V class.
 */
#define HVG_GUID_ECHO							\
	GUID_INIT(0x5e7a9c11, 0x4b3d, 0x4f6e,				\
		  0x9a, 0x21, 0x68, 0x76, 0x67, 0x65, 0x63, 0x68)

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

struct hvg_vmbus_channel;

/*
 * One device on the bus: a primary channel's offer. Its name is the
 * instance GUID. The channels (the primary and its sub-channels) belong to
 * the bus; a driver reaches them through the functions below.
 */
struct hvg_vmbus_device {
	struct device dev;
	guid_t class_id;		/* the offer's if_type */
	guid_t instance_id;		/* the offer's if_instance */
	struct hvg_vmbus_channel *channel;	/* the primary channel */
};

#define to_hvg_vmbus_device(d) container_of(d, struct hvg_vmbus_device, dev)

/*
 * A driver. The id table is the kernel's own struct hv_vmbus_device_id,
 * so that MODULE_DEVICE_TABLE(vmbus, table) produces the module aliases
 * that `modprobe vmbus:...` matches.
 *
 * @probe: process context; the primary channel is offered and closed.
 * @remove: process context; the driver closes every channel it opened
 *	before it returns (also after a rescind: close then only frees).
 * @shutdown: optional, at reboot/kexec: stop I/O, do not wait for the host.
 */
struct hvg_vmbus_driver {
	const char *name;
	const struct hv_vmbus_device_id *id_table;
	int (*probe)(struct hvg_vmbus_device *dev,
		     const struct hv_vmbus_device_id *id);
	void (*remove)(struct hvg_vmbus_device *dev);
	void (*shutdown)(struct hvg_vmbus_device *dev);
	struct device_driver driver;
};

#define to_hvg_vmbus_driver(d) container_of(d, struct hvg_vmbus_driver, driver)

/*
 * Register and unregister a driver. Process context.
 * Return: 0, or the driver core's error (-EEXIST for a second driver of the
 * same name, -ENODEV if the bus is not connected).
 */
int __hvg_vmbus_driver_register(struct hvg_vmbus_driver *drv,
				struct module *owner, const char *mod_name);
#define hvg_vmbus_driver_register(drv) \
	__hvg_vmbus_driver_register(drv, THIS_MODULE, KBUILD_MODNAME)
void hvg_vmbus_driver_unregister(struct hvg_vmbus_driver *drv);

static inline void *hvg_vmbus_get_drvdata(struct hvg_vmbus_device *dev)
{
	return dev_get_drvdata(&dev->dev);
}

static inline void hvg_vmbus_set_drvdata(struct hvg_vmbus_device *dev,
					 void *data)
{
	dev_set_drvdata(&dev->dev, data);
}

/* ---------------------------------------------------------------------
 * Channels.
 */

/*
 * The receive callback's result, NAPI style: how many packets it consumed
 * (0 .. budget). Fewer than @budget: the channel is drained; the core
 * unmasks the inbound interrupt and re-checks the ring, calling again if a
 * packet raced in. Exactly @budget: there may be more; the core calls again
 * soon (it yields the CPU first). HVG_VMBUS_POLL_TAKEN: the driver took the
 * channel into its own polling (say, napi_schedule()); the interrupt stays
 * masked and the core does not call again until the driver calls
 * hvg_vmbus_chan_poll_done().
 */
#define HVG_VMBUS_POLL_TAKEN	(-1)

/**
 * typedef hvg_vmbus_poll_t - a channel's one receive callback
 * @chan: the channel
 * @budget: packets the callback may consume in this call (> 0)
 *
 * Runs in softirq context on the channel's target CPU, with the channel's
 * inbound interrupt masked, never concurrently with itself for the same
 * channel. It reads with hvg_vmbus_recv_begin/next/end() and may send.
 * It is also called when the host signals that outbound space was freed
 * (after hvg_vmbus_chan_send() returned -EAGAIN).
 * Return: packets consumed, or HVG_VMBUS_POLL_TAKEN.
 */
typedef int (*hvg_vmbus_poll_t)(struct hvg_vmbus_channel *chan, int budget);

/**
 * struct hvg_vmbus_open_params - what hvg_vmbus_chan_open() sets up
 * @send_size: bytes of the outbound ring, header page included; a
 *	multiple of PAGE_SIZE, at least 2 pages
 * @recv_size: the same for the inbound ring
 * @user_data: @user_len bytes for OPENCHANNEL's user data, or NULL
 * @user_len: at most 120
 * @poll: the receive callback
 * @budget: packets per callback call; 0 means 64
 * @no_defer: when a callback call leaves the inbound ring empty, unmask
 *	its interrupt at once instead of polling it on a timer first (the
 *	module's irq_defer_us policy, for a host that streams). For request
 *	and response channels, where every answer the driver waits for comes
 *	with an interrupt anyway and a timer poll only delays it.
 */
struct hvg_vmbus_open_params {
	u32 send_size;
	u32 recv_size;
	const void *user_data;
	u32 user_len;
	hvg_vmbus_poll_t poll;
	int budget;
	bool no_defer;
};

/**
 * hvg_vmbus_chan_open() - open a channel
 * @chan: a channel of the caller's device, closed
 * @p: the parameters; copied
 *
 * Allocates both rings in one page set, describes them with one GPADL,
 * sends OPENCHANNEL (target VP: the channel's target CPU) and waits for
 * OPENCHANNEL_RESULT. Process context.
 * Return: 0; -EINVAL (bad sizes or user data); -EBUSY (already open);
 * -ENOMEM; -EIO (the host refused the GPADL or the open: status logged);
 * -ENODEV (rescinded); -ETIMEDOUT. On failure nothing stays allocated
 * that the host cannot map, and the channel is closed.
 */
int hvg_vmbus_chan_open(struct hvg_vmbus_channel *chan,
			const struct hvg_vmbus_open_params *p);

/**
 * hvg_vmbus_chan_close() - close a channel
 * @chan: an open channel (a closed one is a no-op)
 *
 * Stops the callback (on return it no longer runs), sends CLOSECHANNEL,
 * tears the ring GPADL down and frees the rings. After a rescind the host
 * ignores CLOSECHANNEL and answers GPADL_TEARDOWN at once (hyperv-abi-
 * behaviour.md M9); the rings are still freed only after that answer. If
 * the teardown times out the rings are leaked, never freed (logged).
 * Once the host has answered UNLOAD (the syscore shutdown ran) it has
 * closed every channel and dropped every GPADL itself (M10): then nothing
 * is sent and the rings are freed.
 * Close sub-channels before their primary. Process context; never fails.
 */
void hvg_vmbus_chan_close(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_chan_send() - send one inband packet
 * @chan: an open channel
 * @data: the payload
 * @len: its bytes; the ring pads to 8
 * @req_id: the transaction id (from hvg_vmbus_rqid_get(), or 0)
 * @flags: HVG_PKT_FLAG_COMPLETION_REQUESTED or 0
 *
 * Any context (also the channel's callback). Signals the host only when
 * the ring goes from empty to non-empty. Writers of one channel must be
 * serialised by the caller (one writer per channel: a per-queue lock or
 * the callback's CPU).
 * Return: 0; -EAGAIN (ring full: pending_send_sz was set, and the callback
 * runs when the host has read enough); -EMSGSIZE (larger than the ring
 * could ever hold); -ENODEV (rescinded); -ENOTCONN (not open).
 */
int hvg_vmbus_chan_send(struct hvg_vmbus_channel *chan, const void *data,
			u32 len, u64 req_id, u16 flags);

/**
 * hvg_vmbus_chan_send_comp() - send one completion packet
 * @chan: an open channel
 * @data: the payload
 * @len: its bytes; the ring pads to 8
 * @trans_id: the transaction id of the host's packet being completed
 *
 * Like hvg_vmbus_chan_send(), but the packet's type is VM_PKT_COMP (11)
 * and no completion is requested: the answer to a host packet that asked
 * for one (netvsc's receive completions). Same context, serialisation
 * and return values as hvg_vmbus_chan_send().
 */
int hvg_vmbus_chan_send_comp(struct hvg_vmbus_channel *chan, const void *data,
			     u32 len, u64 trans_id);

/* One page range of a GPA-direct packet: like the wire's gpa_range. */
struct hvg_vmbus_page_range {
	u32 len;		/* bytes */
	u32 offset;		/* into the first page */
	u32 npages;		/* entries of @pfns */
	const u64 *pfns;	/* 4 KiB guest page frame numbers */
};

/**
 * hvg_vmbus_chan_send_pages() - send a GPA-direct packet
 * @chan: an open channel
 * @ranges: @nranges page ranges that the host reads or writes in place
 * @nranges: 1 .. 32
 * @data: @len bytes of inband payload after the ranges
 * @len: bytes
 * @req_id: the transaction id; completion is always requested
 *
 * The pages must stay allocated until the host completes the request.
 * Return: as hvg_vmbus_chan_send(), and -EINVAL for a bad range.
 */
int hvg_vmbus_chan_send_pages(struct hvg_vmbus_channel *chan,
			      const struct hvg_vmbus_page_range *ranges,
			      unsigned int nranges, const void *data, u32 len,
			      u64 req_id);

/**
 * hvg_vmbus_chan_wait_writable() - wait until @bytes fit in the ring
 * @chan: an open channel
 * @bytes: a packet's payload size
 *
 * Process context, not from the callback.
 * Return: 0; -ENODEV (rescinded, or closed meanwhile); -ETIMEDOUT;
 * -EINTR (a fatal signal).
 */
int hvg_vmbus_chan_wait_writable(struct hvg_vmbus_channel *chan, u32 bytes);

/*
 * Reading, from the callback only (or from the driver's own polling after
 * HVG_VMBUS_POLL_TAKEN): the ring's batch iterator (vmbus/ring.h), which
 * copies each packet into @buf before the caller sees it.
 *
 * hvg_vmbus_recv_begin(): starts a batch. Return: 0, or -ENODATA when the
 * ring is empty.
 * hvg_vmbus_recv_next(): the next packet into @buf (@buflen bytes). Return:
 * 1 with the packet's descriptor in @desc, its payload at *@data and
 * *@data_len bytes (padding included: (len8 - offset8) * 8, a multiple of
 * 8; the wire does not carry the unpadded length, so a protocol that needs
 * it carries it in its own header); 0 when no packet is left; -ENOBUFS when the next packet
 * is longer than @buflen (it is dropped and counted: a protocol error,
 * logged rate-limited with the device and the sizes); -EBADMSG and the
 * ring's other errors when the ring is malformed (the channel stops
 * receiving; logged once).
 * hvg_vmbus_recv_peek(): hvg_vmbus_recv_next() without the copy, with the
 * same results (@maxlen bounds the packet as @buflen does): *@data points
 * into the inbound ring, valid until hvg_vmbus_recv_end(). The host can
 * still write those bytes: for a driver that copies what it parses first
 * and reads each byte once (hvg_echo's replies).
 * hvg_vmbus_recv_end(): ends the batch, publishes the read index once and
 * signals the host when it waits for space.
 */
struct hvg_vmpacket_desc;
int hvg_vmbus_recv_begin(struct hvg_vmbus_channel *chan);
int hvg_vmbus_recv_next(struct hvg_vmbus_channel *chan, void *buf, u32 buflen,
			struct hvg_vmpacket_desc *desc, const void **data,
			u32 *data_len);
int hvg_vmbus_recv_peek(struct hvg_vmbus_channel *chan, u32 maxlen,
			struct hvg_vmpacket_desc *desc, const void **data,
			u32 *data_len);
void hvg_vmbus_recv_end(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_chan_poll_done() - leave driver polling (after POLL_TAKEN)
 * @chan: the channel
 *
 * Unmasks the inbound interrupt and re-checks the ring. Any context.
 * Return: true if packets arrived meanwhile: the interrupt is masked
 * again, and the driver keeps polling.
 */
bool hvg_vmbus_chan_poll_done(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_chan_quiet_begin() - mask the inbound interrupt around a send
 * @chan: the channel (its receive callback does not poll it itself)
 *
 * A host that answers during the send (the loopback host serves a request
 * inside the guest's HvSignalEvent) then raises no interrupt for it:
 * hvg_vmbus_chan_quiet_end() looks at the inbound ring instead. On a host
 * that answers later nothing changes but two writes of the ring header.
 * Call both with softirqs off, on one CPU, around the send.
 */
void hvg_vmbus_chan_quiet_begin(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_chan_quiet_end() - unmask, and receive what came meanwhile
 * @chan: the channel
 *
 * Unmasks the inbound interrupt and re-checks the ring: if anything is
 * there, the channel's receive tasklet is scheduled on this CPU (it runs
 * when softirqs are on again), as the interrupt would have done.
 */
void hvg_vmbus_chan_quiet_end(struct hvg_vmbus_channel *chan);

/**
 * struct hvg_vmbus_chan_stats - a channel's counters
 * @packets_in: packets read from the inbound ring (host to guest)
 * @bytes_in: their bytes as the ring counts them (len8 * 8: descriptor,
 *	payload and padding; the trailer not included)
 * @packets_out: packets written to the outbound ring (guest to host)
 * @bytes_out: their bytes, counted the same way
 * @signals: signals sent to the host (outbound empty to non-empty, and
 *	inbound pending_send_sz crossings): sysfs "events"
 * @interrupts: channel interrupts (event flags) taken from the host:
 *	sysfs "interrupts"
 * @ring_full: sends refused with -EAGAIN because the outbound ring was
 *	full: sysfs "out_full_total"
 * @polls: calls of the receive callback
 * @malformed: malformed inbound packets or ring indices
 * @oversized: inbound packets dropped as longer than the reader's buffer
 *
 * Every counter runs from the offer on: the packet and byte counts of
 * earlier opens are kept when the channel closes.
 */
struct hvg_vmbus_chan_stats {
	u64 packets_in;
	u64 bytes_in;
	u64 packets_out;
	u64 bytes_out;
	u64 signals;
	u64 interrupts;
	u64 ring_full;
	u64 polls;
	u64 malformed;
	u64 oversized;
};

/**
 * hvg_vmbus_chan_stats() - read a channel's counters
 * @chan: a channel of the caller's device, open or not
 * @st: filled in
 *
 * Process context (it takes the channel's lock), not from the channel's
 * callback. The counters are read one at a time while the channel may be
 * busy: each is exact as of its read, not all as of one instant.
 */
void hvg_vmbus_chan_stats(struct hvg_vmbus_channel *chan,
			  struct hvg_vmbus_chan_stats *st);

/* Identity and state, for drivers and logs. */
struct hvg_vmbus_device *hvg_vmbus_chan_device(struct hvg_vmbus_channel *chan);
u32 hvg_vmbus_chan_relid(struct hvg_vmbus_channel *chan);
u16 hvg_vmbus_chan_subchan_index(struct hvg_vmbus_channel *chan);
unsigned int hvg_vmbus_chan_target_cpu(struct hvg_vmbus_channel *chan);
bool hvg_vmbus_chan_rescinded(struct hvg_vmbus_channel *chan);
void *hvg_vmbus_chan_get_drvdata(struct hvg_vmbus_channel *chan);
void hvg_vmbus_chan_set_drvdata(struct hvg_vmbus_channel *chan, void *data);
/* The offer's 120 bytes of user-defined data (storvsc/netvsc use some). */
const u8 *hvg_vmbus_chan_offer_user_def(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_chan_set_target_cpu() - move a channel's interrupts to @cpu
 * @chan: the channel
 * @cpu: an online CPU
 *
 * Closed: takes effect at the next open. Open: MODIFYCHANNEL (from VMBus
 * 4.1; from 5.3 the host confirms, and a refusal is returned). Process
 * context. Also reachable from sysfs (channels/<relid>/cpu).
 * Return: 0; -EINVAL (offline CPU); -EOPNOTSUPP (open, version < 4.1);
 * -EIO (refused); -ENODEV; -ETIMEDOUT.
 */
int hvg_vmbus_chan_set_target_cpu(struct hvg_vmbus_channel *chan,
				  unsigned int cpu);

/* ---------------------------------------------------------------------
 * Sub-channels. The driver asks the host through its own protocol (storvsc:
 * CREATE_SUB_CHANNELS; netvsc: NVSP subchannel request; echo: its own
 * request); the host then offers them, and the core hands each to the
 * primary's driver.
 *
 * Lifetime. The core keeps a sub-channel (on its primary, counted, in
 * sysfs as channels/<relid>) until the host rescinds it, it is closed (or
 * was never opened) and its relid is given back; then it drops it, while
 * the device stays. A host rescinds the sub-channels of a primary when the
 * primary closes, so every close and reopen of a primary brings new ones,
 * which may have the old relids. The pointer the handler gets is valid
 * during the call; a driver that keeps it takes a reference there with
 * hvg_vmbus_chan_get() and drops it with hvg_vmbus_chan_put() when it
 * forgets the pointer, at the latest in its remove(). A referenced
 * sub-channel that the core dropped stays readable (rescinded; its relid,
 * index and drvdata as they were) and refuses an open with -ENODEV.
 */

/**
 * hvg_vmbus_chan_get() - keep a channel's memory past the core's drop
 * @chan: a channel of the caller's device, valid at the call
 *
 * Any context. Pairs with hvg_vmbus_chan_put().
 */
void hvg_vmbus_chan_get(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_chan_put() - drop a reference of hvg_vmbus_chan_get()
 * @chan: the channel; not used by the caller afterwards
 *
 * Process context (the last reference waits for an RCU grace period).
 */
void hvg_vmbus_chan_put(struct hvg_vmbus_channel *chan);

/**
 * hvg_vmbus_set_subchan_handler() - where new sub-channels go
 * @primary: the device's primary channel
 * @fn: called in process context for each sub-channel offered to @primary
 *	(closed; the driver opens it), or NULL to stop
 *
 * Sub-channels offered before a handler is set wait, and are handed over
 * when it is set. Process context, not from the handler itself: with @fn
 * NULL it returns only once a call of the old handler that was running
 * has returned, so that the driver may then free what the handler uses.
 */
void hvg_vmbus_set_subchan_handler(struct hvg_vmbus_channel *primary,
				   void (*fn)(struct hvg_vmbus_channel *sub));

/**
 * hvg_vmbus_wait_subchans() - wait until @count sub-channels are offered
 * @primary: the primary channel
 * @count: sub-channels expected
 *
 * Counts the live sub-channels of @primary: offered and not rescinded
 * (a rescind counts once its message was processed, so after a reopen
 * only the new offers count). Process context. Return: 0; -ENODEV;
 * -ETIMEDOUT.
 */
int hvg_vmbus_wait_subchans(struct hvg_vmbus_channel *primary,
			    unsigned int count);

/* ---------------------------------------------------------------------
 * GPADLs: buffers shared with the host for the device protocol (netvsc's
 * receive and send buffers, the echo device's test buffers).
 */

/**
 * hvg_vmbus_gpadl_create() - describe a buffer to the host
 * @chan: a channel of the device (open or not)
 * @buf: the buffer, page aligned (vmalloc() or pages), @size bytes
 * @size: a multiple of 4096, at most 8190 pages (HVG_GPADL_MAX_PAGES)
 * @handle: the GPADL handle, for the device protocol and teardown
 *
 * Sends GPADL_HEADER and as many GPADL_BODY messages as the size needs and
 * waits for GPADL_CREATED. Process context.
 * Return: 0; -EINVAL (not aligned, 0 bytes); -E2BIG (over 8190 pages,
 * nothing sent); -ENOMEM; -EIO (refused by the host); -ENODEV; -ETIMEDOUT
 * (the host may still map the buffer: do not free it; this is the one
 * case in which @handle is set although creation failed, so that the
 * caller can try hvg_vmbus_gpadl_teardown()).
 */
int hvg_vmbus_gpadl_create(struct hvg_vmbus_channel *chan, void *buf,
			   size_t size, u32 *handle);

/**
 * hvg_vmbus_gpadl_teardown() - take a buffer back from the host
 * @chan: the channel the GPADL was created on
 * @handle: from hvg_vmbus_gpadl_create()
 *
 * Sends GPADL_TEARDOWN and waits for GPADL_TORNDOWN, also after a rescind
 * (the host then answers at once). Process context.
 * Return: 0: the buffer may be freed (also at once, nothing sent, once
 * the host has answered UNLOAD: it then dropped every GPADL, M10).
 * -ETIMEDOUT or -EIO: the host may still map it; it must not be freed
 * (leak it).
 */
int hvg_vmbus_gpadl_teardown(struct hvg_vmbus_channel *chan, u32 handle);

/* ---------------------------------------------------------------------
 * Request ids: transaction ids that are slot indices plus a generation,
 * never pointers, so that a forged or stale id from the host finds
 * nothing. Not bound to a channel; a driver keeps one pool per queue.
 */
struct hvg_vmbus_rqid_pool;

/*
 * Create a pool of @nslots (1 .. 65535) slots. Process context.
 * Return: the pool, or NULL (no memory, bad size).
 */
struct hvg_vmbus_rqid_pool *hvg_vmbus_rqid_create(unsigned int nslots);
void hvg_vmbus_rqid_destroy(struct hvg_vmbus_rqid_pool *pool);

/*
 * Take a slot for @ctx (not NULL). Any context; lockless against
 * concurrent get/put.
 * Return: the id, never 0; 0 when every slot is taken.
 */
u64 hvg_vmbus_rqid_get(struct hvg_vmbus_rqid_pool *pool, void *ctx);

/*
 * Give the slot of @id back. Any context.
 * Return: the ctx it was taken for; NULL when @id is not a live id of this
 * pool (out of range, free, or an older generation): the caller drops the
 * completion and counts it.
 */
void *hvg_vmbus_rqid_put(struct hvg_vmbus_rqid_pool *pool, u64 id);

#endif /* _HVGUEST_VMBUS_H */
