//! Pages, one module per route (or group of routes).

pub mod account;
pub mod consultation;
pub mod council;
pub mod demo;
pub mod home;
pub mod invitation;
pub mod manage;
pub mod not_found;
pub mod outcome;
pub mod sign_in;
