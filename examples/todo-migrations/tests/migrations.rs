//! The example's migrations tested as a user tests theirs: one line writes a test that the graph
//! has one head, and the stairway (each migration applied, undone, applied again, the live schema
//! compared at each step) on SQLite and on PostgreSQL.

migrate_runtime::test_migrations!(todo_migrations::MIGRATIONS);
