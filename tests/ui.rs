//! Compile-time behaviour of `migration!`: every rejection has a compile-fail case with a reviewed
//! `.stderr`, every accepted form a pass case whose `main` asserts on the built migration.
//!
//! Bless new snapshots with `TRYBUILD=overwrite cargo test -p migrate-tests --test ui`, then read
//! the diff: a snapshot is reviewed, not generated.

use std::path::Path;

use migrate_core::CheckId;

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*/*.rs");
}

/// Every rule has at least one compile-fail case named after it.
#[test]
fn every_rule_has_a_compile_fail_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fail");
    let missing: Vec<String> = CheckId::ALL
        .iter()
        .map(|check| format!("{}/{}.rs", check.family(), check.as_str()))
        .filter(|case| !root.join(case).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a compile-fail case: {missing:?}"
    );
}
