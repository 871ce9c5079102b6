"""Orchestration: one document through every stage, in the order DESIGN.md lays out.

``ingest`` -> ``relevance`` (a cheap lexicon test that skips off-topic texts) -> ``nlp`` -> ``places`` ->
``actors`` -> ``time`` (dates) -> ``figures`` -> ``claims`` -> ``events``.
Each stage is a module with one job; this module only passes their outputs along and turns "nothing found"
into a :class:`~conflictlens.records.Problem` that names the document and the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from . import actors as actors_stage
from . import claims as claims_stage
from . import dates as dates_stage
from . import events as events_stage
from . import figures as figures_stage
from . import places as places_stage
from . import relevance as relevance_stage
from .ingest import document_from_text, parse_date
from .nlp import load_pipeline
from .records import Document, EventTime, Evidence, Extraction, Problem, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Documents per nlp.pipe batch: large enough for spaCy's batching to pay, small enough that a batch of
# documents at the ingest size cap stays well under the memory target (chosen, not tuned).
BATCH_SIZE = 32
PARAGRAPH_RE = re.compile(r"\n\s*\n|\n")


class Pipeline:
    """The default, offline extractor: spaCy + gazetteer + rules.

    ``relevance_filter`` (default on): an English text with too little conflict vocabulary for its size
    (:mod:`conflictlens.relevance`) is not parsed and gets "no events: off-topic ..." as its problem.

    >>> p = Pipeline()
    >>> result = p.extract_text("Gunmen killed two policemen in Quetta on Monday.", published="2024-08-27")
    """

    def __init__(self, *, model: str | None = None, relevance_filter: bool = True) -> None:
        self.model = model
        self.relevance_filter = relevance_filter  # False: every English text goes through every stage

    def without_relevance_filter(self) -> Pipeline:
        """This pipeline with the relevance filter off (for scoring a stage on every text)."""
        return Pipeline(model=self.model, relevance_filter=False)

    @property
    def nlp(self) -> Language:
        return load_pipeline(self.model)

    def extract_text(
        self,
        text: str,
        *,
        published: dt.date | str | None = None,
        source: str | None = None,
        origin: str = "<text>",
        external_id: str | None = None,
    ) -> Extraction:
        """Extract events from one text (raises IngestError on unreadable input)."""
        when = parse_date(published) if isinstance(published, str) else published
        document = document_from_text(text, origin=origin, published=when, source=source, external_id=external_id)
        return self.extract(document)

    def extract(self, document: Document) -> Extraction:
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document], *, batch_size: int = BATCH_SIZE) -> Iterator[Extraction]:
        """Extract from many documents, parsing English ones in batches; order is kept."""
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[Document]) -> Iterator[Extraction]:
        skipped = {d.id: reason for d in batch if (reason := self._skip_reason(d)) is not None}
        to_parse = [d for d in batch if d.id not in skipped]
        parsed = {}
        if to_parse:  # a batch of skipped documents never loads the model
            parsed = dict(zip((d.id for d in to_parse), self.nlp.pipe(d.text for d in to_parse), strict=True))
        for document in batch:
            if document.id in skipped:
                yield _no_events(document, skipped[document.id])
            else:
                yield extract_from_parse(parsed[document.id], document)

    def _skip_reason(self, document: Document) -> str | None:
        """Why ``document`` is not worth parsing (None: parse it)."""
        if not _is_english(document):
            return f"not English (detected language: {document.language})"
        if self.relevance_filter:
            relevance = relevance_stage.score_text(document.text)
            if not relevance.relevant:
                return (
                    f"off-topic: too little conflict vocabulary ({relevance.strong + relevance.weak} conflict terms "
                    f"against {relevance.off_topic} off-topic ones, score {relevance.score} < "
                    f"{relevance_stage.RELEVANCE_THRESHOLD}); --no-relevance-filter extracts it anyway"
                )
        return None


def _is_english(document: Document) -> bool:
    return document.language in (None, "en")


def _no_events(document: Document, reason: str) -> Extraction:
    return Extraction(
        document=document,
        events=(),
        claims=(),
        problem=Problem(origin=document.origin, reason=f"no events: {reason}", doc_id=document.id),
    )


def extract_from_parse(doc: Doc, document: Document) -> Extraction:
    """Run the stages after spaCy on a parsed document."""
    places = places_stage.resolve_places(doc, document)
    country = places_stage.country_context(places)
    actors = actors_stage.find_actors(doc, document, country)
    date_mentions = dates_stage.find_dates(doc, document.id, document.published)
    durations = dates_stage.find_durations(doc, document.id)
    figures = figures_stage.find_figures(doc, document.id)
    attributions = claims_stage.find_attributions(doc, actors)
    figure_claims = claims_stage.figure_claims(figures, attributions, document.text, document.id)
    outputs = events_stage.StageOutputs(
        doc_id=document.id,
        text=document.text,
        sentences=tuple(Span(s.start_char, s.end_char, s.text) for s in doc.sents),
        paragraph_starts=_paragraph_starts(document.text),
        places=tuple(places),
        actors=tuple(actors),
        figure_claims=tuple(figure_claims),
        dates=tuple(events_stage.DateFact(d.span, d.time, d.historical) for d in date_mentions),
        durations=tuple(events_stage.DurationFact(d.span, d.hours) for d in durations),
        published_time=_published_time(document),
        main_country=country,
    )
    events, loose_claims = events_stage.build_events(outputs)
    claims = (
        *loose_claims,
        *claims_stage.responsibility_claims(doc, actors, document.id),
        *claims_stage.allegation_claims(attributions, document.id),
    )
    problem = None
    if not events:
        problem = Problem(
            origin=document.origin,
            reason="no events: no sentence reports political violence, a protest or a strategic development",
            doc_id=document.id,
        )
    return Extraction(
        document=document,
        events=tuple(events),
        claims=tuple(claims),
        places=tuple(places),
        actors=tuple(actors),
        problem=problem,
    )


def _paragraph_starts(text: str) -> tuple[int, ...]:
    return (0, *(m.end() for m in PARAGRAPH_RE.finditer(text)))


def _published_time(document: Document) -> EventTime | None:
    if document.published is None:
        return None
    day = document.published
    return EventTime(
        event_date=day,
        date_start=day,
        date_end=day,
        time_precision=1,
        evidence=Evidence(document.id, (), f"no date in the text; the publication date {day.isoformat()}"),
    )


_DEFAULT: Pipeline | None = None


def extract(
    text: str, *, published: dt.date | str | None = None, source: str | None = None, origin: str = "<text>"
) -> Extraction:
    """Extract events from one text with the default pipeline."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT.extract_text(text, published=published, source=source, origin=origin)
