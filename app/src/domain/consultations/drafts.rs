//! Draft versions: importing a file into a version being prepared, fixing its tree (edit,
//! merge, split), and publishing it. Members only ever see published versions.

use crate::domain::platform::db::Connection;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::access::phase_of;
use super::entities::consultation;
use super::entities::draft_version;
use super::entities::section;
use super::import::{self, Format, Limits, PreviousSection, SectionKind, Tradition};
use super::{access, store};
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::platform::audit::{self, Event};
use crate::model::audit::AuditAction;
use crate::model::consultation::{DraftSection, PendingVersion, Phase, SectionFields};
use crate::model::ids::{ConsultationId, CouncilId, SectionId, VersionId};
use crate::model::{AppError, InputProblem};

/// The version being prepared, if any.
async fn pending(
    db: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Option<draft_version::Model>, AppError> {
    Ok(draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(consultation))
        .filter(draft_version::Column::PublishedAt.is_null())
        .order_by_desc(draft_version::Column::Number)
        .one(db)
        .await?)
}

/// The next version number.
async fn next_number(db: &impl ConnectionTrait, consultation: Uuid) -> Result<i32, AppError> {
    Ok(draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(consultation))
        .order_by_desc(draft_version::Column::Number)
        .one(db)
        .await?
        .map_or(1, |v| v.number + 1))
}

/// The consultation, if the actor runs it and it may still get new versions.
async fn revisable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
) -> Result<consultation::Model, AppError> {
    let c = access::managed(db, actor, id).await?;
    if phase_of(&c) == Phase::OutcomePublished {
        return Err(AppError::Conflict);
    }
    Ok(c)
}

fn to_previous(s: &section::Model) -> PreviousSection {
    PreviousSection {
        anchor: s.anchor.clone(),
        number: s.number.clone(),
        kind: SectionKind::from_code(&s.kind).unwrap_or(SectionKind::Text),
        heading: s.heading.clone(),
        body: s.body.clone(),
    }
}

/// Inserts sections in chunks (SQLite limits the number of bound values per statement).
async fn insert_sections(
    db: &impl ConnectionTrait,
    rows: Vec<section::ActiveModel>,
) -> Result<(), AppError> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        section::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// How a version was read: the tradition's code and whether it was found in the text.
type Reading = (Option<String>, bool);

/// Replaces the version being prepared with `sections`.
async fn replace_pending(
    db: &impl ConnectionTrait,
    c: &consultation::Model,
    sections: Vec<section::ActiveModel>,
    (tradition, detected): Reading,
) -> Result<i32, AppError> {
    if let Some(old) = pending(db, c.id).await? {
        section::Entity::delete_many()
            .filter(section::Column::VersionId.eq(old.id))
            .exec(db)
            .await?;
        draft_version::Entity::delete_by_id(old.id).exec(db).await?;
    }
    let number = next_number(db, c.id).await?;
    let version_id = crate::domain::platform::db::new_id();
    draft_version::Entity::insert(draft_version::ActiveModel {
        id: Set(version_id),
        consultation_id: Set(c.id),
        number: Set(number),
        created_at: Set(Utc::now()),
        published_at: Set(None),
        note: Set(String::new()),
        tradition: Set(tradition),
        tradition_detected: Set(detected),
    })
    .exec_without_returning(db)
    .await?;
    let rows = sections
        .into_iter()
        .map(|mut s| {
            s.version_id = Set(version_id);
            s
        })
        .collect();
    insert_sections(db, rows).await?;
    Ok(number)
}

/// Imports a file (Markdown, plain text or DOCX) as the version being prepared, read in the
/// drafting tradition the secretariat chose (`tradition`, a [`Tradition`] code) or, when
/// that is empty, in the one found in the text. Anchors of unchanged sections are carried
/// over from the newest published version.
pub async fn import_file(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    file_name: &str,
    bytes: &[u8],
    tradition: &str,
) -> Result<i32, AppError> {
    let db = &state.db;
    let c = revisable(db, actor, id).await?;
    let chosen = match tradition.trim() {
        "" => None,
        code => Some(
            Tradition::from_code(code)
                .ok_or_else(|| AppError::invalid("tradition", InputProblem::Incorrect))?,
        ),
    };
    let format = Format::detect(file_name, bytes);
    let imported = import::import_as(format, bytes, &Limits::default(), chosen).map_err(|e| {
        AppError::FileRefused {
            reason: e.refusal(),
        }
    })?;
    let tradition = imported.tradition;
    let reading = (tradition.map(|t| t.code().to_owned()), imported.detected);
    let mut parsed = imported.sections;
    if let Some(published) = store::latest_published(db, ConsultationId(c.id)).await? {
        let previous: Vec<PreviousSection> = store::sections_of(db, VersionId(published.id))
            .await?
            .iter()
            .map(to_previous)
            .collect();
        import::carry_anchors(&mut parsed, &previous, tradition);
    }
    let rows = parsed
        .into_iter()
        .enumerate()
        .map(|(i, s)| section::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            version_id: Set(Uuid::nil()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            depth: Set(s.depth),
            kind: Set(s.kind.code().to_owned()),
            anchor: Set(s.anchor),
            number: Set(truncate(&s.number, 32)),
            heading: Set(truncate(&s.heading, 300)),
            body: Set(s.body),
            content_note: Set(None),
        })
        .collect();
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let number = replace_pending(&txn, &c, rows, reading.clone()).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::DraftImported)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id)
            .detail("version", number)
            .detail("format", format!("{format:?}").to_lowercase())
            .detail("tradition", reading.0.unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    Ok(number)
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Starts a new version from the newest published one, to be edited section by section.
pub async fn start_revision(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<i32, AppError> {
    let c = revisable(db, actor, id).await?;
    let published = store::latest_published(db, ConsultationId(c.id))
        .await?
        .ok_or(AppError::Conflict)?;
    let rows = store::sections_of(db, VersionId(published.id))
        .await?
        .into_iter()
        .map(|s| section::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            version_id: Set(Uuid::nil()),
            position: Set(s.position),
            depth: Set(s.depth),
            kind: Set(s.kind),
            anchor: Set(s.anchor),
            number: Set(s.number),
            heading: Set(s.heading),
            body: Set(s.body),
            content_note: Set(s.content_note),
        })
        .collect();
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let reading = (published.tradition.clone(), published.tradition_detected);
    let number = replace_pending(&txn, &c, rows, reading).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::RevisionStarted)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id)
            .detail("version", number),
    )
    .await?;
    txn.commit().await?;
    Ok(number)
}

/// Throws away the version being prepared.
pub async fn discard(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<(), AppError> {
    let c = revisable(db, actor, id).await?;
    let txn = crate::domain::platform::db::begin_write(db).await?;
    if let Some(old) = pending(&txn, c.id).await? {
        section::Entity::delete_many()
            .filter(section::Column::VersionId.eq(old.id))
            .exec(&txn)
            .await?;
        draft_version::Entity::delete_by_id(old.id)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The version being prepared, each section marked when it differs from the published one.
pub async fn pending_view(
    db: &impl ConnectionTrait,
    c: &consultation::Model,
    published: Option<&draft_version::Model>,
) -> Result<Option<PendingVersion>, AppError> {
    let Some(version) = pending(db, c.id).await? else {
        return Ok(None);
    };
    let old = match published {
        Some(p) => store::sections_of(db, VersionId(p.id)).await?,
        None => Vec::new(),
    };
    let sections = store::sections_of(db, VersionId(version.id))
        .await?
        .iter()
        .map(|s| {
            let before = old.iter().find(|o| o.anchor == s.anchor);
            DraftSection {
                section: store::section_view(s, "", 0),
                changed: before.is_none_or(|o| {
                    o.body != s.body || o.heading != s.heading || o.number != s.number
                }),
            }
        })
        .collect();
    Ok(Some(PendingVersion {
        number: version.number,
        sections,
        tradition: version.tradition,
        detected: version.tradition_detected,
    }))
}

/// A section of the version being prepared, with its consultation.
async fn pending_section(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
    section_id: SectionId,
) -> Result<(consultation::Model, draft_version::Model, section::Model), AppError> {
    let c = revisable(db, actor, id).await?;
    let version = pending(db, c.id).await?.ok_or(AppError::NotFound)?;
    let s = section::Entity::find_by_id(section_id.0)
        .one(db)
        .await?
        .filter(|s| s.version_id == version.id)
        .ok_or(AppError::NotFound)?;
    Ok((c, version, s))
}

/// Changes a section of the version being prepared: number, heading, text, content note.
pub async fn edit_section(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
    section_id: SectionId,
    fields: &SectionFields,
) -> Result<(), AppError> {
    let (_, _, s) = pending_section(db, actor, id, section_id).await?;
    let input = fields.parse()?;
    section::Entity::update_many()
        .col_expr(section::Column::Number, Expr::value(input.number))
        .col_expr(section::Column::Heading, Expr::value(input.heading))
        .col_expr(section::Column::Body, Expr::value(input.body))
        .col_expr(
            section::Column::ContentNote,
            Expr::value(input.content_note),
        )
        .filter(section::Column::Id.eq(s.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets or clears the content note of a section of the published text, at any phase: a note
/// protects readers, so it may come late, after someone pointed out what the text describes.
pub async fn set_published_note(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
    section_id: SectionId,
    note: &str,
) -> Result<(), AppError> {
    let c = access::managed(db, actor, id).await?;
    let note = crate::model::consultation::parse_content_note(note)?;
    let version = store::latest_published(db, ConsultationId(c.id))
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let done = section::Entity::update_many()
        .col_expr(section::Column::ContentNote, Expr::value(note.clone()))
        .filter(section::Column::Id.eq(section_id.0))
        .filter(section::Column::VersionId.eq(version.id))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ContentNoteSet)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("section", section_id.0)
            .detail("noted", note.is_some()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves every section at or after `from` one place down (two steps, so the unique
/// position index never sees a clash on either database).
async fn shift_down(db: &impl ConnectionTrait, version: Uuid, from: i32) -> Result<(), AppError> {
    const FAR: i32 = 1_000_000;
    section::Entity::update_many()
        .col_expr(
            section::Column::Position,
            Expr::col(section::Column::Position).add(FAR),
        )
        .filter(section::Column::VersionId.eq(version))
        .filter(section::Column::Position.gte(from))
        .exec(db)
        .await?;
    section::Entity::update_many()
        .col_expr(
            section::Column::Position,
            Expr::col(section::Column::Position).sub(FAR - 1),
        )
        .filter(section::Column::VersionId.eq(version))
        .filter(section::Column::Position.gte(FAR))
        .exec(db)
        .await?;
    Ok(())
}

/// Merges a section with the one after it (the text is joined; the later one disappears).
pub async fn merge_with_next(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
    section_id: SectionId,
) -> Result<(), AppError> {
    let (_, version, s) = pending_section(db, actor, id, section_id).await?;
    let next = section::Entity::find()
        .filter(section::Column::VersionId.eq(version.id))
        .filter(section::Column::Position.gt(s.position))
        .order_by_asc(section::Column::Position)
        .one(db)
        .await?
        .ok_or(AppError::Conflict)?;
    let joined = [s.body.as_str(), next.heading.as_str(), next.body.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let txn = crate::domain::platform::db::begin_write(db).await?;
    section::Entity::update_many()
        .col_expr(section::Column::Body, Expr::value(joined))
        .filter(section::Column::Id.eq(s.id))
        .exec(&txn)
        .await?;
    section::Entity::delete_by_id(next.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Splits a section where `at` (some words of its text) begins; the second part becomes a
/// new section right after it, at the same level.
pub async fn split(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
    section_id: SectionId,
    at: &str,
) -> Result<(), AppError> {
    let (_, version, s) = pending_section(db, actor, id, section_id).await?;
    let at = at.trim();
    if at.is_empty() {
        return Err(AppError::invalid("at", InputProblem::Required));
    }
    let cut = s
        .body
        .find(at)
        .filter(|&i| i > 0)
        .ok_or_else(|| AppError::invalid("at", InputProblem::Incorrect))?;
    let (first, second) = s.body.split_at(cut);
    let taken: Vec<String> = section::Entity::find()
        .filter(section::Column::VersionId.eq(version.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.anchor)
        .collect();
    let anchor = (2..)
        .map(|n| format!("{}-{n}", s.anchor))
        .find(|a| !taken.contains(a))
        .unwrap_or_else(|| {
            format!(
                "{}-{}",
                s.anchor,
                crate::domain::platform::db::new_id().simple()
            )
        });
    let txn = crate::domain::platform::db::begin_write(db).await?;
    shift_down(&txn, version.id, s.position + 1).await?;
    section::Entity::update_many()
        .col_expr(
            section::Column::Body,
            Expr::value(first.trim_end().to_owned()),
        )
        .filter(section::Column::Id.eq(s.id))
        .exec(&txn)
        .await?;
    section::Entity::insert(section::ActiveModel {
        id: Set(crate::domain::platform::db::new_id()),
        version_id: Set(version.id),
        position: Set(s.position + 1),
        depth: Set(s.depth),
        kind: Set(s.kind.clone()),
        anchor: Set(anchor),
        number: Set(String::new()),
        heading: Set(String::new()),
        body: Set(second.trim_start().to_owned()),
        content_note: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes the version being prepared. Members are told about a new version once the
/// consultation has opened.
pub async fn publish(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    note: &str,
) -> Result<i32, AppError> {
    let db = &state.db;
    let c = revisable(db, actor, id).await?;
    let note = crate::model::comment::optional_text("note", note, 2_000)?.unwrap_or_default();
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let version = pending(&txn, c.id).await?.ok_or(AppError::Conflict)?;
    let empty = store::sections_of(&txn, VersionId(version.id))
        .await?
        .is_empty();
    if empty {
        return Err(AppError::Conflict);
    }
    let done = draft_version::Entity::update_many()
        .col_expr(
            draft_version::Column::PublishedAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(draft_version::Column::Note, Expr::value(note))
        .filter(draft_version::Column::Id.eq(version.id))
        .filter(draft_version::Column::PublishedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::DraftPublished)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id)
            .detail("version", version.number),
    )
    .await?;
    if version.number > 1 && phase_of(&c) != Phase::Draft {
        super::notify::consultation_readers(
            &txn,
            state,
            &c,
            crate::domain::platform::mail::Template::NewVersion,
            &format!("version:{}:{}", c.id, version.number),
        )
        .await?;
    }
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(version.number)
}
