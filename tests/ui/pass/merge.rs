mod migrations {
    mod root {
        migrate_runtime::migration! { id: "0001_root", parent: none, change { create_table(a, { id: bigint }); } }
    }
    mod left {
        migrate_runtime::migration! { id: "0002_left", parent: "0001_root", change { create_table(b, { id: bigint }); } }
    }
    mod right {
        migrate_runtime::migration! { id: "0002_right", parent: "0001_root", change { create_table(c, { id: bigint }); } }
    }
    mod merge {
        migrate_runtime::migration! { id: "0003_merge", parents: ["0002_left", "0002_right"], change {} }
    }
    migrate_runtime::migrations!();
}

fn main() {
    let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS).unwrap();
    let ids: Vec<&str> = migrator.migrations().iter().map(|m| m.id.as_ref()).collect();
    assert_eq!(ids, ["0001_root", "0002_left", "0002_right", "0003_merge"]);
}
