migrate_runtime::migration! {
    /// The todo list shows a user's open todos by priority, and the activity feed sorts by
    /// creation. `todos` is busy by now, so both indexes are built `concurrently`, which is why
    /// they are alone in this migration; the first is partial, since done todos are never listed.
    id: "0005_index_open_todos",
    parent: "0004_add_todo_priority",
    change {
        create_index(ix_todos_user_id_priority, todos(user_id, priority), concurrently, where: "status = 'open'");
        create_index(ix_todos_created_at, todos(created_at), concurrently);
    }
}
