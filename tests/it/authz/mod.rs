//! The authorization matrix.
//!
//! The rows ([`table`]: one file per capability, `identity.rs`, `consultations.rs`,
//! `platform.rs`) name every server function and every route (Leptos pages and the plain routes of
//! [`roundtable_server::PLAIN_ROUTES`]) with who may call it. `every_route_is_in_the_table`
//! fails for a server function or route the table does not name (and for a row that names
//! nothing); `the_matrix_holds` calls every row as an anonymous visitor and as each role —
//! member, secretariat, finance, council admin, auditor — on its own council and from another
//! council, plus a council admin who has not passed the second factor, and checks allow or
//! deny. Every mismatch is collected and reported at once.
//!
//! What the other council gets: a row that names one of council A's things (a consultation,
//! an invitation, a person, the council itself) is refused (404 preferred, 403 accepted); a row
//! that acts on the caller's current council answers as for the caller's own role in their own
//! council, and its body must not mention any of council A's people or things.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use roundtable_app::domain::SessionAuth;
use roundtable_app::model::consultation::Phase;
use roundtable_app::model::identity::EmailAddress;
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use uuid::Uuid;

use crate::fixtures::{ConsultationBuilder, ConsultationThings, create_council, create_person};
use crate::harness::{TestApp, db_tests, signed_in_client};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Nobody signed in.
    Anonymous,
    /// A person holding only the member role.
    Member,
    /// Only the secretariat role.
    Secretariat,
    /// Only the finance role (counts after the second factor).
    Finance,
    /// Only the council admin role (counts after the second factor).
    CouncilAdmin,
    /// Only the auditor role.
    Auditor,
}

impl Kind {
    /// The signed-in kinds with the one role each holds.
    const ROLES: [(Kind, Role); 5] = [
        (Kind::Member, Role::Member),
        (Kind::Secretariat, Role::Secretariat),
        (Kind::Finance, Role::Finance),
        (Kind::CouncilAdmin, Role::CouncilAdmin),
        (Kind::Auditor, Role::Auditor),
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Anonymous => "anonymous",
            Kind::Member => "member",
            Kind::Secretariat => "secretariat",
            Kind::Finance => "finance",
            Kind::CouncilAdmin => "council admin",
            Kind::Auditor => "auditor",
        }
    }
}

/// What one call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Let through; the answer has this status. Mostly 200; a call that passes the access
    /// check and then stops at its deliberately harmless input says so (e.g. 400 for a
    /// malformed second-factor code, 404 for recovery codes when none wait).
    Allow(u16),
    /// Refused with this status.
    Deny(u16),
}

mod consultations;
mod honoraria;
mod identity;
mod mentorship;
mod platform;

use Expect::{Allow, Deny};

/// A row's rule: what each kind of actor gets in its own council.
#[derive(Debug, Clone, Copy)]
struct Who {
    anonymous: Expect,
    member: Expect,
    secretariat: Expect,
    finance: Expect,
    council_admin: Expect,
    auditor: Expect,
}

impl Who {
    const fn all(expect: Expect) -> Self {
        Self {
            anonymous: expect,
            member: expect,
            secretariat: expect,
            finance: expect,
            council_admin: expect,
            auditor: expect,
        }
    }

    fn of(&self, kind: Kind) -> Expect {
        match kind {
            Kind::Anonymous => self.anonymous,
            Kind::Member => self.member,
            Kind::Secretariat => self.secretariat,
            Kind::Finance => self.finance,
            Kind::CouncilAdmin => self.council_admin,
            Kind::Auditor => self.auditor,
        }
    }

    /// Whether only an elevated role opens this row (the council admin may, a plain member
    /// may not): a council admin without the second factor must then be refused.
    fn needs_a_role(&self) -> bool {
        matches!(self.council_admin, Allow(_)) && matches!(self.member, Deny(_))
    }
}

/// Everybody, signed in or not.
const EVERYONE: Who = Who::all(Allow(200));
/// Anybody signed in; anonymous visitors are asked to sign in.
const SIGNED_IN: Who = Who {
    anonymous: Deny(401),
    ..Who::all(Allow(200))
};
/// Secretariat and council admin (`invitations::may_manage`).
const STAFF: Who = Who {
    anonymous: Deny(401),
    member: Deny(403),
    secretariat: Allow(200),
    finance: Deny(403),
    council_admin: Allow(200),
    auditor: Deny(403),
};
/// The council admin only (`members::admin_council`).
const COUNCIL_ADMIN: Who = Who {
    secretariat: Deny(403),
    ..STAFF
};
/// Council admin and auditor (`audit::list`).
const ADMIN_OR_AUDITOR: Who = Who {
    auditor: Allow(200),
    ..COUNCIL_ADMIN
};
/// Those who read a council's consultations: its members and staff (finance and auditors
/// read no comments; to them, and to anybody outside, it does not exist).
const READERS: Who = Who {
    anonymous: Deny(404),
    member: Allow(200),
    secretariat: Allow(200),
    finance: Deny(404),
    council_admin: Allow(200),
    auditor: Deny(404),
};
/// Readers who must be signed in for the call itself (saving a comment draft).
const SIGNED_IN_READERS: Who = Who {
    anonymous: Deny(401),
    ..READERS
};
/// Those who run a consultation: readers, of whom only staff are let through.
const MANAGERS: Who = Who {
    member: Deny(403),
    ..READERS
};
/// Managers whose call then stops at its deliberately malformed input (400).
const MANAGERS_THEN_BAD_INPUT: Who = Who {
    secretariat: Allow(400),
    council_admin: Allow(400),
    ..MANAGERS
};
/// Managers whose call then finds nothing to do (409: no section after the last one).
const MANAGERS_THEN_CONFLICT: Who = Who {
    secretariat: Allow(409),
    council_admin: Allow(409),
    ..MANAGERS
};
/// Staff of the caller's council whose call stops at its malformed input (400).
const STAFF_THEN_BAD_INPUT: Who = Who {
    secretariat: Allow(400),
    council_admin: Allow(400),
    ..STAFF
};
/// Who writes comments: members (here stopping at an empty text, 400). Staff read but do
/// not comment (403); anonymous callers must sign in (401).
const COMMENTERS_THEN_BAD_INPUT: Who = Who {
    anonymous: Deny(401),
    member: Allow(400),
    secretariat: Deny(403),
    finance: Deny(404),
    council_admin: Deny(403),
    auditor: Deny(404),
};
/// The fixture comment's author (A's member) only.
const AUTHOR: Who = Who {
    member: Allow(200),
    ..COMMENTERS_THEN_BAD_INPUT
};
/// A's import route: staff are sent back to the management page (303, here with "empty
/// file"), anonymous visitors to the sign-in page (303).
const IMPORTERS: Who = Who {
    anonymous: Deny(303),
    secretariat: Allow(303),
    council_admin: Allow(303),
    ..MANAGERS
};

/// Nobody without a valid token; the walk only has invalid ones, so everybody gets 410.
const NOBODY_WITHOUT_TOKEN: Who = Who::all(Deny(410));
/// Not present in this deployment (demo mode off, no OpenID provider configured): 404 for
/// everybody, so it cannot even be found.
const NOT_HERE: Who = Who::all(Deny(404));
/// Anybody signed in, whose call then stops at its malformed code (400).
const SIGNED_IN_THEN_BAD_CODE: Who = Who {
    anonymous: Deny(401),
    ..Who::all(Allow(400))
};
/// Anybody signed in, who finds nothing waiting (no fresh recovery codes: 404).
const SIGNED_IN_NOTHING_WAITING: Who = Who {
    anonymous: Deny(401),
    ..Who::all(Allow(404))
};
/// Everybody, sent on elsewhere (303).
const EVERYONE_SENT_AWAY: Who = Who::all(Allow(303));
/// The neutral mail link: readers are sent on to the page (303), a signed-out visitor to the
/// sign-in page (303, nothing looked up), everybody else finds nothing (404).
const READERS_SENT_ON: Who = Who {
    anonymous: Deny(303),
    member: Allow(303),
    secretariat: Allow(303),
    council_admin: Allow(303),
    ..READERS
};

/// How a row is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    /// A server function: POST, form-encoded, JSON answer (as the hydrated app calls it).
    ServerFn,
    /// A Leptos page: GET as a browser asks for HTML.
    Page,
    /// A route outside Leptos ([`roundtable_server::PLAIN_ROUTES`]): GET.
    Plain,
    /// A POST route outside Leptos: a multipart form with an empty file.
    PlainPost,
}

/// What a row touches, which decides what another council's people get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Not tied to a council: the caller's own session, account, or a public page. Another
    /// council's people get what their own role gets.
    Global,
    /// The caller's current council (its lists, or a new invitation to it). Another council's
    /// people get what their own role gets, in their own council, and never A's data.
    Acting,
    /// Names one of council A's things by id. Another council's people are refused.
    Names,
}

/// A fixture of council A a list row must show to those it lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fixture {
    /// The council-only consultation.
    Consultation,
    /// The pending invitation.
    Invitation,
    /// The member person.
    Member,
}

impl Fixture {
    /// Whether a list row shows this fixture to `kind` (finance and auditors read no
    /// consultations).
    fn shown_to(self, kind: Kind) -> bool {
        !(self == Fixture::Consultation && matches!(kind, Kind::Finance | Kind::Auditor))
    }
}

/// One server function or route and who may call it.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// The route as the router lists it: a server function's path, a page's route pattern
    /// (`/consultations/{id}`), or a plain route's path.
    route: &'static str,
    via: Via,
    /// What is requested: the route with placeholders for the fixtures (see [`Fixtures::fill`])
    /// and any query.
    target: &'static str,
    /// Form fields (server functions), with the same placeholders.
    form: &'static [(&'static str, &'static str)],
    scope: Scope,
    who: Who,
    /// What an allowed member of council A must see in the answer.
    shows: Option<Fixture>,
}

impl Row {
    const fn shows(self, fixture: Fixture) -> Self {
        Self {
            shows: Some(fixture),
            ..self
        }
    }
}

const fn func(
    route: &'static str,
    form: &'static [(&'static str, &'static str)],
    scope: Scope,
    who: Who,
) -> Row {
    Row {
        route,
        via: Via::ServerFn,
        target: route,
        form,
        scope,
        who,
        shows: None,
    }
}

const fn page(route: &'static str, target: &'static str, scope: Scope, who: Who) -> Row {
    Row {
        route,
        via: Via::Page,
        target,
        form: &[],
        scope,
        who,
        shows: None,
    }
}

const fn plain(route: &'static str, who: Who) -> Row {
    Row {
        route,
        via: Via::Plain,
        target: route,
        form: &[],
        scope: Scope::Global,
        who,
        shows: None,
    }
}

/// A plain route that names one of council A's things.
const fn plain_named(route: &'static str, via: Via, target: &'static str, who: Who) -> Row {
    Row {
        route,
        via,
        target,
        form: &[],
        scope: Scope::Names,
        who,
        shows: None,
    }
}

/// A token that is no token.
const BAD_TOKEN: &str = "not-a-valid-token";

/// Every server function and route, and who may call it.
/// Every row, one file per capability.
fn table() -> impl Iterator<Item = &'static Row> {
    identity::ROWS
        .iter()
        .chain(consultations::ROWS)
        .chain(honoraria::ROWS)
        .chain(mentorship::ROWS)
        .chain(platform::ROWS)
}

#[tokio::test]
async fn every_route_is_in_the_table() {
    let mut problems = Vec::new();
    let mut keys = BTreeSet::new();
    for row in table() {
        if !keys.insert((row.route, row.via)) {
            problems.push(format!("{} is in the table twice", row.route));
        }
    }
    let mut found: BTreeSet<(String, Via)> = BTreeSet::new();
    let in_table = |via: Via, route: &str| table().any(|r| r.via == via && r.route == route);
    for (path, method) in server_fn::axum::server_fn_paths() {
        found.insert((path.to_owned(), Via::ServerFn));
        if !in_table(Via::ServerFn, path) {
            problems.push(format!(
                "server function {method} {path} is not in the authorization table"
            ));
        } else if method != http::Method::POST {
            problems.push(format!(
                "server function {path} answers {method}; the table calls it with POST"
            ));
        }
    }
    for route in leptos_axum::generate_route_list(roundtable_app::app::App) {
        found.insert((route.path().to_owned(), Via::Page));
        if !in_table(Via::Page, route.path()) {
            problems.push(format!(
                "page route {} is not in the authorization table",
                route.path()
            ));
        }
    }
    for (method, path) in roundtable_server::PLAIN_ROUTES {
        let via = if *method == "POST" {
            Via::PlainPost
        } else {
            Via::Plain
        };
        found.insert(((*path).to_owned(), via));
        if !in_table(via, path) {
            problems.push(format!(
                "route {method} {path} is not in the authorization table"
            ));
        } else if !matches!(*method, "GET" | "POST") {
            problems.push(format!(
                "route {path} answers {method}; the table calls it with GET or POST"
            ));
        }
    }
    for row in table() {
        if !found.contains(&(row.route.to_owned(), row.via)) {
            problems.push(format!(
                "the table names {:?} {}, which the app does not serve",
                row.via, row.route
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the authorization table and the app's routes differ:\n{}",
        problems.join("\n")
    );
}

/// Which council a signed-in caller acts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Council A, whose things the rows name.
    Own,
    /// Council B.
    Other,
}

/// One caller of the walk.
#[derive(Debug, Clone, Copy)]
struct Caller {
    kind: Kind,
    /// `None` for the anonymous visitor.
    side: Option<Side>,
    second_factor: bool,
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.side {
            None => f.write_str("anonymous"),
            Some(Side::Own) if !self.second_factor => write!(
                f,
                "{} in own council A, WITHOUT the second factor",
                self.kind.label()
            ),
            Some(Side::Own) => write!(f, "{} in own council A", self.kind.label()),
            Some(Side::Other) => write!(f, "{} of other council B", self.kind.label()),
        }
    }
}

/// The callers of the walk, in order.
fn callers() -> Vec<Caller> {
    let mut all = vec![Caller {
        kind: Kind::Anonymous,
        side: None,
        second_factor: false,
    }];
    for side in [Side::Own, Side::Other] {
        for (kind, _) in Kind::ROLES {
            all.push(Caller {
                kind,
                side: Some(side),
                second_factor: true,
            });
        }
    }
    all.push(Caller {
        kind: Kind::CouncilAdmin,
        side: Some(Side::Own),
        second_factor: false,
    });
    all
}

/// What a call must answer.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// Exactly this.
    Exactly(Expect),
    /// Refused across councils: 404 (preferred) or 403.
    Refused,
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Want::Exactly(Allow(s)) => write!(f, "allow ({s})"),
            Want::Exactly(Deny(s)) => write!(f, "deny ({s})"),
            Want::Refused => f.write_str("deny (404 or 403)"),
        }
    }
}

fn want(row: &Row, caller: Caller) -> Want {
    match caller.side {
        None => Want::Exactly(row.who.anonymous),
        // Finance and council admin count only after the second factor.
        // Named things are refused as for anybody without the role (404 or 403).
        Some(Side::Own) if !caller.second_factor && row.scope == Scope::Names => Want::Refused,
        Some(Side::Own) if !caller.second_factor => Want::Exactly(Deny(403)),
        Some(Side::Own) => Want::Exactly(row.who.of(caller.kind)),
        Some(Side::Other) if row.scope == Scope::Names => Want::Refused,
        Some(Side::Other) => Want::Exactly(row.who.of(caller.kind)),
    }
}

/// The two councils, their people and council A's things.
struct Fixtures {
    council_a: CouncilId,
    council_b: CouncilId,
    /// Each role's person and display name, per council.
    people: BTreeMap<(Kind, bool), (PersonId, String)>,
    consultation: Uuid,
    invitation: Uuid,
    member: PersonId,
    /// Council A's consultation things: a section and its chapter, two comments of A's
    /// member, a section of the version being prepared, a responded consultation and one
    /// whose outcome is public.
    section: Uuid,
    chapter: String,
    comment: Uuid,
    comment2: Uuid,
    draft_section: Uuid,
    closed_consultation: Uuid,
    public_consultation: Uuid,
    /// Council A's paid-time things.
    honoraria: crate::fixtures::HonorariaThings,
    /// Council A's mentorship things.
    mentorship: crate::fixtures::MentorshipThings,
    /// Council A's ids and names that nobody outside A may see: (what, value).
    secrets: Vec<(String, String)>,
}

impl Fixtures {
    async fn arrange(app: &TestApp) -> Self {
        let council_a = create_council(app, "a").await;
        let council_b = create_council(app, "b").await;
        let mut people = BTreeMap::new();
        let mut secrets = Vec::new();
        for (kind, role) in Kind::ROLES {
            for (in_a, council, prefix) in [(true, council_a, "Aqz"), (false, council_b, "Bqz")] {
                let name = format!("{prefix} {}", kind.label());
                let email = format!("{}.{prefix}@example.org", role.code()).to_lowercase();
                let id = create_person(app, council, &name, &email, &[role]).await;
                if in_a {
                    secrets.push((format!("id of A's {}", kind.label()), id.0.to_string()));
                    secrets.push((format!("name of A's {}", kind.label()), name.clone()));
                }
                people.insert((kind, in_a), (id, name));
            }
        }
        let consultation = ConsultationBuilder::new(council_a)
            .title("Aqz council-only consultation")
            .summary("For council A's people only.")
            .phase(Phase::Open)
            .insert(app)
            .await
            .0;
        secrets.push(("A's consultation id".into(), consultation.to_string()));
        secrets.push((
            "A's consultation title".into(),
            "Aqz council-only consultation".into(),
        ));
        // The pending invitation, made as the app makes it.
        let secretariat = people[&(Kind::Secretariat, true)].0;
        let staff = signed_in_client(app, secretariat, council_a, true).await;
        let res = staff
            .post(app.url("/fn/invitations/create"))
            .header("accept", "application/json")
            .form(&[("email", "fixture.invitee@example.org"), ("role", "member")])
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), 200, "A's secretariat invites");
        let res = staff
            .post(app.url("/fn/invitations/pending"))
            .header("accept", "application/json")
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), 200, "A's secretariat lists invitations");
        let pending: serde_json::Value = res.json().await.expect("json");
        let pending = pending.as_array().expect("a list");
        assert_eq!(pending.len(), 1, "one pending invitation");
        let invitation: Uuid = pending[0]["id"]
            .as_str()
            .expect("an id")
            .parse()
            .expect("a uuid");
        secrets.push(("A's invitation id".into(), invitation.to_string()));
        let member = people[&(Kind::Member, true)].0;
        let things =
            ConsultationThings::arrange(app, council_a, secretariat, member, consultation).await;
        secrets.push(("A's comment id".into(), things.comment.to_string()));
        secrets.push(("A's section id".into(), things.section.to_string()));
        let honoraria = crate::fixtures::HonorariaThings::arrange(
            app,
            council_a,
            member,
            people[&(Kind::Finance, true)].0,
            secretariat,
            people[&(Kind::CouncilAdmin, true)].0,
        )
        .await;
        for (what, id) in [
            ("A's claim id", honoraria.claim),
            ("A's draft claim id", honoraria.draft_claim),
            ("A's locked claim id", honoraria.locked_claim),
            ("A's expense id", honoraria.expense),
            ("A's batch id", honoraria.batch),
            ("A's meeting id", honoraria.meeting),
        ] {
            secrets.push((what.into(), id.to_string()));
        }
        secrets.push(("A's batch reference".into(), honoraria.reference.clone()));
        let mentorship = crate::fixtures::MentorshipThings::arrange(
            app,
            council_a,
            member,
            secretariat,
            people[&(Kind::CouncilAdmin, true)].0,
        )
        .await;
        // B's secretariat is B's safeguarding lead, as A's is A's.
        let b_admin = crate::fixtures::honoraria::actor(
            app,
            people[&(Kind::CouncilAdmin, false)].0,
            council_b,
        )
        .await;
        roundtable_app::domain::mentorship::safeguarding::set_lead(
            &app.state,
            &b_admin,
            &people[&(Kind::Secretariat, false)].0.to_string(),
        )
        .await
        .expect("B's lead");
        for (what, id) in [
            ("A's programme id", mentorship.programme.0),
            ("A's cohort id", mentorship.cohort.0),
            ("A's place id", mentorship.place.0),
            ("A's match id", mentorship.pair.0),
            ("A's session id", mentorship.session.0),
            ("A's case id", mentorship.case.0),
            ("A's mentee id", mentorship.mentees[0].0),
            ("A's second mentee id", mentorship.mentees[1].0),
        ] {
            secrets.push((what.into(), id.to_string()));
        }
        for (what, text) in [
            ("A's programme title", "Aqz programme"),
            ("A's private note", "Aqz private note"),
            ("A's concern", "Aqz concern"),
            ("A's mentee's name", "Aqz Mentee"),
        ] {
            secrets.push((what.into(), text.into()));
        }
        Self {
            mentorship,
            honoraria,
            council_a,
            council_b,
            people,
            consultation,
            invitation,
            member,
            section: things.section,
            chapter: things.chapter,
            comment: things.comment,
            comment2: things.comment2,
            draft_section: things.draft_section,
            closed_consultation: things.closed,
            public_consultation: things.public,
            secrets,
        }
    }

    /// A new pending invitation of council A (for one revoke call).
    async fn fresh_invitation(&mut self, app: &TestApp) -> Uuid {
        let email = EmailAddress::parse("email", "fresh.invitee@example.org").expect("address");
        let id = roundtable_app::domain::identity::invitations::issue(
            &app.db,
            &app.state,
            self.council_a,
            "en",
            &email,
            Role::Member,
            None,
        )
        .await
        .expect("invitation issued");
        self.secrets
            .push(("a pending invitation id of A".into(), id.to_string()));
        id
    }

    /// `text` with the placeholders filled in for `caller`.
    fn fill(&self, text: &str, caller: Caller, fresh: Option<Uuid>) -> String {
        let self_name = self
            .person(caller)
            .map_or_else(|| "Nobody".to_owned(), |(_, name)| name.clone());
        text.replace("{consultation}", &self.consultation.to_string())
            .replace(
                "{closed_consultation}",
                &self.closed_consultation.to_string(),
            )
            .replace(
                "{public_consultation}",
                &self.public_consultation.to_string(),
            )
            .replace("{section}", &self.section.to_string())
            .replace("{chapter}", &self.chapter)
            .replace("{comment}", &self.comment.to_string())
            .replace("{comment2}", &self.comment2.to_string())
            .replace("{draft_section}", &self.draft_section.to_string())
            .replace("{too_long}", &"x".repeat(2_001))
            .replace("{invitation}", &self.invitation.to_string())
            .replace("{draft_claim}", &self.honoraria.draft_claim.to_string())
            .replace("{locked_claim}", &self.honoraria.locked_claim.to_string())
            .replace("{claim}", &self.honoraria.claim.to_string())
            .replace("{expense}", &self.honoraria.expense.to_string())
            .replace("{batch}", &self.honoraria.batch.to_string())
            .replace("{meeting}", &self.honoraria.meeting.to_string())
            .replace(
                "{ended_programme}",
                &self.mentorship.ended_programme.to_string(),
            )
            .replace("{programme}", &self.mentorship.programme.to_string())
            .replace("{cohort}", &self.mentorship.cohort.to_string())
            .replace("{place}", &self.mentorship.place.to_string())
            .replace("{ended_pair}", &self.mentorship.ended_pair.to_string())
            .replace("{pair}", &self.mentorship.pair.to_string())
            .replace("{session}", &self.mentorship.session.to_string())
            .replace("{goal}", &self.mentorship.goal.to_string())
            .replace("{milestone}", &self.mentorship.milestone.to_string())
            .replace("{case}", &self.mentorship.case.to_string())
            .replace("{member}", &self.member.0.to_string())
            .replace("{council}", &self.council_a.0.to_string())
            .replace("{self_name}", &self_name)
            .replace(
                "{fresh_invitation}",
                &fresh.map(|id| id.to_string()).unwrap_or_default(),
            )
    }

    fn person(&self, caller: Caller) -> Option<&(PersonId, String)> {
        let in_a = caller.side? == Side::Own;
        self.people.get(&(caller.kind, in_a))
    }

    /// What `fixture` looks like in an answer.
    fn marker(&self, fixture: Fixture) -> String {
        match fixture {
            Fixture::Consultation => self.consultation.to_string(),
            Fixture::Invitation => self.invitation.to_string(),
            Fixture::Member => self.member.0.to_string(),
        }
    }
}

/// A distinct loopback source address for every call. The sign-in paths are rate limited per
/// client address (e.g. 30 link uses per quarter hour), and the walk makes far more calls
/// than that; limits have their own tests, this one is about access.
fn next_source_address() -> IpAddr {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let [_, _, hi, lo] = n.to_be_bytes();
    let lo = lo % 250 + 1;
    let hi = hi % 250 + 1;
    IpAddr::V4(Ipv4Addr::new(127, 77, hi, lo))
}

/// A fresh client for one call: its own session (if signed in) and its own source address,
/// so calls that end sessions (sign out, quick exit) affect nothing after them.
async fn client_for(app: &TestApp, fixtures: &Fixtures, caller: Caller) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    if let Some(&(person, _)) = fixtures.person(caller) {
        let council = match caller.side {
            Some(Side::Other) => fixtures.council_b,
            _ => fixtures.council_a,
        };
        let mut auth = SessionAuth::new(person, council);
        auth.second_factor = caller.second_factor;
        let id = crate::harness::stored_session(app, auth).await;
        jar.add_cookie_str(&format!("rt_session={id}; Path=/"), &app.base);
    }
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ORIGIN,
        reqwest::header::HeaderValue::from_str(&app.base.origin().ascii_serialization())
            .expect("origin"),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .local_address(next_source_address())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Calls `row` as `caller`; returns status and body.
async fn call(app: &TestApp, fixtures: &mut Fixtures, row: &Row, caller: Caller) -> (u16, String) {
    let fresh = if row.target.contains("{fresh_invitation}")
        || row
            .form
            .iter()
            .any(|(_, v)| v.contains("{fresh_invitation}"))
    {
        Some(fixtures.fresh_invitation(app).await)
    } else {
        None
    };
    let client = client_for(app, fixtures, caller).await;
    let url = app.url(&fixtures.fill(row.target, caller, fresh));
    let request = match row.via {
        Via::ServerFn => {
            let form: Vec<(&str, String)> = row
                .form
                .iter()
                .map(|(k, v)| (*k, fixtures.fill(v, caller, fresh)))
                .collect();
            client
                .post(url)
                .header("accept", "application/json")
                .form(&form)
        }
        Via::Page => client.get(url).header("accept", "text/html"),
        Via::Plain => client.get(url),
        Via::PlainPost => client
            .post(url)
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(Vec::new()).file_name("empty.md"),
            )),
    };
    let res = request.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// A short hint at what came back: the error code, or the start of the body.
fn gist(body: &str) -> String {
    if let Some(at) = body.find("data-error-code=\"") {
        let rest = &body[at + "data-error-code=\"".len()..];
        return format!("page error {}", rest.split('"').next().unwrap_or_default());
    }
    let text: String = body.chars().take(100).collect();
    text.replace('\n', " ")
}

db_tests! {
    async fn the_matrix_holds(db) {
        let started = Instant::now();
        let app = TestApp::builder(db).spawn().await;
        let mut fixtures = Fixtures::arrange(&app).await;
        let mut mismatches = Vec::new();
        let mut calls = 0usize;
        for row in table() {
            for caller in callers() {
                if !caller.second_factor && caller.side.is_some() && !row.who.needs_a_role() {
                    // The admin without the second factor is checked where a role decides.
                    continue;
                }
                let expected = want(row, caller);
                let (status, body) = call(&app, &mut fixtures, row, caller).await;
                calls += 1;
                let ok = match expected {
                    Want::Exactly(Allow(s) | Deny(s)) => status == s,
                    Want::Refused => status == 404 || status == 403,
                };
                if !ok {
                    mismatches.push(format!(
                        "{} | {caller} | expected {expected} | got {status}: {}",
                        row.route,
                        gist(&body)
                    ));
                }
                let outsider = caller.side != Some(Side::Own);
                if outsider && row.scope != Scope::Names {
                    for (what, value) in &fixtures.secrets {
                        if body.contains(value.as_str()) {
                            mismatches.push(format!(
                                "{} | {caller} | must not show council A's data | shows {what}",
                                row.route
                            ));
                        }
                    }
                }
                if let (Some(fixture), Some(Side::Own), Want::Exactly(Allow(_)), true) =
                    (row.shows, caller.side, expected, ok)
                    && fixture.shown_to(caller.kind)
                    && !body.contains(&fixtures.marker(fixture))
                {
                    mismatches.push(format!(
                        "{} | {caller} | expected to show A's {fixture:?} | it is missing",
                        row.route
                    ));
                }
            }
        }
        eprintln!(
            "authorization matrix ({db:?}): {} rows, {calls} calls, {} mismatches, {:.1?}",
            table().count(),
            mismatches.len(),
            started.elapsed()
        );
        assert!(
            mismatches.is_empty(),
            "{} authorization mismatches (row | caller | expected | got):\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }
}
