"""A real PNG made from scratch, base64 encoded as Jupyter stores plots (for the sanitiser's tests)."""

from __future__ import annotations

import base64
import struct
import zlib


def tiny_png(width: int = 2, height: int = 2) -> str:
    """A grey ``width`` x ``height`` PNG, base64 encoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()
