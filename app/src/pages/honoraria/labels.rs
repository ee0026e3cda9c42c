//! Translated names of paid time's codes.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};
use crate::model::honoraria::{
    Activity, BatchState, ClaimState, ExpenseCategory, PaymentMethod, RateUnit,
};

/// An activity's name.
#[component]
pub fn ActivityLabel(activity: Activity) -> impl IntoView {
    let i18n = use_i18n();
    match activity {
        Activity::Review => t!(i18n, time.activity_review).into_any(),
        Activity::Meeting => t!(i18n, time.activity_meeting).into_any(),
        Activity::Preparation => t!(i18n, time.activity_preparation).into_any(),
        Activity::Mentoring => t!(i18n, time.activity_mentoring).into_any(),
        Activity::Training => t!(i18n, time.activity_training).into_any(),
        Activity::Speaking => t!(i18n, time.activity_speaking).into_any(),
        Activity::Other => t!(i18n, time.activity_other).into_any(),
    }
}

/// A rate unit's name ("per hour").
#[component]
pub fn UnitLabel(unit: RateUnit) -> impl IntoView {
    let i18n = use_i18n();
    match unit {
        RateUnit::Hour => t!(i18n, time.unit_hour).into_any(),
        RateUnit::HalfDay => t!(i18n, time.unit_half_day).into_any(),
        RateUnit::Day => t!(i18n, time.unit_day).into_any(),
    }
}

/// An expense category's name.
#[component]
pub fn CategoryLabel(category: ExpenseCategory) -> impl IntoView {
    let i18n = use_i18n();
    match category {
        ExpenseCategory::Travel => t!(i18n, time.category_travel).into_any(),
        ExpenseCategory::Care => t!(i18n, time.category_care).into_any(),
        ExpenseCategory::Interpreting => t!(i18n, time.category_interpreting).into_any(),
        ExpenseCategory::Accessibility => t!(i18n, time.category_accessibility).into_any(),
        ExpenseCategory::Other => t!(i18n, time.category_other).into_any(),
    }
}

/// A claim state's name.
#[component]
pub fn StateLabel(state: ClaimState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        ClaimState::Draft => t!(i18n, time.state_draft).into_any(),
        ClaimState::Submitted => t!(i18n, time.state_submitted).into_any(),
        ClaimState::Returned => t!(i18n, time.state_returned).into_any(),
        ClaimState::FirstApproved => t!(i18n, time.state_first_approved).into_any(),
        ClaimState::Approved => t!(i18n, time.state_approved).into_any(),
        ClaimState::Rejected => t!(i18n, time.state_rejected).into_any(),
        ClaimState::InBatch => t!(i18n, time.state_in_batch).into_any(),
        ClaimState::Paid => t!(i18n, time.state_paid).into_any(),
    }
}

/// A payment method's name (also `missing`: no bank details).
#[component]
pub fn MethodLabel(#[prop(into)] method: String) -> impl IntoView {
    let i18n = use_i18n();
    match PaymentMethod::from_code(&method) {
        Some(PaymentMethod::Bank) => t!(i18n, payment.method_bank).into_any(),
        Some(PaymentMethod::Voucher) => t!(i18n, payment.method_voucher).into_any(),
        Some(PaymentMethod::Decline) => t!(i18n, payment.method_decline).into_any(),
        None => t!(i18n, payment.method_missing).into_any(),
    }
}

/// A batch state's name.
#[component]
pub fn BatchStateLabel(state: BatchState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        BatchState::Created => t!(i18n, finance.batch_created).into_any(),
        BatchState::Paid => t!(i18n, finance.batch_paid).into_any(),
    }
}
