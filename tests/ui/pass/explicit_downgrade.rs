migrate_runtime::migration! {
    /// A hand-written downgrade is accepted when it provably undoes the upgrade.
    id: "0011_users_and_posts",
    parent: none,
    upgrade {
        create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
        create_table(posts, { id: bigint identity, user_id: bigint, title: text default("") }, primary_key: pk_posts(id));
        create_index(ix_posts_user_id, posts(user_id));
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
    }
    downgrade {
        drop_table(posts, { id: bigint identity, user_id: bigint, title: text default("") }, primary_key: pk_posts(id));
        drop_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
    }
}

fn main() {
    // Dropping `posts` drops its index and foreign key with it, so the downgrade is complete.
    assert_eq!(MIGRATION.upgrade.len(), 4);
}
