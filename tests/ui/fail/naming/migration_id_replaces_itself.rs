// A squash that lists its own id, and another id twice: both are reported, each at its id.
migrate_runtime::migration! {
    id: "0003_squash",
    parent: none,
    replaces: ["0001_create_users", "0003_squash", "0002_add_name", "0001_create_users"],
    change {
        create_table(users, { id: bigint identity, name: text nullable }, primary_key: pk_users(id));
    }
}

fn main() {}
