"""Text of the PDFs our renderer writes, for assertions: content streams decoded through each
subset font's ToUnicode map (reportlab embeds one per subset). Only what reportlab writes is
understood — literal strings shown with Tj after a Tf — which is all the tests need."""

from __future__ import annotations

import base64
import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_FONT_ENTRY = re.compile(rb"/(F\d+(?:\+\d+)?) (\d+) 0 R")


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(pdf)}


def _stream(body: bytes) -> bytes:
    m = _STREAM.search(body)
    if m is None:
        return b""
    data = m.group(1)
    header = body[: m.start()]
    if b"/ASCII85Decode" in header:
        data = base64.a85decode(data.strip().removesuffix(b"~>"), adobe=False)
    if b"/FlateDecode" not in header:
        return data
    try:
        return zlib.decompressobj().decompress(data)
    except zlib.error:
        return data


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i]
        if ch == 0x5C:  # backslash
            nxt = raw[i + 1 : i + 2]
            if nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(0), 8) & 0xFF)
                i += 1 + len(digits.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    objects = _objects(pdf)
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        if (body.lstrip().startswith(b"<<") and b"/Font" in body[:20]) or b"/F1 " in body[:40]:
            for name, ref in _FONT_ENTRY.findall(body):
                font = objects.get(int(ref), b"")
                uni = re.search(rb"/ToUnicode (\d+) 0 R", font)
                maps[name] = _cmap(_stream(objects[int(uni.group(1))])) if uni else {}
    text: list[str] = []
    for body in objects.values():
        content = _stream(body)
        if b" Tf" not in content:
            continue
        current: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+(?:\+\d+)?) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            if token.group(1) is not None:
                current = maps.get(token.group(1), {})
            else:
                raw = _literal(token.group(2))
                text.append("".join(current.get(b, chr(b)) if current else chr(b) for b in raw))
    return "".join(text)
