//! Comments: posting, editing, withdrawing, moderating, drafts saved while typing, and the
//! views readers get.
//!
//! Anonymous means anonymous: an anonymous comment stores no person id. The author is kept
//! only sealed (encrypted, opened by the mail job alone) and as a keyed tag of author and
//! comment, which recognises the author without saying who it is. Audit rows of anonymous
//! comments name no actor.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::audit::{self, Event};
use super::consultations::{self, Access};
use super::crypto::{Keyring, Purpose};
use super::entities::{
    comment, comment_change, comment_draft, consent_record, consultation, person, pseudonym,
    response, section,
};
use super::{Actor, AppState, councils};
use crate::model::AppError;
use crate::model::comment::{
    Attribution, AuthorLabel, CommentFields, CommentInput, CommentKind, CommentStatus, CommentView,
    Decision, DiffPart, HideReason, MAX_NOTE_CHARS, ResponseView, optional_text,
};
use crate::model::ids::{CommentId, ConsultationId, CouncilId, PersonId, SectionId};
use crate::model::viewer::Role;

/// The purpose code of the consent to show a comment in the public outcome report.
pub const CONSENT_PUBLIC_REPORT: &str = "comment_public_report";
/// The version of the wording the person agreed to (bump when the text changes).
pub const CONSENT_WORDING: &str = "1";

/// Renders the Markdown subset (emphasis, lists, quotes, code, links) to HTML and sanitizes
/// it: no raw HTML, scripts, styles or attributes survive; links get `rel="nofollow noopener
/// noreferrer"`.
pub fn render_markdown(text: &str) -> String {
    use pulldown_cmark::{Event as Md, Options, Parser, html};
    // Raw HTML in the source is shown as text, never passed on.
    let events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Md::Html(raw) | Md::InlineHtml(raw) => Md::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    ammonia::Builder::default()
        .tags(
            [
                "p",
                "br",
                "em",
                "strong",
                "del",
                "ul",
                "ol",
                "li",
                "blockquote",
                "code",
                "pre",
                "a",
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([("a", ["href"].into_iter().collect())]))
        .url_schemes(["https", "http", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// The word-by-word difference between two texts.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_unicode_words(old, new);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value().to_owned();
        let same_kind = |p: &DiffPart| {
            matches!(
                (p, change.tag()),
                (DiffPart::Same(_), ChangeTag::Equal)
                    | (DiffPart::Added(_), ChangeTag::Insert)
                    | (DiffPart::Removed(_), ChangeTag::Delete)
            )
        };
        match parts.last_mut() {
            Some(last) if same_kind(last) => match last {
                DiffPart::Same(t) | DiffPart::Added(t) | DiffPart::Removed(t) => t.push_str(&text),
            },
            _ => parts.push(match change.tag() {
                ChangeTag::Equal => DiffPart::Same(text),
                ChangeTag::Insert => DiffPart::Added(text),
                ChangeTag::Delete => DiffPart::Removed(text),
            }),
        }
    }
    parts
}

/// The keyed tag that recognises `person` as the author of `comment`.
fn author_tag(keyring: &Keyring, person: PersonId, comment: Uuid) -> String {
    keyring.lookup_hash(Purpose::CommentAuthor, &format!("{person}:{comment}"))
}

/// Whether `person` wrote `c` (for anonymous comments through the tag, under every key).
pub fn is_author(keyring: &Keyring, person: PersonId, c: &comment::Model) -> bool {
    if let Some(author) = c.author_id {
        return author == person.0;
    }
    keyring
        .lookup_hashes(Purpose::CommentAuthor, &format!("{person}:{}", c.id))
        .iter()
        .any(|t| super::crypto::same_secret(t, &c.author_tag))
}

/// The author of a comment, opened from its sealed form (for the mail job only).
pub fn sealed_author(keyring: &Keyring, c: &comment::Model) -> Result<PersonId, AppError> {
    let plain = keyring.open(Purpose::CommentAuthor, &c.author_sealed)?;
    plain.parse().map(PersonId).map_err(|_| AppError::Internal)
}

/// The keyed tag of a consent holder for one subject.
fn holder_tag(keyring: &Keyring, person: PersonId, subject: Uuid) -> String {
    keyring.lookup_hash(Purpose::ConsentHolder, &format!("{person}:{subject}"))
}

/// The person's pseudonym in a consultation, created on first use.
async fn pseudonym_for(
    db: &impl ConnectionTrait,
    consultation: Uuid,
    person: PersonId,
) -> Result<String, AppError> {
    use rand::Rng;
    let find = || {
        pseudonym::Entity::find()
            .filter(pseudonym::Column::ConsultationId.eq(consultation))
            .filter(pseudonym::Column::PersonId.eq(person.0))
    };
    if let Some(found) = find().one(db).await? {
        return Ok(found.label);
    }
    // Letters and digits that cannot be misread; a clash with another label is retried.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for _ in 0..8 {
        let code: String = {
            let mut rng = rand::rng();
            (0..4)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect()
        };
        let label = format!("Contributor {code}");
        let inserted = pseudonym::Entity::insert(pseudonym::ActiveModel {
            id: Set(Uuid::now_v7()),
            consultation_id: Set(consultation),
            person_id: Set(person.0),
            label: Set(label),
        })
        .on_conflict(
            OnConflict::columns([pseudonym::Column::ConsultationId, pseudonym::Column::Label])
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(db)
        .await;
        // Another request of the same person may have created theirs a moment ago.
        if inserted.is_err()
            || matches!(inserted, Ok(sea_orm::TryInsertResult::Inserted(n)) if n > 0)
        {
            break;
        }
    }
    find()
        .one(db)
        .await?
        .map(|p| p.label)
        .ok_or(AppError::Internal)
}

/// Appends a consent record (never updates one).
async fn record_consent(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    council: CouncilId,
    person: PersonId,
    c: &comment::Model,
    given: bool,
) -> Result<(), AppError> {
    consent_record::Entity::insert(consent_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        council_id: Set(council.0),
        // An anonymous comment's record must not name its author.
        person_id: Set(c.author_id),
        holder_tag: Set(holder_tag(keyring, person, c.id)),
        purpose: Set(CONSENT_PUBLIC_REPORT.to_owned()),
        subject_id: Set(Some(c.id)),
        wording_version: Set(CONSENT_WORDING.to_owned()),
        given: Set(given),
        at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The comments among `ids` whose newest public-report consent is "given".
pub async fn consented(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashSet<Uuid>, AppError> {
    let records = consent_record::Entity::find()
        .filter(consent_record::Column::Purpose.eq(CONSENT_PUBLIC_REPORT))
        .filter(consent_record::Column::SubjectId.is_in(ids.to_vec()))
        .order_by_asc(consent_record::Column::At)
        .order_by_asc(consent_record::Column::Id)
        .all(db)
        .await?;
    let mut newest: HashMap<Uuid, bool> = HashMap::new();
    for r in records {
        if let Some(subject) = r.subject_id {
            newest.insert(subject, r.given);
        }
    }
    Ok(newest
        .into_iter()
        .filter(|(_, g)| *g)
        .map(|(id, _)| id)
        .collect())
}

/// Loads a comment the actor may read (with its consultation and the actor's access).
async fn readable_comment(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: CommentId,
) -> Result<(comment::Model, consultation::Model, Access), AppError> {
    let c = comment::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (consultation, access) =
        consultations::readable(db, actor, ConsultationId(c.consultation_id)).await?;
    Ok((c, consultation, access))
}

/// The slot of a comment box: the section, a reply to a comment, or the edit of a comment.
pub fn slot(
    section: Option<SectionId>,
    parent: Option<CommentId>,
    edit: Option<CommentId>,
) -> String {
    match (edit, parent, section) {
        (Some(e), _, _) => format!("edit:{e}"),
        (None, Some(p), _) => format!("reply:{p}"),
        (None, None, Some(s)) => format!("section:{s}"),
        (None, None, None) => "none".to_owned(),
    }
}

/// Posts a comment on a section of the newest published version, or a reply to a comment.
///
/// Refused after the closing time; the text is then kept as the person's draft (shown again
/// in the form), never lost.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    consultation_id: ConsultationId,
    section_id: Option<SectionId>,
    parent: Option<CommentId>,
    fields: &CommentFields,
) -> Result<CommentId, AppError> {
    let db = &state.db;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, _) = consultations::readable(db, actor, consultation_id).await?;
    if !actor.has_role(CouncilId(c.council_id), Role::Member) {
        return Err(AppError::Forbidden);
    }
    let input = CommentInput::parse(fields, parent.is_some())?;
    // The section: the one given, or the parent's.
    let parent_row = match parent {
        Some(p) => {
            let row = comment::Entity::find_by_id(p.0)
                .one(db)
                .await?
                .filter(|r| r.consultation_id == c.id)
                .filter(|r| r.status == CommentStatus::Visible.code())
                .ok_or(AppError::NotFound)?;
            Some(row)
        }
        None => None,
    };
    let version = consultations::latest_published(db, c.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let section = match (&parent_row, section_id) {
        (Some(p), _) => section::Entity::find_by_id(p.section_id).one(db).await?,
        (None, Some(s)) => section::Entity::find_by_id(s.0)
            .one(db)
            .await?
            .filter(|row| row.version_id == version.id),
        (None, None) => None,
    }
    .ok_or(AppError::NotFound)?;
    let slot = slot(section_id, parent, None);
    if !consultations::accepts_comments(&c, Utc::now()) {
        save_draft_row(db, person, c.id, &slot, fields).await?;
        return Err(AppError::Closed);
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    // Outside the transaction: a lost race on the label must not abort it.
    let pseudonym = match input.attribution {
        Attribution::Pseudonym => Some(pseudonym_for(db, c.id, person).await?),
        _ => None,
    };
    let txn = super::db::begin_write(db).await?;
    let row = comment::ActiveModel {
        id: Set(id),
        consultation_id: Set(c.id),
        section_id: Set(section.id),
        anchor: Set(section.anchor.clone()),
        version_number: Set(parent_row
            .as_ref()
            .map_or(version.number, |p| p.version_number)),
        parent_id: Set(parent.map(|p| p.0)),
        kind: Set(input.kind.code().to_owned()),
        body_html: Set(render_markdown(&input.body)),
        body: Set(input.body),
        quote: Set(input.quote),
        proposal: Set(input.proposal),
        attribution: Set(input.attribution.code().to_owned()),
        author_id: Set((input.attribution != Attribution::Anonymous).then_some(person.0)),
        author_sealed: Set(state
            .keyring
            .seal(Purpose::CommentAuthor, &person.to_string())),
        author_tag: Set(author_tag(&state.keyring, person, id)),
        pseudonym: Set(pseudonym),
        status: Set(CommentStatus::Visible.code().to_owned()),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        hidden_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        withdrawn_at: Set(None),
    };
    comment::Entity::insert(row)
        .exec_without_returning(&txn)
        .await?;
    let saved = comment::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    if input.consent_public {
        record_consent(
            &txn,
            &state.keyring,
            CouncilId(c.council_id),
            person,
            &saved,
            true,
        )
        .await?;
    }
    let mut event = Event::new("comment.posted")
        .council(CouncilId(c.council_id))
        .subject("comment", id);
    if input.attribution != Attribution::Anonymous {
        event = event.by_actor(actor);
    }
    audit::record(&txn, event).await?;
    comment_draft::Entity::delete_many()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::Slot.eq(&slot))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(CommentId(id))
}

/// The author edits their comment: until the period closes, or while it is hidden by the
/// secretariat (editing a hidden comment resubmits it).
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: CommentId,
    fields: &CommentFields,
) -> Result<(), AppError> {
    let db = &state.db;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, consultation, _) = readable_comment(db, actor, id).await?;
    if !is_author(&state.keyring, person, &c) {
        return Err(AppError::Forbidden);
    }
    if c.status == CommentStatus::Withdrawn.code() {
        return Err(AppError::Conflict);
    }
    let input = CommentInput::parse(fields, c.parent_id.is_some())?;
    if !consultations::accepts_comments(&consultation, Utc::now()) {
        save_draft_row(
            db,
            person,
            consultation.id,
            &slot(None, None, Some(id)),
            fields,
        )
        .await?;
        return Err(AppError::Closed);
    }
    if input.attribution != Attribution::from_code(&c.attribution).unwrap_or(Attribution::Anonymous)
    {
        // Changing who is shown would link an anonymous comment to a name (or the reverse)
        // in the history; withdraw and post again instead.
        return Err(AppError::invalid(
            "attribution",
            crate::model::InputProblem::Incorrect,
        ));
    }
    let txn = super::db::begin_write(db).await?;
    comment::Entity::update_many()
        .col_expr(comment::Column::Kind, Expr::value(input.kind.code()))
        .col_expr(
            comment::Column::BodyHtml,
            Expr::value(render_markdown(&input.body)),
        )
        .col_expr(comment::Column::Body, Expr::value(input.body))
        .col_expr(comment::Column::Quote, Expr::value(input.quote))
        .col_expr(comment::Column::Proposal, Expr::value(input.proposal))
        .col_expr(
            comment::Column::Status,
            Expr::value(CommentStatus::Visible.code()),
        )
        .col_expr(comment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(comment::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    comment_draft::Entity::delete_many()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::Slot.eq(slot(None, None, Some(id))))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The author withdraws their comment, at any time. Its text is erased; the row stays so
/// replies keep their place and the figures stay honest.
pub async fn withdraw(state: &AppState, actor: &Actor, id: CommentId) -> Result<(), AppError> {
    let db = &state.db;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, consultation, _) = readable_comment(db, actor, id).await?;
    if !is_author(&state.keyring, person, &c) {
        return Err(AppError::Forbidden);
    }
    let txn = super::db::begin_write(db).await?;
    comment::Entity::update_many()
        .col_expr(
            comment::Column::Status,
            Expr::value(CommentStatus::Withdrawn.code()),
        )
        .col_expr(comment::Column::Body, Expr::value(""))
        .col_expr(comment::Column::BodyHtml, Expr::value(""))
        .col_expr(comment::Column::Quote, Expr::value(Option::<String>::None))
        .col_expr(
            comment::Column::Proposal,
            Expr::value(Option::<String>::None),
        )
        .col_expr(comment::Column::WithdrawnAt, Expr::value(Some(Utc::now())))
        .filter(comment::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    record_consent(
        &txn,
        &state.keyring,
        CouncilId(consultation.council_id),
        person,
        &c,
        false,
    )
    .await?;
    audit::record(
        &txn,
        Event::new("comment.withdrawn")
            .council(CouncilId(consultation.council_id))
            .subject("comment", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The author gives or withdraws consent to show the comment in the public outcome report;
/// it takes effect at once.
pub async fn set_public_consent(
    state: &AppState,
    actor: &Actor,
    id: CommentId,
    given: bool,
) -> Result<(), AppError> {
    let db = &state.db;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, consultation, _) = readable_comment(db, actor, id).await?;
    if !is_author(&state.keyring, person, &c) {
        return Err(AppError::Forbidden);
    }
    let txn = super::db::begin_write(db).await?;
    record_consent(
        &txn,
        &state.keyring,
        CouncilId(consultation.council_id),
        person,
        &c,
        given,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The secretariat hides a comment with a reason; it is kept, and its author sees why.
pub async fn hide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CommentId,
    reason: &str,
    note: &str,
) -> Result<(), AppError> {
    let (c, consultation, access) = readable_comment(db, actor, id).await?;
    if !access.manage {
        return Err(AppError::Forbidden);
    }
    let reason = HideReason::parse("reason", reason)?;
    let note = optional_text("note", note, MAX_NOTE_CHARS)?;
    if reason == HideReason::Other && note.is_none() {
        return Err(AppError::invalid(
            "note",
            crate::model::InputProblem::Required,
        ));
    }
    if c.status == CommentStatus::Withdrawn.code() {
        return Err(AppError::Conflict);
    }
    let txn = super::db::begin_write(db).await?;
    comment::Entity::update_many()
        .col_expr(
            comment::Column::Status,
            Expr::value(CommentStatus::Hidden.code()),
        )
        .col_expr(
            comment::Column::HiddenReason,
            Expr::value(Some(reason.code())),
        )
        .col_expr(comment::Column::HiddenNote, Expr::value(note))
        .col_expr(comment::Column::HiddenAt, Expr::value(Some(Utc::now())))
        .filter(comment::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new("comment.hidden")
            .council(CouncilId(consultation.council_id))
            .by_actor(actor)
            .subject("comment", c.id)
            .detail("reason", reason.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Saves what someone is typing (replacing the previous save of the same box).
async fn save_draft_row(
    db: &impl ConnectionTrait,
    person: PersonId,
    consultation: Uuid,
    slot: &str,
    fields: &CommentFields,
) -> Result<(), AppError> {
    let mut kept = fields.clone();
    // Keep what fits; an oversized paste is cut rather than refused, so typing never fails.
    for text in [&mut kept.body, &mut kept.proposal, &mut kept.quote] {
        if text.len() > 4 * crate::model::comment::MAX_TEXT_CHARS {
            let cut = text
                .char_indices()
                .nth(crate::model::comment::MAX_TEXT_CHARS)
                .map_or(text.len(), |(i, _)| i);
            text.truncate(cut);
        }
    }
    let json = serde_json::to_string(&kept).map_err(|_| AppError::Internal)?;
    comment_draft::Entity::insert(comment_draft::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.0),
        consultation_id: Set(consultation),
        slot: Set(slot.to_owned()),
        fields: Set(json),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([comment_draft::Column::PersonId, comment_draft::Column::Slot])
            .update_columns([
                comment_draft::Column::Fields,
                comment_draft::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Saves a comment box's text as it is typed (any phase: text is never refused here).
pub async fn save_draft(
    db: &DatabaseConnection,
    actor: &Actor,
    consultation: ConsultationId,
    slot: &str,
    fields: &CommentFields,
) -> Result<(), AppError> {
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, _) = consultations::readable(db, actor, consultation).await?;
    let valid = slot.split_once(':').is_some_and(|(kind, id)| {
        matches!(kind, "section" | "reply" | "edit") && Uuid::parse_str(id).is_ok()
    });
    if !valid {
        return Err(AppError::invalid(
            "slot",
            crate::model::InputProblem::Malformed,
        ));
    }
    save_draft_row(db, person, c.id, slot, fields).await
}

/// Throws away the person's kept text of one box. Unknown slots are fine (nothing to do).
pub async fn discard_draft(
    db: &DatabaseConnection,
    actor: &Actor,
    consultation: ConsultationId,
    slot: &str,
) -> Result<(), AppError> {
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, _) = consultations::readable(db, actor, consultation).await?;
    comment_draft::Entity::delete_many()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::ConsultationId.eq(c.id))
        .filter(comment_draft::Column::Slot.eq(slot))
        .exec(db)
        .await?;
    Ok(())
}

/// The person's saved comment boxes in a consultation.
pub async fn drafts_of(
    db: &impl ConnectionTrait,
    person: PersonId,
    consultation: Uuid,
) -> Result<Vec<(String, CommentFields)>, AppError> {
    Ok(comment_draft::Entity::find()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::ConsultationId.eq(consultation))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|d| serde_json::from_str(&d.fields).ok().map(|f| (d.slot, f)))
        .collect())
}

/// Everything needed to turn comment rows into views for one reader, loaded with a fixed
/// number of queries.
pub struct ViewContext {
    names: HashMap<Uuid, String>,
    responses: HashMap<Uuid, response::Model>,
    changes: HashMap<Uuid, Vec<String>>,
    time_zone: String,
    manage: bool,
    reader: Option<PersonId>,
}

impl ViewContext {
    /// Loads names, answers and change links for `rows`.
    pub async fn load(
        db: &impl ConnectionTrait,
        rows: &[comment::Model],
        time_zone: &str,
        manage: bool,
        reader: Option<PersonId>,
    ) -> Result<Self, AppError> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let authors: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.attribution == Attribution::Named.code())
            .filter_map(|r| r.author_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let names = if authors.is_empty() {
            HashMap::new()
        } else {
            person::Entity::find()
                .filter(person::Column::Id.is_in(authors))
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p.display_name))
                .collect()
        };
        let responses = if ids.is_empty() {
            HashMap::new()
        } else {
            response::Entity::find()
                .filter(response::Column::CommentId.is_in(ids.clone()))
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.comment_id, r))
                .collect()
        };
        let mut changes: HashMap<Uuid, Vec<String>> = HashMap::new();
        if !ids.is_empty() {
            for link in comment_change::Entity::find()
                .filter(comment_change::Column::CommentId.is_in(ids))
                .all(db)
                .await?
            {
                changes
                    .entry(link.comment_id)
                    .or_default()
                    .push(link.anchor);
            }
        }
        Ok(Self {
            names,
            responses,
            changes,
            time_zone: time_zone.to_owned(),
            manage,
            reader,
        })
    }

    /// How the author of `c` is shown.
    pub fn author(&self, c: &comment::Model) -> AuthorLabel {
        match Attribution::from_code(&c.attribution) {
            Some(Attribution::Named) => c
                .author_id
                .and_then(|a| self.names.get(&a).cloned())
                .map_or(AuthorLabel::Anonymous, AuthorLabel::Named),
            Some(Attribution::Pseudonym) => c
                .pseudonym
                .clone()
                .map_or(AuthorLabel::Anonymous, AuthorLabel::Pseudonym),
            _ => AuthorLabel::Anonymous,
        }
    }

    /// The answer to `c`, if any.
    pub fn response(&self, c: &comment::Model) -> Option<ResponseView> {
        self.responses.get(&c.id).map(|r| ResponseView {
            decision: Decision::from_code(&r.decision).unwrap_or(Decision::Noted),
            explanation: r.explanation.clone(),
            answered_local: councils::local_time(r.answered_at, &self.time_zone),
            changed: self.changes.get(&c.id).cloned().unwrap_or_default(),
        })
    }

    /// The raw answer row of `c`.
    pub fn response_row(&self, c: &comment::Model) -> Option<&response::Model> {
        self.responses.get(&c.id)
    }

    /// The view of `c` for this reader; `None` when the reader may not see it.
    pub fn view(
        &self,
        keyring: &Keyring,
        c: &comment::Model,
        section_body: Option<&str>,
        depth: i32,
    ) -> Option<CommentView> {
        let status = CommentStatus::from_code(&c.status).unwrap_or(CommentStatus::Hidden);
        let mine = self.reader.is_some_and(|p| is_author(keyring, p, c));
        let shown = match status {
            CommentStatus::Visible => true,
            CommentStatus::Hidden => mine || self.manage,
            CommentStatus::Withdrawn => true,
        };
        if !shown {
            return None;
        }
        let withdrawn = status == CommentStatus::Withdrawn;
        let author_may_see = mine || self.manage;
        Some(CommentView {
            id: CommentId(c.id),
            section: SectionId(c.section_id),
            parent: c.parent_id.map(CommentId),
            kind: CommentKind::from_code(&c.kind).unwrap_or(CommentKind::Comment),
            body_html: if withdrawn {
                String::new()
            } else {
                c.body_html.clone()
            },
            quote: c.quote.clone().filter(|_| !withdrawn),
            proposal: c
                .proposal
                .as_deref()
                .filter(|_| !withdrawn)
                .map(|p| word_diff(section_body.unwrap_or(""), p)),
            author: if withdrawn {
                AuthorLabel::Anonymous
            } else {
                self.author(c)
            },
            mine,
            status,
            hidden_reason: c
                .hidden_reason
                .as_deref()
                .and_then(HideReason::from_code)
                .filter(|_| author_may_see),
            hidden_note: c.hidden_note.clone().filter(|_| author_may_see),
            created_local: councils::local_time(c.created_at, &self.time_zone),
            edited: c.updated_at > c.created_at + chrono::Duration::seconds(1),
            response: self.response(c),
            own_fields: mine.then(|| CommentFields {
                kind: c.kind.clone(),
                body: c.body.clone(),
                quote: c.quote.clone().unwrap_or_default(),
                proposal: c.proposal.clone().unwrap_or_default(),
                attribution: c.attribution.clone(),
                consent: None,
            }),
            version: c.version_number,
            depth,
        })
    }
}

/// Orders comments as threads: each top-level comment followed by its replies (depth first),
/// oldest first at every level. Returns (row index, depth).
pub fn thread_order(rows: &[comment::Model]) -> Vec<(usize, i32)> {
    let ids: HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut children: HashMap<Option<Uuid>, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        // A reply whose parent is not in the set shows as top level rather than vanishing.
        let parent = r.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by_key(|&i| (rows[i].created_at, rows[i].id));
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(usize, i32)> = children
        .get(&None)
        .map(|l| l.iter().rev().map(|&i| (i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        out.push((i, depth));
        if let Some(kids) = children.get(&Some(rows[i].id)) {
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
    }
    out
}

/// The comments on the given anchors (all versions), threaded, as `actor` may see them.
pub async fn for_anchors(
    state: &AppState,
    actor: &Actor,
    c: &consultation::Model,
    access: Access,
    time_zone: &str,
    anchors: &[String],
    sections: &[&section::Model],
) -> Result<Vec<CommentView>, AppError> {
    let db = &state.db;
    let rows = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Anchor.is_in(anchors.to_vec()))
        .all(db)
        .await?;
    let ctx = ViewContext::load(db, &rows, time_zone, access.manage, actor.person()).await?;
    let bodies: HashMap<&str, &str> = sections
        .iter()
        .map(|s| (s.anchor.as_str(), s.body.as_str()))
        .collect();
    // Comments follow the reading order of their sections.
    let position: HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.anchor.as_str(), i))
        .collect();
    let mut ordered = thread_order(&rows);
    ordered.sort_by_key(|&(i, _)| {
        position
            .get(rows[i].anchor.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    // Withdrawn comments stay only as placeholders that hold replies.
    let parents: HashSet<Uuid> = rows.iter().filter_map(|r| r.parent_id).collect();
    let mut views = Vec::with_capacity(ordered.len());
    for (i, depth) in ordered {
        let row = &rows[i];
        if row.status == CommentStatus::Withdrawn.code() && !parents.contains(&row.id) {
            continue;
        }
        let body = bodies.get(row.anchor.as_str()).copied();
        if let Some(mut view) = ctx.view(&state.keyring, row, body, depth) {
            // The reader's own comment points at the section of the newest version they read.
            if let Some(s) = sections.iter().find(|s| s.anchor == row.anchor) {
                view.section = SectionId(s.id);
            }
            views.push(view);
        }
    }
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_the_subset_and_drops_html() {
        let html = render_markdown(
            "**bold** _it_\n\n- a\n- b\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](https://example.org)",
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(html.contains("nofollow"), "{html}");
        // The script's text is shown as text, escaped.
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn word_diff_marks_changes() {
        let parts = word_diff(
            "The State shall provide support.",
            "The State shall provide free support.",
        );
        assert!(
            parts.contains(&DiffPart::Added("free ".into())),
            "{parts:?}"
        );
        assert!(matches!(parts.first(), Some(DiffPart::Same(_))));
    }
}
