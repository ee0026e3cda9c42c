//! Receipts: PDF, JPEG or PNG, at most 10 MB, the type told from the bytes (never the name),
//! stored sealed in the database so every server process shares them, and served only to the
//! claimant and finance (each view by finance audited).

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::access;
use super::entities::receipt;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::MAX_RECEIPT_BYTES;
use crate::model::ids::{ClaimId, CouncilId, PersonId};
use crate::model::{AppError, InputProblem};

/// The media types accepted, as sniffed.
const ACCEPTED: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// Tells a receipt's type from its bytes: `Required` for none, `TooLong` over 10 MB,
/// `WrongType` for anything but PDF, JPEG or PNG (an executable renamed `.pdf` included).
pub fn sniff(bytes: &[u8]) -> Result<&'static str, AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid("receipt", InputProblem::Required));
    }
    if bytes.len() > MAX_RECEIPT_BYTES {
        return Err(AppError::invalid("receipt", InputProblem::TooLong));
    }
    let kind = infer::get(bytes).map(|k| k.mime_type());
    ACCEPTED
        .into_iter()
        .find(|a| Some(*a) == kind)
        .ok_or_else(|| AppError::invalid("receipt", InputProblem::WrongType))
}

/// Stores a receipt (already sniffed) in a caller's transaction; returns its id.
pub(super) async fn store(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    council: CouncilId,
    person: PersonId,
    media_type: &str,
    bytes: &[u8],
) -> Result<uuid::Uuid, AppError> {
    let id = db::new_id();
    receipt::Entity::insert(receipt::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        person_id: Set(person.0),
        media_type: Set(media_type.to_owned()),
        size: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        body_sealed: Set(keyring.seal_bytes(Purpose::Receipt, bytes)),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A receipt to send: its media type and bytes.
#[derive(Debug)]
pub struct ReceiptFile {
    /// As sniffed when it was stored.
    pub media_type: String,
    /// The file.
    pub bytes: Vec<u8>,
}

/// The receipt of a claim, for its claimant or finance (audited for finance); `NotFound` for
/// anybody else and for a claim without one.
pub async fn open(
    state: &AppState,
    actor: &Actor,
    claim: ClaimId,
) -> Result<ReceiptFile, AppError> {
    let (c, access) = access::readable(&state.db, actor, claim).await?;
    let Some(receipt_id) = c.receipt_id else {
        return Err(AppError::NotFound);
    };
    let Some(r) = receipt::Entity::find_by_id(receipt_id)
        .one(&state.db)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let bytes = state.keyring.open_bytes(Purpose::Receipt, &r.body_sealed)?;
    if !access.own {
        let txn = db::begin_write(&state.db).await?;
        audit::record(
            &txn,
            Event::new(AuditAction::ReceiptViewed)
                .council(CouncilId(c.council_id))
                .by_actor(actor)
                .subject("claim", c.id),
        )
        .await?;
        txn.commit().await?;
    }
    Ok(ReceiptFile {
        media_type: r.media_type,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_told_by_their_bytes() {
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Ok("application/pdf")
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok("image/png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Ok("image/jpeg"));
        // A Windows executable and an ELF binary, whatever they are called.
        for bad in [
            &b"MZ\x90\0\x03\0\0\0\x04\0"[..],
            b"\x7fELF\x02\x01\x01\0",
            b"plain text",
        ] {
            assert_eq!(
                sniff(bad),
                Err(AppError::invalid("receipt", InputProblem::WrongType))
            );
        }
        assert_eq!(
            sniff(b""),
            Err(AppError::invalid("receipt", InputProblem::Required))
        );
        let big = vec![0u8; MAX_RECEIPT_BYTES + 1];
        assert_eq!(
            sniff(&big),
            Err(AppError::invalid("receipt", InputProblem::TooLong))
        );
    }
}
