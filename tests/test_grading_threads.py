"""The grader on two threads: the quiz prepares a card's words on a worker thread while the
window may grade an answer."""

from __future__ import annotations

import sys
import threading

from app.domain.grading.words import _stem

STEMS = ("quantis", "normalis", "regulariz", "tokeniz", "optimis", "generaliz", "calibrat")
ENDINGS = ("ation", "ing", "ed", "es", "er")


def test_words_stemmed_on_two_threads_at_once_stem_as_on_one() -> None:
    """A stemmer shared between threads would mix up the words it works on."""
    words = [f"{s}{e}{i}" for i in range(60) for s in STEMS for e in ENDINGS]
    results: list[dict[str, str]] = [{}, {}]

    def stem_all(into: dict[str, str], order: list[str]) -> None:
        for word in order:
            into[word] = _stem(word)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the interpreter from thread to thread all the time
    try:
        threads = [
            threading.Thread(target=stem_all, args=(results[0], words)),
            threading.Thread(target=stem_all, args=(results[1], words[::-1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    alone = {word: _stem(word) for word in words}
    assert results[0] == alone
    assert results[1] == alone
