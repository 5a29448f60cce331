// `replaces: []` replaces nothing: the field is left out instead.
migrate_runtime::migration! {
    id: "0002_add_name",
    parent: "0001_create_users",
    replaces: [],
    change {
        add_column(users, name: text nullable);
    }
}

fn main() {}
