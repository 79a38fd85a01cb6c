"""Anki cloze deletions (`{{c1::answer::hint}}`), parsed in one linear pass.

A regular expression with lazy groups rescans the rest of the field from every unclosed
`{{c1::`, which takes minutes on a hostile 12 KB field; this scanner reads each character
once, keeps nested clozes (Anki allows them), and leaves unclosed markers as literal text.
Nesting deeper than MAX_DEPTH is literal text too, so rendering recursion stays shallow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 8
MAX_NUMBER = 500  # Anki's cloze numbers in practice; a larger one is literal text
_TOKEN = re.compile(r"\{\{c(\d{1,6})::|::|\}\}")


@dataclass
class Cloze:
    number: int
    parts: list[Part] = field(default_factory=list)
    hint: list[Part] | None = None
    opened: str = ""  # the literal marker, for an unclosed cloze given back as text


Part = str | Cloze


def parse(text: str) -> list[Part]:
    """The field as text pieces and clozes; linear in the length of `text`."""
    root: list[Part] = []
    stack: list[Cloze] = []

    def target() -> list[Part]:
        if not stack:
            return root
        top = stack[-1]
        return top.hint if top.hint is not None else top.parts

    last = 0
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            target().append(text[last : match.start()])
        token = match.group(0)
        last = match.end()
        if match.group(1) is not None:
            number = int(match.group(1))
            if len(stack) < MAX_DEPTH and 1 <= number <= MAX_NUMBER:
                stack.append(Cloze(number, opened=token))
            else:
                target().append(token)
        elif token == "::" and stack and stack[-1].hint is None:
            stack[-1].hint = []
        elif token == "}}" and stack:
            done = stack.pop()
            target().append(done)
        else:
            target().append(token)
    if last < len(text):
        target().append(text[last:])
    while stack:  # unclosed: give the marker and what followed back as text
        open_cloze = stack.pop()
        rest: list[Part] = [open_cloze.opened, *open_cloze.parts]
        if open_cloze.hint is not None:
            rest += ["::", *open_cloze.hint]
        target().extend(rest)
    return root


def numbers(parts: list[Part]) -> list[int]:
    """The cloze numbers used, in order: one Anki card each."""
    found: set[int] = set()
    pending = [parts]
    while pending:
        for part in pending.pop():
            if isinstance(part, Cloze):
                found.add(part.number)
                pending.append(part.parts)
    return sorted(found)


def front(parts: list[Part], number: int) -> str:
    """The question side of card `number`: its blanks as `[hint]` or `[…]`, others filled in."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part.number == number:
            out.append(f"[{''.join(_text(part.hint)) or '…'}]" if part.hint else "[…]")
        else:
            out.append(front(part.parts, number))
    return "".join(out)


def back(parts: list[Part], number: int) -> str:
    """The answer side of card `number`: its blanks filled in and bold (HTML)."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part.number == number:
            out.append(f"<b>{back(part.parts, number)}</b>")
        else:
            out.append(back(part.parts, number))
    return "".join(out)


def _text(parts: list[Part]) -> list[str]:
    return [p if isinstance(p, str) else back(p.parts, 0) for p in parts]
