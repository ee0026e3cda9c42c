//! Pages, one folder per capability (as in `domain/`), plus the shell's own pages.

pub mod consultations;
pub mod demo;
pub mod home;
pub mod honoraria;
pub mod identity;
pub mod mentorship;
pub mod not_found;
