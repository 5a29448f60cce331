// The expression is SQL in one string, and says something; `stored` follows it; a generated
// column is virtual unless stored. One error per op, all reported.
migrate_runtime::migration! {
    id: "0002_add_totals",
    parent: "0001_create_orders",
    change {
        add_column(orders, total: integer nullable generated(net + tax));
        add_column(orders, doubled: integer nullable generated(""));
        add_column(orders, halved: integer nullable stored);
        add_column(orders, tripled: integer nullable generated("net * 3") virtual);
    }
}

fn main() {}
