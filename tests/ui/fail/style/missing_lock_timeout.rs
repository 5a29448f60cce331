// With the style lints on, a migration that locks an existing table says how long it may wait.
migrate_runtime::migrations! {
    #![pedantic]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tags",
            parent: none,
            change {
                create_table(tags, { id: bigint identity, name: text }, primary_key: pk_tags(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_tag_colors",
            parent: "0001_create_tags",
            change {
                add_column(tags, color: text nullable);
            }
        }
    }
}

fn main() {}
