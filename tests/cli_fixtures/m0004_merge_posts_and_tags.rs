migrate_runtime::migration! {
    /// Merge posts and tags
    id: "0004_merge_posts_and_tags",
    parents: ["0002_create_posts", "0003_create_tags"],
    change {
    }
}
