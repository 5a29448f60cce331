mod adds {
    migrate_runtime::migration! {
        /// On existing tables these run online: NOT VALID then VALIDATE, a unique index built
        /// concurrently; the migration runs op by op.
        id: "0006_constraints",
        parent: "0005_indexes",
        change {
            add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
            add_check(ck_users_age, users, "age >= 0");
            add_unique(uq_users_email, users(email));
        }
    }
}

mod drops {
    migrate_runtime::migration! {
        id: "0007_drop_constraints",
        parent: "0006_constraints",
        change {
            #[allow(drop_constraint, reason = "editors are gone since v3")]
            drop_foreign_key(fk_posts_editor_id, posts(editor_id), references: users(id), on_delete: set_null);
            #[allow(drop_constraint, reason = "legacy is always NULL")]
            drop_check(ck_users_legacy, users, "legacy IS NULL");
            #[allow(drop_constraint, reason = "handles are no longer unique by design")]
            drop_unique(uq_users_handle, users(handle));
        }
    }
}

use migrate_runtime::core::model::{Downgrade, Mode};

fn main() {
    assert_eq!(adds::MIGRATION.mode, Mode::NonTransactional);
    assert_eq!(drops::MIGRATION.mode, Mode::Transactional);
    let Downgrade::Ops(down) = &drops::MIGRATION.downgrade else { panic!() };
    assert_eq!(down.len(), 3);
}
