import os, sys
# A 12-megapixel picture for the photo benchmark: smooth gradients with a little texture (never a person), as Y4M for
# heif-enc (4:2:0).
w, h = 4032, 3024
out = open(sys.argv[1], 'wb')
out.write(b'YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\nFRAME\n' % (w, h))
mask = int.from_bytes(b'\x1f' * w, 'big')
for y in range(h):
    base = bytes(((x * 160) // w + (y * 60) // h) for x in range(0, w))
    noise = int.from_bytes(os.urandom(w), 'big') & mask
    out.write((int.from_bytes(base, 'big') + noise).to_bytes(w, 'big'))
cw, ch = w // 2, h // 2
for plane in (90, 160):
    row = bytes(((plane + (x * 40) // cw) & 0xff) for x in range(cw))
    for y in range(ch):
        out.write(row)
