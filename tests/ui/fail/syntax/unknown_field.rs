migrate_runtime::migration! {
    id: "0002_typo",
    parnet: "0001_create_users",
    change {}
}

fn main() {}
