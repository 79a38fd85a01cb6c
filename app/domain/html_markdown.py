"""HTML from other apps (Anki fields, CSV exports) to safe Markdown or plain text.

The HTML is first cleaned by an allow-list sanitiser (nh3): scripts, styles, images, frames and
event attributes are gone before anything reads it. The cleaned tree is then written out as
Markdown in which every piece of text is literal: Markdown punctuation is escaped and `<` never
reaches the renderer as a tag, so imported text cannot inject HTML or load remote resources.
Code stays code: `<pre>` becomes a fenced block, `<code>` an inline code span.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3

from app.domain.media_names import (
    MediaNameRefused,
    image_ref,
    is_image,
    is_sound,
    safe_media_name,
    sound_ref,
)

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "code": {"class"},
    "img": {"src", "alt"},
    "pre": {"class"},
}
DROPPED_CONTENT = {"script", "style", "title", "head", "template", "noscript", "iframe", "object"}

# Characters str.splitlines() treats as line breaks, besides \n and \r.
LINE_BREAKERS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Control characters, and what YAML refuses to read even inside quotes (C1 controls,
# non-characters, lone surrogates).
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
SOUND = re.compile(r"\[sound:([^\]\n]{0,300})\]")
# A sound tag stands in the text as SOUND_MARK, its index, SOUND_END until the Markdown is
# written, so that escaping the text around it leaves the link it becomes intact.
SOUND_MARK, SOUND_END = "\ue000", "\ue001"
_SOUND_SLOT = re.compile(f"{SOUND_MARK}(\\d+){SOUND_END}")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
_LANGUAGE = re.compile(r"(?:language|lang)-([\w+#.-]+)")
LIST_MARK = "\x00list\x00"
NEW_LIST = "\x00new\x00"  # a list's first item: never merged into the list before it
SUPERSCRIPT = str.maketrans("0123456789+-=()niaeox", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣ")
SUBSCRIPT = str.maketrans("0123456789+-=()aeoxijnkmt", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₙₖₘₜ")
_BLOCK = {"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}


def clean_text(text: str) -> str:
    """Remove control characters and the odd line separators a Markdown file must not hold."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", LINE_BREAKERS.sub("\n", text))


def sanitise(fragment: str) -> str:
    """The allow-listed subset of `fragment`: no scripts, styles, images or remote resources."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )


def escape_markdown_text(text: str) -> str:
    """Literal text in Markdown: punctuation escaped, `<` and `&` as entities."""
    text = html.escape(text, quote=False)  # & < >
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escape_line_start(line: str) -> str:
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line, count=1)


def _fence_for(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _inline_code(code: str) -> str:
    code = " ".join(code.split())
    if not code:
        return ""
    ticks = "`" * (max((len(r) for r in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


class _Converter(HTMLParser):
    """Walks sanitised HTML and writes Markdown blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.pre: list[str] | None = None
        self.pre_language = ""
        self.code: list[str] | None = None
        self.link: str | None = None
        self.link_text: list[str] = []
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.quote = 0
        self.new_list = False
        self.script: list[str] | None = None  # text of an open <sup> or <sub>

    # -- output helpers ----------------------------------------------------------------
    def _emit(self, piece: str) -> None:
        if self.script is not None:
            self.script.append(piece)
        elif self.cell is not None:
            self.cell.append(piece)
        elif self.link is not None:
            self.link_text.append(piece)
        else:
            self.line.append(piece)

    def _flush(self) -> None:
        text = "".join(self.line)
        self.line = []
        lines = [" ".join(part.split()) for part in text.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            return
        if self.lists:
            depth = len(self.lists) - 1
            kind = self.lists[-1]
            marker = f"{kind[1]}." if kind[0] else "-"
            indent = "    " * depth  # four spaces: what both Markdown dialects nest by
            first = f"{indent}{marker} {_escape_line_start(lines[0])}"
            rest = [f"{indent}    {_escape_line_start(line)}" for line in lines[1:]]
            mark = LIST_MARK + (NEW_LIST if self.new_list else "")
            self.new_list = False
            self.blocks.append(mark + "\n".join([first, *rest]))
            return
        out = [_escape_line_start(line) for line in lines]
        if self.quote:
            out = ["> " + line for line in out]
        self.blocks.append("  \n".join(out) if not self.quote else "\n".join(out))

    # -- parser callbacks --------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.pre is not None:
            if tag == "br":
                self.pre.append("\n")
            elif tag == "code" and not self.pre_language:
                match = _LANGUAGE.search(attributes.get("class") or "")
                self.pre_language = match.group(1).lower() if match else ""
            return
        if tag == "pre":
            self._flush()
            self.pre = []
            match = _LANGUAGE.search(attributes.get("class") or "")
            self.pre_language = match.group(1).lower() if match else ""
        elif tag == "code":
            self.code = []
        elif tag == "br":
            self._emit("\n")
        elif tag == "img":
            self._emit(image_markdown(attributes.get("src") or "", attributes.get("alt") or ""))
        elif tag in ("b", "strong"):
            self._emit("**")
        elif tag in ("i", "em"):
            self._emit("*")
        elif tag == "a":
            href = attributes.get("href") or ""
            if href.startswith(("http://", "https://")) and self.cell is None:
                self.link, self.link_text = href, []
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
        elif tag in ("ul", "ol"):
            self._flush()
            self.new_list = self.new_list or not self.lists
            self.lists.append([1 if tag == "ol" else 0, 0])
        elif tag in ("sup", "sub") and self.script is None:
            self.script = []
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag == "hr":
            self._flush()
            self.blocks.append("* * *")
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("sup", "sub") and self.script is not None and self.pre is None:
            self._end_script(tag)
            return
        if tag == "pre" and self.pre is not None:
            code = "".join(self.pre).strip("\n")
            self.pre = None
            if code.strip():
                fence = _fence_for(code)
                self.blocks.append(f"{fence}{self.pre_language}\n{code}\n{fence}")
            return
        if self.pre is not None:
            return
        if tag == "code" and self.code is not None:
            code, self.code = "".join(self.code), None
            self._emit(_inline_code(code))
        elif tag in ("b", "strong"):
            self._emit("**")
        elif tag in ("i", "em"):
            self._emit("*")
        elif tag == "a" and self.link is not None:
            text = "".join(self.link_text).strip()
            href, self.link = self.link, None
            target = href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            self._emit(f"[{text}]({target})" if text else "")
        elif tag == "li":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        elif tag in ("td", "th") and self.cell is not None and self.table:
            text = " ".join("".join(self.cell).split())
            self.table[-1].append(text)
            self.cell = None
        elif tag == "table" and self.table is not None:
            self._write_table(self.table)
            self.table = None
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.pre is not None:
            self.pre.append(data)
        elif self.code is not None:
            self.code.append(data)
        else:
            self._emit(escape_markdown_text(data))

    def _end_script(self, tag: str) -> None:
        """x<sup>2</sup> as x², H<sub>2</sub>O as H₂O; what Unicode lacks as x^(n+k)."""
        raw = "".join(self.script or [])
        self.script = None
        table, mark = (SUPERSCRIPT, "^") if tag == "sup" else (SUBSCRIPT, "\\_")
        plain = raw.replace("\\", "")
        if plain and all(ch in "".join(map(chr, table)) for ch in plain):
            self._emit(plain.translate(table))
        elif raw.strip():
            self._emit(f"{mark}({raw})" if len(plain) > 1 else f"{mark}{raw}")

    def _write_table(self, rows: list[list[str]]) -> None:
        rows = [row for row in rows if any(cell for cell in row)]
        if not rows:
            return
        width = max(len(row) for row in rows)
        padded = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(padded[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in padded[1:]]
        self.blocks.append("\n".join(lines))

    def result(self) -> str:
        if self.pre is not None:
            self.handle_endtag("pre")
        if self.code is not None:
            self.handle_endtag("code")
        if self.link is not None:
            self.handle_endtag("a")
        if self.table is not None:
            self.handle_endtag("table")
        self._flush()
        out: list[str] = []
        if self.script is not None:
            self._end_script("sup")
        for block in self.blocks:
            if block.startswith(LIST_MARK + NEW_LIST):
                out.append(block.replace(NEW_LIST, "", 1))
            elif block.startswith(LIST_MARK) and out and out[-1].startswith(LIST_MARK):
                out[-1] += "\n" + block.removeprefix(LIST_MARK)
            elif block.strip():
                out.append(block)
        return "\n\n".join(block.removeprefix(LIST_MARK) for block in out)


def media_name_of(src: str) -> str | None:
    """The media folder name for a file an Anki field refers to (`<img src>`, `[sound:]`),
    or None for a web address, a data: URI or a path that is not a plain file name."""
    src = src.strip()
    if not src or ":" in src.split("/")[0] or src.startswith("//"):
        return None
    raw = unquote(src) if "%" in src else src
    try:
        return safe_media_name(raw)
    except MediaNameRefused:
        return None


def _alt(text: str) -> str:
    return " ".join(re.sub(r"[\[\]\\<>&`*_|]", " ", text).split())[:200]


def image_markdown(src: str, alt: str) -> str:
    """An image of the package's media as a media reference; anything else as its alt text."""
    name = media_name_of(src)
    if name is None or not is_image(name):
        return escape_markdown_text(" ".join(alt.split()))
    return image_ref(name, _alt(alt))


def _sound_markdown(raw: str) -> str:
    name = media_name_of(raw)
    if name is None or not is_sound(name):
        return escape_markdown_text(f"(sound {raw.strip()})")
    return sound_ref(name)


def _mark_sounds(text: str, sounds: list[str]) -> str:
    """Each `[sound:x]` as a slot holding its index in `sounds` (filled in at the end)."""
    text = text.replace(SOUND_MARK, "").replace(SOUND_END, "")

    def slot(match: re.Match[str]) -> str:
        sounds.append(match.group(1))
        return f"{SOUND_MARK}{len(sounds) - 1}{SOUND_END}"

    return SOUND.sub(slot, text)


def html_to_markdown(fragment: str) -> str:
    """Sanitised Markdown for an HTML fragment; every piece of its text shows literally.
    Images and sounds of the package's media become `media:` references."""
    sounds: list[str] = []
    cleaned = sanitise(_mark_sounds(clean_text(fragment), sounds))
    converter = _Converter()
    converter.feed(cleaned)
    converter.close()
    result = _SOUND_SLOT.sub(lambda m: _sound_markdown(sounds[int(m.group(1))]), converter.result())
    return clean_text(result).strip()


_IMG_TAG = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"', re.IGNORECASE)


def html_to_text(fragment: str, media: bool = False) -> str:
    """One line of plain text (a question): tags dropped, entities decoded, spaces collapsed.

    With `media`, images and sounds stay as `media:` references (a question's picture)."""
    sounds: list[str] = []
    slots: list[str] = []
    if media:
        fragment = _mark_sounds(clean_text(fragment), sounds)
    else:
        fragment = SOUND.sub("", clean_text(fragment))
    cleaned = sanitise(fragment)
    if media:

        def image_slot(match: re.Match[str]) -> str:
            found = {k.lower(): html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(1))}
            slots.append(image_markdown(found.get("src", ""), found.get("alt", "")))
            return f" {SOUND_MARK}i{len(slots) - 1}{SOUND_END} "

        cleaned = _IMG_TAG.sub(image_slot, cleaned)
    cleaned = re.sub(r"<br\s*/?>|</(p|div|li|h\d)>", " ", cleaned, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]*>", "", cleaned)
    text = " ".join(clean_text(html.unescape(text)).split())
    if media:
        text = re.sub(
            f"{SOUND_MARK}(i?)(\\d+){SOUND_END}",
            lambda m: (
                slots[int(m.group(2))] if m.group(1) else _sound_markdown(sounds[int(m.group(2))])
            ),
            text,
        )
    return text.strip()


def looks_like_html(text: str) -> bool:
    """Whether a CSV cell is HTML (as Anki's plain-text export writes) rather than Markdown."""
    return bool(
        re.search(
            r"<(br|div|p|b|i|u|ul|ol|li|code|pre|span|img|strong|em|table|a|sub|sup)\b[^>]*>",
            text,
            flags=re.IGNORECASE,
        )
    )
