// `#![schema = "postgres"]` (or `package.metadata.migrate.schema` for a crate): `migrations!`
// emits the diesel `schema` module the chain builds, and queries are checked against it.
mod migrations {
    migrate_runtime::migrations! {
        #![schema = "postgres"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_enum(user_role, ["member", "admin"]);
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(255),
                        role: enum(user_role) default("member"),
                    }, primary_key: pk_users(id));
                    create_table(posts, { id: bigint identity, user_id: bigint, title: text }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_rename_title",
                parent: "0001_create_users",
                change {
                    #[allow(rename_column, reason = "no reader of the old name is deployed")]
                    rename_column(posts, title => headline);
                    add_column(users, nickname: text nullable);
                }
            }
        }
    }
}

use diesel::prelude::*;
use migrations::schema::{posts, users};

fn main() {
    let query = users::table
        .inner_join(posts::table)
        .filter(users::nickname.is_null())
        .select((users::email, posts::headline));
    let sql = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
    assert!(sql.starts_with(r#"SELECT "users"."email", "posts"."headline" FROM ("users" INNER JOIN "posts" ON ("posts"."user_id" = "users"."id")) WHERE ("users"."nickname" IS NULL)"#), "{sql}");
}
