// SPDX-License-Identifier: GPL-2.0
/*
 * Wire layout and GUID handling. The structs in include/hvguest carry
 * static_asserts on their sizes and offsets; these cases go one step further
 * and read hand-built bytes, laid out as the ABI fact sheet describes them,
 * through the structs, so a wrong field type or byte order also shows.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include <hvguest/vmbus_proto.h>
#include <hvguest/vmbus.h>

static void put_le16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put_le32(u8 *p, u32 v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

static void put_le64(u8 *p, u64 v)
{
	put_le32(p, lower_32_bits(v));
	put_le32(p + 4, upper_32_bits(v));
}

/* A packet descriptor built byte by byte: type, offset8, len8, flags, id. */
static void wire_packet_desc(struct kunit *test)
{
	struct hvg_vmpacket_desc desc;
	u8 raw[16];

	put_le16(raw + 0, HVG_PKT_DATA_INBAND);
	put_le16(raw + 2, 2);
	put_le16(raw + 4, 7);
	put_le16(raw + 6, HVG_PKT_FLAG_COMPLETION_REQUESTED);
	put_le64(raw + 8, 0x1122334455667788ULL);
	memcpy(&desc, raw, sizeof(desc));

	KUNIT_EXPECT_EQ(test, desc.type, 6);
	KUNIT_EXPECT_EQ(test, desc.offset8, 2);
	KUNIT_EXPECT_EQ(test, desc.len8, 7);
	KUNIT_EXPECT_EQ(test, desc.flags, 1);
	KUNIT_EXPECT_EQ(test, desc.trans_id, 0x1122334455667788ULL);
}

/* The ring header page: indices first, feature bits at byte 64. */
static void wire_ring_hdr(struct kunit *test)
{
	struct hvg_ring_hdr *hdr;
	u8 *raw;

	raw = kunit_kzalloc(test, HVG_RING_HDR_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	put_le32(raw + 0, 0x100);
	put_le32(raw + 4, 0x80);
	put_le32(raw + 8, 1);
	put_le32(raw + 12, 4096);
	put_le32(raw + 64, HVG_RING_FEAT_PENDING_SEND_SZ);
	hdr = (struct hvg_ring_hdr *)raw;

	KUNIT_EXPECT_EQ(test, hdr->write_index, 0x100);
	KUNIT_EXPECT_EQ(test, hdr->read_index, 0x80);
	KUNIT_EXPECT_EQ(test, hdr->interrupt_mask, 1);
	KUNIT_EXPECT_EQ(test, hdr->pending_send_sz, 4096);
	KUNIT_EXPECT_EQ(test, hdr->feature_bits, HVG_RING_FEAT_PENDING_SEND_SZ);
	KUNIT_EXPECT_EQ(test, sizeof(*hdr), (size_t)4096);
}

/* An offer message as the host sends it: 196 bytes, packed. */
static void wire_offer(struct kunit *test)
{
	static const guid_t scsi = HVG_GUID_SCSI;
	struct hvg_chmsg_offer offer;
	u8 raw[196];
	guid_t inst;

	memset(raw, 0, sizeof(raw));
	generate_random_guid(inst.b);
	put_le32(raw + 0, HVG_CHMSG_OFFERCHANNEL);
	memcpy(raw + 8, &scsi, 16);
	memcpy(raw + 24, &inst, 16);
	put_le16(raw + 180, 3);
	put_le32(raw + 184, 0x2a);
	raw[188] = 5;
	raw[189] = 1;
	put_le16(raw + 190, 1);
	put_le32(raw + 192, 0x12345);
	memcpy(&offer, raw, sizeof(offer));

	KUNIT_EXPECT_EQ(test, sizeof(offer), sizeof(raw));
	KUNIT_EXPECT_EQ(test, offer.hdr.msgtype, HVG_CHMSG_OFFERCHANNEL);
	KUNIT_EXPECT_TRUE(test, guid_equal(&offer.if_type, &scsi));
	KUNIT_EXPECT_TRUE(test, guid_equal(&offer.if_instance, &inst));
	KUNIT_EXPECT_EQ(test, offer.sub_channel_index, 3);
	KUNIT_EXPECT_EQ(test, offer.child_relid, 0x2a);
	KUNIT_EXPECT_EQ(test, offer.monitorid, 5);
	KUNIT_EXPECT_EQ(test, offer.monitor_flags, 1);
	KUNIT_EXPECT_EQ(test, offer.interrupt_flags, 1);
	KUNIT_EXPECT_EQ(test, offer.connection_id, 0x12345);
}

/*
 * GUIDs travel in the mixed-endian wire form: the first three groups little
 * endian. The device name (sysfs, %pUl) is the textual form; the modalias is
 * the 16 wire bytes in hex.
 */
static void guid_wire_and_text(struct kunit *test)
{
	static const guid_t net = HVG_GUID_NETWORK;
	static const u8 wire[16] = {
		0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,
		0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e,
	};
	char text[UUID_STRING_LEN + 1];
	guid_t parsed;

	KUNIT_EXPECT_EQ(test, memcmp(net.b, wire, sizeof(wire)), 0);

	snprintf(text, sizeof(text), "%pUl", &net);
	KUNIT_EXPECT_STREQ(test, text, "f8615163-df3e-46c5-913f-f2d2f965ed0e");

	KUNIT_ASSERT_EQ(test, guid_parse(text, &parsed), 0);
	KUNIT_EXPECT_TRUE(test, guid_equal(&parsed, &net));
	KUNIT_EXPECT_NE(test, guid_parse("f8615163-df3e-46c5-913f-f2d2f965ed0", &parsed), 0);
}

static void guid_modalias(struct kunit *test)
{
	static const guid_t scsi = HVG_GUID_SCSI;
	static const guid_t net = HVG_GUID_NETWORK;
	char alias[HVG_MODALIAS_LEN];

	hvg_vmbus_modalias(&scsi, alias);
	KUNIT_EXPECT_STREQ(test, alias, "vmbus:d96361baa104294db60572e2ffb1dc7f");
	KUNIT_EXPECT_EQ(test, strlen(alias), (size_t)HVG_MODALIAS_LEN - 1);

	hvg_vmbus_modalias(&net, alias);
	KUNIT_EXPECT_STREQ(test, alias, "vmbus:635161f83edfc546913ff2d2f965ed0e");
}

static struct kunit_case hvg_wire_cases[] = {
	KUNIT_CASE(wire_packet_desc),
	KUNIT_CASE(wire_ring_hdr),
	KUNIT_CASE(wire_offer),
	KUNIT_CASE(guid_wire_and_text),
	KUNIT_CASE(guid_modalias),
	{}
};

static struct kunit_suite hvg_wire_suite = {
	.name = "hvg_wire",
	.test_cases = hvg_wire_cases,
};

kunit_test_suite(hvg_wire_suite);
