migrate_runtime::migration! {
    /// An identity column on a new table.
    id: "0002_add_column_identity",
    parent: "0001_create_users",
    change {
        create_table(invoices, { number: bigint identity, total: numeric(12, 2) }, primary_key: pk_invoices(number));
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
