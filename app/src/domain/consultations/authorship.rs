//! Who wrote a comment, kept so that anonymous means anonymous: an anonymous comment stores no
//! person id. Its author is kept only sealed (encrypted, opened by the mail job alone) and as a
//! keyed tag of author and comment, which recognises the author without saying who it is.
//! Pseudonyms are per person and consultation.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entities::{comment, pseudonym};
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

/// The person's pseudonym in a consultation, created on first use.
pub(super) async fn pseudonym_for(
    db: &impl ConnectionTrait,
    consultation: ConsultationId,
    person: PersonId,
) -> Result<String, AppError> {
    let consultation = consultation.0;
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
        let label = format!("{} {code}", crate::model::comment::PSEUDONYM_PREFIX);
        let inserted = pseudonym::Entity::insert(pseudonym::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
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
