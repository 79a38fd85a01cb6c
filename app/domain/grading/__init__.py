"""Does a typed answer state a key point? Graded the way a fair interviewer listens.

An interviewer credits the idea, not the vocabulary, and never credits an idea the candidate
contradicted. The matcher therefore:

- compares *normalised* words: UK and US spelling meet ("quantisation", "quantized"),
  abbreviations and typed shorthand meet their long forms ("KV" and "key-value", "RAG",
  "grads", "ckpt"), an acronym's plural its singular ("GPUs"), words candidates use for the
  same idea meet through a lexicon of the field (`lexicon.py`: "logloss", "cross-entropy"),
  inflections meet through the Snowball stemmer, "100GB" is 100 GB, "8 thousand" is 8k, "≥1"
  is "at least 1", a figure to fewer decimals meets the point's ("1.44" for "1.443"), a
  possessive "'s" is not a word, and filler such as "versus" is ignored;
- weighs the words: rare ones more, and the card's question's own words (or words several of
  its points share) less, since every answer on the topic, wrong ones included, uses them;
- looks for the point inside **one sentence** (or two neighbouring ones) of the answer, and
  there in a short stretch, so words gathered from different sentences, or from different
  claims of one long sentence, do not add up to an idea nobody stated;
- lets the card's **own model answer** widen a point's vocabulary: a stretch a word or two
  short of the point still states it when it also holds telling words of the clause of the
  model answer that states the point (`model_statements`), or twice as many of the point's
  alternative phrasings, not words the question or the card's other points use (and not for
  a stretch that holds only the question's topic words of the point);
- refuses a sentence that **negates** what the point asserts ("non-convex even for logistic
  regression" does not state "convex for logistic regression"), or asserts what it negates; a
  negation reaches to the next comma or sentence end, no further, and each word keeps its own
  side of the point's negation; a thing **dismissed** right after it is named ("feature
  scaling doesn't matter", "the KV cache is unaffected") is negated too; a negation or a
  removal stops at a verb that keeps ("dropping the recurrence and keeping the attention")
  and at a phrase of time or place ("no neural model at query time"); "regardless of X"
  denies depending on X; what a check looks for ("check the test set didn't leak") is no
  denial;
- refuses a **swapped relation**: when the point ties its subject to one side of a contrast
  ("tensor parallelism within a node"), a sentence tying it to the other side ("tensor
  parallelism across nodes") does not state it, even if the first word appears later on (the
  two ends of one scale are opposite sides: "larger", "higher", "more" against "smaller",
  "lower", "fewer", "halves"); so does a qualifier swapped before its noun ("smaller vocab"
  for "larger vocab");
- refuses the **opposite action** on the point's thing ("adds a second critic" for "drops
  the learned critic", "removes the KL penalty"), a **comparison the other way round**
  ("demonstrating is easier than judging"), a comparison for an equality ("micro-F1 is lower
  than accuracy" for "micro-F1 equals accuracy"), **crossed claims** ("the encoder is causal
  and the decoder bidirectional" for "encoder bidirectional, decoder causal") and words said
  under **another labelled thing** ("stage 3 shards the optimizer state" for "stage 1
  shards optimizer state");
- refuses a **different formula**: an answer that gives the point's defined word a formula
  with other terms ("precision = TP/(TP+FN)") states it in none of its sentences;
- refuses a claim about **another of the things the question compares** ("micro averages the
  per-class scores equally" for the point "macro averages per-class scores equally"), and
  figures tied to the wrong words ("8 query heads and 32 KV heads");
- accepts any of the point's alternative phrasings written in the content (`also:`), so a
  paraphrase the author foresaw is credited;
- refuses a point whose **mistaken claims** (`not:`) the answer states where it seems to
  state the point.

Every verdict carries its explanation and the character spans of the answer that made it,
so the grading page can highlight them and the learner can see through (and override) it.
Deterministic and fast: about a millisecond per key point, no model to load.

One module per job, each importing only the ones above it in this list:

- `lexicon`: the words of the field, data only;
- `words`: a text as normalised tokens, key words, the sides of contrasts;
- `answer_index`: an answer's sentences, windows and clauses, indexed by word;
- `negation`: is a word negated, dismissed or taken away;
- `point`: a key point (or phrasing, or mistake) prepared once;
- `claims`: the checks that refuse words which do not make the point's claim;
- `judging`: one phrasing against each window of an answer, and the supporting words;
- `mistakes`: does the answer state one of the point's mistaken claims;
- `matching`: the verdict and its explanation (`PointMatch`), every point of a card;
- `model_answer`: the clause of the card's model answer that states each point;
- `weights`: how much each word weighs;
- `card`: a card graded and prepared ahead, its own answer checked against its mistakes.

This package exports what the rest of the app uses; a module's tuned constants live in
that module (patch them there).
"""

from __future__ import annotations

from app.domain.grading.answer_index import AnswerIndex
from app.domain.grading.card import (
    card_misconceptions,
    card_phrasings,
    grade_card,
    own_answer_refusals,
    prepare_card,
)
from app.domain.grading.matching import PointMatch, match_key_point, match_key_points
from app.domain.grading.mistakes import MISTAKE_STATED
from app.domain.grading.model_answer import model_clauses, model_statements
from app.domain.grading.weights import bank_texts, topic_weights, word_weights
from app.domain.grading.words import Token, key_words, tokenize

__all__ = [
    "MISTAKE_STATED",
    "AnswerIndex",
    "PointMatch",
    "Token",
    "bank_texts",
    "card_misconceptions",
    "card_phrasings",
    "grade_card",
    "key_words",
    "match_key_point",
    "match_key_points",
    "model_clauses",
    "model_statements",
    "own_answer_refusals",
    "prepare_card",
    "tokenize",
    "topic_weights",
    "word_weights",
]
