migrate_runtime::migration! {
    id: "0002_type_change_narrowing",
    parent: "0001_create_users",
    upgrade {
        alter_column(users, nickname, set_type(varchar(20), from: text));
    }
    downgrade {
        alter_column(users, nickname, set_type(text, from: varchar(20)));
    }
}

fn main() {}
