// Migration files in `missing_build_script/migrations/`, and no build script to make cargo
// rebuild the crate when one is added there.
migrate_runtime::migrations!();

fn main() {}
