//! Consultations rows: reading, creating and running consultations, the version being prepared
//! (in order: `revise` replaces the section the first rows name), comments, answers, the outcome
//! report, their pages and file routes, and the neutral link in mails.

use super::*;

pub(super) const ROWS: &[Row] = &[
    // Consultations.
    func("/fn/consultations/list", &[], Scope::Acting, EVERYONE).shows(Fixture::Consultation),
    func(
        "/fn/consultations/get",
        &[("id", "{consultation}")],
        Scope::Names,
        READERS,
    ),
    func(
        "/fn/consultations/chapter",
        &[("id", "{consultation}"), ("anchor", "{chapter}")],
        Scope::Names,
        READERS,
    ),
    func(
        "/fn/consultations/section-comments",
        &[("id", "{consultation}"), ("anchor", "{chapter}")],
        Scope::Names,
        READERS,
    ),
    func(
        "/fn/consultations/diff",
        &[("id", "{consultation}"), ("from", "1"), ("to", "1")],
        Scope::Names,
        READERS,
    ),
    func(
        "/fn/consultations/outcome",
        &[("id", "{closed_consultation}")],
        Scope::Names,
        READERS,
    ),
    func(
        "/fn/outcome/public",
        &[("id", "{public_consultation}")],
        Scope::Global,
        EVERYONE,
    ),
    func("/fn/consultations/new-form", &[], Scope::Acting, STAFF),
    func("/fn/council/posting-rules", &[], Scope::Acting, STAFF),
    func(
        "/fn/council/set-posting-rules",
        &[("fields[burst]", "")],
        Scope::Acting,
        STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/consultations/create",
        &[("fields[title]", "")],
        Scope::Acting,
        STAFF_THEN_BAD_INPUT,
    ),
    func(
        "/fn/consultations/update",
        &[("id", "{consultation}"), ("fields[title]", "")],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/consultations/participant",
        &[
            ("id", "{consultation}"),
            ("person", "{member}"),
            ("invited", "false"),
        ],
        Scope::Names,
        MANAGERS,
    ),
    func(
        "/fn/consultations/manage",
        &[("id", "{consultation}")],
        Scope::Names,
        MANAGERS,
    ),
    func(
        "/fn/consultations/answers",
        &[("id", "{consultation}")],
        Scope::Names,
        MANAGERS,
    ),
    func(
        "/fn/consultations/phase",
        &[("id", "{consultation}"), ("step", "nonsense")],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    // The version being prepared: fixed (unchanged by malformed input), then replaced and
    // thrown away. Order matters: `revise` replaces the section the first three name.
    func(
        "/fn/drafts/paste",
        &[
            ("id", "{consultation}"),
            ("format", "markdown"),
            ("text", ""),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/drafts/section",
        &[
            ("id", "{consultation}"),
            ("section", "{draft_section}"),
            ("fields[body]", ""),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/drafts/note",
        &[
            ("id", "{consultation}"),
            ("section", "{section}"),
            ("note", "two\nlines"),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/drafts/merge",
        &[("id", "{consultation}"), ("section", "{draft_section}")],
        Scope::Names,
        MANAGERS_THEN_CONFLICT,
    ),
    func(
        "/fn/drafts/split",
        &[
            ("id", "{consultation}"),
            ("section", "{draft_section}"),
            ("at", ""),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/drafts/publish",
        &[("id", "{consultation}"), ("note", "{too_long}")],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/drafts/revise",
        &[("id", "{consultation}")],
        Scope::Names,
        MANAGERS,
    ),
    func(
        "/fn/drafts/discard",
        &[("id", "{consultation}")],
        Scope::Names,
        MANAGERS,
    ),
    // Comments.
    func(
        "/fn/comments/post",
        &[
            ("consultation", "{consultation}"),
            ("section", "{section}"),
            ("fields[body]", ""),
        ],
        Scope::Names,
        COMMENTERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/comments/edit",
        &[
            ("consultation", "{consultation}"),
            ("comment", "{comment}"),
            ("fields[body]", ""),
        ],
        Scope::Names,
        COMMENTERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/comments/consent",
        &[("comment", "{comment}"), ("given", "true")],
        Scope::Names,
        AUTHOR,
    ),
    func(
        "/fn/comments/withdraw",
        &[("comment", "{comment2}")],
        Scope::Names,
        AUTHOR,
    ),
    func(
        "/fn/comments/draft",
        &[
            ("consultation", "{consultation}"),
            ("slot", "section:{section}"),
            ("fields[body]", "kept"),
        ],
        Scope::Names,
        SIGNED_IN_READERS,
    ),
    func(
        "/fn/comments/discard-draft",
        &[
            ("consultation", "{consultation}"),
            ("slot", "section:{section}"),
        ],
        Scope::Names,
        SIGNED_IN_READERS,
    ),
    func(
        "/fn/comments/hide",
        &[
            ("comment", "{comment}"),
            ("reason", "nonsense"),
            ("note", ""),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/comments/answer",
        &[("comment", "{comment}"), ("fields[decision]", "")],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/comments/answer-group",
        &[
            ("consultation", "{consultation}"),
            ("item", "{comment}"),
            ("fields[decision]", ""),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    func(
        "/fn/comments/answer-selection",
        &[
            ("consultation", "{consultation}"),
            ("items[0]", "{comment}"),
            ("fields[decision]", ""),
        ],
        Scope::Names,
        MANAGERS_THEN_BAD_INPUT,
    ),
    page(
        "/consultations/{id}",
        "/consultations/{consultation}",
        Scope::Names,
        READERS,
    ),
    page(
        "/consultations/{id}/comments/{anchor}",
        "/consultations/{consultation}/comments/{chapter}",
        Scope::Names,
        READERS,
    ),
    page(
        "/consultations/{id}/part/{anchor}",
        "/consultations/{consultation}/part/{chapter}",
        Scope::Names,
        READERS,
    ),
    page(
        "/consultations/{id}/changes",
        "/consultations/{consultation}/changes?from=1&to=1",
        Scope::Names,
        READERS,
    ),
    page(
        "/consultations/{id}/manage",
        "/consultations/{consultation}/manage",
        Scope::Names,
        MANAGERS,
    ),
    page(
        "/consultations/{id}/answers",
        "/consultations/{consultation}/answers",
        Scope::Names,
        MANAGERS,
    ),
    page(
        "/consultations/{id}/outcome",
        "/consultations/{closed_consultation}/outcome",
        Scope::Names,
        READERS,
    ),
    plain_named(
        "/consultations/{id}/outcome/print",
        Via::Plain,
        "/consultations/{closed_consultation}/outcome/print",
        READERS,
    ),
    page(
        "/consultations/new",
        "/consultations/new",
        Scope::Acting,
        STAFF,
    ),
    page(
        "/outcome/{id}",
        "/outcome/{public_consultation}",
        Scope::Global,
        EVERYONE,
    ),
    Row {
        target: "/outcome/{public_consultation}/print",
        ..plain("/outcome/{id}/print", EVERYONE)
    },
    plain_named(
        "/consultations/{id}/import",
        Via::PlainPost,
        "/consultations/{consultation}/import",
        IMPORTERS,
    ),
    plain_named(
        "/consultations/{id}/outcome.csv",
        Via::Plain,
        "/consultations/{closed_consultation}/outcome.csv",
        READERS,
    ),
    Row {
        target: "/outcome/{public_consultation}/csv",
        ..plain("/outcome/{id}/csv", EVERYONE)
    },
    // The neutral link in mails: on to the page for its readers only; a signed-out visitor
    // is asked to sign in whatever the id.
    plain_named(
        "/go/{id}",
        Via::Plain,
        "/go/{consultation}",
        READERS_SENT_ON,
    ),
];
