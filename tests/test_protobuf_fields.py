"""The protobuf reader for Anki's template configs and media lists: right on real encodings,
and on any bytes at all it either reads or says ValueError (never reads past the end)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.protobuf_fields import fields, strings, varint


def test_reads_strings_numbers_and_nested_messages() -> None:
    # field 1: "Front" (string), field 2: 300 (varint), field 3: a message with field 1 = "x"
    data = b"\x0a\x05Front" + b"\x10\xac\x02" + b"\x1a\x03\x0a\x01x"
    found = list(fields(data))
    assert found == [(1, 2, b"Front"), (2, 0, 300), (3, 2, b"\x0a\x01x")]
    assert strings(data, (1, 4)) == {1: "Front", 4: ""}
    assert varint(b"\xac\x02", 0) == (300, 2)


@pytest.mark.parametrize("data", [b"\x0a\x05Fro", b"\x10\xac", b"\x0f"])
def test_truncated_or_unknown_data_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        list(fields(data))


@given(st.binary(max_size=200))
def test_any_bytes_read_or_raise_value_error(data: bytes) -> None:
    try:
        for _number, wire, value in fields(data):
            assert (wire == 0) == isinstance(value, int)
            assert len(value) <= len(data) if isinstance(value, bytes) else value >= 0
    except ValueError:
        pass
