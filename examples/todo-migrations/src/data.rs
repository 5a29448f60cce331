//! Rust data steps, registered by `run(up: …, down: …)` in a migration.
//!
//! A data step is written once for every backend the app runs on: the methods of
//! [`DataConnection`] take `$1`-style parameters everywhere and read rows by column name.

use migrate_runtime::{BoxError, DataConnection};

/// Upgrade data step of `0008_retire_sessions`: accounts whose display name is blank are named
/// after their email address (the part before the `@`), because the signed tokens that replace
/// sessions carry the name and the clients show it.
///
/// Rust rather than SQL because the same function then runs on PostgreSQL, SQLite and MySQL,
/// where the SQL would need `split_part`, `substr`/`instr` and `SUBSTRING_INDEX`. It works in
/// batches of 100 accounts still blank, and every account it reads gets a name that is not, so
/// each batch makes progress and the last one finds none.
pub(crate) fn name_blank_accounts(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
    conn.in_batches(|conn| {
        let blank = conn.query(
            "SELECT id, email FROM users WHERE trim(display_name) = '' ORDER BY id LIMIT 100",
            &[],
        )?;
        for account in &blank {
            let id: i64 = account.get("id")?;
            let email: String = account.get("email")?;
            let local_part = email.split('@').next().unwrap_or_default();
            let name = [local_part, &email]
                .into_iter()
                .map(str::trim)
                .find(|name| !name.is_empty())
                .map_or_else(|| format!("user {id}"), str::to_owned);
            conn.execute(
                "UPDATE users SET display_name = $1 WHERE id = $2",
                &[&name, &id],
            )?;
        }
        Ok::<_, BoxError>(blank.len())
    })?;
    Ok(())
}
