"""What an operation changed, so every screen can refresh what it shows (and only that).

Every operation that writes returns a `Changes` value; the main window hands it to every
screen. Screens that are hidden refresh when next shown; screens not built yet ignore it.
"""

from __future__ import annotations

from enum import Flag, auto


class Changes(Flag):
    """A set of kinds of data an operation changed (combine them with `|`)."""

    NONE = 0
    QUEUE = auto()  # today's review queue: which cards are due, the counts
    PROGRESS = auto()  # cards' schedules: state, due date, suspended, flagged, review log
    CONTENT = auto()  # the bank: cards and concepts (the user's own cards, imports)
    QUIZZES = auto()  # quiz sessions and answers
    SETTINGS = auto()  # study settings, mastery threshold, interview date
    MAP = auto()  # the map's pinned positions and saved view
    STORIES = auto()  # STAR stories and their rehearsals
