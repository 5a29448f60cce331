migrate_runtime::migration! {
    id: "0002_waiver_does_not_cover_the_inverse",
    parent: "0001_create_users",
    change {
        #[allow(drop_index_not_concurrent, reason = "the table is tiny")]
        drop_index(ix_users_email, users(email));
    }
}

fn main() {}
