"""Reading the few protobuf messages newer Anki packages hold (a note type's template
config, the media list), field by field.

Two small messages do not justify the protobuf runtime in the bundle; the wire format's
reading rules are short. Every length is checked against the data, so a hostile package
raises ValueError instead of reading past its end.
"""

from __future__ import annotations

from collections.abc import Iterator


def varint(data: bytes, at: int) -> tuple[int, int]:
    """The base-128 number at `at`, and where the next field starts."""
    value = shift = 0
    while at < len(data) and shift < 64:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        shift += 7
        if not byte & 0x80:
            return value, at
    raise ValueError("a truncated number")


def fields(data: bytes) -> Iterator[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) of one message: numbers for wire type 0, bytes for
    wire type 2 (strings and nested messages); fixed-size fields are skipped."""
    at = 0
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = varint(data, at)
            yield number, wire, value
        elif wire == 2:
            length, at = varint(data, at)
            if at + length > len(data):
                raise ValueError("a truncated field")
            yield number, wire, data[at : at + length]
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise ValueError(f"an unknown field type {wire}")


def strings(data: bytes, numbers: tuple[int, ...]) -> dict[int, str]:
    """The string fields `numbers` of a message ("" when absent)."""
    found = dict.fromkeys(numbers, "")
    for number, wire, value in fields(data):
        if number in found and wire == 2 and isinstance(value, bytes):
            found[number] = value.decode("utf-8", "replace")
    return found
