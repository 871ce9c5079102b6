"""The figures stage: counts, qualifiers, categories, sides, non-figures and de-duplicated totals.

Every sentence here is written for these tests. The spaCy model is the one conflictlens ships with, so the
parses are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conflictlens.figures import find_figures, is_total, number_value, total_by_category
from conflictlens.nlp import load_pipeline
from conflictlens.records import Category, Evidence, Figure, Qualifier, Side, Span

FigureFinder = Callable[[str], list[Figure]]


@pytest.fixture(scope="module")
def figures_of() -> FigureFinder:
    nlp = load_pipeline()

    def run(text: str) -> list[Figure]:
        doc = nlp(text)
        found = find_figures(doc, "doc-1")
        for fig in found:  # every span is exact, whatever the sentence
            for span in fig.evidence.spans:
                assert doc.text[span.start : span.end] == span.text
            assert fig.evidence.doc_id == "doc-1"
            assert fig.evidence.reason
        starts = [f.evidence.spans[0].start for f in found]
        assert starts == sorted(starts), "figures come in text order"
        return found

    return run


def only(figures: list[Figure], category: Category | None = None) -> Figure:
    chosen = [f for f in figures if category is None or f.category is category]
    assert len(chosen) == 1, [(f.evidence.spans[0].text, f.category.value) for f in figures]
    return chosen[0]


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("68", 68), ("1,200", 1200), ("seven", 7), ("twenty-two", 22), ("two hundred and fifty", 250),
     ("a dozen", 12), ("two dozen", 24), ("zero", 0), ("several", None), ("", None)],
)  # fmt: skip
def test_number_value_reads_digits_and_words(text: str, value: int | None) -> None:
    assert number_value(text) == value


def test_digits_with_object_of_killing(figures_of: FigureFinder) -> None:
    text = "The militants stormed the camp, killing 68 Pakistani soldiers."
    fig = only(figures_of(text))
    assert (fig.low, fig.high, fig.qualifier) == (68, 68, Qualifier.EXACT)
    assert fig.category is Category.KILLED
    assert fig.side is Side.STATE_FORCES
    assert fig.victim_words == "Pakistani soldiers"
    assert fig.evidence.spans[0].text == "68 Pakistani soldiers"
    assert "killing" in [s.text for s in fig.evidence.spans]


def test_thousands_separator_and_passive(figures_of: FigureFinder) -> None:
    fig = only(figures_of("More than 1,200 people were injured in the earthquake riots."))
    assert (fig.low, fig.high, fig.qualifier, fig.category) == (1200, None, Qualifier.AT_LEAST, Category.INJURED)
    assert fig.side is Side.CIVILIANS
    assert fig.evidence.spans[0].text == "More than 1,200 people"


def test_hyphenated_number_words(figures_of: FigureFinder) -> None:
    fig = only(figures_of("Twenty-two passengers were wounded when the bus was ambushed."))
    assert (fig.low, fig.category, fig.side) == (22, Category.INJURED, Side.CIVILIANS)
    assert fig.evidence.spans[0].text == "Twenty-two passengers"


def test_capitalised_number_word_opening_a_sentence(figures_of: FigureFinder) -> None:
    found = figures_of("The convoy was hit near the bridge. Fourteen villagers were killed.")
    fig = only(found)
    assert (fig.low, fig.category, fig.side) == (14, Category.KILLED, Side.CIVILIANS)


def test_indefinite_article_counts_one(figures_of: FigureFinder) -> None:
    found = figures_of("A soldier was killed and a policeman died in the shooting.")
    assert [(f.low, f.category, f.side) for f in found] == [
        (1, Category.KILLED, Side.STATE_FORCES),
        (1, Category.KILLED, Side.STATE_FORCES),
    ]
    assert [f.evidence.spans[0].text for f in found] == ["A soldier", "a policeman"]


def test_article_before_a_number_does_not_count(figures_of: FigureFinder) -> None:
    fig = only(figures_of("The rebels also killed an additional 62 military personnel."))
    assert fig.low == 62


def test_one_of_the_soldiers(figures_of: FigureFinder) -> None:
    fig = only(figures_of("One of the soldiers was wounded by a sniper."))
    assert (fig.low, fig.category, fig.side) == (1, Category.INJURED, Side.STATE_FORCES)


def test_another(figures_of: FigureFinder) -> None:
    found = figures_of("The clash killed a fighter and injured another.")
    assert [(f.low, f.category) for f in found] == [(1, Category.KILLED), (1, Category.INJURED)]


def test_both(figures_of: FigureFinder) -> None:
    fig = only(figures_of("Gunmen attacked a farmer and his son. Both victims died on the spot."))
    assert (fig.low, fig.category) == (2, Category.KILLED)


def test_no_one_was_hurt_is_zero_injured(figures_of: FigureFinder) -> None:
    fig = only(figures_of("A grenade exploded near the market but no one was hurt."))
    assert (fig.low, fig.high, fig.qualifier, fig.category) == (0, 0, Qualifier.EXACT, Category.INJURED)
    assert fig.evidence.spans[0].text == "no one"


def test_no_casualties_is_zero_killed_and_zero_injured(figures_of: FigureFinder) -> None:
    found = figures_of("The bomb damaged a bridge. There were no casualties.")
    assert sorted((f.category.value, f.low) for f in found) == [("injured", 0), ("killed", 0)]


def test_unqualified_casualties_are_not_a_figure(figures_of: FigureFinder) -> None:
    assert figures_of("The shelling caused 12 casualties in the town.") == []


# ---------------------------------------------------------------------------------------------------------
# Qualifiers
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "low", "high", "qualifier"),
    [
        ("At least 30 policemen were killed in the ambush.", 30, None, Qualifier.AT_LEAST),
        ("Over 130 soldiers were killed during the operation.", 130, None, Qualifier.AT_LEAST),
        ("Nearly 40 people died in the fire the rioters set.", 40, 40, Qualifier.AT_MOST),
        ("Up to 50 people were injured in the stampede.", 50, 50, Qualifier.AT_MOST),
        ("Around 15 militants were killed in the raid.", 15, 15, Qualifier.ABOUT),
        ("Some 200 protesters were detained by police.", 200, 200, Qualifier.ABOUT),
        ("Between 10 and 15 soldiers were killed in the attack.", 10, 15, Qualifier.RANGE),
        ("Militiamen killed 8-10 residents across the villages.", 8, 10, Qualifier.RANGE),
        ("Gunmen killed 10 to 15 villagers overnight.", 10, 15, Qualifier.RANGE),
        ("Dozens of protesters were arrested at the square.", 24, None, Qualifier.AT_LEAST),
        ("A dozen students were abducted from the school.", 12, 12, Qualifier.EXACT),
        ("About a dozen students were abducted from the school.", 12, 12, Qualifier.ABOUT),
        ("Hundreds of villagers were injured in the floods of tear gas.", 200, None, Qualifier.AT_LEAST),
    ],
)
def test_qualifiers(figures_of: FigureFinder, sentence: str, low: int, high: int | None, qualifier: Qualifier) -> None:
    fig = only(figures_of(sentence))
    assert (fig.low, fig.high, fig.qualifier) == (low, high, qualifier)


def test_range_mention_covers_both_numbers(figures_of: FigureFinder) -> None:
    fig = only(figures_of("Between 10 and 15 soldiers were killed in the attack."))
    assert fig.evidence.spans[0].text == "Between 10 and 15 soldiers"
    assert fig.best == 12


# ---------------------------------------------------------------------------------------------------------
# Categories and the parse
# ---------------------------------------------------------------------------------------------------------


def test_death_toll_rose_to(figures_of: FigureFinder) -> None:
    fig = only(figures_of("The death toll rose to 12 on Monday, officials said."))
    assert (fig.low, fig.category) == (12, Category.KILLED)
    assert is_total(fig)


def test_coordinated_victims_are_separate_figures(figures_of: FigureFinder) -> None:
    found = figures_of("Two policemen and a civilian were killed in the blast.")
    assert [(f.low, f.side) for f in found] == [(2, Side.STATE_FORCES), (1, Side.CIVILIANS)]
    assert all(f.category is Category.KILLED for f in found)


def test_killed_three_and_injured_five(figures_of: FigureFinder) -> None:
    found = figures_of("The bomb killed 3 and injured 5 near the mosque.")
    assert [(f.low, f.category) for f in found] == [(3, Category.KILLED), (5, Category.INJURED)]


def test_dead_and_injured_as_adjectives(figures_of: FigureFinder) -> None:
    found = figures_of("The attack left 5 dead and 10 injured.")
    assert sorted((f.category.value, f.low) for f in found) == [("injured", 10), ("killed", 5)]


@pytest.mark.parametrize(
    ("sentence", "category", "low"),
    [
        ("Security forces shot dead three Naxalites in the forest.", Category.KILLED, 3),
        ("Two constables lost their lives in the encounter.", Category.KILLED, 2),
        ("Four labourers were hacked to death by the mob.", Category.KILLED, 4),
        ("Six workers were taken hostage by the rebels.", Category.ABDUCTED, 6),
        ("Gunmen kidnapped four engineers from the site.", Category.ABDUCTED, 4),
        ("Police arrested 13 suspects after the riot.", Category.DETAINED, 13),
        ("Nine protesters were taken into custody.", Category.DETAINED, 9),
        ("The rebels captured five soldiers near the border post.", Category.DETAINED, 5),
        ("Three villagers sustained injuries in the crossfire.", Category.INJURED, 3),
        ("Seven fighters were martyred in the clash.", Category.KILLED, 7),
        ("The blast resulted in the deaths of 11 passengers.", Category.KILLED, 11),
        ("Two men were fatally stabbed outside the bar.", Category.KILLED, 2),
    ],
)
def test_categories(figures_of: FigureFinder, sentence: str, category: Category, low: int) -> None:
    fig = only(figures_of(sentence))
    assert (fig.category, fig.low) == (category, low)


def test_killers_are_not_victims(figures_of: FigureFinder) -> None:
    fig = only(figures_of("Three gunmen shot dead a shopkeeper in the bazaar."))
    assert (fig.low, fig.side, fig.victim_words) == (1, Side.CIVILIANS, "a shopkeeper")


def test_counted_after_by_are_agents(figures_of: FigureFinder) -> None:
    fig = only(figures_of("A teacher was shot dead by three masked men near the school."))
    assert (fig.low, fig.category) == (1, Category.KILLED)


def test_attempts_are_not_tolls(figures_of: FigureFinder) -> None:
    assert figures_of("The man attempted to assassinate a governor at the rally.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "About 800 fighters were involved in the operation, which lasted 12 hours.",
        "The rebels set fire to 22 vehicles on the highway.",
        "The region has been under occupation for the past 76 years.",
        "The leader was born in 2005 and joined the group with 40 others.",
        "The rebels held the camp for 20 hours and seized 12 rifles.",
        "The group has executed one of its biggest operations in years.",
        "Ramesh Kumar (45) and his neighbour were questioned at the station.",
    ],
)
def test_non_figures_are_ignored(figures_of: FigureFinder, sentence: str) -> None:
    assert figures_of(sentence) == []


def test_dates_and_ages_are_not_counts(figures_of: FigureFinder) -> None:
    found = figures_of("On 9 May 2020, two soldiers were killed. A 45-year-old farmer was also injured.")
    assert sorted((f.category.value, f.low) for f in found) == [("injured", 1), ("killed", 2)]


def test_tolls_of_earlier_events_named_as_a_reason_are_left_out(figures_of: FigureFinder) -> None:
    found = figures_of(
        "Police arrested two men for their involvement in the blast in which eight policemen were killed."
    )
    assert [(f.low, f.category) for f in found] == [(2, Category.DETAINED)]
    assert figures_of("Hundreds rallied to protest the killing of 31 party workers.") == []


def test_pronoun_victim_counts_one_and_restates_its_antecedent(figures_of: FigureFinder) -> None:
    text = "Rebels abducted a trader from the market and later shot him dead."
    found = figures_of(text)
    assert [(f.low, f.category) for f in found] == [(1, Category.ABDUCTED), (1, Category.KILLED)]
    text = "Rebels shot dead a trader in the market. They killed him for refusing to pay."
    assert total_by_category(figures_of(text), Category.KILLED, text) == 1


def test_one_count_with_two_outcomes(figures_of: FigureFinder) -> None:
    found = figures_of("Three activists were abducted and later killed by the rebels.")
    assert [(f.low, f.category) for f in found] == [(3, Category.ABDUCTED), (3, Category.KILLED)]


def test_either_or_outcomes_are_not_a_figure(figures_of: FigureFinder) -> None:
    assert figures_of("Five militants were killed, injured or captured in the operation.") == []


def test_victim_hung_on_a_place_by_the_parser(figures_of: FigureFinder) -> None:
    fig = only(figures_of("On 5 June 2021, in Santa Cruz, Rio Verde, a suspected smuggler was shot dead."))
    assert (fig.low, fig.category, fig.evidence.spans[0].text) == (1, Category.KILLED, "a suspected smuggler")


def test_a_body_counts_one_killed(figures_of: FigureFinder) -> None:
    fig = only(figures_of("A body was found near the river on Monday."))
    assert (fig.low, fig.category) == (1, Category.KILLED)


def test_assault_and_beating_count_injured(figures_of: FigureFinder) -> None:
    found = figures_of("The cadres assaulted two teachers. Four workers were beaten up by the mob.")
    assert [(f.low, f.category) for f in found] == [(2, Category.INJURED), (4, Category.INJURED)]


# ---------------------------------------------------------------------------------------------------------
# Sides
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        ("Seven militants were killed in the gunfight.", Side.ATTACKERS),
        ("Two Maoists were arrested by the police.", Side.ATTACKERS),
        ("Five suicide bombers were killed at the gate.", Side.ATTACKERS),
        ("Three CRPF jawans were injured in the blast.", Side.STATE_FORCES),
        ("Four security personnel were wounded in the ambush.", Side.STATE_FORCES),
        ("Two children were killed by the shell.", Side.CIVILIANS),
        ("Eleven students were abducted from their hostel.", Side.CIVILIANS),
        ("Five were abducted on the road.", Side.UNKNOWN),
        ("Two police officers were killed in the raid.", Side.STATE_FORCES),
    ],
)
def test_sides(figures_of: FigureFinder, sentence: str, side: Side) -> None:
    assert only(figures_of(sentence)).side is side


def test_civic_roles_and_trades_default_to_civilians(figures_of: FigureFinder) -> None:
    found = figures_of("Maoists killed a party activist and a tailor. Two Maoist supporters were arrested.")
    assert [(f.low, f.category, f.side) for f in found] == [
        (1, Category.KILLED, Side.CIVILIANS),
        (1, Category.KILLED, Side.CIVILIANS),
        (2, Category.DETAINED, Side.ATTACKERS),
    ]


def test_modifier_decides_a_generic_noun(figures_of: FigureFinder) -> None:
    found = figures_of("Three rebel fighters and two army officers were killed.")
    assert [(f.low, f.side) for f in found] == [(3, Side.ATTACKERS), (2, Side.STATE_FORCES)]


# ---------------------------------------------------------------------------------------------------------
# total_by_category
# ---------------------------------------------------------------------------------------------------------


def _fig(text: str, start: int, low: int, side: Side = Side.UNKNOWN, words: str = "", trigger: str = "") -> Figure:
    spans = [Span(start, start + len(text), text)]
    if trigger:
        spans.append(Span(start + 100, start + 100 + len(trigger), trigger))
    return Figure(
        low=low,
        high=low,
        qualifier=Qualifier.EXACT,
        category=Category.KILLED,
        side=side,
        evidence=Evidence("d", tuple(spans), "killed: test"),
        victim_words=words,
    )


def test_total_is_none_without_figures_of_the_category() -> None:
    assert total_by_category([], Category.KILLED) is None
    assert total_by_category([_fig("3 soldiers", 0, 3)], Category.INJURED) is None


def test_total_adds_distinct_figures() -> None:
    figures = [_fig("3 soldiers", 0, 3, Side.STATE_FORCES, "soldiers"), _fig("5 civilians", 30, 5, Side.CIVILIANS)]
    assert total_by_category(figures, Category.KILLED) == 8


def test_total_counts_a_restatement_once() -> None:
    figures = [
        _fig("3 soldiers", 0, 3, Side.STATE_FORCES, "soldiers"),
        _fig("the three soldiers", 80, 3, Side.STATE_FORCES, "soldiers"),
        _fig("3", 160, 3),  # "3 fatalities"
    ]
    assert total_by_category(figures, Category.KILLED) == 3


def test_total_keeps_a_total_that_restates_its_parts() -> None:
    figures = [
        _fig("two policemen", 0, 2, Side.STATE_FORCES, "policemen"),
        _fig("a civilian", 18, 1, Side.CIVILIANS, "a civilian"),
        _fig("three", 60, 3, trigger="toll"),
    ]
    assert total_by_category(figures, Category.KILLED) == 3


def test_total_sum_rule_without_a_toll_word() -> None:
    figures = [
        _fig("68 soldiers", 0, 68, Side.STATE_FORCES, "soldiers"),
        _fig("62 personnel", 50, 62, Side.STATE_FORCES, "personnel"),
        _fig("over 130 soldiers", 120, 130, Side.STATE_FORCES, "soldiers"),
        _fig("seven fidayeen", 200, 7, Side.ATTACKERS, "fidayeen"),
    ]
    assert total_by_category(figures, Category.KILLED) == 137


def test_total_toll_at_least_the_parts_replaces_them() -> None:
    figures = [
        _fig("5 soldiers", 0, 5, Side.STATE_FORCES, "soldiers"),
        _fig("3 civilians", 20, 3, Side.CIVILIANS, "civilians"),
        _fig("12", 90, 12, trigger="toll"),
    ]
    assert total_by_category(figures, Category.KILLED) == 12


def test_total_drops_parts_named_with_including_when_given_the_text() -> None:
    text = "Shells killed five people, including two children and a woman, on Sunday."
    figures = [
        _fig("five people", text.index("five"), 5, Side.CIVILIANS, "people"),
        _fig("two children", text.index("two"), 2, Side.CIVILIANS, "children"),
        _fig("a woman", text.index("a woman"), 1, Side.CIVILIANS, "a woman"),
    ]
    assert total_by_category(figures, Category.KILLED, text) == 5
    assert total_by_category(figures, Category.KILLED) == 8  # without the text the cue cannot be seen


def test_total_with_only_zero_figures_is_zero() -> None:
    assert total_by_category([_fig("no one", 0, 0)], Category.KILLED) == 0


def test_total_end_to_end(figures_of: FigureFinder) -> None:
    text = "Two policemen and a civilian were killed in the blast, bringing the death toll to three."
    assert total_by_category(figures_of(text), Category.KILLED, text) == 3


# ---------------------------------------------------------------------------------------------------------
# The shared example report (read at run time; skipped when ../shared is absent)
# ---------------------------------------------------------------------------------------------------------


def test_example_report_figures(figures_of: FigureFinder, example_text: str) -> None:
    found = figures_of(example_text)
    summary = {(f.evidence.spans[0].text, f.low, f.category, f.side) for f in found}
    assert ("68 Pakistani soldiers", 68, Category.KILLED, Side.STATE_FORCES) in summary
    assert ("62 military personnel", 62, Category.KILLED, Side.STATE_FORCES) in summary
    assert ("over 130 soldiers", 130, Category.KILLED, Side.STATE_FORCES) in summary
    assert ("seven fidayeen", 7, Category.KILLED, Side.ATTACKERS) in summary
    assert ("one fighter", 1, Category.KILLED, Side.ATTACKERS) in summary
    assert any(f.low == 22 and f.category is Category.DETAINED and f.side is Side.STATE_FORCES for f in found)
    over = next(f for f in found if f.evidence.spans[0].text == "over 130 soldiers")
    assert (over.qualifier, over.high) == (Qualifier.AT_LEAST, None)
    assert not any(f.low in (800, 20, 12, 2005, 76, 18) for f in found), "durations, years, sizes are not tolls"
