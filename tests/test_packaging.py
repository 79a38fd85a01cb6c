"""The packaging rules, checked without building: what the bundle keeps, how the smoke test
judges a run, the size report, the icon files and the Linux desktop entry. The build itself,
its size limit and the smoke test of the real bundle run in .ci/run."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import struct
import sys
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pygments.lexers
import pytest
from PySide6.QtGui import QImage

from app import __version__
from tests.conftest import PROJECT_ROOT

PACKAGING = PROJECT_ROOT / "packaging"
ICONS = PROJECT_ROOT / "resources" / "icons"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"lattice_packaging_{name}", PACKAGING / f"{name}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bundle_filter = load("bundle_filter")
smoke = load("smoke")
build = load("build")
make_icon = load("make_icon")

QT = "PySide6/Qt/"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        (QT + "plugins/platforms/libqxcb.so", True),
        (QT + "plugins/platforms/libqwayland.so", True),
        (QT + "plugins/platforms/libqoffscreen.so", True),
        (QT + "plugins/platforms/qwindows.dll", True),
        (QT + "plugins/platforms/libqcocoa.dylib", True),
        (QT + "plugins/platforms/libqvnc.so", False),
        (QT + "plugins/platformthemes/libqxdgdesktopportal.so", True),
        (QT + "plugins/platformthemes/libqgtk3.so", False),
        (QT + "plugins/imageformats/libqsvg.so", False),
        (QT + "plugins/iconengines/libqsvgicon.so", False),
        (QT + "plugins/tls/libqopensslbackend.so", False),
        (QT + "plugins/wayland-decoration-client/libadwaita.so", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", False),
        ("PySide6/QtWidgets.abi3.so", True),
        ("libpython3.11.so.1.0", True),
    ],
)
def test_only_the_plugins_lattice_uses_are_kept(name: str, kept: bool) -> None:
    assert bundle_filter.keep_plugin(name) is kept
    assert bundle_filter.keep_plugin(name.replace("/", os.sep)) is kept


def test_translations_are_dropped_and_content_kept() -> None:
    datas = [
        (QT + "translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
        ("content/areas.yaml", "/repo/content/areas.yaml", "DATA"),
        ("resources/icons/lattice.png", "/repo/resources/icons/lattice.png", "DATA"),
    ]
    _binaries, kept = bundle_filter.trim([], datas)
    assert [entry[0] for entry in kept] == ["content/areas.yaml", "resources/icons/lattice.png"]


def test_libraries_only_a_dropped_plugin_needed_go_with_it() -> None:
    links = {
        "/src/QtWidgets.so": ["libQt6Widgets.so.6", "libQt6Core.so.6"],
        "/src/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
        "/src/libQt6Gui.so.6": ["libQt6DBus.so.6"],
        "/src/libqgtk3.so": ["libgtk-3.so.0", "libQt6Gui.so.6"],
        "/src/libgtk-3.so.0": ["libpango-1.0.so.0"],
        "/src/libqsvgicon.so": ["libQt6Svg.so.6"],
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.so", "EXTENSION"),
        (QT + "lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        (QT + "lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        (QT + "lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
        (QT + "lib/libQt6DBus.so.6", "/src/libQt6DBus.so.6", "BINARY"),
        (QT + "lib/libQt6Svg.so.6", "/src/libQt6Svg.so.6", "BINARY"),
        (QT + "plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        (QT + "plugins/iconengines/libqsvgicon.so", "/src/libqsvgicon.so", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libpango-1.0.so.0", "/src/libpango-1.0.so.0", "BINARY"),
        ("libdbus-1.so.3", "/src/libdbus-1.so.3", "BINARY"),  # dlopen'ed by Qt DBus
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),  # the bootloader's
        ("libQt6Svg.so.6", QT + "lib/libQt6Svg.so.6", "SYMLINK"),
        ("libQt6Core.so.6", QT + "lib/libQt6Core.so.6", "SYMLINK"),
    ]
    kept, _datas = bundle_filter.trim(binaries, [], lambda source: links.get(source, []))
    names = {entry[0] for entry in kept}
    assert names == {
        "PySide6/QtWidgets.abi3.so",
        QT + "lib/libQt6Widgets.so.6",
        QT + "lib/libQt6Gui.so.6",
        QT + "lib/libQt6Core.so.6",
        QT + "lib/libQt6DBus.so.6",
        "libdbus-1.so.3",
        "libpython3.11.so.1.0",
        "libQt6Core.so.6",
    }


def test_unused_heavy_modules_are_excluded() -> None:
    for module in (
        "numpy",
        "PySide6.QtNetwork",
        "PySide6.QtQml",
        "tkinter",
        "mypy",
        "pytest",
        "zstandard._cffi",
    ):
        assert module in bundle_filter.EXCLUDED_MODULES


def test_pydantic_1_api_is_excluded_and_nothing_imports_it() -> None:
    assert "pydantic.v1" in bundle_filter.EXCLUDED_MODULES
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        assert "pydantic.v1" not in path.read_text(encoding="utf-8"), path


PYGMENTS_LEXERS = Path(pygments.lexers.__file__).parent


def test_rare_languages_lexers_are_left_out_and_what_kept_ones_import_stays() -> None:
    left_out = set(bundle_filter.lexers_left_out(PYGMENTS_LEXERS))
    assert {"pygments.lexers.esoteric", "pygments.lexers.int_fiction"} <= left_out
    for kept in ("python", "c_like", "sql", "_mapping", "special", "templates"):
        assert f"pygments.lexers.{kept}" not in left_out
    # A kept module's imports stay too: CSS's word lists, the lexers Jinja templates embed.
    assert "pygments.lexers._css_builtins" not in left_out
    assert "pygments.lexers.javascript" not in left_out
    assert len(left_out) > 150


def test_every_language_the_content_highlights_keeps_its_lexer() -> None:
    """A code fence in the bundled content in a language whose lexer the bundle leaves out
    would show as plain code."""
    from pygments.lexers import get_lexer_by_name

    left_out = set(bundle_filter.lexers_left_out(PYGMENTS_LEXERS))
    languages = {
        fence.split()[0]
        for path in (PROJECT_ROOT / "content").rglob("*.md")
        for fence in re.findall(r"^```([\w#+-][^\n]*)$", path.read_text(encoding="utf-8"), re.M)
        if fence.split()[0] != "card"  # the content format's card block, not code
    }
    assert "python" in languages
    for language in languages:
        assert get_lexer_by_name(language).__module__ not in left_out, language


def test_kept_lexer_modules_all_exist() -> None:
    present = {path.stem for path in PYGMENTS_LEXERS.glob("*.py")}
    assert set(bundle_filter.HIGHLIGHTED_LEXER_MODULES) <= present


def outcome(returncode: int = 0, stdout: str = "", stderr: str = "") -> object:
    return smoke.Outcome("lattice self-test", returncode, stdout, stderr)


def test_smoke_accepts_a_clean_run_and_catches_each_kind_of_failure() -> None:
    good = "self-test ok: 5 screens, 479 cards\n"
    assert smoke.problems_in(outcome(stdout=good), smoke.expect_self_test) == []
    failures = {
        "exit status 1": outcome(1, good),
        "Qt message": outcome(stdout=good, stderr="[qt-warning] qt.qpa.fonts: no fonts\n"),
        "Qt message: Qt warning": outcome(1, good, "Qt warning: QPainter::end\n"),
        "a Python traceback": outcome(
            stdout=good, stderr='Traceback (most recent call last):\n  File "x"\nKeyError: 1\n'
        ),
        "output on stderr": outcome(stdout=good, stderr="Fontconfig error: no config\n"),
        "expected 'self-test ok": outcome(stdout="self-test ok: 5 screens, 0 cards\n"),
    }
    for expected, run in failures.items():
        problems = smoke.problems_in(run, smoke.expect_self_test)
        assert any(expected in problem for problem in problems), (expected, problems)


def test_smoke_checks_json_and_content_counts() -> None:
    check = smoke.expect_json("areas", "cards")
    assert check('{"areas": [1], "cards": [2]}') is None
    assert "empty cards" in check('{"areas": [1], "cards": []}')
    assert "lacks" in check('{"areas": [1]}')
    assert "not JSON" in check("12 areas")
    assert smoke.expect_check_content("12 areas, 139 concepts, 479 cards\n") is None
    assert smoke.expect_check_content("0 areas, 0 concepts, 0 cards\n")
    assert smoke.expect_version("Lattice 0.1.0\n") is None
    assert smoke.expect_version("usage: lattice ...\n")
    assert smoke.expect_backup("backed up to /d/backups/lattice-1.sqlite3.zst (12 KiB)\n") is None
    assert smoke.expect_backup("lattice backup: the backup failed and was removed: ...\n")


def test_size_report_counts_files_and_links_and_enforces_the_limit(tmp_path: Path) -> None:
    bundle = tmp_path / "lattice"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    (bundle / "lattice").write_bytes(b"x" * 1000)
    (bundle / "_internal" / "PySide6" / "libQt6Core.so.6").write_bytes(b"x" * 3_000_000)
    (bundle / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/libQt6Core.so.6")
    total, parts, files = build.folder_size(bundle)
    assert parts["PySide6"] == 3_000_000
    assert files["_internal/PySide6/libQt6Core.so.6"] == 3_000_000
    assert 3_001_000 <= total < 3_001_100  # the link counts as a link, not a second copy
    within, report = build.size_report(bundle, 150)
    assert within and "limit 150 MB" in report and "PySide6" in report
    largest = report.split("largest files:\n")[1].splitlines()
    assert largest[0].endswith("_internal/PySide6/libQt6Core.so.6")
    assert build.size_report(bundle, 2)[0] is False


def test_the_icon_files_hold_every_size(qapp: object) -> None:
    png = QImage(str(ICONS / "lattice.png"))
    assert (png.width(), png.height()) == (512, 512)
    assert png.hasAlphaChannel()
    assert png.pixelColor(0, 0).alpha() == 0  # rounded corners are transparent
    assert png.pixelColor(256, 256).alpha() == 255

    ico = (ICONS / "lattice.ico").read_bytes()
    _reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (kind, count) == (1, len(make_icon.ICO_SIZES))
    sides = {struct.unpack("<B", ico[6 + 16 * i : 7 + 16 * i])[0] or 256 for i in range(count)}
    assert sides == set(make_icon.ICO_SIZES)

    icns = (ICONS / "lattice.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    for kind in make_icon.ICNS_TYPES.values():
        assert kind in icns


def test_the_committed_icon_is_what_the_script_draws(qapp: object) -> None:
    drawn = QImage.fromData(make_icon.render(512))
    committed = QImage(str(ICONS / "lattice.png"))
    for x in range(0, 512, 16):  # antialiasing may differ slightly between Qt versions
        for y in range(0, 512, 16):
            a, b = drawn.pixelColor(x, y), committed.pixelColor(x, y)
            assert (
                abs(a.red() - b.red()) + abs(a.blue() - b.blue()) + abs(a.alpha() - b.alpha()) < 24
            )


def test_desktop_entry_launches_lattice_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PACKAGING / "lattice.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Lattice"
    assert entry["Exec"] == "lattice %f"  # a file manager passes the .apkg to open
    assert entry["Icon"] == "lattice"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Education;ComputerScience;"  # one main category
    assert entry["MimeType"] == "application/x-apkg;"


def test_the_apkg_type_the_desktop_entry_opens_is_defined() -> None:
    mime = "{http://www.freedesktop.org/standards/shared-mime-info}"
    root = ElementTree.parse(PACKAGING / "lattice-mime.xml").getroot()
    (kind,) = root.findall(f"{mime}mime-type")
    assert kind.get("type") == "application/x-apkg"
    assert [glob.get("pattern") for glob in kind.findall(f"{mime}glob")] == ["*.apkg"]


def test_the_appstream_metainfo_matches_the_app() -> None:
    root = ElementTree.parse(PACKAGING / "org.lattice.Lattice.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == "org.lattice.Lattice"
    assert root.findtext("launchable") == "lattice.desktop"
    assert (PACKAGING / "lattice.desktop").is_file()
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("provides/binary") == "lattice"
    assert root.findtext("provides/mediatype") == "application/x-apkg"
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == __version__


def test_spec_takes_content_and_resources_from_the_repository_root() -> None:
    spec = (PACKAGING / "lattice.spec").read_text()
    assert 'ROOT / "content"), "content"' in spec
    assert '(str(ICONS), "resources/icons")' in spec  # not the README's screenshots
    assert 'ICONS = ROOT / "resources" / "icons"' in spec
    assert 'name="lattice"' in spec
