"""The nlp stage: the memoised attribute_ruler + lemmatizer gives exactly what the model's own components give."""

from __future__ import annotations

import pytest

from conflictlens.nlp import CACHED_ATTRIBUTES, load_pipeline

# Written for these tests: two-token patterns of the model's attribute_ruler ("there were", "let's", "gonna",
# "ain't"), pronoun cases that depend on the dependency label, whitespace tokens, and words repeated so that
# the second occurrence comes from the cache.
TEXTS = (
    "There were clashes in the town on Monday. Police said there was no curfew.\n\n"
    '"Let\'s go," the commander told them. "We\'re gonna hold the bridge, ain\'t we?"  It was over by noon.',
    "I saw you and you saw it. It saw me. Gunmen killed two policemen; the policemen were killed at a checkpoint.",
    "Protesters marched   to the ministry.\nThey had demanded wages; they did not get them, but they did march.",
)


def attributes(doc):  # type: ignore[no-untyped-def]
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def pipelines():  # type: ignore[no-untyped-def]
    return load_pipeline(cached_attributes=False), load_pipeline(cached_attributes=True)


def test_the_cached_component_replaces_the_ruler_and_the_lemmatizer(pipelines) -> None:  # type: ignore[no-untyped-def]
    original, cached = pipelines
    assert {"attribute_ruler", "lemmatizer"} <= set(original.pipe_names)
    assert CACHED_ATTRIBUTES in cached.pipe_names
    assert not {"attribute_ruler", "lemmatizer"} & set(cached.pipe_names)


@pytest.mark.parametrize("text", TEXTS)
def test_cached_attributes_equal_the_models_own_cold_and_warm(pipelines, text: str) -> None:  # type: ignore[no-untyped-def]
    original, cached = pipelines
    expected = attributes(original(text))
    assert attributes(cached(text)) == expected  # first time: computed by the real components
    assert attributes(cached(text)) == expected  # second time: from the cache


def test_two_token_patterns_are_not_taken_from_the_cache(pipelines) -> None:  # type: ignore[no-untyped-def]
    _, cached = pipelines
    cached("They were in the town.")  # "were" (a root, tagged VBD) cached as an auxiliary
    doc = cached("There were three explosions.")
    were = doc[1]
    assert (were.text, were.pos_, were.lemma_) == ("were", "VERB", "be")  # the ruler's "there were" pattern


def test_a_warm_document_is_not_recomputed(pipelines, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, cached = pipelines
    component = cached.get_pipe(CACHED_ATTRIBUTES)
    cached(TEXTS[1])

    def no_compute(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("a cached token was computed again")

    monkeypatch.setattr(component, "_compute", no_compute)
    cached(TEXTS[1])
