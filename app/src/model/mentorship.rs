//! Mentorship programmes: the codes, the forms as typed and parsed, and what the pages show.
//!
//! Nothing here names who declined a match or ended one: the pages only ever learn that it
//! did not go ahead or has ended.

use serde::{Deserialize, Serialize};

use super::error::{AppError, InputProblem};
use super::ids::{
    CaseId, ClaimId, CohortId, MatchId, MentorshipSessionId, ParticipantId, PersonId, ProgrammeId,
};

code_enum!(
    /// A participant's part in a cohort.
    ParticipantRole {
        /// Gives their experience.
        Mentor = "mentor",
        /// Learns from it.
        Mentee = "mentee",
    }
);

code_enum!(
    /// Where a participant is in a cohort.
    ParticipantState {
        /// The secretariat invited them; they have not answered.
        Invited = "invited",
        /// They applied; the secretariat has not decided.
        Applied = "applied",
        /// Taking part.
        Active = "active",
        /// The invitation or application did not go ahead (nobody is named).
        Declined = "declined",
    }
);

code_enum!(
    /// A programme runs or has ended.
    ProgrammeState {
        /// Running: cohorts, matches and sessions go on.
        Open = "open",
        /// Ended: the pairs' certificates can be downloaded.
        Ended = "ended",
    }
);

code_enum!(
    /// Where a match is.
    MatchState {
        /// Suggested by the secretariat; waits for both people to accept.
        Proposed = "proposed",
        /// Both accepted: working together.
        Active = "active",
        /// One of them declined (never recorded who).
        Declined = "declined",
        /// One of them ended it (never recorded who), or the secretariat did.
        Ended = "ended",
        /// Completed: goals met, or the secretariat marked it so.
        Completed = "completed",
    }
);

code_enum!(
    /// How a session was held, and how a pair can meet.
    SessionFormat {
        /// A video or voice call.
        Online = "online",
        /// In person.
        InPerson = "in_person",
        /// By phone.
        Phone = "phone",
    }
);

code_enum!(
    /// Who may see one field of a profile.
    Visibility {
        /// Only used to suggest matches: the secretariat sees it, nobody else.
        Matching = "matching",
        /// Also the person matched with you.
        Partner = "partner",
        /// Also everybody in your cohort.
        Cohort = "cohort",
    }
);

code_enum!(
    /// Where a safeguarding case is.
    CaseStatus {
        /// Reported; the lead has not taken it up.
        Open = "open",
        /// The lead is dealing with it.
        InProgress = "in_progress",
        /// Closed by the lead.
        Closed = "closed",
    }
);

code_enum!(
    /// The name a participant wants on their certificate.
    CertificateName {
        /// Their display name.
        Display = "display",
        /// A name they type (for example their legal name); kept sealed.
        Other = "other",
        /// No name.
        Hidden = "none",
    }
);

code_enum!(
    /// When feedback is given.
    FeedbackMoment {
        /// After a session.
        Session = "session",
        /// At the end of the match.
        End = "end",
    }
);

/// The longest title (programme, cohort, goal, milestone), in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest longer text (aims, topics, notes, a concern), in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// The most mentees a mentor may take at once.
pub const MAX_CAPACITY: i32 = 10;
/// The fewest answers for which feedback figures are shown.
pub const FEEDBACK_MIN_ANSWERS: u32 = 5;

/// A line of text: trimmed, spaces folded, required unless `optional`, at most `max`.
pub fn line(field: &str, text: &str, max: usize, optional: bool) -> Result<String, AppError> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() && !optional {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    if text.chars().count() > max {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(text)
}

/// A longer text: trimmed (lines kept), required unless `optional`, at most
/// [`MAX_TEXT_CHARS`].
pub fn text(field: &str, text: &str, optional: bool) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() && !optional {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(text.to_owned())
}

/// A comma-separated list (languages, topics): trimmed items, empty ones dropped, at most 20
/// items of at most 60 characters each.
pub fn list(field: &str, text: &str) -> Result<Vec<String>, AppError> {
    let items: Vec<String> = text
        .split([',', ';', '\n'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > 20 || items.iter().any(|s| s.chars().count() > 60) {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    Ok(items)
}

/// A programme, as the secretariat types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeFields {
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// What it is for.
    #[serde(default)]
    pub aims: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub starts_on: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub ends_on: String,
    /// Hours each pair is expected to meet, in all.
    #[serde(default)]
    pub expected_hours: String,
    /// `true` when mentors are paid for their session time.
    #[serde(default)]
    pub paid: bool,
    /// The rate card activity mentors' time is priced at (when paid).
    #[serde(default)]
    pub activity: String,
}

/// A profile, as its participant types it. Each field has its own visibility.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFields {
    /// Languages, comma-separated.
    #[serde(default)]
    pub languages: String,
    /// Who sees the languages.
    #[serde(default)]
    pub languages_visibility: String,
    /// Expertise (mentors) or learning goals (mentees), comma-separated.
    #[serde(default)]
    pub topics: String,
    /// Who sees the topics.
    #[serde(default)]
    pub topics_visibility: String,
    /// Region (optional).
    #[serde(default)]
    pub region: String,
    /// Who sees the region.
    #[serde(default)]
    pub region_visibility: String,
    /// When they are free (optional, free text).
    #[serde(default)]
    pub availability: String,
    /// Who sees the availability.
    #[serde(default)]
    pub availability_visibility: String,
    /// Can meet online.
    #[serde(default)]
    pub online: bool,
    /// Can meet in person.
    #[serde(default)]
    pub in_person: bool,
    /// Gender as they describe it (optional).
    #[serde(default)]
    pub gender: String,
    /// Who sees the gender.
    #[serde(default)]
    pub gender_visibility: String,
    /// A mentee's wish: the mentor's gender (optional).
    #[serde(default)]
    pub wish_gender: String,
    /// A mentee's wish: a language to work in (optional).
    #[serde(default)]
    pub wish_language: String,
    /// A mentor's most mentees at once.
    #[serde(default)]
    pub capacity: String,
}

/// A profile, parsed (what is stored, sealed, as one record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Languages.
    pub languages: Vec<String>,
    /// Who sees them.
    pub languages_visibility: Option<Visibility>,
    /// Expertise or goals.
    pub topics: Vec<String>,
    /// Who sees them.
    pub topics_visibility: Option<Visibility>,
    /// Region.
    pub region: String,
    /// Who sees it.
    pub region_visibility: Option<Visibility>,
    /// Availability.
    pub availability: String,
    /// Who sees it.
    pub availability_visibility: Option<Visibility>,
    /// Online.
    pub online: bool,
    /// In person.
    pub in_person: bool,
    /// Gender as described.
    pub gender: String,
    /// Who sees it.
    pub gender_visibility: Option<Visibility>,
    /// Wished mentor gender.
    pub wish_gender: String,
    /// Wished language.
    pub wish_language: String,
}

fn visibility(field: &str, code: &str) -> Result<Option<Visibility>, AppError> {
    if code.trim().is_empty() {
        return Ok(Some(Visibility::Matching));
    }
    Visibility::parse(field, code).map(Some)
}

impl Profile {
    /// Parses the form. Nothing sensitive is required: only a language and one way of
    /// meeting, without which nobody can be matched.
    pub fn parse(fields: &ProfileFields) -> Result<Self, AppError> {
        let languages = list("languages", &fields.languages)?;
        if languages.is_empty() {
            return Err(AppError::invalid("languages", InputProblem::Required));
        }
        if !fields.online && !fields.in_person {
            return Err(AppError::invalid("format", InputProblem::Required));
        }
        Ok(Self {
            languages,
            languages_visibility: visibility("languages_visibility", &fields.languages_visibility)?,
            topics: list("topics", &fields.topics)?,
            topics_visibility: visibility("topics_visibility", &fields.topics_visibility)?,
            region: line("region", &fields.region, 100, true)?,
            region_visibility: visibility("region_visibility", &fields.region_visibility)?,
            availability: line("availability", &fields.availability, 300, true)?,
            availability_visibility: visibility(
                "availability_visibility",
                &fields.availability_visibility,
            )?,
            online: fields.online,
            in_person: fields.in_person,
            gender: line("gender", &fields.gender, 60, true)?,
            gender_visibility: visibility("gender_visibility", &fields.gender_visibility)?,
            wish_gender: line("wish_gender", &fields.wish_gender, 60, true)?,
            wish_language: line("wish_language", &fields.wish_language, 60, true)?,
        })
    }

    /// The form filled in from a stored profile.
    pub fn fields(&self, capacity: i32) -> ProfileFields {
        let v = |v: Option<Visibility>| v.unwrap_or(Visibility::Matching).code().to_owned();
        ProfileFields {
            languages: self.languages.join(", "),
            languages_visibility: v(self.languages_visibility),
            topics: self.topics.join(", "),
            topics_visibility: v(self.topics_visibility),
            region: self.region.clone(),
            region_visibility: v(self.region_visibility),
            availability: self.availability.clone(),
            availability_visibility: v(self.availability_visibility),
            online: self.online,
            in_person: self.in_person,
            gender: self.gender.clone(),
            gender_visibility: v(self.gender_visibility),
            wish_gender: self.wish_gender.clone(),
            wish_language: self.wish_language.clone(),
            capacity: capacity.to_string(),
        }
    }
}

/// Parses a mentor's capacity: 1 to [`MAX_CAPACITY`].
pub fn parse_capacity(text: &str) -> Result<i32, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1);
    }
    let n: i64 = text
        .parse()
        .map_err(|_| AppError::invalid("capacity", InputProblem::Malformed))?;
    if n < 1 {
        return Err(AppError::invalid("capacity", InputProblem::Malformed));
    }
    if n > i64::from(MAX_CAPACITY) {
        return Err(AppError::invalid("capacity", InputProblem::TooLong));
    }
    Ok(i32::try_from(n).unwrap_or(1))
}

/// A session, as one of the pair types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFields {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub held_on: String,
    /// Local start time `HH:MM` (optional; used for the calendar file).
    #[serde(default)]
    pub starts_at: String,
    /// Minutes.
    #[serde(default)]
    pub minutes: String,
    /// A [`SessionFormat`] code.
    #[serde(default)]
    pub format: String,
    /// What they talked about (the pair only).
    #[serde(default)]
    pub topics: String,
    /// Private notes (the pair only; sealed).
    #[serde(default)]
    pub notes: String,
}

/// Feedback, as typed: three questions answered 1 (not at all) to 5 (very much).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackFields {
    /// A [`FeedbackMoment`] code.
    #[serde(default)]
    pub moment: String,
    /// The session it is about (after a session).
    #[serde(default)]
    pub session: String,
    /// "The time was useful to me."
    #[serde(default)]
    pub useful: String,
    /// "I felt safe and respected."
    #[serde(default)]
    pub respected: String,
    /// "I would recommend this programme."
    #[serde(default)]
    pub recommend: String,
}

/// Parses one answer, 1 to 5.
pub fn parse_score(field: &str, text: &str) -> Result<i32, AppError> {
    match text.trim().parse::<i32>() {
        Ok(n @ 1..=5) => Ok(n),
        Ok(_) => Err(AppError::invalid(field, InputProblem::Malformed)),
        Err(_) if text.trim().is_empty() => Err(AppError::invalid(field, InputProblem::Required)),
        Err(_) => Err(AppError::invalid(field, InputProblem::Malformed)),
    }
}

/// A programme in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeRow {
    /// Its id.
    pub id: ProgrammeId,
    /// Title.
    pub title: String,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// Open or ended.
    pub state: ProgrammeState,
    /// Whether mentors are paid for sessions.
    pub paid: bool,
}

/// One of the viewer's own places in a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPlace {
    /// The participant record.
    pub participant: ParticipantId,
    /// The programme.
    pub programme: ProgrammeRow,
    /// The cohort's name.
    pub cohort: String,
    /// Mentor or mentee.
    pub role: ParticipantRole,
    /// Invited, applied, active or declined.
    pub state: ParticipantState,
    /// Whether a profile is filled in.
    pub has_profile: bool,
}

/// One of the viewer's matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMatch {
    /// The match.
    pub id: MatchId,
    /// The programme's title.
    pub programme: String,
    /// The viewer's part in it.
    pub role: ParticipantRole,
    /// The other person's display name.
    pub partner: String,
    /// Where it is.
    pub state: MatchState,
    /// Whether the viewer still has to answer a proposal.
    pub awaiting_me: bool,
}

/// The mentorship start page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// The viewer's places (members).
    pub places: Vec<MyPlace>,
    /// The viewer's matches (members).
    pub matches: Vec<MyMatch>,
    /// Open programmes with cohorts the viewer may apply to: (programme, cohort id, cohort
    /// name).
    pub open_cohorts: Vec<(ProgrammeRow, CohortId, String)>,
    /// Every programme of the council (staff).
    pub programmes: Vec<ProgrammeRow>,
    /// Whether the viewer may create programmes.
    pub may_manage: bool,
    /// Whether the viewer may take part (a member).
    pub may_take_part: bool,
    /// Activities the rate card prices today, for the paid-time choice.
    pub activities: Vec<String>,
    /// Today in the council's time zone, `YYYY-MM-DD`.
    pub today: String,
    /// A suggested last day for a new programme (six months on).
    pub default_end: String,
}

/// A participant as the secretariat sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantRow {
    /// The record.
    pub id: ParticipantId,
    /// The person.
    pub person: PersonId,
    /// Display name.
    pub name: String,
    /// Mentor or mentee.
    pub role: ParticipantRole,
    /// State.
    pub state: ParticipantState,
    /// A mentor's most mentees.
    pub capacity: i32,
    /// Whether a profile is filled in.
    pub has_profile: bool,
}

/// One reason behind a suggestion, as a code and the value it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonView {
    /// `shared_language`, `goal_covered`, `shared_format`, `same_region`, `wish_met`,
    /// `wish_not_met`, `places_left`, `nobody_workable`, `mentors_full`.
    pub code: String,
    /// What it is about (a language, a goal, a format code, a wish, a count).
    pub value: String,
}

/// A suggested pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    /// The mentor.
    pub mentor: PersonId,
    /// Their name.
    pub mentor_name: String,
    /// The mentee.
    pub mentee: PersonId,
    /// Their name.
    pub mentee_name: String,
    /// The score.
    pub score: u32,
    /// Why.
    pub reasons: Vec<ReasonView>,
}

/// A match as the secretariat sees it: who, and where it is; never its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRow {
    /// The match.
    pub id: MatchId,
    /// Mentor's name.
    pub mentor: String,
    /// Mentee's name.
    pub mentee: String,
    /// State.
    pub state: MatchState,
    /// Sessions logged.
    pub sessions: u64,
    /// Minutes logged, in all.
    pub minutes: i64,
}

/// Aggregated feedback for one side and one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackFigure {
    /// Mentor or mentee.
    pub side: ParticipantRole,
    /// `useful`, `respected` or `recommend`.
    pub question: String,
    /// Answers counted.
    pub answers: u32,
    /// The mean, in tenths (e.g. 43 for 4.3); `None` below [`FEEDBACK_MIN_ANSWERS`].
    pub mean_tenths: Option<u32>,
}

/// A cohort on its programme's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortView {
    /// Its id.
    pub id: CohortId,
    /// Its name.
    pub name: String,
    /// Participants (staff only).
    pub participants: Vec<ParticipantRow>,
    /// Suggested pairs (staff only).
    pub suggestions: Vec<SuggestionView>,
    /// Mentees left unmatched and why (staff only).
    pub unmatched: Vec<(String, ReasonView)>,
    /// Matches (staff only).
    pub matches: Vec<MatchRow>,
}

/// A programme's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeDetail {
    /// The programme.
    pub programme: ProgrammeRow,
    /// Aims.
    pub aims: String,
    /// Expected hours per pair.
    pub expected_hours: i32,
    /// The activity mentors' time is priced at, if paid.
    pub activity: Option<String>,
    /// Its cohorts.
    pub cohorts: Vec<CohortView>,
    /// Whether the viewer runs it.
    pub may_manage: bool,
    /// Members who may be invited: (person, name).
    pub members: Vec<(PersonId, String)>,
    /// Feedback figures (staff).
    pub feedback: Vec<FeedbackFigure>,
}

/// What the viewer may see of their partner's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedProfile {
    /// Languages, if shared.
    pub languages: Option<String>,
    /// Expertise or goals, if shared.
    pub topics: Option<String>,
    /// Region, if shared.
    pub region: Option<String>,
    /// Availability, if shared.
    pub availability: Option<String>,
    /// Gender, if shared.
    pub gender: Option<String>,
}

/// A goal of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalView {
    /// Its id.
    pub id: uuid::Uuid,
    /// What it is.
    pub title: String,
    /// Whether both agreed to it.
    pub agreed: bool,
    /// Whether the viewer proposed it (so waits for the other).
    pub proposed_by_me: bool,
    /// Whether it is met.
    pub met: bool,
    /// Its milestones: (id, title, due day or empty, done).
    pub milestones: Vec<(uuid::Uuid, String, String, bool)>,
}

/// A session of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Its id.
    pub id: MentorshipSessionId,
    /// Day held.
    pub held_on: String,
    /// Start, `HH:MM` or empty.
    pub starts_at: String,
    /// Minutes.
    pub minutes: i32,
    /// How held.
    pub format: SessionFormat,
    /// Topics.
    pub topics: String,
    /// Private notes.
    pub notes: String,
    /// The time entry made from it, if any.
    pub claim: Option<ClaimId>,
    /// Whether the viewer gave feedback on it.
    pub feedback_given: bool,
}

/// A match's page, for the pair only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchDetail {
    /// The match.
    pub id: MatchId,
    /// The programme's title.
    pub programme: String,
    /// The viewer's part.
    pub role: ParticipantRole,
    /// The partner's display name.
    pub partner: String,
    /// What the partner shares.
    pub partner_profile: SharedProfile,
    /// Where it is.
    pub state: MatchState,
    /// Whether the viewer has accepted (while proposed).
    pub accepted_by_me: bool,
    /// Goals.
    pub goals: Vec<GoalView>,
    /// Sessions, latest first.
    pub sessions: Vec<SessionView>,
    /// Whether the viewer (the mentor of a paid programme) may turn sessions into time.
    pub may_claim_time: bool,
    /// Whether the viewer gave end-of-match feedback.
    pub end_feedback_given: bool,
    /// Whether a certificate can be downloaded.
    pub certificate: bool,
    /// The name the viewer chose for it.
    pub certificate_name: CertificateName,
    /// Whether the council has a safeguarding lead to report to.
    pub has_lead: bool,
    /// Today in the council's time zone.
    pub today: String,
}

/// A certificate of completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The name shown, or `None`.
    pub name: Option<String>,
    /// Mentor or mentee.
    pub role: ParticipantRole,
    /// The programme's title.
    pub programme: String,
    /// The council's name.
    pub council: String,
    /// First and last day of the match.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Sessions held.
    pub sessions: u64,
    /// Hours, rounded down.
    pub hours: i64,
    /// Goals met.
    pub goals_met: Vec<String>,
}

/// A safeguarding case in the lead's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    /// Its id.
    pub id: CaseId,
    /// When reported, in the council's time.
    pub reported: String,
    /// Status.
    pub status: CaseStatus,
}

/// The safeguarding page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Safeguarding {
    /// The cases.
    pub cases: Vec<CaseRow>,
    /// The lead's name, if one is set.
    pub lead: Option<String>,
    /// Secretariat members who may be made lead (council admins only): (person, name).
    pub candidates: Vec<(PersonId, String)>,
    /// Whether the viewer may set the lead.
    pub may_set_lead: bool,
}

/// One case, for the lead and the council admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    /// The case.
    pub row: CaseRow,
    /// Who reported it (display name).
    pub reporter: String,
    /// The programme's title, if it is about a match.
    pub programme: Option<String>,
    /// The pair's names, if it is about a match.
    pub pair: Option<(String, String)>,
    /// What was reported.
    pub concern: String,
    /// Notes: (when, by whom, text).
    pub notes: Vec<(String, String, String)>,
}

/// The viewer's own place in a cohort: the invitation to answer, and their profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceView {
    /// The place.
    pub place: MyPlace,
    /// The profile form, filled in.
    pub fields: ProfileFields,
    /// What others in the cohort share with the whole cohort: (name, role, profile).
    pub cohort: Vec<(String, ParticipantRole, SharedProfile)>,
}

/// Parses a yes-or-no answer from a form's button: `accept` or `decline`.
pub fn parse_decision(field: &str, text: &str) -> Result<bool, AppError> {
    match text.trim() {
        "accept" => Ok(true),
        "decline" => Ok(false),
        "" => Err(AppError::invalid(field, InputProblem::Required)),
        _ => Err(AppError::invalid(field, InputProblem::Malformed)),
    }
}

/// Parses an optional person id from a form (empty: nobody).
pub fn parse_person(field: &str, text: &str) -> Result<Option<PersonId>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, InputProblem::Malformed)),
    }
}

/// Parses a required id of a pair's goal or milestone.
pub fn parse_item(field: &str, text: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(text.trim())
        .map_err(|_| AppError::invalid(field, InputProblem::Malformed))
}
