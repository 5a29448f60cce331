migrate_runtime::migration! {
    id: "0002_two_mistakes",
    parent: "0001_create_users",
    change {
        add_column(users, role: texxt nullable);
        create_index(ix_users_email, users(email));
        add_column(users, bio: text nulable);
    }
}

fn main() {}
