//! Paid time: the member's time and expenses and payment preference, finance's queue and
//! batches, the council's rate card.

pub mod finance;
pub mod labels;
pub mod rates;
pub mod time;
