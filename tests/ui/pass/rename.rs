migrate_runtime::migration! {
    id: "0003_renames",
    parent: "0002_columns",
    change {
        #[allow(rename_table, reason = "single client, deployed with the migration")]
        rename_table(users => accounts);
        #[allow(rename_column, reason = "single client, deployed with the migration")]
        rename_column(accounts, name => full_name);
    }
}

fn main() {
    let migrate_runtime::core::model::Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert_eq!(down[0].to_string(), "rename_column(accounts, full_name => name)");
    assert_eq!(down[1].to_string(), "rename_table(accounts => users)");
}
