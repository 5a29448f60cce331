// Moving a primary key takes two migrations: on a table with rows the new key's index is built
// concurrently, outside any transaction, so it cannot share one with the drop of the old key.
migrate_runtime::migration! {
    id: "0002_key_accounts_by_code",
    parent: "0001_create_accounts",
    change {
        #[allow(drop_constraint, reason = "the key moves to code")]
        drop_primary_key(pk_accounts, accounts(id));
        add_primary_key(pk_accounts_code, accounts(code));
    }
}

fn main() {}
