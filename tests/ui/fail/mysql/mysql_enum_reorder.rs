// A label placed before others renumbers MySQL's stored enum values: every table is rewritten.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_todos",
            parent: none,
            change {
                create_enum(todo_status, ["open", "done"]);
                create_table(todos, { id: bigint identity, status: enum(todo_status) }, primary_key: pk_todos(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_add_draft_status",
            parent: "0001_create_todos",
            upgrade {
                add_enum_value(todo_status, "draft", before: "open");
            }
            downgrade {
                irreversible("PostgreSQL cannot remove a value from an enum type");
            }
        }
    }
}

fn main() {}
