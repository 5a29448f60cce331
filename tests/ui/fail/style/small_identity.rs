// With the style lints on, an identity column narrower than `bigint` is reported.
migrate_runtime::migrations! {
    #![pedantic]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tags",
            parent: none,
            change {
                create_table(tags, { id: bigint, code: integer identity, name: text }, primary_key: pk_tags(id));
            }
        }
    }
}

fn main() {}
