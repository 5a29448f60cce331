migrate_runtime::migration! {
    /// Baseline
    ///
    /// Written by `migrate new --autogenerate` from a database: its schema as it is, names included.
    id: "0001_baseline",
    parent: none,
    names: adopted,
    change {
        create_table(users, {
            id: bigint identity,
            email: varchar(320),
            bio: text nullable,
            logins: integer default(0),
        }, primary_key: pk_users(id));
        create_table(posts, {
            id: bigint identity,
            user_id: bigint,
            title: text,
            published_at: timestamptz nullable,
        }, primary_key: pk_posts(id));
        create_table(comments, {
            id: bigint identity,
            post_id: bigint,
            body: text,
            created_at: timestamptz default(now()),
        }, primary_key: pk_comments(id));
        create_index(ix_users_email, users(email), unique);
        create_index(ix_posts_user_id, posts(user_id));
        create_index(ix_comments_post_id, comments(post_id));
        create_index(ix_posts_published_at, posts(published_at), where: "(published_at IS NOT NULL)");
        add_check(ck_comments_body_not_empty, comments, "body <> ''::text");
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
        add_foreign_key(fk_comments_post_id, comments(post_id), references: posts(id), on_delete: cascade);
    }
}
