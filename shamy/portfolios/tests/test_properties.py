"""Property tests for the pure parts: upload checking never fails in an unplanned way; stage
moves are one step; the stuck threshold is always within bounds."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.core import files
from shamy.portfolios.selectors import DEFAULT_STUCK_WEEKS, MAX_STUCK_WEEKS, stuck_weeks
from shamy.portfolios.services.evidence import EVIDENCE_POLICY
from shamy.portfolios.services.projects import stage_move_allowed

MAGIC_PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"ID3", b"OggS"]


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(MAGIC_PREFIXES), body=st.binary(max_size=4096))
def test_any_bytes_are_accepted_or_rejected_with_a_message(prefix, body):
    data = prefix + body
    try:
        checked = files.check_upload(data, policy=EVIDENCE_POLICY)
    except files.UploadRejected as error:
        assert str(error)
    else:
        assert checked.kind in EVIDENCE_POLICY.limits and checked.size == len(data)
        if checked.kind == files.IMAGE:
            try:
                cleaned = files.clean_image(data)
            except files.UploadRejected as error:
                assert str(error)
            else:
                assert cleaned.content and cleaned.thumbnail


@given(count=st.integers(min_value=2, max_value=9), current=st.integers(0, 8), target=st.integers(0, 8))
def test_a_stage_move_is_exactly_one_step(count, current, target):
    stages = [SimpleNamespace(pk=index + 100) for index in range(count)]
    current, target = min(current, count - 1), min(target, count - 1)
    allowed = stage_move_allowed(stages, stages[current], stages[target])  # type: ignore[arg-type]
    assert allowed == (abs(current - target) == 1)


@given(
    raw=st.one_of(st.none(), st.text(max_size=12), st.integers(-1000, 1000).map(str), st.sampled_from(["²", "٣", "3"]))
)
def test_stuck_weeks_is_always_within_bounds(raw):
    weeks = stuck_weeks(raw)
    assert 1 <= weeks <= MAX_STUCK_WEEKS
    if raw is None or not (str(raw).strip().isascii() and str(raw).strip().isdigit()):
        assert weeks == DEFAULT_STUCK_WEEKS
