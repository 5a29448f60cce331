// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "todo_status"))]
    pub struct TodoStatus;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::TodoStatus;

    tasks (id) {
        id -> Int8,
        user_id -> Int8,
        title -> Text,
        status -> TodoStatus,
        created_at -> Timestamptz,
        priority -> Int2,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        #[max_length = 320]
        email -> Varchar,
        display_name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(tasks -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(tasks, users,);
