"""Send steps are typed: every step a profile may list has the method that runs it."""

from __future__ import annotations

from simulator.domain.profile_gc import GC_SEND_STEPS
from simulator.domain.profiles import UK_SEND_STEPS
from simulator.domain.send_steps import SendStep
from simulator.gateway.send import _STEPS


def test_every_step_has_its_method() -> None:
    assert set(_STEPS) == set(SendStep)


def test_each_profile_lists_each_step_at_most_once_and_starts_with_the_schema() -> None:
    for steps in (UK_SEND_STEPS, GC_SEND_STEPS):
        assert len(set(steps)) == len(steps)
        assert steps[0] is SendStep.SCHEMA
