migrate_runtime::migration! {
    id: "0002_names",
    parent: "0001_create_users",
    change {
        create_table(teams, { id: bigint, owner_id: bigint, name: text, age: integer }, primary_key: teams_pkey(id));
        create_index(teams_name_idx, teams(name));
        create_index(ix_teams_owner_id, teams(owner_id));
        add_foreign_key(teams_owner_fkey, teams(owner_id), references: users(id), on_delete: cascade);
        add_check(age_positive, teams, "age >= 0");
        add_unique(ix_teams_name_unique, teams(name));
    }
}

fn main() {}
