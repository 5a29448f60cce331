mod data {
    use migrate_runtime::DataConnection;

    pub fn fill(_: &mut DataConnection<'_>) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Ok(())
    }

    pub fn unfill(_: &mut DataConnection<'_>) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Ok(())
    }
}

mod migrations {
    migrate_runtime::migration! {
        id: "0010_data_step",
        parent: none,
        change {
            run(up: crate::data::fill, down: crate::data::unfill);
        }
    }
    migrate_runtime::migrations!();
}

fn main() {
    let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS).unwrap();
    let registration = migrator.registration("0010_data_step").unwrap();
    assert!(registration.rust_step("crate::data::fill").is_some());
    assert!(registration.rust_step("crate::data::unfill").is_some());
    assert!(registration.rust_step("crate::data::other").is_none());
}
