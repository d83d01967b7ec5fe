"""Attribution scope across sentences and the naming of sources, end to end on the real model.

The sentences are written for these tests (other conflicts, outlets and speakers than the dev
set): they check the mechanisms of ``extractor/extract/attributions.py``, not one article.
"""

from __future__ import annotations

import pytest

PUBLISHED = "2025-03-14"


def _chains(extractor, text: str) -> list[list[str]]:
    return [[a.source for a in c.attributions] for c in extractor.extract(text, published=PUBLISHED)]


LEAD = "Iran has sent 300 Shahed drones to Russia since January, Kyrylo Budanov said."


@pytest.mark.parametrize(
    "follow, second",
    [
        # the statement goes on: present and future sentences of the same paragraph
        (" Russia launches most of the drones from bases in Crimea.", ["Kyrylo Budanov"]),
        (" Tehran will ship another 200 drones to Russia by June.", ["Kyrylo Budanov"]),
        # the writer's own past narrative is background, not the speaker's
        (" Russia received the first batch of drones in August 2022.", []),
        # a narrator's marker adds something of the writer's own
        (" Belarus has also sent 40 tanks to Russia.", []),
        (" Separately, Syria will ship 100 rockets to Russia.", []),
        # a new paragraph, or a company that speaks for itself, ends the statement
        ("\n\nRussia launches most of the drones from bases in Crimea.", []),
        (" Rostec will deliver 50 more tanks to the Russian army by May.", []),
        # a new speaker ends it too
        (" Russia will buy 200 more drones from Iran, Ukrainian officials said.", ["Ukraine"]),
    ],
)
def test_a_statement_continues_into_the_next_sentence_until_something_ends_it(extractor, follow, second):
    chains = _chains(extractor, LEAD + follow)
    assert chains[0] == ["Kyrylo Budanov"]
    assert chains[-1] == second
