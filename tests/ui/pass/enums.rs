migrate_runtime::migration! {
    /// PostgreSQL cannot remove an enum value, so the downgrade is refused with a reason.
    id: "0007_enum_values",
    parent: "0006_constraints",
    upgrade {
        add_enum_value(mood, "ok", after: "happy");
        add_enum_value(mood, "meh", before: "sad");
        add_enum_value(mood, "ecstatic", after: "meh");
    }
    downgrade {
        irreversible("enum values cannot be removed in PostgreSQL");
    }
}

use migrate_runtime::core::model::Downgrade;

fn main() {
    assert_eq!(
        MIGRATION.downgrade,
        Downgrade::Irreversible("enum values cannot be removed in PostgreSQL".into())
    );
}
