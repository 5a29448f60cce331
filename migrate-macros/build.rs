//! A build id for `migrations!()`'s cache (`src/cache.rs`): what it kept from an earlier build
//! is only trusted by the same build of this crate and of `migrate-core`, whose rules it ran.

use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");
    // In the workspace (or a git checkout of it), the rules' sources; a published migrate-core
    // comes with the same version as this crate, which the id includes.
    for path in ["../migrate-core/src", "../migrate-core/Cargo.toml"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    println!(
        "cargo:rustc-env=MIGRATE_MACROS_BUILD={}-{now}",
        env!("CARGO_PKG_VERSION")
    );
}
