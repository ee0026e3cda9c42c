//! Kept text: what someone typed into a comment box, saved as they type (and whenever a post
//! fails), so nothing typed is ever lost. One row per person and box ("slot").

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::access;
use super::entities::comment_draft;
use crate::domain::Actor;
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::model::AppError;
use crate::model::comment::CommentFields;
use crate::model::ids::{CommentId, ConsultationId, PersonId, SectionId};

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

/// How a slot is stored: the edit of a comment by a keyed tag of the comment, so that the row
/// (which names the person) does not say whose comment it is to anyone without the key.
fn stored_slot(keyring: &Keyring, slot: &str) -> String {
    match slot.strip_prefix("edit:") {
        Some(id) => format!("edit:{}", edit_tags(keyring, id)[0]),
        None => slot.to_owned(),
    }
}

fn edit_tags(keyring: &Keyring, comment: &str) -> Vec<String> {
    keyring
        .lookup_hashes(Purpose::DraftSlot, comment)
        .into_iter()
        .map(|mut t| {
            t.truncate(32);
            t
        })
        .collect()
}

/// Saves what someone is typing (replacing the previous save of the same box).
pub(super) async fn save_draft_row(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    person: PersonId,
    consultation: ConsultationId,
    slot: &str,
    fields: &CommentFields,
) -> Result<(), AppError> {
    // Keep what fits; an oversized paste is cut rather than refused, so typing never fails.
    let kept = fields.kept();
    let json = serde_json::to_string(&kept).map_err(|_| AppError::Internal)?;
    comment_draft::Entity::insert(comment_draft::ActiveModel {
        id: Set(crate::domain::platform::db::new_id()),
        person_id: Set(person.0),
        consultation_id: Set(consultation.0),
        slot: Set(stored_slot(keyring, slot)),
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
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    actor: &Actor,
    consultation: ConsultationId,
    slot: &str,
    fields: &CommentFields,
) -> Result<(), AppError> {
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, _) = access::readable(db, actor, consultation).await?;
    let valid = slot.split_once(':').is_some_and(|(kind, id)| {
        matches!(kind, "section" | "reply" | "edit") && Uuid::parse_str(id).is_ok()
    });
    if !valid {
        return Err(AppError::invalid(
            "slot",
            crate::model::InputProblem::Malformed,
        ));
    }
    save_draft_row(db, keyring, person, ConsultationId(c.id), slot, fields).await
}

/// Throws away the person's kept text of one box. Unknown slots are fine (nothing to do).
pub async fn discard_draft(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    actor: &Actor,
    consultation: ConsultationId,
    slot: &str,
) -> Result<(), AppError> {
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let (c, _) = access::readable(db, actor, consultation).await?;
    comment_draft::Entity::delete_many()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::ConsultationId.eq(c.id))
        .filter(comment_draft::Column::Slot.eq(stored_slot(keyring, slot)))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the person's kept text of one box (inside the change that used it).
pub(super) async fn clear_draft_row(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    person: PersonId,
    slot: &str,
) -> Result<(), AppError> {
    comment_draft::Entity::delete_many()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::Slot.eq(stored_slot(keyring, slot)))
        .exec(db)
        .await?;
    Ok(())
}

/// The person's saved comment boxes in a consultation; kept edits are recognised among the
/// person's own comments `own`.
pub async fn drafts_of(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    person: PersonId,
    consultation: ConsultationId,
    own: &[CommentId],
) -> Result<Vec<(String, CommentFields)>, AppError> {
    let edits: std::collections::HashMap<String, CommentId> = own
        .iter()
        .flat_map(|id| {
            edit_tags(keyring, &id.to_string())
                .into_iter()
                .map(move |t| (format!("edit:{t}"), *id))
        })
        .collect();
    Ok(comment_draft::Entity::find()
        .filter(comment_draft::Column::PersonId.eq(person.0))
        .filter(comment_draft::Column::ConsultationId.eq(consultation.0))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|d| {
            let slot = if d.slot.starts_with("edit:") {
                format!("edit:{}", edits.get(&d.slot)?)
            } else {
                d.slot
            };
            serde_json::from_str(&d.fields).ok().map(|f| (slot, f))
        })
        .collect())
}
