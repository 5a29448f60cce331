// The diesel schema comes from the migrations: a query on a column a later migration dropped
// does not compile.
mod migrations {
    migrate_runtime::migrations! {
        #![schema = "postgres"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, { id: bigint identity, email: text, nickname: text nullable }, primary_key: pk_users(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_drop_nickname",
                parent: "0001_create_users",
                change {
                    #[allow(drop_column, reason = "nicknames were never shown")]
                    drop_column(users, nickname: text nullable);
                }
            }
        }
    }
}

use diesel::prelude::*;
use migrations::schema::users;

fn main() {
    let _ = users::table.select(users::nickname);
}
