migrate_runtime::migration! {
    parent: none,
    change {}
}

fn main() {}
