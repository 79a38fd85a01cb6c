"""The field's lexicon: candidates say an idea in everyday words, and an interviewer hears
the same claim. Each case shows an everyday wording that ticks a point, and for a group that
could blur a distinction, a contrasting wrong claim that still does not tick it.
"""

from __future__ import annotations

import pytest

from app.domain.grading import key_words, match_key_point


def covered(point: str, answer: str) -> bool:
    return match_key_point(point, answer).covered


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        # "spits out" is "produces"
        ("a network produces the vector", "The encoder network spits out a vector."),
        # paying is a cost
        ("cost scales with tokens", "You pay per token, so long prompts cost more."),
        (
            "human approval before booking or paying",
            "A person approves before anything is purchased or booked.",
        ),
        # "lives in RAM" is "must stay in memory"
        ("graph must stay in RAM", "The whole graph lives in RAM."),
        # "shows" is "exposes", "bad" is "poor"
        (
            "macro exposes poor rare-class performance",
            "Macro-F1 shows the bad performance on rare classes.",
        ),
        ("weights nearly always zero", "The weights are almost always zero."),
        ("forecast 0.2 means 20% happen", "If it predicts 0.2, about 20% should occur."),
        (
            "escalate when the customer asks",
            "Escalate to a human as soon as the user asks for one.",
        ),
        ("BatchNorm needs running stats", "Batch normalization keeps running statistics."),
        ("L2 penalty shrinks weights smoothly", "Ridge shrinks every weight smoothly."),
        (
            "layers of linear map plus non-linearity",
            "Layers are a linear map followed by a nonlinearity.",
        ),
    ],
)
def test_an_everyday_wording_ticks_the_point(point: str, answer: str) -> None:
    assert covered(point, answer)


def test_a_cost_said_as_paying_is_still_refused_when_denied() -> None:
    assert covered("cost scales with tokens", "You pay per token.")
    assert not covered("cost scales with tokens", "Cost doesn't depend on tokens at all.")


def test_staying_in_memory_is_refused_when_the_answer_puts_it_elsewhere() -> None:
    assert covered("graph must stay in RAM", "The HNSW graph sits in RAM.")
    assert not covered("graph must stay in RAM", "The graph sits on disk, not in memory.")


def test_a_swapped_size_is_still_refused() -> None:
    point = "BatchNorm needs running stats and large batches"
    assert covered(point, "Batch norm keeps running statistics and wants large batches.")
    assert not covered(point, "Batch norm keeps running statistics and works with tiny batches.")


def test_distinctions_the_lexicon_keeps() -> None:
    # L2 is ridge and L1 lasso, never each other.
    assert key_words("ridge") == key_words("L2")
    assert key_words("lasso") == key_words("L1")
    assert key_words("lasso") != key_words("ridge")
    # Training is not learning's synonym here, nor fine-tuning training's.
    assert key_words("trained") != key_words("learned")
    assert key_words("fine-tuned") != key_words("trained")
    # Precision and recall, latency and throughput stay apart.
    assert key_words("precision") != key_words("recall")
    assert key_words("latency") != key_words("throughput")
    # "initialised" is not "triggered".
    assert key_words("initialised") != key_words("triggered")


def test_a_hyphenated_non_word_is_one_word_not_a_negation() -> None:
    point = "ReLU adds a non-linearity"
    assert covered(point, "ReLU is the nonlinearity between the linear layers.")
    assert not match_key_point(point, "ReLU adds a non-linearity.").explanation.startswith(
        "says the opposite"
    )


def test_spelled_out_units_and_long_forms_meet_their_symbols() -> None:
    assert covered("a 7B model needs about 112 GB", "A 7B model takes roughly 112 gigabytes.")
    assert covered("minimise mean squared error", "It minimises the MSE.")
    assert covered(
        "RoPE rotates queries and keys", "Rotary position embeddings rotate the queries and keys."
    )


def test_open_ended_work_is_ambiguous_work_and_not_simple_work() -> None:
    point = "frontier models for hard open-ended work"
    assert covered(point, "Use frontier models for complex, ambiguous tasks.")
    assert not covered(point, "Use frontier models for simple, well-defined tasks.")


def test_a_staged_rollout_is_a_gradual_deployment() -> None:
    assert covered("deploy gradually", "A staged rollout: 1% of users first, then more.")
    assert not covered("deploy gradually", "Test it on 1% of users first.")
