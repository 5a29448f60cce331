migrate_runtime::migration! {
    /// Server-side sessions for signed-in users. Only a hash of the token is stored; it is looked
    /// up on every request, so it gets a unique index, and a user's sessions go with the user (the
    /// index on `user_id` keeps deleting a user from scanning every session). The hash is the hex
    /// of a SHA-256: 64 characters, a bounded type MySQL can index.
    id: "0003_create_sessions",
    parent: "0002_create_todos",
    change {
        create_table(sessions, {
            id: uuid default(gen_random_uuid()),
            user_id: bigint,
            token_hash: varchar(64),
            expires_at: timestamptz,
        }, primary_key: pk_sessions(id));
        create_index(uq_sessions_token_hash, sessions(token_hash), unique);
        create_index(ix_sessions_user_id, sessions(user_id));
        add_foreign_key(fk_sessions_user_id, sessions(user_id), references: users(id), on_delete: cascade);
    }
}
