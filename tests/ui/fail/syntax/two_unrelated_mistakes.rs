migrate_runtime::migration! {
    id: "0002_two_mistakes",
    parent: "0001_create_users",
    change {
        add_column(users, role: texxt nullable);
        add_column(users, email_verified: boolean default(false));
        add_column(users, bio: text nulable);
    }
}

fn main() {}
