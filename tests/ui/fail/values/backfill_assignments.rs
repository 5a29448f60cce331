// `role` is assigned twice, and `status` is not assigned at all: PostgreSQL would refuse the
// UPDATE when the backfill runs.
migrate_runtime::migration! {
    id: "0004_fill_roles",
    parent: "0003_add_user_role",
    change {
        backfill(users, set: "role = 'member', role = lower(role), status", where: "role IS NULL", batch: 1_000);
    }
}

fn main() {}
