"""Reading a CSV of cards: question, answer, optional key points, concept, difficulty.

A header row (question, answer, key_points, concept, difficulty, seconds; Front/Back work too)
sets the columns; without one the columns are taken in that order. Commas, semicolons and tabs
are recognised as separators. Each row becomes a card by the rules in app/domain/import_rules.py;
the first bad row refuses the whole file with its line number.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app.domain.import_rules import (
    CSV_COLUMNS,
    ImportRefused,
    SourceCard,
    csv_header,
    csv_row_to_card,
)
from app.services.archive_safety import MiB

MAX_CSV_BYTES = 32 * MiB
MAX_ROWS = 20_000
MAX_FIELD = 1 * MiB


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"{label}:{line}: not UTF-8 text; save the file as CSV UTF-8 and try again"
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[: 64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_csv_text(text: str, label: str) -> list[SourceCard]:
    """The cards of a CSV text; `label` names the file in messages."""
    if "\x00" in text:
        raise ImportRefused(f"{label}: holds NUL bytes; is it really a CSV file?")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text), strict=True)
    cards: list[SourceCard] = []
    columns: list[str] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if any(len(cell) > MAX_FIELD for cell in row):
                raise ImportRefused(f"{label}:{start}: a cell is over {MAX_FIELD // MiB} MiB")
            if columns is None:
                columns = csv_header(row)
                if columns is not None:
                    continue
                columns = list(CSV_COLUMNS)
            if len(row) < 2:
                raise ImportRefused(
                    f"{label}:{start}: expected at least a question and an answer, "
                    f"found {len(row)} column"
                )
            if len(row) > len(columns):
                extra = [cell for cell in row[len(columns) :] if cell.strip()]
                if extra:
                    raise ImportRefused(
                        f"{label}:{start}: {len(row)} columns, but only {len(columns)} are known "
                        f"({', '.join(c or '?' for c in columns)})"
                    )
            values = {name: cell for name, cell in zip(columns, row, strict=False) if name}
            cards.append(csv_row_to_card(values, f"{label}:{start}"))
            if len(cards) > MAX_ROWS:
                raise ImportRefused(f"{label}: more than {MAX_ROWS} rows; split the file")
    except csv.Error as exc:
        raise ImportRefused(f"{label}:{line}: malformed CSV ({exc})") from None
    if not cards:
        raise ImportRefused(f"{label}: no cards found (expected rows of question, answer, …)")
    return cards


def read_csv(path: Path) -> list[SourceCard]:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ImportRefused(f"{path.name}: {size // MiB} MiB; too large for a card list")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    return read_csv_text(_decode(data, path.name), path.name)
