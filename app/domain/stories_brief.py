"""The night-before brief: every story on one page, as Markdown (the PDF is rendered from it).

Per story only what jogs the memory: the title and project, one line per STAR part (its
headline), the numbers, and the questions it is the answer to. A line at the end names the
competencies no story shows yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.domain.stories import COMPETENCIES, PART_TITLES, PARTS, Story, headline
from app.domain.stories_coverage import Coverage

HEADLINE_WORDS = 22
COMPACT_WORDS = 12


def brief_markdown(
    stories: Sequence[Story], cover: Coverage, on: date, *, compact: bool = False
) -> str:
    """The brief; `compact` (for many stories on one page) runs each story's beats together
    in one paragraph, cuts headlines shorter and leaves out the questions it answers."""
    lines = [f"# My stories · {on:%d %B %Y}", ""]
    if not stories:
        return "\n".join([*lines, "No stories yet.", ""])
    questions = {q.id: q for q in cover.questions}
    for story in stories:
        tags = ", ".join(story.competency_titles())
        lines += [f"## {story.title}", "", f"*{story.project}* · {tags}", ""]
        words = COMPACT_WORDS if compact else HEADLINE_WORDS
        beats = [f"**{PART_TITLES[p][0]}** {headline(story.part(p), words)}" for p in PARTS]
        beats.append(f"**#** {' · '.join(story.numbers)}")
        if compact:  # one paragraph, using the page's width
            lines.append(" ".join(beats))
        else:
            lines += [f"- {beat}" for beat in beats]
        told = [
            questions[q].text for q, s in cover.answer.items() if s == story.id and q in questions
        ]
        if told and not compact:
            shown = " · ".join(told[:3]) + (f" (+{len(told) - 3} more)" if len(told) > 3 else "")
            lines.append(f"- **Q** {shown}")
        lines.append("")
    if cover.missing_competencies:
        missing = ", ".join(COMPETENCIES[c] for c in cover.missing_competencies)
        lines += [f"*No story yet for:* {missing}.", ""]
    return "\n".join(lines)
