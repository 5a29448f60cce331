// On MySQL, a check added to a table with rows is checked on every row while writes wait.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, age: integer }, primary_key: pk_users(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_check_user_age",
            parent: "0001_create_users",
            change {
                add_check(ck_users_age, users, "age >= 0");
            }
        }
    }
}

fn main() {}
