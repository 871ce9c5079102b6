"""ACLED's event taxonomy, actor-type (inter) codes and the UCDP type of violence derived from them."""

from __future__ import annotations

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"

SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    BATTLES: ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    EXPLOSIONS: (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    VIOLENCE_AGAINST_CIVILIANS: ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    PROTESTS: ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    RIOTS: ("Violent demonstration", "Mob violence"),
    STRATEGIC: (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

EVENT_TYPE_OF: dict[str, str] = {sub: ev for ev, subs in SUB_EVENT_TYPES.items() for sub in subs}

# ACLED inter codes (actor types).
INTER_STATE_FORCES = 1
INTER_REBELS = 2
INTER_POLITICAL_MILITIA = 3
INTER_IDENTITY_MILITIA = 4
INTER_RIOTERS = 5
INTER_PROTESTERS = 6
INTER_CIVILIANS = 7
INTER_EXTERNAL = 8

INTER_NAMES: dict[int, str] = {
    INTER_STATE_FORCES: "State forces",
    INTER_REBELS: "Rebel groups",
    INTER_POLITICAL_MILITIA: "Political militias",
    INTER_IDENTITY_MILITIA: "Identity militias",
    INTER_RIOTERS: "Rioters",
    INTER_PROTESTERS: "Protesters",
    INTER_CIVILIANS: "Civilians",
    INTER_EXTERNAL: "External/Other forces",
}

ARMED_INTERS = frozenset(
    {INTER_STATE_FORCES, INTER_REBELS, INTER_POLITICAL_MILITIA, INTER_IDENTITY_MILITIA, INTER_EXTERNAL}
)

# ACLED's pre-2019 event types (the acled2015 suite), from the modern event type.
OLD_EVENT_TYPE: dict[str, str] = {
    BATTLES: "Battle",
    EXPLOSIONS: "Remote violence",
    VIOLENCE_AGAINST_CIVILIANS: "Violence against civilians",
    PROTESTS: "Riots/Protests",
    RIOTS: "Riots/Protests",
    STRATEGIC: "Strategic development",
}


def event_type_of(sub_event_type: str) -> str:
    """The event type a sub-event type belongs to; raises KeyError for an unknown name."""
    return EVENT_TYPE_OF[sub_event_type]


def ucdp_type_of_violence(event_type: str, inter1: int | None, inter2: int | None) -> int | None:
    """UCDP type of violence: 1 state-based, 2 non-state, 3 one-sided; None when not organised violence.

    One-sided: an armed actor against civilians. State-based: a state force on either side of a fight.
    Non-state: two armed non-state actors. Protests, riots and strategic developments are not UCDP violence.
    """
    if event_type not in (BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS):
        return None
    sides = {inter1 or 0, inter2 or 0}
    if event_type == VIOLENCE_AGAINST_CIVILIANS or INTER_CIVILIANS in sides:
        return 3
    if INTER_STATE_FORCES in sides:
        return 1
    if sides & ARMED_INTERS and len(sides - {0}) >= 1:
        return 2
    return None
