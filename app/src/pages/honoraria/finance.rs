//! Finance: `/finance`, the queue of claims (filter by state, person and period; decide several
//! at once), `/finance/batches` and `/finance/batches/:id` (exports, marking paid).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use super::labels::{ActivityLabel, BatchStateLabel, CategoryLabel, MethodLabel, StateLabel};
use crate::api::honoraria::{
    CreateBatch, DecideClaims, MarkBatchPaid, finance_queue, get_batch, list_batches,
};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::{
    BatchDetail, BatchState, BatchSummary, ClaimState, PayeeLine, Queue, QueueFilter,
};
use crate::model::ids::BatchId;

/// The queue page.
#[component]
pub fn FinancePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        QueueFilter {
            state: q.get("state").unwrap_or_default(),
            person: q.get("person").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            page: q.get("page").unwrap_or_default(),
        }
    };
    let data = Resource::new(filter, finance_queue);
    view! {
        <Title text=t_string!(i18n, titles.finance).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(queue) => view! { <QueueView queue filter=filter()/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(queue: Queue, filter: QueueFilter) -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<DecideClaims>::new();
    let create = ServerAction::<CreateBatch>::new();
    let report = move || {
        decide.value().get().and_then(Result::ok).map(|r| {
            let (done, refused) = (r.done.len(), r.refused.len());
            view! {
                <p role="status" class="notice" id="decision-report">
                    {t!(i18n, finance.report, done = move || done, refused = move || refused)}
                </p>
            }
        })
    };
    let tomorrow = queue.tomorrow.clone();
    view! {
        <h1>{t!(i18n, finance.heading)}</h1>
        <p class="hint">{t!(i18n, finance.who_sees)}</p>
        <p class="links">
            <a href="/finance/batches">{t!(i18n, finance.batches_link)}</a>" · "
            <a href="/finance/totals">{t!(i18n, finance.totals_link)}</a>" · "
            <a href="/council/payment-times">{t!(i18n, finance.figures_link)}</a>
        </p>
        <form method="get" action="/finance" class="filters">
            <label for="state">{t!(i18n, fields.state)}</label>
            <select id="state" name="state">
                <option value="">{t!(i18n, finance.waiting)}</option>
                {ClaimState::ALL.iter().map(|s| view! {
                    <option value=s.code() selected=filter.state == s.code()><StateLabel state=*s/></option>
                }).collect_view()}
            </select>
            <label for="person">{t!(i18n, fields.person)}</label>
            <select id="person" name="person">
                <option value="">{t!(i18n, finance.everybody)}</option>
                {queue.people.iter().map(|(id, name)| {
                    let id = id.to_string();
                    view! { <option value=id.clone() selected=filter.person == id>{name.clone()}</option> }
                }).collect_view()}
            </select>
            <label for="from">{t!(i18n, fields.from)}</label>
            <input id="from" name="from" type="date" value=filter.from.clone()/>
            <label for="to">{t!(i18n, fields.to)}</label>
            <input id="to" name="to" type="date" value=filter.to.clone()/>
            <button type="submit">{t!(i18n, finance.filter)}</button>
        </form>
        <ActionError action=decide/>
        {report}
        {if queue.rows.is_empty() {
            view! { <p id="queue-empty">{t!(i18n, finance.empty)}</p> }.into_any()
        } else {
            view! {
                <PostForm url=DecideClaims::url() class="stack">
                    <div class="table-scroll">
                        <table id="queue">
                            <caption>{t!(i18n, finance.queue_caption)}</caption>
                            <thead><tr>
                                <th scope="col">{t!(i18n, finance.select)}</th>
                                <th scope="col">{t!(i18n, fields.person)}</th>
                                <th scope="col">{t!(i18n, time.date)}</th>
                                <th scope="col">{t!(i18n, finance.what)}</th>
                                <th scope="col">{t!(i18n, time.amount)}</th>
                                <th scope="col">{t!(i18n, fields.state)}</th>
                                <th scope="col">{t!(i18n, time.receipt)}</th>
                            </tr></thead>
                            <tbody>
                                {queue.rows.into_iter().enumerate().map(|(n, row)| {
                                    let id = row.claim.id.to_string();
                                    let check = format!("pick-{id}");
                                    let receipt = row.claim.receipt.then(|| format!("/time/claims/{id}/receipt"));
                                    let c = row.claim;
                                    view! {
                                        <tr data-claim=id.clone()>
                                            <td>
                                                {if row.own {
                                                    view! { <span class="hint">{t!(i18n, finance.own)}</span> }.into_any()
                                                } else {
                                                    view! {
                                                        <input type="checkbox" id=check.clone() name=format!("claims[{n}]") value=id.clone()/>
                                                        <label for=check class="visually-hidden">{t!(i18n, finance.select)}</label>
                                                    }.into_any()
                                                }}
                                            </td>
                                            <td>{row.person_name}</td>
                                            <td>{c.work_date.clone()}</td>
                                            <td>
                                                {match (c.activity, c.category) {
                                                    (Some(a), _) => view! { <ActivityLabel activity=a/> }.into_any(),
                                                    (_, Some(cat)) => view! { <CategoryLabel category=cat/> }.into_any(),
                                                    _ => view! { <span>"—"</span> }.into_any(),
                                                }}
                                                {c.minutes.map(|m| view! { " ("{t!(i18n, time.minutes_n, n = move || m)}")" })}
                                                {(!c.description.is_empty()).then(|| view! { <br/>{c.description.clone()} })}
                                            </td>
                                            <td class="amount">{c.amount.clone()}" "{c.currency.clone()}</td>
                                            <td>
                                                <StateLabel state=c.state/>
                                                {row.needs_second.then(|| view! { <br/><span class="hint">{t!(i18n, finance.needs_second)}</span> })}
                                                {row.crosses_cap.then(|| view! { <br/><strong class="cap-warning">{t!(i18n, finance.crosses_cap)}</strong> })}
                                            </td>
                                            <td>{receipt.map(|href| view! { <a href=href>{t!(i18n, time.receipt_download)}</a> })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(queue.page > 0 || queue.more).then(|| {
                        let link = |page: u64| format!(
                            "/finance?state={}&person={}&from={}&to={}&page={page}",
                            crate::components::forms::url_encode(&filter.state),
                            crate::components::forms::url_encode(&filter.person),
                            crate::components::forms::url_encode(&filter.from),
                            crate::components::forms::url_encode(&filter.to),
                        );
                        let shown = queue.page + 1;
                        view! {
                            <nav class="pages" aria-label=move || t_string!(i18n, finance.pages).to_string()>
                                {(queue.page > 0).then(|| view! { <a href=link(queue.page - 1) rel="prev">{t!(i18n, finance.previous)}</a> })}
                                " "<span>{t!(i18n, finance.page_n, n = move || shown)}</span>" "
                                {queue.more.then(|| view! { <a href=link(queue.page + 1) rel="next" id="next-page">{t!(i18n, finance.next)}</a> })}
                            </nav>
                        }
                    })}
                    <ul id="queue-totals">
                        {queue.totals.into_iter().map(|(cur, total)| view! { <li>{total}" "{cur}</li> }).collect_view()}
                    </ul>
                    <label for="reason">{t!(i18n, finance.reason)}</label>
                    <p id="reason-hint" class="hint">{t!(i18n, finance.reason_hint)}</p>
                    <TextArea id="reason" name="reason" rows="2" maxlength="1000"/>
                    <div class="actions">
                        <button type="submit" name="decision" value="approve" id="approve">{t!(i18n, finance.approve)}</button>
                        <button type="submit" name="decision" value="return" class="secondary" id="return">{t!(i18n, finance.return_claim)}</button>
                        <button type="submit" name="decision" value="reject" class="secondary" id="reject">{t!(i18n, finance.reject)}</button>
                    </div>
                </PostForm>
            }.into_any()
        }}
        <h2>{t!(i18n, finance.approved_heading)}</h2>
        <ActionError action=create/>
        {if queue.approved.is_empty() {
            view! { <p id="nothing-approved">{t!(i18n, finance.nothing_approved)}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list" id="approved">
                    {queue.approved.into_iter().map(|(cur, n, total)| {
                        let cur2 = cur.clone();
                        let date_id = format!("execution-{cur}");
                        let tomorrow = tomorrow.clone();
                        view! {
                            <li class="card">
                                <p>{t!(i18n, finance.approved_line, n = move || n, total = move || total.clone(), currency = move || cur.clone())}</p>
                                <PostForm url=CreateBatch::url()>
                                    <input type="hidden" name="currency" value=cur2/>
                                    <label for=date_id.clone()>{t!(i18n, fields.execution_date)}</label>
                                    <input id=date_id name="execution_date" type="date" value=tomorrow.clone()/>
                                    <button type="submit" class="create-batch">{t!(i18n, finance.create_batch)}</button>
                                </PostForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// The batches page.
#[component]
pub fn BatchesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| list_batches());
    view! {
        <Title text=t_string!(i18n, titles.batches).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <BatchList list/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BatchList(list: Vec<BatchSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, finance.batches_heading)}</h1>
        <p><a href="/finance">{t!(i18n, finance.back_to_queue)}</a></p>
        {if list.is_empty() {
            view! { <p>{t!(i18n, finance.no_batches)}</p> }.into_any()
        } else {
            view! {
                <table id="batches">
                    <thead><tr>
                        <th scope="col">{t!(i18n, finance.reference)}</th>
                        <th scope="col">{t!(i18n, fields.execution_date)}</th>
                        <th scope="col">{t!(i18n, finance.items)}</th>
                        <th scope="col">{t!(i18n, time.amount)}</th>
                        <th scope="col">{t!(i18n, fields.state)}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|b| view! {
                            <tr>
                                <th scope="row"><a href=format!("/finance/batches/{}", b.id)>{b.reference.clone()}</a></th>
                                <td>{b.execution_date.clone()}</td>
                                <td>{b.items}</td>
                                <td>{b.total.clone()}" "{b.currency.clone()}</td>
                                <td><BatchStateLabel state=b.state/></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// One batch.
#[component]
pub fn BatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<BatchId>().ok())
    };
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_batch(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.batch).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(batch) => view! { <BatchView batch/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PayeeTable(id: &'static str, lines: Vec<PayeeLine>, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table id=id>
            <thead><tr>
                <th scope="col">{t!(i18n, fields.person)}</th>
                <th scope="col">{t!(i18n, fields.method)}</th>
                <th scope="col">{t!(i18n, finance.items)}</th>
                <th scope="col">{t!(i18n, time.amount)}</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|p| view! {
                    <tr>
                        <th scope="row">{p.person_name.clone()}</th>
                        <td><MethodLabel method=p.method.clone()/></td>
                        <td>{p.items}</td>
                        <td>{p.amount.clone()}" "{currency.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn BatchView(batch: BatchDetail) -> impl IntoView {
    let i18n = use_i18n();
    let paid = ServerAction::<MarkBatchPaid>::new();
    let s = batch.summary;
    let id = s.id.to_string();
    let is_paid = s.state == BatchState::Paid;
    let currency = s.currency.clone();
    let currency2 = s.currency.clone();
    view! {
        <h1>{t!(i18n, finance.batch_heading, reference = move || s.reference.clone())}</h1>
        <p class="links">
            <a href="/finance/batches">{t!(i18n, finance.batches_link)}</a>" · "
            <a href="/finance/totals">{t!(i18n, finance.totals_link)}</a>" · "
            <a href="/council/payment-times">{t!(i18n, finance.figures_link)}</a>
        </p>
        <p id="batch-state"><BatchStateLabel state=s.state/>" · "{s.items}" · "
            <span id="batch-total">{s.total.clone()}" "{s.currency.clone()}</span>" · "{s.execution_date.clone()}</p>
        <p class="hint">{t!(i18n, finance.export_hint)}</p>
        <ul class="actions">
            <li><a href=format!("/finance/batches/{id}/sepa") id="export-sepa">{t!(i18n, finance.export_sepa)}</a></li>
            <li><a href=format!("/finance/batches/{id}/csv") id="export-csv">{t!(i18n, finance.export_csv)}</a></li>
        </ul>
        <ActionError action=paid/>
        {(!is_paid).then(|| view! {
            <PostForm url=MarkBatchPaid::url()>
                <input type="hidden" name="id" value=id.clone()/>
                <button type="submit" id="mark-paid">{t!(i18n, finance.mark_paid)}</button>
            </PostForm>
        })}
        <h2>{t!(i18n, finance.transfers_heading)}</h2>
        <PayeeTable id="transfers" lines=batch.transfers currency/>
        <h2>{t!(i18n, finance.others_heading)}</h2>
        <p class="hint">{t!(i18n, finance.others_hint)}</p>
        <PayeeTable id="others" lines=batch.others currency=currency2/>
    }
}
