migrate_runtime::migration! {
    /// Sign-in moved to stateless signed tokens, so server-side sessions are no longer read. The
    /// table is dropped with its foreign key and index named, so that a rollback re-creates all
    /// three. The tokens carry the display name, which early accounts have blank: the data step
    /// names them after their email address. A rollback keeps those names, which stay valid, so
    /// the step has nothing to undo.
    id: "0008_retire_sessions",
    parent: "0007_rename_todos_to_tasks",
    change {
        drop_foreign_key(fk_sessions_user_id, sessions(user_id), references: users(id), on_delete: cascade);
        drop_index(uq_sessions_token_hash, sessions(token_hash), unique);
        drop_index(ix_sessions_user_id, sessions(user_id));
        #[allow(drop_table, reason = "sessions are not read since 0.9 (stateless tokens); losing them signs everyone out once, which is announced")]
        drop_table(sessions, {
            id: uuid default(gen_random_uuid()),
            user_id: bigint,
            token_hash: varchar(64),
            expires_at: timestamptz,
        }, primary_key: pk_sessions(id));
        run(up: crate::data::name_blank_accounts, down: migrate_runtime::data::nothing_to_undo);
    }
}
