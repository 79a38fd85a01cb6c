"""What the frozen build leaves out of PySide6, so the bundle stays small.

PyInstaller's Qt hooks collect every plugin of each type a module may use and every Qt
translation. Lattice only needs QtCore, QtGui and QtWidgets, draws with the Fusion style,
loads PNG images natively and is English only, so most of that is dead weight. The spec
applies `trim` to the Analysis' binaries and datas; the rules are plain data so the tests
can check them without building anything.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# One entry of a PyInstaller TOC: (name in the bundle, source path, typecode).
Entry = tuple[str, str, str]

# Python modules of PySide6 and tools that the hooks pull in but Lattice never imports.
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "PySide6.QtNetwork",
    "PySide6.QtDBus",
    "PySide6.QtOpenGL",
    "PySide6.QtSvg",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "mypy",
    "ast_serialize",
    "_pytest",
    "pytest",
    "pytestqt",
    "hypothesis",
    # networkx imports numpy only for algorithms Lattice does not use (the map's force
    # layout is app/domain/spring.py); numpy and its BLAS would add about 40 MB.
    "numpy",
    # No network access and no TLS: hashlib falls back to Python's own SHA and MD5, and
    # OpenSSL (about 5 MB) stays out.
    "ssl",
    "_ssl",
    "_hashlib",
    # SQLAlchemy's hook collects every dialect; Lattice speaks only SQLite.
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.oracle",
    "sqlalchemy.dialects.mssql",
    # The CJK codecs (about 1 MB): Lattice reads and writes only UTF-8, and a lookup of a
    # missing codec is a plain LookupError.
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_multibytecodec",
    # zstandard's CFFI backend (1 MB): its C extension, which it imports first, is bundled.
    "zstandard._cffi",
    "readline",
    "curses",
    "pdb",
    "pydoc",
    "doctest",
    # pydantic's copy of its 1.x API, which only code written for pydantic 1 imports.
    "pydantic.v1",
]

# Pygments lexer modules for the code a card is likely to hold: Python and the languages an
# ML engineer meets beside it (shell, SQL, JSON/YAML, Markdown, C/C++/CUDA, PTX, Rust, Go,
# the JVM's, JavaScript, R, Julia, MATLAB, C#, Ruby, Haskell, Lua, Jinja templates,
# protobuf, GraphQL, config files, diffs, makefiles). The other 200-odd modules (1 MB) stay
# out; a fence in one of their languages shows as plain code (app/services/render.py).
# `special` is plain text, the fallback of every code block.
HIGHLIGHTED_LEXER_MODULES = (
    "python shell sql data json5 markup special c_cpp c_like ptx rust go jvm javascript jsx "
    "r julia matlab dotnet ruby haskell scripting templates dsls graphql configs textfmts "
    "html css diff make mojo graphviz"
).split()

# Plugins kept, by plugin folder: a file stays when its name contains one of the words.
# Folders not listed (image formats, icon engines, styles, TLS, network information,
# EGL devices, ...) are dropped whole.
KEEP_PLUGINS: dict[str, tuple[str, ...]] = {
    # Linux X11 and Wayland, Windows, macOS, and offscreen for the smoke test and tools.
    "platforms": ("qxcb", "qwayland", "qoffscreen", "qwindows", "qcocoa"),
    # The desktop portal reports the system's dark/light preference; gtk3 would pull in GTK.
    "platformthemes": ("qxdgdesktopportal",),
    # Dead keys and input methods, so answers can be typed in any layout.
    "platforminputcontexts": ("compose", "ibus"),
    "xcbglintegrations": ("qxcb",),
    "wayland-shell-integration": ("xdg-shell",),
    "wayland-decoration-client": ("bradient",),
}

PLUGIN_ROOTS = ("PySide6/Qt/plugins/", "PySide6/plugins/")
TRANSLATION_ROOTS = ("PySide6/Qt/translations/", "PySide6/translations/")
# Where linked libraries land; an unreferenced one there is dropped (Linux only, see trim).
PRUNABLE_ROOTS = ("", "PySide6/Qt/lib/")
# Loaded by the bootloader or with dlopen, so no binary in the bundle names them.
ALWAYS_KEEP = ("libpython", "python3", "libdbus-1")

ImportsOf = Callable[[str], Iterable[str]]


def _posix(name: str) -> str:
    return name.replace(os.sep, "/")


def keep_data(name: str) -> bool:
    """False for Qt translations: Lattice's interface is English and loads none."""
    return not _posix(name).startswith(TRANSLATION_ROOTS)


def keep_plugin(name: str) -> bool:
    """True unless `name` is a Qt plugin that no kept plugin folder lists."""
    path = _posix(name)
    root = next((r for r in PLUGIN_ROOTS if path.startswith(r)), None)
    if root is None:
        return True
    folder, _, file_name = path[len(root) :].partition("/")
    words = KEEP_PLUGINS.get(folder)
    return words is not None and any(word in file_name for word in words)


def _prunable(entry: Entry) -> bool:
    name, _source, kind = entry
    path = PurePosixPath(_posix(name))
    folder = "" if str(path.parent) == "." else f"{path.parent}/"
    return kind == "BINARY" and folder in PRUNABLE_ROOTS and not path.name.startswith(ALWAYS_KEEP)


def prune_unlinked(binaries: list[Entry], imports_of: ImportsOf) -> list[Entry]:
    """Drop shared libraries that no kept binary links to, directly or through others.

    Libraries pulled in only for dropped plugins (GTK for the gtk3 theme, Qt Svg for the
    SVG icon engine, Qt OpenGL for EGL) go with them. `imports_of(source)` gives the names
    of the libraries a binary links against.
    """
    by_name: dict[str, Entry] = {}
    for entry in binaries:
        if _prunable(entry):
            by_name[PurePosixPath(_posix(entry[0])).name] = entry
    symlinks = {
        PurePosixPath(_posix(name)).name: PurePosixPath(_posix(target)).name
        for name, target, kind in binaries
        if kind == "SYMLINK"
    }
    needed: set[str] = set()
    queue = [entry for entry in binaries if entry[2] != "SYMLINK" and not _prunable(entry)]
    while queue:
        entry = queue.pop()
        for imported in imports_of(entry[1]):
            base = PurePosixPath(_posix(imported)).name
            base = symlinks.get(base, base)
            if base in by_name and base not in needed:
                needed.add(base)
                queue.append(by_name[base])
    return [
        entry
        for entry in binaries
        if not _prunable(entry) or PurePosixPath(_posix(entry[0])).name in needed
    ]


def drop_dangling_links(
    binaries: list[Entry], datas: list[Entry]
) -> tuple[list[Entry], list[Entry]]:
    """Drop SYMLINK entries whose target (relative to the link) is no longer collected.

    PyInstaller places links in both lists, and a link may point at another link.
    """

    def target(entry: Entry) -> str:
        return _posix(os.path.normpath(os.path.join(os.path.dirname(entry[0]), entry[1])))

    while True:
        present = {_posix(name) for name, _source, _kind in binaries + datas}
        kept_binaries = [e for e in binaries if e[2] != "SYMLINK" or target(e) in present]
        kept_datas = [e for e in datas if e[2] != "SYMLINK" or target(e) in present]
        if len(kept_binaries) + len(kept_datas) == len(binaries) + len(datas):
            return kept_binaries, kept_datas
        binaries, datas = kept_binaries, kept_datas


def _lexers_imported_by(source: str) -> set[str]:
    """The Pygments lexer modules one lexer module's source imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("pygments.lexers."):
                found.add(node.module.split(".")[2])
            elif node.module == "pygments.lexers":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pygments.lexers."):
                    found.add(alias.name.split(".")[2])
    return found


def lexers_left_out(lexers: Path, kept: Iterable[str] = HIGHLIGHTED_LEXER_MODULES) -> list[str]:
    """The dotted names of the lexer modules in Pygments' `lexers` folder that neither the
    `kept` modules nor anything they import (their builtin word lists, the lexers a template
    lexer embeds) needs. `_mapping`, the index of every lexer, always stays."""
    present = {path.stem for path in lexers.glob("*.py")} - {"__init__"}
    needed: set[str] = set()
    queue = [name for name in kept if name in present]
    while queue:
        name = queue.pop()
        if name in needed:
            continue
        needed.add(name)
        source = (lexers / f"{name}.py").read_text(encoding="utf-8")
        queue += sorted((_lexers_imported_by(source) & present) - needed)
    return sorted(f"pygments.lexers.{name}" for name in present - needed - {"_mapping"})


def trim(
    binaries: list[Entry],
    datas: list[Entry],
    imports_of: ImportsOf | None = None,
) -> tuple[list[Entry], list[Entry]]:
    """The binaries and datas worth shipping.

    Pruning libraries by link-time references needs `imports_of`; the spec passes it on
    Linux, where the gtk3 theme would otherwise drag in a dozen desktop libraries.
    """
    kept_binaries = [entry for entry in binaries if keep_plugin(entry[0])]
    if imports_of is not None:
        kept_binaries = prune_unlinked(kept_binaries, imports_of)
    kept_datas = [entry for entry in datas if keep_data(entry[0]) and keep_plugin(entry[0])]
    return drop_dangling_links(kept_binaries, kept_datas)
