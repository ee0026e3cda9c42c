//! Pages, one module per route (or group of routes).

pub mod account;
pub mod consultation;
pub mod council;
pub mod demo;
pub mod home;
pub mod invitation;
pub mod not_found;
pub mod sign_in;
