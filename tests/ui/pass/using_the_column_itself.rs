// A binary-coercible type change whose `using:` is the column itself (cast or not) rewrites
// nothing, as without `using:`: no waiver.
migrate_runtime::migration! {
    id: "0004_widen_names",
    parent: "0003_add_user_role",
    upgrade {
        alter_column(users, name, set_type(text, from: varchar(50), using: "name::text"));
    }
    downgrade {
        #[allow(type_change_narrowing, reason = "names are still checked to 50 characters by the API")]
        alter_column(users, name, set_type(varchar(50), from: text));
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 1);
}
