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
                    #[allow(raw_sql, reason = "fixture: fails on purpose")]
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
                    #[allow(raw_sql, reason = "fixture: one row in a table created above")]
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
                    #[allow(raw_sql, reason = "fixture: rows for the backfill and the NOT NULL")]
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
                    alter_column(posts, title, set_type(varchar(300), from: varchar(200)));
                    #[allow(raw_sql, reason = "fixture: a view has no typed op")]
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
                    #[allow(raw_sql, reason = "fixture: two users with one email")]
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
                    #[allow(raw_sql, reason = "fixture: a view has no typed op")]
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
