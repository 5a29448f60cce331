migrate_runtime::migration! {
    id: "0002_raw_sql",
    parent: "0001_create_users",
    change {
        execute("DO $$ BEGIN UPDATE users SET email = lower(email); END $$", down: "SELECT 1");
    }
}

fn main() {}
