//! Groups of near-identical comments on one section (a campaign's comments), so the
//! secretariat can answer them once with the answer recorded on each.
//!
//! A top-level comment's fingerprint ([`super::similarity`]) is stored with it, and its band
//! hashes in `comment_band`. When a comment is posted, comments sharing a band are
//! candidates; the most similar one at or above the threshold gives its group (its own id
//! if it had none). A fixed number of statements per comment, whatever the size of the
//! consultation.

use std::collections::HashSet;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::entities::{comment, comment_band};
use super::similarity::{self, Signature};
use crate::model::AppError;
use crate::model::comment::CommentStatus;

/// At most this many candidates are compared for one comment.
const CANDIDATES: u64 = 64;

/// At most this many candidates come from each band (`CANDIDATES` from all of them).
const PER_BAND: u64 = CANDIDATES / similarity::BANDS as u64;

/// Fingerprints a top-level comment and puts it in the group of its most similar
/// near-identical comment on the same section, if any. Run in the transaction that writes
/// the comment.
pub(super) async fn place(
    db: &impl ConnectionTrait,
    c: &comment::Model,
) -> Result<Option<Uuid>, AppError> {
    if c.parent_id.is_some() {
        return Ok(None);
    }
    let text = similarity::comparable(&c.kind, c.proposal.as_deref(), &c.body);
    let Some(signature) = Signature::of(&text) else {
        return Ok(None);
    };
    let bands = signature.bands(&c.anchor);
    // Two statements, each on its own index: the bands alone (consultation, hash), then the
    // candidates by primary key. One join let PostgreSQL start from the comments while the
    // tables were small and keep that plan as they grew.
    let banded = banded(db, c, &bands).await?;
    // Run even when no band matched (an empty IN is false), so posting runs the same
    // statements whatever was posted before.
    let candidates: Vec<(Uuid, Option<Uuid>, Option<String>)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Id)
        .column(comment::Column::GroupId)
        .column(comment::Column::Fingerprint)
        .filter(comment::Column::Id.is_in(banded))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .into_tuple()
        .all(db)
        .await?;
    let best = candidates
        .into_iter()
        .filter_map(|(id, group, print)| {
            let other = Signature::from_hex(print.as_deref()?)?;
            let score = signature.similarity(&other);
            (score >= similarity::THRESHOLD).then_some((score, id, group))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let group = match best {
        Some((_, _, Some(group))) => Some(group),
        Some((_, id, None)) => {
            // The first two of a group: the older one's id names it.
            comment::Entity::update_many()
                .col_expr(comment::Column::GroupId, Expr::value(Some(id)))
                .filter(comment::Column::Id.eq(id))
                .exec(db)
                .await?;
            Some(id)
        }
        None => None,
    };
    comment::Entity::update_many()
        .col_expr(comment::Column::GroupId, Expr::value(group))
        .col_expr(
            comment::Column::Fingerprint,
            Expr::value(Some(signature.to_hex())),
        )
        .filter(comment::Column::Id.eq(c.id))
        .exec(db)
        .await?;
    comment_band::Entity::delete_many()
        .filter(comment_band::Column::CommentId.eq(c.id))
        .exec(db)
        .await?;
    comment_band::Entity::insert_many(bands.into_iter().enumerate().map(|(band, hash)| {
        comment_band::ActiveModel {
            comment_id: Set(c.id),
            band: Set(i16::try_from(band).unwrap_or(i16::MAX)),
            consultation_id: Set(c.consultation_id),
            hash: Set(hash),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(group)
}

/// Comments other than `c` sharing one of its `bands`: at most [`PER_BAND`] from each band,
/// in one statement. One probe of the index per band, each with its own limit: with one
/// `hash IN (…) LIMIT 64` PostgreSQL collected every entry of all the bands in a bitmap scan
/// before the limit (about 6,750 for a comment of a campaign of 500: 7 ms, under the
/// consultation's revision lock). Each probe sits in a subquery of its own, as neither
/// PostgreSQL nor SQLite takes a `LIMIT` on a bare member of a `UNION ALL`.
async fn banded(
    db: &impl ConnectionTrait,
    c: &comment::Model,
    bands: &[i64],
) -> Result<Vec<Uuid>, AppError> {
    use sea_orm::sea_query::{Alias, Query, SelectStatement, UnionType};
    let probe = |n: usize, hash: i64| -> SelectStatement {
        let inner = Query::select()
            .column(comment_band::Column::CommentId)
            .from(comment_band::Entity)
            .and_where(comment_band::Column::ConsultationId.eq(c.consultation_id))
            .and_where(comment_band::Column::Hash.eq(hash))
            .and_where(comment_band::Column::CommentId.ne(c.id))
            .limit(PER_BAND)
            .to_owned();
        Query::select()
            .column(comment_band::Column::CommentId)
            .from_subquery(inner, Alias::new(format!("band{n}")))
            .to_owned()
    };
    let mut probes = bands.iter().enumerate().map(|(n, hash)| probe(n, *hash));
    let Some(mut query) = probes.next() else {
        return Ok(Vec::new());
    };
    for other in probes {
        query.union(UnionType::All, other);
    }
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for row in db.query_all(&query).await? {
        let id: Uuid = row.try_get_by_index(0)?;
        if seen.insert(id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Takes an edited comment out of its group and places it again by its new text.
pub(super) async fn replace(
    db: &impl ConnectionTrait,
    c: &comment::Model,
) -> Result<Option<Uuid>, AppError> {
    comment::Entity::update_many()
        .col_expr(comment::Column::GroupId, Expr::value(Option::<Uuid>::None))
        .filter(comment::Column::Id.eq(c.id))
        .exec(db)
        .await?;
    place(db, c).await
}
