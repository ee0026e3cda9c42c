//! Identity and access rows: signing in and out, the second factor, the account, switching
//! council, invitations, members and roles, the audit log, and their pages.

use super::*;

pub(super) const ROWS: &[Row] = &[
    // Signing in and out, the session.
    func("/fn/auth/options", &[], Scope::Global, EVERYONE),
    func(
        "/fn/auth/request-link",
        &[("email", "nobody@example.org"), ("next", "")],
        Scope::Global,
        EVERYONE,
    ),
    func(
        "/fn/auth/use-link",
        &[("token", BAD_TOKEN)],
        Scope::Global,
        NOBODY_WITHOUT_TOKEN,
    ),
    func("/fn/session/sign-out", &[], Scope::Global, EVERYONE),
    func(
        "/fn/session/sign-out-everywhere",
        &[],
        Scope::Global,
        SIGNED_IN,
    ),
    // Switching to council A: only for A's people (everybody here holds a role in exactly one
    // council, so A's people "switch" to the council they are in).
    func(
        "/fn/session/council",
        &[("council", "{council}")],
        Scope::Names,
        SIGNED_IN,
    ),
    func(
        "/fn/auth/second-factor/status",
        &[],
        Scope::Global,
        SIGNED_IN,
    ),
    func(
        "/fn/auth/second-factor/enrolment",
        &[],
        Scope::Global,
        SIGNED_IN,
    ),
    func(
        "/fn/auth/second-factor/confirm",
        &[("code", "not-a-code")],
        Scope::Global,
        SIGNED_IN_THEN_BAD_CODE,
    ),
    func(
        "/fn/auth/second-factor/verify",
        &[("code", "not-a-code")],
        Scope::Global,
        SIGNED_IN_THEN_BAD_CODE,
    ),
    func(
        "/fn/auth/second-factor/recovery-codes",
        &[],
        Scope::Global,
        SIGNED_IN_NOTHING_WAITING,
    ),
    // The caller's own account (saved unchanged).
    func("/fn/account/get", &[], Scope::Global, SIGNED_IN),
    func(
        "/fn/account/update",
        &[("display_name", "{self_name}"), ("notify", "discreet")],
        Scope::Global,
        SIGNED_IN,
    ),
    // Invitations.
    func(
        "/fn/invitations/preview",
        &[("token", BAD_TOKEN)],
        Scope::Global,
        NOBODY_WITHOUT_TOKEN,
    ),
    func(
        "/fn/invitations/accept",
        &[
            ("token", BAD_TOKEN),
            ("display_name", "Nobody"),
            ("language", "en"),
            ("notify", "discreet"),
        ],
        Scope::Global,
        NOBODY_WITHOUT_TOKEN,
    ),
    // Invites to the caller's own council (another council's staff invite to theirs).
    func(
        "/fn/invitations/create",
        &[("email", "invitee@example.org"), ("role", "member")],
        Scope::Acting,
        STAFF,
    ),
    func("/fn/invitations/pending", &[], Scope::Acting, STAFF).shows(Fixture::Invitation),
    // A fresh pending invitation of A for every call, so each allowed call can succeed.
    func(
        "/fn/invitations/revoke",
        &[("id", "{fresh_invitation}")],
        Scope::Names,
        STAFF,
    ),
    // Members (unchanged: the same roles, "restore" someone not suspended) and the audit log.
    func("/fn/members/list", &[], Scope::Acting, COUNCIL_ADMIN).shows(Fixture::Member),
    func(
        "/fn/members/roles",
        &[("person", "{member}"), ("member", "on")],
        Scope::Names,
        COUNCIL_ADMIN,
    ),
    func(
        "/fn/members/suspend",
        &[("person", "{member}"), ("suspend", "false")],
        Scope::Names,
        COUNCIL_ADMIN,
    ),
    func(
        "/fn/audit/list",
        &[("action", ""), ("from", ""), ("to", "")],
        Scope::Acting,
        ADMIN_OR_AUDITOR,
    )
    .shows(Fixture::Invitation),
    page("/sign-in", "/sign-in", Scope::Global, EVERYONE),
    page("/sign-in/sent", "/sign-in/sent", Scope::Global, EVERYONE),
    // Opening a link only shows a button; using it is `/fn/auth/use-link`.
    page(
        "/sign-in/link",
        "/sign-in/link?token=not-a-valid-token",
        Scope::Global,
        EVERYONE,
    ),
    page(
        "/sign-in/second-factor",
        "/sign-in/second-factor",
        Scope::Global,
        SIGNED_IN,
    ),
    page(
        "/sign-in/recovery-codes",
        "/sign-in/recovery-codes",
        Scope::Global,
        SIGNED_IN_NOTHING_WAITING,
    ),
    page(
        "/invitation",
        "/invitation?token=not-a-valid-token",
        Scope::Global,
        NOBODY_WITHOUT_TOKEN,
    ),
    page("/account", "/account", Scope::Global, SIGNED_IN),
    page(
        "/council/members",
        "/council/members",
        Scope::Acting,
        COUNCIL_ADMIN,
    )
    .shows(Fixture::Member),
    page(
        "/council/invitations",
        "/council/invitations",
        Scope::Acting,
        STAFF,
    )
    .shows(Fixture::Invitation),
    page(
        "/council/audit",
        "/council/audit",
        Scope::Acting,
        ADMIN_OR_AUDITOR,
    )
    .shows(Fixture::Invitation),
    // Everybody may start an OpenID sign-in where a provider is configured; none is here.
    plain("/auth/oidc/start", NOT_HERE),
    plain("/auth/oidc/callback", NOT_HERE),
];
