// Adopted names keep their convention and case, not their length: PostgreSQL would truncate a
// longer name, so the object could never have had it.
migrate_runtime::migration! {
    id: "0001_baseline",
    parent: none,
    names: adopted,
    change {
        create_table(accounts, { id: bigint identity, email: text }, primary_key: accounts_pk(id));
        create_index(accounts_email_address_lower_case_unique_lookup_index_for_sign_in, accounts(email), unique);
    }
}

fn main() {}
