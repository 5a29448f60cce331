// A squash's parent is what comes before the range it replaces, never part of it.
migrate_runtime::migration! {
    id: "0004_squash",
    parent: "0002_add_name",
    replaces: ["0002_add_name", "0003_add_role"],
    change {
        add_column(users, role: text nullable);
    }
}

fn main() {}
