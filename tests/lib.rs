//! Test-only crate: see  for the test binary.
