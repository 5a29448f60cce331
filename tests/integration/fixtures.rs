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
