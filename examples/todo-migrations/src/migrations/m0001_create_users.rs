migrate_runtime::migration! {
    /// Accounts: everyone who owns tasks signs in with an email address, which must identify one
    /// account only, hence the unique constraint. An address is at most 320 characters, and a
    /// bounded type is what MySQL can index.
    id: "0001_create_users",
    parent: none,
    change {
        create_table(users, {
            id: bigint identity,
            email: varchar(320),
            name: text,
            created_at: timestamptz default(now()),
        }, primary_key: pk_users(id));
        add_unique(uq_users_email, users(email));
    }
}
