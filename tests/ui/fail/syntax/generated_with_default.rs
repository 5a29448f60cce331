migrate_runtime::migration! {
    id: "0002_add_total",
    parent: "0001_create_orders",
    change {
        add_column(orders, total: integer nullable default(0) generated("net + tax"));
    }
}

fn main() {}
