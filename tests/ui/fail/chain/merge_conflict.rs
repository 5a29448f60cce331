// Both branches add `users.role`; each is fine alone, their merge is not.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
            }
        }
    }
    mod m0002a {
        migrate_runtime::migration! {
            id: "0002_add_user_role",
            parent: "0001_create_users",
            change { add_column(users, role: text nullable); }
        }
    }
    mod m0002b {
        migrate_runtime::migration! {
            id: "0002_add_user_role_again",
            parent: "0001_create_users",
            change { add_column(users, role: varchar(20) nullable); }
        }
    }
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_merge",
            parents: ["0002_add_user_role", "0002_add_user_role_again"],
            change {}
        }
    }
}

fn main() {}
