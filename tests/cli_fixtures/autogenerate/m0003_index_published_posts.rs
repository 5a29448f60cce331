migrate_runtime::migration! {
    /// The front page lists published posts by date.
    id: "0003_index_published_posts",
    parent: "0002_extend_blog",
    change {
        create_index(ix_posts_published_at, posts(published_at), where: "published_at IS NOT NULL", concurrently);
    }
}
