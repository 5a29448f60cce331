migrate_runtime::migration! {
    /// Done todos can be archived to hide them from the default view without deleting them.
    /// PostgreSQL cannot remove a value from an enum type, so this cannot be rolled back.
    id: "0006_add_archived_status",
    parent: "0005_index_open_todos",
    upgrade {
        add_enum_value(todo_status, "archived", after: "done");
    }
    downgrade {
        irreversible("PostgreSQL cannot remove a value from an enum type");
    }
}
