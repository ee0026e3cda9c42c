//! Showing an [`AppError`] as translated text, and giving the page the matching status.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};
use server_fn::ServerFn;

use crate::model::consultation::ImportRefusal;
use crate::model::{AppError, InputProblem};

/// The translated sentence for an error code.
#[component]
pub fn ErrorText(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    match error {
        AppError::NotFound => t!(i18n, errors.not_found).into_any(),
        AppError::Forbidden => t!(i18n, errors.forbidden).into_any(),
        AppError::Unauthenticated => t!(i18n, errors.unauthenticated).into_any(),
        AppError::InvalidInput { problem, field } => {
            let problem = match problem {
                InputProblem::Required => t!(i18n, errors.required).into_any(),
                InputProblem::TooLong => t!(i18n, errors.too_long).into_any(),
                InputProblem::Malformed => t!(i18n, errors.invalid_input).into_any(),
                InputProblem::Incorrect => t!(i18n, errors.incorrect).into_any(),
                InputProblem::Reserved => t!(i18n, errors.reserved_name).into_any(),
                InputProblem::InFuture => t!(i18n, errors.in_future).into_any(),
                InputProblem::WrongType => t!(i18n, errors.wrong_type).into_any(),
                InputProblem::Unavailable => t!(i18n, errors.unavailable).into_any(),
                InputProblem::Unchanged => t!(i18n, errors.unchanged).into_any(),
            };
            view! { <FieldName field/>{problem} }.into_any()
        }
        AppError::Closed => t!(i18n, errors.closed).into_any(),
        AppError::Unanswered { count } => {
            t!(i18n, errors.unanswered, count = move || count).into_any()
        }
        AppError::FileRefused { reason } => match reason {
            ImportRefusal::TooLarge => t!(i18n, errors.file_too_large).into_any(),
            ImportRefusal::NotText => t!(i18n, errors.file_not_text).into_any(),
            ImportRefusal::Empty => t!(i18n, errors.file_empty).into_any(),
            ImportRefusal::NotDocx => t!(i18n, errors.file_not_docx).into_any(),
            ImportRefusal::UnpackedTooLarge => t!(i18n, errors.file_unpacked_too_large).into_any(),
            ImportRefusal::InvalidXml => t!(i18n, errors.file_invalid_xml).into_any(),
            ImportRefusal::TooManySections => t!(i18n, errors.file_too_many_sections).into_any(),
            ImportRefusal::TooDeep => t!(i18n, errors.file_too_deep).into_any(),
        },
        AppError::Conflict => t!(i18n, errors.conflict).into_any(),
        AppError::RateLimited => t!(i18n, errors.rate_limited).into_any(),
        AppError::PostingLimit {
            minutes,
            section: false,
        } => t!(i18n, errors.posting_limit, count = move || minutes).into_any(),
        AppError::PostingLimit {
            minutes,
            section: true,
        } => t!(i18n, errors.posting_limit_section, count = move || minutes).into_any(),
        AppError::LinkInvalid => t!(i18n, errors.link_invalid).into_any(),
        AppError::NoAccount => t!(i18n, errors.no_account).into_any(),
        AppError::OwnClaim => t!(i18n, errors.own_claim).into_any(),
        AppError::SameApprover => t!(i18n, errors.same_approver).into_any(),
        AppError::Locked => t!(i18n, errors.locked).into_any(),
        AppError::AccountMissing => t!(i18n, errors.account_missing).into_any(),
        AppError::MentorFull => t!(i18n, errors.mentor_full).into_any(),
        AppError::Internal => t!(i18n, errors.internal).into_any(),
        AppError::Transport => t!(i18n, errors.transport).into_any(),
    }
}

/// The translated name of a form field, followed by a colon, for field errors of forms
/// with several fields; nothing for fields the page names itself.
#[component]
fn FieldName(field: String) -> impl IntoView {
    let i18n = use_i18n();
    let name = match field.as_str() {
        "body" => Some(t!(i18n, fields.body).into_any()),
        "proposal" => Some(t!(i18n, fields.proposal).into_any()),
        "quote" => Some(t!(i18n, fields.quote).into_any()),
        "title" => Some(t!(i18n, fields.title).into_any()),
        "summary" => Some(t!(i18n, fields.summary).into_any()),
        "explanation" => Some(t!(i18n, fields.explanation).into_any()),
        "decision" => Some(t!(i18n, fields.decision).into_any()),
        "note" => Some(t!(i18n, fields.note).into_any()),
        "at" => Some(t!(i18n, fields.split_at).into_any()),
        "opens_at" => Some(t!(i18n, fields.opens_at).into_any()),
        "closes_at" => Some(t!(i18n, fields.closes_at).into_any()),
        "languages" => Some(t!(i18n, fields.languages).into_any()),
        "heading" => Some(t!(i18n, fields.heading).into_any()),
        "number" => Some(t!(i18n, fields.number).into_any()),
        "burst" => Some(t!(i18n, manage.posting_burst).into_any()),
        "per_hour" => Some(t!(i18n, manage.posting_per_hour).into_any()),
        "section_per_hour" => Some(t!(i18n, manage.posting_section).into_any()),
        "items" => Some(t!(i18n, queue.items_field).into_any()),
        "content_note" => Some(t!(i18n, fields.content_note).into_any()),
        "reason" => Some(t!(i18n, fields.reason).into_any()),
        "work_date" => Some(t!(i18n, fields.work_date).into_any()),
        "minutes" => Some(t!(i18n, fields.minutes).into_any()),
        "activity" => Some(t!(i18n, fields.activity).into_any()),
        "description" => Some(t!(i18n, fields.description).into_any()),
        "category" => Some(t!(i18n, fields.category).into_any()),
        "amount" => Some(t!(i18n, fields.amount).into_any()),
        "currency" => Some(t!(i18n, fields.currency).into_any()),
        "receipt" => Some(t!(i18n, fields.receipt).into_any()),
        "method" => Some(t!(i18n, fields.method).into_any()),
        "holder" => Some(t!(i18n, fields.holder).into_any()),
        "iban" | "debtor_iban" => Some(t!(i18n, fields.iban).into_any()),
        "bic" | "debtor_bic" => Some(t!(i18n, fields.bic).into_any()),
        "annual_cap" => Some(t!(i18n, fields.annual_cap).into_any()),
        "unit" => Some(t!(i18n, fields.unit).into_any()),
        "allowance" => Some(t!(i18n, fields.allowance).into_any()),
        "effective_from" => Some(t!(i18n, fields.effective_from).into_any()),
        "second_approval_above" => Some(t!(i18n, fields.second_approval_above).into_any()),
        "debtor_name" => Some(t!(i18n, fields.debtor_name).into_any()),
        "execution_date" => Some(t!(i18n, fields.execution_date).into_any()),
        "state" => Some(t!(i18n, fields.state).into_any()),
        "person" => Some(t!(i18n, fields.person).into_any()),
        "from" => Some(t!(i18n, fields.from).into_any()),
        "to" => Some(t!(i18n, fields.to).into_any()),
        "claims" => Some(t!(i18n, fields.claims).into_any()),
        "page" => Some(t!(i18n, fields.page).into_any()),
        "starts_at" => Some(t!(i18n, fields.starts_at).into_any()),
        "place" => Some(t!(i18n, fields.place).into_any()),
        "agenda" => Some(t!(i18n, fields.agenda).into_any()),
        "people" => Some(t!(i18n, fields.people).into_any()),
        "corrected" => Some(t!(i18n, fields.corrected).into_any()),
        "year" => Some(t!(i18n, fields.year).into_any()),
        "starts_on" => Some(t!(i18n, fields.starts_on).into_any()),
        "ends_on" => Some(t!(i18n, fields.ends_on).into_any()),
        "expected_hours" => Some(t!(i18n, fields.expected_hours).into_any()),
        "held_on" => Some(t!(i18n, fields.held_on).into_any()),
        "mentor" => Some(t!(i18n, fields.mentor).into_any()),
        "mentee" => Some(t!(i18n, fields.mentee).into_any()),
        "format" => Some(t!(i18n, fields.format).into_any()),
        "capacity" => Some(t!(i18n, fields.capacity).into_any()),
        "concern" => Some(t!(i18n, fields.concern).into_any()),
        "other_name" => Some(t!(i18n, fields.other_name).into_any()),
        "due_on" => Some(t!(i18n, fields.due_on).into_any()),
        "aims" => Some(t!(i18n, fields.aims).into_any()),
        "topics" => Some(t!(i18n, fields.topics).into_any()),
        "notes" => Some(t!(i18n, fields.notes).into_any()),
        "milestone" => Some(t!(i18n, fields.milestone).into_any()),
        "name" => Some(t!(i18n, fields.name).into_any()),
        "role" => Some(t!(i18n, fields.role).into_any()),
        _ => None,
    };
    name.map(|n| view! { <strong>{n}": "</strong> })
}

/// A whole-page error: heading, message, a way home; sets the HTTP status during SSR.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    set_status(error.status());
    let not_found = error == AppError::NotFound;
    // A plain string, not a closure: the title is read after the page's reactive owner is
    // gone, and a signal read there panics under concurrent requests.
    let title = if not_found {
        crate::i18n::t_string!(i18n, titles.not_found).to_string()
    } else {
        crate::i18n::t_string!(i18n, titles.error).to_string()
    };
    view! {
        <leptos_meta::Title text=title/>
        <h1>{move || if not_found {
            t!(i18n, errors.not_found_heading).into_any()
        } else {
            t!(i18n, errors.error_heading).into_any()
        }}</h1>
        <p role="alert" data-error-code=error.code()><ErrorText error=error.clone()/></p>
        <p><a href="/">{t!(i18n, errors.go_home)}</a></p>
    }
}

/// Sets the response status while rendering on the server; nothing in the browser.
pub fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// Shows the error of the last submit of `action`, if any.
#[component]
pub fn ActionError<A>(action: ServerAction<A>) -> impl IntoView
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    move || {
        action.value().get().and_then(Result::err).map(|error| {
            let code = error.code();
            view! { <p role="alert" class="error" data-error-code=code><ErrorText error/></p> }
        })
    }
}

/// For a page that needs a signed-in person: a link to sign in and come back.
#[component]
pub fn SignInPrompt() -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    crate::components::error::set_status(401);
    let href = move || format!("/sign-in?next={}", location.pathname.get());
    view! {
        <h1>{t!(i18n, sign_in.heading)}</h1>
        <p role="alert" data-error-code="unauthenticated">{t!(i18n, errors.unauthenticated)}</p>
        <p><a class="button" href=href>{t!(i18n, nav.sign_in)}</a></p>
    }
}

/// An error from a page's main resource: a sign-in prompt or the error page.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <SignInPrompt/> }.into_any(),
        error => view! { <ErrorPage error/> }.into_any(),
    }
}
