// A squash of 0001 and 0002, whose files are gone: 0003 still names 0002, which now means the
// squash, and keeps its text and checksum.
mod migrations {
    mod squash {
        migrate_runtime::migration! {
            id: "0003_squash_users",
            parent: none,
            replaces: ["0001_create_users", "0002_add_name"],
            change {
                create_table(users, { id: bigint identity, name: text nullable }, primary_key: pk_users(id));
            }
        }
    }
    mod child {
        migrate_runtime::migration! {
            id: "0003_add_role",
            parent: "0002_add_name",
            change { add_column(users, role: text nullable); }
        }
    }
    migrate_runtime::migrations!();
}

fn main() {
    let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS).unwrap();
    let ids: Vec<&str> = migrator.migrations().iter().map(|m| m.id.as_ref()).collect();
    assert_eq!(ids, ["0003_squash_users", "0003_add_role"]);
    let squash = migrator.migrations()[0];
    assert_eq!(squash.replaces.as_ref(), ["0001_create_users", "0002_add_name"]);
    assert!(migrate_runtime::core::canonical::migration(squash)
        .contains("replaces: [\"0001_create_users\", \"0002_add_name\"]\n"));
    let child = migrator.migrations()[1];
    assert_eq!(child.parents.as_ref(), ["0002_add_name"]);
    assert!(!migrate_runtime::core::canonical::migration(child).contains("replaces"));
    assert_eq!(migrator.heads()[0].id, "0003_add_role");
    assert_eq!(migrator.resolve("0002_add_name").unwrap().id, "0003_squash_users");
}
