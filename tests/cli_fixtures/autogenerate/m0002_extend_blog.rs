migrate_runtime::migration! {
    /// Users have a bio and a sign-in count, posts a publication date, and readers comment.
    id: "0002_extend_blog",
    parent: "0001_create_blog",
    change {
        add_column(users, bio: text nullable);
        add_column(users, logins: integer default(0));
        add_column(posts, published_at: timestamptz nullable);
        create_table(comments, {
            id: bigint identity,
            post_id: bigint,
            body: text,
            created_at: timestamptz default(now()),
        }, primary_key: pk_comments(id));
        create_index(ix_comments_post_id, comments(post_id));
        add_foreign_key(fk_comments_post_id, comments(post_id), references: posts(id), on_delete: cascade);
        add_check(ck_comments_body_not_empty, comments, "body <> ''");
    }
}
