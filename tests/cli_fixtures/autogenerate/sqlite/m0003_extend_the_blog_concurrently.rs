migrate_runtime::migration! {
    /// Extend the blog
    ///
    /// Written by `migrate new --autogenerate` from a database.
    /// Builds, outside a transaction, the indexes of tables that have rows, then what needs them.
    id: "0003_extend_the_blog_concurrently",
    parent: "0002_extend_the_blog",
    change {
        create_index(ix_posts_published_at, posts(published_at), where: "published_at IS NOT NULL", concurrently);
    }
}
