//! Translated labels of the shared closed lists.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};
use crate::model::viewer::Role;

/// The translated name of a role.
#[component]
pub fn RoleLabel(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    match role {
        Role::Member => t!(i18n, roles.member).into_any(),
        Role::Secretariat => t!(i18n, roles.secretariat).into_any(),
        Role::Finance => t!(i18n, roles.finance).into_any(),
        Role::CouncilAdmin => t!(i18n, roles.council_admin).into_any(),
        Role::Auditor => t!(i18n, roles.auditor).into_any(),
    }
}
