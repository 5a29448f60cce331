// With the style lints on, a length in the type is reported: the limit belongs in a check.
migrate_runtime::migrations! {
    #![pedantic]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tags",
            parent: none,
            change {
                create_table(tags, { id: bigint identity, name: varchar(40) }, primary_key: pk_tags(id));
            }
        }
    }
}

fn main() {}
