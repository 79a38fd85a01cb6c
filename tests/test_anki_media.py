"""Images and sounds of an Anki deck: Anki -> Lattice (files in the media folder, the image
shown on the card) -> Anki (the files arrive and the notes show them), with the real `anki`
package; and every package that tries to write outside the folder, lacks a file it lists or
carries an oversized one is refused with a message, nothing written."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument

from app.domain.import_rules import ImportRefused, ImportTarget
from app.services import anki_media
from app.services.anki_export import export_anki
from app.services.card_import import CardImportService, read_source
from app.services.media import MediaLibrary
from app.storage.media_store import media_dir
from app.ui.markdown_view import MarkdownView

anki_collection = pytest.importorskip("anki.collection")

NEW = ImportTarget(new_title="Curves", area="llm")
SOUND = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 4  # bytes, as Anki keeps them


def _png(color: str = "#2a9d5b") -> bytes:
    image = QImage(240, 120, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    path = Path(__import__("tempfile").mkdtemp()) / "x.png"
    image.save(str(path))
    return path.read_bytes()


def _anki_deck(tmp_path: Path, legacy: bool, image_name: str = "sigmoid curve.png") -> Path:
    """A real Anki collection with one note showing an image and playing a sound."""
    col = anki_collection.Collection(str(tmp_path / f"source-{legacy}.anki2"))
    try:
        image = col.media.write_data(image_name, _png())
        sound = col.media.write_data("hello.mp3", SOUND)
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"] = f'Name the curve: <img src="{image}">'
        note["Back"] = f"The logistic sigmoid, 1/(1+e<sup>-x</sup>). [sound:{sound}]"
        col.add_note(note, col.decks.id("Curves"))
        out = tmp_path / ("legacy.apkg" if legacy else "modern.apkg")
        col.export_anki_package(
            out_path=str(out),
            options=anki_collection.ExportAnkiPackageOptions(
                with_scheduling=False, with_media=True, with_deck_configs=False, legacy=legacy
            ),
            limit=None,
        )
        return out
    finally:
        col.close()


def _shown_image(library: MediaLibrary, html: str, qtbot) -> QImage:  # type: ignore[no-untyped-def]
    """The picture a card's HTML shows in a MarkdownView (what Review, Browse, Quiz use)."""
    MarkdownView.media_source = SimpleNamespace(media=library)
    view = MarkdownView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show_html(html)
    view.grab()  # lays the document out, which loads its images
    src = html.split('src="', 1)[1].split('"', 1)[0]
    return view.document().resource(QTextDocument.ResourceType.ImageResource.value, QUrl(src))


@pytest.mark.parametrize("legacy", [False, True], ids=["zstd", "legacy"])
def test_image_and_sound_go_anki_to_lattice_to_anki(ctx, qtbot, tmp_path, legacy) -> None:  # type: ignore[no-untyped-def]
    from app.services.render import render_markdown, render_question

    package = _anki_deck(tmp_path, legacy)
    plan = CardImportService(ctx).import_path(package, NEW)
    assert "2 image or sound files added to the media folder." in plan.summary()
    folder = media_dir(ctx.data_dir)
    assert sorted(p.name for p in folder.iterdir()) == ["hello.mp3", "sigmoid-curve.png"]
    assert (folder / "hello.mp3").read_bytes() == SOUND
    card = next(c for c in ctx.bank.cards.values() if c.question.startswith("Name the curve"))
    assert card.question == "Name the curve: ![](media:sigmoid-curve.png)"
    assert "[▶ hello.mp3](media:hello.mp3)" in card.answer

    library = MediaLibrary(ctx.data_dir)
    shown = _shown_image(library, render_question(card.question), qtbot)
    assert isinstance(shown, QImage) and not shown.isNull()
    assert shown.pixelColor(10, 10) == QColor("#2a9d5b")
    assert '<a href="media:hello.mp3">' in render_markdown(card.answer)

    out = export_anki(ctx.bank, tmp_path / "back.apkg", ctx.clock.now(), media=library)
    col = anki_collection.Collection(str(tmp_path / "target.anki2"))
    try:
        col.import_anki_package(
            anki_collection.ImportAnkiPackageRequest(
                package_path=str(out.path),
                options=anki_collection.ImportAnkiPackageOptions(
                    merge_notetypes=True, with_scheduling=False, with_deck_configs=False
                ),
            )
        )
        arrived = Path(col.media.dir())
        assert (arrived / "sigmoid-curve.png").read_bytes() == (
            folder / "sigmoid-curve.png"
        ).read_bytes()
        assert (arrived / "hello.mp3").read_bytes() == SOUND
        nid = col.find_notes('"Question:Name the curve*"')[0]
        note = col.get_note(nid)
        assert '<img src="sigmoid-curve.png"' in note["Question"]
        assert "[sound:hello.mp3]" in note["Answer"]
        assert col.media.check().missing == []  # every file a note names is there
    finally:
        col.close()


def test_the_same_image_twice_is_stored_once(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    service = CardImportService(ctx)
    service.import_path(_anki_deck(tmp_path, False), NEW)
    other = tmp_path / "other"
    other.mkdir()
    plan = service.import_path(_anki_deck(other, True, image_name="renamed.png"), NEW)
    assert sorted(p.name for p in media_dir(ctx.data_dir).iterdir()) == [
        "hello.mp3",
        "sigmoid-curve.png",
    ]
    assert "media folder" not in plan.summary()  # nothing new to add


def test_a_name_taken_by_other_bytes_gets_a_new_name(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = media_dir(ctx.data_dir)
    folder.mkdir(parents=True)
    (folder / "sigmoid-curve.png").write_bytes(_png("#ff0000"))
    CardImportService(ctx).import_path(_anki_deck(tmp_path, False), NEW)
    card = next(c for c in ctx.bank.cards.values() if c.question.startswith("Name the curve"))
    name = card.question.split("media:", 1)[1].rstrip(")")
    assert name != "sigmoid-curve.png" and name.startswith("sigmoid-curve-")
    assert (folder / name).read_bytes() == _png()
    assert (folder / "sigmoid-curve.png").read_bytes() == _png("#ff0000")  # untouched


# -- hostile packages: a clear message, nothing written ----------------------------------------
def _rewritten(source: Path, out: Path, media: dict[str, str], drop: str = "") -> Path:
    """The legacy package `source` with its media list replaced (and member `drop` left out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            if info.filename == "media":
                new.writestr("media", json.dumps(media))
            elif info.filename != drop:
                new.writestr(info.filename, old.read(info.filename))
    return out


def _nothing_written(ctx, before: int) -> None:  # type: ignore[no-untyped-def]
    folder = media_dir(ctx.data_dir)
    assert not folder.exists() or not any(folder.iterdir())
    assert len(ctx.bank.cards) == before
    assert not (ctx.data_dir / "cards").exists() or not any((ctx.data_dir / "cards").rglob("*.md"))


def test_a_listed_media_file_missing_from_the_package_is_refused(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _anki_deck(tmp_path, True)
    with zipfile.ZipFile(source) as archive:
        listed = json.loads(archive.read("media"))
    image_member = next(k for k, v in listed.items() if v.endswith(".png"))
    broken = _rewritten(source, tmp_path / "broken.apkg", listed, drop=image_member)
    before = len(ctx.bank.cards)
    with pytest.raises(ImportRefused, match="does not hold it.*nothing was imported"):
        CardImportService(ctx).import_path(broken, NEW)
    _nothing_written(ctx, before)


def test_a_media_name_leaving_the_folder_is_refused(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _anki_deck(tmp_path, True)
    with zipfile.ZipFile(source) as archive:
        listed = json.loads(archive.read("media"))
    listed["7"] = "../../outside.png"
    hostile = _rewritten(source, tmp_path / "hostile.apkg", listed)
    before = len(ctx.bank.cards)
    with pytest.raises(ImportRefused, match="'../../outside.png' points outside the media folder"):
        CardImportService(ctx).import_path(hostile, NEW)
    _nothing_written(ctx, before)
    assert not (ctx.data_dir.parent / "outside.png").exists()


@pytest.mark.parametrize("legacy", [False, True], ids=["zstd", "legacy"])
def test_an_oversized_media_file_is_refused(ctx, tmp_path, monkeypatch, legacy) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(anki_media, "MAX_MEDIA_BYTES", 500)  # both files are larger
    before = len(ctx.bank.cards)
    with pytest.raises(ImportRefused, match="media file 'hello.mp3' is larger than 500 bytes"):
        CardImportService(ctx).import_path(_anki_deck(tmp_path, legacy), NEW)
    _nothing_written(ctx, before)


def test_a_file_the_notes_name_but_the_package_lacks_shows_its_name(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = _anki_deck(tmp_path, True)
    with zipfile.ZipFile(source) as archive:
        listed = json.loads(archive.read("media"))
    sound = {k: v for k, v in listed.items() if v.endswith(".mp3")}
    plan = CardImportService(ctx).import_path(
        _rewritten(source, tmp_path / "no-image.apkg", sound), NEW
    )
    assert "not in the package (Anki's missing media)" in plan.summary()
    card = next(c for c in ctx.bank.cards.values() if c.question.startswith("Name the curve"))
    assert card.question == "Name the curve: sigmoid-curve.png"
    assert [p.name for p in media_dir(ctx.data_dir).iterdir()] == ["hello.mp3"]


def test_reading_cleans_up_its_unpacked_files(tmp_path) -> None:
    source = read_source(_anki_deck(tmp_path, False))
    folder = source.media.folder
    assert folder is not None and folder.is_dir()
    source.media.discard()
    assert not folder.exists()


def test_a_note_from_anki_goes_back_with_its_own_media_names(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Export from the app (the note goes back as the Anki note it came from, fields as
    they were): the files arrive under the names those fields use."""
    from app.services.anki_export import export_from

    CardImportService(ctx).import_path(_anki_deck(tmp_path, False), NEW)
    out = export_from(ctx, tmp_path / "back.apkg", with_progress=False)
    col = anki_collection.Collection(str(tmp_path / "target.anki2"))
    try:
        col.import_anki_package(
            anki_collection.ImportAnkiPackageRequest(
                package_path=str(out.path),
                options=anki_collection.ImportAnkiPackageOptions(merge_notetypes=True),
            )
        )
        note = col.get_note(col.find_notes('"Front:Name the curve*"')[0])
        assert '<img src="sigmoid curve.png">' in note["Front"]
        assert "[sound:hello.mp3]" in note["Back"]
        arrived = Path(col.media.dir())
        assert (arrived / "sigmoid curve.png").read_bytes() == (
            media_dir(ctx.data_dir) / "sigmoid-curve.png"
        ).read_bytes()
        assert (arrived / "hello.mp3").read_bytes() == SOUND
        assert col.media.check().missing == []
    finally:
        col.close()


def test_browse_shows_a_found_question_with_its_picture_named_not_its_reference(
    window,
    qtbot,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from app.domain.changes import Changes
    from app.ui.browse.models import HIGHLIGHT_ROLE, CardTableModel

    CardImportService(window.app.ctx).import_path(_anki_deck(tmp_path, False), NEW)
    window.broadcast(Changes.CONTENT)
    window.show_screen("browse")
    browse = window.browse
    qtbot.keyClicks(browse.search, "curve")
    qtbot.waitUntil(lambda: bool(browse.visible_ids()))
    top = browse.proxy.index(0, CardTableModel.QUESTION)
    shown = top.data(HIGHLIGHT_ROLE)
    assert "curve</span>" in shown and "[image: sigmoid-curve.png]" in shown
    assert "media:" not in shown
