"""Media names (property-based): whatever name a package or a card gives, the stored name is
one plain file name inside the media folder, and no reference reaches any other file."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from app.domain.import_rules import safe_markdown
from app.domain.media_names import (
    MediaNameRefused,
    drop_refs,
    escapes_folder,
    is_media_name,
    referenced,
    rename_refs,
    safe_media_name,
)
from app.services import render
from app.services.media import MediaLibrary
from app.storage.media_store import MediaStore
from app.ui import markdown_view
from app.ui.markdown_view import MarkdownView

FAST = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
PIECES = st.sampled_from(
    [
        "..",
        "/",
        "\\",
        ".",
        "a",
        "é",
        "C:",
        "con",
        " ",
        "%2e",
        "%2f",
        "\x00",
        "\n",
        "-",
        "_",
        ".png",
        ".mp3",
        "~",
        "$",
        "*",
        "?",
        "\u202e",
        "ﬁ",
        "A\u030a",
        "😀",
    ]
)
names = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=30).map("".join))


@given(names)
@FAST
def test_a_stored_name_is_one_plain_file_name(raw: str) -> None:
    try:
        name = safe_media_name(raw)
    except MediaNameRefused as refused:
        assert escapes_folder(raw)
        assert "points outside the media folder" in str(refused)
        return
    assert is_media_name(name) and safe_media_name(name) == name
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not name.startswith(".") and 0 < len(name) <= 120
    assert Path("media", name).parent == Path("media")


@given(names)
@FAST
def test_a_name_with_a_folder_part_is_refused_not_renamed(raw: str) -> None:
    if "/" in raw or "\\" in raw or raw in (".", ".."):
        with pytest.raises(MediaNameRefused):
            safe_media_name(raw)


def test_names_read_well() -> None:
    assert safe_media_name("Sigmoid curve (1).PNG") == "Sigmoid-curve-1.png"
    assert safe_media_name("diagram:v2.jpeg") == "diagram-v2.jpeg"
    assert safe_media_name("con.mp3") == "file-con.mp3"
    assert safe_media_name(".hidden.png") == "hidden.png"
    for bad in ("../x.png", "a/b.png", "/etc/passwd", "..", "C:\\x.png", "x\\y.png"):
        with pytest.raises(MediaNameRefused):
            safe_media_name(bad)


@given(names)
@FAST
def test_the_store_never_returns_a_file_outside_its_folder(tmp_path_factory, raw: str) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("m")
    folder = root / "media"
    folder.mkdir()
    (root / "secret.png").write_bytes(b"x")
    (folder / "link.png").symlink_to(root / "secret.png")
    found = MediaStore(folder).path_of(raw)
    assert found is None or found.resolve().parent == folder.resolve()
    assert MediaStore(folder).path_of("link.png") is None


MEDIA_TOKENS = [
    "![a](media:",
    "[a](media:",
    "media:",
    "curve.png",
    "../secret.png",
    "%2e%2e%2fsecret.png",
    "/etc/passwd",
    "x.mp3",
    ")",
    "]",
    "[zz]: media:",
    "![z][zz]",
    "\n\n",
    " ",
    "file:///dev/zero",
    "data:image/png;base64,AAAA",
]
hostile = st.lists(st.sampled_from(MEDIA_TOKENS), max_size=30).map("".join)


def _resources(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html)


@given(hostile)
@FAST
def test_rendered_cards_load_nothing_but_media_folder_names(text: str) -> None:
    for stored in (text, safe_markdown(text)):
        html = render.render_markdown(stored) + render.render_question(stored)
        for url in _resources(html):
            if url.startswith("media:"):
                assert is_media_name(url[len("media:") :])
            else:
                assert url.startswith(("http://", "https://"))


@given(hostile)
@FAST
def test_references_rename_and_drop_cleanly(text: str) -> None:
    names = referenced(text)
    renamed = rename_refs(text, {n: "renamed.png" for n in names})
    assert referenced(renamed) == (["renamed.png"] if names else [])
    assert not set(referenced(drop_refs(text, set(names)))) & set(names)


def test_the_view_loads_media_only_from_its_folder(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage

    folder = tmp_path / "media"
    folder.mkdir()
    image = QImage(50, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("blue"))
    image.save(str(folder / "blue.png"))
    image.save(str(tmp_path / "outside.png"))
    MarkdownView.media_source = SimpleNamespace(media=MediaLibrary(tmp_path))
    view = MarkdownView()
    qtbot.addWidget(view)
    try:
        assert view.loadResource(2, QUrl("media:blue.png")) is not None
        for url in (
            "media:../outside.png",
            "media:%2e%2e/outside.png",
            "media://host/blue.png",
            "media:/blue.png",
            f"file://{tmp_path}/outside.png",
            "file:///dev/zero",
            "data:image/png;base64,AAAA",
        ):
            assert view.loadResource(2, QUrl(url)) is None, url
    finally:
        MarkdownView.media_source = None


def _opened_by_clicking(qtbot, monkeypatch, data: Path, urls: list[str]) -> list[QUrl]:  # type: ignore[no-untyped-def]
    """What the system's player was asked to open when a card's links were clicked."""
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    MarkdownView.media_source = SimpleNamespace(media=MediaLibrary(data))
    view = MarkdownView()
    qtbot.addWidget(view)
    try:
        for url in urls:
            view.anchorClicked.emit(QUrl(url))
    finally:
        MarkdownView.media_source = None
    return opened


def test_a_sound_link_opens_in_the_system_player(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "hello.mp3").write_bytes(b"ID3")
    links = ["media:hello.mp3", "media:../secret.mp3", "file:///etc/passwd"]
    opened = _opened_by_clicking(qtbot, monkeypatch, tmp_path, links)
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "media" / "hello.mp3")]


def test_a_picture_too_large_to_decode_safely_is_not_loaded(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage

    (tmp_path / "media").mkdir()
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(tmp_path / "media" / "big.png"))
    MarkdownView.media_source = SimpleNamespace(media=MediaLibrary(tmp_path))
    view = MarkdownView()
    qtbot.addWidget(view)
    try:
        shown = view.loadResource(2, QUrl("media:big.png"))
        assert shown is not None and shown.width() <= 300
        monkeypatch.setattr(markdown_view, "MAX_IMAGE_PIXELS", 300 * 200 - 1)
        assert view.loadResource(2, QUrl("media:big.png")) is None  # refused before decoding
        (tmp_path / "media" / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
        assert view.loadResource(2, QUrl("media:fake.png")) is None
    finally:
        MarkdownView.media_source = None


def test_only_pictures_and_sounds_become_media(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.domain.html_markdown import html_to_markdown

    text = html_to_markdown('<img src="tool.exe" alt="a tool"> [sound:setup.exe] [sound:talk.webm]')
    assert text == "a tool (sound setup.exe) [▶ talk.webm](media:talk.webm)"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "setup.exe").write_bytes(b"MZ")
    # a hand-written link to a program
    assert _opened_by_clicking(qtbot, monkeypatch, tmp_path, ["media:setup.exe"]) == []
