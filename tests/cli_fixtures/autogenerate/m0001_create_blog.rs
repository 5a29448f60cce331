migrate_runtime::migration! {
    /// Users write posts.
    id: "0001_create_blog",
    parent: none,
    change {
        create_table(users, {
            id: bigint identity,
            email: varchar(320),
        }, primary_key: pk_users(id));
        create_index(ix_users_email, users(email), unique);
        create_table(posts, {
            id: bigint identity,
            user_id: bigint,
            title: text,
        }, primary_key: pk_posts(id));
        create_index(ix_posts_user_id, posts(user_id));
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
    }
}
