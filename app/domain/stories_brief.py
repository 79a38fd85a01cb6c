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


def brief_markdown(stories: Sequence[Story], cover: Coverage, on: date) -> str:
    lines = [f"# My stories · {on:%d %B %Y}", ""]
    if not stories:
        return "\n".join([*lines, "No stories yet.", ""])
    questions = {q.id: q for q in cover.questions}
    for story in stories:
        tags = ", ".join(story.competency_titles())
        lines += [f"## {story.title}", "", f"*{story.project}* · {tags}", ""]
        for part in PARTS:
            lines.append(
                f"- **{PART_TITLES[part][0]}** {headline(story.part(part), HEADLINE_WORDS)}"
            )
        lines.append(f"- **#** {' · '.join(story.numbers)}")
        told = [
            questions[q].text for q, s in cover.answer.items() if s == story.id and q in questions
        ]
        if told:
            shown = " · ".join(told[:3]) + (f" (+{len(told) - 3} more)" if len(told) > 3 else "")
            lines.append(f"- **Q** {shown}")
        lines.append("")
    if cover.missing_competencies:
        missing = ", ".join(COMPETENCIES[c] for c in cover.missing_competencies)
        lines += [f"*No story yet for:* {missing}.", ""]
    return "\n".join(lines)
