migrate_runtime::migration! {
    id: "0001_first",
    change {}
}

fn main() {}
