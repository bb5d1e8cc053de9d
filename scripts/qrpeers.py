#!/usr/bin/python3
"""Decode a QR corpus (cmd/mkqrcorpus) with the peer decoders and print JSON.

Peers: Debian's zxing-cpp (python3-zxing-cpp) and zbar (libzbar0, the
library zbarimg uses, called through ctypes so that image loading and
process start are not counted). Each decoder reads the frame's luminance
plane (NAME.pgm), the same pixels our decoder gets from NAME.jpg; only QR is
enabled. CPU time is this process's, around the decode call alone.

usage: qrpeers.py CORPUS_DIR [--frames]
"""
import ctypes
import ctypes.util
import json
import os
import sys
import time

import numpy
import zxingcpp


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    # P5\nW H\n255\n
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


class Zbar:
    ZBAR_QRCODE = 64
    ZBAR_NONE = 0
    ZBAR_CFG_ENABLE = 0
    ZBAR_CFG_BINARY = 4  # raw bytes: zbar's charset guess turns some UTF-8 into Shift JIS

    def __init__(self):
        name = ctypes.util.find_library("zbar") or "libzbar.so.0"
        z = ctypes.CDLL(name)
        z.zbar_image_scanner_create.restype = ctypes.c_void_p
        z.zbar_image_scanner_set_config.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
        z.zbar_image_create.restype = ctypes.c_void_p
        z.zbar_image_set_format.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        z.zbar_image_set_size.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint]
        z.zbar_image_set_data.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
        z.zbar_scan_image.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        z.zbar_image_first_symbol.restype = ctypes.c_void_p
        z.zbar_image_first_symbol.argtypes = [ctypes.c_void_p]
        z.zbar_symbol_next.restype = ctypes.c_void_p
        z.zbar_symbol_next.argtypes = [ctypes.c_void_p]
        z.zbar_symbol_get_data.restype = ctypes.c_void_p
        z.zbar_symbol_get_data.argtypes = [ctypes.c_void_p]
        z.zbar_symbol_get_data_length.restype = ctypes.c_uint
        z.zbar_symbol_get_data_length.argtypes = [ctypes.c_void_p]
        z.zbar_image_destroy.argtypes = [ctypes.c_void_p]
        self.z = z
        self.scanner = z.zbar_image_scanner_create()
        z.zbar_image_scanner_set_config(self.scanner, self.ZBAR_NONE, self.ZBAR_CFG_ENABLE, 0)
        z.zbar_image_scanner_set_config(self.scanner, self.ZBAR_QRCODE, self.ZBAR_CFG_ENABLE, 1)
        z.zbar_image_scanner_set_config(self.scanner, self.ZBAR_QRCODE, self.ZBAR_CFG_BINARY, 1)
        self.y800 = int.from_bytes(b"Y800", "little")

    def decode(self, w, h, pix):
        z = self.z
        img = z.zbar_image_create()
        z.zbar_image_set_format(img, self.y800)
        z.zbar_image_set_size(img, w, h)
        buf = ctypes.create_string_buffer(pix, len(pix))
        z.zbar_image_set_data(img, buf, len(pix), None)
        texts = []
        if z.zbar_scan_image(self.scanner, img) > 0:
            sym = z.zbar_image_first_symbol(img)
            while sym:
                n = z.zbar_symbol_get_data_length(sym)
                texts.append(ctypes.string_at(z.zbar_symbol_get_data(sym), n))
                sym = z.zbar_symbol_next(sym)
        z.zbar_image_destroy(img)
        return texts


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    corpus = sys.argv[1]
    per_frame = "--frames" in sys.argv[2:]
    with open(os.path.join(corpus, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    zbar = Zbar()
    fmt = zxingcpp.BarcodeFormat.QRCode

    def zx(w, h, pix):
        arr = numpy.frombuffer(pix, dtype=numpy.uint8).reshape(h, w)
        r = zxingcpp.read_barcode(arr, formats=fmt)
        return [r.text.encode("utf-8")] if r is not None and r.valid else []

    def zb(w, h, pix):
        return zbar.decode(w, h, pix)

    out = {}
    frames = {}
    for label, dec in (("zxing-cpp", zx), ("zbar", zb)):
        s = {"frames": 0, "decoded": 0, "wrong": 0, "cpu_s": 0.0,
             "code_frames": 0, "failed_frames": 0, "failed_cpu_s": 0.0,
             "empty_frames": 0, "empty_cpu_s": 0.0}
        for e in manifest:
            w, h, pix = read_pgm(os.path.join(corpus, e["pgm"]))
            t0 = time.process_time()
            texts = dec(w, h, pix)
            cpu = time.process_time() - t0
            want = e["Payload"].encode("utf-8")
            s["frames"] += 1
            s["cpu_s"] += cpu
            ok = bool(want) and want in texts
            if want:
                s["code_frames"] += 1
                if ok:
                    s["decoded"] += 1
                else:
                    s["failed_frames"] += 1
                    s["failed_cpu_s"] += cpu
                    if texts:
                        s["wrong"] += 1
            else:
                s["empty_frames"] += 1
                s["empty_cpu_s"] += cpu
            frames.setdefault(e["Name"], {})[label] = ok
        out[label] = s
    if per_frame:
        out["per_frame"] = frames
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
