//! `/time`: the member's time entries and expenses, their state, yearly totals and cap; and
//! `/time/payment`: how they are paid.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::labels::{ActivityLabel, CategoryLabel, MethodLabel, StateLabel, UnitLabel};
use crate::api::honoraria::{
    AdjustClaim, DeferClaim, DeleteClaim, LogTime, SetPayment, SubmitClaim, WithdrawClaim,
    get_my_claims, payment_preference,
};
use crate::components::error::{ActionError, ErrorText, LoadError};
use crate::components::forms::PostForm;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::{
    ClaimKind, ClaimState, ClaimView, ExpenseCategory, MyClaims, PaymentMethod, PaymentView,
};
use crate::model::{AppError, InputProblem};

/// The time page.
#[component]
pub fn TimePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_my_claims());
    view! {
        <Title text=t_string!(i18n, titles.time).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <TimeView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The expense form's error, carried back in the address by `POST /time/expenses`.
fn expense_error(
    code: Option<String>,
    field: Option<String>,
    problem: Option<String>,
) -> Option<AppError> {
    let code = code?;
    if code == "invalid_input" {
        let problem: InputProblem =
            serde_json::from_value(serde_json::Value::String(problem.unwrap_or_default())).ok()?;
        return Some(AppError::invalid(&field.unwrap_or_default(), problem));
    }
    AppError::from_code(&code).or(Some(AppError::Transport))
}

#[component]
fn TimeView(data: MyClaims) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let log = ServerAction::<LogTime>::new();
    let submit = ServerAction::<SubmitClaim>::new();
    let withdraw = ServerAction::<WithdrawClaim>::new();
    let delete = ServerAction::<DeleteClaim>::new();
    let defer = ServerAction::<DeferClaim>::new();
    let adjust = ServerAction::<AdjustClaim>::new();
    let (link_kind, link_id) = {
        let q = query.read_untracked();
        (
            q.get("link_kind").unwrap_or_default(),
            q.get("link_id").unwrap_or_default(),
        )
    };
    let linked = !link_id.is_empty();
    let expense_problem = {
        let q = query.read_untracked();
        expense_error(q.get("expense_error"), q.get("field"), q.get("problem"))
    };
    let currency = data.currency.clone();
    // The council's day, not the server's: just after midnight they differ.
    let today = data.today.clone();
    let today2 = today.clone();
    view! {
        <h1>{t!(i18n, time.heading)}</h1>
        <p class="hint">{t!(i18n, time.who_sees)}</p>
        <section aria-labelledby="payment-heading" class="card">
            <h2 id="payment-heading" class="card__title">{t!(i18n, time.payment_heading)}</h2>
            <p id="payment-method">
                {match data.method {
                    Some(m) => view! { <MethodLabel method=m.code()/> }.into_any(),
                    None => t!(i18n, time.no_method).into_any(),
                }}
            </p>
            {data.cap.clone().map(|(cap, left)| view! {
                <p id="annual-cap">{t!(i18n, time.cap, cap = move || cap.clone(), left = move || left.clone())}</p>
            })}
            {data.over_cap.then(|| view! {
                <p role="alert" class="notice" id="cap-warning">{t!(i18n, time.over_cap)}</p>
            })}
            <p><a href="/time/payment">{t!(i18n, time.change_payment)}</a></p>
        </section>

        <h2 id="log-heading">{t!(i18n, time.log_heading)}</h2>
        <ActionError action=log/>
        {move || matches!(log.value().get(), Some(Ok(_))).then(|| view! {
            <p role="status" class="notice">{t!(i18n, time.logged)}</p>
        })}
        {if data.activities.is_empty() {
            view! { <p id="no-rates">{t!(i18n, time.no_rates)}</p> }.into_any()
        } else {
            let activities = data.activities.clone();
            view! {
                <PostForm url=LogTime::url() class="stack" return_to="/time#claims">
                    {linked.then(|| view! { <p class="notice" id="linked">{t!(i18n, time.linked)}</p> })}
                    <input type="hidden" name="fields[link_kind]" value=link_kind.clone()/>
                    <input type="hidden" name="fields[link_id]" value=link_id.clone()/>
                    <label for="work_date">{t!(i18n, time.date)}</label>
                    <input id="work_date" name="fields[work_date]" type="date" required max=today.clone() value=today.clone()/>
                    <label for="minutes">{t!(i18n, time.minutes)}</label>
                    <p id="minutes-hint" class="hint">{t!(i18n, time.minutes_hint)}</p>
                    <input id="minutes" name="fields[minutes]" type="number" min="1" max="960" step="1" required
                        inputmode="numeric" aria-describedby="minutes-hint"/>
                    <label for="activity">{t!(i18n, time.activity)}</label>
                    <select id="activity" name="fields[activity]">
                        {activities.into_iter().map(|a| view! {
                            <option value=a.code()><ActivityLabel activity=a/></option>
                        }).collect_view()}
                    </select>
                    <label for="description">{t!(i18n, time.description)}</label>
                    <input id="description" name="fields[description]" maxlength="500" autocomplete="off"/>
                    <button type="submit" id="log-time">{t!(i18n, time.log)}</button>
                </PostForm>
            }.into_any()
        }}

        <h2 id="expense">{t!(i18n, time.expense_heading)}</h2>
        {expense_problem.map(|error| {
            let code = error.code();
            view! { <p role="alert" class="error" data-error-code=code><ErrorText error/></p> }
        })}
        <form method="post" action="/time/expenses" enctype="multipart/form-data" class="stack">
            <label for="expense_date">{t!(i18n, time.date)}</label>
            <input id="expense_date" name="work_date" type="date" required max=today2.clone() value=today2/>
            <label for="category">{t!(i18n, time.category)}</label>
            <select id="category" name="category">
                {ExpenseCategory::ALL.iter().map(|c| view! {
                    <option value=c.code()><CategoryLabel category=*c/></option>
                }).collect_view()}
            </select>
            <label for="amount">{t!(i18n, time.amount)}</label>
            <input id="amount" name="amount" required inputmode="decimal" autocomplete="off"/>
            <label for="currency">{t!(i18n, time.currency)}</label>
            <input id="currency" name="currency" value=currency maxlength="3" size="4" autocomplete="off"/>
            <label for="expense_description">{t!(i18n, time.description)}</label>
            <input id="expense_description" name="description" maxlength="500" autocomplete="off"/>
            <label for="receipt">{t!(i18n, time.receipt)}</label>
            <p id="receipt-hint" class="hint">{t!(i18n, time.receipt_hint)}</p>
            <input id="receipt" name="receipt" type="file" required accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                aria-describedby="receipt-hint"/>
            <button type="submit" id="add-expense">{t!(i18n, time.add_expense)}</button>
        </form>

        <h2 id="claims">{t!(i18n, time.claims_heading)}</h2>
        <p><a href="/time/statement" id="statement-link">{t!(i18n, time.statement_link)}</a></p>
        <ActionError action=submit/>
        <ActionError action=withdraw/>
        <ActionError action=delete/>
        <ActionError action=defer/>
        <ActionError action=adjust/>
        {move || matches!(adjust.value().get(), Some(Ok(_))).then(|| view! {
            <p role="status" class="notice">{t!(i18n, time.corrected)}</p>
        })}
        {if data.claims.is_empty() {
            view! { <p>{t!(i18n, time.none)}</p> }.into_any()
        } else {
            let over_cap = data.over_cap;
            let this_year = data.this_year;
            view! {
                <ul class="card-list" id="claim-list">
                    {data.claims.into_iter().map(|c| {
                        let deferrable = over_cap && c.pay_year == this_year && !c.state.locked()
                            && c.state != ClaimState::Rejected;
                        view! { <ClaimCard c=c deferrable=deferrable/> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        {(!data.years.is_empty()).then(|| view! {
            <h2>{t!(i18n, time.years_heading)}</h2>
            <table id="years">
                <thead><tr>
                    <th scope="col">{t!(i18n, time.year)}</th>
                    <th scope="col">{t!(i18n, time.approved_total)}</th>
                    <th scope="col">{t!(i18n, time.paid_total)}</th>
                </tr></thead>
                <tbody>
                    {data.years.into_iter().map(|(y, total, paid)| view! {
                        <tr><th scope="row">{y}</th><td>{total}</td><td>{paid}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

/// One claim of the member's, with what they may do with it: submit, withdraw or delete an
/// open one, defer it to next year when the cap would be crossed, correct a locked one.
#[component]
fn ClaimCard(c: ClaimView, deferrable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id.to_string();
    let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
    let (id4, id5) = (id.clone(), id.clone());
    let correctable = c.state.locked() && c.adjusts.is_none();
    let time_entry = c.kind == ClaimKind::Time;
    let corrected_field = format!("corrected-{id}");
    let reason_field = format!("reason-{id}");
    let work_year: i32 = c
        .work_date
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(c.pay_year);
    let pay_year = c.pay_year;
    let receipt = c.receipt.then(|| format!("/time/claims/{id}/receipt"));
    let editable = matches!(c.state, ClaimState::Draft | ClaimState::Returned);
    let withdrawable = matches!(c.state, ClaimState::Submitted | ClaimState::FirstApproved);
    let deletable = c.state == ClaimState::Draft;
    view! {
        <li class="card" data-claim=id.clone() data-state=c.state.code()>
            <h3 class="card__title">
                {match (c.kind, c.activity, c.category) {
                    (ClaimKind::Time, Some(a), _) => view! { <ActivityLabel activity=a/> }.into_any(),
                    (ClaimKind::Expense, _, Some(cat)) => view! { <CategoryLabel category=cat/> }.into_any(),
                    _ => view! { <span>"—"</span> }.into_any(),
                }}
                " · "{c.work_date.clone()}
            </h3>
            <p>
                <strong class="claim-state"><StateLabel state=c.state/></strong>
                " · "<span class="amount">{c.amount.clone()}" "{c.currency.clone()}</span>
                {c.minutes.map(|m| view! { " · "{t!(i18n, time.minutes_n, n = move || m)} })}
                {c.rate.clone().map(|(price, unit)| view! { " · "{price}" "<UnitLabel unit/> })}
            </p>
            {c.adjusts.is_some().then(|| view! { <p class="hint adjustment">{t!(i18n, time.adjustment)}</p> })}
            {(pay_year != work_year).then(|| view! {
                <p class="hint counts-towards">{t!(i18n, time.counts_towards, year = move || pay_year)}</p>
            })}
            {(!c.description.is_empty()).then(|| view! { <p>{c.description.clone()}</p> })}
            {c.note.clone().map(|n| view! {
                <p class="notice" data-note="true"><strong>{t!(i18n, time.finance_note)}": "</strong>{n}</p>
            })}
            {receipt.map(|href| view! { <p><a href=href>{t!(i18n, time.receipt_download)}</a></p> })}
            <div class="actions">
                {editable.then(|| view! {
                    <PostForm url=SubmitClaim::url() return_to="/time#claims">
                        <input type="hidden" name="claim" value=id1.clone()/>
                        <button type="submit" class="submit-claim">{t!(i18n, time.submit)}</button>
                    </PostForm>
                })}
                {withdrawable.then(|| view! {
                    <PostForm url=WithdrawClaim::url() return_to="/time#claims">
                        <input type="hidden" name="claim" value=id2.clone()/>
                        <button type="submit" class="secondary">{t!(i18n, time.withdraw)}</button>
                    </PostForm>
                })}
                {deletable.then(|| view! {
                    <PostForm url=DeleteClaim::url() return_to="/time#claims">
                        <input type="hidden" name="claim" value=id3.clone()/>
                        <button type="submit" class="secondary">{t!(i18n, time.delete)}</button>
                    </PostForm>
                })}
                {deferrable.then(|| view! {
                    <PostForm url=DeferClaim::url() return_to="/time#claims">
                        <input type="hidden" name="claim" value=id4.clone()/>
                        <button type="submit" class="secondary defer-claim">{t!(i18n, time.defer)}</button>
                    </PostForm>
                })}
            </div>
            {correctable.then(|| view! {
                <details class="correct">
                    <summary>{t!(i18n, time.correct_summary)}</summary>
                    <p class="hint">{t!(i18n, time.correct_hint)}</p>
                    <PostForm url=AdjustClaim::url() class="stack" return_to="/time#claims">
                        <input type="hidden" name="claim" value=id5.clone()/>
                        <label for=corrected_field.clone()>{if time_entry {
                            t!(i18n, time.corrected_minutes).into_any()
                        } else {
                            t!(i18n, time.corrected_amount).into_any()
                        }}</label>
                        <input id=corrected_field.clone() name="corrected" required autocomplete="off"
                            inputmode=if time_entry { "numeric" } else { "decimal" }/>
                        <label for=reason_field.clone()>{t!(i18n, time.correct_reason)}</label>
                        <input id=reason_field.clone() name="reason" required maxlength="500" autocomplete="off"/>
                        <button type="submit" class="secondary adjust-claim">{t!(i18n, time.correct)}</button>
                    </PostForm>
                </details>
            })}
        </li>
    }
}

/// The payment preference page.
#[component]
pub fn PaymentPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| payment_preference());
    view! {
        <Title text=t_string!(i18n, titles.payment).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <PaymentForm view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PaymentForm(view: PaymentView) -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetPayment>::new();
    let chosen = view.method.unwrap_or(PaymentMethod::Bank);
    let kept = view.bic;
    view! {
        <h1>{t!(i18n, payment.heading)}</h1>
        <p class="hint">{t!(i18n, payment.who_sees)}</p>
        <ActionError action=set/>
        {move || matches!(set.value().get(), Some(Ok(()))).then(|| view! {
            <p role="status" class="notice">{t!(i18n, payment.saved)}</p>
        })}
        {kept.then(|| view! { <p id="bank-kept">{t!(i18n, payment.kept)}</p> })}
        <PostForm url=SetPayment::url() class="stack">
            <fieldset>
                <legend>{t!(i18n, payment.method)}</legend>
                {PaymentMethod::ALL.iter().map(|m| {
                    let id = format!("method-{}", m.code());
                    view! {
                        <span class="choice">
                            <input type="radio" id=id.clone() name="fields[method]" value=m.code() checked=*m == chosen/>
                            <label for=id><MethodLabel method=m.code()/></label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
            <p class="hint">{t!(i18n, payment.decline_hint)}</p>
            <label for="holder">{t!(i18n, payment.holder)}</label>
            <input id="holder" name="fields[holder]" maxlength="70" autocomplete="off"/>
            <label for="iban">{t!(i18n, payment.iban)}</label>
            <input id="iban" name="fields[iban]" maxlength="42" autocomplete="off" spellcheck="false"/>
            <label for="bic">{t!(i18n, payment.bic)}</label>
            <input id="bic" name="fields[bic]" maxlength="11" autocomplete="off" spellcheck="false"/>
            <label for="annual_cap">{t!(i18n, payment.cap, currency = move || view.currency.clone())}</label>
            <p id="cap-hint" class="hint">{t!(i18n, payment.cap_hint)}</p>
            <input id="annual_cap" name="fields[annual_cap]" inputmode="decimal" autocomplete="off"
                value=view.annual_cap.unwrap_or_default() aria-describedby="cap-hint"/>
            <button type="submit" id="save-payment">{t!(i18n, payment.save)}</button>
        </PostForm>
        <p><a href="/time">{t!(i18n, payment.back)}</a></p>
    }
}
