//! Council administration: members and roles, invitations, and the audit log.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::identity::invitations::{CreateInvitation, RevokeInvitation, pending_invitations};
use crate::api::identity::members::{SetMemberRoles, SetMemberSuspended, list_audit, list_members};
use crate::components::error::ActionError;
use crate::components::error::ErrorPage;
use crate::components::error::SignInPrompt;
use crate::components::forms::PostForm;
use crate::components::labels::RoleLabel;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;
use crate::model::identity::{AuditPage, MemberRow, PendingInvitation};
use crate::model::viewer::Role;

/// An error from a page's main resource: a sign-in prompt or the error page.
#[component]
fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <SignInPrompt/> }.into_any(),
        error => view! { <ErrorPage error/> }.into_any(),
    }
}

/// `/council/members`: people and roles (council admin).
#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let members = Resource::new(|| (), |_| list_members());
    let roles = ServerAction::<SetMemberRoles>::new();
    let suspend = ServerAction::<SetMemberSuspended>::new();
    view! {
        <Title text=t_string!(i18n, titles.members).to_string()/>
        <ActionError action=roles/>
        <ActionError action=suspend/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Ok(rows) => view! { <MembersTable rows/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MembersTable(rows: Vec<MemberRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, members.heading)}</h1>
        <p class="hint">{t!(i18n, members.self_note)}</p>
        <ul class="card-list" id="members">
            {rows.into_iter().map(|row| {
                let person = row.id.to_string();
                let person_for_suspend = person.clone();
                let suspended = row.disabled;
                view! {
                    <li class="card" data-person=row.id.to_string()>
                        <h2 class="card__title">{row.display_name.clone()}</h2>
                        <p>
                            {t!(i18n, members.status)}": "
                            {if suspended { t!(i18n, members.suspended).into_any() } else { t!(i18n, members.active).into_any() }}
                            " · "{t!(i18n, members.second_factor)}": "
                            {if row.second_factor { t!(i18n, members.yes).into_any() } else { t!(i18n, members.no).into_any() }}
                        </p>
                        <PostForm url=SetMemberRoles::url()>
                            <input type="hidden" name="person" value=person/>
                            <fieldset class="roles">
                                <legend>{t!(i18n, members.roles)}</legend>
                                {Role::ALL.into_iter().map(|role| {
                                    let id = format!("role-{}-{}", row.id, role.code());
                                    view! {
                                        <span class="choice">
                                            <input type="checkbox" id=id.clone() name=role.code() value="on"
                                                checked=row.roles.contains(&role)/>
                                            <label for=id><RoleLabel role/></label>
                                        </span>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button type="submit">{t!(i18n, members.save_roles)}</button>
                        </PostForm>
                        <PostForm url=SetMemberSuspended::url()>
                            <input type="hidden" name="person" value=person_for_suspend/>
                            <input type="hidden" name="suspend" value=if suspended { "false" } else { "true" }/>
                            <button type="submit" class="secondary">
                                {if suspended { t!(i18n, members.restore).into_any() } else { t!(i18n, members.suspend).into_any() }}
                            </button>
                        </PostForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `/council/invitations`: invite by address and role; pending invitations (secretariat and
/// council admin).
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let pending = Resource::new(|| (), |_| pending_invitations());
    let create = ServerAction::<CreateInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let sent = move || matches!(create.value().get(), Some(Ok(())));
    view! {
        <Title text=t_string!(i18n, titles.invitations).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match pending.await {
                    Ok(list) => view! {
                        <h1>{t!(i18n, invitations.heading)}</h1>
                        <ActionError action=create/>
                        <ActionError action=revoke/>
                        {move || sent().then(|| view! { <p role="status" class="notice">{t!(i18n, invitations.sent)}</p> })}
                        <PostForm url=CreateInvitation::url() class="stack">
                            <label for="email">{t!(i18n, invitations.email_label)}</label>
                            <p id="invite-email-hint" class="hint">{t!(i18n, invitations.email_hint)}</p>
                            <input id="email" name="email" type="email" required maxlength="254"
                                autocomplete="off" aria-describedby="invite-email-hint"/>
                            <label for="role">{t!(i18n, invitations.role_label)}</label>
                            <select id="role" name="role">
                                {Role::ALL.into_iter().map(|role| view! {
                                    <option value=role.code()><RoleLabel role/></option>
                                }).collect_view()}
                            </select>
                            <button type="submit" id="send-invitation">{t!(i18n, invitations.send)}</button>
                        </PostForm>
                        <PendingList list/>
                    }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PendingList(list: Vec<PendingInvitation>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, invitations.pending_heading)}</h2>
        {if list.is_empty() {
            view! { <p>{t!(i18n, invitations.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list" id="pending-invitations">
                    {list.into_iter().map(|inv| {
                        let created = inv.created.clone();
                        let expires = inv.expires.clone();
                        view! {
                            <li class="card card--row">
                                <span><RoleLabel role=inv.role/>" · "
                                    {t!(i18n, invitations.sent_on, when = move || created.clone())}", "
                                    {t!(i18n, invitations.expires, when = move || expires.clone())}</span>
                                <PostForm url=RevokeInvitation::url()>
                                    <input type="hidden" name="id" value=inv.id.to_string()/>
                                    <button type="submit" class="secondary">{t!(i18n, invitations.revoke)}</button>
                                </PostForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// `/council/audit`: the council's audit log, filtered (council admin and auditor).
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (q.get("action"), q.get("from"), q.get("to"))
    };
    let page = Resource::new(filter, |(action, from, to)| list_audit(action, from, to));
    view! {
        <Title text=t_string!(i18n, titles.audit).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <AuditView page selected=filter()/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditView(
    page: AuditPage,
    selected: (Option<String>, Option<String>, Option<String>),
) -> impl IntoView {
    let i18n = use_i18n();
    let (action, from, to) = selected;
    let action = action.unwrap_or_default();
    view! {
        <h1>{t!(i18n, audit.heading)}</h1>
        <p class="lead">{t!(i18n, audit.intro)}</p>
        // A GET form: the filter lives in the address, so it works without JavaScript.
        <form method="get" action="/council/audit" class="filters">
            <label for="action">{t!(i18n, audit.action_label)}</label>
            <select id="action" name="action">
                <option value="">{t!(i18n, audit.all)}</option>
                {page.actions.into_iter().map(|a| {
                    let selected = a == action;
                    view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
                }).collect_view()}
            </select>
            <label for="from">{t!(i18n, audit.from)}</label>
            <input id="from" name="from" type="date" value=from.unwrap_or_default()/>
            <label for="to">{t!(i18n, audit.to)}</label>
            <input id="to" name="to" type="date" value=to.unwrap_or_default()/>
            <button type="submit">{t!(i18n, audit.filter)}</button>
        </form>
        {if page.rows.is_empty() {
            view! { <p>{t!(i18n, audit.empty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table id="audit-log">
                        <thead><tr>
                            <th scope="col">{t!(i18n, audit.seq)}</th>
                            <th scope="col">{t!(i18n, audit.at)}</th>
                            <th scope="col">{t!(i18n, audit.action_label)}</th>
                            <th scope="col">{t!(i18n, audit.actor)}</th>
                            <th scope="col">{t!(i18n, audit.subject)}</th>
                            <th scope="col">{t!(i18n, audit.details)}</th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|r| view! {
                                <tr>
                                    <td>{r.seq}</td>
                                    <td>{r.at}</td>
                                    <td>{r.action}</td>
                                    <td><code>{r.actor.unwrap_or_default()}</code></td>
                                    <td>{r.subject_kind.unwrap_or_default()}" "<code>{r.subject_id.unwrap_or_default()}</code></td>
                                    <td><code>{r.details}</code></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h2>{t!(i18n, audit.unattributed_heading)}</h2>
        <p>{t!(i18n, audit.unattributed_intro)}</p>
        {if page.unattributed.is_empty() {
            view! { <p>{t!(i18n, audit.empty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table id="audit-unattributed">
                        <thead><tr>
                            <th scope="col">{t!(i18n, audit.seq)}</th>
                            <th scope="col">{t!(i18n, audit.day)}</th>
                            <th scope="col">{t!(i18n, audit.action_label)}</th>
                            <th scope="col">{t!(i18n, audit.subject)}</th>
                            <th scope="col">{t!(i18n, audit.details)}</th>
                        </tr></thead>
                        <tbody>
                            {page.unattributed.into_iter().map(|r| view! {
                                <tr>
                                    <td>{r.seq}</td>
                                    <td>{r.at}</td>
                                    <td>{r.action}</td>
                                    <td>{r.subject_kind.unwrap_or_default()}" "<code>{r.subject_id.unwrap_or_default()}</code></td>
                                    <td><code>{r.details}</code></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
