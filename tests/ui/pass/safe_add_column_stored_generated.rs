// A stored generated column declared with its table, which has no rows to compute it for; on an
// existing table, the plain column the app (or a trigger) fills, backfilled in batches.
migrate_runtime::migration! {
    id: "0002_invoice_totals",
    parent: "0001_create_users",
    change {
        create_table(invoices, {
            id: bigint identity,
            net: numeric(12, 2),
            tax: numeric(12, 2),
            total: numeric(12, 2) generated("net + tax") stored,
        }, primary_key: pk_invoices(id));
        add_column(orders, total: numeric(12, 2) nullable);
        backfill(orders, set: "total = net + tax", where: "total IS NULL", batch: 10_000);
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 3);
}
