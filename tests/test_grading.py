"""The key-point grader credits the idea in any words, never the vocabulary alone.

Each case is one of the ways the old word-overlap matcher disagreed with an interviewer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.grading import (
    key_words,
    match_key_point,
    match_key_points,
    tokenize,
    word_weights,
)


def covered(point: str, answer: str, alternatives: tuple[str, ...] = ()) -> bool:
    return match_key_point(point, answer, alternatives).covered


def test_a_negated_statement_does_not_tick_the_point() -> None:
    point = "convex for logistic regression"
    wrong = "The loss is non-convex even for logistic regression, so we need restarts."
    result = match_key_point(point, wrong)
    assert not result.covered
    assert result.explanation.startswith("says the opposite")
    assert covered(point, "For logistic regression the log loss is convex.")
    assert not covered(point, "It isn't convex for logistic regression.")


def test_a_contraction_typed_without_its_apostrophe_still_negates() -> None:
    point = "staff training on AI use"
    assert covered(point, "Every team gets staff training on AI use.")
    for hurried in (
        "Staff training on AI use isnt required.",
        "We dont do staff training on AI use.",
    ):
        result = match_key_point(point, hurried)
        assert not result.covered
        assert result.explanation.startswith("says the opposite")
    # "cant" and "wont" are words of their own, so they are left as they are typed.
    assert key_words("cant") == ["cant"]


def test_hurried_shorthand_reads_as_the_words_it_stands_for() -> None:
    point = "fine-tune with dropout"
    assert not covered(point, "Fine-tune w/o dropout, it only slows things down.")
    assert covered(point, "Fine-tune w/ dropout on the adapters.")
    # "w/o" negates its own object only, as "without" does; "deps" are dependencies.
    parallel = ("steps without dependencies execute concurrently",)
    answer = "Steps w/o deps can go concurrently."
    assert covered("independent steps run in parallel", answer, parallel)
    assert not any(token.negation for token in tokenize("I/O bound, and/or GPU-bound"))


def test_a_point_that_is_a_negative_needs_the_negation() -> None:
    assert covered("no value network", "GRPO drops the critic: there is no value network.")
    missing = match_key_point("no value network", "GRPO trains a value network.")
    assert not missing.covered
    assert missing.explanation == "leaves out the point's negation"


def test_emphasis_is_not_negation() -> None:
    assert covered("reduces memory", "It not only reduces memory but also speeds things up.")


def test_swapped_relations_do_not_tick() -> None:
    swapped = "Tensor parallelism across nodes and pipeline parallelism within one node."
    right = "Tensor parallelism within a node over NVLink; pipeline parallelism across nodes."
    for point in ("tensor parallelism within a node", "pipeline parallelism across nodes"):
        assert not covered(point, swapped)
        assert covered(point, right)
    why = match_key_point("tensor parallelism within a node", swapped).explanation
    assert why == "ties “tensor” to “across”, not “within”"


def test_a_contrast_counts_only_about_the_same_thing() -> None:
    point = "tensor parallelism within a node"
    assert covered(point, "Tensor parallelism splits the matrices across GPUs within a node.")
    assert not covered(point, "Tensor parallelism runs inter-node, over the network.")
    # A point that names both sides is not a relation the answer can swap.
    assert covered("trades compute for memory", "checkpointing trades compute for memory")


def test_negation_reaches_past_small_words_and_spelled_numbers_are_not_figures() -> None:
    assert not covered("use the full window", "You can't really use the full window.")
    assert covered("data parallel plus ZeRO sharding", "Data parallel with ZeRO-style sharding.")


def test_words_from_sentences_far_apart_do_not_add_up() -> None:
    """A point must be stated within two neighbouring sentences, as people spread one idea."""
    point = "dropout regularises by averaging thinned networks"
    scattered = (
        "Dropout is a layer. Weight decay is another regulariser. Ensembles are different. "
        "They average models. Pruning thins a model."
    )  # four of the five key words, but never three within two neighbouring sentences
    assert not covered(point, scattered)
    assert covered(point, "Dropout regularises. It averages many thinned networks.")


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        ("quantization to int8", "Quantisation to 8-bit halves the memory"),
        ("quantized weights", "the weights are quantised"),
        (
            "KV cache grows with sequence length",
            "the key-value cache grows with the sequence length",
        ),
        ("retrieval augmented generation", "that's RAG"),
        ("learning rate warmup", "warm up the LR first"),
        ("labelled data", "data that is labeled"),
        ("analyse the errors", "analyze every error"),
        ("behaviour of the model", "the model's behavior"),
        ("fine-tuning with LoRA", "LoRA finetuning"),
    ],
)
def test_spelling_abbreviations_and_inflections_meet(point: str, answer: str) -> None:
    assert covered(point, answer), match_key_point(point, answer).explanation


def test_numbers_with_units_stay_whole() -> None:
    assert key_words("a 405B model, 70B too, 1,000 docs at 0.5 MiB") == [
        "405b",
        "model",
        "70b",
        "1k",
        "document",
        "0.5",
        "mib",
    ]
    assert not covered(
        "kernels below the ridge are memory bound", "kernels above the ridge are memory bound"
    )


def test_noise_words_are_not_key_words() -> None:
    assert key_words("the company's data versus labels") == ["compani", "data", "label"]
    assert "s" not in key_words("the model's output")


def test_alternative_phrasings_credit_a_paraphrase() -> None:
    point = "semi-supervised pseudo-labelling"
    answer = "Take the predictions the model is very sure of and use them as extra labels."
    assert not covered(point, answer)
    alternative = ("confident predictions used as labels",)
    result = match_key_point(point, answer, alternative)
    assert result.covered
    assert "as “confident predictions used as labels”" in result.explanation
    reserve = ("reserve a slice of traffic for exploration",)
    assert covered("reserved exploration traffic", "set aside 2-5 % of traffic to explore", reserve)


def test_evidence_spans_point_at_the_words_that_counted() -> None:
    answer = "We use a KV cache so decoding reuses past keys."
    result = match_key_point("KV cache", answer)
    assert result.covered
    assert [answer[a:b] for a, b in result.evidence] == ["KV", "cache"]


def test_rare_words_weigh_more_than_common_ones() -> None:
    bank = ("model data", "model detection", "data detection", "model drift detection alerts")
    weights = word_weights(bank)
    assert weights["drift"] > weights["model"]
    # "model" and "detection" are two words of four but well under half of the weight.
    light = match_key_point("model drift detection alerts", "model detection", weights=weights)
    assert not light.covered
    assert light.explanation == (
        "2 of 4 key words together (model, detection), but not the ones that carry the point "
        "(drift, alerts)"
    )
    assert match_key_point("model drift detection alerts", "drift alerts", weights=weights).covered


def test_grading_is_deterministic_and_aligned_with_the_points() -> None:
    points = ["KV cache", "paged attention", "continuous batching"]
    answer = "vLLM pages the KV cache and batches continuously."
    first = match_key_points(points, answer)
    assert first == match_key_points(points, answer)
    assert [m.point for m in first] == points
    assert [m.covered for m in first] == [True, False, True]


def test_the_content_format_carries_alternative_phrasings(tmp_path: Path) -> None:
    from app.domain.card_writer import serialize_concept
    from app.domain.content_loader import parse_concept_file

    text = """---
id: semi
title: Semi-supervised learning
area: ml-foundations
summary: Learning from few labels.
---

## How do you use unlabelled data?

```card
id: semi-how
difficulty: medium
seconds: 60
key_points:
  - point: semi-supervised pseudo-labelling
    also: [confident predictions used as labels, self-training on its own predictions]
  - consistency regularisation
  - a small labelled set
```

Pseudo-labelling: train on the labelled set, label what the model is confident about, retrain.
"""
    path = tmp_path / "semi.md"
    path.write_text(text, encoding="utf-8")
    parsed = parse_concept_file(path, text)
    assert not parsed.problems
    card = parsed.cards[0]
    assert card.key_points[0] == "semi-supervised pseudo-labelling"
    assert card.phrasings == (
        ("confident predictions used as labels", "self-training on its own predictions"),
        (),
        (),
    )
    # Writing the card back (own cards are saved this way) keeps every phrasing.
    again = tmp_path / "again.md"
    again.write_text(serialize_concept(parsed.concept, parsed.cards), encoding="utf-8")
    written = again.read_text(encoding="utf-8")
    assert parse_concept_file(again, written).cards[0].phrasings == card.phrasings
    from app.domain.grading import grade_card

    typed = "Take the predictions the model is very sure of and use them as extra labels."
    assert [m.covered for m in grade_card(card, typed)] == [True, False, False]


def test_a_negation_does_not_reach_past_a_comma_or_a_sentence_end() -> None:
    point = "split numbers into single digits"
    assert covered(point, "Add byte fallback so nothing is OOV, split numbers into single digits.")
    assert covered(point, "The tool output never happened; split numbers into single digits.")
    assert not covered(point, "Never split numbers into single digits.")


def test_figures_run_together_with_units_or_a_second_figure_are_read_as_figures() -> None:
    assert key_words("over 100GB for 224x224 images") == ["100", "gb", "224", "imag"]
    assert covered("224 image, 16 patches gives 196 tokens", "224x224 pixels, 16 px patches: 196")
    # A spelled-out number in the point is a word, not a figure the answer must write.
    assert covered("approach and one key decision", "My approach, and the key decision was X.")


def test_figures_written_in_words_or_at_another_scale_meet_the_figure() -> None:
    assert covered("about 33% more compute", "it costs roughly a third more compute")
    assert covered("loss drops by 25%", "the loss falls by a quarter")
    assert covered("memory drops by 50%", "memory is cut in half")
    assert covered("10x fewer parameters", "an order of magnitude fewer parameters")
    assert covered("1000 tokens per second", "1k tokens per second")
    assert covered("a batch of 1M tokens", "a batch of a million tokens")
    assert covered("an index of 10,000 vectors", "10k vectors in the index")
    assert covered("99th percentile latency under 2 s", "p99 latency under 2 s")
    # Another figure is still another figure, and a third layer is no fraction.
    assert not covered("about 33% more compute", "roughly 25% more compute")
    assert not covered("p99 latency", "p95 latency")
    assert not covered("1000 tokens per second", "a third of the tokens per second")


def test_pass_at_k_and_pass_hat_k_are_two_metrics() -> None:
    all_k = "pass^k, all k trials succeed, measures reliability"
    any_k = "pass@k, at least one of k samples right"
    assert not covered(all_k, "pass@k: at least one of k trials succeeds, a reliability check")
    assert not covered(any_k, "pass^k: every one of the k samples has to be right")
    assert covered(all_k, "pass^k: every one of the k trials has to succeed, so it's reliability")
    assert covered(any_k, "pass@k: at least 1 of the k samples is right")
    assert key_words("recall@10 and pass@1") == ["recal", "10", "pass", "1"]


def test_a_formula_with_other_terms_does_not_state_the_point_anywhere_in_the_answer() -> None:
    point = "precision TP ÷ (TP + FP)"
    swapped = "The matrix holds TP, FP, FN, TN. Precision is TP/(TP+FN), recall TP/(TP+FP)."
    verdict = match_key_point(point, swapped)
    assert not verdict.covered
    assert "different formula" in verdict.explanation
    assert covered(point, "precision = tp/(tp+fp), recall = tp/(tp+fn)")
    # Notation around the same terms is no other formula.
    assert covered("advantage A = Q − V", "The advantage A(s, a) = Q(s, a) − V(s).")


def test_a_qualifier_swapped_before_its_noun_does_not_tick() -> None:
    point = "larger vocab means shorter sequences"
    assert not covered(point, "Smaller vocabularies give shorter sequences.")
    assert covered(point, "A larger vocabulary means shorter sequences.")


def test_the_field_lexicon_meets_how_candidates_talk() -> None:
    assert covered("binary classification with log loss", "It's a binary clf trained on logloss.")
    assert covered("repeat runs, report confidence intervals", "Run it several times, give CIs.")
    assert covered(
        "ignored context, conflicting sources", "It disregards context; docs contradict."
    )
    assert covered(
        "residual plus layer norm around each sublayer",
        "skip connection + layernorm wraps every sublayer",
    )


def test_the_questions_own_words_alone_do_not_tick_a_point() -> None:
    from app.domain.content import Card, Difficulty
    from app.domain.grading import grade_card

    card = Card(
        id="beam",
        concept="decoding",
        question="When would you use beam search?",
        answer="",
        key_points=("beam search gives bland text", "keeps the best partial sequences"),
        difficulty=next(iter(Difficulty)),
        seconds=60,
    )
    on_topic = "Beam search is slow."
    assert covered(card.key_points[0], on_topic)  # without the question, half the words
    assert [m.covered for m in grade_card(card, on_topic)] == [False, False]
    assert grade_card(card, "Beam search gives bland, generic text.")[0].covered


def test_the_model_answers_own_words_make_up_for_a_missing_key_word() -> None:
    point = "identity path carries gradient"
    statement = "the skip connection lets the gradient flow straight back to the early layers"
    answer = "Gradients flow straight back through the shortcut to the early layers."
    assert not match_key_point(point, answer).covered  # one key word short on its own
    supported = match_key_point(point, answer, support=statement)
    assert supported.covered
    assert supported.explanation.endswith(
        "with the model answer's flow, straight, back, early, layers"
    )
    assert [answer[a:b] for a, b in supported.evidence][:3] == ["Gradients", "flow", "straight"]
    # Its words count only where the answer asserts them, and never without the point's own.
    negated = "Gradients don't flow back to layers."
    assert not match_key_point(point, negated, support=statement).covered
    unrelated = "Activations flow straight back to the early layers."
    assert not match_key_point(point, unrelated, support=statement).covered


def test_the_model_statement_of_a_point_is_the_clause_that_says_it_without_negating() -> None:
    from app.domain.content import Card, Difficulty
    from app.domain.grading import model_statements

    answer = (
        "**Residual blocks add their input back.** Here the skip path carries the gradient "
        "straight to early layers; a plain net has no skip path that carries gradient.\n\n"
        "```python\nskip_path = carries_gradient(x)\n```\n"
    )
    points = ("skip path carries the gradient", "trains hundreds of layers")
    card = Card("res", "residuals", "Why residuals?", answer, points, Difficulty.EASY, 60)
    statement = (
        "Residual blocks add their input back Here the skip path carries the gradient "
        "straight to early layers"
    )
    assert model_statements(card) == (statement, "")


def test_a_points_words_must_sit_close_together_in_a_long_sentence() -> None:
    point = "loss scaling prevents fp16 underflow"
    spread = (
        "Loss scaling is something we added early on, and over the weekend we trained many "
        "epochs with a huge batch on eight GPUs, tuned dropout, warmup and weight decay, and "
        "watched for fp16 underflow."
    )
    close = "Scaling the loss up prevents fp16 underflow of small gradients."
    assert covered(point, close)
    assert not covered(point, spread)


def test_a_claim_about_another_compared_thing_does_not_tick() -> None:
    question = "How do macro, micro and weighted averaging differ?"
    points = ["macro averages per-class scores equally", "micro pools TP, FP, FN over classes"]
    swapped = (
        "Macro pools the TP, FP and FN over all classes; micro averages the per-class scores "
        "so each class counts equally."
    )
    right = (
        "Micro pools the TP, FP and FN over all classes; macro averages the per-class scores "
        "so each class counts equally."
    )
    assert [m.covered for m in match_key_points(points, swapped, question=question)] == [
        False,
        False,
    ]
    why = match_key_points(points, swapped, question=question)[0].explanation
    assert why == "says it of “micro”, not “macro”"
    assert [m.covered for m in match_key_points(points, right, question=question)] == [True, True]


def test_figures_tied_to_the_wrong_words_do_not_tick() -> None:
    point = "Llama 3 8B uses 32 query, 8 KV heads"
    swapped = match_key_point(point, "Llama 3 8B has 8 query heads and 32 KV heads.")
    assert not swapped.covered
    assert swapped.explanation == "ties “query” to 8, not 32"
    assert covered(point, "Llama 3 8B: 32 query heads share 8 KV heads.")


def test_a_figure_given_to_fewer_decimals_or_in_words_meets_the_points() -> None:
    point = "1 nat ≈ 1.443 bits, 1 hartley ≈ 3.322 bits"
    assert covered(point, "1 nat is about 1.44 bits and 1 hartley about 3.32 bits.")
    assert not covered(point, "1 nat is about 1.25 bits and 1 hartley about 2.5 bits.")
    assert covered("sized from 8k to 1M+ tokens", "Sizes go from 8 thousand to one million tokens.")
