migrate_runtime::migration! {
    id: "0001_create_users",
    parent: none,
    change {
        create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
    }
}
