// A downgrade may drop what its upgrade added, and run the `down:` of the upgrade's raw SQL:
// neither loses data the database had before the migration. (Dropping such data is waived on the
// downgrade op, with the reason: `#[allow(drop_column, reason = "…")]`.)
migrate_runtime::migration! {
    id: "0007_profiles",
    parent: "0006_users",
    upgrade {
        add_column(users, bio: text nullable);
    }
    downgrade {
        drop_column(users, bio: text nullable);
    }
}

mod snapshot {
    migrate_runtime::migration! {
        id: "0008_snapshot_flags",
        parent: "0007_profiles",
        upgrade {
            execute("CREATE TABLE flag_snapshot AS SELECT id, flags FROM users", down: "DROP TABLE flag_snapshot");
        }
        downgrade {
            execute("DROP TABLE flag_snapshot", down: "CREATE TABLE flag_snapshot AS SELECT id, flags FROM users");
        }
    }
}

fn main() {}
