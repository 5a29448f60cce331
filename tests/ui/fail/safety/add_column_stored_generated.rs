migrate_runtime::migration! {
    id: "0002_add_order_total",
    parent: "0001_create_orders",
    change {
        add_column(orders, total: numeric(12, 2) generated("net + tax") stored);
    }
}

fn main() {}
