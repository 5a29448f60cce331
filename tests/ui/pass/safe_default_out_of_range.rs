migrate_runtime::migration! {
    /// Defaults at the very bounds of their types.
    id: "0002_create_bounds",
    parent: "0001_create_users",
    change {
        create_table(bounds, {
            id: bigint,
            small_max: smallint default(32767),
            small_min: smallint default(-32768),
            int_max: integer default(2147483647),
            big_min: bigint default(-9223372036854775808),
            money: numeric(5, 2) default(999.99),
            ratio: real default(3.4e38),
        }, primary_key: pk_bounds(id));
    }
}

fn main() {
    use migrate_runtime::core::model::{DefaultValue, Op};
    let Op::CreateTable(table) = &MIGRATION.upgrade[0] else {
        panic!("{:?}", MIGRATION.upgrade[0]);
    };
    assert_eq!(table.columns[1].default, Some(DefaultValue::Int("32767".into())));
    assert_eq!(table.columns[2].default, Some(DefaultValue::Int("-32768".into())));
}
