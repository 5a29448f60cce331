// A row whose every value is computed cannot be found again: its inverse cannot be computed, and
// the downgrade must be written.
migrate_runtime::migration! {
    id: "0009_seed_tokens",
    parent: "0008_create_tokens",
    change {
        insert_rows(tokens, [{ id: gen_random_uuid(), created_at: now() }]);
    }
}

fn main() {}
