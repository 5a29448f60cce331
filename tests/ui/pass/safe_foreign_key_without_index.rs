migrate_runtime::migration! {
    /// The referencing column is indexed.
    id: "0002_foreign_key_without_index",
    parent: "0001_create_users",
    change {
        create_table(posts, { id: bigint, user_id: bigint }, primary_key: pk_posts(id));
        create_index(ix_posts_user_id, posts(user_id));
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
