//! The example todo service as a tokio + axum app: it migrates at start-up, then serves.
//!
//! The runtime is synchronous (diesel's connections are), so the migrations run on tokio's
//! blocking pool with `spawn_blocking`: the worker threads stay free while a long backfill runs,
//! and the app starts serving only once its schema is the one its queries were compiled against.
//! An app that already has a pool of diesel connections (r2d2) migrates on one of them the same
//! way: `migrator.upgrade(&mut *pool.get()?, Target::Head)` inside `spawn_blocking`.
//!
//! ```text
//! DATABASE_URL=todo.sqlite3 LISTEN=127.0.0.1:3000 cargo run -p axum-app
//! curl 127.0.0.1:3000/users/count
//! ```

use std::error::Error;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use migrate_runtime::{AnyConnection, Migrator, Target};

type BoxError = Box<dyn Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "todo.sqlite3".to_owned());
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());

    let migrating = url.clone();
    let applied = tokio::task::spawn_blocking(move || migrate(&migrating)).await??;
    println!("applied {applied} migrations");

    let app = Router::new()
        .route("/users/count", get(count_users))
        .with_state(url);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// Applies what is pending; on every start after the first, one query finds nothing to do.
fn migrate(url: &str) -> Result<usize, migrate_runtime::Error> {
    let mut conn = AnyConnection::establish(url)?;
    let migrator = Migrator::new(&todo_migrations::MIGRATIONS)?;
    Ok(migrator.upgrade(&mut conn, Target::Head)?.len())
}

/// A query against the schema the migrations build (`todo_migrations::schema`), also on the
/// blocking pool.
async fn count_users(State(url): State<String>) -> String {
    let counted = tokio::task::spawn_blocking(move || -> Result<i64, BoxError> {
        use diesel::prelude::*;
        use migrate_runtime::{DataConnection, Database};
        use todo_migrations::schema::users;

        let mut conn = AnyConnection::establish(&url)?;
        Ok(match conn.data_connection() {
            DataConnection::Sqlite(conn) => users::table.count().get_result(conn)?,
            DataConnection::Postgres(conn) => users::table.count().get_result(conn)?,
            _ => 0,
        })
    })
    .await;
    match counted {
        Ok(Ok(count)) => count.to_string(),
        Ok(Err(error)) => format!("error: {error}"),
        Err(error) => format!("error: {error}"),
    }
}
