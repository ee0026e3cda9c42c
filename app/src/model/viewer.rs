//! What the page chrome needs to know about who is looking.

use serde::{Deserialize, Serialize};

use super::ids::{CouncilId, PersonId};

/// A role a person holds in one council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A survivor leader on the council.
    Member,
    /// Staff running the council's work.
    Secretariat,
    /// Finance staff (legal names and bank details).
    Finance,
    /// The council's administrator.
    CouncilAdmin,
    /// Independent monitor, read-only.
    Auditor,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 5] = [
        Role::Member,
        Role::Secretariat,
        Role::Finance,
        Role::CouncilAdmin,
        Role::Auditor,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Secretariat => "secretariat",
            Role::Finance => "finance",
            Role::CouncilAdmin => "council_admin",
            Role::Auditor => "auditor",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether this role needs a second factor before it can be used.
    pub fn needs_second_factor(self) -> bool {
        matches!(self, Role::Finance | Role::CouncilAdmin)
    }
}

/// The council the page is shown for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilSummary {
    /// The council's id.
    pub id: CouncilId,
    /// The council's name, shown in the header.
    pub name: String,
}

/// The signed-in person, as the page chrome shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerSummary {
    /// The person's id.
    pub id: PersonId,
    /// Their chosen display name.
    pub display_name: String,
    /// Their roles in the current council.
    pub roles: Vec<Role>,
    /// Which pages of the council's work the navigation offers them (decided by the domain's
    /// rules, the same ones that guard those pages).
    pub nav: Navigation,
}

/// The council pages a signed-in person's navigation links to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Navigation {
    /// Members and roles (council admins).
    pub members: bool,
    /// A new consultation (secretariat and council admins).
    pub new_consultation: bool,
    /// Invitations (secretariat and council admins).
    pub invitations: bool,
    /// The audit log (council admins and auditors).
    pub audit: bool,
    /// Own time and expenses (members).
    pub time: bool,
    /// The claims queue and payment batches (finance).
    pub finance: bool,
    /// The rate card (council admins; members read it from their time page).
    pub rates: bool,
    /// The council's meetings (members and staff: who attends and who records them).
    pub meetings: bool,
    /// How long payment takes (finance, council admins, auditors).
    pub payment_times: bool,
    /// Mentorship programmes (members and staff).
    pub programmes: bool,
    /// Safeguarding cases (council admins; the lead finds them from the notice).
    pub cases: bool,
}

/// Everything the layout needs: the council and the viewer, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageContext {
    /// The council the pages are about, if one exists.
    pub council: Option<CouncilSummary>,
    /// The signed-in person, if any.
    pub viewer: Option<ViewerSummary>,
    /// Whether the demo sign-in page exists on this server.
    pub demo: bool,
}

/// One person the demo sign-in page offers to act as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPerson {
    /// The person.
    pub id: PersonId,
    /// Their display name.
    pub display_name: String,
    /// Their role in the demo council.
    pub role: Role,
}
