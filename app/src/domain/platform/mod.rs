//! Platform: what every capability stands on and nothing above it is known here.
//!
//! Owns the database connection and its write transactions ([`db`]), field encryption and
//! keyed hashes ([`crypto`]), the hash-chained audit log ([`audit`]), the mail outbox and its
//! discreet templates ([`mail`]), per-process rate limits ([`limits`]) keyed on the client's
//! address behind trusted proxies ([`client`]), the append-only consent
//! ledger ([`consent`]) and shared text handling: the sanitized Markdown subset and word diffs
//! ([`text`]). Its tables: `audit_log`, `audit_head`, `audit_unattributed`,
//! `audit_unattributed_head`, `outbox`, `consent_record`.
//!
//! Depends on nothing else in the domain (only on `crate::model`).

pub mod audit;
pub mod client;
pub mod consent;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod limits;
pub mod mail;
pub mod text;
