migrate_runtime::migration! {
    id: "0002_raw",
    parent: "0001_create_users",
    change {
        execute("UPDATE users SET email = lower(email)");
        run(up: crate::lowercase);
    }
}

fn lowercase(_: &mut migrate_runtime::DataConnection<'_>) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}

fn main() {}
