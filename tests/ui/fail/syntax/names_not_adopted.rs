// `names:` takes one value, `adopted`.
migrate_runtime::migration! {
    id: "0001_baseline",
    parent: none,
    names: legacy,
    change {
        create_table(accounts, { id: bigint identity }, primary_key: accounts_pk(id));
    }
}

fn main() {}
