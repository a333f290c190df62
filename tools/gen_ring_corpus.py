#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of ring_fuzz (tools/corpus/ring_fuzz/).

Each seed is one input in the layout ring_fuzz.c documents: a 33-byte
header (inbound write/read index, interrupt_mask, pending_send_sz,
feature_bits, outbound read and write index, private buffer length, write
length, flags) followed by the inbound data area.
"""
import os
import struct

SIZE = 4096
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "corpus", "ring_fuzz")


def packet(start, ptype, flags, tid, ext, payload):
    hdr = 16 + ext
    total = (hdr + len(payload) + 7) & ~7
    body = struct.pack("<HHHHQ", ptype, hdr // 8, total // 8, flags, tid)
    body += bytes(ext) + payload
    body += bytes(total - len(body))
    return body + struct.pack("<Q", start << 32)


def place(packets, start=0):
    """Lay packets out from start, wrapping; return (data, end index)."""
    data = bytearray(SIZE)
    pos = start
    for p in packets:
        for i, b in enumerate(packet(pos % SIZE, *p)):
            data[(pos + i) % SIZE] = b
        pos = (pos + len(packet(0, *p))) % SIZE
    return bytes(data), pos


def seed(name, data, w, r, mask=0, pending=0, feat=1, out_r=0, flags=0,
         out_w=0, buflen=4096, wlen=100):
    head = struct.pack("<IIIIIII", w, r, mask, pending, feat, out_r, out_w)
    head += struct.pack("<HHB", buflen, wlen, flags)
    assert len(head) == 33
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(head + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    one = [(6, 1, 7, 0, b"hello, ring")]
    mix = [(11, 0, 1, 0, b""), (6, 1, 2, 0, bytes(range(200))),
           (9, 1, 3, 24, b"x" * 64), (7, 0, 4, 16, b"y" * 13)]
    data, end = place(one)
    seed("one-packet", data, end, 0)
    data, end = place(mix)
    seed("mixed-types", data, end, 0, flags=3, buflen=300)
    data, end = place(mix, SIZE - 8)
    seed("wrapped", data, end, SIZE - 8, pending=64, out_r=16, out_w=8)
    data, end = place([(6, 0, i, 0, bytes(i * 7)) for i in range(40)])
    seed("many", data, end, 0, pending=2000, flags=1)
    data, end = place(one)
    seed("short-len8", data[:4] + b"\x01\x00" + data[6:], end, 0)
    seed("bad-offset8", data[:2] + b"\x09\x00" + data[4:], end, 0)
    seed("overrun", data, end - 8, 0)
    seed("bad-write-index", data, SIZE + 8, 0)
    seed("misaligned", data, end + 4, 0, out_r=12)
    seed("small-buffer", data, end, 0, buflen=16, wlen=4000)
    # Packets longer than the 48-byte buffer among ones that fit: the
    # drain loop drops them (flags bits 2, 3 clear) or takes them.
    data, end = place(mix)
    seed("oversize-drop", data, end, 0, buflen=48)
    seed("oversize-take", data, end, 0, buflen=48, flags=12)


if __name__ == "__main__":
    main()
