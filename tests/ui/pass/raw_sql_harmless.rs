// Raw SQL the checker reads as harmless to a live table needs no waiver.
migrate_runtime::migration! {
    id: "0002_reporting",
    parent: "0001_create_users",
    change {
        execute("CREATE VIEW active_users AS SELECT * FROM users WHERE active", down: "DROP VIEW active_users");
        execute("COMMENT ON TABLE users IS 'people who signed up'", down: "COMMENT ON TABLE users IS NULL");
        execute("GRANT SELECT ON users TO reporting", down: "REVOKE SELECT ON users FROM reporting");
        execute("CREATE TABLE user_notes (id bigint PRIMARY KEY, body text NOT NULL); CREATE INDEX ix_user_notes_body ON user_notes (body)", down: "DROP TABLE user_notes");
        execute("ALTER TABLE users ADD CONSTRAINT ck_users_email CHECK (email <> '') NOT VALID", down: "ALTER TABLE users DROP CONSTRAINT ck_users_email");
        execute("UPDATE users SET email = lower(email) WHERE email <> lower(email)", down: "SELECT 1");
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 6);
}
