// A foreign key on a column added to a live table: the help gives the whole safe sequence at
// once (the index built concurrently cannot share this migration with the new column), instead
// of a plain `create_index` that would fail two more rules.
migrate_runtime::migration! {
    id: "0005_orders_user",
    parent: "0004_orders",
    change {
        add_column(orders, user_id: bigint nullable);
        add_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: cascade);
    }
}

fn main() {}
