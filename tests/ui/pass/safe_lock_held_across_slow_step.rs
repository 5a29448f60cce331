fn fill(_: &mut migrate_runtime::DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> {
    Ok(())
}

mod m0002 {
    migrate_runtime::migration! {
        /// The DDL commits on its own ...
        id: "0002_add_plan",
        parent: "0001_create_users",
        change { add_column(users, plan: text nullable); }
    }
}

mod m0003 {
    migrate_runtime::migration! {
        /// ... and the data step runs in the next migration, holding no DDL lock.
        id: "0003_fill_plan",
        parent: "0002_add_plan",
        upgrade { run(up: crate::fill); }
        downgrade { irreversible("the data step has no inverse"); }
    }
}

fn main() {
    assert_eq!(m0003::MIGRATION.parents.as_ref(), ["0002_add_plan"]);
    assert_eq!(m0002::MIGRATION.upgrade.len(), 1);
}
