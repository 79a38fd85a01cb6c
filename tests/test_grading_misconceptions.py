"""A key point's mistaken claims (`not:` in the content): a confident wrong answer that uses
every word of a point for a false claim does not get the point, and a right answer that
happens to share the mistake's words keeps it."""

from __future__ import annotations

from pathlib import Path

from app.domain.card_writer import serialize_concept
from app.domain.content_checks import misconception_problems, repeated_phrasings
from app.domain.content_loader import parse_concept_file
from app.domain.grading import (
    grade_card,
    match_key_point,
    match_key_points,
    own_answer_refusals,
)

COHEN = "Cohen's kappa for two raters"
COHEN_WRONG = ("Cohen's kappa for large groups of raters",)
MQA = "MQA shares one K/V head across all queries"
MQA_WRONG = ("MQA shares one query head across many key/value heads",)


def judge(point: str, answer: str, mistakes: tuple[str, ...]) -> tuple[bool, str]:
    match = match_key_point(point, answer, mistakes=mistakes)
    return match.covered, match.explanation


def test_a_swapped_claim_in_the_points_words_loses_the_point() -> None:
    wrong = "Cohen's kappa is meant for large rater groups, Fleiss' only works with two raters."
    assert match_key_point(COHEN, wrong).covered  # without the list, the words are all there
    covered, why = judge(COHEN, wrong, COHEN_WRONG)
    assert not covered
    assert why == "states a common mistake: “Cohen's kappa for large groups of raters”"
    # The answer's words that state the mistake are shown, as a tick's are.
    assert match_key_point(COHEN, wrong, mistakes=COHEN_WRONG).evidence


def test_a_right_answer_that_shares_the_mistakes_words_keeps_the_point() -> None:
    right = "Cohen's kappa is for two raters; for large groups of raters use Fleiss' kappa."
    assert judge(COHEN, right, COHEN_WRONG)[0]
    right = "Cohen's kappa compares two raters, while Fleiss' kappa handles large rater groups."
    assert judge(COHEN, right, COHEN_WRONG)[0]


def test_a_small_word_carries_the_mistake_only_where_the_mistake_puts_it() -> None:
    wrong = "Multi-query attention uses one query head shared across many key/value heads."
    assert match_key_point(MQA, wrong).covered
    assert not judge(MQA, wrong, MQA_WRONG)[0]
    # "many" said of the query heads, as the point means it, is right.
    right = "In MQA you keep many query heads, but they all share just one key/value head."
    assert judge(MQA, right, MQA_WRONG)[0]


def test_a_denied_mistake_is_no_mistake() -> None:
    point = "PPO is on-policy"
    mistakes = ("PPO is off-policy",)
    assert judge(point, "PPO is on-policy: it learns from fresh rollouts.", mistakes)[0]
    assert not judge(point, "PPO is off-policy, it reuses a replay buffer.", mistakes)[0]
    assert judge(point, "PPO is on-policy; it is not off-policy like DQN.", mistakes)[0]


def test_a_mistake_about_another_thing_does_not_take_the_point() -> None:
    point = "Krippendorff's alpha handles missing ratings"
    mistakes = ("Krippendorff's alpha breaks on missing data",)
    answer = "Krippendorff's alpha copes with missing ratings. Percent agreement breaks on chance."
    assert judge(point, answer, mistakes)[0]
    assert not judge(point, "Krippendorff's alpha breaks on missing ratings.", mistakes)[0]


CARD = """---
id: agreement
title: Agreement
area: evaluation
summary: Agreement between raters.
---

## How do you measure agreement between raters?

```card
id: agreement-how
difficulty: medium
seconds: 60
key_points:
  - point: Cohen's kappa for two raters
    also: [kappa between a pair of annotators]
    not: ["Cohen's kappa for large groups of raters"]
  - point: Fleiss' kappa for many raters
    not: ["Fleiss' kappa only for two raters"]
  - percent agreement ignores chance
```

Cohen's kappa for two raters, Fleiss' kappa for many raters; percent agreement ignores chance.
"""


def test_the_content_format_carries_mistaken_claims(tmp_path: Path) -> None:
    path = tmp_path / "agreement.md"
    path.write_text(CARD, encoding="utf-8")
    parsed = parse_concept_file(path, CARD)
    assert not parsed.problems
    card = parsed.cards[0]
    assert parsed.concept is not None
    assert card.misconceptions == (COHEN_WRONG, ("Fleiss' kappa only for two raters",), ())
    assert card.phrasings[1] == ()
    # Own cards are written back this way: every list survives.
    again = tmp_path / "again.md"
    again.write_text(serialize_concept(parsed.concept, parsed.cards), encoding="utf-8")
    back = parse_concept_file(again, again.read_text(encoding="utf-8")).cards[0]
    assert (back.phrasings, back.misconceptions) == (card.phrasings, card.misconceptions)
    # The quiz grades with them.
    wrong = "Cohen's kappa is for large groups of raters and Fleiss' kappa only for two raters."
    assert [m.covered for m in grade_card(card, wrong)] == [False, False, False]
    right = "Use Cohen's kappa for two raters and Fleiss' kappa for many raters."
    assert [m.covered for m in grade_card(card, right)] == [True, True, False]


def test_check_content_refuses_a_mistake_that_is_the_point_or_about_nothing_of_it(
    tmp_path: Path,
) -> None:
    text = CARD.replace(
        """not: ["Fleiss' kappa only for two raters"]""",
        """not: ["Fleiss kappa for many raters", "BLEU counts n-grams"]""",
    )
    path = tmp_path / "agreement.md"
    path.write_text(text, encoding="utf-8")
    card = parse_concept_file(path, text).cards[0]
    assert misconception_problems(card) == [
        "mistaken claim 'Fleiss kappa for many raters' repeats key point "
        "'Fleiss' kappa for many raters'",
        "mistaken claim 'BLEU counts n-grams' shares no word with key point "
        "'Fleiss' kappa for many raters'",
    ]


def test_a_key_point_mapping_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    text = CARD.replace("    not: [\"Fleiss' kappa only", "    nope: [\"Fleiss' kappa only")
    path = tmp_path / "agreement.md"
    path.write_text(text, encoding="utf-8")
    problems = [p.message for p in parse_concept_file(path, text).problems]
    assert any("optionally 'also' and 'not'" in p for p in problems)


def test_an_answer_that_names_the_mistake_as_one_keeps_the_point() -> None:
    named = "Beware the misconception that Cohen's kappa is for large rater groups: two raters."
    assert judge(COHEN, named, COHEN_WRONG)[0]
    made = "Cohen's kappa is for large rater groups: two raters would be too few."
    assert not judge(COHEN, made, COHEN_WRONG)[0]


def test_a_mistake_left_implicit_is_the_questions_topic_not_a_rival_it_names() -> None:
    question = "What do the query, key and value of attention do?"
    points = ["key is what a token offers for matching", "query is what a token looks for"]
    mistakes = [("the key is what a token is looking for",), ()]
    right = "The query says what this token is looking for, the key offers what it matches on."
    covered = match_key_points(points, right, question=question, misconceptions=mistakes)
    assert covered[0].covered
    # "ALiBi" of "How does ALiBi ..." need not be repeated for its mistake to be stated.
    question = "How does ALiBi encode position?"
    point, mistake = "per-head slopes, geometric sequence", ("ALiBi uses one shared slope",)
    wrong = "It biases each head by distance, one shared slope for all heads."
    assert not match_key_points([point], wrong, question=question, misconceptions=[mistake])[
        0
    ].covered


def test_a_cards_own_answer_that_trips_a_mistake_is_found(tmp_path: Path) -> None:
    """A card's own answer is right by definition: a mistake that fires on it is written so
    that a right answer loses the point too (the grader benchmark lists any in the bank)."""
    path = tmp_path / "agreement.md"
    path.write_text(CARD, encoding="utf-8")
    card = parse_concept_file(path, CARD).cards[0]
    assert own_answer_refusals(card, {}) == []
    bad = CARD.replace(
        """not: ["Fleiss' kappa only for two raters"]""",
        """not: ["Fleiss' kappa for many biased raters"]""",
    ).replace("Fleiss' kappa for many raters;", "Fleiss' kappa for many biased raters;")
    path.write_text(bad, encoding="utf-8")
    card = parse_concept_file(path, bad).cards[0]
    assert [m.point for m in own_answer_refusals(card, {})] == ["Fleiss' kappa for many raters"]


def test_check_content_refuses_an_item_written_twice(tmp_path: Path) -> None:
    text = CARD.replace(
        "also: [kappa between a pair of annotators]",
        "also: [kappa between a pair of annotators, Kappa between a pair of  annotators]",
    )
    path = tmp_path / "agreement.md"
    path.write_text(text, encoding="utf-8")
    card = parse_concept_file(path, text).cards[0]
    assert repeated_phrasings(card) == [
        "also: item 'Kappa between a pair of  annotators' of key point "
        "'Cohen's kappa for two raters' is written twice"
    ]
