migrate_runtime::migration! {
    id: "0002_widen_email",
    parent: "0001_create_users",
    change {
        alter_column(users, email, set_type(text, from: varchar(255)));
    }
}

fn main() {}
