// A table has one primary key: adding a second is refused where it is written, not by the
// database when the migration runs.
migrate_runtime::migration! {
    id: "0001_create_accounts",
    parent: none,
    change {
        create_table(accounts, { id: bigint, code: varchar(20) }, primary_key: pk_accounts(id));
        add_primary_key(pk_accounts_code, accounts(code));
    }
}

fn main() {}
