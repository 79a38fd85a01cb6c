"""A slim ICU data library for the Linux bundle: the largest single part, cut from 31 MB.

Qt Core links against ICU, and PySide6's wheels ship ICU's full data library
(`libicudata.so.NN`): every locale's names, currencies, units, time zones, transliterators,
break rules and some 200 legacy converters. Lattice is English only and Qt uses ICU for
little beyond collation, case mapping and legacy text codecs, so the spec swaps in a
library holding only the items listed in `keep_item` (about 2 MB): the core property and
normalisation files, converter aliases, the root and English locale bundles and the root
collation. A lookup of anything left out fails inside ICU with an error code, which Qt
handles; nothing in Lattice asks for one.

The data library is a single symbol (`icudtNN_dat`) holding a "common data" package: a
header, a table of contents of (name offset, data offset) pairs, the item names and the
items, each 16-byte aligned. This module reads that package out of the ELF file, keeps the
chosen items, and links a new library with the same soname and symbol (needs gcc).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ALIGNMENT = 16
SHT_DYNSYM = 11
# Locale bundles kept at the top level and in coll/: the root, English and the indexes
# and shared key pool they need.
KEPT_BUNDLES = {
    "root.res",
    "res_index.res",
    "pool.res",
    "en.res",
    "en_US.res",
    "en_US_POSIX.res",
    "likelySubtags.res",
    "metadata.res",
}
KEPT_COLLATION = {"root.res", "res_index.res", "ucadata.icu", "en.res", "en_US.res"}
DROPPED_TOP = {"unames.icu"}  # Unicode character names (300 KB), for u_charName only


@dataclass(frozen=True)
class Package:
    header: bytes  # everything before the table of contents, copied as it is
    items: list[tuple[str, bytes]]  # (name, e.g. "icudt73l/coll/root.res"; data), sorted


def keep_item(name: str) -> bool:
    """True for the ICU data items the bundle keeps (see the module's docstring)."""
    parts = PurePosixPath(name).parts[1:]  # drop the "icudt73l" prefix
    if len(parts) == 1:
        (file,) = parts
        if file in DROPPED_TOP:
            return False
        return file.endswith((".icu", ".nrm")) or file in KEPT_BUNDLES
    return len(parts) == 2 and parts[0] == "coll" and parts[1] in KEPT_COLLATION


def data_symbol(library: bytes) -> tuple[str, bytes]:
    """The name and bytes of the `icudtNN_dat` symbol of a 64-bit little-endian ELF file."""
    if library[:5] != b"\x7fELF\x02" or library[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    (section_offset,) = struct.unpack_from("<Q", library, 0x28)
    entry_size, count = struct.unpack_from("<HH", library, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", library, section_offset + i * entry_size)
        for i in range(count)
    ]
    for section in sections:
        if section[1] != SHT_DYNSYM:
            continue
        strings = sections[section[6]][4]
        for offset in range(section[4], section[4] + section[5], 24):
            name_at, _info, _other, index, value, size = struct.unpack_from(
                "<IBBHQQ", library, offset
            )
            start = strings + name_at
            name = library[start : library.index(b"\0", start)].decode()
            if name.startswith("icudt") and name.endswith("_dat") and size:
                home = sections[index]
                file_offset = value - home[3] + home[4]
                return name, library[file_offset : file_offset + size]
    raise ValueError("no icudtNN_dat symbol: not an ICU data library")


def read_package(data: bytes) -> Package:
    (header_size,) = struct.unpack_from("<H", data, 0)
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    (count,) = struct.unpack_from("<I", data, header_size)
    entries = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    ends = [offset for _name, offset in entries[1:]] + [len(data) - header_size]
    items = []
    for (name_at, offset), end in zip(entries, ends, strict=True):
        start = header_size + name_at
        name = data[start : data.index(b"\0", start)].decode("ascii")
        items.append((name, data[header_size + offset : header_size + end]))
    return Package(data[:header_size], items)


def write_package(package: Package) -> bytes:
    """The package as ICU reads it. Names stay in their original (sorted) order: ICU
    finds an item by binary search over them."""
    header = package.header
    count = len(package.items)
    names = b""
    name_offsets = []
    for name, _data in package.items:
        name_offsets.append(4 + 8 * count + len(names))
        names += name.encode("ascii") + b"\0"
    body = bytearray()
    position = 4 + 8 * count + len(names)
    data_offsets = []
    for _name, data in package.items:
        padding = -(len(header) + position) % ALIGNMENT
        body += b"\xaa" * padding  # ICU's own padding byte
        position += padding
        data_offsets.append(position)
        body += data
        position += len(data)
    table = struct.pack("<I", count) + b"".join(
        struct.pack("<II", name_at, data_at)
        for name_at, data_at in zip(name_offsets, data_offsets, strict=True)
    )
    return header + table + names + bytes(body)


def slim_package(data: bytes) -> bytes:
    package = read_package(data)
    kept = [(name, item) for name, item in package.items if keep_item(name)]
    return write_package(Package(package.header, kept))


def soname_of(library: Path) -> str:
    """`libicudata.so.73` for `.../libicudata.so.73.2` or `.../libicudata.so.73`."""
    name = library.name
    stem, _, version = name.partition(".so.")
    return f"{stem}.so.{version.split('.')[0]}" if version else name


def build_slim_library(original: Path, out_dir: Path, compiler: str = "gcc") -> Path:
    """Link a copy of `original` that holds only the kept items; returns its path."""
    if shutil.which(compiler) is None:
        raise RuntimeError(
            f"{compiler} is needed to build the slim ICU data library (apt-get install gcc)"
        )
    symbol, data = data_symbol(original.read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    soname = soname_of(original)
    target = out_dir / soname
    with tempfile.TemporaryDirectory(prefix="icu-data-") as tmp:
        blob = Path(tmp) / "data.bin"
        blob.write_bytes(slim_package(data))
        source = Path(tmp) / "data.c"
        source.write_text(
            "__asm__(\n"
            '  ".section .rodata\\n"\n'
            f'  ".balign {ALIGNMENT}\\n"\n'
            f'  ".globl {symbol}\\n"\n'
            f'  ".type {symbol}, @object\\n"\n'
            f'  "{symbol}:\\n"\n'
            f'  ".incbin \\"{blob.as_posix()}\\"\\n"\n'
            f'  ".size {symbol}, . - {symbol}\\n"\n'
            ");\n"
        )
        subprocess.run(
            [
                compiler,
                "-shared",
                "-nostdlib",
                "-fPIC",
                f"-Wl,-soname,{soname}",
                "-o",
                str(target),
                str(source),
            ],
            check=True,
        )
    return target


def replace_in_binaries(
    binaries: list[tuple[str, str, str]], out_dir: Path
) -> list[tuple[str, str, str]]:
    """The spec's binaries with each ICU data library swapped for its slim copy."""
    replaced = []
    for name, source, kind in binaries:
        if kind == "BINARY" and PurePosixPath(name.replace("\\", "/")).name.startswith(
            "libicudata.so"
        ):
            source = str(build_slim_library(Path(source), out_dir))
        replaced.append((name, source, kind))
    return replaced
