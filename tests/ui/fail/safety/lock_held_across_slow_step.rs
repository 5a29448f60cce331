fn fill(_: &mut migrate_runtime::DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> {
    Ok(())
}

migrate_runtime::migration! {
    id: "0002_add_and_fill_plan",
    parent: "0001_create_users",
    upgrade {
        add_column(users, plan: text nullable);
        run(up: crate::fill);
    }
    downgrade {
        irreversible("the data step has no inverse");
    }
}

fn main() {}
