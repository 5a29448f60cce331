//! The migration sets `cli-probe` mounts the CLI on, each selected by its own `MIGRATIONS` token.
//! Every op here runs on PostgreSQL and SQLite alike, without an SQLite table rebuild, so the SQL
//! `sql` prints for them is the whole of what a run executes.

/// A linear chain of four.
pub mod chain {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                /// Users sign in with an email address.
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, {
                        id: bigint identity,
                        email: text,
                    }, primary_key: pk_users(id));
                    create_index(ix_users_email, users(email), unique);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                /// Users write posts.
                id: "0002_create_posts",
                parent: "0001_create_users",
                change {
                    create_table(posts, {
                        id: bigint identity,
                        user_id: bigint,
                        title: text,
                    }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                /// Users may give their name.
                id: "0003_add_user_name",
                parent: "0002_create_posts",
                change {
                    add_column(users, name: text nullable);
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                /// Posts get tags.
                id: "0004_create_tags",
                parent: "0003_add_user_name",
                change {
                    create_table(tags, { post_id: bigint, tag: text });
                    create_index(ix_tags_post_id, tags(post_id));
                }
            }
        }
    }
}

/// The chain as a later build has it, with `0002_create_posts` edited after it was applied.
pub mod chain_edited {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                /// Users sign in with an email address.
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, {
                        id: bigint identity,
                        email: text,
                    }, primary_key: pk_users(id));
                    create_index(ix_users_email, users(email), unique);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                /// Users write posts, now with a body.
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
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                /// Users may give their name.
                id: "0003_add_user_name",
                parent: "0002_create_posts",
                change {
                    add_column(users, name: text nullable);
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                /// Posts get tags.
                id: "0004_create_tags",
                parent: "0003_add_user_name",
                change {
                    create_table(tags, { post_id: bigint, tag: text });
                    create_index(ix_tags_post_id, tags(post_id));
                }
            }
        }
    }
}

/// Two branches written from the same parent: two heads.
pub mod branches {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_create_posts",
                parent: "0001_create_users",
                change { create_table(posts, { id: bigint, user_id: bigint }); }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_create_tags",
                parent: "0001_create_users",
                change { create_table(tags, { post_id: bigint, tag: text }); }
            }
        }
    }
}

/// The branches joined by the migration `cli-probe branches merge -m "Merge posts and tags" 0002
/// 0003` writes (the `cli` test checks that it writes exactly this one).
pub mod merged {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_create_posts",
                parent: "0001_create_users",
                change { create_table(posts, { id: bigint, user_id: bigint }); }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_create_tags",
                parent: "0001_create_users",
                change { create_table(tags, { post_id: bigint, tag: text }); }
            }
        }
        mod m0004_merge_posts_and_tags {
            include!("cli_fixtures/m0004_merge_posts_and_tags.rs");
        }
    }
}

/// A token with no migration below it yet: the state `new` writes the first migration in.
pub mod empty {
    migrate_runtime::migrations!();
}

/// A step-by-step migration (on PostgreSQL, where `set_not_null` on a live table runs online):
/// its backfill completes, then requiring `code` fails while a row has none.
pub mod stepwise {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_items",
                parent: none,
                change {
                    create_table(items, { id: bigint, flag: integer nullable, code: text nullable }, primary_key: pk_items(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_require_item_code",
                parent: "0001_create_items",
                upgrade {
                    backfill(items, set: "flag = 1", where: "flag IS NULL", batch: 2);
                    alter_column(items, code, set_not_null);
                }
                downgrade {
                    alter_column(items, code, drop_not_null);
                }
            }
        }
    }
}

/// A migration that cannot be undone, after one that can.
pub mod irreversible {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_moods",
                parent: none,
                change {
                    create_enum(mood, ["happy", "sad"]);
                    create_table(moods, { id: bigint, mood: enum(mood) }, primary_key: pk_moods(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_meh",
                parent: "0001_create_moods",
                upgrade { add_enum_value(mood, "meh", after: "sad"); }
                downgrade { irreversible("the app stores meh in rows it cannot find again"); }
            }
        }
    }
}

/// Two migrations checked with MySQL's rules too, for the commands whose MySQL path differs.
pub mod portable {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, { id: bigint identity, email: varchar(320) }, primary_key: pk_users(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_user_name",
                parent: "0001_create_users",
                change {
                    add_column(users, name: varchar(100) nullable);
                }
            }
        }
    }
}

/// A blog, and two migrations extending it, for autogenerate (`cli_autogenerate.rs`): the
/// extensions are applied by hand to a database at `0001`, and what `new --autogenerate` writes
/// from it must be equivalent to them.
pub mod blog {
    migrate_runtime::migrations! {
        mod m0001_create_blog {
            include!("cli_fixtures/autogenerate/m0001_create_blog.rs");
        }
        mod m0002_extend_blog {
            include!("cli_fixtures/autogenerate/m0002_extend_blog.rs");
        }
        mod m0003_index_published_posts {
            include!("cli_fixtures/autogenerate/m0003_index_published_posts.rs");
        }
    }
}

/// The blog's first migration alone: the build `new --autogenerate` runs from.
pub mod blog_base {
    migrate_runtime::migrations! {
        mod m0001_create_blog {
            include!("cli_fixtures/autogenerate/m0001_create_blog.rs");
        }
    }
}

/// The blog with what `new --autogenerate` wrote from a PostgreSQL database extended by hand, as
/// it wrote it (`cli_autogenerate.rs` holds the files to its output).
pub mod blog_generated_postgres {
    migrate_runtime::migrations! {
        mod m0001_create_blog {
            include!("cli_fixtures/autogenerate/m0001_create_blog.rs");
        }
        mod m0002_extend_the_blog {
            include!("cli_fixtures/autogenerate/postgres/m0002_extend_the_blog.rs");
        }
        mod m0003_extend_the_blog_concurrently {
            include!("cli_fixtures/autogenerate/postgres/m0003_extend_the_blog_concurrently.rs");
        }
    }
}

/// [`blog_generated_postgres`], from an SQLite database.
pub mod blog_generated_sqlite {
    migrate_runtime::migrations! {
        mod m0001_create_blog {
            include!("cli_fixtures/autogenerate/m0001_create_blog.rs");
        }
        mod m0002_extend_the_blog {
            include!("cli_fixtures/autogenerate/sqlite/m0002_extend_the_blog.rs");
        }
        mod m0003_extend_the_blog_concurrently {
            include!("cli_fixtures/autogenerate/sqlite/m0003_extend_the_blog_concurrently.rs");
        }
    }
}

/// The baseline `new --autogenerate` wrote, with no migration yet, from a PostgreSQL database the
/// blog built before it used migrate.
pub mod blog_baseline_postgres {
    migrate_runtime::migrations! {
        mod m0001_baseline {
            include!("cli_fixtures/autogenerate/postgres/m0001_baseline.rs");
        }
    }
}

/// [`blog_baseline_postgres`], from an SQLite database.
pub mod blog_baseline_sqlite {
    migrate_runtime::migrations! {
        mod m0001_baseline {
            include!("cli_fixtures/autogenerate/sqlite/m0001_baseline.rs");
        }
    }
}
