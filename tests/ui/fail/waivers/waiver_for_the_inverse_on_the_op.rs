// A waiver on an upgrade op for a rule its computed inverse breaks does not reach the inverse;
// the unused waiver says where the rule fires and how to waive it there.
migrate_runtime::migration! {
    id: "0002_waiver_for_the_inverse_on_the_op",
    parent: "0001_create_users",
    change {
        #[allow(drop_index_not_concurrent, index_not_concurrent, reason = "the table is tiny")]
        drop_index(ix_users_email, users(email));
    }
}

fn main() {}
