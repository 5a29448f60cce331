// An `sql(…)` default that calls nothing volatile is evaluated once by `ADD COLUMN`: no rewrite,
// so no waiver.
migrate_runtime::migration! {
    id: "0004_add_user_settings",
    parent: "0003_add_user_role",
    change {
        add_column(users, settings: jsonb default(sql("'{}'::jsonb")));
        add_column(users, trial_ends_at: timestamptz default(sql("now() + interval '14 days'")));
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 2);
}
