migrate_runtime::migration! {
    id: "0002_case",
    parent: "0001_create_users",
    change {
        create_table(UserProfiles, { userId: bigint });
    }
}

fn main() {}
