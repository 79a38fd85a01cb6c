"""The bundle's slim ICU data library: the package format is read and written faithfully,
and only the items Lattice may need are kept."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import PROJECT_ROOT


def load_icu_data() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "lattice_packaging_icu_data", PROJECT_ROOT / "packaging" / "icu_data.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


icu_data = load_icu_data()
PREFIX = "icudt73l/"


def synthetic_package(items: list[tuple[str, bytes]]) -> bytes:
    header = bytearray(32)
    struct.pack_into("<H", header, 0, 32)
    header[2:4] = b"\xda\x27"
    header[12:16] = b"CmnD"
    return icu_data.write_package(icu_data.Package(bytes(header), items))


def test_a_package_reads_back_as_written() -> None:
    # Items are 16-byte multiples, as ICU's are: padding before an item reads as part of the
    # one before it.
    items = [
        (PREFIX + "a.icu", b"x" * 16),
        (PREFIX + "coll/root.res", b"y" * 32),
        (PREFIX + "z", b""),
    ]
    data = synthetic_package(items)
    assert icu_data.read_package(data).items == items
    odd = icu_data.read_package(synthetic_package([(PREFIX + "a", b"ab"), (PREFIX + "b", b"c")]))
    assert odd.items[0][1].startswith(b"ab") and odd.items[1][1] == b"c"
    table_end = 32 + 4 + 8 * len(items)
    for _name_at, data_at in (
        struct.unpack_from("<II", data, 36 + 8 * i) for i in range(len(items))
    ):
        assert (32 + data_at) % 16 == 0 and 32 + data_at >= table_end  # ICU's alignment


def test_only_the_core_root_and_english_items_are_kept() -> None:
    kept = [
        "cnvalias.icu",
        "uprops.icu",
        "nfkc.nrm",
        "root.res",
        "en.res",
        "pool.res",
        "coll/root.res",
        "coll/ucadata.icu",
    ]
    dropped = [
        "unames.icu",
        "de.res",
        "ibm-943_P15A-2003.cnv",
        "coll/de.res",
        "brkitr/word.brk",
        "zone/en.res",
        "curr/en.res",
        "translit/root.res",
    ]
    assert all(icu_data.keep_item(PREFIX + name) for name in kept)
    assert not any(icu_data.keep_item(PREFIX + name) for name in dropped)


def test_slimming_keeps_the_order_ICU_searches_in() -> None:
    items = [(PREFIX + name, name.encode()) for name in ("coll/root.res", "de.res", "en.res")]
    slim = icu_data.read_package(icu_data.slim_package(synthetic_package(items)))
    assert [name for name, _ in slim.items] == [PREFIX + "coll/root.res", PREFIX + "en.res"]


def test_the_soname_drops_the_minor_version() -> None:
    assert icu_data.soname_of(Path("/x/libicudata.so.73.2")) == "libicudata.so.73"
    assert icu_data.soname_of(Path("/x/libicudata.so.73")) == "libicudata.so.73"


PYSIDE_ICU = sorted(
    (Path(sys.prefix) / "lib").glob("python3*/site-packages/PySide6/Qt/lib/libicudata.so.*")
)


@pytest.mark.skipif(not PYSIDE_ICU, reason="PySide6 ships ICU on Linux only")
def test_the_real_library_round_trips_and_shrinks() -> None:
    symbol, data = icu_data.data_symbol(PYSIDE_ICU[0].read_bytes())
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    package = icu_data.read_package(data)
    assert icu_data.write_package(package) == data  # the writer is ICU's own layout
    slim = icu_data.read_package(icu_data.slim_package(data))
    names = {name.split("/", 1)[1] for name, _ in slim.items}
    assert {"cnvalias.icu", "root.res", "coll/ucadata.icu"} <= names
    assert len(icu_data.write_package(slim)) < len(data) / 10
