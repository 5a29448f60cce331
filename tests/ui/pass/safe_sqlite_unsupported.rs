// A key SQLite can drop: the table's own constraint on a plain `bigint`, not an identity
// column's rowid (rebuilt without it on SQLite).
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_memberships",
            parent: none,
            change {
                create_table(memberships, { id: bigint, user_id: bigint, project_id: bigint }, primary_key: pk_memberships(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_unkey_membership_ids",
            parent: "0001_create_memberships",
            change {
                #[allow(drop_constraint, reason = "the key moves to (user_id, project_id)")]
                drop_primary_key(pk_memberships, memberships(id));
            }
        }
    }
}

fn main() {}
