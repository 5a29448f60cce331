// A dropped name longer than 63 bytes: PostgreSQL would look for the name it truncates to.
migrate_runtime::migration! {
    id: "0005_drop_legacy_index",
    parent: "0004_add_legacy_index",
    change {
        drop_index(ix_users_this_index_name_is_much_too_long_for_postgresql_to_keep_it, users(email), concurrently);
    }
}

fn main() {}
