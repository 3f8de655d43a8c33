"""Tiny, valid PNG files made with the standard library, so the demo site has real photos."""

from __future__ import annotations

import hashlib
import struct
import zlib

PHOTO_SIZE = (160, 90)


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """An RGB PNG with a vertical gradient from `top` to `bottom` (a few hundred bytes)."""
    rows = bytearray()
    for y in range(height):
        t = y / max(height - 1, 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows += b"\x00" + pixel * width  # filter type 0, then the row's pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def photo_for(key: str) -> bytes:
    """A deterministic sea-and-sky gradient whose colors depend on `key` (a story slug)."""
    digest = hashlib.sha256(key.encode()).digest()
    top = (120 + digest[0] % 100, 150 + digest[1] % 90, 190 + digest[2] % 60)
    bottom = (10 + digest[3] % 60, 40 + digest[4] % 80, 70 + digest[5] % 90)
    return png(*PHOTO_SIZE, top, bottom)


def logo() -> bytes:
    return png(32, 32, (18, 52, 86), (18, 52, 86))
