//! Paid time: the member's time and expenses and payment preference, finance's queue and
//! batches, the council's rate card, its meetings.

pub mod finance;
pub mod labels;
pub mod meetings;
pub mod rates;
pub mod statements;
pub mod time;
