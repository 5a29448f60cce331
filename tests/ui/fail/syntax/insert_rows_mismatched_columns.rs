// Every row of `insert_rows` gives a value for the same columns: a missing one is an error at the
// row, not a NULL or a default the author did not write.
migrate_runtime::migration! {
    id: "0009_seed_roles",
    parent: "0008_create_roles",
    change {
        insert_rows(roles, [{ name: "owner", label: "Owner" }, { name: "member" }]);
    }
}

fn main() {}
