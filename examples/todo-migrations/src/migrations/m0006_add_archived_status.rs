migrate_runtime::migration! {
    /// Done todos can be archived to hide them from the default view without deleting them.
    /// Rolling back removes the label again: the type is re-created without it, which rewrites
    /// `todos` and fails while a todo is still archived.
    id: "0006_add_archived_status",
    parent: "0005_index_open_todos",
    upgrade {
        add_enum_value(todo_status, "archived", after: "done");
    }
    downgrade {
        #[allow(drop_enum_value, reason = "todos is small, and a rollback past 0006 happens only before any todo is archived")]
        drop_enum_value(todo_status, "archived", after: "done");
    }
}
