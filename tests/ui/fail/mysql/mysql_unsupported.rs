// MySQL has no `interval` type, and the set lists `mysql` among its targets.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_jobs",
            parent: none,
            change {
                create_table(jobs, { id: bigint identity, retry_after: interval }, primary_key: pk_jobs(id));
            }
        }
    }
}

fn main() {}
