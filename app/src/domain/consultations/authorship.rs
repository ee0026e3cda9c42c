//! Who wrote a comment, kept so that anonymous means anonymous: only a named comment stores
//! its author's id. The author of an anonymous or pseudonymous comment is kept only sealed
//! (encrypted with the deployment key) and as a keyed tag of author and comment, which
//! recognises the author without saying who it is; both are destroyed when the consultation's
//! outcome is published ([`forget_authors`]), after which nobody, not even a holder of the
//! database and the key, can tell who wrote it. Pseudonyms are per person and consultation,
//! found by a keyed tag too, and their table rows go at the same moment (the label stays on
//! the comment).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entities::{author_pseudonym, comment, pseudonym};
use crate::domain::platform::crypto::{self, Keyring, Purpose};
use crate::model::AppError;
use crate::model::ids::{CommentId, ConsultationId, PersonId};

/// The keyed tag that recognises `person` as the author of `comment`.
pub(super) fn author_tag(keyring: &Keyring, person: PersonId, comment: CommentId) -> String {
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
        .any(|t| crypto::same_secret(t, &c.author_tag))
}

/// The author of a comment, opened from its sealed form (for the mail job only).
pub fn sealed_author(keyring: &Keyring, c: &comment::Model) -> Result<PersonId, AppError> {
    let plain = keyring.open(Purpose::CommentAuthor, &c.author_sealed)?;
    plain.parse().map(PersonId).map_err(|_| AppError::Internal)
}

/// The keyed tags that recognise `person`'s pseudonym in `consultation` (current key first).
fn pseudonym_tags(
    keyring: &Keyring,
    consultation: ConsultationId,
    person: PersonId,
) -> Vec<String> {
    keyring.lookup_hashes(Purpose::Pseudonym, &format!("{consultation}:{person}"))
}

/// The person's pseudonym in a consultation, created on first use.
pub(super) async fn pseudonym_for(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    consultation: ConsultationId,
    person: PersonId,
) -> Result<String, AppError> {
    use rand::Rng;
    let tags = pseudonym_tags(keyring, consultation, person);
    let find = || {
        author_pseudonym::Entity::find()
            .filter(author_pseudonym::Column::ConsultationId.eq(consultation.0))
            .filter(author_pseudonym::Column::PersonTag.is_in(tags.clone()))
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
        let label = format!("{} {code}", crate::model::comment::PSEUDONYM_PREFIX);
        let inserted = author_pseudonym::Entity::insert(author_pseudonym::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            consultation_id: Set(consultation.0),
            person_tag: Set(tags[0].clone()),
            label: Set(label),
        })
        .on_conflict(
            OnConflict::columns([
                author_pseudonym::Column::ConsultationId,
                author_pseudonym::Column::Label,
            ])
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
        if find().one(db).await?.is_some() {
            break;
        }
    }
    find()
        .one(db)
        .await?
        .map(|p| p.label)
        .ok_or(AppError::Internal)
}

/// Destroys what links the anonymous and pseudonymous comments of a consultation to their
/// authors: the sealed author, the author tag, the consent holder tags, the kept text of their
/// edits and the pseudonym rows. Called in the transaction that publishes the outcome, when
/// no author can edit any more. Named comments keep their author (they show it anyway).
pub(super) async fn forget_authors(
    db: &impl ConnectionTrait,
    consultation: ConsultationId,
) -> Result<u64, AppError> {
    use crate::domain::platform::consent;
    use sea_orm::sea_query::Expr;
    let ids: Vec<uuid::Uuid> = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(consultation.0))
        .filter(comment::Column::Attribution.ne(crate::model::comment::Attribution::Named.code()))
        .filter(comment::Column::AuthorTag.ne(""))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    if !ids.is_empty() {
        comment::Entity::update_many()
            .col_expr(comment::Column::AuthorSealed, Expr::value(""))
            .col_expr(comment::Column::AuthorTag, Expr::value(""))
            .filter(comment::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
        consent::forget_holders(db, &ids).await?;
    }
    // Kept text of edits is keyed by a tag of the comment; after publication no edit is
    // possible, so every kept edit of this consultation goes.
    super::entities::comment_draft::Entity::delete_many()
        .filter(super::entities::comment_draft::Column::ConsultationId.eq(consultation.0))
        .filter(super::entities::comment_draft::Column::Slot.starts_with("edit:"))
        .exec(db)
        .await?;
    author_pseudonym::Entity::delete_many()
        .filter(author_pseudonym::Column::ConsultationId.eq(consultation.0))
        .exec(db)
        .await?;
    Ok(ids.len() as u64)
}

/// Moves pseudonyms kept by the old schema (person ids in clear) to keyed tags. Runs at start,
/// after the migrations, since it needs the deployment key; does nothing once done.
pub async fn upgrade(db: &impl ConnectionTrait, keyring: &Keyring) -> Result<u64, AppError> {
    let old = pseudonym::Entity::find().all(db).await?;
    for row in &old {
        let tags = pseudonym_tags(
            keyring,
            ConsultationId(row.consultation_id),
            PersonId(row.person_id),
        );
        author_pseudonym::Entity::insert(author_pseudonym::ActiveModel {
            id: Set(row.id),
            consultation_id: Set(row.consultation_id),
            person_tag: Set(tags[0].clone()),
            label: Set(row.label.clone()),
        })
        .on_conflict(
            OnConflict::column(author_pseudonym::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(db)
        .await?;
        pseudonym::Entity::delete_by_id(row.id).exec(db).await?;
    }
    Ok(old.len() as u64)
}
