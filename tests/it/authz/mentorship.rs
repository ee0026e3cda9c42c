//! Mentorship rows: programmes and cohorts, one's own place, a pair's work, certificates,
//! and safeguarding. A's fixtures: `{programme}` (open, paid), `{ended_programme}`,
//! `{cohort}`, `{place}` (A's member's place, as mentor), `{pair}` (A's member mentoring a
//! mentee of A, active), `{ended_pair}`, `{session}` (of `{pair}`, already claimed as time),
//! `{goal}` (proposed by A's member, not yet agreed), `{milestone}` (done), `{case}` (a concern
//! the mentee reported). A's secretariat is A's safeguarding lead (and B's is B's).

use super::*;

/// Programmes: members and staff (the start page); finance and auditors have none.
const TAKING_PART: Who = Who {
    anonymous: Deny(401),
    member: Allow(200),
    secretariat: Allow(200),
    finance: Deny(403),
    council_admin: Allow(200),
    auditor: Deny(403),
};
/// A's programme: everybody in A reads it; to anybody else it does not exist.
const PROGRAMME_READERS: Who = Who {
    anonymous: Deny(404),
    ..Who::all(Allow(200))
};
/// A's programme, run by its staff (here stopping at bad input, 400); other roles of A are
/// refused (403); to anybody else it does not exist (404).
const PROGRAMME_STAFF_THEN_BAD_INPUT: Who = Who {
    anonymous: Deny(404),
    member: Deny(403),
    secretariat: Allow(400),
    finance: Deny(403),
    council_admin: Allow(400),
    auditor: Deny(403),
};
/// The same, stopping because the programme has ended (409).
const PROGRAMME_STAFF_THEN_CONFLICT: Who = Who {
    secretariat: Allow(409),
    council_admin: Allow(409),
    ..PROGRAMME_STAFF_THEN_BAD_INPUT
};
/// Applying: members (here with a bad role, 400); staff and the rest are refused.
const APPLICANTS_THEN_BAD_INPUT: Who = Who {
    anonymous: Deny(401),
    member: Allow(400),
    secretariat: Deny(403),
    finance: Deny(403),
    council_admin: Deny(403),
    auditor: Deny(403),
};
/// A's member's place: theirs alone; to anybody else it does not exist.
const PLACE_OWNER: Who = Who {
    member: Allow(200),
    ..Who::all(Deny(404))
};
/// Their place, stopping at bad input.
const PLACE_OWNER_THEN_BAD_INPUT: Who = Who {
    member: Allow(400),
    ..PLACE_OWNER
};
/// A pair's work: the pair alone (A's member is the mentor); to everybody else, staff,
/// auditor and council admin included, it does not exist.
const PAIR: Who = PLACE_OWNER;
/// The pair, stopping at bad input.
const PAIR_THEN_BAD_INPUT: Who = PLACE_OWNER_THEN_BAD_INPUT;
/// The pair, stopping because the thing is not in a state for it (409).
const PAIR_THEN_CONFLICT: Who = Who {
    member: Allow(409),
    ..PLACE_OWNER
};
/// The pair, where A's member may not act as the other one (agreeing to their own goal).
const PAIR_THEN_FORBIDDEN: Who = Who {
    member: Deny(403),
    ..PLACE_OWNER
};
/// Completing an ended match: the pair and staff reach it (409: it is not active); other
/// roles of A are refused; to anybody else it does not exist.
const COMPLETERS_THEN_CONFLICT: Who = Who {
    anonymous: Deny(404),
    member: Allow(409),
    secretariat: Allow(409),
    finance: Deny(403),
    council_admin: Allow(409),
    auditor: Deny(403),
};
/// The safeguarding list: the council's lead (its secretariat member here) and council
/// admins; everybody else is refused.
const CASE_LIST_READERS: Who = Who {
    anonymous: Deny(401),
    member: Deny(403),
    secretariat: Allow(200),
    finance: Deny(403),
    council_admin: Allow(200),
    auditor: Deny(403),
};
/// A's case: A's lead and council admins; to everybody else it does not exist.
const CASE_READERS: Who = Who {
    anonymous: Deny(404),
    member: Deny(404),
    finance: Deny(404),
    auditor: Deny(404),
    ..CASE_LIST_READERS
};
/// A's case, stopping at an empty note.
const CASE_READERS_THEN_BAD_INPUT: Who = Who {
    secretariat: Allow(400),
    council_admin: Allow(400),
    ..CASE_READERS
};
/// Naming the lead: the council admin (here with a malformed id, 400).
const LEAD_SETTERS_THEN_BAD_INPUT: Who = Who {
    anonymous: Deny(401),
    member: Deny(403),
    secretariat: Deny(403),
    finance: Deny(403),
    council_admin: Allow(400),
    auditor: Deny(403),
};

pub(super) const ROWS: &[Row] = &[
    func("/fn/mentorship/overview", &[], Scope::Acting, TAKING_PART),
    func(
        "/fn/mentorship/create_programme",
        &[("fields[title]", "")],
        Scope::Acting,
        STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/programme",
        &[("id", "{programme}")],
        Scope::Names,
        PROGRAMME_READERS,
    ),
    func(
        "/fn/mentorship/add_cohort",
        &[("programme", "{programme}"), ("name", "")],
        Scope::Names,
        PROGRAMME_STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/end_programme",
        &[("programme", "{ended_programme}")],
        Scope::Names,
        PROGRAMME_STAFF_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/invite",
        &[
            ("cohort", "{cohort}"),
            ("person", "{member}"),
            ("role", "boss"),
        ],
        Scope::Names,
        PROGRAMME_STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/apply",
        &[("cohort", "{cohort}"), ("role", "boss")],
        Scope::Names,
        APPLICANTS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/answer_invitation",
        &[("place", "{place}"), ("decision", "maybe")],
        Scope::Names,
        PLACE_OWNER_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/decide_application",
        &[("place", "{place}"), ("decision", "maybe")],
        Scope::Names,
        PROGRAMME_STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/place",
        &[("id", "{place}")],
        Scope::Names,
        PLACE_OWNER,
    ),
    func(
        "/fn/mentorship/save_profile",
        &[("place", "{place}"), ("fields[languages]", "")],
        Scope::Names,
        PLACE_OWNER_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/propose",
        &[
            ("cohort", "{cohort}"),
            ("mentor", "{member}"),
            ("mentee", "{member}"),
        ],
        Scope::Names,
        PROGRAMME_STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/pair",
        &[("id", "{pair}")],
        Scope::Names,
        PAIR,
    ),
    func(
        "/fn/mentorship/answer_match",
        &[("pair", "{pair}"), ("decision", "maybe")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/end_match",
        &[("pair", "{ended_pair}")],
        Scope::Names,
        PAIR_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/complete_match",
        &[("pair", "{ended_pair}")],
        Scope::Names,
        COMPLETERS_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/propose_goal",
        &[("pair", "{pair}"), ("title", "")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/agree_goal",
        &[("goal", "{goal}")],
        Scope::Names,
        PAIR_THEN_FORBIDDEN,
    ),
    func(
        "/fn/mentorship/goal_met",
        &[("goal", "{goal}")],
        Scope::Names,
        PAIR_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/add_milestone",
        &[("goal", "{goal}"), ("title", "")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/milestone_done",
        &[("milestone", "{milestone}")],
        Scope::Names,
        PAIR_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/log_session",
        &[("pair", "{pair}"), ("fields[held_on]", "")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/claim_session",
        &[("session", "{session}")],
        Scope::Names,
        PAIR_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/feedback",
        &[("pair", "{pair}"), ("fields[moment]", "someday")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/certificate_name",
        &[("pair", "{pair}"), ("choice", "nickname")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/certificate",
        &[("id", "{pair}")],
        Scope::Names,
        PAIR_THEN_CONFLICT,
    ),
    func(
        "/fn/mentorship/report_concern",
        &[("pair", "{pair}"), ("concern", "")],
        Scope::Names,
        PAIR_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/safeguarding",
        &[],
        Scope::Acting,
        CASE_LIST_READERS,
    ),
    func(
        "/fn/mentorship/set_lead",
        &[("person", "not-an-id")],
        Scope::Acting,
        LEAD_SETTERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/mentorship/case",
        &[("id", "{case}")],
        Scope::Names,
        CASE_READERS,
    ),
    func(
        "/fn/mentorship/update_case",
        &[("case", "{case}"), ("note", ""), ("status", "")],
        Scope::Names,
        CASE_READERS_THEN_BAD_INPUT,
    ),
    page("/programmes", "/programmes", Scope::Acting, TAKING_PART),
    page(
        "/programmes/{id}",
        "/programmes/{programme}",
        Scope::Names,
        PROGRAMME_READERS,
    ),
    page("/places/{id}", "/places/{place}", Scope::Names, PLACE_OWNER),
    page("/pairs/{id}", "/pairs/{pair}", Scope::Names, PAIR),
    page(
        "/pairs/{id}/certificate",
        "/pairs/{pair}/certificate",
        Scope::Names,
        PAIR_THEN_CONFLICT,
    ),
    page("/cases", "/cases", Scope::Acting, CASE_LIST_READERS),
    page("/cases/{id}", "/cases/{case}", Scope::Names, CASE_READERS),
    plain_named(
        "/sessions/{id}/calendar.ics",
        Via::Plain,
        "/sessions/{session}/calendar.ics",
        PAIR,
    ),
];
