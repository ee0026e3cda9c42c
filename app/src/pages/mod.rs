//! Pages, one module per route.

pub mod consultation;
pub mod demo;
pub mod home;
pub mod not_found;
