"""LaTeX math as readable Unicode text: `\\frac{QK^\\top}{\\sqrt{d_k}}` shows as (QKᵀ)/√(dₖ).

Lattice renders Markdown in Qt's rich-text engine, which has no math typesetting and no
WebEngine; a typesetting library would not fit the bundle. So math is shown as text: Greek
letters and operators as their Unicode characters, scripts as super- and subscript characters
where Unicode has them (else ^(…) and _(…)), fractions as (a)/(b), roots as √(x). Delimiters:
Anki's \\(…\\) and \\[…\\], and $…$ / $$…$$ in Markdown. Linear time, bounded input.
"""

from __future__ import annotations

import re

MAX_MATH_CHARS = 500

SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "oint": "∮",
    "partial": "∂",
    "nabla": "∇",
    "infty": "∞",
    "cdot": "·",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "times": "×",
    "div": "÷",
    "pm": "±",
    "mp": "∓",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "sim": "∼",
    "simeq": "≃",
    "equiv": "≡",
    "propto": "∝",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "subseteq": "⊆",
    "cup": "∪",
    "cap": "∩",
    "forall": "∀",
    "exists": "∃",
    "neg": "¬",
    "land": "∧",
    "lor": "∨",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "leftrightarrow": "↔",
    "iff": "⇔",
    "mapsto": "↦",
    "top": "ᵀ",
    "intercal": "ᵀ",
    "perp": "⊥",
    "circ": "∘",
    "star": "⋆",
    "ast": "∗",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "langle": "⟨",
    "rangle": "⟩",
    "lVert": "‖",
    "rVert": "‖",
    "|": "‖",
    "emptyset": "∅",
    "ell": "ℓ",
    "hbar": "ħ",
    "mid": "|",
    "colon": ":",
    ",": " ",
    ";": " ",
    "quad": "  ",
    "qquad": "   ",
    "!": "",
    " ": " ",
    "{": "{",
    "}": "}",
    "%": "%",
    "$": "$",
    "_": "_",
    "&": "&",
    "#": "#",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "bigg": "",
    "Bigg": "",
    "displaystyle": "",
    "limits": "",
    "nolimits": "",
}
WORDS = {
    "log",
    "ln",
    "exp",
    "sin",
    "cos",
    "tan",
    "max",
    "min",
    "arg",
    "argmax",
    "argmin",
    "lim",
    "sup",
    "inf",
    "det",
    "dim",
    "Pr",
    "softmax",
    "KL",
    "tr",
    "sgn",
}
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
TEXT_COMMANDS = {
    "text",
    "mathrm",
    "mathit",
    "mathbf",
    "mathsf",
    "mathtt",
    "operatorname",
    "textbf",
    "textit",
    "boldsymbol",
    "bm",
    "mathcal",
    "vec",
    "hat",
    "bar",
    "tilde",
    "overline",
    "widehat",
    "widetilde",
}
SUPERSCRIPT = str.maketrans("0123456789+-=()niaeoxTt", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣᵀᵗ")
SUBSCRIPT = str.maketrans("0123456789+-=()aeoxijnkmtlrspuv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₙₖₘₜₗᵣₛₚᵤᵥ")
_SUP_CHARS = set("0123456789+-=()niaeoxTt")
_SUB_CHARS = set("0123456789+-=()aeoxijnkmtlrspuv")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def group(self) -> str:
        """The next argument: a {braced group} converted, or one character / command."""
        text = self.text
        while self.at < len(text) and text[self.at] == " ":
            self.at += 1
        if self.at >= len(text):
            return ""
        if text[self.at] == "{":
            depth, start = 0, self.at
            while self.at < len(text):
                ch = text[self.at]
                depth += ch == "{"
                depth -= ch == "}"
                self.at += 1
                if depth == 0:
                    break
            return _convert(text[start + 1 : self.at - 1])
        match = _COMMAND.match(text, self.at)
        if match:
            self.at = match.end()
            return _command(match.group(1), self)
        self.at += 1
        return text[self.at - 1]


def _command(name: str, reader: _Reader) -> str:
    if name == "frac" or name == "dfrac" or name == "tfrac":
        top, bottom = reader.group(), reader.group()
        return f"{_wrap(top)}/{_wrap(bottom)}"
    if name == "sqrt":
        return f"√{_wrap(reader.group(), always=True)}"
    if name in ("mathbb", "mathbbm"):
        arg = reader.group()
        return "".join(BLACKBOARD.get(ch, ch) for ch in arg)
    if name in TEXT_COMMANDS:
        return reader.group()
    if name in WORDS:
        return name + " "
    return SYMBOLS.get(name, name)


def _wrap(text: str, always: bool = False) -> str:
    text = text.strip()
    simple = re.fullmatch(r"[\w.ᵀ⁰-⁹₀-₉ⁱⁿ]+|√\([^()]*\)", text) is not None
    return text if simple and not always else f"({text})"


def _script(body: str, sup: bool) -> str:
    allowed, table = (_SUP_CHARS, SUPERSCRIPT) if sup else (_SUB_CHARS, SUBSCRIPT)
    if body and all(ch in allowed for ch in body):
        return body.translate(table)
    if body == "ᵀ" and sup:
        return body
    mark = "^" if sup else "_"
    return f"{mark}{body}" if len(body) == 1 else f"{mark}({body})"


def _convert(latex: str) -> str:
    reader = _Reader(latex)
    out: list[str] = []
    while reader.at < len(latex):
        ch = latex[reader.at]
        if ch in "^_":
            reader.at += 1
            out.append(_script(reader.group(), ch == "^"))
        elif ch == "{":
            out.append(reader.group())
        elif ch == "}":
            reader.at += 1
        elif ch in " \n\t":
            reader.at += 1
            out.append(" ")
        else:
            out.append(reader.group())
    return "".join(out)


def latex_to_text(latex: str) -> str:
    """Readable Unicode for one math expression (its text unchanged beyond MAX_MATH_CHARS)."""
    if len(latex) > MAX_MATH_CHARS:
        return latex
    return " ".join(_convert(latex).split())
