migrate_runtime::migration! {
    /// Give every user a role: add nullable, backfill in batches, then require it.
    id: "0009_add_user_role",
    parent: "0008_raw_sql",
    upgrade {
        add_column(users, role: varchar(50) nullable);
        backfill(users, set: "role = 'member'", where: "role IS NULL", batch: 10_000);
        alter_column(users, role, set_not_null);
    }
    downgrade {
        drop_column(users, role: varchar(50));
    }
}

use migrate_runtime::core::model::{Mode, Op};

fn main() {
    assert_eq!(MIGRATION.mode, Mode::NonTransactional);
    assert!(matches!(&MIGRATION.upgrade[1], Op::Backfill { batch_size: 10_000, .. }));
}
