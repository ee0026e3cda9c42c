//! Server functions for consultations: reading, managing, commenting, answering, versions
//! and the outcome report. Each builds the actor and calls the domain, nothing more.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::comment::{AnswerQueue, CommentFields, QueueFilter, ResponseFields};
use crate::model::consultation::{
    ChapterView, ConsultationDetail, ConsultationFields, ConsultationList, ManageView,
    OutcomeReport, PostingRulesFields, SectionComments, SectionFields, VersionDiff,
};
use crate::model::ids::{CommentId, ConsultationId, PersonId, SectionId};

/// The current council's consultations the viewer may see.
#[server(prefix = "/fn", endpoint = "consultations/list")]
pub async fn list_consultations() -> Result<ConsultationList, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::details::list(&state.db, &state.keyring, &actor).await
}

/// One consultation with its current draft.
#[server(prefix = "/fn", endpoint = "consultations/get")]
pub async fn get_consultation(id: ConsultationId) -> Result<ConsultationDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::views::detail(&state.db, &actor, id).await
}

/// The session key under which a comment typed during an ended session is kept.
#[cfg(feature = "ssr")]
const COMMENT_STASH: &str = "comment";

/// What was typed into a comment box when the session had ended.
#[cfg(feature = "ssr")]
#[derive(serde::Serialize, serde::Deserialize)]
struct StashedComment {
    consultation: ConsultationId,
    slot: String,
    fields: CommentFields,
}

/// One chapter with its comments. A comment typed while signed out comes back as a draft.
#[server(prefix = "/fn", endpoint = "consultations/chapter")]
pub async fn get_chapter(id: ConsultationId, anchor: String) -> Result<ChapterView, AppError> {
    use super::context::{request, take_stash};
    if let Some(prepared) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PreparedChapter>().cloned())
        .filter(|p| p.id == id && p.anchor == anchor)
    {
        return Ok(prepared.view);
    }
    let (state, session, actor) = request().await?;
    if actor.person().is_some()
        && let Some(kept) = take_stash::<StashedComment>(&session, COMMENT_STASH).await
    {
        crate::domain::consultations::kept_text::save_draft(
            &state.db,
            &state.keyring,
            &actor,
            kept.consultation,
            &kept.slot,
            &kept.fields,
        )
        .await?;
    }
    crate::domain::consultations::views::chapter(&state, &actor, id, &anchor).await
}

/// A chapter page's view and frame, worked out by the server before the page renders (to
/// send a kept page when one shows them, see `chapter_cache::KeptPages`) and handed to the
/// page in the request, which then reads nothing again.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct PreparedChapter {
    /// The consultation.
    pub id: ConsultationId,
    /// The chapter's anchor, as in the address.
    pub anchor: String,
    /// The reader's view of the chapter (as [`get_chapter`] gives it).
    pub view: ChapterView,
    /// The frame around it (as `get_page_context` gives it).
    pub context: crate::model::viewer::PageContext,
}

/// The chapter page's view and frame for the session's reader, as [`get_chapter`] and
/// `get_page_context` would give them; `None` when the page must do more than read (a comment
/// typed while signed out waits to become a draft) or the chapter is not there for the reader
/// (the page then renders its error itself).
#[cfg(feature = "ssr")]
pub async fn prepare_chapter(
    state: &crate::domain::AppState,
    session: &tower_sessions::Session,
    id: ConsultationId,
    anchor: &str,
) -> Option<PreparedChapter> {
    use crate::domain::identity::session_actor;
    let actor = session_actor::actor_of(&state.db, session).await.ok()?;
    if actor.person().is_some() && super::context::has_stash(session, COMMENT_STASH).await {
        return None;
    }
    let view = crate::domain::consultations::views::chapter(state, &actor, id, anchor)
        .await
        .ok()?;
    let context =
        crate::domain::identity::councils::page_context(&actor, state.settings.demo).ok()?;
    Some(PreparedChapter {
        id,
        anchor: anchor.to_owned(),
        view,
        context,
    })
}

/// Keeps typed text after a failed post: as a draft when signed in, in the session when not.
#[cfg(feature = "ssr")]
async fn keep_typed(
    state: &crate::domain::AppState,
    session: &tower_sessions::Session,
    actor: &crate::domain::Actor,
    consultation: ConsultationId,
    slot: String,
    fields: &CommentFields,
) {
    use super::context::stash_form;
    if actor.person().is_some() {
        // Best effort: the post's own error is what the person needs to see.
        let _ = crate::domain::consultations::kept_text::save_draft(
            &state.db,
            &state.keyring,
            actor,
            consultation,
            &slot,
            fields,
        )
        .await;
    } else {
        stash_form(
            session,
            COMMENT_STASH,
            &StashedComment {
                consultation,
                slot: slot.chars().take(80).collect(),
                fields: fields.kept(),
            },
        )
        .await;
    }
}

/// Posts a comment on a section, or a reply to a comment. What was typed is kept whatever
/// goes wrong (validation, closed period, ended session).
#[server(prefix = "/fn", endpoint = "comments/post")]
pub async fn post_comment(
    consultation: ConsultationId,
    section: Option<SectionId>,
    parent: Option<CommentId>,
    fields: CommentFields,
) -> Result<(), AppError> {
    use super::context::request;
    use crate::domain::consultations::comments;
    let (state, session, actor) = request().await?;
    match comments::add(&state, &actor, consultation, section, parent, &fields).await {
        Ok(_) => Ok(()),
        Err(error) => {
            if !matches!(error, AppError::NotFound | AppError::Forbidden) {
                keep_typed(
                    &state,
                    &session,
                    &actor,
                    consultation,
                    crate::domain::consultations::kept_text::slot(section, parent, None),
                    &fields,
                )
                .await;
            }
            Err(error)
        }
    }
}

/// The author edits a comment (or resubmits a hidden one).
#[server(prefix = "/fn", endpoint = "comments/edit")]
pub async fn edit_comment(
    consultation: ConsultationId,
    comment: CommentId,
    fields: CommentFields,
) -> Result<(), AppError> {
    use super::context::request;
    use crate::domain::consultations::comments;
    let (state, session, actor) = request().await?;
    match comments::edit(&state, &actor, comment, &fields).await {
        Ok(()) => Ok(()),
        Err(error) => {
            if !matches!(error, AppError::NotFound | AppError::Forbidden) {
                keep_typed(
                    &state,
                    &session,
                    &actor,
                    consultation,
                    crate::domain::consultations::kept_text::slot(None, None, Some(comment)),
                    &fields,
                )
                .await;
            }
            Err(error)
        }
    }
}

/// The author withdraws a comment.
#[server(prefix = "/fn", endpoint = "comments/withdraw")]
pub async fn withdraw_comment(comment: CommentId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::comments::withdraw(&state, &actor, comment).await
}

/// The author gives ("true") or withdraws ("false") consent to the public report.
#[server(prefix = "/fn", endpoint = "comments/consent")]
pub async fn set_comment_consent(comment: CommentId, given: bool) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::comments::set_public_consent(&state, &actor, comment, given).await
}

/// The secretariat hides a comment with a reason.
#[server(prefix = "/fn", endpoint = "comments/hide")]
pub async fn hide_comment(
    comment: CommentId,
    reason: String,
    note: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::comments::hide(&state.db, &actor, comment, &reason, &note).await
}

/// Saves a comment box as it is typed (called by the page's script, with JavaScript on).
#[server(prefix = "/fn", endpoint = "comments/draft")]
pub async fn save_comment_draft(
    consultation: ConsultationId,
    slot: String,
    fields: CommentFields,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, session, actor) = request().await?;
    if actor.person().is_none() {
        keep_typed(&state, &session, &actor, consultation, slot, &fields).await;
        return Err(AppError::Unauthenticated);
    }
    crate::domain::consultations::kept_text::save_draft(
        &state.db,
        &state.keyring,
        &actor,
        consultation,
        &slot,
        &fields,
    )
    .await
}

/// Throws away the person's kept text of one box (the box then closes).
#[server(prefix = "/fn", endpoint = "comments/discard-draft")]
pub async fn discard_comment_draft(
    consultation: ConsultationId,
    slot: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::kept_text::discard_draft(
        &state.db,
        &state.keyring,
        &actor,
        consultation,
        &slot,
    )
    .await
}

/// The secretariat answers a comment.
#[server(prefix = "/fn", endpoint = "comments/answer")]
pub async fn answer_comment(comment: CommentId, fields: ResponseFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::responses::answer(&state, &actor, comment, &fields).await
}

/// A page of the answering queue, filtered and sorted as the address says.
#[server(prefix = "/fn", endpoint = "consultations/answers")]
pub async fn get_answer_queue(
    id: ConsultationId,
    #[server(default)] filter: QueueFilter,
) -> Result<AnswerQueue, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::queue::page(&state, &actor, id, &filter).await
}

/// The secretariat answers a group of near-identical comments (or one comment) at once: the
/// answer is recorded on each.
#[server(prefix = "/fn", endpoint = "comments/answer-group")]
pub async fn answer_group(
    consultation: ConsultationId,
    item: CommentId,
    fields: ResponseFields,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::queue::answer_item(&state, &actor, consultation, item, &fields)
        .await
        .map(|_| ())
}

/// One decision on the selected items of the queue.
#[server(prefix = "/fn", endpoint = "comments/answer-selection")]
pub async fn answer_selection(
    consultation: ConsultationId,
    #[server(default)] items: Vec<CommentId>,
    fields: ResponseFields,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::queue::answer_selection(
        &state,
        &actor,
        consultation,
        &items,
        &fields,
    )
    .await
    .map(|_| ())
}

/// The current council's posting limits (council admins and secretariat).
#[server(prefix = "/fn", endpoint = "council/posting-rules")]
pub async fn get_posting_rules() -> Result<PostingRulesFields, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::fair_use::rules_fields(&state.db, &actor).await
}

/// Sets the current council's posting limits.
#[server(prefix = "/fn", endpoint = "council/set-posting-rules")]
pub async fn set_posting_rules(fields: PostingRulesFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::fair_use::set_rules(&state.db, &actor, &fields).await
}

/// Every comment on one section, a page at a time (or one thread).
#[server(prefix = "/fn", endpoint = "consultations/section-comments")]
pub async fn get_section_comments(
    id: ConsultationId,
    anchor: String,
    #[server(default)] sort: String,
    #[server(default)] page: i64,
    #[server(default)] thread: Option<CommentId>,
) -> Result<SectionComments, AppError> {
    use super::context::request;
    use crate::model::consultation::ThreadSort;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::views::section_comments(
        &state,
        &actor,
        id,
        &anchor,
        ThreadSort::from_code(&sort),
        page,
        thread,
    )
    .await
}

/// What the "new consultation" form needs (the council's time zone); staff only.
#[server(prefix = "/fn", endpoint = "consultations/new-form")]
pub async fn new_consultation_form() -> Result<String, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::details::new_form(&state.db, &actor).await
}

/// Creates a consultation and goes to its management page.
#[server(prefix = "/fn", endpoint = "consultations/create")]
pub async fn create_consultation(fields: ConsultationFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let id = crate::domain::consultations::details::create(&state.db, &actor, &fields).await?;
    leptos_axum::redirect(&format!("/consultations/{id}/manage"));
    Ok(())
}

/// Changes a consultation's details.
#[server(prefix = "/fn", endpoint = "consultations/update")]
pub async fn update_consultation(
    id: ConsultationId,
    fields: ConsultationFields,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::details::update(&state.db, &actor, id, &fields).await
}

/// Invites a member to (or removes them from) an "invited members only" consultation.
#[server(prefix = "/fn", endpoint = "consultations/participant")]
pub async fn set_participant(
    id: ConsultationId,
    person: PersonId,
    invited: bool,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::details::set_participant(&state.db, &actor, id, person, invited)
        .await
}

/// The management page's data.
#[server(prefix = "/fn", endpoint = "consultations/manage")]
pub async fn manage_consultation(id: ConsultationId) -> Result<ManageView, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::views::manage_view(&state.db, &actor, id).await
}

/// Imports pasted Markdown or plain text as the version being prepared.
#[server(prefix = "/fn", endpoint = "drafts/paste")]
pub async fn import_pasted(
    id: ConsultationId,
    format: String,
    text: String,
    #[server(default)] tradition: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let name = if format == "plain_text" {
        "draft.txt"
    } else {
        "draft.md"
    };
    crate::domain::consultations::drafts::import_file(
        &state,
        &actor,
        id,
        name,
        text.as_bytes(),
        &tradition,
    )
    .await?;
    Ok(())
}

/// Starts a new version from the published one, to edit section by section.
#[server(prefix = "/fn", endpoint = "drafts/revise")]
pub async fn start_revision(id: ConsultationId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::start_revision(&state.db, &actor, id).await?;
    Ok(())
}

/// Throws away the version being prepared.
#[server(prefix = "/fn", endpoint = "drafts/discard")]
pub async fn discard_version(id: ConsultationId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::discard(&state.db, &actor, id).await
}

/// Changes a section of the version being prepared.
#[server(prefix = "/fn", endpoint = "drafts/section")]
pub async fn edit_section(
    id: ConsultationId,
    section: SectionId,
    fields: SectionFields,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::edit_section(&state.db, &actor, id, section, &fields)
        .await
}

/// Sets or clears the content note of a section of the published text.
#[server(prefix = "/fn", endpoint = "drafts/note")]
pub async fn set_content_note(
    id: ConsultationId,
    section: SectionId,
    note: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::set_published_note(&state.db, &actor, id, section, &note)
        .await
}

/// Merges a section with the next one.
#[server(prefix = "/fn", endpoint = "drafts/merge")]
pub async fn merge_section(id: ConsultationId, section: SectionId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::merge_with_next(&state.db, &actor, id, section).await
}

/// Splits a section where the given words begin.
#[server(prefix = "/fn", endpoint = "drafts/split")]
pub async fn split_section(
    id: ConsultationId,
    section: SectionId,
    at: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::split(&state.db, &actor, id, section, &at).await
}

/// Publishes the version being prepared.
#[server(prefix = "/fn", endpoint = "drafts/publish")]
pub async fn publish_version(id: ConsultationId, note: String) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::drafts::publish(&state, &actor, id, &note).await?;
    Ok(())
}

/// Moves the consultation on: `open`, `close`, `responded`, `outcome` (with `public`),
/// `outcome_public` / `outcome_private`.
#[server(prefix = "/fn", endpoint = "consultations/phase")]
pub async fn change_phase(
    id: ConsultationId,
    step: String,
    public: Option<String>,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let public = public.is_some_and(|p| !p.is_empty());
    crate::domain::consultations::phases::change(&state, &actor, id, &step, public).await
}

/// The difference between two published versions.
#[server(prefix = "/fn", endpoint = "consultations/diff")]
pub async fn get_diff(id: ConsultationId, from: i32, to: i32) -> Result<VersionDiff, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::outcome::diff(&state, &actor, id, from, to).await
}

/// A page of the outcome report for a signed-in reader (the first without `page`).
#[server(prefix = "/fn", endpoint = "consultations/outcome")]
pub async fn get_outcome(
    id: ConsultationId,
    #[server(default)] page: Option<u32>,
) -> Result<OutcomeReport, AppError> {
    use super::context::request;
    use crate::domain::consultations::outcome::ReportReader;
    let (state, _, actor) = request().await?;
    ReportReader::open(&state, &actor, id)
        .await?
        .page(page.unwrap_or(1))
        .await
}

/// A page of the public outcome report (no sign-in).
#[server(prefix = "/fn", endpoint = "outcome/public")]
pub async fn get_public_outcome(
    id: ConsultationId,
    #[server(default)] page: Option<u32>,
) -> Result<OutcomeReport, AppError> {
    use super::context::state;
    use crate::domain::consultations::outcome::ReportReader;
    ReportReader::open_public(&state()?, id)
        .await?
        .page(page.unwrap_or(1))
        .await
}
