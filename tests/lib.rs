//! End-to-end tests of the whole suite live in `tests/e2e`.
