//! Paid expert time: the codes, the forms as typed and parsed, and what the pages show.
//!
//! Amounts cross the wire as exact decimal text (`"125.50"`, `"3000"` for yen) beside their
//! ISO 4217 code, formatted by the server from whole minor units; nothing here is a float.

use serde::{Deserialize, Serialize};

use super::error::{AppError, InputProblem};
use super::ids::{BatchId, ClaimId, MeetingId, PersonId};

code_enum!(
    /// What a time entry was for (the rate card prices each).
    Activity {
        /// Reviewing a draft law or policy.
        Review = "review",
        /// A council meeting.
        Meeting = "meeting",
        /// Preparing for a meeting or a consultation.
        Preparation = "preparation",
        /// Mentoring another member.
        Mentoring = "mentoring",
        /// Giving or taking part in training.
        Training = "training",
        /// Speaking at an event.
        Speaking = "speaking",
        /// Anything else the council pays for.
        Other = "other",
    }
);

code_enum!(
    /// How a rate is counted.
    RateUnit {
        /// Per hour, pro rata to the minute.
        Hour = "hour",
        /// Per half day (up to 4 hours each).
        HalfDay = "half_day",
        /// Per day (up to 8 hours each).
        Day = "day",
    }
);

code_enum!(
    /// What an expense was for.
    ExpenseCategory {
        /// Travel.
        Travel = "travel",
        /// Childcare or care cover.
        Care = "care",
        /// Interpreting.
        Interpreting = "interpreting",
        /// Accessibility support.
        Accessibility = "accessibility",
        /// Anything else.
        Other = "other",
    }
);

code_enum!(
    /// A claim is time or an expense.
    ClaimKind {
        /// Time worked, priced by the rate card.
        Time = "time",
        /// Money spent, with a receipt.
        Expense = "expense",
    }
);

code_enum!(
    /// Where a claim is on its way to being paid.
    ClaimState {
        /// Being written; only its author sees it.
        Draft = "draft",
        /// Waiting for finance.
        Submitted = "submitted",
        /// Sent back by finance as incomplete, with a note; the author may correct it.
        Returned = "returned",
        /// Approved by one finance officer; above the council's threshold a second, different
        /// one must approve too.
        FirstApproved = "first_approved",
        /// Approved: locked, waiting for a payment batch.
        Approved = "approved",
        /// Not approved, with a reason the author sees.
        Rejected = "rejected",
        /// In a payment batch.
        InBatch = "in_batch",
        /// Paid.
        Paid = "paid",
    }
);

impl ClaimState {
    /// Whether the claim can no longer change (a correction is a new adjusting claim).
    pub fn locked(self) -> bool {
        matches!(self, Self::Approved | Self::InBatch | Self::Paid)
    }
}

code_enum!(
    /// What a claim was for, when it names something of another capability.
    LinkKind {
        /// A consultation.
        Consultation = "consultation",
        /// A council meeting.
        Meeting = "meeting",
        /// A mentorship session.
        Mentorship = "mentorship",
    }
);

code_enum!(
    /// How a member wants to be paid.
    PaymentMethod {
        /// A bank transfer to the account they give.
        Bank = "bank",
        /// A voucher instead of money.
        Voucher = "voucher",
        /// No payment: the time is still recorded, so the contribution stays visible.
        Decline = "decline",
    }
);

code_enum!(
    /// A batch's state.
    BatchState {
        /// Made and exported; not yet paid.
        Created = "created",
        /// Marked paid.
        Paid = "paid",
    }
);

code_enum!(
    /// What finance does with a claim.
    Decision {
        /// Approve it (the first or the second approval).
        Approve = "approve",
        /// Reject it, with a reason.
        Reject = "reject",
        /// Send it back as incomplete, with a note.
        Return = "return",
    }
);

/// The longest description of a claim, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// The longest reason or note, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// The longest time entry: a whole day and night would be a typing error.
pub const MAX_MINUTES: i32 = 16 * 60;
/// The largest receipt, in bytes.
pub const MAX_RECEIPT_BYTES: usize = 10 * 1024 * 1024;

/// A time entry, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeFields {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub work_date: String,
    /// Whole minutes.
    #[serde(default)]
    pub minutes: String,
    /// An [`Activity`] code.
    #[serde(default)]
    pub activity: String,
    /// A short description.
    #[serde(default)]
    pub description: String,
    /// A [`LinkKind`] code, or empty.
    #[serde(default)]
    pub link_kind: String,
    /// The linked thing's id, or empty.
    #[serde(default)]
    pub link_id: String,
}

/// A time entry, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeInput {
    /// The day worked.
    pub work_date: chrono::NaiveDate,
    /// Minutes worked, 1 to [`MAX_MINUTES`].
    pub minutes: i32,
    /// What for.
    pub activity: Activity,
    /// A short description (may be empty).
    pub description: String,
    /// What it is linked to.
    pub link: Option<(LinkKind, uuid::Uuid)>,
}

impl TimeInput {
    /// Parses the form. The date is checked against today by the domain, which knows the
    /// council's time zone.
    pub fn parse(fields: &TimeFields) -> Result<Self, AppError> {
        let work_date = parse_date("work_date", &fields.work_date)?;
        let minutes = parse_minutes("minutes", &fields.minutes)?;
        let activity = Activity::parse("activity", &fields.activity)?;
        let description = description("description", &fields.description)?;
        let link = parse_link(&fields.link_kind, &fields.link_id)?;
        Ok(Self {
            work_date,
            minutes,
            activity,
            description,
            link,
        })
    }
}

/// An expense, as typed (the receipt comes as a file beside it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseFields {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub work_date: String,
    /// An [`ExpenseCategory`] code.
    #[serde(default)]
    pub category: String,
    /// The amount, as a decimal (`12.50`).
    #[serde(default)]
    pub amount: String,
    /// ISO 4217 code; empty means the council's currency.
    #[serde(default)]
    pub currency: String,
    /// A short description.
    #[serde(default)]
    pub description: String,
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(field: &str, text: &str) -> Result<chrono::NaiveDate, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, InputProblem::Malformed))
}

/// Parses whole minutes, 1 to [`MAX_MINUTES`]: zero and negative durations are malformed,
/// longer ones are too long.
pub fn parse_minutes(field: &str, text: &str) -> Result<i32, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    let minutes: i64 = text
        .parse()
        .map_err(|_| AppError::invalid(field, InputProblem::Malformed))?;
    if minutes <= 0 {
        return Err(AppError::invalid(field, InputProblem::Malformed));
    }
    if minutes > i64::from(MAX_MINUTES) {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(i32::try_from(minutes).unwrap_or(MAX_MINUTES))
}

/// A description: trimmed, one line, at most [`MAX_DESCRIPTION_CHARS`].
pub fn description(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A reason or note finance writes: required, at most [`MAX_NOTE_CHARS`].
pub fn note(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(text.to_owned())
}

fn parse_link(kind: &str, id: &str) -> Result<Option<(LinkKind, uuid::Uuid)>, AppError> {
    if kind.trim().is_empty() && id.trim().is_empty() {
        return Ok(None);
    }
    let kind = LinkKind::parse("link_kind", kind)?;
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| AppError::invalid("link_id", InputProblem::Malformed))?;
    Ok(Some((kind, id)))
}

/// How a member wants to be paid, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFields {
    /// A [`PaymentMethod`] code.
    #[serde(default)]
    pub method: String,
    /// The account holder's name (bank transfer).
    #[serde(default)]
    pub holder: String,
    /// The IBAN (bank transfer); spaces allowed.
    #[serde(default)]
    pub iban: String,
    /// The BIC (optional).
    #[serde(default)]
    pub bic: String,
    /// The most the member may be paid in a calendar year, or empty for no cap.
    #[serde(default)]
    pub annual_cap: String,
}

/// A rate card line, as typed by the council admin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateFields {
    /// An [`Activity`] code.
    #[serde(default)]
    pub activity: String,
    /// A [`RateUnit`] code.
    #[serde(default)]
    pub unit: String,
    /// The price per unit.
    #[serde(default)]
    pub amount: String,
    /// The preparation allowance per entry (empty: none).
    #[serde(default)]
    pub allowance: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub effective_from: String,
}

/// A meeting, as the secretariat types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFields {
    /// Local start, `YYYY-MM-DDTHH:MM`.
    #[serde(default)]
    pub starts_at: String,
    /// Minutes.
    #[serde(default)]
    pub minutes: String,
    /// `true` when online.
    #[serde(default)]
    pub online: bool,
    /// The place or the link.
    #[serde(default)]
    pub place: String,
    /// The agenda.
    #[serde(default)]
    pub agenda: String,
}

/// One meeting as the council's people see it (times in the council's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRow {
    /// Its id.
    pub id: MeetingId,
    /// Local start, `YYYY-MM-DD HH:MM`.
    pub starts: String,
    /// Local end, `HH:MM` (or `YYYY-MM-DD HH:MM` on another day).
    pub ends: String,
    /// Length in minutes.
    pub minutes: i32,
    /// Held online.
    pub online: bool,
    /// The place or the link.
    pub place: String,
    /// The agenda.
    pub agenda: String,
    /// Whether it has begun (attendance can be recorded).
    pub past: bool,
    /// Whether attendance was recorded.
    pub attendance_recorded: bool,
    /// Whether the viewer is recorded as an attendee.
    pub attended: bool,
}

/// The council's meetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meetings {
    /// Upcoming first (soonest first), then past ones (latest first).
    pub rows: Vec<MeetingRow>,
    /// Whether the viewer records meetings (secretariat, council admin).
    pub may_record: bool,
    /// The council's time zone (IANA name), in which times are typed and shown.
    pub time_zone: String,
    /// The record form's start: now in the council's time zone, to the quarter hour before
    /// (`YYYY-MM-DDTHH:MM`).
    pub default_start: String,
}

/// One meeting with, for its staff, the council's members to tick as attendees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDetail {
    /// The meeting.
    pub meeting: MeetingRow,
    /// Whether the viewer records attendance.
    pub may_record: bool,
    /// For staff only (empty for anybody else): the members by display name, and whether each
    /// is recorded as having attended.
    pub members: Vec<(PersonId, String, bool)>,
}

/// The period of a statement, as the form sends it (`YYYY-MM-DD`; empty: this year so far).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    #[serde(default)]
    pub from: String,
    /// The last day.
    #[serde(default)]
    pub to: String,
}

/// One line of a member's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// The claim.
    pub claim: ClaimView,
    /// The day it was paid (`YYYY-MM-DD`), if it was.
    pub paid_on: Option<String>,
}

/// A member's statement for a period: every claim past draft, the payments, yearly totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The member's display name.
    pub name: String,
    /// The council's name.
    pub council: String,
    /// The first day (`YYYY-MM-DD`).
    pub from: String,
    /// The last day.
    pub to: String,
    /// The day it was made.
    pub made_on: String,
    /// The claims worked or spent in the period, oldest first.
    pub lines: Vec<StatementLine>,
    /// Per currency: approved or paid in the period, and of that paid.
    pub totals: Vec<(String, String, String)>,
    /// The payments in the period: (day paid, currency, amount).
    pub payments: Vec<(String, String, String)>,
    /// Per year counted towards (the council's currency): approved or paid, of that paid.
    pub years: Vec<(i32, String, String)>,
}

/// One person's year, as finance sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonYear {
    /// Who.
    pub person: PersonId,
    /// Their display name.
    pub person_name: String,
    /// Approved, in a batch or paid, counting towards the year.
    pub approved: String,
    /// Of that, paid.
    pub paid: String,
    /// Waiting for a decision.
    pub pending: String,
    /// Their yearly cap, if they set one.
    pub cap: Option<String>,
    /// Whether what is approved passes the cap.
    pub over_cap: bool,
}

/// Yearly totals per person, for finance (the council's currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTotals {
    /// The year shown.
    pub year: i32,
    /// Years with claims, newest first.
    pub years: Vec<i32>,
    /// The council's currency.
    pub currency: String,
    /// By display name.
    pub rows: Vec<PersonYear>,
    /// The year's totals: approved, paid, pending.
    pub total: (String, String, String),
}

/// How long one step took in one month: median and 90th percentile in days, over how many
/// claims; `None` where the figure is held back (built on fewer than five people, for the
/// auditor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFigure {
    /// Claims measured.
    pub claims: u32,
    /// Median days, one decimal.
    pub median: Option<String>,
    /// 90th percentile days, one decimal.
    pub p90: Option<String>,
}

/// One month's payment times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// From submission to (final) approval, by the month of approval.
    pub to_approval: StepFigure,
    /// From approval to payment, by the month of payment.
    pub to_payment: StepFigure,
}

/// The council's payment times and what waits, for finance, the council admin and the
/// auditor. No names anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFigures {
    /// The last twelve months, newest first.
    pub months: Vec<MonthFigures>,
    /// Waiting for a decision, per currency: (currency, claims, amount).
    pub pending_decision: Vec<(String, i64, String)>,
    /// Approved and not yet paid, per currency.
    pub pending_payment: Vec<(String, i64, String)>,
    /// Whether small figures are held back (the auditor's view).
    pub suppressed: bool,
}

/// The council's honoraria settings, as typed by the council admin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsFields {
    /// Claims above this amount need a second approver (empty: never).
    #[serde(default)]
    pub second_approval_above: String,
    /// The paying organisation's name.
    #[serde(default)]
    pub debtor_name: String,
    /// The paying account's IBAN.
    #[serde(default)]
    pub debtor_iban: String,
    /// The paying bank's BIC.
    #[serde(default)]
    pub debtor_bic: String,
}

/// One line of the rate card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLine {
    /// What it prices.
    pub activity: Activity,
    /// How it counts.
    pub unit: RateUnit,
    /// Price per unit.
    pub amount: String,
    /// Preparation allowance per entry (`"0.00"`: none).
    pub allowance: String,
    /// In force from (`YYYY-MM-DD`).
    pub effective_from: String,
    /// Whether it is the line in force today (else a past or a future one).
    pub current: bool,
}

/// The council's rate card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCard {
    /// ISO 4217 code.
    pub currency: String,
    /// Every line, by activity and date.
    pub lines: Vec<RateLine>,
    /// Whether the viewer may add lines (council admin).
    pub may_edit: bool,
    /// Claims above this amount need a second approver.
    pub second_approval_above: Option<String>,
    /// Whether the paying account is set (the SEPA file needs it).
    pub debtor_set: bool,
}

/// One claim as its author or finance sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimView {
    /// Its id.
    pub id: ClaimId,
    /// Time or expense.
    pub kind: ClaimKind,
    /// Where it is.
    pub state: ClaimState,
    /// The day worked or spent (`YYYY-MM-DD`).
    pub work_date: String,
    /// Minutes (time entries).
    pub minutes: Option<i32>,
    /// Activity (time entries).
    pub activity: Option<Activity>,
    /// Category (expenses).
    pub category: Option<ExpenseCategory>,
    /// The description.
    pub description: String,
    /// The amount.
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// The rate used (time entries): price and unit.
    pub rate: Option<(String, RateUnit)>,
    /// The preparation allowance included.
    pub allowance: Option<String>,
    /// Finance's reason (rejected) or note (returned).
    pub note: Option<String>,
    /// Whether a receipt is attached.
    pub receipt: bool,
    /// The claim this one corrects.
    pub adjusts: Option<ClaimId>,
    /// What it is linked to.
    pub link: Option<LinkKind>,
    /// The year it counts towards.
    pub pay_year: i32,
}

/// A member's own claims and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyClaims {
    /// Newest first.
    pub claims: Vec<ClaimView>,
    /// The activities the rate card prices today (the time form offers these).
    pub activities: Vec<Activity>,
    /// The council's currency.
    pub currency: String,
    /// How they are paid (none chosen yet: `None`).
    pub method: Option<PaymentMethod>,
    /// Totals per year: (year, approved or paid, of which paid).
    pub years: Vec<(i32, String, String)>,
    /// Their annual cap and how much of this year's is left.
    pub cap: Option<(String, String)>,
    /// Whether approving what waits for finance would cross this year's cap.
    pub over_cap: bool,
    /// Today in the council's time zone (`YYYY-MM-DD`): the forms' default and latest day.
    pub today: String,
    /// The current year in the council's time zone (claims counting towards it may be
    /// deferred to the next when the cap would be crossed).
    pub this_year: i32,
    /// Whether the viewer may log time here (members).
    pub may_log: bool,
}

/// One row of finance's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    /// The claim.
    pub claim: ClaimView,
    /// Whose it is.
    pub person: PersonId,
    /// Their display name (their legal name is in the payment details only).
    pub person_name: String,
    /// Whether it is the viewer's own claim (they cannot decide it).
    pub own: bool,
    /// Whether it needs a second approver.
    pub needs_second: bool,
    /// Whether approving it would cross the person's annual cap.
    pub crosses_cap: bool,
}

/// Finance's queue, filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    /// The rows: waiting for a second approval first, then oldest submission first.
    pub rows: Vec<QueueRow>,
    /// The people with claims in the council (for the filter).
    pub people: Vec<(PersonId, String)>,
    /// The sum of the shown rows (this page), per currency.
    pub totals: Vec<(String, String)>,
    /// Approved claims waiting for a batch, per currency: (currency, count, amount).
    pub approved: Vec<(String, i64, String)>,
    /// The page shown (from 0; 50 rows a page).
    pub page: u64,
    /// Whether a next page follows.
    pub more: bool,
    /// The council's tomorrow (`YYYY-MM-DD`): a new batch's default execution day.
    pub tomorrow: String,
}

/// The queue's filter, as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// A [`ClaimState`] code (empty: submitted and first approved).
    #[serde(default)]
    pub state: String,
    /// A person id (empty: everybody).
    #[serde(default)]
    pub person: String,
    /// `YYYY-MM-DD` (empty: no bound).
    #[serde(default)]
    pub from: String,
    /// `YYYY-MM-DD` (empty: no bound).
    #[serde(default)]
    pub to: String,
    /// The page, from 0 (empty: the first).
    #[serde(default)]
    pub page: String,
}

/// What finance decided about several claims at once: each claim checked on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionReport {
    /// Claims the decision was applied to.
    pub done: Vec<ClaimId>,
    /// Claims it was refused for, with the error code.
    pub refused: Vec<(ClaimId, String)>,
}

/// One payment batch in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSummary {
    /// Its id.
    pub id: BatchId,
    /// Its reference (the SEPA message id).
    pub reference: String,
    /// Its currency.
    pub currency: String,
    /// Created or paid.
    pub state: BatchState,
    /// Claims in it.
    pub items: i32,
    /// The total.
    pub total: String,
    /// The requested execution date.
    pub execution_date: String,
}

/// One payee of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayeeLine {
    /// Who.
    pub person_name: String,
    /// How: `bank`, `voucher`, `decline` or `missing` (no bank details yet).
    pub method: String,
    /// Claims.
    pub items: i32,
    /// The amount.
    pub amount: String,
}

/// A batch with its payees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDetail {
    /// The batch.
    pub summary: BatchSummary,
    /// Paid by bank transfer (in the SEPA file).
    pub transfers: Vec<PayeeLine>,
    /// Paid otherwise or not at all (voucher, declined, no bank details): never dropped.
    pub others: Vec<PayeeLine>,
}

/// A member's payment preference as they see it again (the IBAN shown by its last four
/// characters only, so it cannot be read over a shoulder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    /// The method, if chosen.
    pub method: Option<PaymentMethod>,
    /// The account holder.
    pub holder: String,
    /// The IBAN's last four characters.
    pub iban_end: String,
    /// Whether a BIC is kept.
    pub bic: bool,
    /// The annual cap.
    pub annual_cap: Option<String>,
    /// The council's currency.
    pub currency: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_must_be_positive_whole_minutes_within_a_day() {
        assert_eq!(parse_minutes("m", " 90 "), Ok(90));
        for bad in ["0", "-5", "1.5", "abc"] {
            assert_eq!(
                parse_minutes("m", bad),
                Err(AppError::invalid("m", InputProblem::Malformed)),
                "{bad}"
            );
        }
        assert_eq!(
            parse_minutes("m", "100000"),
            Err(AppError::invalid("m", InputProblem::TooLong))
        );
        assert_eq!(
            parse_minutes("m", ""),
            Err(AppError::invalid("m", InputProblem::Required))
        );
    }

    #[test]
    fn a_time_entry_names_the_field_at_fault() {
        let fields = TimeFields {
            work_date: "2026-11-30".into(),
            minutes: "60".into(),
            activity: "review".into(),
            description: "  read   the draft ".into(),
            link_kind: String::new(),
            link_id: String::new(),
        };
        let input = TimeInput::parse(&fields).expect("parses");
        assert_eq!(input.description, "read the draft");
        let bad = TimeFields {
            activity: "juggling".into(),
            ..fields.clone()
        };
        assert_eq!(
            TimeInput::parse(&bad),
            Err(AppError::invalid("activity", InputProblem::Malformed))
        );
        let bad = TimeFields {
            link_kind: "consultation".into(),
            link_id: "nope".into(),
            ..fields
        };
        assert_eq!(
            TimeInput::parse(&bad),
            Err(AppError::invalid("link_id", InputProblem::Malformed))
        );
    }

    #[test]
    fn locked_states_are_the_approved_ones() {
        let locked: Vec<_> = ClaimState::ALL.iter().filter(|s| s.locked()).collect();
        assert_eq!(
            locked,
            [
                &ClaimState::Approved,
                &ClaimState::InBatch,
                &ClaimState::Paid
            ]
        );
    }
}
