"""Shared fixtures: the shipped published models and a small hand-checkable toy."""

from __future__ import annotations

import pytest

from kgtwin.twin.formats import loads_bnet
from kgtwin.twin.model import LogicalModel
from kgtwin.twin.models import published_model

# A = A (input); B = A & !C; C = B. With A off the only steady state is all off; with A on
# B and C chase each other round a 4-state cycle (a negative loop), so no steady state.
TOY_BNET = """\
targets, factors
A, A
B, A & !C
C, B
"""


@pytest.fixture(scope="session")
def braf() -> LogicalModel:
    return published_model("BRAF_Model")


@pytest.fixture(scope="session")
def flobak() -> LogicalModel:
    return published_model("Flobak")


@pytest.fixture
def toy() -> LogicalModel:
    return loads_bnet(TOY_BNET, name="toy")
