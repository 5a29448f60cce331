migrate_runtime::migration! {
    id: "0002_cleanup",
    parent: "0001_create_users",
    change {
        execute(
            "DROP TABLE sessions; ALTER TABLE users DROP COLUMN legacy, DROP CONSTRAINT ck_users_age, RENAME COLUMN name TO full_name; ALTER TABLE posts RENAME TO articles",
            down: "SELECT 1",
        );
    }
}

fn main() {}
