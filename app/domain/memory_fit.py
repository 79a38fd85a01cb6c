"""Personal FSRS parameters: fit them from the learner's own reviews and say whether they help.

The fit is `fsrs-rs-python` (the Rust optimizer Anki uses, 0.6 MB) rather than the `fsrs`
package's optimizer, which needs PyTorch (about 190 MB for its CPU wheel alone). It is
imported only when a fit runs.

What counts is a *long-term review*: a review at least a study day after the card's previous
one. Only those say how memory decays between days (learning steps within a day do not), so
they are the reviews counted against `MIN_REVIEWS`. A fifth of the cards (chosen by a hash of
the card id, so the same on every run) are held out: the fit never sees them, and the log
loss and RMSE (FSRS's binned RMSE, as Anki shows it) of the current and the fitted
parameters are measured on their reviews, by the same library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.memory_model import PARAMETER_COUNT

# Below this many long-term reviews the fit is not offered. The held-out fifth then has
# fewer than about 80 reviews, too few to tell a better parameter set from a worse one: in
# simulation (learners whose true parameters differ from the defaults, 12 logs per size) the
# fitted set did worse than the defaults on held-out reviews by up to 0.048 log loss with
# ~150 long-term reviews, by at most 0.028 with ~450 and 0.009 with ~2,000. Whatever the
# size, parameters that do worse on the held-out reviews are never applied.
MIN_REVIEWS = 400
HELD_OUT_SHARE = 5  # one card in five

Progress = Callable[[int, int, str], None]  # (step, of, what)


@dataclass(frozen=True)
class FitResult:
    reviews: int  # long-term reviews in the log
    parameters: tuple[float, ...]
    log_loss_before: float
    log_loss_after: float
    rmse_before: float
    rmse_after: float

    @property
    def better(self) -> bool:
        """The fitted parameters predict the held-out reviews better than the current ones."""
        return self.log_loss_after < self.log_loss_before


class NotEnoughReviews(Exception):
    def __init__(self, reviews: int, needed: int = MIN_REVIEWS) -> None:
        super().__init__(
            f"not enough reviews ({reviews} of {needed}): personal parameters need {needed} "
            "reviews made at least a day after the card's previous one"
        )
        self.reviews = reviews
        self.needed = needed


History = Sequence[tuple[date, int]]  # (study day, rating 1-4), oldest first


def long_term_reviews(histories: Mapping[str, History]) -> int:
    return sum(
        1
        for history in histories.values()
        for previous, current in zip(history, history[1:], strict=False)
        if (current[0] - previous[0]).days > 0
    )


def held_out(card_id: str) -> bool:
    digest = hashlib.blake2b(card_id.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % HELD_OUT_SHARE == 0


def _items(histories: Iterable[History]) -> list[list[tuple[int, int]]]:
    """One training item per long-term review: the card's reviews up to and including it,
    as (rating, days since the previous review)."""
    items = []
    for history in histories:
        reviews: list[tuple[int, int]] = []
        previous: date | None = None
        for day, rating in history:
            delta = 0 if previous is None else (day - previous).days
            reviews.append((int(rating), delta))
            previous = day
            if delta > 0:
                items.append(list(reviews))
    return items


def fit(
    histories: Mapping[str, History],
    current: Sequence[float],
    progress: Progress | None = None,
) -> FitResult:
    """Fit on four cards in five, measure on the fifth. Raises `NotEnoughReviews`."""
    report = progress or (lambda _step, _of, _what: None)
    total = long_term_reviews(histories)
    if total < MIN_REVIEWS:
        raise NotEnoughReviews(total)
    import fsrs_rs_python as rs

    report(1, 4, "Preparing your reviews")
    train = _items(h for card_id, h in histories.items() if not held_out(card_id))
    test = _items(h for card_id, h in histories.items() if held_out(card_id))

    def as_rs(items: list[list[tuple[int, int]]]) -> list[rs.FSRSItem]:
        return [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in item]) for item in items]

    report(2, 4, "Fitting your parameters")
    fitted = rs.FSRS(list(current)).compute_parameters(as_rs(train))
    if len(fitted) != PARAMETER_COUNT:
        raise ValueError(f"the optimizer returned {len(fitted)} parameters")
    report(3, 4, "Measuring on held-out reviews")
    held = as_rs(test)
    before = rs.FSRS(list(current)).evaluate(held)
    after = rs.FSRS(list(fitted)).evaluate(held)
    report(4, 4, "Done")
    return FitResult(
        total,
        tuple(round(p, 4) for p in fitted),
        before.log_loss,
        after.log_loss,
        before.rmse_bins,
        after.rmse_bins,
    )
