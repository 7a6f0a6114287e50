"""Which state a word stands for: by name, nationality adjective, capital or seat."""

from __future__ import annotations

import pytest

from rag.answering.states import names_only_states, states_in


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("la Russie", {"@russia"}),
        ("a Russian diplomat", {"@russia"}),
        ("des diplomates russes", {"@russia"}),
        ("un diplomate estonien", {"@estonia"}),
        ("Moscou a répondu", {"@russia"}),  # a capital stands for its state
        ("the Kremlin said", {"@russia"}),
        ("les émissaires américains", states_in("the United States")),
        ("Washington", states_in("les États-Unis")),
        ("U.S. officials", states_in("les États-Unis")),
        ("Myanmar", states_in("la Birmanie")),  # two names, one state
        ("Turkey", states_in("la Türkiye")),
        ("ses voisins et nous", frozenset()),
        ("tell us", frozenset()),  # "us" is a pronoun; only "US" is a state
        ("le sucre et le sel", frozenset()),  # a capital's name as a common word
    ],
)
def test_a_state_is_known_by_name_adjective_capital_and_seat(text, states):
    assert states_in(text) == frozenset(states)


def test_capitals_are_left_out_where_only_names_and_adjectives_count():
    assert states_in("Moscou", metonyms=False) == frozenset()
    assert states_in("russe", metonyms=False) == {"@russia"}


@pytest.mark.parametrize(
    ("text", "only"),
    [("France", True), ("la Russie", True), ("the United States", True), ("US", True),
     ("Paris, France", False), ("the French Open", False), ("Cherbourg", False)],
)  # fmt: skip
def test_a_mention_that_is_only_a_states_name(text, only):
    assert names_only_states(text) is only
