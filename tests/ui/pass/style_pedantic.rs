// The forms the style lints ask for: `bigint` keys and identities, `text` with its limit as a
// check, a `lock_timeout` on a migration that locks an existing table; and a lint waived, with
// its reason, where the team decides otherwise.
migrate_runtime::migrations! {
    #![pedantic]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tags",
            parent: none,
            change {
                create_table(tags, { id: bigint identity, name: text }, primary_key: pk_tags(id));
                add_check(ck_tags_name_length, tags, "char_length(name) <= 40");
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_tag_colors",
            parent: "0001_create_tags",
            lock_timeout: "2s",
            change {
                #[allow(varchar_length, reason = "a hex color is 7 characters, for good")]
                add_column(tags, color: varchar(7) nullable);
            }
        }
    }
}

fn main() {}
