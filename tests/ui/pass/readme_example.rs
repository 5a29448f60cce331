mod data {
    use migrate_runtime::{BoxError, DataConnection};

    pub fn assign_teams(_: &mut DataConnection<'_>) -> Result<(), BoxError> {
        Ok(())
    }

    pub fn unassign_teams(_: &mut DataConnection<'_>) -> Result<(), BoxError> {
        Ok(())
    }
}

// The DSL example of the README, kept compiling.
migrate_runtime::migration! {
    /// Doc comment: shown by `history`, not part of the checksum.
    id: "0004_teams",
    parent: "0003_add_user_role",
    lock_timeout: "2s",                   // optional, PostgreSQL; also `statement_timeout`
    upgrade {
        create_table(teams, {
            id: bigint identity,
            name: varchar(100),
            motto: text nullable default("hi"),
            created_at: timestamptz default(now()),
        }, primary_key: pk_teams(id));
        create_index(ix_teams_created_at, teams(created_at));     // a new table: no `concurrently` needed
        add_check(ck_teams_name_not_blank, teams, "name <> ''");
        create_table(memberships, { user_id: bigint, team_id: bigint }, primary_key: pk_memberships(user_id, team_id));
        create_index(ix_memberships_team_id, memberships(team_id));
        add_foreign_key(fk_memberships_team_id, memberships(team_id), references: teams(id), on_delete: cascade);
        add_foreign_key(fk_memberships_user_id, memberships(user_id), references: users(id), on_delete: cascade);
        #[allow(rename_column, reason = "the app is the only client and ships with this migration")]
        rename_column(users, name => full_name);
        alter_column(users, bio, set_default("", from: none));
        create_enum(mood, ["happy", "sad"]);
        execute("CREATE VIEW team_sizes AS SELECT team_id, count(*) FROM memberships GROUP BY team_id",
                down: "DROP VIEW team_sizes");
        #[allow(lock_held_across_slow_step, reason = "assigns a few hundred users, in milliseconds")]
        run(up: crate::data::assign_teams, down: crate::data::unassign_teams);
    }
    downgrade {
        run(up: crate::data::unassign_teams, down: crate::data::assign_teams);
        execute("DROP VIEW team_sizes", down: "CREATE VIEW team_sizes AS SELECT team_id, count(*) FROM memberships GROUP BY team_id");
        drop_enum(mood, ["happy", "sad"]);
        alter_column(users, bio, drop_default(was: ""));
        rename_column(users, full_name => name);
        drop_table(memberships, { user_id: bigint, team_id: bigint }, primary_key: pk_memberships(user_id, team_id));
        drop_table(teams, {
            id: bigint identity,
            name: varchar(100),
            motto: text nullable default("hi"),
            created_at: timestamptz default(now()),
        }, primary_key: pk_teams(id));
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 12);
}
