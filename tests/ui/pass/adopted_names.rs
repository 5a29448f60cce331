// The baseline of a database that predates `migrate`: its objects exist already with the names
// another tool gave them. `names: adopted` keeps them (the convention and the case are not
// checked), without a waiver per op.
migrate_runtime::migration! {
    id: "0001_baseline",
    parent: none,
    names: adopted,
    change {
        create_table(Accounts, { id: bigint identity, email: text }, primary_key: Accounts_pk(id));
        create_index(accounts_email_idx, Accounts(email), unique);
        create_table(sessions, { id: bigint identity, account_id: bigint }, primary_key: sessions_pkey(id));
        create_index(sessions_account_id_idx, sessions(account_id));
        add_foreign_key(sessions_account_id_fkey, sessions(account_id), references: Accounts(id), on_delete: no_action);
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 5);
}
