// An index made by an earlier migration serves the foreign key; a type mismatch the chain finds
// is waived on the op, and the waiver counts as used.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users_and_posts",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
                create_table(posts, { id: bigint identity, user_id: bigint, legacy_user_id: integer nullable }, primary_key: pk_posts(id));
                create_index(ix_posts_user_id, posts(user_id));
                create_index(ix_posts_legacy_user_id, posts(legacy_user_id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_posts_belong_to_users",
            parent: "0001_create_users_and_posts",
            change {
                add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                #[allow(foreign_key_type_mismatch, reason = "legacy ids fit in integer; the column goes away in 0005")]
                add_foreign_key(fk_posts_legacy_user_id, posts(legacy_user_id), references: users(id), on_delete: set_null);
            }
        }
    }
}

fn main() {
    let migrator = migrate_runtime::Migrator::new(&MIGRATIONS).unwrap();
    assert_eq!(migrator.migrations().len(), 2);
}
