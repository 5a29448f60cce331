migrate_runtime::migration! {
    /// Todos get a priority (0 = normal). Existing rows are many, so the column is added nullable,
    /// filled in batches that do not hold a long lock, and only then required.
    id: "0004_add_todo_priority",
    parent: "0003_create_sessions",
    upgrade {
        add_column(todos, priority: smallint nullable);
        backfill(todos, set: "priority = 0", where: "priority IS NULL", batch: 5_000);
        alter_column(todos, priority, set_not_null);
    }
    downgrade {
        drop_column(todos, priority: smallint);
    }
}
