//! Rebuild the crate when a migration file is added to `src/migrations/`: `migrations!()` declares
//! one module per file there, and cargo watches only the files it already compiled.
fn main() {
    println!("cargo:rerun-if-changed=src/migrations");
}
