"""PHQ-9's unscored follow-up question: kept with the measure, validated, never scored."""

from __future__ import annotations

import pytest

from noteapp.domain.errors import InvalidInputError
from noteapp.services.workspace import Workspace

ANSWERS = [1, 1, 1, 1, 0, 0, 0, 0, 0]


def test_difficulty_is_kept_and_not_scored(workspace: Workspace) -> None:
    client = workspace.clients.add(name="Jordan Avery")
    m = workspace.measures.add(
        client_id=client.id, instrument="phq9", answers=ANSWERS, difficulty="somewhat difficult"
    )
    assert (m.total, m.difficulty) == (4, "Somewhat difficult")
    assert workspace.measures.get(m.id).difficulty == "Somewhat difficult"
    with pytest.raises(InvalidInputError, match="Not difficult at all"):
        workspace.measures.add(
            client_id=client.id, instrument="phq9", answers=ANSWERS, difficulty="a bit"
        )
    with pytest.raises(InvalidInputError, match="no follow-up"):
        workspace.measures.add(
            client_id=client.id, instrument="gad7", answers=[0] * 7, difficulty="Very difficult"
        )
