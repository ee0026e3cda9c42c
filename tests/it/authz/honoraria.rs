//! Paid-time rows: a member's own claims and payment preference, the rate card and settings,
//! finance's queue, decisions and batches, meetings, and the file routes (expense upload,
//! receipt, batch exports). A's fixtures: `{claim}` (A's member's, submitted), `{draft_claim}`
//! (A's member's, a draft), `{expense}` (with a receipt), `{batch}` (A's, with a bank
//! transfer), `{locked_claim}` (the claim in that batch), `{meeting}` (in the past).

use super::*;

/// Members only (their own claims); everybody else signed in is refused (403).
const MEMBERS_ONLY: Who = Who {
    anonymous: Deny(401),
    member: Allow(200),
    secretariat: Deny(403),
    finance: Deny(403),
    council_admin: Deny(403),
    auditor: Deny(403),
};
/// Members, whose call then stops at its malformed input (400).
const MEMBERS_THEN_BAD_INPUT: Who = Who {
    member: Allow(400),
    ..MEMBERS_ONLY
};
/// Finance only.
const FINANCE_ONLY: Who = Who {
    anonymous: Deny(401),
    member: Deny(403),
    secretariat: Deny(403),
    finance: Allow(200),
    council_admin: Deny(403),
    auditor: Deny(403),
};
/// Finance, whose call then stops at its malformed input (400).
const FINANCE_THEN_BAD_INPUT: Who = Who {
    finance: Allow(400),
    ..FINANCE_ONLY
};
/// The council admin, whose call then stops at its malformed input (400).
const COUNCIL_ADMIN_THEN_BAD_INPUT: Who = Who {
    council_admin: Allow(400),
    ..COUNCIL_ADMIN
};
/// A's member's claim: only its author may act on it (here it is in a state where the act
/// does not apply: 409); finance reads it but may not act as its author (403); to everybody
/// else it does not exist (404).
const CLAIM_AUTHOR_THEN_CONFLICT: Who = Who {
    anonymous: Deny(404),
    member: Allow(409),
    secretariat: Deny(404),
    finance: Deny(403),
    council_admin: Deny(404),
    auditor: Deny(404),
};
/// A claim's receipt: its author and finance (audited); nobody else.
const CLAIM_READERS: Who = Who {
    finance: Allow(200),
    member: Allow(200),
    ..CLAIM_AUTHOR_THEN_CONFLICT
};
/// A's batch: finance of A only; to everybody else it does not exist.
const BATCH_FINANCE: Who = Who {
    anonymous: Deny(404),
    member: Deny(404),
    secretariat: Deny(404),
    finance: Allow(200),
    council_admin: Deny(404),
    auditor: Deny(404),
};
/// A's meeting: its staff record attendance (here stopping at an empty list of people, 400);
/// other roles of A are refused (403); to anybody else it does not exist (404).
const MEETING_STAFF_THEN_BAD_INPUT: Who = Who {
    anonymous: Deny(404),
    member: Deny(403),
    secretariat: Allow(400),
    finance: Deny(403),
    council_admin: Allow(400),
    auditor: Deny(403),
};
/// A's meeting: everybody in A reads it; to anybody else it does not exist.
const MEETING_READERS: Who = Who {
    anonymous: Deny(404),
    ..Who::all(Allow(200))
};
/// The payment figures: finance, the council admin and the auditor.
const FIGURE_READERS: Who = Who {
    anonymous: Deny(401),
    member: Deny(403),
    secretariat: Deny(403),
    finance: Allow(200),
    council_admin: Allow(200),
    auditor: Allow(200),
};
/// The expense upload: a signed-out visitor is sent to sign in (303); a member is sent back
/// to the form with "date required" (303); other roles are refused (403).
const EXPENSE_UPLOADERS: Who = Who {
    anonymous: Deny(303),
    member: Allow(303),
    ..MEMBERS_ONLY
};

pub(super) const ROWS: &[Row] = &[
    // A member's own claims.
    func("/fn/honoraria/mine", &[], Scope::Acting, MEMBERS_ONLY),
    func(
        "/fn/honoraria/log_time",
        &[("fields[work_date]", "")],
        Scope::Acting,
        MEMBERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/honoraria/edit_time",
        &[("claim", "{claim}"), ("fields[minutes]", "0")],
        Scope::Names,
        CLAIM_AUTHOR_THEN_CONFLICT,
    ),
    func(
        "/fn/honoraria/submit",
        &[("claim", "{claim}")],
        Scope::Names,
        CLAIM_AUTHOR_THEN_CONFLICT,
    ),
    func(
        "/fn/honoraria/withdraw",
        &[("claim", "{draft_claim}")],
        Scope::Names,
        CLAIM_AUTHOR_THEN_CONFLICT,
    ),
    func(
        "/fn/honoraria/delete",
        &[("claim", "{claim}")],
        Scope::Names,
        CLAIM_AUTHOR_THEN_CONFLICT,
    ),
    func(
        "/fn/honoraria/defer",
        &[("claim", "{locked_claim}")],
        Scope::Names,
        CLAIM_AUTHOR_THEN_CONFLICT,
    ),
    func(
        "/fn/honoraria/adjust",
        &[
            ("claim", "{claim}"),
            ("corrected", "60"),
            ("reason", "typo"),
        ],
        Scope::Names,
        CLAIM_AUTHOR_THEN_CONFLICT,
    ),
    func(
        "/fn/honoraria/statement",
        &[("period[from]", "")],
        Scope::Acting,
        MEMBERS_ONLY,
    ),
    func("/fn/honoraria/payment", &[], Scope::Acting, MEMBERS_ONLY),
    func(
        "/fn/honoraria/set_payment",
        &[("fields[method]", "cheque")],
        Scope::Acting,
        MEMBERS_THEN_BAD_INPUT,
    ),
    // The rate card and the council's settings.
    func("/fn/honoraria/rates", &[], Scope::Acting, SIGNED_IN),
    func(
        "/fn/honoraria/add_rate",
        &[("fields[activity]", "juggling")],
        Scope::Acting,
        COUNCIL_ADMIN_THEN_BAD_INPUT,
    ),
    func(
        "/fn/honoraria/settings",
        &[("fields[second_approval_above]", "lots")],
        Scope::Acting,
        COUNCIL_ADMIN_THEN_BAD_INPUT,
    ),
    // Finance.
    func(
        "/fn/honoraria/queue",
        &[("filter[state]", "")],
        Scope::Acting,
        FINANCE_ONLY,
    ),
    func(
        "/fn/honoraria/decide",
        &[("claims[0]", "{claim}"), ("decision", "shrug")],
        Scope::Acting,
        FINANCE_THEN_BAD_INPUT,
    ),
    func("/fn/honoraria/batches", &[], Scope::Acting, FINANCE_ONLY),
    func(
        "/fn/honoraria/totals",
        &[("year", "")],
        Scope::Acting,
        FINANCE_ONLY,
    ),
    func("/fn/honoraria/figures", &[], Scope::Acting, FIGURE_READERS),
    func(
        "/fn/honoraria/batch",
        &[("id", "{batch}")],
        Scope::Names,
        BATCH_FINANCE,
    ),
    func(
        "/fn/honoraria/create_batch",
        &[("currency", "XYZ")],
        Scope::Acting,
        FINANCE_THEN_BAD_INPUT,
    ),
    func(
        "/fn/honoraria/mark_paid",
        &[("id", "{batch}")],
        Scope::Names,
        BATCH_FINANCE,
    ),
    // Meetings.
    func(
        "/fn/honoraria/record_meeting",
        &[("fields[starts_at]", "soon")],
        Scope::Acting,
        STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/honoraria/attendance",
        &[("meeting", "{meeting}")],
        Scope::Names,
        MEETING_STAFF_THEN_BAD_INPUT,
    ),
    func("/fn/honoraria/meetings", &[], Scope::Acting, SIGNED_IN),
    func(
        "/fn/honoraria/meeting",
        &[("id", "{meeting}")],
        Scope::Names,
        MEETING_READERS,
    ),
    // Pages.
    page("/meetings", "/meetings", Scope::Acting, SIGNED_IN),
    page(
        "/meetings/{id}",
        "/meetings/{meeting}",
        Scope::Names,
        MEETING_READERS,
    ),
    page(
        "/time/statement",
        "/time/statement",
        Scope::Acting,
        MEMBERS_ONLY,
    ),
    page(
        "/finance/totals",
        "/finance/totals",
        Scope::Acting,
        FINANCE_ONLY,
    ),
    page(
        "/council/payment-times",
        "/council/payment-times",
        Scope::Acting,
        FIGURE_READERS,
    ),
    page("/time", "/time", Scope::Acting, MEMBERS_ONLY),
    page(
        "/time/payment",
        "/time/payment",
        Scope::Acting,
        MEMBERS_ONLY,
    ),
    page("/council/rates", "/council/rates", Scope::Acting, SIGNED_IN),
    page("/finance", "/finance", Scope::Acting, FINANCE_ONLY),
    page(
        "/finance/batches",
        "/finance/batches",
        Scope::Acting,
        FINANCE_ONLY,
    ),
    page(
        "/finance/batches/{id}",
        "/finance/batches/{batch}",
        Scope::Names,
        BATCH_FINANCE,
    ),
    // Files.
    Row {
        scope: Scope::Acting,
        ..plain_named(
            "/time/expenses",
            Via::PlainPost,
            "/time/expenses",
            EXPENSE_UPLOADERS,
        )
    },
    plain_named(
        "/time/claims/{id}/receipt",
        Via::Plain,
        "/time/claims/{expense}/receipt",
        CLAIM_READERS,
    ),
    Row {
        scope: Scope::Acting,
        ..plain("/time/statement.csv", MEMBERS_ONLY)
    },
    plain_named(
        "/meetings/{id}/calendar.ics",
        Via::Plain,
        "/meetings/{meeting}/calendar.ics",
        MEETING_READERS,
    ),
    plain_named(
        "/finance/batches/{id}/csv",
        Via::Plain,
        "/finance/batches/{batch}/csv",
        BATCH_FINANCE,
    ),
    plain_named(
        "/finance/batches/{id}/sepa",
        Via::Plain,
        "/finance/batches/{batch}/sepa",
        BATCH_FINANCE,
    ),
];
