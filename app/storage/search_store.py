"""Full-text search over cards with SQLite FTS5: rebuild from the content, ranked queries.

The user's words are never passed to FTS5 as syntax: each word becomes a quoted prefix
term ("word"*), all of which must match, so no input can raise a query syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

# Private-use marks around matched words; callers escape the text, then turn them into markup.
MARK_START = "\ue000"
MARK_END = "\ue001"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    card_id: str
    rank: int  # 0 is the best match
    score: float  # bm25; lower is better
    question: str  # the whole question with matches marked
    snippet: str  # the best-matching passage with matches marked


def query_terms(user_text: str) -> list[str]:
    """The words of a search box, lowercased; punctuation and FTS operators are dropped."""
    return [w.lower() for w in _WORD.findall(user_text)]


def fts_query(user_text: str) -> str:
    """A safe FTS5 MATCH expression: every word quoted and matched as a prefix."""
    return " ".join(f'"{term}"*' for term in query_terms(user_text))


class SearchStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM card_search")).scalar_one())

    def search(self, user_text: str, limit: int = 500) -> list[SearchHit]:
        """Best matches first (bm25: question weighs most, then key points, then answer)."""
        match = fts_query(user_text)
        if not match:
            return []
        sql = text(
            "SELECT card_id, rank, highlight(card_search, 1, :s, :e), "
            "snippet(card_search, -1, :s, :e, '…', 14) "
            "FROM card_search WHERE card_search MATCH :m ORDER BY rank LIMIT :n"
        )
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sql, {"m": match, "s": MARK_START, "e": MARK_END, "n": limit}
                ).all()
        except OperationalError:
            return []  # e.g. a word FTS5 still refuses; searching never breaks the screen
        return [
            SearchHit(str(card_id), i, float(score), str(question), str(snippet))
            for i, (card_id, score, question, snippet) in enumerate(rows)
        ]
