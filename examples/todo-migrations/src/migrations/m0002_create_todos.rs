migrate_runtime::migration! {
    /// Todos, owned by a user and removed with their owner. The status is an enum so that the
    /// database refuses unknown states; the index serves "my todos", the check refuses blank
    /// titles that the UI could not display.
    id: "0002_create_todos",
    parent: "0001_create_users",
    change {
        create_enum(todo_status, ["open", "done"]);
        create_table(todos, {
            id: bigint identity,
            user_id: bigint,
            title: varchar(200),
            notes: text nullable,
            status: enum(todo_status) default("open"),
            created_at: timestamptz default(now()),
        }, primary_key: pk_todos(id));
        create_index(ix_todos_user_id, todos(user_id));
        add_foreign_key(fk_todos_user_id, todos(user_id), references: users(id), on_delete: cascade);
        add_check(ck_todos_title_not_blank, todos, "title <> ''");
    }
}
