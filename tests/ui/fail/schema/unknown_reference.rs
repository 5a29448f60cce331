migrate_runtime::migration! {
    id: "0002_drop_then_use",
    parent: "0001_create_users",
    upgrade {
        drop_table(sessions, { id: bigint, token: text });
        create_index(ix_sessions_token, sessions(token));
    }
    downgrade {
        drop_index(ix_sessions_token, sessions(token));
        create_table(sessions, { id: bigint, token: text });
    }
}

fn main() {}
