// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_storvsp": the loopback host's storage service
 * (host/storvsp.c, compiled into this file: hvg_loophost.ko has its own
 * copy, and its packet handler is static) driven packet by packet, as a
 * guest would drive it, without a VMBus connection: a channel whose
 * inbound ring (host to guest) is a real ring pair, read back here as the
 * guest reads it. Each case checks the answers a guest sees: the
 * handshake for each protocol version, packets out of order refused,
 * malformed packets refused (with or without an answer, as documented),
 * and EXECUTE_SRB with GPA-direct data reading and writing a page in place.
 *
 * The service's init (the only user of hvg_debugfs_root()) never runs
 * here; a local stand-in keeps the test module from depending on
 * hvg_hypercall.ko for it.
 */
#include <linux/stddef.h>

struct dentry;
static struct dentry *hvg_kunit_storvsp_debugfs_root(void)
{
	return NULL;
}

#define hvg_debugfs_root hvg_kunit_storvsp_debugfs_root
#include "../host/storvsp.c"
#undef hvg_debugfs_root

#include <kunit/test.h>

/* A fake controller: one primary channel, its disk, the guest's rings. */
struct sps {
	struct hvg_lh_channel ch;
	struct storvsp_chan sc;
	struct storvsp_disk *disk;
	struct hvg_ring_pair rings;
	u8 rx[512];
};

#define SPS_RING	(4 * PAGE_SIZE)
#define SPS_TID		0x1234567800000011ull

static struct sps *sps_setup(struct kunit *test, u16 version_param,
			     unsigned int subchannels)
{
	struct sps *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	storvsp_version = version_param;
	storvsp_max_subchannels = subchannels;
	storvsp_luns = 1;
	storvsp_lun_mb = 1;
	s->disk = storvsp_disk_alloc(0, false);
	KUNIT_ASSERT_NOT_NULL(test, s->disk);
	KUNIT_ASSERT_EQ(test, hvg_ring_pair_alloc(&s->rings, SPS_RING,
						  SPS_RING), 0);
	/* The guest drains by polling here: no signal is asked for. */
	hvg_ring_mask_begin(&s->rings.in);
	s->ch.primary = &s->ch;
	s->ch.svc = &hvg_lh_storvsp_service;
	s->ch.relid = 7;
	s->ch.priv = &s->sc;
	spin_lock_init(&s->ch.tx_lock);
	KUNIT_ASSERT_EQ(test, hvg_ring_attach(&s->ch.tx, s->rings.in_va,
					      SPS_RING), 0);
	s->sc.disk = s->disk;
	KUNIT_ASSERT_EQ(test, storvsp_on_open(&s->ch, NULL), 0);
	return s;
}

static void sps_teardown(struct sps *s)
{
	storvsp_on_close(&s->ch);
	hvg_ring_pair_free(&s->rings);
	storvsp_disk_free(s->disk);
	storvsp_version = HVG_STOR_VERSION_WIN10;
	storvsp_max_subchannels = 0;
	storvsp_luns = 1;
	storvsp_lun_mb = 64;
}

/* Hand @p (@len bytes) to the service as an in-band packet of @type. */
static int sps_send(struct sps *s, u16 type, const void *p, u32 len)
{
	struct hvg_ring_pkt pkt = {};
	u8 *buf = kzalloc(len + 8, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, p, len);
	pkt.desc.type = type;
	pkt.desc.offset8 = sizeof(pkt.desc) / 8;
	pkt.desc.len8 = (sizeof(pkt.desc) + ALIGN(len, 8)) / 8;
	pkt.desc.trans_id = SPS_TID;
	pkt.data = buf;
	pkt.data_len = len;
	ret = storvsp_on_packet(&s->ch, &pkt, buf);
	kfree(buf);
	return ret;
}

/* The next answer, or false when there is none. */
static bool sps_recv(struct kunit *test, struct sps *s,
		     struct hvg_vstor_packet *p, u32 *len)
{
	struct hvg_ring_pkt pkt;
	int ret;

	if (hvg_ring_read_begin(&s->rings.in) <= 0)
		return false;
	ret = hvg_ring_read_next(&s->rings.in, s->rx, sizeof(s->rx), &pkt);
	hvg_ring_read_end(&s->rings.in);
	KUNIT_ASSERT_EQ(test, ret, 1);
	KUNIT_EXPECT_EQ(test, pkt.desc.type, HVG_PKT_COMP);
	KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, SPS_TID);
	memset(p, 0, sizeof(*p));
	memcpy(p, pkt.data, min_t(u32, pkt.data_len, sizeof(*p)));
	*len = pkt.data_len;
	return true;
}

/* Send a bare request of @op, expect one answer with @status. */
static void sps_op(struct kunit *test, struct sps *s, u32 op, u16 version,
		   u32 status, struct hvg_vstor_packet *ans)
{
	struct hvg_vstor_packet p = {
		.operation = op,
		.flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION,
	};
	u32 len;

	if (op == HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION)
		p.version.major_minor = version;
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE_MSG(test, sps_recv(test, s, ans, &len),
			      "no answer to operation %u", op);
	KUNIT_EXPECT_EQ(test, len, (u32)HVG_VSTOR_PACKET_SIZE);
	KUNIT_EXPECT_EQ(test, ans->operation, (u32)HVG_VSTOR_OP_COMPLETE_IO);
	KUNIT_EXPECT_EQ_MSG(test, ans->status, status, "operation %u", op);
}

static void sps_handshake(struct kunit *test, struct sps *s, u16 version)
{
	struct hvg_vstor_packet a;

	sps_op(test, s, HVG_VSTOR_OP_BEGIN_INITIALIZATION, 0, HVG_NT_SUCCESS,
	       &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION, version,
	       HVG_NT_SUCCESS, &a);
	KUNIT_EXPECT_EQ(test, a.version.major_minor, version);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROPERTIES, 0, HVG_NT_SUCCESS, &a);
	KUNIT_EXPECT_EQ(test, a.properties.max_transfer_bytes,
			storvsp_max_transfer());
	sps_op(test, s, HVG_VSTOR_OP_END_INITIALIZATION, 0, HVG_NT_SUCCESS,
	       &a);
}

/*
 * An EXECUTE_SRB without data (TEST UNIT READY to @target, @lun at path
 * 0): its SRB status; @sense, when not NULL, gets the sense key.
 */
static u8 sps_tur_at(struct kunit *test, struct sps *s, u8 target, u8 lun,
		     u8 *sense)
{
	struct hvg_vstor_packet p = {
		.operation = HVG_VSTOR_OP_EXECUTE_SRB,
		.flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION,
	}, a;
	u32 len;

	p.vm_srb.length = HVG_VMSCSI_SIZE;
	p.vm_srb.target_id = target;
	p.vm_srb.lun = lun;
	p.vm_srb.cdb_length = 6;
	p.vm_srb.data_in = HVG_SRB_DATA_NONE;
	p.vm_srb.sense_info_length = HVG_STOR_SENSE_SIZE;
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, a.operation, (u32)HVG_VSTOR_OP_COMPLETE_IO);
	if (sense)
		*sense = a.vm_srb.sense_info_length > 2 ?
			 a.vm_srb.sense_data[2] & 0xf : 0;
	return a.vm_srb.srb_status;
}

static u8 sps_tur(struct kunit *test, struct sps *s, u8 lun)
{
	return sps_tur_at(test, s, 0, lun, NULL);
}

/* Each version the host offers is accepted; newer ones are not. */
static void storvsp_handshake_each_version(struct kunit *test)
{
	static const u16 versions[] = {
		HVG_STOR_VERSION_WIN10, HVG_STOR_VERSION_WIN8_1,
		HVG_STOR_VERSION_WIN8,
	};
	struct hvg_vstor_packet a;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		struct sps *s = sps_setup(test, versions[i], 4);

		sps_op(test, s, HVG_VSTOR_OP_BEGIN_INITIALIZATION, 0,
		       HVG_NT_SUCCESS, &a);
		/* Newest first, as a guest asks. */
		for (j = 0; j < i; j++) {
			sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
			       versions[j], HVG_NT_REVISION_MISMATCH, &a);
			KUNIT_EXPECT_EQ(test, a.version.major_minor,
					versions[j]);
		}
		sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
		       versions[i], HVG_NT_SUCCESS, &a);
		KUNIT_EXPECT_EQ(test, READ_ONCE(s->sc.version), versions[i]);
		sps_op(test, s, HVG_VSTOR_OP_QUERY_PROPERTIES, 0,
		       HVG_NT_SUCCESS, &a);
		KUNIT_EXPECT_EQ(test, a.properties.flags,
				(u32)HVG_STOR_PROP_MULTI_CHANNEL);
		KUNIT_EXPECT_EQ(test, a.properties.max_channel_cnt, 4);
		sps_op(test, s, HVG_VSTOR_OP_END_INITIALIZATION, 0,
		       HVG_NT_SUCCESS, &a);
		KUNIT_EXPECT_EQ(test, sps_tur(test, s, 0),
				HVG_SRB_STATUS_SUCCESS);
		/* After END_INITIALIZATION the version is fixed. */
		sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
		       versions[i], HVG_NT_REVISION_MISMATCH, &a);
		sps_teardown(s);
	}
}

/*
 * scsi_version=none: every version refused (REVISION_MISMATCH, the version
 * echoed, counted), so QUERY_PROPERTIES stays out of order; the setter
 * takes none, 0 and the three versions, nothing else; once a version is
 * offered again the same channel's next query is accepted.
 */
static void storvsp_refuses_every_version(struct kunit *test)
{
	static const u16 versions[] = {
		HVG_STOR_VERSION_WIN10, HVG_STOR_VERSION_WIN8_1,
		HVG_STOR_VERSION_WIN8,
	};
	struct sps *s = sps_setup(test, 0, 0);
	/* sysfs_emit() wants a page of its own. */
	char *buf = (char *)get_zeroed_page(GFP_KERNEL);
	struct hvg_vstor_packet a;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);

	sps_op(test, s, HVG_VSTOR_OP_BEGIN_INITIALIZATION, 0, HVG_NT_SUCCESS,
	       &a);
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
		       versions[i], HVG_NT_REVISION_MISMATCH, &a);
		KUNIT_EXPECT_EQ(test, a.version.major_minor, versions[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->sc.refused),
			(s64)ARRAY_SIZE(versions));
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->sc.version), 0);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROPERTIES, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);

	KUNIT_EXPECT_EQ(test, storvsp_version_set("0x0400", NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, storvsp_version_set("6.2", NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, storvsp_version_get(buf, NULL), 5);
	KUNIT_EXPECT_STREQ(test, buf, "none\n");
	KUNIT_EXPECT_EQ(test, storvsp_version_set("0x0600", NULL), 0);
	KUNIT_EXPECT_EQ(test, storvsp_version, HVG_STOR_VERSION_WIN8_1);
	storvsp_version_get(buf, NULL);
	KUNIT_EXPECT_STREQ(test, buf, "0x0600\n");
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
	       HVG_STOR_VERSION_WIN8_1, HVG_NT_SUCCESS, &a);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->sc.version),
			HVG_STOR_VERSION_WIN8_1);
	KUNIT_EXPECT_EQ(test, storvsp_version_set("none", NULL), 0);
	KUNIT_EXPECT_EQ(test, storvsp_version, 0);
	KUNIT_EXPECT_EQ(test, storvsp_version_set("0", NULL), 0);
	free_page((unsigned long)buf);
	sps_teardown(s);
}

/*
 * The handshake of a channel without sub-channels: QUERY_PROPERTIES says
 * no MULTI_CHANNEL, and CREATE_SUB_CHANNELS is refused after it.
 */
static void sps_expect_no_multichannel(struct kunit *test, struct sps *s)
{
	struct hvg_vstor_packet p = {
		.operation = HVG_VSTOR_OP_CREATE_SUB_CHANNELS,
		.flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION,
		.sub_channel_count = 1,
	}, a;
	u32 len;

	sps_op(test, s, HVG_VSTOR_OP_BEGIN_INITIALIZATION, 0, HVG_NT_SUCCESS,
	       &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
	       HVG_STOR_VERSION_WIN10, HVG_NT_SUCCESS, &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROPERTIES, 0, HVG_NT_SUCCESS, &a);
	KUNIT_EXPECT_EQ(test, a.properties.flags, 0u);
	KUNIT_EXPECT_EQ(test, a.properties.max_channel_cnt, 0);
	sps_op(test, s, HVG_VSTOR_OP_END_INITIALIZATION, 0, HVG_NT_SUCCESS,
	       &a);
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, a.status, HVG_NT_INVALID_DEVICE_REQUEST);
}

/* No sub-channels: no MULTI_CHANNEL, and CREATE_SUB_CHANNELS refused. */
static void storvsp_no_subchannels(struct kunit *test)
{
	struct sps *s = sps_setup(test, HVG_STOR_VERSION_WIN10, 0);

	sps_expect_no_multichannel(test, s);
	sps_teardown(s);
}

/* Each step before its predecessor is refused; so is I/O before them. */
static void storvsp_out_of_order_refused(struct kunit *test)
{
	struct sps *s = sps_setup(test, HVG_STOR_VERSION_WIN10, 0);
	struct hvg_vstor_packet a;

	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 0),
			HVG_SRB_STATUS_INVALID_REQUEST);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
	       HVG_STOR_VERSION_WIN10, HVG_NT_INVALID_DEVICE_REQUEST, &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROPERTIES, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);
	sps_op(test, s, HVG_VSTOR_OP_END_INITIALIZATION, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);
	sps_op(test, s, HVG_VSTOR_OP_BEGIN_INITIALIZATION, 0, HVG_NT_SUCCESS,
	       &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROPERTIES, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
	       HVG_STOR_VERSION_WIN8, HVG_NT_SUCCESS, &a);
	sps_op(test, s, HVG_VSTOR_OP_END_INITIALIZATION, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);
	/* Versions the host never accepts, whatever scsi_version says. */
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION,
	       HVG_STOR_VERSION_WIN7, HVG_NT_REVISION_MISMATCH, &a);
	sps_op(test, s, HVG_VSTOR_OP_QUERY_PROTOCOL_VERSION, 0x0603,
	       HVG_NT_REVISION_MISMATCH, &a);
	sps_teardown(s);
}

/* Malformed packets: refused, with the answer the host documents. */
static void storvsp_bad_packets_refused(struct kunit *test)
{
	struct sps *s = sps_setup(test, HVG_STOR_VERSION_WIN10, 0);
	struct hvg_vstor_packet p = {
		.operation = HVG_VSTOR_OP_BEGIN_INITIALIZATION,
		.flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION,
	}, a;
	long long bad = 0;
	u32 len;

	sps_handshake(test, s, HVG_STOR_VERSION_WIN10);

	/* Shorter than any vstor packet: dropped, counted, no answer. */
	KUNIT_EXPECT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p, 40), 0);
	KUNIT_EXPECT_FALSE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->sc.bad), ++bad);
	/* A packet type the service does not serve: the same. */
	KUNIT_EXPECT_EQ(test, sps_send(s, HVG_PKT_COMP, &p, sizeof(p)), 0);
	KUNIT_EXPECT_FALSE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->sc.bad), ++bad);
	/* Operations a guest never sends: refused with an answer. */
	sps_op(test, s, HVG_VSTOR_OP_COMPLETE_IO, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);
	sps_op(test, s, HVG_VSTOR_OP_ENUMERATE_BUS, 0,
	       HVG_NT_INVALID_DEVICE_REQUEST, &a);
	sps_op(test, s, 0xdead, 0, HVG_NT_INVALID_DEVICE_REQUEST, &a);
	bad += 3;
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->sc.bad), bad);

	/* EXECUTE_SRB: bad CDB lengths, direction; data but in-band. */
	memset(&p, 0, sizeof(p));
	p.operation = HVG_VSTOR_OP_EXECUTE_SRB;
	p.flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION;
	p.vm_srb.length = HVG_VMSCSI_SIZE;
	p.vm_srb.sense_info_length = HVG_STOR_SENSE_SIZE;
	p.vm_srb.data_in = HVG_SRB_DATA_NONE;
	p.vm_srb.cdb_length = 0;
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, a.vm_srb.srb_status,
			HVG_SRB_STATUS_INVALID_REQUEST);
	p.vm_srb.cdb_length = 17;
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, a.vm_srb.srb_status,
			HVG_SRB_STATUS_INVALID_REQUEST);
	p.vm_srb.cdb_length = 6;
	p.vm_srb.data_in = 3;
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, a.vm_srb.srb_status,
			HVG_SRB_STATUS_INVALID_REQUEST);
	p.vm_srb.cdb[0] = 0x28;	/* READ(10) of one block, in-band */
	p.vm_srb.cdb[8] = 1;
	p.vm_srb.cdb_length = 10;
	p.vm_srb.data_in = HVG_SRB_DATA_READ;
	p.vm_srb.data_transfer_length = 512;
	KUNIT_ASSERT_EQ(test, sps_send(s, HVG_PKT_DATA_INBAND, &p,
				       sizeof(p)), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	KUNIT_EXPECT_EQ(test, a.vm_srb.srb_status,
			HVG_SRB_STATUS_INVALID_REQUEST);
	KUNIT_EXPECT_EQ(test, a.vm_srb.data_transfer_length, 0u);
	/* A LUN that does not exist. */
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 5), HVG_SRB_STATUS_INVALID_LUN);
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 0), HVG_SRB_STATUS_SUCCESS);
	sps_teardown(s);
}

/*
 * EXECUTE_SRB as a GPA-direct packet: one range of @npages pages of
 * @pages starting @off bytes into the first, @bytes long; READ(10) or
 * WRITE(10) of @blocks at LBA 8. Return: the completion's SRB status.
 */
static u8 sps_rw(struct kunit *test, struct sps *s, bool write,
		 struct page **pages, u32 npages, u32 off, u32 bytes,
		 u16 blocks, u32 *moved)
{
	u32 ext = sizeof(struct hvg_gpa_direct_hdr) +
		  sizeof(struct hvg_gpa_range) + npages * 8;
	struct hvg_gpa_direct_hdr gh = { .range_count = 1 };
	struct hvg_gpa_range r = { .byte_count = bytes, .byte_offset = off };
	struct hvg_vstor_packet p = {
		.operation = HVG_VSTOR_OP_EXECUTE_SRB,
		.flags = HVG_VSTOR_FLAG_REQUEST_COMPLETION,
	}, a;
	struct hvg_ring_pkt pkt = {};
	u32 len, i;
	u8 *buf;

	buf = kunit_kzalloc(test, ext + sizeof(p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	p.vm_srb.length = HVG_VMSCSI_SIZE;
	p.vm_srb.sense_info_length = HVG_STOR_SENSE_SIZE;
	p.vm_srb.cdb_length = 10;
	p.vm_srb.cdb[0] = write ? 0x2a : 0x28;
	p.vm_srb.cdb[5] = 8;
	p.vm_srb.cdb[7] = blocks >> 8;
	p.vm_srb.cdb[8] = blocks & 0xff;
	p.vm_srb.data_in = write ? HVG_SRB_DATA_WRITE : HVG_SRB_DATA_READ;
	p.vm_srb.data_transfer_length = blocks * 512;
	memcpy(buf, &gh, sizeof(gh));
	memcpy(buf + sizeof(gh), &r, sizeof(r));
	for (i = 0; i < npages; i++) {
		u64 pfn = page_to_pfn(pages[i]);

		memcpy(buf + sizeof(gh) + sizeof(r) + i * 8, &pfn, 8);
	}
	memcpy(buf + ext, &p, sizeof(p));
	pkt.desc.type = HVG_PKT_DATA_USING_GPA_DIRECT;
	pkt.desc.offset8 = (sizeof(pkt.desc) + ext) / 8;
	pkt.desc.len8 = pkt.desc.offset8 + sizeof(p) / 8;
	pkt.desc.trans_id = SPS_TID;
	pkt.data = buf + ext;
	pkt.data_len = sizeof(p);
	KUNIT_ASSERT_EQ(test, storvsp_on_packet(&s->ch, &pkt, buf), 0);
	KUNIT_ASSERT_TRUE(test, sps_recv(test, s, &a, &len));
	*moved = a.vm_srb.data_transfer_length;
	return a.vm_srb.srb_status;
}

/* Data in place: a write through two pages read back; bad ranges refused. */
static void storvsp_gpa_direct_io(struct kunit *test)
{
	struct sps *s = sps_setup(test, HVG_STOR_VERSION_WIN10, 0);
	struct page *pages[2];
	u8 *va0, *va1;
	u32 moved;

	sps_handshake(test, s, HVG_STOR_VERSION_WIN10);
	pages[0] = alloc_page(GFP_KERNEL);
	pages[1] = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, pages[0] && pages[1]);
	va0 = page_address(pages[0]);
	va1 = page_address(pages[1]);

	/* 1 KiB from 3584 bytes into the first page: across two pages. */
	memset(va0, 0xa5, PAGE_SIZE);
	memset(va1, 0x5a, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sps_rw(test, s, true, pages, 2, 3584, 1024, 2,
				     &moved), HVG_SRB_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, moved, 1024u);
	KUNIT_EXPECT_EQ(test, s->disk->ram[0].mem[8 * 512], 0xa5);
	KUNIT_EXPECT_EQ(test, s->disk->ram[0].mem[8 * 512 + 511], 0xa5);
	KUNIT_EXPECT_EQ(test, s->disk->ram[0].mem[9 * 512], 0x5a);
	KUNIT_EXPECT_EQ(test, s->disk->ram[0].mem[10 * 512], 0);

	memset(va0, 0, PAGE_SIZE);
	memset(va1, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sps_rw(test, s, false, pages, 2, 3584, 1024, 2,
				     &moved), HVG_SRB_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, va0[3584], 0xa5);
	KUNIT_EXPECT_EQ(test, va0[PAGE_SIZE - 1], 0xa5);
	KUNIT_EXPECT_EQ(test, va1[0], 0x5a);
	KUNIT_EXPECT_EQ(test, va1[511], 0x5a);
	KUNIT_EXPECT_EQ(test, va1[512], 0);
	KUNIT_EXPECT_EQ(test, va0[3583], 0);

	/* A range shorter than the transfer: refused, nothing moved. */
	KUNIT_EXPECT_EQ(test, sps_rw(test, s, false, pages, 2, 0, 512, 2,
				     &moved), HVG_SRB_STATUS_INVALID_REQUEST);
	KUNIT_EXPECT_EQ(test, moved, 0u);
	/* An offset past the page. */
	KUNIT_EXPECT_EQ(test, sps_rw(test, s, false, pages, 1, PAGE_SIZE,
				     512, 1, &moved),
			HVG_SRB_STATUS_INVALID_REQUEST);
	/* A range naming more pages than the packet carries. */
	KUNIT_EXPECT_EQ(test, sps_rw(test, s, false, pages, 1, 0, 8192, 16,
				     &moved), HVG_SRB_STATUS_INVALID_REQUEST);
	__free_page(pages[0]);
	__free_page(pages[1]);
	sps_teardown(s);
}

/* LUNs added and removed: INVALID_LUN, then the unit attention. */
static void storvsp_lun_hotplug(struct kunit *test)
{
	struct sps *s = sps_setup(test, HVG_STOR_VERSION_WIN10, 0);

	sps_handshake(test, s, HVG_STOR_VERSION_WIN10);
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 3), HVG_SRB_STATUS_INVALID_LUN);
	mutex_lock(&storvsp_lun_lock);
	KUNIT_EXPECT_EQ(test, storvsp_lun_create(s->disk, 3, 1), 0);
	KUNIT_EXPECT_EQ(test, storvsp_lun_create(s->disk, 3, 1), -EEXIST);
	KUNIT_EXPECT_EQ(test, storvsp_lun_create(s->disk, 16, 1), -EINVAL);
	mutex_unlock(&storvsp_lun_lock);
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 3), HVG_SRB_STATUS_SUCCESS);
	/* LUN 0 reports "reported LUNs data has changed" once. */
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 0),
			HVG_SRB_STATUS_ERROR | HVG_SRB_STATUS_AUTOSENSE_VALID);
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 0), HVG_SRB_STATUS_SUCCESS);
	mutex_lock(&storvsp_lun_lock);
	KUNIT_EXPECT_EQ(test, storvsp_lun_destroy(s->disk, 3), 0);
	KUNIT_EXPECT_EQ(test, storvsp_lun_destroy(s->disk, 3), -ENOENT);
	mutex_unlock(&storvsp_lun_lock);
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 3), HVG_SRB_STATUS_INVALID_LUN);
	KUNIT_EXPECT_NE(test, sps_tur(test, s, 0), HVG_SRB_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, sps_tur(test, s, 0), HVG_SRB_STATUS_SUCCESS);
	sps_teardown(s);
}

/*
 * An IDE disk (the second device of IDE controller 0): its offer names it
 * in the user-defined data and in bytes 4-5 of the instance GUID; it
 * answers at target 1, LUN 0, and target 0 is an empty address; no
 * MULTI_CHANNEL even with scsi_max_subchannels set, and no sub-channels.
 */
static void storvsp_ide_disk(struct kunit *test)
{
	struct sps *s = sps_setup(test, HVG_STOR_VERSION_WIN10, 4);
	struct hvg_vstor_offer_props props;
	struct hvg_chmsg_offer msg = {};
	u8 key;

	storvsp_disk_free(s->disk);
	s->disk = storvsp_disk_alloc(1, true);
	KUNIT_ASSERT_NOT_NULL(test, s->disk);
	s->sc.disk = s->disk;
	s->ch.svc = &hvg_lh_storvsp_ide_service;
	KUNIT_EXPECT_TRUE(test, storvsp_is_primary(&s->ch));
	KUNIT_EXPECT_EQ(test, s->disk->present, 1ul);

	guid_gen(&s->ch.instance);
	s->ch.instance.b[5] = 0x7f;
	storvsp_ide_offer(&s->ch, &msg);
	memcpy(&props, msg.user_def, sizeof(props));
	KUNIT_EXPECT_EQ(test, props.flags, (u32)HVG_STOR_OFFER_FLAG_IDE);
	KUNIT_EXPECT_EQ(test, props.path_id, 0);
	KUNIT_EXPECT_EQ(test, props.target_id, 1);
	KUNIT_EXPECT_EQ(test, msg.if_instance.b[4], 1);
	KUNIT_EXPECT_EQ(test, msg.if_instance.b[5], 0);
	KUNIT_EXPECT_TRUE(test, guid_equal(&msg.if_instance, &s->ch.instance));

	sps_expect_no_multichannel(test, s);

	KUNIT_EXPECT_EQ(test, sps_tur_at(test, s, 1, 0, NULL),
			HVG_SRB_STATUS_SUCCESS);
	/* Target 0 is empty: ILLEGAL REQUEST, never INVALID_LUN. */
	KUNIT_EXPECT_EQ(test, sps_tur_at(test, s, 0, 0, &key),
			HVG_SRB_STATUS_ERROR | HVG_SRB_STATUS_AUTOSENSE_VALID);
	KUNIT_EXPECT_EQ(test, key, 0x5);
	KUNIT_EXPECT_EQ(test, sps_tur_at(test, s, 1, 1, NULL),
			HVG_SRB_STATUS_INVALID_LUN);
	sps_teardown(s);
}

static struct kunit_case hvg_storvsp_cases[] = {
	KUNIT_CASE(storvsp_handshake_each_version),
	KUNIT_CASE(storvsp_refuses_every_version),
	KUNIT_CASE(storvsp_no_subchannels),
	KUNIT_CASE(storvsp_out_of_order_refused),
	KUNIT_CASE(storvsp_bad_packets_refused),
	KUNIT_CASE(storvsp_gpa_direct_io),
	KUNIT_CASE(storvsp_lun_hotplug),
	KUNIT_CASE(storvsp_ide_disk),
	{}
};

static struct kunit_suite hvg_storvsp_suite = {
	.name = "hvg_storvsp",
	.test_cases = hvg_storvsp_cases,
};

kunit_test_suite(hvg_storvsp_suite);
