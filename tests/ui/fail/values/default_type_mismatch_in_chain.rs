// The column's type comes from an earlier migration; the enum's labels too.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_todos",
            parent: none,
            change {
                create_enum(todo_status, ["open", "done"]);
                create_table(todos, {
                    id: bigint identity,
                    position: integer,
                    status: enum(todo_status),
                }, primary_key: pk_todos(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_todo_defaults",
            parent: "0001_create_todos",
            change {
                alter_column(todos, position, set_default(true, from: none));
                alter_column(todos, status, set_default("archived", from: none));
            }
        }
    }
}

fn main() {}
