"""Image files made in memory for upload tests."""

from __future__ import annotations

import struct
import zlib


def png(width: int, height: int, rows: int | None = None, padding: int = 0) -> bytes:
    """A 1-bit grey PNG of ``width`` x ``height``: all-zero pixels compress to
    almost nothing, so a file of a few KB can declare tens of millions of pixels
    (a decompression bomb). ``padding`` adds an ancillary chunk of that many bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" * (1 + (width + 7) // 8)
    pixels = zlib.compress(row * (height if rows is None else rows), 9)
    extra = chunk(b"tEXt", b"c\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + extra
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )
