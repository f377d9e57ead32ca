"""Randomized differential test: 10**5 indicator rows, batch engine against the scalar engine.

One batch of 100,000 rows under 60 random rules (every kind, both rounding modes,
places 0..4, floors, thresholds, steps, partial shares), rows drawn by
``batch_support.random_row``: numeric rows near the cap, the floor and the
threshold, zero targets and actuals, ceilings, strict comparators, qualitative rows
and judgements, unparseable texts.  Every score must be the scalar engine's Decimal
(value and exponent) and every error its message.
"""

from __future__ import annotations

import functools
import random
from decimal import Decimal

import numpy as np
from batch_support import random_row, random_rule

import selfscore as s
from selfscore.batch.rows import indicator_rows
from selfscore.batch.scoring import score_rows

N_ROWS = 100_000
N_RULES = 60
N_TEXTS = 30_000  # distinct (target, actual, judgement, lower) rows, each scored under many rules and weights
WEIGHTS = ("3.34", "3.33", "4", "20", "2.5", "10", "0", "1.25", "6.67", "3.335", Decimal("4.00"), Decimal("1E+1"))


@functools.cache
def _completion(target: s.Target, actual: s.Target, judgement: str | None) -> s.Completion | str:
    try:
        return s.completion(target, actual, judgement=judgement)
    except s.SelfScoreError as exc:
        return str(exc)


@functools.cache
def _target(text: str, lower: bool | None) -> s.Target | str:
    try:
        return s.parse_target(text, lower_is_better=lower)
    except s.SelfScoreError as exc:
        return str(exc)


@functools.cache
def _actual(text: str) -> s.Target | str:
    try:
        return s.parse_actual(text)
    except s.SelfScoreError as exc:
        return str(exc)


def scalar(rule: s.IndicatorRule, target: str, actual: str, weight: object, judgement: str | None,
           lower: bool | None) -> Decimal | str:
    """The scalar engine (its pure parsers and completion memoised: same results, less time)."""
    t = _target(target, lower)
    if isinstance(t, str):
        return t
    a = _actual(actual)
    if isinstance(a, str):
        return a
    done = _completion(t, a, judgement)
    if isinstance(done, str):
        return done
    try:
        return s.apply_rule(rule, s.to_decimal(weight), done).score
    except (s.SelfScoreError, ValueError) as exc:
        return str(exc)


def test_hundred_thousand_rows() -> None:
    rng = random.Random(20240601)
    rule_list = [random_rule(rng) for _ in range(N_RULES)]
    pool = [random_row(rng) for _ in range(N_TEXTS)]
    rows = [(t, a, rng.choice(WEIGHTS) if rng.random() < 0.5 else w, j, lb)
            for t, a, w, j, lb in (rng.choice(pool) for _ in range(N_ROWS))]
    codes = np.array([rng.randrange(N_RULES) for _ in range(N_ROWS)], dtype=np.int16)
    batch = indicator_rows([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                           judgements=[r[3] for r in rows], lower_is_better=[r[4] for r in rows])
    scores = score_rows(batch, rule_list, codes)
    got = scores.decimals()
    mismatches = []
    kinds = {"scored": 0, "error": 0, "bare": 0}
    for i, row in enumerate(rows):
        want = scalar(rule_list[codes[i]], *row)
        mine = got[i]
        if isinstance(want, Decimal):
            kinds["scored"] += 1
            ok = mine is not None and mine.as_tuple() == want.as_tuple()
        else:
            kinds["error"] += 1
            kinds["bare"] += "(a bare number against a percent target is ambiguous)" in want
            ok = mine is None and scores.errors.get(i) == want
        if not ok:
            mismatches.append((i, row, rule_list[codes[i]], want, mine, scores.errors.get(i)))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"
    assert kinds["scored"] > 0.8 * N_ROWS and kinds["error"] > 0.01 * N_ROWS
    assert kinds["bare"] > 100  # bare numbers against percent targets: refused on both paths, in one wording
