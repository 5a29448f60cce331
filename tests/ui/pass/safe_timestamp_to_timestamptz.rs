// `timestamp` → `timestamptz` keeps the stored bytes when the session's time zone is UTC, so
// PostgreSQL does not rewrite the table: the rendering pins UTC for the statement (existing
// values are read as UTC) and sets the session's zone back.
use migrate_runtime::core::render::{render, Dialect, Step};

migrate_runtime::migration! {
    id: "0005_events_at_with_zone",
    parent: "0004_events",
    change {
        alter_column(events, at, set_type(timestamptz, from: timestamp));
    }
}

fn main() {
    assert_eq!(
        render(&MIGRATION.upgrade[0], Dialect::Postgres),
        [Step::Sql(r#"SET LOCAL TIME ZONE 'UTC'; ALTER TABLE "events" ALTER COLUMN "at" TYPE timestamptz; SET LOCAL TIME ZONE DEFAULT"#.into())]
    );
}
