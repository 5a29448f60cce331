migrate_runtime::migration! {
    id: "0002_create_lines",
    parent: "0001_create_orders",
    change {
        create_table(lines, { id: bigint generated("order_id * 1000 + position") stored identity }, primary_key: pk_lines(id));
    }
}

fn main() {}
