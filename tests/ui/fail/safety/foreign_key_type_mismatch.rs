migrate_runtime::migration! {
    id: "0002_foreign_key_type_mismatch",
    parent: "0001_create_users",
    change {
        create_table(teams, { id: bigint }, primary_key: pk_teams(id));
        create_table(players, { id: bigint, team_id: integer }, primary_key: pk_players(id));
        create_index(ix_players_team_id, players(team_id));
        add_foreign_key(fk_players_team_id, players(team_id), references: teams(id), on_delete: cascade);
    }
}

fn main() {}
