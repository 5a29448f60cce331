// MariaDB refuses `NOT NULL` on a generated column, and the set lists `mysql` among its targets.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_lines",
            parent: none,
            change {
                create_table(lines, {
                    id: bigint identity,
                    price: integer,
                    quantity: integer,
                    total: integer generated("price * quantity") stored,
                }, primary_key: pk_lines(id));
            }
        }
    }
}

fn main() {}
