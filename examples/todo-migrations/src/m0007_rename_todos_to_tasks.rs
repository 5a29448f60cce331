migrate_runtime::migration! {
    /// The product now says "tasks" and "display name": the schema follows, so queries read like
    /// the API. While at it: titles lose their length limit (varchar to text is a metadata-only
    /// change in PostgreSQL), new tasks default to priority 0 so clients may omit it, and the
    /// never-displayed `notes` column goes. The `open_tasks` view serves the list endpoint.
    id: "0007_rename_todos_to_tasks",
    parent: "0006_add_archived_status",
    change {
        drop_column(todos, notes: text nullable);
        rename_table(todos => tasks);
        rename_column(users, name => display_name);
        alter_column(tasks, title, set_type(text, from: varchar(200)));
        alter_column(tasks, priority, set_default(0, from: none));
        execute(
            "CREATE VIEW open_tasks AS SELECT id, user_id, title, priority, created_at FROM tasks WHERE status = 'open'",
            down: "DROP VIEW open_tasks"
        );
    }
}
