"""With the real `anki` package, both ways with progress.

- Lattice -> Anki: cards studied in Lattice arrive in a fresh Anki profile with their due
  days, intervals, FSRS memory, counts and every review.
- Anki -> Lattice -> Anki: a deck built and studied in Anki (basic, reversed and cloze notes,
  one showing a picture and playing a sound) comes back as the same notes and cards, due on
  the same days, with the same review counts and the same media files.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain.clock import FakeClock
from app.domain.import_rules import ImportTarget
from app.domain.scheduling import CardState, Grade
from app.domain.study_day import study_day_start
from app.services.anki_export import export_from, note_guid
from app.services.card_import import CardImportService
from app.services.context import AppContext
from app.services.review_service import ReviewService

anki_collection = pytest.importorskip("anki.collection")
HISTORY_DAYS = 40


@pytest.fixture
def clock() -> FakeClock:
    """Anki's scheduler runs on the real time: Lattice's history ends there too."""
    return FakeClock(datetime.now(UTC) - timedelta(days=HISTORY_DAYS))


@pytest.fixture
def anki_dir(tmp_path: Path) -> Path:
    path = tmp_path / "anki"
    path.mkdir()
    return path


def open_anki(path: Path) -> Any:
    return anki_collection.Collection(str(path))


def import_package(col: Any, package: Path) -> None:
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=False, merge_notetypes=False
            ),
        )
    )


def study_in_lattice(ctx: AppContext, clock: FakeClock, seed: int = 7) -> None:
    """Six weeks of daily study in Lattice: every due card answered, mostly Good."""
    rng = random.Random(seed)
    end = clock.now() + timedelta(days=HISTORY_DAYS)
    while clock.now() < end - timedelta(hours=20):
        service = ReviewService(ctx.bank, ctx.db_path, clock, ctx.settings)
        for _ in range(60):
            due = service.next_card()
            if due is None:
                break
            grade = rng.choices(list(Grade), weights=(1, 1, 6, 1))[0]
            clock.advance(seconds=rng.randint(5, 40))
            service.answer(due, grade)
        service.close()
        clock.advance(days=1)
    clock.set(end)


def anki_today_offset(col: Any, card: Any) -> int:
    """Days from Anki's today to the card's due day (review cards)."""
    return int(card.due) - int(col.sched.today)


def lattice_today_offset(due: datetime, now: datetime, hour: int = 4) -> int:
    first = study_day_start(now, UTC, hour).date()
    return (study_day_start(due, UTC, hour).date() - first).days


@pytest.mark.parametrize("fsrs", [True, False], ids=["fsrs", "sm2"])
def test_lattice_progress_arrives_in_a_fresh_anki_profile(
    ctx: AppContext, clock: FakeClock, anki_dir: Path, tmp_path: Path, fsrs: bool
) -> None:
    """A profile on SM-2 gets the same days and intervals, and keeps the FSRS memory for the
    day FSRS is switched on."""
    study_in_lattice(ctx, clock)
    ctx.store.set_suspended(["beta-what"], True)
    ctx.store.set_flagged(["alpha-what"], True)
    result = export_from(ctx, tmp_path / "lattice.apkg")
    memories = ctx.store.memories()
    studied = {cid: m for cid, m in memories.items() if not m.is_new}
    assert result.studied == len(studied) >= 3 and result.reviews > len(studied)
    col = open_anki(anki_dir / "fresh.anki2")
    try:
        col.set_config("fsrs", fsrs)
        import_package(col, result.path)
        by_guid = {guid: nid for nid, guid in col.db.all("select id, guid from notes")}
        compared = 0
        for card_id, memory in studied.items():
            nid = by_guid[note_guid(card_id)]
            (anki_card,) = [col.get_card(cid) for cid in col.card_ids_of_note(nid)]
            history = ctx.store.review_history(card_id)
            revlog = col.db.all(
                "select id, ease, ivl, time from revlog where cid = ? order by id", anki_card.id
            )
            assert [r[1] for r in revlog] == [r.rating for r in history], card_id
            assert [r[0] for r in revlog] == [
                int(r.reviewed_at.timestamp() * 1000) for r in history
            ]
            assert anki_card.reps == memory.reps and anki_card.lapses == memory.lapses
            if not fsrs:
                col.set_config("fsrs", True)  # the memory was kept for that day
            stats = col.card_stats_data(anki_card.id)
            assert stats.memory_state.stability == pytest.approx(memory.stability, rel=1e-3)
            assert stats.memory_state.difficulty == pytest.approx(memory.difficulty, rel=1e-3)
            col.set_config("fsrs", fsrs)
            assert memory.due is not None and memory.last_review is not None
            if memory.state is CardState.REVIEW:
                assert anki_card.type == 2
                assert anki_today_offset(col, anki_card) == lattice_today_offset(
                    memory.due, clock.now()
                ), card_id
                days = round((memory.due - memory.last_review) / timedelta(days=1))
                assert anki_card.ivl == days
            else:  # in a learning step: due at its minute
                assert anki_card.type in (1, 3) and anki_card.queue in (1, -1)
                assert anki_card.due == int(memory.due.timestamp())
            compared += 1
        assert compared == len(studied)
        suspended = col.get_card(col.card_ids_of_note(by_guid[note_guid("beta-what")])[0])
        flagged = col.get_card(col.card_ids_of_note(by_guid[note_guid("alpha-what")])[0])
        assert suspended.queue == -1 and flagged.user_flag() == 1
        new = [cid for cid in ctx.bank.cards if cid not in studied]
        for card_id in new:
            card = col.get_card(col.card_ids_of_note(by_guid[note_guid(card_id)])[0])
            assert card.type == 0 and card.reps == 0
    finally:
        col.close()


def test_export_without_progress_gives_new_cards(
    ctx: AppContext, clock: FakeClock, anki_dir: Path, tmp_path: Path
) -> None:
    study_in_lattice(ctx, clock)
    result = export_from(ctx, tmp_path / "plain.apkg", with_progress=False)
    assert result.studied == result.reviews == 0
    col = open_anki(anki_dir / "plain.anki2")
    try:
        import_package(col, result.path)
        assert col.db.scalar("select count() from cards where type != 0") == 0
        assert col.db.scalar("select count() from revlog") == 0
        assert col.card_count() == len(ctx.bank.cards)
    finally:
        col.close()


# -- Anki -> Lattice -> Anki -------------------------------------------------------------------
NoteSpec = tuple[str, dict[str, str], str]  # note type, fields, deck

DECK: list[NoteSpec] = [
    (
        "Basic",
        {
            "Front": "What does RLHF stand for?",
            "Back": "Reinforcement learning from human feedback",
        },
        "ML::Alignment",
    ),
    (
        "Basic (and reversed card)",
        {"Front": "LoRA", "Back": "Low-rank adaptation"},
        "ML::Fine-tuning",
    ),
    (
        "Basic (and reversed card)",
        {"Front": "KV cache", "Back": "Keys and values kept for decoding"},
        "ML::Inference",
    ),
    (
        "Cloze",
        {"Text": "{{c1::ReLU}} is max(0, x); {{c2::GELU}} is smooth", "Back Extra": ""},
        "ML",
    ),
    (
        "Cloze",
        {"Text": "Adam keeps {{c1::first}} and {{c2::second}} moments", "Back Extra": "per weight"},
        "ML",
    ),
    (
        "Basic",
        {
            "Front": 'Name the curve: <img src="sigmoid curve.png">',
            "Back": "The logistic sigmoid [sound:sigmoid.mp3]",
        },
        "ML",
    ),
]


def media_files() -> dict[str, bytes]:
    """The files the deck's notes name, as Anki keeps them."""
    from tests.test_anki_media import SOUND, _png

    return {"sigmoid curve.png": _png(), "sigmoid.mp3": SOUND}


def build_anki_deck(
    path: Path, notes: list[NoteSpec], fsrs: bool, study: Callable[[Any], None]
) -> Any:
    col = open_anki(path)
    col.set_config("fsrs", fsrs)
    for name, data in media_files().items():
        col.media.write_data(name, data)
    for kind, fields, deck in notes:
        note = col.new_note(col.models.by_name(kind))
        for name, value in fields.items():
            note[name] = value
        col.add_note(note, col.decks.id(deck))
    study(col)
    return col


def answer_everything_due(col: Any, seed: int = 3, rounds: int = 25) -> None:
    """Today's study in Anki: every queued card answered (learning steps included)."""
    rng = random.Random(seed)
    col.decks.select(col.decks.id("ML"))  # the parent deck: its subdecks' cards too
    for _ in range(rounds):
        queued = col.sched.get_queued_cards()
        if not queued.cards:
            return
        card = col.get_card(queued.cards[0].card.id)
        card.start_timer()
        col.sched.answerCard(card, rng.choices((1, 2, 3, 4), weights=(1, 1, 5, 2))[0])


def study_and_mark(col: Any) -> None:
    """A day in Anki, then one card forgotten (relearning), one suspended and flagged, and a
    note added afterwards (new)."""
    answer_everything_due(col)
    cards = sorted(col.db.list("select id from cards"))
    col.sched.set_due_date([cards[0]], "0")  # a reschedule by hand: due today
    queued = col.sched.get_queued_cards()
    forgotten = col.get_card(queued.cards[0].card.id)
    assert forgotten.id == cards[0]
    forgotten.start_timer()
    col.sched.answerCard(forgotten, 1)
    col.sched.suspend_cards([cards[1]])
    col.set_user_flag_for_cards(4, [cards[1]])  # blue
    col.set_user_flag_for_cards(2, [cards[2]])  # orange
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "What is a logit?", "An unnormalised log-probability"
    col.add_note(note, col.decks.id("ML::Alignment"))


def export_collection(col: Any, out: Path) -> Path:
    col.export_anki_package(
        out_path=str(out),
        options=anki_collection.ExportAnkiPackageOptions(
            with_scheduling=True, with_media=True, with_deck_configs=False, legacy=False
        ),
        limit=None,
    )
    return out


def snapshot(col: Any) -> dict[tuple[str, int], tuple[Any, ...]]:
    """Each card by (note GUID, ordinal): note type, fields, deck, type, due offset,
    interval, reps, lapses, flag and its revlog rows."""
    today = col.sched.today
    rows = col.db.all(
        "select n.guid, c.ord, n.mid, n.flds, c.did, c.type, c.queue, c.due, c.ivl, c.reps, "
        "c.lapses, c.flags, c.id from cards c join notes n on n.id = c.nid"
    )
    found = {}
    for guid, ord_, mid, flds, did, type_, queue, due, ivl, reps, lapses, flags, cid in rows:
        revlog = col.db.all(
            "select id, ease, ivl, lastIvl, type from revlog where cid = ? order by id", cid
        )
        if type_ == 2:
            when = due - today  # review: days from today
        elif type_ == 0:
            when = None
        else:
            when = due if due > 1_000_000_000 else due - today
        found[(guid, ord_)] = (
            col.models.get(mid)["name"],
            flds,
            col.decks.name(did),
            type_,
            queue,
            when,
            ivl,
            reps,
            lapses,
            flags,
            revlog,
        )
    return found


@pytest.fixture
def anki_clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def round_trip_ctx(
    data_dir: Path, content_root: Path, anki_clock: FakeClock
) -> Iterator[AppContext]:
    from app.services.context import open_context

    context = open_context(data_dir, content=content_root, clock=anki_clock)
    yield context
    context.close()


@pytest.mark.parametrize("fsrs", [True, False], ids=["fsrs", "sm2"])
def test_an_anki_deck_goes_to_lattice_and_back_unchanged(
    round_trip_ctx: AppContext, anki_dir: Path, tmp_path: Path, fsrs: bool
) -> None:
    ctx = round_trip_ctx
    original = build_anki_deck(anki_dir / "mine.anki2", DECK, fsrs, study_and_mark)
    try:
        package = export_collection(original, tmp_path / "mine.apkg")
    finally:
        original.close()
    # What Anki itself gives when the package goes straight to another profile (a stock
    # note type of the same name there makes it "Basic+", for example).
    direct = open_anki(anki_dir / "direct.anki2")
    try:
        import_package(direct, package)
        before = snapshot(direct)
    finally:
        direct.close()
    assert len(before) == 11  # 3 basic + 2 x 2 reversed + 2 x 2 cloze
    types = sorted(v[3] for v in before.values())
    assert types[0] == 0 and 3 in types and types.count(2) >= 6  # new, relearning, review
    assert sum(1 for v in before.values() if v[4] == -1 and v[-2] == 4) == 1  # suspended, blue

    plan = CardImportService(ctx).import_path(package, ImportTarget(area="llm"))
    assert "answers and" in plan.summary()
    back = export_from(ctx, tmp_path / "back.apkg")
    fresh = open_anki(anki_dir / "phone.anki2")
    try:
        import_package(fresh, back.path)
        everything = snapshot(fresh)
        arrived = Path(fresh.media.dir())
        assert fresh.media.check().missing == []  # every file a note names is there
        for name, data in media_files().items():
            assert (arrived / name).read_bytes() == data, name  # the same bytes, same name
    finally:
        fresh.close()
    guids = {guid for guid, _ in before}
    after = {key: value for key, value in everything.items() if key[0] in guids}
    assert len(everything) - len(after) == len(ctx.bank.cards) - 11  # Lattice's own cards
    assert set(after) == set(before)  # the same notes (GUIDs) and cards (ordinals)
    for key, was in before.items():
        now = after[key]
        assert now[:3] == was[:3], key  # note type, fields, deck
        assert now[3:5] == was[3:5], key  # card type and queue (suspended)
        assert now[5] == was[5], key  # due: the same day (review) or minute (learning)
        assert now[7:9] == was[7:9], key  # reviews and lapses
        assert now[9] == was[9], key  # flag and its colour
        assert now[10] == was[10], key  # every revlog row: time, grade, intervals, kind
        if was[3] == 2:
            assert now[6] == was[6], key  # interval


def test_the_notes_go_back_into_the_same_anki_profile_in_place(
    round_trip_ctx: AppContext, anki_dir: Path, tmp_path: Path
) -> None:
    ctx = round_trip_ctx
    original = build_anki_deck(anki_dir / "mine.anki2", DECK, True, study_and_mark)
    try:
        package = export_collection(original, tmp_path / "mine.apkg")
        notes_before = dict(original.db.all("select guid, mid from notes"))
        kinds_before = original.models.all_names_and_ids()
        cards_before = original.card_count()
    finally:
        original.close()
    CardImportService(ctx).import_path(package, ImportTarget(area="llm"))
    back = export_from(ctx, tmp_path / "back.apkg")
    original = open_anki(anki_dir / "mine.anki2")
    try:
        import_package(original, back.path)
        notes_after = dict(original.db.all("select guid, mid from notes"))
        # every note of the deck is still one note, of its own note type: updated in place
        assert {g: notes_after[g] for g in notes_before} == notes_before
        assert len(original.models.all_names_and_ids()) == len(kinds_before) + 1  # Lattice's
        own = len(notes_after) - len(notes_before)
        assert own == len(ctx.bank.cards) - 11  # only Lattice's own cards are new notes
        assert original.card_count() == cards_before + own
    finally:
        original.close()


def test_an_edit_made_in_lattice_goes_back_into_the_anki_note(
    round_trip_ctx: AppContext, anki_dir: Path, tmp_path: Path
) -> None:
    from app.domain.card_writer import CardDraft
    from app.services.authoring import AuthoringService

    ctx = round_trip_ctx
    original = build_anki_deck(anki_dir / "mine.anki2", DECK, True, answer_everything_due)
    try:
        package = export_collection(original, tmp_path / "mine.apkg")
    finally:
        original.close()
    CardImportService(ctx).import_path(package, ImportTarget(area="llm"))
    mine = {c.question: c for c in ctx.bank.cards.values() if c.user}
    basic, cloze = mine["What does RLHF stand for?"], mine["[…] is max(0, x); GELU is smooth"]
    for card, answer in (
        (basic, "Reinforcement learning from **human** feedback"),
        (cloze, "ReLU!"),
    ):
        draft = CardDraft.build(card.question, answer, card.key_points, card.difficulty, 60)
        assert AuthoringService(ctx).update(card.id, draft).ok
    back = export_from(ctx, tmp_path / "back.apkg")
    assert back.edits_not_exported == 1  # the cloze card's: its note has both blanks
    fresh = open_anki(anki_dir / "phone.anki2")
    try:
        import_package(fresh, back.path)
        fields = {
            flds.split("\x1f")[0]: flds.split("\x1f")
            for (flds,) in fresh.db.all("select flds from notes")
        }
    finally:
        fresh.close()
    assert "<strong>human</strong>" in fields["What does RLHF stand for?"][1]
    assert fields["{{c1::ReLU}} is max(0, x); {{c2::GELU}} is smooth"][1] == ""
