migrate_runtime::migration! {
    /// A table created in the same migration has no rows: a plain index is fine.
    id: "0002_create_teams",
    parent: "0001_create_users",
    change {
        create_table(teams, { id: bigint, name: text }, primary_key: pk_teams(id));
        create_index(ix_teams_name, teams(name));
    }
}

fn main() {
    assert_eq!(MIGRATION.mode, migrate_runtime::core::model::Mode::Transactional);
}
