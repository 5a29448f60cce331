migrate_runtime::migration! {
    /// The product now says "tasks" and "display name": the schema follows, so queries read like
    /// the API. While at it: titles lose their length limit (varchar to text is a metadata-only
    /// change in PostgreSQL), new tasks default to priority 0 so clients may omit it, and the
    /// never-displayed `notes` column goes. The `open_tasks` view serves the list endpoint.
    ///
    /// The renames would break running clients of another service; this app is the only client
    /// of its database and is deployed with its migrations, so the breaking ops are waived, each
    /// with its reason. The downgrade is written out because turning `text` back into
    /// `varchar(200)` could fail, and the waiver for that belongs on the downgrade.
    id: "0007_rename_todos_to_tasks",
    parent: "0006_add_archived_status",
    upgrade {
        #[allow(drop_column, reason = "notes was never displayed and no query reads it since 0.4")]
        drop_column(todos, notes: text nullable);
        #[allow(rename_table, reason = "the app is the only client of this database and ships with the migration")]
        rename_table(todos => tasks);
        #[allow(rename_column, reason = "the app is the only client of this database and ships with the migration")]
        rename_column(users, name => display_name);
        #[allow(mysql_type_change, type_change_rechecks, reason = "tasks holds a few thousand rows: MySQL copies it, and PostgreSQL re-checks ck_todos_title_not_blank, in well under a second")]
        alter_column(tasks, title, set_type(text, from: varchar(200)));
        alter_column(tasks, priority, set_default(0, from: none));
        execute(
            "CREATE VIEW open_tasks AS SELECT id, user_id, title, priority, created_at FROM tasks WHERE status = 'open'",
            down: "DROP VIEW open_tasks"
        );
    }
    downgrade {
        execute(
            "DROP VIEW open_tasks",
            down: "CREATE VIEW open_tasks AS SELECT id, user_id, title, priority, created_at FROM tasks WHERE status = 'open'"
        );
        alter_column(tasks, priority, drop_default(was: 0));
        #[allow(type_change_narrowing, reason = "the API has rejected titles over 200 characters since 0.1")]
        alter_column(tasks, title, set_type(varchar(200), from: text));
        rename_column(users, display_name => name);
        rename_table(tasks => todos);
        add_column(todos, notes: text nullable);
    }
}
