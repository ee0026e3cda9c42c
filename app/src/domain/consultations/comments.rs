//! Comments: posting, editing, withdrawing, consent to the public report, and moderation.
//!
//! Anonymous means anonymous (see [`super::authorship`]): the actions on anonymous and
//! pseudonymous comments are audited unattributed (no actor, the day only, a sequence of
//! their own), their times are kept to the hour only, and their consent records name no
//! person.

use crate::domain::platform::db::Connection;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::access::{self, Access};
use super::authorship::{author_tag, is_author, pseudonym_for};
use super::entities::{comment, consultation, section};
use super::kept_text::{clear_draft_row, save_draft_row, slot};
use super::store;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::consent::{self, Consent, ConsentPurpose};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::db;
use crate::domain::platform::text::render_markdown;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::comment::{
    Attribution, CommentFields, CommentInput, CommentStatus, HideReason, MAX_NOTE_CHARS,
    optional_text,
};
use crate::model::ids::{CommentId, ConsultationId, CouncilId, PersonId, SectionId};
use crate::model::viewer::Role;

/// The time kept for a comment: exact for a named one, the hour for any other, so that the
/// order and times of comments cannot place an anonymous one beside its author's other acts.
fn kept_time(attribution: Attribution, now: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    use chrono::DurationRound as _;
    if attribution == Attribution::Named {
        now
    } else {
        now.duration_trunc(chrono::TimeDelta::hours(1))
            .unwrap_or(now)
    }
}

/// The audit event for an action by the author of `attribution`'s comment: attributed only
/// for a named comment.
fn author_event(action: AuditAction, attribution: Attribution, actor: &Actor) -> Event {
    let event = Event::new(action);
    if attribution == Attribution::Named {
        event.by_actor(actor)
    } else {
        event.unattributed()
    }
}

/// Appends a public-report consent record for comment `c` (never updates one).
async fn record_consent(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    council: CouncilId,
    person: PersonId,
    c: &comment::Model,
    given: bool,
) -> Result<(), AppError> {
    consent::record(
        db,
        keyring,
        Consent {
            council,
            holder: person,
            // An anonymous comment's record must not name its author.
            named: c.author_id.is_some(),
            purpose: ConsentPurpose::CommentPublicReport,
            subject: c.id,
            given,
        },
    )
    .await
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
        access::readable(db, actor, ConsultationId(c.consultation_id)).await?;
    Ok((c, consultation, access))
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
    let (c, _) = access::readable(db, actor, consultation_id).await?;
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
    let version = store::latest_published(db, ConsultationId(c.id))
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
    if !access::accepts_comments(&c, Utc::now()) {
        save_draft_row(
            db,
            &state.keyring,
            person,
            ConsultationId(c.id),
            &slot,
            fields,
        )
        .await?;
        return Err(AppError::Closed);
    }
    // Fair use: the council's posting limits (see `fair_use`); a stop keeps what was typed.
    let rules = crate::domain::identity::entities::council::Entity::find_by_id(c.council_id)
        .one(db)
        .await?
        .map(|council| super::fair_use::PostingRules::of_settings(&council.settings))
        .unwrap_or_default();
    if let Err(stop) = state.posting.take(
        rules,
        CouncilId(c.council_id),
        person,
        (c.id, &section.anchor),
        std::time::Instant::now(),
    ) {
        save_draft_row(
            db,
            &state.keyring,
            person,
            ConsultationId(c.id),
            &slot,
            fields,
        )
        .await?;
        super::fair_use::count_stop(db, c.id, &section.anchor, stop.kind, Utc::now()).await?;
        return Err(stop.error());
    }
    let id = crate::domain::platform::db::new_id();
    let now = kept_time(input.attribution, Utc::now());
    // Outside the transaction: a lost race on the label must not abort it.
    let pseudonym = match input.attribution {
        Attribution::Pseudonym => {
            Some(pseudonym_for(db, &state.keyring, ConsultationId(c.id), person).await?)
        }
        _ => None,
    };
    let search_text = super::queue::search_text(&input.body, input.proposal.as_deref());
    let txn = db::begin_write(db).await?;
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
        author_id: Set((input.attribution == Attribution::Named).then_some(person.0)),
        author_sealed: Set(state
            .keyring
            .seal(Purpose::CommentAuthor, &person.to_string())),
        author_tag: Set(author_tag(&state.keyring, person, CommentId(id))),
        pseudonym: Set(pseudonym),
        status: Set(CommentStatus::Visible.code().to_owned()),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        hidden_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        withdrawn_at: Set(None),
        thread_id: Set(Some(
            parent_row
                .as_ref()
                .map_or(id, |p| p.thread_id.unwrap_or(p.id)),
        )),
        group_id: Set(None),
        fingerprint: Set(None),
        search_text: Set(search_text),
    };
    comment::Entity::insert(row)
        .exec_without_returning(&txn)
        .await?;
    let saved = comment::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    super::groups::place(&txn, &saved).await?;
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
    audit::record(
        &txn,
        author_event(AuditAction::CommentPosted, input.attribution, actor)
            .council(CouncilId(c.council_id))
            .subject("comment", id),
    )
    .await?;
    clear_draft_row(&txn, &state.keyring, person, &slot).await?;
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
    if !access::accepts_comments(&consultation, Utc::now()) {
        save_draft_row(
            db,
            &state.keyring,
            person,
            ConsultationId(consultation.id),
            &slot(None, None, Some(id)),
            fields,
        )
        .await?;
        return Err(AppError::Closed);
    }
    let attribution = Attribution::from_code(&c.attribution).unwrap_or(Attribution::Anonymous);
    if input.attribution != attribution {
        // Changing who is shown would link an anonymous comment to a name (or the reverse)
        // in the history; withdraw and post again instead.
        return Err(AppError::invalid(
            "attribution",
            crate::model::InputProblem::Incorrect,
        ));
    }
    let txn = db::begin_write(db).await?;
    comment::Entity::update_many()
        .col_expr(comment::Column::Kind, Expr::value(input.kind.code()))
        .col_expr(
            comment::Column::BodyHtml,
            Expr::value(render_markdown(&input.body)),
        )
        .col_expr(
            comment::Column::SearchText,
            Expr::value(super::queue::search_text(
                &input.body,
                input.proposal.as_deref(),
            )),
        )
        .col_expr(comment::Column::Body, Expr::value(input.body))
        .col_expr(comment::Column::Quote, Expr::value(input.quote))
        .col_expr(comment::Column::Proposal, Expr::value(input.proposal))
        .col_expr(
            comment::Column::Status,
            Expr::value(CommentStatus::Visible.code()),
        )
        .col_expr(
            comment::Column::UpdatedAt,
            Expr::value(kept_time(attribution, Utc::now())),
        )
        .filter(comment::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    if let Some(edited) = comment::Entity::find_by_id(c.id).one(&txn).await? {
        super::groups::replace(&txn, &edited).await?;
    }
    clear_draft_row(&txn, &state.keyring, person, &slot(None, None, Some(id))).await?;
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
    let attribution = Attribution::from_code(&c.attribution).unwrap_or(Attribution::Anonymous);
    let txn = db::begin_write(db).await?;
    comment::Entity::update_many()
        .col_expr(
            comment::Column::Status,
            Expr::value(CommentStatus::Withdrawn.code()),
        )
        .col_expr(comment::Column::Body, Expr::value(""))
        .col_expr(comment::Column::BodyHtml, Expr::value(""))
        .col_expr(comment::Column::SearchText, Expr::value(""))
        .col_expr(comment::Column::Quote, Expr::value(Option::<String>::None))
        .col_expr(
            comment::Column::Proposal,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            comment::Column::WithdrawnAt,
            Expr::value(Some(kept_time(attribution, Utc::now()))),
        )
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
        author_event(AuditAction::CommentWithdrawn, attribution, actor)
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
    let txn = db::begin_write(db).await?;
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
    db: &impl Connection,
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
    let txn = db::begin_write(db).await?;
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
        Event::new(AuditAction::CommentHidden)
            .council(CouncilId(consultation.council_id))
            .by_actor(actor)
            .subject("comment", c.id)
            .detail("reason", reason.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
