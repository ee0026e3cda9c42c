//! Identity and access: parsed inputs (email, display name, codes) and the DTOs of the
//! sign-in, invitation, membership, account and audit pages.

use serde::{Deserialize, Serialize};

use super::error::{AppError, InputProblem};
use super::ids::{CouncilId, PersonId};
use super::viewer::{CouncilSummary, Role};

/// An email address, trimmed and lower-cased. Parsing is deliberately simple (one `@`, a
/// dotted domain, no spaces); the mail itself proves the address works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest address accepted (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses what a person typed; `field` names the form field in the error.
    pub fn parse(field: &str, input: &str) -> Result<Self, AppError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(AppError::invalid(field, InputProblem::Required));
        }
        if text.len() > Self::MAX_LEN {
            return Err(AppError::invalid(field, InputProblem::TooLong));
        }
        let malformed = || AppError::invalid(field, InputProblem::Malformed);
        let (local, domain) = text.split_once('@').ok_or_else(malformed)?;
        let ok_chars = |s: &str| {
            !s.is_empty()
                && s.chars().all(|c| {
                    !c.is_whitespace() && !c.is_control() && c != '@' && c != '<' && c != '>'
                })
        };
        if !ok_chars(local)
            || local.len() > 64
            || !ok_chars(domain)
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(malformed());
        }
        Ok(Self(text.to_lowercase()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name chosen by the person: a pseudonym is fine, a legal name is never asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// The longest display name, in characters.
    pub const MAX_CHARS: usize = 60;

    /// Parses what a person typed.
    pub fn parse(field: &str, input: &str) -> Result<Self, AppError> {
        let text = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(AppError::invalid(field, InputProblem::Required));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(AppError::invalid(field, InputProblem::TooLong));
        }
        if text
            .chars()
            .any(|c| c.is_control() || c == '<' || c == '>' || is_bidi_control(c))
        {
            return Err(AppError::invalid(field, InputProblem::Malformed));
        }
        if imitates_a_label(&text) {
            return Err(AppError::invalid(field, InputProblem::Reserved));
        }
        Ok(Self(text))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters that reorder the text around them: a name holding one can display as
/// something else (e.g. another person's name, reversed).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a name reads like a label the product shows beside comments: the anonymous label
/// in any language the app speaks, or a pseudonym (`Contributor XXXX`).
fn imitates_a_label(text: &str) -> bool {
    use crate::i18n::Locale;
    use leptos_i18n::Locale as _;
    let lower = text.to_lowercase();
    let first_word = lower.split(' ').next().unwrap_or_default();
    let anonymous = Locale::get_all()
        .iter()
        .any(|l| leptos_i18n::td_string!(*l, consultation.anonymous).to_lowercase() == first_word);
    anonymous || first_word == crate::model::comment::PSEUDONYM_PREFIX.to_lowercase()
}

/// How a person wants to be told about news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyPreference {
    /// An email that names the kind of news in neutral words.
    Email,
    /// An email that only says there is a new message.
    Discreet,
    /// No email; news waits on the site.
    None,
}

impl NotifyPreference {
    /// Every choice, in display order.
    pub const ALL: [NotifyPreference; 3] = [Self::Discreet, Self::Email, Self::None];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Discreet => "discreet",
            Self::None => "none",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A six-digit TOTP code as typed (spaces allowed), or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code (`xxxx-xxxx-xxxx`).
    Recovery(String),
}

impl SecondFactorCode {
    /// Parses what a person typed.
    pub fn parse(field: &str, input: &str) -> Result<Self, AppError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_lowercase();
        if compact.is_empty() {
            return Err(AppError::invalid(field, InputProblem::Required));
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(compact));
        }
        if compact.len() == 12 && compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(Self::Recovery(compact));
        }
        Err(AppError::invalid(field, InputProblem::Malformed))
    }
}

/// What the sign-in page needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// The label of the OpenID Connect button, when a provider is configured.
    pub oidc_label: Option<String>,
}

/// An invitation as the invitee sees it before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    /// The council.
    pub council: CouncilSummary,
    /// The role offered.
    pub role: Role,
    /// A suggested pseudonym (the default display name).
    pub suggested_name: String,
    /// Whether the address already has an account (then only the role is added).
    pub existing_account: bool,
}

/// A pending invitation as staff see it (no address: it is not needed to manage it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    /// The invitation's id.
    pub id: crate::model::ids::InvitationId,
    /// The role offered.
    pub role: Role,
    /// When it was sent (council time).
    pub created: String,
    /// When it stops working (council time).
    pub expires: String,
}

/// One member of a council as the council admin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// The person.
    pub id: PersonId,
    /// Their display name.
    pub display_name: String,
    /// Their roles in this council.
    pub roles: Vec<Role>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Whether a second factor is enrolled.
    pub second_factor: bool,
}

/// The signed-in person's own account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// Display name.
    pub display_name: String,
    /// Preferred language code.
    pub preferred_language: String,
    /// Notification preference.
    pub notify: NotifyPreference,
    /// Whether a second factor is enrolled.
    pub second_factor_enrolled: bool,
    /// Whether this session has passed the second factor.
    pub second_factor_passed: bool,
    /// Roles that wait for the second factor before they can be used.
    pub roles_waiting_for_second_factor: Vec<Role>,
    /// The councils the person belongs to, to pick the one they act in.
    pub councils: Vec<CouncilSummary>,
    /// The council they act in now.
    pub current_council: CouncilId,
}

/// A new TOTP secret to enrol, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The secret in base32, for typing into an app.
    pub secret: String,
    /// The `otpauth://` URI.
    pub uri: String,
    /// The URI as an SVG QR code.
    pub qr_svg: String,
}

/// One audit row as a page shows it: ids only, never names or addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Position in the chain.
    pub seq: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// The stable action code.
    pub action: String,
    /// The acting person's id, if any.
    pub actor: Option<String>,
    /// What kind of thing it concerned.
    pub subject_kind: Option<String>,
    /// Its id.
    pub subject_id: Option<String>,
    /// Extra facts (ids, roles, codes).
    pub details: String,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The rows, newest first.
    pub rows: Vec<AuditRow>,
    /// The council's unattributed rows (no actor, `at` is the day, `seq` their own), newest
    /// first.
    pub unattributed: Vec<AuditRow>,
    /// Every action code that occurs, for the filter.
    pub actions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_may_not_imitate_the_products_labels() {
        for name in [
            "Anonymous",
            "anonymous 2",
            "ANONYME",
            "Contributor K7QM",
            "contributor",
        ] {
            assert_eq!(
                DisplayName::parse("display_name", name),
                Err(AppError::invalid("display_name", InputProblem::Reserved)),
                "{name}"
            );
        }
        // Bidi controls could show the name as another one.
        for name in ["Ana\u{202E}xoF", "\u{2067}Ana", "Ana\u{200F}"] {
            assert_eq!(
                DisplayName::parse("display_name", name),
                Err(AppError::invalid("display_name", InputProblem::Malformed)),
                "{name:?}"
            );
        }
        for name in [
            "Ana",
            "Anon Ymous",
            "Contributors' friend",
            "Ayşe Demir",
            "علي",
        ] {
            assert!(DisplayName::parse("display_name", name).is_ok(), "{name}");
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("email", "  Ana@Example.ORG ")
                .expect("valid")
                .as_str(),
            "ana@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.org",
            "ana@x",
            "a b@x.org",
            "a@x..org",
            "a@@x.org",
        ] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(300));
        assert_eq!(
            EmailAddress::parse("email", &long),
            Err(AppError::invalid("email", InputProblem::TooLong))
        );
    }

    #[test]
    fn display_names_are_tidied() {
        assert_eq!(
            DisplayName::parse("n", "  Blue   Heron ")
                .expect("valid")
                .as_str(),
            "Blue Heron"
        );
        assert!(DisplayName::parse("n", "   ").is_err());
        assert!(DisplayName::parse("n", &"x".repeat(61)).is_err());
        assert!(DisplayName::parse("n", "<script>").is_err());
    }

    #[test]
    fn second_factor_codes_parse() {
        assert_eq!(
            SecondFactorCode::parse("code", "123 456"),
            Ok(SecondFactorCode::Totp("123456".into()))
        );
        assert_eq!(
            SecondFactorCode::parse("code", "ABCD-EFGH-JKLM"),
            Ok(SecondFactorCode::Recovery("abcdefghjklm".into()))
        );
        assert!(SecondFactorCode::parse("code", "12345").is_err());
    }
}
