//! `/council/rates`: the rate card (everybody in the council reads it; the council admin adds
//! lines) and the honoraria settings (threshold, paying account).

use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

use super::labels::{ActivityLabel, UnitLabel};
use crate::api::honoraria::{AddRate, SetHonorariaSettings, get_rate_card};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::PostForm;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::{Activity, RateCard, RateUnit};

/// The rate card page.
#[component]
pub fn RatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_rate_card());
    view! {
        <Title text=t_string!(i18n, titles.rates).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(card) => view! { <CardView card/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CardView(card: RateCard) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddRate>::new();
    let settings = ServerAction::<SetHonorariaSettings>::new();
    let currency = card.currency.clone();
    let currency2 = card.currency.clone();
    let threshold = card.second_approval_above.clone().unwrap_or_default();
    view! {
        <h1>{t!(i18n, rates.heading)}</h1>
        <p class="lead">{t!(i18n, rates.intro, currency = move || currency.clone())}</p>
        {if card.lines.is_empty() {
            view! { <p id="no-rates">{t!(i18n, rates.empty)}</p> }.into_any()
        } else {
            view! {
                <table id="rate-card">
                    <thead><tr>
                        <th scope="col">{t!(i18n, time.activity)}</th>
                        <th scope="col">{t!(i18n, rates.price)}</th>
                        <th scope="col">{t!(i18n, fields.allowance)}</th>
                        <th scope="col">{t!(i18n, fields.effective_from)}</th>
                    </tr></thead>
                    <tbody>
                        {card.lines.into_iter().map(|l| {
                            let cur = currency2.clone();
                            let cur2 = currency2.clone();
                            view! {
                                <tr class:current=l.current data-activity=l.activity.code()>
                                    <th scope="row"><ActivityLabel activity=l.activity/>
                                        {l.current.then(|| view! { " "<span class="hint">{t!(i18n, rates.in_force)}</span> })}</th>
                                    <td>{l.amount.clone()}" "{cur}" "<UnitLabel unit=l.unit/></td>
                                    <td>{l.allowance.clone()}" "{cur2}</td>
                                    <td>{l.effective_from.clone()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {card.may_edit.then(|| view! {
            <h2>{t!(i18n, rates.add_heading)}</h2>
            <p class="hint">{t!(i18n, rates.add_hint)}</p>
            <ActionError action=add/>
            <PostForm url=AddRate::url() class="stack">
                <label for="rate-activity">{t!(i18n, time.activity)}</label>
                <select id="rate-activity" name="fields[activity]">
                    {Activity::ALL.iter().map(|a| view! { <option value=a.code()><ActivityLabel activity=*a/></option> }).collect_view()}
                </select>
                <label for="rate-unit">{t!(i18n, fields.unit)}</label>
                <select id="rate-unit" name="fields[unit]">
                    {RateUnit::ALL.iter().map(|u| view! { <option value=u.code()><UnitLabel unit=*u/></option> }).collect_view()}
                </select>
                <label for="rate-amount">{t!(i18n, rates.price)}</label>
                <input id="rate-amount" name="fields[amount]" required inputmode="decimal" autocomplete="off"/>
                <label for="rate-allowance">{t!(i18n, fields.allowance)}</label>
                <input id="rate-allowance" name="fields[allowance]" inputmode="decimal" autocomplete="off"/>
                <label for="rate-from">{t!(i18n, fields.effective_from)}</label>
                <input id="rate-from" name="fields[effective_from]" type="date" required/>
                <button type="submit" id="add-rate">{t!(i18n, rates.add)}</button>
            </PostForm>
            <h2>{t!(i18n, rates.settings_heading)}</h2>
            <p class="hint" id="debtor-status" data-set=card.debtor_set.to_string()>{move || if card.debtor_set {
                t!(i18n, rates.debtor_set).into_any()
            } else {
                t!(i18n, rates.debtor_missing).into_any()
            }}</p>
            <ActionError action=settings/>
            <PostForm url=SetHonorariaSettings::url() class="stack">
                <label for="threshold">{t!(i18n, fields.second_approval_above)}</label>
                <input id="threshold" name="fields[second_approval_above]" inputmode="decimal" value=threshold.clone() autocomplete="off"/>
                <label for="debtor-name">{t!(i18n, fields.debtor_name)}</label>
                <input id="debtor-name" name="fields[debtor_name]" maxlength="70" autocomplete="off"/>
                <label for="debtor-iban">{t!(i18n, fields.iban)}</label>
                <input id="debtor-iban" name="fields[debtor_iban]" maxlength="42" autocomplete="off" spellcheck="false"/>
                <label for="debtor-bic">{t!(i18n, fields.bic)}</label>
                <input id="debtor-bic" name="fields[debtor_bic]" maxlength="11" autocomplete="off" spellcheck="false"/>
                <button type="submit" id="save-settings">{t!(i18n, rates.save_settings)}</button>
            </PostForm>
        })}
    }
}
