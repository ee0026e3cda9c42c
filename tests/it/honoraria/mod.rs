//! Paid time: claims from draft to paid, separation of duties, SEPA files against the
//! official schema, batches made at once on two servers, exact totals, and bank details and
//! receipts kept out of places they must not be; meetings, corrections, deferring to next
//! year, statements, yearly totals and payment times.

mod browser;
mod exactness;
mod http;
mod logs;
mod records;
