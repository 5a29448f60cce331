mod migrations {
    migrate_runtime::migration! {
        /// Every column type and modifier.
        id: "0001_create_everything",
        parent: none,
        change {
            create_enum(mood, ["happy", "sad"]);
            #[allow(json_column, timestamp_without_time_zone, char_column, reason = "every type, on purpose")]
            create_table(everything, {
                id: bigint identity,
                small: smallint,
                normal: integer default(-1),
                ratio: real nullable,
                precise: double default(1.5),
                amount: numeric(12, 2) default(0),
                loose: numeric nullable,
                body: text default("it's"),
                code: varchar(20),
                flag: char(1) nullable,
                active: boolean default(true),
                key: uuid default(gen_random_uuid()),
                born: date default(current_date),
                at: time nullable,
                local: timestamp nullable,
                created_at: timestamptz default(now()),
                span: interval nullable,
                raw: json nullable,
                data: jsonb default(sql("'{}'::jsonb")),
                blob: bytea nullable,
                feeling: enum(mood) nullable,
                tags: array(text) nullable,
                gone: text nullable default(null),
            }, primary_key: pk_everything(id));
        }
    }
    migrate_runtime::migrations!();
}

use migrate_runtime::core::model::{Downgrade, Op};

fn main() {
    let m = &migrations::MIGRATION;
    assert_eq!(m.doc, "Every column type and modifier.");
    assert_eq!(m.upgrade.len(), 2);
    let Op::CreateTable(table) = &m.upgrade[1] else { panic!("expected create_table") };
    assert_eq!(table.columns.len(), 23);
    let Downgrade::Ops(down) = &m.downgrade else { panic!("expected a computed downgrade") };
    assert!(matches!(&down[0], Op::DropTable(t) if t.name == "everything"));
    assert!(matches!(&down[1], Op::DropEnum(e) if e.name == "mood"));
    assert_eq!(m.checksum, migrate_runtime::core::checksum::of(m));
    let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS).unwrap();
    assert_eq!(migrator.migrations().len(), 1);
}
