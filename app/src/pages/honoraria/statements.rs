//! `/time/statement`: a member's statement for a period, a page that prints cleanly to PDF,
//! with its CSV beside it. `/finance/totals`: finance's yearly totals per person.
//! `/council/payment-times`: how long approval and payment take, and what waits.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::labels::{ActivityLabel, CategoryLabel, StateLabel, UnitLabel};
use crate::api::honoraria::{get_payment_figures, get_statement, get_year_totals};
use crate::components::error::LoadError;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::{PaymentFigures, Period, Statement, StepFigure, YearTotals};

/// The statement page.
#[component]
pub fn StatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let period = move || {
        let q = query.read();
        Period {
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        }
    };
    let data = Resource::new(period, get_statement);
    view! {
        <Title text=t_string!(i18n, titles.statement).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => view! { <StatementView s/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatementView(s: Statement) -> impl IntoView {
    let i18n = use_i18n();
    let csv = format!("/time/statement.csv?from={}&to={}", s.from, s.to);
    let (from, to) = (s.from.clone(), s.to.clone());
    let (from2, to2) = (s.from.clone(), s.to.clone());
    let name = s.name.clone();
    let council = s.council.clone();
    let made_on = s.made_on.clone();
    view! {
        <div class="statement print-view">
            <p class="no-print"><a href="/time">{t!(i18n, statement.back)}</a></p>
            <form method="get" action="/time/statement" class="filters no-print">
                <label for="from">{t!(i18n, fields.from)}</label>
                <input id="from" name="from" type="date" value=from2/>
                <label for="to">{t!(i18n, fields.to)}</label>
                <input id="to" name="to" type="date" value=to2/>
                <button type="submit" id="show-statement">{t!(i18n, statement.show)}</button>
            </form>
            <p class="no-print hint">{t!(i18n, statement.print_hint)}" "
                <a href=csv id="statement-csv" download="statement.csv">{t!(i18n, statement.csv)}</a></p>
            <h1>{t!(i18n, statement.heading)}</h1>
            <p class="hint no-print">{t!(i18n, statement.who_sees)}</p>
            <dl class="figures">
                <dt>{t!(i18n, statement.for_whom)}</dt><dd id="statement-name">{name}</dd>
                <dt>{t!(i18n, statement.council)}</dt><dd>{council}</dd>
                <dt>{t!(i18n, statement.period)}</dt><dd id="statement-period">{from}" – "{to}</dd>
                <dt>{t!(i18n, statement.made_on)}</dt><dd>{made_on}</dd>
            </dl>
            <h2>{t!(i18n, statement.entries)}</h2>
            {if s.lines.is_empty() {
                view! { <p id="no-lines">{t!(i18n, statement.none)}</p> }.into_any()
            } else {
                view! {
                    <table id="statement-lines">
                        <thead><tr>
                            <th scope="col">{t!(i18n, time.date)}</th>
                            <th scope="col">{t!(i18n, statement.what)}</th>
                            <th scope="col">{t!(i18n, time.minutes)}</th>
                            <th scope="col">{t!(i18n, statement.rate)}</th>
                            <th scope="col">{t!(i18n, time.amount)}</th>
                            <th scope="col">{t!(i18n, fields.state)}</th>
                            <th scope="col">{t!(i18n, statement.paid_on)}</th>
                        </tr></thead>
                        <tbody>
                            {s.lines.into_iter().map(|l| {
                                let c = l.claim;
                                view! {
                                    <tr data-state=c.state.code()>
                                        <td>{c.work_date.clone()}</td>
                                        <td>
                                            {match (c.activity, c.category) {
                                                (Some(a), _) => view! { <ActivityLabel activity=a/> }.into_any(),
                                                (_, Some(cat)) => view! { <CategoryLabel category=cat/> }.into_any(),
                                                _ => view! { <span>"—"</span> }.into_any(),
                                            }}
                                            {c.adjusts.is_some().then(|| view! { " "<span class="hint">{t!(i18n, statement.correction)}</span> })}
                                        </td>
                                        <td>{c.minutes.map(|m| m.to_string()).unwrap_or_default()}</td>
                                        <td>{c.rate.clone().map(|(p, u)| view! { {p}" "<UnitLabel unit=u/> })}</td>
                                        <td class="amount">{c.amount.clone()}" "{c.currency.clone()}</td>
                                        <td><StateLabel state=c.state/></td>
                                        <td>{l.paid_on.clone().unwrap_or_default()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {(!s.totals.is_empty()).then(|| view! {
                <h2>{t!(i18n, statement.totals)}</h2>
                <table id="statement-totals">
                    <thead><tr>
                        <th scope="col">{t!(i18n, time.currency)}</th>
                        <th scope="col">{t!(i18n, time.approved_total)}</th>
                        <th scope="col">{t!(i18n, time.paid_total)}</th>
                    </tr></thead>
                    <tbody>
                        {s.totals.into_iter().map(|(c, total, paid)| view! {
                            <tr><th scope="row">{c}</th><td>{total}</td><td>{paid}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <h2>{t!(i18n, statement.payments)}</h2>
            {if s.payments.is_empty() {
                view! { <p id="no-payments">{t!(i18n, statement.no_payments)}</p> }.into_any()
            } else {
                view! {
                    <table id="statement-payments">
                        <thead><tr>
                            <th scope="col">{t!(i18n, statement.paid_on)}</th>
                            <th scope="col">{t!(i18n, time.amount)}</th>
                        </tr></thead>
                        <tbody>
                            {s.payments.into_iter().map(|(day, c, amount)| view! {
                                <tr><td>{day}</td><td>{amount}" "{c}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {(!s.years.is_empty()).then(|| view! {
                <h2>{t!(i18n, time.years_heading)}</h2>
                <table id="statement-years">
                    <thead><tr>
                        <th scope="col">{t!(i18n, time.year)}</th>
                        <th scope="col">{t!(i18n, time.approved_total)}</th>
                        <th scope="col">{t!(i18n, time.paid_total)}</th>
                    </tr></thead>
                    <tbody>
                        {s.years.into_iter().map(|(y, total, paid)| view! {
                            <tr><th scope="row">{y}</th><td>{total}</td><td>{paid}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
}

/// Finance's yearly totals page.
#[component]
pub fn YearTotalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let year = move || query.read().get("year").unwrap_or_default();
    let data = Resource::new(year, get_year_totals);
    view! {
        <Title text=t_string!(i18n, titles.totals).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(totals) => view! { <TotalsView totals/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TotalsView(totals: YearTotals) -> impl IntoView {
    let i18n = use_i18n();
    let year = totals.year;
    let currency = totals.currency.clone();
    let (approved, paid, pending) = totals.total.clone();
    view! {
        <h1>{t!(i18n, totals.heading, year = move || year)}</h1>
        <p class="hint">{t!(i18n, totals.intro, currency = move || currency.clone())}</p>
        <p><a href="/finance">{t!(i18n, totals.back)}</a></p>
        <form method="get" action="/finance/totals" class="filters">
            <label for="year">{t!(i18n, fields.year)}</label>
            <select id="year" name="year">
                {totals.years.iter().map(|y| view! {
                    <option value=y.to_string() selected=*y == year>{*y}</option>
                }).collect_view()}
            </select>
            <button type="submit">{t!(i18n, totals.show)}</button>
        </form>
        {if totals.rows.is_empty() {
            view! { <p id="no-totals">{t!(i18n, totals.none)}</p> }.into_any()
        } else {
            view! {
                <table id="year-totals">
                    <thead><tr>
                        <th scope="col">{t!(i18n, fields.person)}</th>
                        <th scope="col">{t!(i18n, time.approved_total)}</th>
                        <th scope="col">{t!(i18n, time.paid_total)}</th>
                        <th scope="col">{t!(i18n, totals.pending)}</th>
                        <th scope="col">{t!(i18n, fields.annual_cap)}</th>
                    </tr></thead>
                    <tbody>
                        {totals.rows.into_iter().map(|r| view! {
                            <tr data-person=r.person.to_string()>
                                <th scope="row">{r.person_name}</th>
                                <td class="approved">{r.approved}</td>
                                <td class="paid">{r.paid}</td>
                                <td>{r.pending}</td>
                                <td>{r.cap.unwrap_or_default()}
                                    {r.over_cap.then(|| view! { " "<strong class="over-cap">{t!(i18n, totals.over_cap)}</strong> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot><tr>
                        <th scope="row">{t!(i18n, totals.all)}</th>
                        <td id="total-approved">{approved}</td><td>{paid}</td><td>{pending}</td><td></td>
                    </tr></tfoot>
                </table>
            }.into_any()
        }}
    }
}

/// The payment times page.
#[component]
pub fn PaymentTimesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_payment_figures());
    view! {
        <Title text=t_string!(i18n, titles.payment_times).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(figures) => view! { <FiguresView figures/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One step's three cells; with none to show, why: nothing measured, or (for the auditor)
/// nothing that rests on five people or more.
#[component]
fn Step(f: StepFigure, held: bool) -> impl IntoView {
    let i18n = use_i18n();
    match (f.median, f.p90) {
        (Some(m), Some(p)) => {
            let n = f.claims;
            view! { <td>{m}</td><td>{p}</td><td>{n}</td> }.into_any()
        }
        _ if held => {
            view! { <td colspan="3" class="hint held-back">{t!(i18n, payment_times.held)}</td> }
                .into_any()
        }
        _ => view! { <td colspan="3" class="hint">{t!(i18n, payment_times.none)}</td> }.into_any(),
    }
}

#[component]
fn FiguresView(figures: PaymentFigures) -> impl IntoView {
    let i18n = use_i18n();
    let pending = |rows: Vec<(String, i64, String)>, id: &'static str| {
        if rows.is_empty() {
            view! { <p id=id>{t!(i18n, payment_times.nothing_waits)}</p> }.into_any()
        } else {
            view! {
                <ul id=id>
                    {rows.into_iter().map(|(c, n, amount)| view! {
                        <li>{t!(i18n, payment_times.waiting_line, n = move || n, amount = move || amount.clone(), currency = move || c.clone())}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }
    };
    let held = figures.suppressed;
    view! {
        <h1>{t!(i18n, payment_times.heading)}</h1>
        <p class="lead">{t!(i18n, payment_times.intro)}</p>
        {figures.suppressed.then(|| view! { <p class="notice" id="held-back">{t!(i18n, payment_times.suppressed)}</p> })}
        <table id="payment-times">
            <caption>{t!(i18n, payment_times.caption)}</caption>
            <thead>
                <tr>
                    <th scope="col" rowspan="2">{t!(i18n, payment_times.month)}</th>
                    <th scope="colgroup" colspan="3">{t!(i18n, payment_times.to_approval)}</th>
                    <th scope="colgroup" colspan="3">{t!(i18n, payment_times.to_payment)}</th>
                </tr>
                <tr>
                    <th scope="col">{t!(i18n, payment_times.median)}</th>
                    <th scope="col">{t!(i18n, payment_times.p90)}</th>
                    <th scope="col">{t!(i18n, payment_times.claims)}</th>
                    <th scope="col">{t!(i18n, payment_times.median)}</th>
                    <th scope="col">{t!(i18n, payment_times.p90)}</th>
                    <th scope="col">{t!(i18n, payment_times.claims)}</th>
                </tr>
            </thead>
            <tbody>
                {figures.months.into_iter().map(|m| view! {
                    <tr data-month=m.month.clone()>
                        <th scope="row">{m.month.clone()}</th>
                        <Step f=m.to_approval held=held/>
                        <Step f=m.to_payment held=held/>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2>{t!(i18n, payment_times.pending_decision)}</h2>
        {pending(figures.pending_decision, "pending-decision")}
        <h2>{t!(i18n, payment_times.pending_payment)}</h2>
        {pending(figures.pending_payment, "pending-payment")}
    }
}
