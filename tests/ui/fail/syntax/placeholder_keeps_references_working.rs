mod m0002 {
    migrate_runtime::migration! {
        id: "0002_broken",
        parent: "0001_create_users",
        change {
            add_colunm(users, bio: text nullable);
        }
    }
}

// Only the op error above is reported: `MIGRATION` still exists, so this line adds no error.
static REFERENCE: &migrate_runtime::core::model::Migration = &m0002::MIGRATION;

fn main() {}
