"""Moving a retired card's history to the card that replaced it (content/retired.yaml)."""

from __future__ import annotations

import sqlite3


def move_card_history(conn: sqlite3.Connection, old_id: str, new_id: str) -> None:
    """Give `new_id` the review log and schedule of `old_id`, inside the caller's transaction.

    Every review of the old card is re-keyed, so the history reads as one card's. If both
    cards have a schedule (the user studied both duplicates), the one reviewed last is kept:
    it reflects the most recent evidence of what the user remembers.
    """
    conn.execute("UPDATE review_log SET card_id = ? WHERE card_id = ?", (new_id, old_id))
    old = conn.execute("SELECT last_review FROM progress WHERE card_id = ?", (old_id,)).fetchone()
    if old is None:
        return
    new = conn.execute("SELECT last_review FROM progress WHERE card_id = ?", (new_id,)).fetchone()
    if new is not None:
        if (new[0] or "") >= (old[0] or ""):
            conn.execute("DELETE FROM progress WHERE card_id = ?", (old_id,))
            return
        conn.execute("DELETE FROM progress WHERE card_id = ?", (new_id,))
    conn.execute("UPDATE progress SET card_id = ? WHERE card_id = ?", (new_id, old_id))
