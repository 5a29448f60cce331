//! Diagnostics: every rule's id, and where in a migration a problem is.
//!
//! Core knows no spans (it has no proc-macro dependency), so a [`Diagnostic`] carries a structural
//! [`Location`]; the macro keeps a table from locations to the spans of the tokens it parsed and
//! points the compiler error at the smallest offending token.

use std::fmt::{self, Display, Formatter};

/// The rules. `as_str()` is the name users write in `#[allow(<rule>, reason = "…")]`, so once
/// published an id never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckId {
    MissingDowngrade,
    DowngradeNotInverse,
    IrreversibleWithoutReason,
    ImplicitName,
    NamingConvention,
    IdentifierTooLong,
    IdentifierCase,
    DuplicateName,
    UnknownReference,
    MigrationId,
    NulCharacter,
    EnumLabelTooLong,
    DefaultOutOfRange,
    DefaultTypeMismatch,
    BackfillAssignments,
    ExecuteMissingDialect,
    UnknownInChain,
    DuplicateInChain,
    DefinitionMismatch,
    MergeConflict,
    DuplicateId,
    UnknownParent,
    ParentCycle,
    ReplacedStillPresent,
    ReplacedTwice,
    MixedTransactionModes,
    IndexNotConcurrent,
    DropIndexNotConcurrent,
    AddColumnRequired,
    AddColumnVolatileDefault,
    AddColumnIdentity,
    AddColumnStoredGenerated,
    TypeChangeRewrites,
    TypeChangeNarrowing,
    DropColumn,
    DropTable,
    RenameColumn,
    RenameTable,
    DropConstraint,
    DropNotNull,
    TypeChangeRechecks,
    RawSql,
    ConstraintValidatesTable,
    ConstraintBuildsIndex,
    SetNotNullScans,
    ReindexNotConcurrent,
    TableRewrite,
    LockTable,
    TruncateTable,
    DropSchemaOrDatabase,
    TransactionControl,
    IndexTooManyColumns,
    JsonColumn,
    TimestampWithoutTimeZone,
    CharColumn,
    EnumValuePosition,
    DropEnumValue,
    EnumValueUsedInTransaction,
    UniqueWithConstantDefault,
    ForeignKeyWithoutIndex,
    ForeignKeyTypeMismatch,
    LockHeldAcrossSlowStep,
    SqliteUnsupported,
    PostgresUnsupported,
    MysqlUnsupported,
    MysqlUnboundedKey,
    MysqlExpressionDefault,
    MysqlForeignKey,
    MysqlCheckConstraint,
    MysqlTypeChange,
    MysqlEnumReorder,
    MysqlAlgorithmCopy,
    MysqlLockOption,
    MysqlInlineReferences,
    IntegerPrimaryKey,
    SmallIdentity,
    VarcharLength,
    MissingLockTimeout,
    UnusedWaiver,
}

impl CheckId {
    pub const ALL: &'static [CheckId] = &[
        CheckId::MissingDowngrade,
        CheckId::DowngradeNotInverse,
        CheckId::IrreversibleWithoutReason,
        CheckId::ImplicitName,
        CheckId::NamingConvention,
        CheckId::IdentifierTooLong,
        CheckId::IdentifierCase,
        CheckId::DuplicateName,
        CheckId::UnknownReference,
        CheckId::MigrationId,
        CheckId::NulCharacter,
        CheckId::EnumLabelTooLong,
        CheckId::DefaultOutOfRange,
        CheckId::DefaultTypeMismatch,
        CheckId::BackfillAssignments,
        CheckId::ExecuteMissingDialect,
        CheckId::UnknownInChain,
        CheckId::DuplicateInChain,
        CheckId::DefinitionMismatch,
        CheckId::MergeConflict,
        CheckId::DuplicateId,
        CheckId::UnknownParent,
        CheckId::ParentCycle,
        CheckId::ReplacedStillPresent,
        CheckId::ReplacedTwice,
        CheckId::MixedTransactionModes,
        CheckId::IndexNotConcurrent,
        CheckId::DropIndexNotConcurrent,
        CheckId::AddColumnRequired,
        CheckId::AddColumnVolatileDefault,
        CheckId::AddColumnIdentity,
        CheckId::AddColumnStoredGenerated,
        CheckId::TypeChangeRewrites,
        CheckId::TypeChangeNarrowing,
        CheckId::DropColumn,
        CheckId::DropTable,
        CheckId::RenameColumn,
        CheckId::RenameTable,
        CheckId::DropConstraint,
        CheckId::DropNotNull,
        CheckId::TypeChangeRechecks,
        CheckId::RawSql,
        CheckId::ConstraintValidatesTable,
        CheckId::ConstraintBuildsIndex,
        CheckId::SetNotNullScans,
        CheckId::ReindexNotConcurrent,
        CheckId::TableRewrite,
        CheckId::LockTable,
        CheckId::TruncateTable,
        CheckId::DropSchemaOrDatabase,
        CheckId::TransactionControl,
        CheckId::IndexTooManyColumns,
        CheckId::JsonColumn,
        CheckId::TimestampWithoutTimeZone,
        CheckId::CharColumn,
        CheckId::EnumValuePosition,
        CheckId::DropEnumValue,
        CheckId::EnumValueUsedInTransaction,
        CheckId::UniqueWithConstantDefault,
        CheckId::ForeignKeyWithoutIndex,
        CheckId::ForeignKeyTypeMismatch,
        CheckId::LockHeldAcrossSlowStep,
        CheckId::SqliteUnsupported,
        CheckId::PostgresUnsupported,
        CheckId::MysqlUnsupported,
        CheckId::MysqlUnboundedKey,
        CheckId::MysqlExpressionDefault,
        CheckId::MysqlForeignKey,
        CheckId::MysqlCheckConstraint,
        CheckId::MysqlTypeChange,
        CheckId::MysqlEnumReorder,
        CheckId::MysqlAlgorithmCopy,
        CheckId::MysqlLockOption,
        CheckId::MysqlInlineReferences,
        CheckId::IntegerPrimaryKey,
        CheckId::SmallIdentity,
        CheckId::VarcharLength,
        CheckId::MissingLockTimeout,
        CheckId::UnusedWaiver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::MissingDowngrade => "missing_downgrade",
            CheckId::DowngradeNotInverse => "downgrade_not_inverse",
            CheckId::IrreversibleWithoutReason => "irreversible_without_reason",
            CheckId::ImplicitName => "implicit_name",
            CheckId::NamingConvention => "naming_convention",
            CheckId::IdentifierTooLong => "identifier_too_long",
            CheckId::IdentifierCase => "identifier_case",
            CheckId::DuplicateName => "duplicate_name",
            CheckId::UnknownReference => "unknown_reference",
            CheckId::MigrationId => "migration_id",
            CheckId::NulCharacter => "nul_character",
            CheckId::EnumLabelTooLong => "enum_label_too_long",
            CheckId::DefaultOutOfRange => "default_out_of_range",
            CheckId::DefaultTypeMismatch => "default_type_mismatch",
            CheckId::BackfillAssignments => "backfill_assignments",
            CheckId::ExecuteMissingDialect => "execute_missing_dialect",
            CheckId::UnknownInChain => "unknown_in_chain",
            CheckId::DuplicateInChain => "duplicate_in_chain",
            CheckId::DefinitionMismatch => "definition_mismatch",
            CheckId::MergeConflict => "merge_conflict",
            CheckId::DuplicateId => "duplicate_id",
            CheckId::UnknownParent => "unknown_parent",
            CheckId::ParentCycle => "parent_cycle",
            CheckId::ReplacedStillPresent => "replaced_still_present",
            CheckId::ReplacedTwice => "replaced_twice",
            CheckId::MixedTransactionModes => "mixed_transaction_modes",
            CheckId::IndexNotConcurrent => "index_not_concurrent",
            CheckId::DropIndexNotConcurrent => "drop_index_not_concurrent",
            CheckId::AddColumnRequired => "add_column_required",
            CheckId::AddColumnVolatileDefault => "add_column_volatile_default",
            CheckId::AddColumnIdentity => "add_column_identity",
            CheckId::AddColumnStoredGenerated => "add_column_stored_generated",
            CheckId::TypeChangeRewrites => "type_change_rewrites",
            CheckId::TypeChangeNarrowing => "type_change_narrowing",
            CheckId::DropColumn => "drop_column",
            CheckId::DropTable => "drop_table",
            CheckId::RenameColumn => "rename_column",
            CheckId::RenameTable => "rename_table",
            CheckId::DropConstraint => "drop_constraint",
            CheckId::DropNotNull => "drop_not_null",
            CheckId::TypeChangeRechecks => "type_change_rechecks",
            CheckId::RawSql => "raw_sql",
            CheckId::ConstraintValidatesTable => "constraint_validates_table",
            CheckId::ConstraintBuildsIndex => "constraint_builds_index",
            CheckId::SetNotNullScans => "set_not_null_scans",
            CheckId::ReindexNotConcurrent => "reindex_not_concurrent",
            CheckId::TableRewrite => "table_rewrite",
            CheckId::LockTable => "lock_table",
            CheckId::TruncateTable => "truncate_table",
            CheckId::DropSchemaOrDatabase => "drop_schema_or_database",
            CheckId::TransactionControl => "transaction_control",
            CheckId::IndexTooManyColumns => "index_too_many_columns",
            CheckId::JsonColumn => "json_column",
            CheckId::TimestampWithoutTimeZone => "timestamp_without_time_zone",
            CheckId::CharColumn => "char_column",
            CheckId::EnumValuePosition => "enum_value_position",
            CheckId::DropEnumValue => "drop_enum_value",
            CheckId::EnumValueUsedInTransaction => "enum_value_used_in_transaction",
            CheckId::UniqueWithConstantDefault => "unique_with_constant_default",
            CheckId::ForeignKeyWithoutIndex => "foreign_key_without_index",
            CheckId::ForeignKeyTypeMismatch => "foreign_key_type_mismatch",
            CheckId::LockHeldAcrossSlowStep => "lock_held_across_slow_step",
            CheckId::SqliteUnsupported => "sqlite_unsupported",
            CheckId::PostgresUnsupported => "postgres_unsupported",
            CheckId::MysqlUnsupported => "mysql_unsupported",
            CheckId::MysqlUnboundedKey => "mysql_unbounded_key",
            CheckId::MysqlExpressionDefault => "mysql_expression_default",
            CheckId::MysqlForeignKey => "mysql_foreign_key",
            CheckId::MysqlCheckConstraint => "mysql_check_constraint",
            CheckId::MysqlTypeChange => "mysql_type_change",
            CheckId::MysqlEnumReorder => "mysql_enum_reorder",
            CheckId::MysqlAlgorithmCopy => "mysql_algorithm_copy",
            CheckId::MysqlLockOption => "mysql_lock_option",
            CheckId::MysqlInlineReferences => "mysql_inline_references",
            CheckId::IntegerPrimaryKey => "integer_primary_key",
            CheckId::SmallIdentity => "small_identity",
            CheckId::VarcharLength => "varchar_length",
            CheckId::MissingLockTimeout => "missing_lock_timeout",
            CheckId::UnusedWaiver => "unused_waiver",
        }
    }

    /// The family folder of the rule's compile-fail cases (`tests/ui/fail/<family>/<id>.rs`).
    pub fn family(self) -> &'static str {
        match self {
            CheckId::MissingDowngrade
            | CheckId::DowngradeNotInverse
            | CheckId::IrreversibleWithoutReason => "reversibility",
            CheckId::ImplicitName
            | CheckId::NamingConvention
            | CheckId::IdentifierTooLong
            | CheckId::IdentifierCase
            | CheckId::DuplicateName
            | CheckId::MigrationId => "naming",
            CheckId::UnknownReference => "schema",
            CheckId::NulCharacter
            | CheckId::EnumLabelTooLong
            | CheckId::DefaultOutOfRange
            | CheckId::DefaultTypeMismatch
            | CheckId::BackfillAssignments
            | CheckId::ExecuteMissingDialect => "values",
            CheckId::UnknownInChain
            | CheckId::DuplicateInChain
            | CheckId::DefinitionMismatch
            | CheckId::MergeConflict
            | CheckId::DuplicateId
            | CheckId::UnknownParent
            | CheckId::ParentCycle
            | CheckId::ReplacedStillPresent
            | CheckId::ReplacedTwice => "chain",
            CheckId::MixedTransactionModes
            | CheckId::EnumValueUsedInTransaction
            | CheckId::TransactionControl => "transactions",
            CheckId::UnusedWaiver => "waivers",
            CheckId::IntegerPrimaryKey
            | CheckId::SmallIdentity
            | CheckId::VarcharLength
            | CheckId::MissingLockTimeout => "style",
            CheckId::SqliteUnsupported => "sqlite",
            CheckId::PostgresUnsupported => "postgres",
            CheckId::MysqlUnsupported
            | CheckId::MysqlUnboundedKey
            | CheckId::MysqlExpressionDefault
            | CheckId::MysqlForeignKey
            | CheckId::MysqlCheckConstraint
            | CheckId::MysqlTypeChange
            | CheckId::MysqlEnumReorder
            | CheckId::MysqlAlgorithmCopy
            | CheckId::MysqlLockOption
            | CheckId::MysqlInlineReferences => "mysql",
            _ => "safety",
        }
    }

    /// Whether `#[allow(<rule>, reason = "…")]` may silence the rule on one op. Safety rules,
    /// MySQL's and the naming convention may be waived with a reason; a migration that cannot be
    /// undone, whose names PostgreSQL would truncate, or that a target cannot run, may not.
    pub fn is_waivable(self) -> bool {
        match self.family() {
            "safety" | "style" => true,
            "mysql" => self != CheckId::MysqlUnsupported,
            _ => self == CheckId::NamingConvention,
        }
    }

    /// Whether `migrate_core::fold` also (or, for the rules of one backend, only) reports the
    /// rule, from what earlier migrations made and the crate's targets: a waiver of it may
    /// silence only the chain's report.
    pub fn is_also_checked_by_the_chain(self) -> bool {
        matches!(
            self,
            CheckId::ForeignKeyWithoutIndex
                | CheckId::ForeignKeyTypeMismatch
                | CheckId::TypeChangeRechecks
        ) || matches!(self.family(), "mysql" | "postgres" | "style")
    }

    pub fn from_name(name: &str) -> Option<CheckId> {
        CheckId::ALL.iter().copied().find(|id| id.as_str() == name)
    }
}

impl Display for CheckId {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of the `migration!` input a diagnostic is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// The `id:` field.
    Id,
    /// The `parent:`/`parents:` field.
    Parents,
    /// The `replaces:` field.
    Replaces,
    /// The `upgrade { … }` (or `change { … }`) block, at an op index.
    Upgrade(usize),
    /// The `downgrade { … }` block, at an op index.
    Downgrade(usize),
    /// The downgrade computed by `change { … }`, at the index of the upgrade op it undoes: shown
    /// on that op, but never silenced by that op's waivers.
    ComputedDowngrade(usize),
    /// The keyword of the upgrade block, for problems of the whole migration.
    UpgradeKeyword,
    /// The keyword of the downgrade block.
    DowngradeKeyword,
}

/// Which token of an op a diagnostic points at; the macro falls back to the whole op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Whole,
    /// The object name: index, constraint, enum, or the new name of a rename.
    Name,
    Table,
    /// A column, by its position in the op.
    Column(usize),
    Type,
    /// The `#[allow(…)]` attribute before the op.
    Waiver,
    /// A value the author wrote, by its position in the op: column n's `default(…)` or
    /// `generated(…)` in `create_table` (`add_column`/`drop_column`: 0); enum label n of
    /// `create_enum`/`drop_enum`; `add_enum_value`: 0 the new label, 1 the one it is placed next
    /// to; `alter_column`: 0 the new (or dropped) default or the `using:` expression, 1 the
    /// `from:` default; raw SQL: 0 the SQL, the condition or the `where:` of an index, or a
    /// backfill's `set:`, and 1 `execute`'s `down:` or a backfill's `where:`.
    Value(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    pub section: Section,
    pub part: Part,
}

impl Location {
    pub fn new(section: Section, part: Part) -> Location {
        Location { section, part }
    }

    pub fn op(section: Section) -> Location {
        Location::new(section, Part::Whole)
    }
}

/// One problem: which rule, where, what goes wrong and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub check: CheckId,
    pub at: Location,
    /// What is wrong and why it matters, one sentence, lowercase, no trailing period.
    pub message: String,
    /// What to write instead; may span lines (e.g. a downgrade to paste).
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(check: CheckId, at: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            check,
            at,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

impl Display for Diagnostic {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.check)?;
        if let Some(help) = &self.help {
            write!(f, "\n\nhelp: {help}")?;
        }
        Ok(())
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// ```
/// assert_eq!(migrate_core::diagnostic::did_you_mean("bigitn", &["integer", "bigint"]), Some("bigint"));
/// assert_eq!(migrate_core::diagnostic::did_you_mean("banana", &["integer", "bigint"]), None);
/// ```
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, counting a swap of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}
