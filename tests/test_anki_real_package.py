"""With the real `anki` package: a collection with history, FSRS on, cloze and reversed notes,
exported with scheduling, arrives in Lattice with Anki's due dates, memory and answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.anki_progress import progress_of
from app.domain.clock import FakeClock
from app.domain.import_rules import anki_note_to_cards
from app.services.anki_import import read_package

anki_collection = pytest.importorskip("anki.collection")


@pytest.fixture
def clock() -> FakeClock:
    """Anki answers at the real time, so Lattice's clock starts there too."""
    return FakeClock(datetime.now(UTC))


def _collection_with_history(
    tmp_path: Path, fsrs: bool, legacy: bool = False
) -> tuple[Path, dict[int, object]]:
    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        col.set_config("fsrs", fsrs)
        reversed_type = col.models.by_name("Basic (and reversed card)")
        note = col.new_note(reversed_type)
        note["Front"], note["Back"] = "What is LoRA?", "Low-rank adaptation"
        col.add_note(note, col.decks.id("ML::Fine-tuning"))
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::ReLU}} is max(0, x); {{c2::GELU}} is smooth"
        col.add_note(cloze, col.decks.id("ML"))
        col.decks.select(col.decks.id("ML"))
        for ease in (3, 4, 3, 1, 3, 4, 3, 3):
            queued = col.sched.get_queued_cards()
            if not queued.cards:
                break
            card = col.get_card(queued.cards[0].card.id)
            card.start_timer()
            col.sched.answerCard(card, ease)
        suspended = col.db.scalar("select max(id) from cards")
        col.sched.suspend_cards([suspended])
        col.set_user_flag_for_cards(2, [suspended])
        expected = {cid: col.card_stats_data(cid) for cid in col.db.list("select id from cards")}
        out = tmp_path / "deck.apkg"
        col.export_anki_package(
            out_path=str(out),
            options=anki_collection.ExportAnkiPackageOptions(
                with_scheduling=True, with_media=True, with_deck_configs=True, legacy=legacy
            ),
            limit=None,
        )
        return out, expected
    finally:
        col.close()


@pytest.mark.parametrize("fsrs", [True, False], ids=["fsrs", "sm2"])
def test_cards_due_dates_memory_and_answers_match_anki(tmp_path: Path, fsrs: bool) -> None:
    path, expected = _collection_with_history(tmp_path, fsrs)
    package = read_package(path)
    cards = [c for note in package.notes for c in anki_note_to_cards(note)]
    assert len(cards) == 4 and len(package.cards) == 4  # 2 reversed + 2 cloze
    assert sum(1 for r in package.reviews) >= 6
    for card in package.cards:
        stats = expected[card.card_id]
        rows = [r for r in package.reviews if r.card_id == card.card_id]
        progress = progress_of(card, f"x-{card.card_id}", rows, package.created)
        assert progress.memory.reps == stats.reviews  # type: ignore[attr-defined]
        assert len(progress.reviews) == len(stats.revlog)  # type: ignore[attr-defined]
        if stats.HasField("due_date"):  # type: ignore[attr-defined]
            anki_due = datetime.fromtimestamp(stats.due_date, UTC)  # type: ignore[attr-defined]
            assert progress.memory.due is not None
            assert abs((progress.memory.due - anki_due).total_seconds()) < 86_400
        if fsrs and stats.HasField("memory_state"):  # type: ignore[attr-defined]
            assert progress.memory_from == "anki-fsrs"
            assert progress.memory.stability == pytest.approx(
                stats.memory_state.stability, rel=1e-3
            )  # type: ignore[attr-defined]
            assert progress.memory.difficulty == pytest.approx(
                stats.memory_state.difficulty, rel=1e-3
            )  # type: ignore[attr-defined]
    suspended = [c for c in package.cards if c.queue == -1]
    assert len(suspended) == 1
    last = progress_of(suspended[0], "s", [], package.created)
    assert last.suspended and last.flagged


def test_import_brings_anki_progress_into_lattice(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.domain.import_rules import ImportTarget
    from app.services.card_import import CardImportService

    path, expected = _collection_with_history(tmp_path, True)
    service = CardImportService(ctx)
    plan = service.import_path(path, ImportTarget(new_title="From Anki", area="llm"))
    text = plan.summary()
    assert "studied cards came over" in text and "1 suspended, 1 flagged" in text
    assert "Anki's FSRS memory" in text
    mine = [c for c in ctx.bank.cards.values() if c.user]
    assert len(mine) == 4
    memories = ctx.store.memories([c.id for c in mine])
    studied = [m for m in memories.values() if not m.is_new]
    assert len(studied) == sum(1 for s in expected.values() if s.HasField("memory_state"))  # type: ignore[attr-defined]
    for memory in studied:
        assert memory.due is not None and memory.stability and memory.reps >= 1
    flags = ctx.store.flags([c.id for c in mine])
    assert sum(1 for s, f in flags.values() if s and f) == 1
    again = service.import_path(path, ImportTarget(new_title="From Anki", area="llm"))
    assert "already studied in Lattice kept their Lattice progress" in again.summary()
    assert ctx.store.memories([c.id for c in mine]) == memories  # nothing overwritten


def _tampered(package: Path, out: Path, *statements: str) -> Path:
    """The package with SQL run on its (legacy, uncompressed) collection."""
    import sqlite3
    import zipfile

    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    db = out.with_suffix(".sqlite")
    db.write_bytes(members["collection.anki21"])
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    members["collection.anki21"] = db.read_bytes()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def _answers_by_card(path: Path) -> dict[str, list[tuple[int, int, int]]]:
    """Lattice card id -> (revlog id, ease, time) of each answer in the package."""
    from app.domain.import_rules import card_id_for, stable_key

    package = read_package(path)
    keys = {c.card_id: card_id_for("anki", stable_key(c.note_guid, c.ord)) for c in package.cards}
    found: dict[str, list[tuple[int, int, int]]] = {}
    for r in package.reviews:
        if r.ease:
            found.setdefault(keys[r.card_id], []).append((r.at_ms, r.ease, r.duration_ms))
    return found


@pytest.mark.parametrize("fsrs", [True, False], ids=["fsrs", "sm2"])
def test_every_anki_answer_becomes_a_review_in_lattices_log(
    ctx, tmp_path: Path, fsrs: bool
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.import_rules import ImportTarget
    from app.services.card_import import CardImportService

    path, _ = _collection_with_history(tmp_path, fsrs)
    answers = _answers_by_card(path)
    service = CardImportService(ctx)
    plan = service.import_path(path, ImportTarget(new_title="From Anki", area="llm"))
    total = sum(len(rows) for rows in answers.values())
    assert f"Progress: {total} answers" in plan.summary()
    if not fsrs:
        assert "the collection does not use FSRS" in plan.summary()
    for card_id, rows in answers.items():
        history = ctx.store.review_history(card_id)
        assert [
            (int(r.reviewed_at.timestamp() * 1000), r.rating, r.duration_ms) for r in history
        ] == rows
    assert ctx.store.review_count() == total  # what Stats and the memory-model fit read
    first = min(r[0] for rows in answers.values() for r in rows)
    since = datetime.fromtimestamp(first / 1000, UTC)
    assert len(ctx.store.review_events(since)) == total
    from app.services.memory_service import MemoryService

    histories = MemoryService(ctx).histories()  # what `lattice optimize` fits on
    assert sum(len(histories[card_id]) for card_id in answers) == total
    with ctx.store._log() as log:  # progress is still the replay of the log
        for card in ctx.bank.cards.values():
            if card.user:
                assert log.progress(card.id) == log.replayed(card.id), card.id
    # the same package again adds no event and changes no progress
    memories = ctx.store.memories()
    service.import_path(path, ImportTarget(new_title="From Anki", area="llm"))
    assert ctx.store.review_count() == total and ctx.store.memories() == memories


def _nothing_written(ctx) -> None:  # type: ignore[no-untyped-def]
    assert not [c for c in ctx.bank.cards.values() if c.user]
    assert ctx.store.review_count() == 0 and ctx.store.memories() == {}


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE revlog SET id = id + 40 * 86400000 WHERE id = (SELECT max(id) FROM revlog)",
            "in the future",
        ),
        (
            "UPDATE revlog SET id = 1000 WHERE id = (SELECT min(id) FROM revlog)",
            "before Anki existed",
        ),
        (
            "UPDATE revlog SET ivl = 90000000 WHERE id = (SELECT max(id) FROM revlog)",
            "an interval of 90000000 days is impossible",
        ),
        (
            "UPDATE cards SET ivl = 99999999 WHERE type = 2",
            "an interval of 99999999 days is impossible",
        ),
        (
            'UPDATE cards SET data = \'{"s": -3, "d": 50}\' WHERE type = 2',
            "FSRS memory out of range",
        ),
        ("UPDATE cards SET due = 900000 WHERE type = 2", "is impossible"),
    ],
    ids=["future", "ancient", "revlog-interval", "card-interval", "memory", "due"],
)
def test_absurd_scheduling_is_refused_and_nothing_is_written(  # type: ignore[no-untyped-def]
    ctx, tmp_path: Path, statement: str, message: str
) -> None:
    from app.domain.import_rules import ImportRefused, ImportTarget
    from app.services.card_import import CardImportService

    path, _ = _collection_with_history(tmp_path, True, legacy=True)
    bad = _tampered(path, tmp_path / "bad.apkg", statement)
    with pytest.raises(ImportRefused, match=message) as refused:
        CardImportService(ctx).import_path(bad, ImportTarget(new_title="From Anki", area="llm"))
    assert "othing was imported" in str(refused.value)
    _nothing_written(ctx)


def test_answers_of_cards_not_in_the_package_are_named_and_left_out(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.domain.import_rules import ImportTarget
    from app.services.card_import import CardImportService

    path, _ = _collection_with_history(tmp_path, True, legacy=True)
    answers = sum(len(rows) for rows in _answers_by_card(path).values())
    bad = _tampered(
        path,
        tmp_path / "orphans.apkg",
        "INSERT INTO revlog SELECT id + 7, 424242, usn, ease, ivl, lastIvl, factor, time, type "
        "FROM revlog WHERE id = (SELECT max(id) FROM revlog)",
    )
    plan = CardImportService(ctx).import_path(bad, ImportTarget(new_title="From Anki", area="llm"))
    assert (
        "Not imported: 1 answers of cards not in the package (deleted in Anki)." in plan.summary()
    )
    assert ctx.store.review_count() == answers


def test_buried_cards_stay_hidden_until_tomorrow(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.domain.import_rules import ImportTarget
    from app.domain.study_day import study_day_end
    from app.services.card_import import CardImportService

    path, _ = _collection_with_history(tmp_path, True, legacy=True)
    buried = _tampered(
        path,
        tmp_path / "buried.apkg",
        "UPDATE cards SET queue = -3, due = 0 WHERE type = 2",  # overdue, and buried today
    )
    from app.services.buried_cards import BuriedCards
    from app.services.review_service import ReviewService

    plan = CardImportService(ctx).import_path(buried, ImportTarget(new_title="Anki", area="llm"))
    assert "buried until tomorrow" in plan.summary()
    studied = [m for m in ctx.store.memories().values() if m.state == 2]
    now = ctx.clock.now()
    assert studied and all(m.due is not None and m.due <= now for m in studied)  # Anki's due kept
    aside = BuriedCards(ctx.db_path).buried(now)
    assert {m.card_id for m in studied} <= set(aside)  # buried, as in Anki
    session = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    shown = session.next_card()
    assert shown is None or shown.card.id not in aside  # not shown today
    tomorrow = study_day_end(now, ctx.clock.local_tz, ctx.settings.day_starts_at_hour)
    ctx.clock.set(tomorrow + timedelta(minutes=1))
    assert not BuriedCards(ctx.db_path).buried(ctx.clock.now())  # the next day lifts it


def test_a_newer_anki_history_wins_over_the_last_import(ctx, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Studied on in Anki after the first import: the next import brings the new answers and
    Anki's schedule; a card not studied in Anki since keeps what Lattice has."""
    from app.domain.import_rules import ImportTarget
    from app.services.card_import import CardImportService

    path, _ = _collection_with_history(tmp_path, True, legacy=True)
    service = CardImportService(ctx)
    service.import_path(path, ImportTarget(new_title="Anki", area="llm"))
    before = ctx.store.memories()
    clock.advance(days=3)
    later = int((clock.now() - timedelta(days=1)).timestamp() * 1000)
    newer = _tampered(
        path,
        tmp_path / "newer.apkg",
        f"INSERT INTO revlog SELECT {later}, cid, usn, 3, 30, ivl, factor, 5000, 1 FROM revlog "
        "WHERE id = (SELECT max(id) FROM revlog)",
        'UPDATE cards SET ivl = 30, due = due + 30, data = \'{"s":31.5,"d":4.5}\' WHERE id = '
        "(SELECT cid FROM revlog WHERE id = (SELECT max(id) FROM revlog))",
    )
    plan = service.import_path(newer, ImportTarget(new_title="Anki", area="llm"))
    after = ctx.store.memories()
    changed = [cid for cid in after if after[cid] != before.get(cid)]
    assert len(changed) == 1
    memory = after[changed[0]]
    assert memory.stability == 31.5 and memory.difficulty == 4.5
    assert ctx.store.review_history(changed[0])[-1].reviewed_at == datetime.fromtimestamp(
        later / 1000, UTC
    )
    assert "kept their Lattice progress" in plan.summary()  # the others
