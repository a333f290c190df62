// SPDX-License-Identifier: GPL-2.0
/*
 * The backend registry: at most one real Hyper-V backend (set up by this
 * module) and at most one software backend (registered by another module,
 * such as hvg_loophost), and the selection that the "backend" parameter
 * makes between them when hvg_vmbus asks for one.
 *
 * A backend handed out by hvg_hv_get() pins its owner module with
 * try_module_get(), so a software backend cannot unload while hvg_vmbus
 * uses it; hvg_vmbus itself pins hvg_hypercall through its symbol
 * references.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "internal.h"

/*
 * One registry slot: a backend and how many hvg_hv_get() handed it out
 * (0 or 1). This bookkeeping is the adapter's own, not the backend's.
 */
struct hvg_hv_slot {
	struct hvg_hv_backend *hv;
	unsigned int users;
};

/*
 * hvg_hv_registry_lock guards both slots and hvg_hv_real_unavailable.
 * Process context only.
 */
static DEFINE_MUTEX(hvg_hv_registry_lock);
static struct hvg_hv_slot hvg_hv_real;
static struct hvg_hv_slot hvg_hv_software;
static char hvg_hv_real_unavailable[HVG_REASON_LEN] = "not probed";

/* Set from the module parameter before any backend is registered. */
enum hvg_hv_mode hvg_hv_mode = HVG_MODE_AUTO;

static const char * const hvg_hv_mode_names[] = {
	[HVG_MODE_AUTO] = "auto",
	[HVG_MODE_HYPERV] = "hyperv",
	[HVG_MODE_LOOPBACK] = "loopback",
};

const char *hvg_hv_mode_name(enum hvg_hv_mode mode)
{
	if ((unsigned int)mode >= ARRAY_SIZE(hvg_hv_mode_names))
		return "?";
	return hvg_hv_mode_names[mode];
}

/* Return: 0 and *@mode set, or -EINVAL for an unknown name. */
int hvg_hv_mode_parse(const char *s, enum hvg_hv_mode *mode)
{
	int i = sysfs_match_string(hvg_hv_mode_names, s);

	if (i < 0)
		return -EINVAL;
	*mode = i;
	return 0;
}

static bool hvg_hv_ops_complete(const struct hvg_hv_ops *ops)
{
	return ops && ops->post_message && ops->signal_event &&
	       ops->message_page && ops->event_page && ops->vp_index &&
	       ops->eom && ops->register_handler && ops->unregister_handler &&
	       ops->set_offline_check;
}

/* The slot holding @hv, or NULL. Registry lock held. */
static struct hvg_hv_slot *hvg_hv_slot_of(const struct hvg_hv_backend *hv)
{
	if (hv && hvg_hv_real.hv == hv)
		return &hvg_hv_real;
	if (hv && hvg_hv_software.hv == hv)
		return &hvg_hv_software;
	return NULL;
}

static int hvg_hv_add(struct hvg_hv_slot *slot, struct hvg_hv_backend *hv)
{
	int err = 0;

	if (!hv || !hv->name || !hvg_hv_ops_complete(hv->ops))
		return -EINVAL;

	mutex_lock(&hvg_hv_registry_lock);
	if (hvg_hv_slot_of(hv))
		err = -EEXIST;
	else if (slot->hv)
		err = -EBUSY;
	if (!err) {
		slot->hv = hv;
		slot->users = 0;
	}
	mutex_unlock(&hvg_hv_registry_lock);
	return err;
}

static int hvg_hv_remove(struct hvg_hv_slot *slot,
			 struct hvg_hv_backend *hv)
{
	int err = 0;

	mutex_lock(&hvg_hv_registry_lock);
	if (!hv || slot->hv != hv)
		err = -ENOENT;
	else if (slot->users)
		err = -EBUSY;
	if (!err)
		slot->hv = NULL;
	mutex_unlock(&hvg_hv_registry_lock);
	return err;
}

int hvg_hv_register_backend(struct hvg_hv_backend *hv)
{
	int err = hvg_hv_add(&hvg_hv_software, hv);

	if (!err)
		pr_info("software backend \"%s\" registered\n", hv->name);
	return err;
}
EXPORT_SYMBOL_GPL(hvg_hv_register_backend);

int hvg_hv_unregister_backend(struct hvg_hv_backend *hv)
{
	int err = hvg_hv_remove(&hvg_hv_software, hv);

	if (!err)
		pr_info("software backend \"%s\" unregistered\n", hv->name);
	return err;
}
EXPORT_SYMBOL_GPL(hvg_hv_unregister_backend);

/* The real backend, offered by hyperv.c once it is set up. */
int hvg_hv_set_real_backend(struct hvg_hv_backend *hv)
{
	return hvg_hv_add(&hvg_hv_real, hv);
}

void hvg_hv_clear_real_backend(void)
{
	mutex_lock(&hvg_hv_registry_lock);
	hvg_hv_real.hv = NULL;
	hvg_hv_real.users = 0;
	mutex_unlock(&hvg_hv_registry_lock);
}

/* How many hold @hv (0 or 1); 0 for a backend that is not registered. */
unsigned int hvg_hv_users(const struct hvg_hv_backend *hv)
{
	struct hvg_hv_slot *slot;
	unsigned int users;

	mutex_lock(&hvg_hv_registry_lock);
	slot = hvg_hv_slot_of(hv);
	users = slot ? slot->users : 0;
	mutex_unlock(&hvg_hv_registry_lock);
	return users;
}

/* Why there is no real backend, for the message when none is available. */
void hvg_hv_set_real_unavailable(const char *why)
{
	mutex_lock(&hvg_hv_registry_lock);
	strscpy(hvg_hv_real_unavailable, why, sizeof(hvg_hv_real_unavailable));
	mutex_unlock(&hvg_hv_registry_lock);
}

static struct hvg_hv_slot *hvg_hv_select(void)
{
	switch (hvg_hv_mode) {
	case HVG_MODE_HYPERV:
		return &hvg_hv_real;
	case HVG_MODE_LOOPBACK:
		return &hvg_hv_software;
	default:
		return hvg_hv_real.hv ? &hvg_hv_real : &hvg_hv_software;
	}
}

static void hvg_hv_explain_none(void)
{
	switch (hvg_hv_mode) {
	case HVG_MODE_HYPERV:
		pr_err("backend=hyperv, but the Hyper-V backend is not available: %s\n",
		       hvg_hv_real_unavailable);
		break;
	case HVG_MODE_LOOPBACK:
		pr_err("backend=loopback, but no software backend is registered (modprobe hvg_loophost)\n");
		break;
	default:
		pr_err("no backend: Hyper-V not available (%s) and no software backend registered (modprobe hvg_loophost)\n",
		       hvg_hv_real_unavailable);
		break;
	}
}

struct hvg_hv_backend *hvg_hv_get(void)
{
	struct hvg_hv_slot *slot;
	struct hvg_hv_backend *hv;

	mutex_lock(&hvg_hv_registry_lock);
	slot = hvg_hv_select();
	hv = slot->hv;
	if (!hv) {
		hvg_hv_explain_none();
		hv = ERR_PTR(-ENODEV);
	} else if (slot->users) {
		hv = ERR_PTR(-EBUSY);
	} else if (!try_module_get(hv->owner)) {
		/* The backend's module is on its way out. */
		hv = ERR_PTR(-ENODEV);
	} else {
		slot->users++;
	}
	mutex_unlock(&hvg_hv_registry_lock);
	return hv;
}
EXPORT_SYMBOL_GPL(hvg_hv_get);

void hvg_hv_put(struct hvg_hv_backend *hv)
{
	struct hvg_hv_slot *slot;
	struct module *owner;

	if (IS_ERR_OR_NULL(hv))
		return;
	mutex_lock(&hvg_hv_registry_lock);
	slot = hvg_hv_slot_of(hv);
	if (WARN_ON_ONCE(!slot || !slot->users)) {
		mutex_unlock(&hvg_hv_registry_lock);
		return;
	}
	slot->users--;
	owner = hv->owner;
	mutex_unlock(&hvg_hv_registry_lock);
	module_put(owner);
}
EXPORT_SYMBOL_GPL(hvg_hv_put);

/* debugfs: hvguest/hypercall/backends */
void hvg_hv_registry_show(struct seq_file *m)
{
	struct hvg_hv_backend *sel;

	mutex_lock(&hvg_hv_registry_lock);
	sel = hvg_hv_select()->hv;
	seq_printf(m, "mode: %s\n", hvg_hv_mode_name(hvg_hv_mode));
	if (hvg_hv_real.hv)
		seq_printf(m, "hyperv: %s users %u\n", hvg_hv_real.hv->name,
			   hvg_hv_real.users);
	else
		seq_printf(m, "hyperv: unavailable (%s)\n",
			   hvg_hv_real_unavailable);
	if (hvg_hv_software.hv)
		seq_printf(m, "software: %s (%s) users %u\n",
			   hvg_hv_software.hv->name,
			   module_name(hvg_hv_software.hv->owner),
			   hvg_hv_software.users);
	else
		seq_puts(m, "software: none\n");
	seq_printf(m, "selected: %s\n", sel ? sel->name : "none");
	mutex_unlock(&hvg_hv_registry_lock);
}
