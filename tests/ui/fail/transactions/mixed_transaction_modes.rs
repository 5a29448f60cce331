migrate_runtime::migration! {
    id: "0002_index_and_table",
    parent: "0001_create_users",
    change {
        create_table(audit, { id: bigint });
        create_index(ix_users_email, users(email), concurrently);
    }
}

fn main() {}
