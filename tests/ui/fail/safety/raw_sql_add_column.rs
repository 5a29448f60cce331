migrate_runtime::migration! {
    id: "0002_add_columns",
    parent: "0001_create_users",
    change {
        execute(
            "ALTER TABLE users ADD COLUMN handle text NOT NULL, ADD COLUMN token uuid DEFAULT gen_random_uuid(), ADD COLUMN seq bigserial",
            down: "ALTER TABLE users DROP COLUMN handle, DROP COLUMN token, DROP COLUMN seq",
        );
    }
}

fn main() {}
