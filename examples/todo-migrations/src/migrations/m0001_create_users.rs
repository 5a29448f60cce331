migrate_runtime::migration! {
    /// Accounts: everyone who owns tasks signs in with an email address, which must identify one
    /// account only, hence the unique constraint.
    id: "0001_create_users",
    parent: none,
    change {
        create_table(users, {
            id: bigint identity,
            email: text,
            name: text,
            created_at: timestamptz default(now()),
        }, primary_key: pk_users(id));
        add_unique(uq_users_email, users(email));
    }
}
