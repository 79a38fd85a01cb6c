"""The parse cache: a second open reuses the parsed bank; any change to a file is seen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.services import context as context_module
from app.services.context import load_content
from app.storage import content_cache


def _refuse(monkeypatch: pytest.MonkeyPatch, module: object, name: str, what: str) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError(what)

    monkeypatch.setattr(module, name, refuse)


def _refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse(monkeypatch, context_module, "parse_content_root", "the content was parsed again")


def test_an_unchanged_bank_is_not_parsed_again(
    content_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = load_content(content_root, tmp_path / "no-user-cards", cache)
    _refuse_parsing(monkeypatch)
    second = load_content(content_root, tmp_path / "no-user-cards", cache)
    assert second.bank.cards == first.bank.cards
    assert second.bank.concepts == first.bank.concepts
    # every field, those equality skips included (error messages read key_lines)
    assert [c.key_lines for c in second.bank.concepts.values()] == [
        c.key_lines for c in first.bank.concepts.values()
    ]
    assert second.order == first.order
    assert second.bank is not first.bank  # a fresh copy: editing one never leaks into another


def test_editing_adding_or_removing_a_file_is_seen(content_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    user = tmp_path / "user"
    load_content(content_root, user, cache)
    alpha = content_root / "basics" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("What is alpha?", "What, exactly, is alpha?"))
    assert load_content(content_root, user, cache).bank.cards["alpha-what"].question == (
        "What, exactly, is alpha?"
    )
    user.mkdir()
    (user / "mine.md").write_text(
        "---\nid: mine\ntitle: Mine\narea: ml-foundations\nsummary: My own.\n---\n\n"
        "## My question?\n\n```card\nid: mine-q\ndifficulty: easy\nseconds: 60\nkey_points: [a, b, c]\n```\n\nMy answer.\n"
    )
    assert "mine-q" in load_content(content_root, user, cache).bank.cards
    (user / "mine.md").unlink()
    assert "mine-q" not in load_content(content_root, user, cache).bank.cards


def test_a_damaged_cache_entry_is_ignored(content_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = load_content(content_root, tmp_path / "user", cache).bank.cards
    entries = list(cache.glob("content-*.pickle"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not a pickle at all")
    assert load_content(content_root, tmp_path / "user", cache).bank.cards == expected


def test_an_unwritable_cache_folder_costs_only_time(content_root: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    loaded = load_content(content_root, tmp_path / "user", blocked / "cache")
    assert "alpha-what" in loaded.bank.cards


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    for i in range(content_cache.KEEP + 3):
        content_cache.save(tmp_path, f"key{i}", {"value": i})
    assert len(list(tmp_path.glob("content-*.pickle"))) == content_cache.KEEP
    assert content_cache.load(tmp_path, f"key{content_cache.KEEP + 2}") == {"value": 6}
    assert content_cache.load(tmp_path, "never-saved") is None


def test_the_key_depends_on_contents_not_just_names(tmp_path: Path) -> None:
    one = tmp_path / "one.md"
    one.write_text("first")
    before = content_cache.content_key([one])
    one.write_text("firsT")
    assert content_cache.content_key([one]) != before
    one.unlink()
    assert content_cache.content_key([one]) != before


def test_a_change_to_the_cached_classes_misses(tmp_path: Path) -> None:
    from app.services.context import _schema

    one = tmp_path / "one.md"
    one.write_text("same bytes")
    assert "key_lines" in _schema()  # the classes' fields are part of the key
    assert content_cache.content_key([one], _schema()) != content_cache.content_key(
        [one], _schema().replace("key_lines", "renamed")
    )


def _age(files: list[Path], seconds: int) -> None:
    for path in files:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns - seconds * 10**9, st.st_mtime_ns - seconds * 10**9))


def _refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse(monkeypatch, content_cache, "content_key", "the content files were read for the key")


def test_settled_files_are_not_read_again_to_know_they_are_unchanged(
    content_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git's index does: sizes and times tell an unchanged file, once they are settled."""
    cache, user = tmp_path / "cache", tmp_path / "user"
    files = sorted(content_root.rglob("*.*"))
    _age(files, 60)
    first = load_content(content_root, user, cache)
    _refuse_reading(monkeypatch)
    _refuse_parsing(monkeypatch)
    assert load_content(content_root, user, cache).bank.cards == first.bank.cards


def test_files_changed_a_moment_ago_are_read_on_every_open(
    content_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two edits inside one tick of a coarse clock look alike by their times: until the
    files have settled, their bytes make the key."""
    cache, user = tmp_path / "cache", tmp_path / "user"
    for path in content_root.rglob("*.*"):
        os.utime(path)  # written just now
    load_content(content_root, user, cache)
    assert not list(cache.glob("content-stat-*"))
    _refuse_reading(monkeypatch)
    with pytest.raises(AssertionError, match="were read"):
        load_content(content_root, user, cache)


@pytest.mark.skipif(os.name == "nt", reason="Windows keeps no change time apart from creation")
def test_an_edit_that_keeps_the_size_and_the_modification_time_is_seen(
    content_root: Path, tmp_path: Path
) -> None:
    cache, user = tmp_path / "cache", tmp_path / "user"
    files = sorted(content_root.rglob("*.*"))
    _age(files, 60)
    load_content(content_root, user, cache)
    assert list(cache.glob("content-stat-*"))  # remembered: the files had settled
    alpha = content_root / "basics" / "alpha.md"
    before = alpha.stat()
    alpha.write_text(alpha.read_text().replace("What is alpha?", "What is alphA?"))
    os.utime(alpha, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a careless tool might
    assert alpha.stat().st_size == before.st_size
    assert load_content(content_root, user, cache).bank.cards["alpha-what"].question == (
        "What is alphA?"
    )
