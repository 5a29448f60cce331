// A label added, and removed again by a written downgrade that says why the rewrite is acceptable:
// the downgrade restores the label where it was, so it undoes the upgrade.
migrate_runtime::migration! {
    id: "0006_add_archived_status",
    parent: "0005_index_open_todos",
    upgrade {
        add_enum_value(todo_status, "archived", after: "done");
    }
    downgrade {
        #[allow(drop_enum_value, reason = "todos is small, and no todo is archived before a rollback")]
        drop_enum_value(todo_status, "archived", after: "done");
    }
}

use migrate_runtime::core::model::{Downgrade, Op};

fn main() {
    let Downgrade::Ops(ops) = &MIGRATION.downgrade else {
        panic!("a written downgrade");
    };
    assert!(matches!(&ops[0], Op::DropEnumValue { value, .. } if value == "archived"));
    assert_eq!(ops[0].inverse(), migrate_runtime::core::inverse::Inverse::Op(MIGRATION.upgrade[0].clone()));
}
