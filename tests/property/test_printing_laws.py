"""Laws of the new printings, on releases printed from known true values.

(a) a release whose masses, contained metal and throughput are printed at an
    attributable share, the share declared, is never flagged;
(b) a figure restated with a bounding word on the side the truth lies
    ("over" a value at or below it, "nearly" one at or above it) is never
    flagged.
"""

from __future__ import annotations

import os
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from massbalance.io import loads_release
from massbalance.release import check_release
from massbalance.testing.releases import render_release, rounded_releases

CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
EXAMPLES = 150 if CI else 20
_EXTENSIVE = (".mass.", ".contained.", ".throughput")


@settings(max_examples=EXAMPLES)
@given(
    generated=rounded_releases(rounding=st.sampled_from(["nearest", "truncate"])),
    share=st.sampled_from(["75%", "50%", "33.3%", "12.5%", "100%"]),
)
def test_a_release_printed_at_a_share_is_never_flagged(generated, share):
    s = float(Decimal(share[:-1]) / 100)
    specs = {
        fid: (value * s if any(k in fid for k in _EXTENSIVE) else value, *rest)
        for fid, (value, *rest) in generated.specs.items()
    }
    printed = render_release(specs, days=generated.days, rounding=generated.rounding)
    text = printed.text.replace(
        'feed = "ore_processed"', f'feed = "ore_processed"\nshare = "{share}"'
    )
    assert f'share = "{share}"' in text
    report = check_release(loads_release(text))
    assert report.verdict == "consistent", (share, text)


@settings(max_examples=EXAMPLES)
@given(
    generated=rounded_releases(rounding="nearest"),
    word=st.sampled_from(["over", "more than", "at least", "nearly", "under"]),
    slack=st.floats(0.0, 0.2),
)
def test_a_bounded_restatement_on_the_truths_side_is_never_flagged(
    generated, word, slack
):
    fid = "2024Q1.mass.ore_processed"
    truth = generated.truth[fid]
    below = word in ("over", "more than", "at least")
    bound = int(truth * (1 - slack)) if below else int(truth * (1 + slack)) + 1
    entry = _entry(generated.text, "ore_processed")
    also = f'also = ["{word} {bound:,} t"]'
    if entry.startswith("{"):  # a pinned step: { value = ..., step = ... }
        replaced = entry.removesuffix(" }") + f", {also} }}"
    else:
        replaced = f"{{ value = {entry}, {also} }}"
    text = generated.text.replace(f"mass = {entry}", f"mass = {replaced}", 1)
    assert f"{word} {bound:,} t" in text
    report = check_release(loads_release(text))
    assert report.verdict == "consistent", (word, bound, truth, text)


def _entry(text: str, stream: str) -> str:
    """The printed mass entry of ``stream`` in a generated release."""
    block = text.split(f"[periods.2024Q1.streams.{stream}]\n", 1)[1]
    line = block.split("\n", 1)[0]
    assert line.startswith("mass = ")
    return line.removeprefix("mass = ")
