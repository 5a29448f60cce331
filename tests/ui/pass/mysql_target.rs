// The safe forms on MySQL, in a set that lists it among its targets: bounded keys, foreign keys
// and checks declared with their table, labels appended, a varchar widened within its length
// prefix, a constant default, a partial index that is not unique (a full index on MySQL), and a
// copy waived with its reason.
migrate_runtime::migrations! {
    #![targets = "postgres, sqlite, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tables",
            parent: none,
            change {
                create_enum(todo_status, ["open", "done"]);
                create_table(users, { id: bigint identity, email: varchar(320), name: varchar(20) }, primary_key: pk_users(id));
                add_unique(uq_users_email, users(email));
                create_table(todos, {
                    id: bigint identity,
                    user_id: bigint,
                    title: varchar(200),
                    status: enum(todo_status) default("open"),
                }, primary_key: pk_todos(id));
                create_index(ix_todos_user_id, todos(user_id));
                add_foreign_key(fk_todos_user_id, todos(user_id), references: users(id), on_delete: cascade);
                add_check(ck_todos_title_not_blank, todos, "title <> ''");
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_evolve",
            parent: "0001_create_tables",
            upgrade {
                alter_column(users, name, set_type(varchar(60), from: varchar(20)));
                add_column(todos, priority: smallint default(0));
                #[allow(mysql_type_change, type_change_rechecks, reason = "todos is small: the copy (MySQL) and the re-check (PostgreSQL) take under a second")]
                alter_column(todos, title, set_type(text, from: varchar(200)));
            }
            downgrade {
                #[allow(type_change_narrowing, reason = "titles over 200 characters were never accepted")]
                alter_column(todos, title, set_type(varchar(200), from: text));
                drop_column(todos, priority: smallint default(0));
                #[allow(type_change_narrowing, reason = "names over 20 characters were never accepted")]
                alter_column(users, name, set_type(varchar(20), from: varchar(60)));
            }
        }
    }
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_index_open_todos",
            parent: "0002_evolve",
            change {
                create_index(ix_todos_open, todos(user_id), concurrently, where: "status = 'open'");
            }
        }
    }
    mod m0004 {
        migrate_runtime::migration! {
            id: "0004_archive_todos",
            parent: "0003_index_open_todos",
            upgrade {
                add_enum_value(todo_status, "archived", after: "done");
            }
            downgrade {
                irreversible("PostgreSQL cannot remove a value from an enum type");
            }
        }
    }
}

use migrate_runtime::core::render::Dialect;

fn main() {
    assert!(MIGRATIONS.checked_for(Dialect::Mysql));
    assert_eq!(m0002::MIGRATION.upgrade.len(), 3);
}
