// Removing a label re-creates the enum type and rewrites every table with a column of it.
migrate_runtime::migration! {
    id: "0007_retire_archived",
    parent: "0006_add_archived_status",
    upgrade {
        drop_enum_value(todo_status, "archived", after: "done");
    }
    downgrade {
        add_enum_value(todo_status, "archived", after: "done");
    }
}

fn main() {}
