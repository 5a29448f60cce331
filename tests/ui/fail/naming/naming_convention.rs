migrate_runtime::migration! {
    id: "0002_names",
    parent: "0001_create_users",
    change {
        create_index(users_email_idx, users(email));
        add_foreign_key(posts_user_fkey, posts(user_id), references: users(id), on_delete: cascade);
        add_check(age_positive, users, "age >= 0");
        add_unique(ix_users_email_unique, users(email));
        create_table(teams, { id: bigint }, primary_key: teams_pkey(id));
    }
}

fn main() {}
