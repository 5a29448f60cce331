migrate_runtime::migration! {
    id: "0002_rule_that_cannot_be_waived",
    parent: "0001_create_users",
    change {
        #[allow(identifier_too_long, reason = "we like long names")]
        add_column(users, nickname: text nullable);
    }
}

fn main() {}
