migrate_runtime::migration! {
    id: "0003_merge",
    parents: ["0003_merge", "0002_a", "0002_a"],
    change {}
}

fn main() {}
