// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's VMBus server, connection part: it answers
 * INITIATE_CONTACT as the host version it was created with, REQUESTOFFERS
 * with ALLOFFERS_DELIVERED (it offers nothing yet) and UNLOAD with
 * UNLOAD_RESPONSE, following the facts of hyperv-abi-behaviour.md M1 and
 * M10 (connection ids per version, message SINT and target VP).
 *
 * The guest is not trusted: every message is a copy the SynIC model made,
 * each length is checked before a field is read, and whatever is unknown,
 * short or out of place is counted and logged (rate-limited), never acted on.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <hvguest/tlfs.h>
#include <hvguest/vmbus_proto.h>

#include "synic.h"
#include "vmbus_server.h"

enum hvg_lh_srv_stat {
	HVG_LH_SRV_CONTACTS,		/* INITIATE_CONTACT received */
	HVG_LH_SRV_ACCEPTED,		/* ... answered version_supported = 1 */
	HVG_LH_SRV_REFUSED,		/* ... answered version_supported = 0 */
	HVG_LH_SRV_REQUESTOFFERS,	/* REQUESTOFFERS answered */
	HVG_LH_SRV_UNLOADS,		/* UNLOAD answered */
	HVG_LH_SRV_MALFORMED,		/* short, or not a channel message */
	HVG_LH_SRV_UNKNOWN,		/* a type this server does not serve */
	HVG_LH_SRV_OUT_OF_PLACE,	/* wrong connection id or state */
	HVG_LH_SRV_REPLY_FAILED,	/* the model refused a reply */
	HVG_LH_SRV_NR_STATS
};

static const char * const hvg_lh_srv_stat_names[HVG_LH_SRV_NR_STATS] = {
	[HVG_LH_SRV_CONTACTS] = "initiate_contact",
	[HVG_LH_SRV_ACCEPTED] = "version_accepted",
	[HVG_LH_SRV_REFUSED] = "version_refused",
	[HVG_LH_SRV_REQUESTOFFERS] = "requestoffers",
	[HVG_LH_SRV_UNLOADS] = "unload",
	[HVG_LH_SRV_MALFORMED] = "malformed",
	[HVG_LH_SRV_UNKNOWN] = "unknown_type",
	[HVG_LH_SRV_OUT_OF_PLACE] = "out_of_place",
	[HVG_LH_SRV_REPLY_FAILED] = "reply_failed",
};

/*
 * @lock guards @version, @target_vp and @msg_sint. The message callback
 * (the model's receive work, one call at a time) writes them; debugfs reads
 * them. Both are process context. The counters are atomic and need no lock.
 */
struct hvg_lh_server {
	struct hvg_lh_synic *synic;
	u32 host_version;
	bool has_conn_id_v5;

	struct mutex lock;	/* guards @version, @target_vp, @msg_sint */
	u32 version;		/* negotiated; 0 while disconnected */
	u32 target_vp;		/* where control messages go */
	u8 msg_sint;

	atomic_long_t stats[HVG_LH_SRV_NR_STATS];
};

static const u32 hvg_lh_versions[] = {
	HVG_VMBUS_VERSION_5_3, HVG_VMBUS_VERSION_5_2, HVG_VMBUS_VERSION_5_1,
	HVG_VMBUS_VERSION_5_0, HVG_VMBUS_VERSION_4_1, HVG_VMBUS_VERSION_4_0,
	HVG_VMBUS_VERSION_3_0, HVG_VMBUS_VERSION_2_4,
};

bool hvg_lh_server_version_known(u32 version)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvg_lh_versions); i++)
		if (hvg_lh_versions[i] == version)
			return true;
	return false;
}

static void hvg_lh_srv_count(struct hvg_lh_server *srv,
			     enum hvg_lh_srv_stat stat)
{
	atomic_long_inc(&srv->stats[stat]);
}

/* Post a control message to the guest's message slot; count a refusal. */
static void hvg_lh_srv_reply(struct hvg_lh_server *srv, u32 vp, u8 sint,
			     const void *msg, u32 len, const char *what)
{
	int err = hvg_lh_synic_post(srv->synic, vp, sint,
				    HVG_VMBUS_MESSAGE_TYPE, msg, len);

	if (err) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_REPLY_FAILED);
		pr_err_ratelimited("cannot post %s to VP %u SINT %u: %d\n",
				   what, vp, sint, err);
	}
}

static void hvg_lh_srv_initiate_contact(struct hvg_lh_server *srv,
					u32 connection_id,
					const struct hvg_chmsg_initiate_contact *ic)
{
	struct hvg_chmsg_version_response resp = {
		.hdr.msgtype = HVG_CHMSG_VERSION_RESPONSE,
	};
	u32 requested = ic->version_requested;
	bool v5 = requested >= HVG_VMBUS_VERSION_5_0;
	u32 nr_vps = nr_cpu_ids;
	u32 vp = 0;
	u8 sint = HVG_VMBUS_MESSAGE_SINT;
	bool ok = true;

	hvg_lh_srv_count(srv, HVG_LH_SRV_CONTACTS);
	/* 5.0+ contacts come on id 4, older ones on id 1 (M1). */
	if (connection_id != (v5 ? HVG_VMBUS_MSG_CONN_ID_V5 :
				   HVG_VMBUS_MSG_CONN_ID)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("INITIATE_CONTACT for %u.%u on connection id %u ignored\n",
				    requested >> 16, requested & 0xffff,
				    connection_id);
		return;
	}

	/* Target VP from 3.0 on, else VP 0; message SINT from 5.0 on. */
	if (requested >= HVG_VMBUS_VERSION_3_0)
		vp = ic->target_vcpu;
	if (v5)
		sint = ic->v5.msg_sint;

	if (!hvg_lh_server_version_known(requested) ||
	    requested > srv->host_version) {
		ok = false;
	} else if (vp >= nr_vps || sint >= HVG_SINT_COUNT ||
		   !ic->monitor_page1 != !ic->monitor_page2) {
		/* Unusable: refuse, and answer where the guest can look. */
		ok = false;
		resp.connection_state = HVG_VMBUS_CONN_FAILED_UNKNOWN;
		pr_warn_ratelimited("INITIATE_CONTACT refused: target VP %u, SINT %u, monitor pages %s\n",
				    vp, sint,
				    !ic->monitor_page1 != !ic->monitor_page2 ?
				    "one of two" : "ok");
		vp = 0;
		sint = HVG_VMBUS_MESSAGE_SINT;
	}

	/* A contact while connected is an implicit disconnect (M1). */
	mutex_lock(&srv->lock);
	srv->version = ok ? requested : 0;
	srv->target_vp = vp;
	srv->msg_sint = sint;
	mutex_unlock(&srv->lock);

	if (ok) {
		resp.version_supported = 1;
		/* 5.0+: where later messages go; below: the version (A1). */
		resp.msg_conn_id = v5 ? HVG_LH_VMBUS_MSG_CONN_ID : requested;
		hvg_lh_srv_count(srv, HVG_LH_SRV_ACCEPTED);
		pr_info("guest connected: VMBus %u.%u, messages to VP %u SINT %u\n",
			requested >> 16, requested & 0xffff, vp, sint);
	} else {
		hvg_lh_srv_count(srv, HVG_LH_SRV_REFUSED);
	}
	hvg_lh_srv_reply(srv, vp, sint, &resp, sizeof(resp),
			 "VERSION_RESPONSE");
}

/*
 * The connected state's destination, or false when the guest is not
 * connected (M10: messages other than INITIATE_CONTACT are then ignored).
 */
static bool hvg_lh_srv_connected(struct hvg_lh_server *srv, u32 *version,
				 u32 *vp, u8 *sint)
{
	mutex_lock(&srv->lock);
	*version = srv->version;
	*vp = srv->target_vp;
	*sint = srv->msg_sint;
	mutex_unlock(&srv->lock);
	return *version != 0;
}

static void hvg_lh_srv_message(void *ctx, u32 connection_id,
			       u32 message_type, const void *payload,
			       u32 payload_size)
{
	struct hvg_lh_server *srv = ctx;
	struct hvg_chmsg_hdr hdr = {};
	struct hvg_chmsg_initiate_contact ic;
	u32 version, vp;
	u8 sint;

	if (message_type != HVG_VMBUS_MESSAGE_TYPE || payload_size < sizeof(hdr)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
		pr_warn_ratelimited("malformed message on connection id %u: type %u, %u bytes\n",
				    connection_id, message_type, payload_size);
		return;
	}
	memcpy(&hdr, payload, sizeof(hdr));

	if (hdr.msgtype == HVG_CHMSG_INITIATE_CONTACT) {
		if (payload_size < sizeof(ic)) {
			hvg_lh_srv_count(srv, HVG_LH_SRV_MALFORMED);
			pr_warn_ratelimited("INITIATE_CONTACT of %u bytes, %zu needed\n",
					    payload_size, sizeof(ic));
			return;
		}
		memcpy(&ic, payload, sizeof(ic));
		hvg_lh_srv_initiate_contact(srv, connection_id, &ic);
		return;
	}

	/* Everything else goes to the connected id, never to id 4. */
	if (connection_id != HVG_LH_VMBUS_MSG_CONN_ID ||
	    !hvg_lh_srv_connected(srv, &version, &vp, &sint)) {
		hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
		pr_warn_ratelimited("channel message %u on connection id %u while %s: ignored\n",
				    hdr.msgtype, connection_id,
				    version ? "connected" : "disconnected");
		return;
	}

	switch (hdr.msgtype) {
	case HVG_CHMSG_REQUESTOFFERS: {
		/* Nothing to offer yet: only the end of the offers. */
		struct hvg_chmsg_hdr done = {
			.msgtype = HVG_CHMSG_ALLOFFERS_DELIVERED,
		};

		hvg_lh_srv_count(srv, HVG_LH_SRV_REQUESTOFFERS);
		hvg_lh_srv_reply(srv, vp, sint, &done, sizeof(done),
				 "ALLOFFERS_DELIVERED");
		break;
	}
	case HVG_CHMSG_UNLOAD: {
		struct hvg_chmsg_hdr done = {
			.msgtype = HVG_CHMSG_UNLOAD_RESPONSE,
		};

		if (version < HVG_VMBUS_VERSION_3_0) {
			/* Hosts implement UNLOAD from 3.0 on (M10). */
			hvg_lh_srv_count(srv, HVG_LH_SRV_OUT_OF_PLACE);
			pr_warn_ratelimited("UNLOAD on VMBus %u.%u ignored\n",
					    version >> 16, version & 0xffff);
			break;
		}
		/* Disconnect first: the response is the last message. */
		mutex_lock(&srv->lock);
		srv->version = 0;
		mutex_unlock(&srv->lock);
		hvg_lh_srv_count(srv, HVG_LH_SRV_UNLOADS);
		pr_info("guest unloaded VMBus %u.%u\n", version >> 16,
			version & 0xffff);
		hvg_lh_srv_reply(srv, vp, sint, &done, sizeof(done),
				 "UNLOAD_RESPONSE");
		break;
	}
	default:
		hvg_lh_srv_count(srv, HVG_LH_SRV_UNKNOWN);
		pr_warn_ratelimited("channel message %u (%u bytes) not served\n",
				    hdr.msgtype, payload_size);
		break;
	}
}

struct hvg_lh_server *hvg_lh_server_create(struct hvg_lh_synic *synic,
					   u32 host_version)
{
	struct hvg_lh_server *srv;
	int err;

	if (!synic || !hvg_lh_server_version_known(host_version))
		return ERR_PTR(-EINVAL);
	srv = kzalloc(sizeof(*srv), GFP_KERNEL);
	if (!srv)
		return ERR_PTR(-ENOMEM);
	srv->synic = synic;
	srv->host_version = host_version;
	mutex_init(&srv->lock);

	err = hvg_lh_synic_add_connection(synic, HVG_VMBUS_MSG_CONN_ID,
					  hvg_lh_srv_message, NULL, srv);
	if (err)
		goto err_free;
	if (host_version >= HVG_VMBUS_VERSION_5_0) {
		err = hvg_lh_synic_add_connection(synic,
						  HVG_VMBUS_MSG_CONN_ID_V5,
						  hvg_lh_srv_message, NULL,
						  srv);
		if (err)
			goto err_remove;
		srv->has_conn_id_v5 = true;
	}
	return srv;

err_remove:
	hvg_lh_synic_remove_connection(synic, HVG_VMBUS_MSG_CONN_ID);
err_free:
	mutex_destroy(&srv->lock);
	kfree(srv);
	return ERR_PTR(err);
}

void hvg_lh_server_destroy(struct hvg_lh_server *srv)
{
	if (IS_ERR_OR_NULL(srv))
		return;
	if (srv->has_conn_id_v5)
		hvg_lh_synic_remove_connection(srv->synic,
					       HVG_VMBUS_MSG_CONN_ID_V5);
	hvg_lh_synic_remove_connection(srv->synic, HVG_VMBUS_MSG_CONN_ID);
	mutex_destroy(&srv->lock);
	kfree(srv);
}

void hvg_lh_server_show(struct hvg_lh_server *srv, struct seq_file *m)
{
	unsigned int i;
	u32 version, vp;
	u8 sint;

	seq_printf(m, "host_version: %u.%u\n", srv->host_version >> 16,
		   srv->host_version & 0xffff);
	if (hvg_lh_srv_connected(srv, &version, &vp, &sint))
		seq_printf(m, "state: connected\nversion: %u.%u\ntarget_vp: %u\nmsg_sint: %u\n",
			   version >> 16, version & 0xffff, vp, sint);
	else
		seq_puts(m, "state: disconnected\n");
	for (i = 0; i < HVG_LH_SRV_NR_STATS; i++)
		seq_printf(m, "%s: %ld\n", hvg_lh_srv_stat_names[i],
			   atomic_long_read(&srv->stats[i]));
}
