"""Zip packages that come out byte-identical for the same content: members in the given order,
a fixed timestamp, fixed permissions."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def xml_bytes(root: ET.Element, default_namespace: str | None = None) -> bytes:
    """The document; elements built without a namespace are put in ``default_namespace`` by an
    ``xmlns`` on the root (ElementTree's own option refuses unqualified attributes)."""
    if default_namespace:
        root.set("xmlns", default_namespace)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()
