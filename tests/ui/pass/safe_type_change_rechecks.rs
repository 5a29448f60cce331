// The check comes off, the type widens without a rewrite or a scan, and the check goes back on,
// validated without blocking writes (NOT VALID, then VALIDATE).
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: varchar(100) }, primary_key: pk_users(id));
                add_check(ck_users_email_at, users, "position('@' in email) > 1");
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_longer_emails",
            parent: "0001_create_users",
            upgrade {
                #[allow(drop_constraint, reason = "added back below, in the same migration")]
                drop_check(ck_users_email_at, users, "position('@' in email) > 1");
                alter_column(users, email, set_type(varchar(320), from: varchar(100)));
                add_check(ck_users_email_at, users, "position('@' in email) > 1");
            }
            downgrade {
                drop_check(ck_users_email_at, users, "position('@' in email) > 1");
                #[allow(type_change_narrowing, reason = "no email is longer than 100")]
                alter_column(users, email, set_type(varchar(100), from: varchar(320)));
                add_check(ck_users_email_at, users, "position('@' in email) > 1");
            }
        }
    }
}

fn main() {}
