// With the style lints on (`pedantic`), a table keyed by a 32-bit integer is reported: the key
// runs out, and widening it then rewrites the table and every foreign key to it.
migrate_runtime::migrations! {
    #![pedantic]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tags",
            parent: none,
            change {
                create_table(tags, { id: integer, name: text }, primary_key: pk_tags(id));
            }
        }
    }
}

fn main() {}
