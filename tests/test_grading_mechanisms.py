"""Mechanisms of the key-point grader that fix whole classes of disagreement with an
interviewer: each case shows an answer the quiz now ticks and one it must still not tick.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.grading import match_key_point, match_key_points


def covered(point: str, answer: str) -> bool:
    return match_key_point(point, answer).covered


def test_shorthand_typed_under_a_timer_meets_its_long_form() -> None:
    point = "roll back to a checkpoint before the spike"
    assert covered(point, "Restore the ckpt from ~100 steps before the spike and resume.")
    assert not covered(point, "Save a ckpt every hour so nothing is lost.")
    point = "clip gradients by global norm"
    assert covered(point, "Clip grads to a max global norm of 1.0.")
    assert not covered(point, "Log the grads every step.")


def test_an_acronyms_plural_meets_its_singular() -> None:
    assert covered("GPUs sit idle", "During the all-reduce the GPU is idle.")
    assert not covered("GPUs sit idle", "During the all-reduce the CPU is idle.")
    assert covered("LLMs hallucinate", "An LLM will hallucinate sources.")


def test_everyday_equivalents_meet() -> None:
    # "cap" and "limit", "roll back" and "restore", "legally" and "law", "RAM" and "memory".
    assert covered("cap the number of steps", "Set a max-step limit on the number of steps.")
    assert covered("law requires it in some cases", "In some cases you're legally required to.")
    assert covered("memory-hungry, deletes are awkward", "It lives in RAM and deletes are hard.")
    assert not covered("law requires it in some cases", "Some teams like to label AI text.")
    assert covered("deploy gradually", "Roll out gradually, 1% of users first.")
    assert not covered("deploy gradually", "Test it gradually on 1% of users.")
    assert covered("versioned and tested like code", "Keep it in git and run evals like for code.")
    assert not covered("versioned and tested like code", "Write it like a README for code.")


def test_a_points_subject_has_rivals_only_when_the_question_compares_them() -> None:
    point = "production data differs from training data"
    other = "drift triggers investigation, not automatic retraining"
    answer = "Data drift is when production data shifts away from the training data."
    question = "What is data drift, and how would you detect it in production?"
    assert match_key_points([point, other], answer, question=question)[0].covered
    compared = "How do macro, micro and weighted averaging differ?"
    points = ["macro averages per-class scores equally", "micro pools TP, FP, FN over classes"]
    swapped = "Macro pools the TP, FP and FN over all classes; micro averages per-class scores."
    assert not match_key_points(points, swapped, question=compared)[0].covered


def test_a_currency_sign_is_cost() -> None:
    point = "drives cost and latency"
    assert covered(point, "Longer prompts = more $$ and higher latency.")
    assert not covered(point, "Longer prompts = more tokens in the window.")


def test_at_least_written_as_a_symbol() -> None:
    point = "sample at least k completions"
    assert covered(point, "Per problem you draw n ≥ k completions, e.g. 200.")
    assert covered(point, "Per problem you draw n >= k completions, e.g. 200.")
    assert not covered(point, "Per problem you draw exactly one completion.")


def test_a_formulas_notation_is_not_its_terms() -> None:
    point = "1 − C(n−c, k) / C(n, k)"
    assert covered(point, "pass@k ≈ 1 - binom(n-c, k)/binom(n, k), averaged over problems.")
    # "1" is in any formula or list: alone it states nothing.
    why = match_key_point(point, "pass@1 is just the plain success rate.")
    assert not why.covered
    assert why.explanation == "only a figure any formula has, none of the point's words"


def test_an_adverb_meets_its_adjective() -> None:
    assert covered("greedy decoding", "It just decodes greedily, one token at a time.")
    assert not covered("greedy decoding", "It decodes with beam search.")


def test_claims_crossed_between_two_subjects_do_not_tick() -> None:
    point = "encoder bidirectional, decoder causal with cross-attention"
    crossed = match_key_point(point, "The encoder is causal and the decoder is bidirectional.")
    assert not crossed.covered
    assert crossed.explanation == "says “bidirectional” of another thing than “encoder”"
    assert covered(
        point, "The encoder is bidirectional; the decoder is causal with cross-attention."
    )


def test_a_point_naming_both_sides_of_a_contrast_keeps_each_on_its_word() -> None:
    point = "more capacity lowers bias, raises variance"
    assert not covered(point, "More capacity gives lower bias and lower variance.")
    assert covered(point, "More capacity lowers bias but raises variance.")


def test_each_word_keeps_the_points_polarity() -> None:
    point = "limits are designed around, not patched"
    wrong = "They are temporary bugs the vendor patches, so we don't need to design around limits."
    result = match_key_point(point, wrong)
    assert not result.covered
    assert result.explanation.startswith("says the opposite")
    assert covered(point, "We design the product around these limits; they are not patched away.")


def test_the_opposite_action_on_the_points_thing_does_not_tick() -> None:
    point = "drops the learned critic (value network)"
    wrong = match_key_point(point, "GRPO adds a second critic, one value network per group.")
    assert not wrong.covered
    assert wrong.explanation == "says “adds”, the other side of “drops”"
    assert covered(point, "GRPO drops the learned critic and its value network entirely.")


def test_a_claim_about_another_labelled_thing_does_not_tick() -> None:
    point = "stage 1 shards optimizer state"
    wrong = match_key_point(point, "Stage 1 shards parameters, stage 3 shards optimizer state.")
    assert not wrong.covered
    assert wrong.explanation == "says it of stage 3, not stage 1"
    assert covered(point, "Stage 1 shards the optimizer state, stage 2 adds the gradients.")


def test_a_vision_transformer_is_a_vit() -> None:
    question = "CNN vs Vision Transformer: when would you choose each?"
    points = ["CNN has strong locality prior", "ViT needs more data or pretraining"]
    right = "A CNN has a strong locality prior. A Vision Transformer needs more data."
    wrong = "A vision transformer has the strong locality prior, so it needs less data."
    assert [m.covered for m in match_key_points(points, right, question=question)] == [True, True]
    assert not match_key_points(points, wrong, question=question)[0].covered


def test_a_thing_dismissed_right_after_it_is_not_stated() -> None:
    point, phrasing = "standardise features", ("feature scaling",)
    wrong = "Feature scaling doesn't matter for GD, only for trees."
    dismissed = match_key_point(point, wrong, phrasing)
    assert not dismissed.covered
    assert dismissed.explanation.startswith("says the opposite")
    assert match_key_point(point, "Feature scaling matters a lot for GD.", phrasing).covered
    assert not covered("human review of a sample", "Human review of samples isn't needed.")
    assert covered("human review of a sample", "Have humans review a sample every week.")
    # "X doesn't need Y" denies Y, not X.
    point = "GRPO samples a group of responses per prompt"
    assert covered(point, "GRPO doesn't need a critic; it samples a group of responses per prompt.")


def test_the_opposite_effect_on_the_points_thing_does_not_tick() -> None:
    point = "resampling and class weights break calibration"
    wrong = match_key_point(point, "Class weights and SMOTE improve calibration.")
    assert not wrong.covered
    assert wrong.explanation.startswith("says “improve”, the other side")
    assert covered(point, "Resampling or class weights distort probabilities and hurt calibration.")


def test_a_comparison_the_other_way_round_does_not_tick() -> None:
    point, phrasings = "judging is easier than demonstrating", ("comparing answers is easier",)
    reversed_ = match_key_point(point, "Demonstrating is easier than judging.", phrasings)
    assert not reversed_.covered
    assert reversed_.explanation == "compares the other way round"
    assert match_key_point(point, "Judging two answers is easier than demonstrating.").covered


def test_taking_the_points_thing_away_negates_it() -> None:
    point = "KL penalty moved into the loss"
    removed = match_key_point(point, "It removes the KL penalty entirely.")
    assert not removed.covered
    assert removed.explanation.startswith("says the opposite")
    assert covered(point, "The KL penalty is moved out of the reward into the loss.")
    instead = "Instead of the clipped ratio it uses the plain REINFORCE gradient."
    assert not covered("keeps the clipped ratio", instead)
    assert covered("keeps the clipped ratio", "It keeps PPO's clipped ratio.")
    # A point that takes something away itself is stated by an answer that does too.
    assert covered("drops the learned critic", "GRPO drops the learned critic.")
    # and by one that denies it: what a point takes away, "no ..." takes away too.
    assert covered("drops the learned critic model", "There's no learned critic model any more.")
    assert not covered("drops the learned critic model", "It trains a second critic.")


def test_the_alternative_phrasings_words_support_a_point_a_word_short() -> None:
    point = "watch the training loss for sudden spikes"
    phrasings = ("alert on sudden jumps in the training loss curve", "abrupt divergence of the run")
    # Two of the point's words, a word short, and two telling words of its phrasings: each
    # counts for half a missing word (a word of the model answer's statement for a whole one).
    assert match_key_point(point, "Monitor the loss; alert on abrupt changes.", phrasings).covered
    assert not match_key_point(point, "Monitor the loss; alert me.", phrasings).covered


def test_the_questions_topic_word_alone_gets_no_support() -> None:
    question = "What is probability calibration, and how do you fix it?"
    points = ["fit calibrator on held-out data", "Platt scaling or isotonic regression"]
    support = ["fit the calibrator on a held-out validation split", ""]
    weights = {"calibr": 2.0, "fit": 3.0, "held": 6.0, "data": 1.0, "valid": 6.0, "split": 6.0}
    topic_only = "You measure calibration with a calibration curve on a validation split."
    stated = "Fit the calibrator on a held-out validation split."
    assert not match_key_points(points, topic_only, (), weights, support, question)[0].covered
    assert match_key_points(points, stated, (), weights, support, question)[0].covered


def test_a_formulas_constant_is_notation_not_a_figure_to_give() -> None:
    point, phrasing = "L2 shrinks weights", ("ridge scales weights by 1/(1 + λ)",)
    answer = "Ridge scales every weight down by a constant factor, never to exactly zero."
    assert match_key_point("ridge scales weights by 1/(1 + λ)", answer).covered
    assert match_key_point(point, answer, phrasing).covered
    # A figure that is not a formula's constant must still be given.
    assert not covered("7B needs about 112 GB", "A 7B model needs over 100 GB.")


def test_two_words_of_the_point_written_as_one() -> None:
    point = "semi-supervised pseudo-labelling of unlabelled data"
    assert covered(point, "Train on pseudolabels the model gives the unlabelled data.")
    assert not covered(point, "Label the data by hand before training.")


def test_a_plain_mention_outweighs_a_negated_one_of_the_same_word() -> None:
    point = "specialised prompts and tool sets"
    answer = (
        "Each sub-agent gets a clean context so one doesn't drown in the others' tool output, "
        "and you can give them narrow, specialised prompts and only the tools they need."
    )
    assert covered(point, answer)
    assert not covered(point, "Specialised prompts help, but the agents get no tools at all.")


def test_a_supporting_word_the_answer_writes_as_two_words_is_shown_not_a_crash() -> None:
    """The model answer's "warmup" supports a point a word short; the candidate typed
    "warm up". Grading once failed on such an answer (the quiz could not be graded)."""
    match = match_key_point(
        "avoids divergence in the first steps of transformer training",
        "to stop it diverging you warm up the learning rate at the very start",
        support="a linear warmup of the learning rate avoids divergence early in training",
    )
    assert match.covered
    assert "warm" in match.explanation


def test_a_multiplier_is_its_figure_however_it_is_typed() -> None:
    """A multiplier typed "3x", "3×" or "3 times" is one figure; "1.5x" is 1.5, not 1 and 5x."""
    point = "speculative decoding is 2-3x faster"
    assert covered(point, "Speculative decoding: about 2 to 3 times faster decoding.")
    assert covered(point, "speculative decoding runs 2–3× faster")
    assert not covered(point, "speculative decoding runs 5x faster")
    assert covered("about 1.5x the throughput", "roughly 1.5× the throughput")
    assert not covered("about 1.5x the throughput", "roughly 5x the throughput")


def test_words_whose_ise_is_no_british_ize_keep_their_family() -> None:
    """UK "-ise" is US "-ize" for most verbs, but "precise", "supervise" and "noise" are
    spelled so in both: the rule must not part them from "precision", "supervision", "noisy"."""
    assert covered("precision of the estimate", "the estimate is precise")
    assert covered("self-supervised pretraining", "pretraining with self-supervision")
    assert covered("label noise", "noisy labels")
    assert covered("summarise the documents", "summarize the documents")  # the rule still holds
    assert not covered("label noise", "missing labels")


_BANK = None


def _bank():  # type: ignore[no-untyped-def]
    global _BANK
    if _BANK is None:
        from app.domain.content_loader import load_bank
        from app.domain.grading import bank_texts
        from app.locations import content_dir

        bank = load_bank(content_dir())
        _BANK = (bank, bank_texts(bank.cards.values()), sorted(bank.cards))
    return _BANK


@given(st.data())
@settings(max_examples=60, deadline=None, database=None)
def test_any_answer_made_of_the_fields_words_is_graded_without_fail(data: st.DataObject) -> None:
    """Answers cut from model answers and phrasings, words split in two or joined, negated
    and reordered: every one gets a verdict for each point (none may stop the quiz)."""
    from app.domain.grading import grade_card

    bank, points, card_ids = _bank()
    card = bank.cards[data.draw(st.sampled_from(card_ids))]
    other = bank.cards[data.draw(st.sampled_from(card_ids))]
    words = (
        f"{card.answer} {' '.join(p for ps in card.phrasings for p in ps)} {other.answer}".split()
    )
    picked = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=60))
    mangled = []
    for word in picked:
        how = data.draw(st.sampled_from(["keep", "split", "join", "not", "dot"]))
        if how == "split" and len(word) > 3:
            cut = data.draw(st.integers(1, len(word) - 1))
            mangled += [word[:cut], word[cut:]]
        elif how == "join" and mangled:
            mangled[-1] += word
        elif how == "not":
            mangled += ["not", word]
        elif how == "dot":
            mangled += [word + "."]
        else:
            mangled.append(word)
    verdicts = grade_card(card, " ".join(mangled), points)
    assert [v.point for v in verdicts] == list(card.key_points)


def test_a_removal_does_not_reach_past_what_the_answer_keeps() -> None:
    # "dropping X and keeping Y": the removal takes X, not Y.
    point = "transformer kept attention and dropped recurrence"
    answer = "That idea, dropping the recurrence and keeping only the attention, became it."
    assert covered(point, answer)
    assert not covered(point, "The Transformer dropped the attention and kept the recurrence.")
    # A negation of the keeping verb itself still reaches its object.
    assert not covered("add the raw scores", "You can't just add the raw scores.")


def test_dropping_what_the_point_lowers_lowers_it() -> None:
    point = "lower the learning rate if spikes recur"
    assert covered(point, "If the spikes keep recurring, drop LR.")
    assert not covered(point, "If the spikes keep recurring, raise the LR.")


def test_a_negation_a_check_looks_for_is_no_denial() -> None:
    point = "watch for test set contamination"
    assert covered(point, "Check the test set didn't leak into training, watch for that.")
    assert covered(point, "Make sure the test set doesn't leak into training.")
    assert not covered(point, "The test set doesn't leak into training, so no need to watch.")


def test_regardless_of_a_thing_denies_depending_on_it() -> None:
    point = "savings scale with hit rate"
    assert covered(point, "The savings grow with the hit rate.")
    assert not covered(point, "The savings are the same regardless of hit rate.")
    # A point that itself denies a dependence asserts no negative.
    point = "per-GPU traffic is constant regardless of GPU count"
    assert covered(point, "Per-GPU traffic stays constant as the GPU count grows.")


def test_a_thing_said_to_be_unaffected_is_not_changed() -> None:
    point = "KV cache shrinks by the group size"
    assert covered(point, "The KV cache shrinks by the group size, 8x for Llama.")
    assert not covered(point, "Groups of size 8 help compute; the KV cache is unaffected.")
    assert covered("weights stay unchanged", "The base weights stay unchanged, only B and A train.")


def test_a_negation_closing_its_clause_repeats_rather_than_denies() -> None:
    point = "description explains when to use the tool and when not"
    answer = "The description must explain in which situation to call the tool and in which not."
    assert covered(point, answer)
    assert not covered(point, "The description must not explain when to call the tool.")


def test_a_negation_does_not_reach_into_a_phrase_of_when_or_where() -> None:
    point = "plain BM25 at query time"
    assert covered(
        point, "Retrieval is still BM25 on an inverted index, no neural model at query time."
    )
    assert not covered(point, "There is no BM25 at query time, a neural model scores everything.")
    # "in" and "on" take the negated thing's object as often: they are not such a phrase.
    point = "vocab size grows the embedding table"
    assert not covered(point, "Vocab size has no effect on the embedding table.")


def test_the_ends_of_one_scale_are_opposite_sides() -> None:
    # "larger" and "lower", "fewer" and "more", "halves" and "doubles" are one scale's ends.
    point = "larger batches need a higher learning rate"
    assert covered(point, "With bigger batches you can use a higher learning rate.")
    assert not covered(point, "Bigger batches want a smaller learning rate.")
    assert not covered("uses fewer KV heads", "It uses more KV heads than MHA.")
    point = "dynamic scaling halves the scale on overflow"
    assert covered(point, "Dynamic scaling halves the scale when it sees an overflow.")
    assert not covered(point, "Dynamic scaling doubles the scale on every overflow.")


def test_opposite_operations_on_the_points_things() -> None:
    point = "multiply the loss by S, then divide the gradients by S"
    assert covered(point, "Multiply the loss by 1024, then divide the gradients by the same S.")
    assert not covered(point, "You divide the loss by S and multiply the gradients back.")
    point = "separate data from instructions"
    assert covered(point, "Keep the data separate from the instructions, e.g. in tags.")
    assert not covered(point, "Mix the data into the instructions so it's one paragraph.")
    point = "pre-norm placement is more stable"
    assert covered(point, "Pre-norm placement trains more stably.")
    assert not covered(point, "Transformers use post-norm placement because it's more stable.")


def test_a_contrast_word_acts_on_the_words_after_it() -> None:
    # "halves the scale": the side acts on "scale", which the point named before.
    point = "dynamic scaling halves the scale on overflow"
    assert not covered(point, "Dynamic scaling doubles the scale on every overflow.")
    # "long wrong answers": "short answers" qualifies the same thing the other way.
    point = "dividing by response length penalises long wrong answers less"
    assert covered(
        point, "Dividing by response length penalises long wrong answers less per token."
    )
    assert not covered(point, "Dividing by response length cuts the penalty on short answers.")
    # Both sides on one word ("small models", "large models") is no contrast to check.
    point = "send easy requests to small models and hard ones to large models"
    assert covered(
        point, "A router sends easy requests to the small model, hard ones to large models."
    )


def test_a_direction_word_alone_states_nothing() -> None:
    point = "minimised at k about √L"
    why = match_key_point(point, "More checkpoints means less memory.")
    assert not why.covered
    assert why.explanation.startswith("only a direction word")
    # Both sides of a contrast are a relation between them.
    point = "(treated after − before) − (control after − before)"
    assert covered(
        point, "Take how much it went up from before to after, minus the same for control."
    )


def test_a_crossed_claim_crosses_both_ways() -> None:
    point = "encoder bidirectional, decoder causal"
    assert not covered(point, "The encoder is causal and the decoder is bidirectional.")
    # Words said after the second subject, none of its own said of the first: no crossing.
    point = "classifier can't tell the windows apart, AUC 0.5"
    answer = (
        "Train a clf ref-vs-current on the embeddings: AUC ~0.5 = can't tell the windows apart."
    )
    assert covered(point, answer)


def test_the_model_answers_words_support_only_the_same_statement() -> None:
    point = "KV cache dominates decode memory traffic"
    support = "decoding is bound by memory bandwidth, reading the cache"
    near = "Decode is bandwidth bound: it keeps reading the cache."
    assert match_key_point(point, near, support=support).covered
    far = (
        "Decode uses the cache a lot. Prefill on the other hand runs big matmuls over the"
        " whole prompt at once, so it ends up compute bound."
    )
    assert not match_key_point(point, far, support=support).covered


def test_a_comparison_does_not_state_an_equality() -> None:
    point = "micro-F1 equals accuracy for single-label"
    assert covered(point, "For single-label problems micro-F1 is the same as accuracy.")
    why = match_key_point(point, "Micro-F1 is always lower than accuracy for single-label data.")
    assert not why.covered
    assert why.explanation == "compares where the point equates"


def test_small_words_of_the_model_answer_support_nothing() -> None:
    point = "measure recall; misses are leaks"
    support = "track recall because every miss leaks"
    answer = "A missed name is harmless because it gets deleted after 30 days."
    assert not match_key_point(point, answer, support=support).covered
    assert match_key_point(point, "Track recall: a miss leaks.", support=support).covered


def test_a_one_letter_function_name_is_notation() -> None:
    # "C(n−c, k)" calls C: its terms are n, c and k, not "k, C" across the call.
    point = "1 − C(n−c, k) / C(n, k)"
    answer = (
        "For each problem draw n samples, c of them pass, pass@k ≈ 1 - binom(n-c, k)/binom(n, k)."
        " The plug-in version (q = c/n, then 1-(1-q)^k) underestimates."
    )
    assert covered(point, answer)
    assert not covered(point, "pass@k is just the plug-in estimate 1-(1-q)^k with q = k/n.")


def test_a_negation_in_the_answers_own_words_for_the_negated_part() -> None:
    point = "double the scale after 2000 steps without overflow"
    assert covered(point, "Go ~2000 steps with no trouble, then double the scale.")
    assert not covered(point, "Double the scale after 2000 steps.")
    assert not covered(point, "Never double the scale after 2000 steps without trouble.")


def test_a_phrasing_of_one_word_states_no_longer_point() -> None:
    point = "your part versus the team's"
    phrasings = ["what I did versus what the team did", "my part versus teammates' work"]
    answer = "Present it as a team effort and say 'we' throughout."
    assert not match_key_point(point, answer, phrasings).covered
    answer = "Be clear which part was yours and what the team did."
    assert match_key_point(point, answer, phrasings).covered


def test_a_word_said_both_ways_counts_where_the_points_other_words_are() -> None:
    point = "classifier separating windows, AUC about 0.5 means no drift"
    answer = (
        "If perplexity stays flat, there's no drift. A classifier separating the two windows"
        " with an AUC around 0.5 means strong drift."
    )
    assert not covered(point, answer)
    answer = (
        "Drift shows up as a shift. A classifier separating the two windows with an AUC"
        " around 0.5 means no drift."
    )
    assert covered(point, answer)
