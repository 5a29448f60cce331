//! Sets of migrations for the integration tests, each selected by its own `MIGRATIONS` token.

/// A linear chain exercising tables, indexes, a foreign key, a backfill and a check.
pub mod chain {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, {
                        id: bigint identity,
                        email: text,
                        name: text nullable,
                    }, primary_key: pk_users(id));
                    create_index(ix_users_email, users(email), unique);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_create_posts",
                parent: "0001_create_users",
                change {
                    create_table(posts, {
                        id: bigint identity,
                        user_id: bigint,
                        title: text,
                        body: text nullable,
                    }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_add_user_role",
                parent: "0002_create_posts",
                upgrade {
                    add_column(users, role: varchar(50) nullable);
                    backfill(users, set: "role = 'member'", where: "role IS NULL", batch: 2);
                    alter_column(users, role, set_not_null);
                }
                downgrade {
                    drop_column(users, role: varchar(50));
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                id: "0004_rename_title",
                parent: "0003_add_user_role",
                change {
                    #[allow(rename_column, reason = "fixture: no client reads posts")]
                    rename_column(posts, title => headline);
                    add_check(ck_posts_headline_not_empty, posts, "headline <> ''");
                }
            }
        }
    }
}

/// Migration 2 fails half-way: its table must not survive.
pub mod failing {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_accounts",
                parent: none,
                change { create_table(accounts, { id: bigint }, primary_key: pk_accounts(id)); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_audit",
                parent: "0001_create_accounts",
                change {
                    create_table(audit, { id: bigint });
                    execute("INSERT INTO no_such_table VALUES (1)", down: "DELETE FROM audit");
                }
            }
        }
    }
}

/// The same migrations with migration 2 fixed, as the next build of the app would have them.
pub mod fixed {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_accounts",
                parent: none,
                change { create_table(accounts, { id: bigint }, primary_key: pk_accounts(id)); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_audit",
                parent: "0001_create_accounts",
                change {
                    create_table(audit, { id: bigint });
                    execute("INSERT INTO audit VALUES (1)", down: "DELETE FROM audit");
                }
            }
        }
    }
}

/// A unique index built concurrently on an existing table.
pub mod concurrent {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_items",
                parent: none,
                change { create_table(items, { id: bigint, code: text }); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_index_item_codes",
                parent: "0001_create_items",
                change { create_index(ix_items_code, items(code), unique, concurrently); }
            }
        }
    }
}

/// Raw `CREATE INDEX CONCURRENTLY`, two statements in one `execute`: each runs on its own,
/// outside any transaction, as PostgreSQL requires.
pub mod raw_concurrent {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_items",
                parent: none,
                change { create_table(items, { id: bigint, code: text }); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_index_item_codes",
                parent: "0001_create_items",
                change {
                    execute(
                        "CREATE INDEX CONCURRENTLY ix_items_code_lower ON items (lower(code)); CREATE INDEX CONCURRENTLY ix_items_id ON items (id)",
                        down: "DROP INDEX CONCURRENTLY ix_items_id; DROP INDEX CONCURRENTLY ix_items_code_lower",
                    );
                }
            }
        }
    }
}

/// An `alter_column` on a parent table, which SQLite can only do by rebuilding the table.
pub mod rebuild_parent {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_teams_and_members",
                parent: none,
                change {
                    create_table(teams, { id: bigint, name: text nullable }, primary_key: pk_teams(id));
                    create_table(members, { id: bigint, team_id: bigint }, primary_key: pk_members(id));
                    create_index(ix_members_team_id, members(team_id));
                    add_foreign_key(fk_members_team_id, members(team_id), references: teams(id), on_delete: cascade);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_default_team_name",
                parent: "0001_create_teams_and_members",
                change { alter_column(teams, name, set_default("unnamed", from: none)); }
            }
        }
    }
}

/// Online constraint ops on a table with rows.
pub mod online {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_accounts_and_orders",
                parent: none,
                change {
                    create_table(accounts, { id: bigint, email: text, age: integer nullable }, primary_key: pk_accounts(id));
                    create_table(orders, { id: bigint, account_id: bigint }, primary_key: pk_orders(id));
                    create_index(ix_orders_account_id, orders(account_id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_constraints",
                parent: "0001_create_accounts_and_orders",
                change {
                    add_foreign_key(fk_orders_account_id, orders(account_id), references: accounts(id), on_delete: cascade);
                    add_check(ck_accounts_age, accounts, "age >= 0");
                    alter_column(accounts, age, set_not_null);
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_unique_email",
                parent: "0002_constraints",
                change { add_unique(uq_accounts_email, accounts(email)); }
            }
        }
    }
}

/// A migration that needs an ACCESS EXCLUSIVE lock, with a short lock_timeout.
pub mod blocked {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_events",
                parent: none,
                change { create_table(events, { id: bigint }); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_event_kind",
                parent: "0001_create_events",
                lock_timeout: "300ms",
                change { add_column(events, kind: text nullable); }
            }
        }
    }
}

/// Every kind of op, in forms that run on all three backends, checked with MySQL's rules too.
pub mod portable {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users_and_posts",
                parent: none,
                change {
                    create_enum(user_status, ["active", "suspended"]);
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(320),
                        name: varchar(100) nullable,
                        status: enum(user_status) default("active"),
                        created_at: timestamptz default(now()),
                    }, primary_key: pk_users(id));
                    add_unique(uq_users_email, users(email));
                    create_table(posts, {
                        id: bigint identity,
                        user_id: bigint,
                        title: varchar(200),
                        body: text nullable,
                        price: numeric(10, 2) default(0),
                        published: boolean default(false),
                    }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                    add_check(ck_posts_title_not_blank, posts, "title <> ''");
                    execute(
                        "INSERT INTO users (email, name) VALUES ('a@example.com', NULL), ('b@example.com', 'B'), ('c@example.com', NULL)",
                        down: "DELETE FROM users"
                    );
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_require_user_names",
                parent: "0001_create_users_and_posts",
                upgrade {
                    add_column(users, score: integer default(0));
                    backfill(users, set: "name = 'anonymous'", where: "name IS NULL", batch: 2);
                    alter_column(users, name, set_not_null);
                    alter_column(users, name, set_default("anonymous", from: none));
                }
                downgrade {
                    alter_column(users, name, drop_default(was: "anonymous"));
                    alter_column(users, name, drop_not_null);
                    drop_column(users, score: integer default(0));
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_index_user_names",
                parent: "0002_require_user_names",
                change {
                    create_index(ix_users_name, users(name), concurrently, where: "status = 'active'");
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                id: "0004_reshape_posts",
                parent: "0003_index_user_names",
                upgrade {
                    #[allow(rename_column, reason = "fixture: no client reads posts")]
                    rename_column(posts, body => content);
                    #[allow(type_change_rechecks, reason = "fixture: posts has a few rows")]
                    alter_column(posts, title, set_type(varchar(300), from: varchar(200)));
                    execute("CREATE VIEW active_users AS SELECT id, email FROM users", down: "DROP VIEW active_users");
                }
                downgrade {
                    execute("DROP VIEW active_users", down: "CREATE VIEW active_users AS SELECT id, email FROM users");
                    #[allow(type_change_narrowing, reason = "fixture: no title is longer than 200 characters")]
                    alter_column(posts, title, set_type(varchar(200), from: varchar(300)));
                    rename_column(posts, content => body);
                }
            }
        }
        mod m0005 {
            migrate_runtime::migration! {
                id: "0005_unique_titles",
                parent: "0004_reshape_posts",
                change {
                    add_unique(uq_posts_user_id_title, posts(user_id, title));
                }
            }
        }
        mod m0006 {
            migrate_runtime::migration! {
                id: "0006_rename_posts",
                parent: "0005_unique_titles",
                change {
                    #[allow(rename_table, reason = "fixture: no client reads posts")]
                    rename_table(posts => articles);
                }
            }
        }
    }
}

/// A migration whose second step fails on the data until the data is fixed, on MySQL.
pub mod duplicate_emails {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, { id: bigint identity, email: varchar(320) }, primary_key: pk_users(id));
                    execute(
                        "INSERT INTO users (email) VALUES ('a@example.com'), ('a@example.com'), ('b@example.com')",
                        down: "DELETE FROM users"
                    );
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_unique_emails",
                parent: "0001_create_users",
                upgrade {
                    add_column(users, verified: boolean default(false));
                    #[allow(index_not_concurrent, reason = "fixture: a failing second step on MySQL, which builds indexes online")]
                    create_index(uq_users_email, users(email), unique);
                }
                downgrade {
                    #[allow(drop_index_not_concurrent, reason = "fixture: MySQL drops indexes online")]
                    drop_index(uq_users_email, users(email), unique);
                    drop_column(users, verified: boolean default(false));
                }
            }
        }
    }
}

/// SQL written per dialect: a trigger, which each database spells its own way.
pub mod per_dialect {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_notes",
                parent: none,
                change {
                    create_table(notes, { id: bigint identity, body: text }, primary_key: pk_notes(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_stamp_notes",
                parent: "0001_create_notes",
                change {
                    #[allow(raw_sql, reason = "fixture: a trigger has no typed op")]
                    execute(
                        postgres: "CREATE FUNCTION notes_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := NEW.body || ' [postgres]'; RETURN NEW; END $$; CREATE TRIGGER notes_stamp BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION notes_stamp()",
                        sqlite: "CREATE TRIGGER notes_stamp AFTER INSERT ON notes BEGIN UPDATE notes SET body = body || ' [sqlite]' WHERE id = NEW.id; END",
                        mysql: "CREATE TRIGGER notes_stamp BEFORE INSERT ON notes FOR EACH ROW SET NEW.body = CONCAT(NEW.body, ' [mysql]')",
                        down: (
                            postgres: "DROP TRIGGER notes_stamp ON notes; DROP FUNCTION notes_stamp()",
                            sqlite: "DROP TRIGGER notes_stamp",
                            mysql: "DROP TRIGGER notes_stamp",
                        ),
                    );
                }
            }
        }
    }
}

/// SQL written for PostgreSQL and SQLite, the crate's targets, in a set also run on MySQL.
pub mod no_mysql_sql {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_notes",
                parent: none,
                change {
                    create_table(notes, { id: bigint identity, body: text }, primary_key: pk_notes(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_note_lengths",
                parent: "0001_create_notes",
                change {
                    execute(
                        postgres: "CREATE VIEW note_lengths AS SELECT id, char_length(body) AS length FROM notes",
                        sqlite: "CREATE VIEW note_lengths AS SELECT id, length(body) AS length FROM notes",
                        down: "DROP VIEW note_lengths",
                    );
                }
            }
        }
    }
}

/// A primary key moved from one column to another, on a table with rows.
pub mod primary_key_change {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_accounts",
                parent: none,
                change {
                    create_table(accounts, { id: bigint, code: varchar(20), name: text nullable }, primary_key: pk_accounts(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_unkey_accounts_id",
                parent: "0001_create_accounts",
                change {
                    #[allow(drop_constraint, reason = "fixture: the key moves to code")]
                    drop_primary_key(pk_accounts, accounts(id));
                }
            }
        }
        // Its own migration: on PostgreSQL the key's index is built concurrently, outside any
        // transaction.
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_key_accounts_by_code",
                parent: "0002_unkey_accounts_id",
                change {
                    add_primary_key(pk_accounts_code, accounts(code));
                }
            }
        }
    }
}

/// Modelled on a long-lived service's history: a baseline adopted with the names another tool
/// gave its objects, then years of changes: a foreign key that follows key updates, a column
/// filled from others, a trigger written per dialect, a table filled by `INSERT … SELECT`, and a
/// primary key moved to other columns.
pub mod history {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                /// The schema as the previous tool left it: its names are kept.
                id: "0001_baseline",
                parent: none,
                names: adopted,
                change {
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(320),
                        display_name: text nullable,
                    }, primary_key: users_pkey(id));
                    create_index(users_email_key, users(email), unique);
                    create_table(projects, {
                        id: bigint identity,
                        owner_id: bigint,
                        name: varchar(200),
                    }, primary_key: projects_pkey(id));
                    create_index(projects_owner_id_idx, projects(owner_id));
                    add_foreign_key(projects_owner_id_fkey, projects(owner_id), references: users(id), on_delete: cascade, on_update: cascade);
                    create_table(memberships, {
                        id: bigint,
                        user_id: bigint,
                        project_id: bigint,
                        role: varchar(20) default("member"),
                    }, primary_key: memberships_pkey(id));
                    create_index(memberships_project_id_idx, memberships(project_id));
                    create_index(memberships_user_id_project_id_key, memberships(user_id, project_id), unique);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_project_slugs",
                parent: "0001_baseline",
                upgrade {
                    add_column(projects, slug: varchar(200) nullable);
                    backfill(projects, set: "slug = lower(name)", where: "slug IS NULL", batch: 2);
                    alter_column(projects, slug, set_not_null);
                }
                downgrade {
                    drop_column(projects, slug: varchar(200));
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                /// Emails are stored lower case from now on; each database spells the trigger its way.
                id: "0003_lower_case_emails",
                parent: "0002_project_slugs",
                change {
                    execute(
                        postgres: "CREATE FUNCTION users_lower_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$; CREATE TRIGGER users_lower_email BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_lower_email()",
                        sqlite: "CREATE TRIGGER users_lower_email AFTER INSERT ON users BEGIN UPDATE users SET email = lower(NEW.email) WHERE id = NEW.id; END",
                        down: (
                            postgres: "DROP TRIGGER users_lower_email ON users; DROP FUNCTION users_lower_email()",
                            sqlite: "DROP TRIGGER users_lower_email",
                        ),
                    );
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                /// Owners become a table of their own, filled from the projects.
                id: "0004_project_owners",
                parent: "0003_lower_case_emails",
                change {
                    create_table(project_owners, {
                        project_id: bigint,
                        user_id: bigint,
                    }, primary_key: pk_project_owners(project_id, user_id));
                    create_index(ix_project_owners_user_id, project_owners(user_id));
                    add_foreign_key(fk_project_owners_project_id, project_owners(project_id), references: projects(id), on_delete: cascade, on_update: cascade);
                    add_foreign_key(fk_project_owners_user_id, project_owners(user_id), references: users(id), on_delete: cascade);
                    execute(
                        "INSERT INTO project_owners (project_id, user_id) SELECT id, owner_id FROM projects",
                        down: "DELETE FROM project_owners",
                    );
                }
            }
        }
        mod m0005 {
            migrate_runtime::migration! {
                /// Memberships are keyed by what they join; the surrogate key goes.
                id: "0005_unkey_membership_ids",
                parent: "0004_project_owners",
                change {
                    #[allow(drop_constraint, reason = "the unique index on (user_id, project_id) keeps the guarantee, and becomes the key next")]
                    drop_primary_key(memberships_pkey, memberships(id));
                }
            }
        }
        mod m0006 {
            migrate_runtime::migration! {
                id: "0006_key_memberships",
                parent: "0005_unkey_membership_ids",
                change {
                    add_primary_key(pk_memberships, memberships(user_id, project_id));
                }
            }
        }
        mod m0007 {
            migrate_runtime::migration! {
                /// Lookup rows the app expects, and the account its jobs run as.
                id: "0007_seed_roles",
                parent: "0006_key_memberships",
                change {
                    create_table(roles, { name: varchar(20), label: text }, primary_key: pk_roles(name));
                    insert_rows(roles, [
                        { name: "owner", label: "Owner" },
                        { label: "Member", name: "member" },
                    ]);
                    insert_rows(users, [{ id: 1000, email: "jobs@example.com", display_name: null }]);
                }
            }
        }
        mod m0008 {
            migrate_runtime::migration! {
                /// Sign-in looks emails up case-insensitively, through a computed column.
                id: "0008_users_email_lower",
                parent: "0007_seed_roles",
                change {
                    #[allow(add_column_stored_generated, reason = "users is a few thousand rows: the rewrite takes milliseconds")]
                    add_column(users, email_lower: varchar(320) nullable generated("lower(email)") stored);
                }
            }
        }
    }
}

/// A Rust data step that uses every method of `DataConnection` and every kind of value, on all
/// three backends; `data_steps.rs` checks the rows it leaves.
pub mod data_steps {
    use migrate_runtime::data::DataConnection;
    use migrate_runtime::BoxError;

    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_accounts",
                parent: none,
                change {
                    create_table(accounts, {
                        id: bigint identity,
                        email: varchar(320),
                        name: varchar(100) nullable,
                        domain: varchar(100) nullable,
                        score: integer nullable,
                        balance: double nullable,
                        active: boolean default(true),
                        avatar: bytea nullable,
                    }, primary_key: pk_accounts(id));
                    create_table(step_log, { what: varchar(50), n: bigint nullable, summary: text nullable }, primary_key: pk_step_log(what));
                    execute(
                        "INSERT INTO accounts (email, name, score, active) VALUES ('ada@example.org', 'Ada', 10, true), ('bob@x.io', NULL, 7, false), ('cy@x.io', NULL, 3, true), ('di@Example.org', NULL, NULL, true)",
                        down: "DELETE FROM accounts"
                    );
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_fill_accounts",
                parent: "0001_create_accounts",
                change {
                    run(up: crate::fixtures::data_steps::fill, down: migrate_runtime::data::nothing_to_undo);
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_fail",
                parent: "0002_fill_accounts",
                change {
                    run(up: crate::fixtures::data_steps::mismatched, down: migrate_runtime::data::nothing_to_undo);
                }
            }
        }
    }

    /// Writes what it did to `step_log`: the counts the batch helpers returned, and a summary of
    /// every row as the step read it back.
    pub fn fill(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
        // One statement, one row a batch; `$2` before `$1`, and the derived table MySQL needs.
        let named = conn.execute_in_batches(
            "UPDATE accounts SET name = $2 WHERE id IN (SELECT id FROM (SELECT id FROM accounts WHERE name IS NULL LIMIT $1) AS batch)",
            &[&1, &"anonymous"],
        )?;
        // Rust between the read and the write, two rows a batch.
        let with_domain = conn.in_batches(|conn| {
            let rows = conn.query(
                "SELECT id, email FROM accounts WHERE domain IS NULL ORDER BY id LIMIT 2",
                &[],
            )?;
            for row in &rows {
                let email: String = row.get("email")?;
                let domain = email.rsplit('@').next().unwrap_or_default().to_lowercase();
                conn.execute(
                    "UPDATE accounts SET domain = $1 WHERE id = $2",
                    &[&domain, &row.get::<i64>("id")?],
                )?;
            }
            Ok::<_, BoxError>(rows.len())
        })?;
        // Every kind of parameter: NULL into an integer column, a boolean, a float, bytes.
        conn.execute(
            "UPDATE accounts SET score = $1 WHERE active = $2",
            &[&None::<i64>, &false],
        )?;
        conn.execute(
            "UPDATE accounts SET balance = $1, avatar = $2 WHERE email = $3",
            &[&2.25, &vec![0_u8, 255, 10], &"ada@example.org"],
        )?;
        // Every kind read back.
        let mut summary = Vec::new();
        for row in conn.query(
            "SELECT id, name, domain, score, balance, active, avatar FROM accounts ORDER BY id",
            &[],
        )? {
            summary.push(format!(
                "{}|{}|{}|{:?}|{:?}|{}|{:?}",
                row.get::<i64>("id")?,
                row.get::<String>("name")?,
                row.get::<String>("domain")?,
                row.get::<Option<i32>>("score")?,
                row.get::<Option<f64>>("balance")?,
                row.get::<bool>("active")?,
                row.get::<Option<Vec<u8>>>("avatar")?,
            ));
        }
        let anonymous = conn.query(
            "SELECT count(*) AS n FROM accounts WHERE name = $1",
            &[&"anonymous"],
        )?[0]
            .get::<i64>("n")?;
        for (what, n, text) in [
            ("named", Some(i64::try_from(named)?), None),
            ("with_domain", Some(i64::try_from(with_domain)?), None),
            ("anonymous", Some(anonymous), None),
            ("summary", None, Some(summary.join("\n"))),
        ] {
            conn.execute(
                "INSERT INTO step_log (what, n, summary) VALUES ($1, $2, $3)",
                &[&what, &n, &text],
            )?;
        }
        Ok(())
    }

    /// A statement whose parameters do not match its placeholders.
    pub fn mismatched(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
        conn.execute("UPDATE accounts SET name = $1 WHERE id = $3", &[&"x", &1])?;
        Ok(())
    }
}

/// `timestamp` becomes `timestamptz`: the same bytes, read as UTC.
pub mod time_zone {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_events",
                parent: none,
                change {
                    #[allow(timestamp_without_time_zone, reason = "fixture: the column the next migration fixes")]
                    create_table(events, { id: bigint, at: timestamp }, primary_key: pk_events(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_events_at_with_zone",
                parent: "0001_create_events",
                change {
                    alter_column(events, at, set_type(timestamptz, from: timestamp));
                }
            }
        }
    }
}

/// A varchar widened under a check that names it: no rewrite, but a scan.
pub mod rechecks {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, { id: bigint, email: varchar(100) }, primary_key: pk_users(id));
                    add_check(ck_users_email_at, users, "position('@' in email) > 1");
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_longer_emails",
                parent: "0001_create_users",
                upgrade {
                    #[allow(type_change_rechecks, reason = "fixture: the scan the rule claims")]
                    alter_column(users, email, set_type(varchar(320), from: varchar(100)));
                }
                downgrade {
                    #[allow(type_change_narrowing, reason = "fixture: no email is longer than 100")]
                    alter_column(users, email, set_type(varchar(100), from: varchar(320)));
                }
            }
        }
    }
}

/// Stored generated columns, which every backend has: one declared with its table, one added to
/// the table once it has rows (SQLite rebuilds the table for it), then a change SQLite makes by
/// rebuilding the table that holds them.
pub mod generated_stored {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_items",
                parent: none,
                change {
                    create_table(items, {
                        id: bigint,
                        price: bigint,
                        quantity: bigint,
                        total: bigint nullable generated("price * quantity") stored,
                    }, primary_key: pk_items(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_items_spread",
                parent: "0001_create_items",
                change {
                    #[allow(add_column_stored_generated, reason = "fixture: a few rows")]
                    add_column(items, spread: bigint nullable generated("price + quantity") stored);
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_default_quantity",
                parent: "0002_add_items_spread",
                change {
                    alter_column(items, quantity, set_default(1, from: none));
                }
            }
        }
    }
}

/// The same shape with virtual generated columns, for the backends that have them (PostgreSQL
/// only from version 18): added to a table with rows without touching them.
pub mod generated_virtual {
    migrate_runtime::migrations! {
        #![targets = "sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_items",
                parent: none,
                change {
                    create_table(items, {
                        id: bigint,
                        price: bigint,
                        quantity: bigint,
                        total: bigint nullable generated("price * quantity"),
                    }, primary_key: pk_items(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_items_spread",
                parent: "0001_create_items",
                change {
                    add_column(items, spread: bigint nullable generated("price + quantity"));
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_default_quantity",
                parent: "0002_add_items_spread",
                change {
                    alter_column(items, quantity, set_default(1, from: none));
                }
            }
        }
    }
}

/// PostgreSQL's own objects, for autogenerate (`autogenerate.rs`): an enum, a unique constraint, a
/// check, defaults that the catalog writes with casts.
pub mod autogenerate_postgres {
    migrate_runtime::migrations! {
        #![targets = "postgres"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_tickets",
                parent: none,
                change {
                    create_enum(ticket_state, ["open", "closed"]);
                    create_table(tickets, {
                        id: bigint identity,
                        state: enum(ticket_state) default("open"),
                        title: varchar(100),
                        points: integer nullable,
                        tags: array(text) nullable,
                        due: date nullable,
                    }, primary_key: pk_tickets(id));
                    add_check(ck_tickets_title_not_blank, tickets, "title <> ''");
                }
            }
        }
    }
}

/// MySQL's words for the same objects, for autogenerate (`autogenerate.rs`): an enum that is a
/// column's own type, a unique constraint that is an index, a key without a name.
pub mod autogenerate_mysql {
    migrate_runtime::migrations! {
        #![targets = "mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_tickets",
                parent: none,
                change {
                    create_enum(ticket_state, ["open", "closed"]);
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(320),
                    }, primary_key: pk_users(id));
                    add_unique(uq_users_email, users(email));
                    create_table(tickets, {
                        id: bigint identity,
                        user_id: bigint,
                        state: enum(ticket_state) default("open"),
                        title: varchar(100),
                        done: boolean default(false),
                    }, primary_key: pk_tickets(id));
                    create_index(ix_tickets_user_id, tickets(user_id));
                    add_foreign_key(fk_tickets_user_id, tickets(user_id), references: users(id), on_delete: cascade);
                }
            }
        }
    }
}

/// A chain for `migrate squash`: renames (a table whose seed rows are carried, a column a check
/// names), an enum label, a view, a backfill, a concurrent index, and a child written on the end
/// of the range. [`squashed`] is the same chain after `squash 0001:0005`.
pub mod squash_originals {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(320),
                        name: text nullable,
                    }, primary_key: pk_users(id));
                    add_unique(uq_users_email, users(email));
                    create_table(kinds, { id: bigint, label: text }, primary_key: pk_kinds(id));
                    insert_rows(kinds, [{ id: 1, label: "plain" }, { id: 2, label: "urgent" }]);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_create_posts",
                parent: "0001_create_users",
                change {
                    create_enum(post_state, ["draft", "published"]);
                    create_table(posts, {
                        id: bigint identity,
                        user_id: bigint,
                        kind_id: bigint,
                        title: varchar(200),
                        state: enum(post_state) default("draft"),
                    }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                    create_index(ix_posts_kind_id, posts(kind_id));
                    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                    add_foreign_key(fk_posts_kind_id, posts(kind_id), references: kinds(id), on_delete: restrict);
                    add_check(ck_posts_title_not_blank, posts, "title <> ''");
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_add_user_role",
                parent: "0002_create_posts",
                upgrade {
                    add_column(users, role: varchar(50) nullable);
                    backfill(users, set: "role = 'member'", where: "role IS NULL", batch: 100);
                    alter_column(users, role, set_not_null);
                }
                downgrade {
                    drop_column(users, role: varchar(50));
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                id: "0004_rename_and_archive",
                parent: "0003_add_user_role",
                upgrade {
                    #[allow(rename_table, reason = "fixture: no client reads kinds")]
                    rename_table(kinds => categories);
                    #[allow(rename_column, reason = "fixture: no client reads posts")]
                    rename_column(posts, title => headline);
                    add_enum_value(post_state, "archived", after: "published");
                    execute(
                        "CREATE VIEW published_posts AS SELECT id, headline FROM posts WHERE state = 'published'",
                        down: "DROP VIEW published_posts"
                    );
                }
                downgrade {
                    execute(
                        "DROP VIEW published_posts",
                        down: "CREATE VIEW published_posts AS SELECT id, headline FROM posts WHERE state = 'published'"
                    );
                    #[allow(drop_enum_value, reason = "fixture: no post is archived")]
                    drop_enum_value(post_state, "archived", after: "published");
                    rename_column(posts, headline => title);
                    rename_table(categories => kinds);
                }
            }
        }
        mod m0005 {
            migrate_runtime::migration! {
                id: "0005_index_post_state",
                parent: "0004_rename_and_archive",
                change {
                    create_index(ix_posts_state, posts(state), concurrently);
                }
            }
        }
        mod m0006 {
            migrate_runtime::migration! {
                id: "0006_create_tags",
                parent: "0005_index_post_state",
                change {
                    create_table(tags, { id: bigint identity, post_id: bigint, name: varchar(50) }, primary_key: pk_tags(id));
                    create_index(ix_tags_post_id, tags(post_id));
                    add_foreign_key(fk_tags_post_id, tags(post_id), references: posts(id), on_delete: cascade);
                }
            }
        }
    }
}

/// [`squash_originals`] after `migrate squash 0001:0005`: the squash, and the child that names
/// the end of the range, unchanged.
pub mod squashed {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0007 {
            // squash:start
            migrate_runtime::migration! {
                /// The fixture chain, squashed.
                ///
                /// Replaces 0001_create_users to 0005_index_post_state (`migrate squash`): a new database runs
                /// this migration alone, and one that applied all of them counts it as applied.
                id: "0007_squash",
                parent: none,
                replaces: [
                    "0001_create_users",
                    "0002_create_posts",
                    "0003_add_user_role",
                    "0004_rename_and_archive",
                    "0005_index_post_state",
                ],
                // The objects keep the names the replaced migrations gave them (a renamed table
                // keeps its constraints' names): they are not checked against the convention again.
                names: adopted,
                change {
                    create_enum(post_state, ["draft", "published", "archived"]);
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(320),
                        name: text nullable,
                        role: varchar(50),
                    }, primary_key: pk_users(id));
                    create_table(categories, {
                        id: bigint,
                        label: text,
                    }, primary_key: pk_kinds(id));
                    create_table(posts, {
                        id: bigint identity,
                        user_id: bigint,
                        kind_id: bigint,
                        headline: varchar(200),
                        state: enum(post_state) default("draft"),
                    }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                    create_index(ix_posts_kind_id, posts(kind_id));
                    create_index(ix_posts_state, posts(state));
                    add_unique(uq_users_email, users(email));
                    add_check(ck_posts_title_not_blank, posts, "headline <> ''");
                    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                    add_foreign_key(fk_posts_kind_id, posts(kind_id), references: categories(id), on_delete: restrict);
                    // carried from 0001_create_users
                    insert_rows(categories, [{ id: 1, label: "plain" }, { id: 2, label: "urgent" }]);
                    // carried from 0004_rename_and_archive: review
                    execute("CREATE VIEW published_posts AS SELECT id, headline FROM posts WHERE state = 'published'", down: "DROP VIEW published_posts");
                }
            }
            // squash:end
        }
        mod m0006 {
            migrate_runtime::migration! {
                id: "0006_create_tags",
                parent: "0005_index_post_state",
                change {
                    create_table(tags, { id: bigint identity, post_id: bigint, name: varchar(50) }, primary_key: pk_tags(id));
                    create_index(ix_tags_post_id, tags(post_id));
                    add_foreign_key(fk_tags_post_id, tags(post_id), references: posts(id), on_delete: cascade);
                }
            }
        }
    }
}
