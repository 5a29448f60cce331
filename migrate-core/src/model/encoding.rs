//! A compact binary encoding of a [`Migration`], written by hand so this crate gains no dependency.
//!
//! `migrations!()` emits each checked migration as a byte-string literal (`b"…"`) instead of a
//! large typed constant: rustc parses and stores a byte string far more cheaply than it
//! type-checks and const-evaluates thousands of nested struct expressions. The runtime decodes
//! each migration once per process, when it first needs it.
//!
//! Format: a version byte, then the fields in declaration order. Enum variants are one tag byte,
//! integers and lengths are LEB128 varints, strings are a length and UTF-8 bytes, an `Option` is
//! 0 or 1 and the value, a `bool` is 0 or 1. The encoder destructures every struct and matches
//! every enum without a wildcard, so a new field or variant does not compile until it is encoded
//! here too (and [`VERSION`] is bumped).

use std::borrow::Cow;
use std::fmt::{self, Display, Formatter};

use super::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Downgrade, EnumPosition,
    EnumType, ForeignKey, Generated, Index, List, Migration, Mode, Op, PrimaryKey, RawSql,
    ReferentialAction, Rows, Scalar, SqlFunction, Table, Text, UniqueConstraint,
};
use crate::render::Dialect;

/// The format version, the first byte of every encoding; bump it whenever the format changes.
pub const VERSION: u8 = 4;

/// The bytes of a migration, as `migrations!()` emits them.
///
/// ```
/// use migrate_core::model::{encoding, Downgrade, Migration, Mode, Op};
///
/// let migration = Migration {
///     id: "0001_seed".into(),
///     parents: vec![].into(),
///     replaces: vec![].into(),
///     doc: "Seeds the settings.".into(),
///     upgrade: vec![Op::Execute { up: "INSERT INTO settings VALUES (1)".into(), down: None }]
///         .into(),
///     downgrade: Downgrade::Irreversible("the seed may have been edited".into()),
///     mode: Mode::Transactional,
///     lock_timeout_ms: Some(5_000),
///     statement_timeout_ms: None,
///     checksum: "00".repeat(32).into(),
/// };
/// let bytes = encoding::encode(&migration);
/// assert_eq!(bytes[0], encoding::VERSION);
/// assert_eq!(encoding::decode(&bytes), Ok(migration));
/// ```
pub fn encode(migration: &Migration) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.u8(VERSION);
    write_migration(&mut w, migration);
    w.0
}

/// The migration `encode` wrote; an error if the bytes were not written by this version's `encode`.
///
/// ```
/// use migrate_core::model::{encoding, Downgrade, Migration, Mode};
///
/// let migration = Migration {
///     id: "0002_nothing".into(),
///     parents: vec!["0001_seed".into()].into(),
///     replaces: vec![].into(),
///     doc: String::new().into(),
///     upgrade: vec![].into(),
///     downgrade: Downgrade::Ops(vec![].into()),
///     mode: Mode::Transactional,
///     lock_timeout_ms: None,
///     statement_timeout_ms: None,
///     checksum: "00".repeat(32).into(),
/// };
/// let bytes = encoding::encode(&migration);
/// assert_eq!(encoding::decode(&bytes), Ok(migration));
///
/// // A cut-off encoding is an error, never a panic.
/// let error = encoding::decode(&bytes[..bytes.len() - 1]).unwrap_err();
/// assert!(error.position < bytes.len());
/// // As is anything else: here, the wrong format version.
/// let error = encoding::decode(&[encoding::VERSION + 1]).unwrap_err();
/// assert_eq!(error.to_string(), format!(
///     "invalid migration encoding at byte 0: expected format version {}, found {}",
///     encoding::VERSION,
///     encoding::VERSION + 1,
/// ));
/// ```
pub fn decode(bytes: &[u8]) -> Result<Migration, DecodeError> {
    read(Reader {
        bytes,
        pos: 0,
        borrowed: None,
    })
}

/// [`decode`], for bytes that live as long as the program (what `migrations!()` emits): every
/// text of the migration borrows them instead of being copied, so decoding a thousand migrations
/// at start-up allocates little more than their lists.
///
/// ```
/// use migrate_core::model::{encoding, Downgrade, Migration, Mode};
///
/// let migration = Migration {
///     id: "0001_nothing".into(), parents: vec![].into(), replaces: vec![].into(),
///     doc: String::new().into(), upgrade: vec![].into(), downgrade: Downgrade::Ops(vec![].into()),
///     mode: Mode::Transactional, lock_timeout_ms: None, statement_timeout_ms: None,
///     checksum: "00".repeat(32).into(),
/// };
/// let bytes: &'static [u8] = encoding::encode(&migration).leak();
/// let decoded = encoding::decode_static(bytes).unwrap();
/// assert_eq!(decoded, migration);
/// assert!(matches!(decoded.id, std::borrow::Cow::Borrowed(_)));
/// ```
pub fn decode_static(bytes: &'static [u8]) -> Result<Migration, DecodeError> {
    read(Reader {
        bytes,
        pos: 0,
        borrowed: Some(bytes),
    })
}

fn read(mut r: Reader<'_>) -> Result<Migration, DecodeError> {
    let bytes = r.bytes;
    let version = r.u8()?;
    if version != VERSION {
        return Err(r.error(0, format!("format version {VERSION}, found {version}")));
    }
    let migration = read_migration(&mut r)?;
    match bytes.len() - r.pos {
        0 => Ok(migration),
        left => Err(r.error(
            r.pos,
            format!("the end of the input, found {left} more bytes"),
        )),
    }
}

/// Why [`decode`] rejected its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The offset in the input of the byte that could not be decoded (the input's length when it
    /// ended too early).
    pub position: usize,
    /// What the decoder expected there, and what it found.
    pub expected: String,
}

impl Display for DecodeError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let DecodeError { position, expected } = self;
        write!(
            f,
            "invalid migration encoding at byte {position}: expected {expected}"
        )
    }
}

impl std::error::Error for DecodeError {}

// ---------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, byte: u8) {
        self.0.push(byte);
    }

    /// Unsigned LEB128: seven bits per byte, low bits first, high bit set on all but the last.
    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.u8((n & 0x7f) as u8 | 0x80);
            n >>= 7;
        }
        self.u8(n as u8);
    }

    fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    fn text(&mut self, text: &str) {
        self.varint(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.varint(items.len() as u64);
        for value in items {
            item(self, value);
        }
    }

    fn option<T>(&mut self, value: &Option<T>, some: impl FnOnce(&mut Self, &T)) {
        match value {
            None => self.u8(0),
            Some(value) => {
                self.u8(1);
                some(self, value);
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The same bytes when they are `'static`: texts then borrow them.
    borrowed: Option<&'static [u8]>,
}

type Result<T, E = DecodeError> = std::result::Result<T, E>;

impl Reader<'_> {
    fn error(&self, position: usize, expected: impl Into<String>) -> DecodeError {
        DecodeError {
            position,
            expected: expected.into(),
        }
    }

    fn u8(&mut self) -> Result<u8> {
        let byte = self
            .bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error(self.pos, "more bytes, found the end of the input"))?;
        self.pos += 1;
        Ok(byte)
    }

    /// The error for a tag byte just read that names no variant of `what`.
    fn bad_tag<T>(&self, what: &str, tag: u8) -> Result<T> {
        Err(self.error(self.pos - 1, format!("a {what} tag, found {tag}")))
    }

    fn varint(&mut self) -> Result<u64> {
        let start = self.pos;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && byte > 1 {
                break;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    return Err(self.error(start, "a varint without a trailing zero byte"));
                }
                return Ok(value);
            }
        }
        Err(self.error(start, "a varint that fits in 64 bits"))
    }

    fn u32(&mut self) -> Result<u32> {
        let start = self.pos;
        let n = self.varint()?;
        u32::try_from(n).map_err(|_| self.error(start, format!("a u32, found {n}")))
    }

    fn u16(&mut self) -> Result<u16> {
        let start = self.pos;
        let n = self.varint()?;
        u16::try_from(n).map_err(|_| self.error(start, format!("a u16, found {n}")))
    }

    fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            byte => Err(self.error(self.pos - 1, format!("a bool (0 or 1), found {byte}"))),
        }
    }

    /// A length of something that takes at least one byte per unit, so at most the bytes left.
    fn len(&mut self) -> Result<usize> {
        let start = self.pos;
        let n = self.varint()?;
        let left = self.bytes.len() - self.pos;
        match usize::try_from(n) {
            Ok(len) if len <= left => Ok(len),
            _ => Err(self.error(start, format!("a length of at most {left}, found {n}"))),
        }
    }

    fn text(&mut self) -> Result<Text> {
        let len = self.len()?;
        let start = self.pos;
        let bytes = self.bytes.get(start..start + len).ok_or_else(|| {
            self.error(self.bytes.len(), "more bytes, found the end of the input")
        })?;
        let invalid = |e: std::str::Utf8Error| self.error(start + e.valid_up_to(), "valid UTF-8");
        let text = match self.borrowed {
            Some(all) => {
                Cow::Borrowed(std::str::from_utf8(&all[start..start + len]).map_err(invalid)?)
            }
            None => Cow::Owned(std::str::from_utf8(bytes).map_err(invalid)?.to_owned()),
        };
        self.pos += len;
        Ok(text)
    }

    fn list<T: Clone>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T>) -> Result<List<T>> {
        // Every item takes at least one byte, so `len` bounds the allocation by the input size.
        let len = self.len()?;
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(item(self)?);
        }
        Ok(Cow::Owned(items))
    }

    fn option<T>(&mut self, some: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        match self.u8()? {
            0 => Ok(None),
            1 => some(self).map(Some),
            byte => Err(self.error(self.pos - 1, format!("an Option (0 or 1), found {byte}"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The model, one write/read pair per type
// ---------------------------------------------------------------------------------------------

fn write_migration(w: &mut Writer, migration: &Migration) {
    let Migration {
        id,
        parents,
        replaces,
        doc,
        upgrade,
        downgrade,
        mode,
        lock_timeout_ms,
        statement_timeout_ms,
        checksum,
    } = migration;
    w.text(id);
    w.list(parents, |w, parent| w.text(parent));
    w.list(replaces, |w, replaced| w.text(replaced));
    w.text(doc);
    w.list(upgrade, write_op);
    match downgrade {
        Downgrade::Ops(ops) => {
            w.u8(0);
            w.list(ops, write_op);
        }
        Downgrade::Irreversible(reason) => {
            w.u8(1);
            w.text(reason);
        }
    }
    w.u8(match mode {
        Mode::Transactional => 0,
        Mode::NonTransactional => 1,
    });
    w.option(lock_timeout_ms, |w, ms| w.varint(*ms));
    w.option(statement_timeout_ms, |w, ms| w.varint(*ms));
    w.text(checksum);
}

fn read_migration(r: &mut Reader<'_>) -> Result<Migration> {
    Ok(Migration {
        id: r.text()?,
        parents: r.list(Reader::text)?,
        replaces: r.list(Reader::text)?,
        doc: r.text()?,
        upgrade: r.list(read_op)?,
        downgrade: match r.u8()? {
            0 => Downgrade::Ops(r.list(read_op)?),
            1 => Downgrade::Irreversible(r.text()?),
            tag => return r.bad_tag("Downgrade", tag),
        },
        mode: match r.u8()? {
            0 => Mode::Transactional,
            1 => Mode::NonTransactional,
            tag => return r.bad_tag("Mode", tag),
        },
        lock_timeout_ms: r.option(Reader::varint)?,
        statement_timeout_ms: r.option(Reader::varint)?,
        checksum: r.text()?,
    })
}

fn write_op(w: &mut Writer, op: &Op) {
    match op {
        Op::CreateTable(table) => {
            w.u8(0);
            write_table(w, table);
        }
        Op::DropTable(table) => {
            w.u8(1);
            write_table(w, table);
        }
        Op::AddColumn { table, column } => {
            w.u8(2);
            w.text(table);
            write_column(w, column);
        }
        Op::DropColumn { table, column } => {
            w.u8(3);
            w.text(table);
            write_column(w, column);
        }
        Op::RenameTable { from, to } => {
            w.u8(4);
            w.text(from);
            w.text(to);
        }
        Op::RenameColumn { table, from, to } => {
            w.u8(5);
            w.text(table);
            w.text(from);
            w.text(to);
        }
        Op::AlterColumn {
            table,
            column,
            change,
        } => {
            w.u8(6);
            w.text(table);
            w.text(column);
            write_column_change(w, change);
        }
        Op::CreateIndex(index) => {
            w.u8(7);
            write_index(w, index);
        }
        Op::DropIndex(index) => {
            w.u8(8);
            write_index(w, index);
        }
        Op::AddForeignKey(fk) => {
            w.u8(9);
            write_foreign_key(w, fk);
        }
        Op::DropForeignKey(fk) => {
            w.u8(10);
            write_foreign_key(w, fk);
        }
        Op::AddCheck(check) => {
            w.u8(11);
            write_check(w, check);
        }
        Op::DropCheck(check) => {
            w.u8(12);
            write_check(w, check);
        }
        Op::AddUnique(unique) => {
            w.u8(13);
            write_unique(w, unique);
        }
        Op::DropUnique(unique) => {
            w.u8(14);
            write_unique(w, unique);
        }
        Op::InsertRows(rows) => {
            w.u8(25);
            write_rows(w, rows);
        }
        Op::DeleteRows(rows) => {
            w.u8(26);
            write_rows(w, rows);
        }
        Op::AddPrimaryKey { table, key } => {
            w.u8(23);
            w.text(table);
            write_primary_key(w, key);
        }
        Op::DropPrimaryKey { table, key } => {
            w.u8(24);
            w.text(table);
            write_primary_key(w, key);
        }
        Op::CreateEnum(ty) => {
            w.u8(15);
            write_enum_type(w, ty);
        }
        Op::DropEnum(ty) => {
            w.u8(16);
            write_enum_type(w, ty);
        }
        Op::AddEnumValue {
            enum_name,
            value,
            position,
        } => {
            w.u8(17);
            w.text(enum_name);
            w.text(value);
            w.option(position, write_enum_position);
        }
        Op::DropEnumValue {
            enum_name,
            value,
            position,
        } => {
            w.u8(18);
            w.text(enum_name);
            w.text(value);
            w.option(position, write_enum_position);
        }
        Op::Execute { up, down } => {
            w.u8(19);
            write_raw_sql(w, up);
            w.option(down, write_raw_sql);
        }
        Op::Backfill {
            table,
            set,
            filter,
            batch_size,
        } => {
            w.u8(20);
            w.text(table);
            w.text(set);
            w.text(filter);
            w.varint(u64::from(*batch_size));
        }
        Op::RunRust { up, down } => {
            w.u8(21);
            w.text(up);
            w.option(down, |w, down| w.text(down));
        }
    }
}

fn read_op(r: &mut Reader<'_>) -> Result<Op> {
    Ok(match r.u8()? {
        0 => Op::CreateTable(read_table(r)?),
        1 => Op::DropTable(read_table(r)?),
        2 => Op::AddColumn {
            table: r.text()?,
            column: read_column(r)?,
        },
        3 => Op::DropColumn {
            table: r.text()?,
            column: read_column(r)?,
        },
        4 => Op::RenameTable {
            from: r.text()?,
            to: r.text()?,
        },
        5 => Op::RenameColumn {
            table: r.text()?,
            from: r.text()?,
            to: r.text()?,
        },
        6 => Op::AlterColumn {
            table: r.text()?,
            column: r.text()?,
            change: read_column_change(r)?,
        },
        7 => Op::CreateIndex(read_index(r)?),
        8 => Op::DropIndex(read_index(r)?),
        9 => Op::AddForeignKey(read_foreign_key(r)?),
        10 => Op::DropForeignKey(read_foreign_key(r)?),
        11 => Op::AddCheck(read_check(r)?),
        12 => Op::DropCheck(read_check(r)?),
        13 => Op::AddUnique(read_unique(r)?),
        14 => Op::DropUnique(read_unique(r)?),
        15 => Op::CreateEnum(read_enum_type(r)?),
        25 => Op::InsertRows(read_rows(r)?),
        26 => Op::DeleteRows(read_rows(r)?),
        23 => Op::AddPrimaryKey {
            table: r.text()?,
            key: read_primary_key(r)?,
        },
        24 => Op::DropPrimaryKey {
            table: r.text()?,
            key: read_primary_key(r)?,
        },
        16 => Op::DropEnum(read_enum_type(r)?),
        17 => Op::AddEnumValue {
            enum_name: r.text()?,
            value: r.text()?,
            position: r.option(read_enum_position)?,
        },
        18 => Op::DropEnumValue {
            enum_name: r.text()?,
            value: r.text()?,
            position: r.option(read_enum_position)?,
        },
        19 => Op::Execute {
            up: read_raw_sql(r)?,
            down: r.option(read_raw_sql)?,
        },
        20 => Op::Backfill {
            table: r.text()?,
            set: r.text()?,
            filter: r.text()?,
            batch_size: r.u32()?,
        },
        21 => Op::RunRust {
            up: r.text()?,
            down: r.option(Reader::text)?,
        },
        tag => return r.bad_tag("Op", tag),
    })
}

fn write_table(w: &mut Writer, table: &Table) {
    let Table {
        name,
        columns,
        primary_key,
    } = table;
    w.text(name);
    w.list(columns, write_column);
    w.option(primary_key, write_primary_key);
}

fn read_table(r: &mut Reader<'_>) -> Result<Table> {
    Ok(Table {
        name: r.text()?,
        columns: r.list(read_column)?,
        primary_key: r.option(read_primary_key)?,
    })
}

fn write_rows(w: &mut Writer, rows: &Rows) {
    let Rows {
        table,
        columns,
        values,
    } = rows;
    w.text(table);
    w.list(columns, |w, column| w.text(column));
    w.list(values, |w, row| w.list(row, write_default));
}

fn read_rows(r: &mut Reader<'_>) -> Result<Rows> {
    Ok(Rows {
        table: r.text()?,
        columns: r.list(Reader::text)?,
        values: r.list(|r| r.list(read_default))?,
    })
}

fn write_primary_key(w: &mut Writer, key: &PrimaryKey) {
    let PrimaryKey { name, columns } = key;
    w.text(name);
    w.list(columns, |w, column| w.text(column));
}

fn read_primary_key(r: &mut Reader<'_>) -> Result<PrimaryKey> {
    Ok(PrimaryKey {
        name: r.text()?,
        columns: r.list(Reader::text)?,
    })
}

fn write_column(w: &mut Writer, column: &Column) {
    let Column {
        name,
        ty,
        nullable,
        default,
        identity,
        generated,
    } = column;
    w.text(name);
    write_column_type(w, ty);
    w.bool(*nullable);
    w.option(default, write_default);
    w.bool(*identity);
    w.option(generated, |w, generated| {
        let Generated { expr, stored } = generated;
        w.text(expr);
        w.bool(*stored);
    });
}

fn read_column(r: &mut Reader<'_>) -> Result<Column> {
    Ok(Column {
        name: r.text()?,
        ty: read_column_type(r)?,
        nullable: r.bool()?,
        default: r.option(read_default)?,
        identity: r.bool()?,
        generated: r.option(|r| {
            Ok(Generated {
                expr: r.text()?,
                stored: r.bool()?,
            })
        })?,
    })
}

fn write_column_type(w: &mut Writer, ty: &ColumnType) {
    match ty {
        ColumnType::Scalar(scalar) => {
            w.u8(0);
            write_scalar(w, scalar);
        }
        ColumnType::Array(scalar) => {
            w.u8(1);
            write_scalar(w, scalar);
        }
    }
}

fn read_column_type(r: &mut Reader<'_>) -> Result<ColumnType> {
    match r.u8()? {
        0 => Ok(ColumnType::Scalar(read_scalar(r)?)),
        1 => Ok(ColumnType::Array(read_scalar(r)?)),
        tag => r.bad_tag("ColumnType", tag),
    }
}

fn write_scalar(w: &mut Writer, scalar: &Scalar) {
    match scalar {
        Scalar::SmallInt => w.u8(0),
        Scalar::Integer => w.u8(1),
        Scalar::BigInt => w.u8(2),
        Scalar::Real => w.u8(3),
        Scalar::DoublePrecision => w.u8(4),
        Scalar::Numeric(precision) => {
            w.u8(5);
            w.option(precision, |w, (precision, scale)| {
                w.varint(u64::from(*precision));
                w.varint(u64::from(*scale));
            });
        }
        Scalar::Text => w.u8(6),
        Scalar::Varchar(n) => {
            w.u8(7);
            w.varint(u64::from(*n));
        }
        Scalar::Char(n) => {
            w.u8(8);
            w.varint(u64::from(*n));
        }
        Scalar::Boolean => w.u8(9),
        Scalar::Uuid => w.u8(10),
        Scalar::Date => w.u8(11),
        Scalar::Time => w.u8(12),
        Scalar::Timestamp => w.u8(13),
        Scalar::Timestamptz => w.u8(14),
        Scalar::Interval => w.u8(15),
        Scalar::Json => w.u8(16),
        Scalar::Jsonb => w.u8(17),
        Scalar::Bytea => w.u8(18),
        Scalar::Enum(name) => {
            w.u8(19);
            w.text(name);
        }
    }
}

fn read_scalar(r: &mut Reader<'_>) -> Result<Scalar> {
    Ok(match r.u8()? {
        0 => Scalar::SmallInt,
        1 => Scalar::Integer,
        2 => Scalar::BigInt,
        3 => Scalar::Real,
        4 => Scalar::DoublePrecision,
        5 => Scalar::Numeric(r.option(|r| Ok((r.u16()?, r.u16()?)))?),
        6 => Scalar::Text,
        7 => Scalar::Varchar(r.u32()?),
        8 => Scalar::Char(r.u32()?),
        9 => Scalar::Boolean,
        10 => Scalar::Uuid,
        11 => Scalar::Date,
        12 => Scalar::Time,
        13 => Scalar::Timestamp,
        14 => Scalar::Timestamptz,
        15 => Scalar::Interval,
        16 => Scalar::Json,
        17 => Scalar::Jsonb,
        18 => Scalar::Bytea,
        19 => Scalar::Enum(r.text()?),
        tag => return r.bad_tag("Scalar", tag),
    })
}

fn write_default(w: &mut Writer, default: &DefaultValue) {
    match default {
        DefaultValue::Null => w.u8(0),
        DefaultValue::Bool(value) => {
            w.u8(1);
            w.bool(*value);
        }
        DefaultValue::Int(text) => {
            w.u8(2);
            w.text(text);
        }
        DefaultValue::Float(text) => {
            w.u8(3);
            w.text(text);
        }
        DefaultValue::Str(text) => {
            w.u8(4);
            w.text(text);
        }
        DefaultValue::Function(function) => {
            w.u8(5);
            w.u8(match function {
                SqlFunction::Now => 0,
                SqlFunction::CurrentDate => 1,
                SqlFunction::GenRandomUuid => 2,
                SqlFunction::Random => 3,
                SqlFunction::ClockTimestamp => 4,
            });
        }
        DefaultValue::Sql(text) => {
            w.u8(6);
            w.text(text);
        }
    }
}

fn read_default(r: &mut Reader<'_>) -> Result<DefaultValue> {
    Ok(match r.u8()? {
        0 => DefaultValue::Null,
        1 => DefaultValue::Bool(r.bool()?),
        2 => DefaultValue::Int(r.text()?),
        3 => DefaultValue::Float(r.text()?),
        4 => DefaultValue::Str(r.text()?),
        5 => DefaultValue::Function(match r.u8()? {
            0 => SqlFunction::Now,
            1 => SqlFunction::CurrentDate,
            2 => SqlFunction::GenRandomUuid,
            3 => SqlFunction::Random,
            4 => SqlFunction::ClockTimestamp,
            tag => return r.bad_tag("SqlFunction", tag),
        }),
        6 => DefaultValue::Sql(r.text()?),
        tag => return r.bad_tag("DefaultValue", tag),
    })
}

fn write_index(w: &mut Writer, index: &Index) {
    let Index {
        name,
        table,
        columns,
        unique,
        predicate,
        concurrently,
    } = index;
    w.text(name);
    w.text(table);
    w.list(columns, |w, column| w.text(column));
    w.bool(*unique);
    w.option(predicate, |w, predicate| w.text(predicate));
    w.bool(*concurrently);
}

fn read_index(r: &mut Reader<'_>) -> Result<Index> {
    Ok(Index {
        name: r.text()?,
        table: r.text()?,
        columns: r.list(Reader::text)?,
        unique: r.bool()?,
        predicate: r.option(Reader::text)?,
        concurrently: r.bool()?,
    })
}

fn write_foreign_key(w: &mut Writer, fk: &ForeignKey) {
    let ForeignKey {
        name,
        table,
        columns,
        referenced_table,
        referenced_columns,
        on_delete,
        on_update,
    } = fk;
    w.text(name);
    w.text(table);
    w.list(columns, |w, column| w.text(column));
    w.text(referenced_table);
    w.list(referenced_columns, |w, column| w.text(column));
    write_referential_action(w, *on_delete);
    write_referential_action(w, *on_update);
}

fn read_foreign_key(r: &mut Reader<'_>) -> Result<ForeignKey> {
    Ok(ForeignKey {
        name: r.text()?,
        table: r.text()?,
        columns: r.list(Reader::text)?,
        referenced_table: r.text()?,
        referenced_columns: r.list(Reader::text)?,
        on_delete: read_referential_action(r)?,
        on_update: read_referential_action(r)?,
    })
}

fn write_referential_action(w: &mut Writer, action: ReferentialAction) {
    w.u8(match action {
        ReferentialAction::NoAction => 0,
        ReferentialAction::Restrict => 1,
        ReferentialAction::Cascade => 2,
        ReferentialAction::SetNull => 3,
        ReferentialAction::SetDefault => 4,
    });
}

fn read_referential_action(r: &mut Reader<'_>) -> Result<ReferentialAction> {
    Ok(match r.u8()? {
        0 => ReferentialAction::NoAction,
        1 => ReferentialAction::Restrict,
        2 => ReferentialAction::Cascade,
        3 => ReferentialAction::SetNull,
        4 => ReferentialAction::SetDefault,
        tag => return r.bad_tag("ReferentialAction", tag),
    })
}

fn write_check(w: &mut Writer, check: &CheckConstraint) {
    let CheckConstraint { name, table, expr } = check;
    w.text(name);
    w.text(table);
    w.text(expr);
}

fn read_check(r: &mut Reader<'_>) -> Result<CheckConstraint> {
    Ok(CheckConstraint {
        name: r.text()?,
        table: r.text()?,
        expr: r.text()?,
    })
}

fn write_unique(w: &mut Writer, unique: &UniqueConstraint) {
    let UniqueConstraint {
        name,
        table,
        columns,
    } = unique;
    w.text(name);
    w.text(table);
    w.list(columns, |w, column| w.text(column));
}

fn read_unique(r: &mut Reader<'_>) -> Result<UniqueConstraint> {
    Ok(UniqueConstraint {
        name: r.text()?,
        table: r.text()?,
        columns: r.list(Reader::text)?,
    })
}

fn write_enum_type(w: &mut Writer, ty: &EnumType) {
    let EnumType { name, values } = ty;
    w.text(name);
    w.list(values, |w, value| w.text(value));
}

fn read_enum_type(r: &mut Reader<'_>) -> Result<EnumType> {
    Ok(EnumType {
        name: r.text()?,
        values: r.list(Reader::text)?,
    })
}

fn write_raw_sql(w: &mut Writer, sql: &RawSql) {
    match sql {
        RawSql::Portable(sql) => {
            w.u8(0);
            w.text(sql);
        }
        RawSql::PerDialect(texts) => {
            w.u8(1);
            w.list(texts, |w, (dialect, sql)| {
                w.u8(match dialect {
                    Dialect::Postgres => 0,
                    Dialect::Sqlite => 1,
                    Dialect::Mysql => 2,
                });
                w.text(sql);
            });
        }
    }
}

fn read_raw_sql(r: &mut Reader<'_>) -> Result<RawSql> {
    Ok(match r.u8()? {
        0 => RawSql::Portable(r.text()?),
        1 => RawSql::PerDialect(r.list(|r| {
            let dialect = match r.u8()? {
                0 => Dialect::Postgres,
                1 => Dialect::Sqlite,
                2 => Dialect::Mysql,
                tag => return r.bad_tag("Dialect", tag),
            };
            Ok((dialect, r.text()?))
        })?),
        tag => return r.bad_tag("RawSql", tag),
    })
}

fn write_enum_position(w: &mut Writer, position: &EnumPosition) {
    match position {
        EnumPosition::Before(label) => {
            w.u8(0);
            w.text(label);
        }
        EnumPosition::After(label) => {
            w.u8(1);
            w.text(label);
        }
    }
}

fn read_enum_position(r: &mut Reader<'_>) -> Result<EnumPosition> {
    Ok(match r.u8()? {
        0 => EnumPosition::Before(r.text()?),
        1 => EnumPosition::After(r.text()?),
        tag => return r.bad_tag("EnumPosition", tag),
    })
}

fn write_column_change(w: &mut Writer, change: &ColumnChange) {
    match change {
        ColumnChange::SetType { to, from, using } => {
            w.u8(0);
            write_column_type(w, to);
            write_column_type(w, from);
            w.option(using, |w, using| w.text(using));
        }
        ColumnChange::SetNotNull => w.u8(1),
        ColumnChange::DropNotNull => w.u8(2),
        ColumnChange::SetDefault { to, from } => {
            w.u8(3);
            write_default(w, to);
            w.option(from, write_default);
        }
        ColumnChange::DropDefault { was } => {
            w.u8(4);
            write_default(w, was);
        }
    }
}

fn read_column_change(r: &mut Reader<'_>) -> Result<ColumnChange> {
    Ok(match r.u8()? {
        0 => ColumnChange::SetType {
            to: read_column_type(r)?,
            from: read_column_type(r)?,
            using: r.option(Reader::text)?,
        },
        1 => ColumnChange::SetNotNull,
        2 => ColumnChange::DropNotNull,
        3 => ColumnChange::SetDefault {
            to: read_default(r)?,
            from: r.option(read_default)?,
        },
        4 => ColumnChange::DropDefault {
            was: read_default(r)?,
        },
        tag => return r.bad_tag("ColumnChange", tag),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::OpKind;

    fn column(name: &'static str, ty: Scalar) -> Column {
        Column {
            name: name.into(),
            ty: ColumnType::Scalar(ty),
            nullable: false,
            default: None,
            identity: false,
            generated: None,
        }
    }

    fn every_scalar() -> Vec<Scalar> {
        vec![
            Scalar::SmallInt,
            Scalar::Integer,
            Scalar::BigInt,
            Scalar::Real,
            Scalar::DoublePrecision,
            Scalar::Numeric(None),
            Scalar::Numeric(Some((12, 2))),
            Scalar::Numeric(Some((u16::MAX, 0))),
            Scalar::Text,
            Scalar::Varchar(255),
            Scalar::Char(u32::MAX),
            Scalar::Boolean,
            Scalar::Uuid,
            Scalar::Date,
            Scalar::Time,
            Scalar::Timestamp,
            Scalar::Timestamptz,
            Scalar::Interval,
            Scalar::Json,
            Scalar::Jsonb,
            Scalar::Bytea,
            Scalar::Enum("mood".into()),
        ]
    }

    fn every_default() -> Vec<DefaultValue> {
        let mut defaults = vec![
            DefaultValue::Null,
            DefaultValue::Bool(true),
            DefaultValue::Bool(false),
            DefaultValue::Int("-170141183460469231731687303715884105728".into()),
            DefaultValue::Float("3.14159".into()),
            DefaultValue::Str("naïve \u{1F600} 'quoted'".into()),
            DefaultValue::Sql("now() + interval '1 day'".into()),
        ];
        defaults.extend(SqlFunction::ALL.iter().map(|&f| DefaultValue::Function(f)));
        defaults
    }

    /// A table whose columns hold every scalar (plain and as array) and every default.
    fn kitchen_sink() -> Table {
        let mut columns: Vec<Column> = every_scalar()
            .into_iter()
            .enumerate()
            .flat_map(|(i, scalar)| {
                let plain = Column {
                    name: format!("c{i}").into(),
                    nullable: i % 2 == 0,
                    ..column("", scalar.clone())
                };
                let array = Column {
                    name: format!("a{i}").into(),
                    ty: ColumnType::Array(scalar),
                    ..column("", Scalar::Text)
                };
                [plain, array]
            })
            .collect();
        columns.extend(
            every_default()
                .into_iter()
                .enumerate()
                .map(|(i, default)| Column {
                    name: format!("d{i}").into(),
                    default: Some(default),
                    ..column("", Scalar::Text)
                }),
        );
        columns.push(Column {
            identity: true,
            ..column("id", Scalar::BigInt)
        });
        for stored in [false, true] {
            columns.push(Column {
                name: format!("g{}", u8::from(stored)).into(),
                nullable: true,
                generated: Some(Generated {
                    expr: "c2 * 2 || 'ü'".into(),
                    stored,
                }),
                ..column("", Scalar::Text)
            });
        }
        Table {
            name: "kitchen_sink".into(),
            columns: columns.into(),
            primary_key: Some(PrimaryKey {
                name: "pk_kitchen_sink".into(),
                columns: vec!["id".into(), "c0".into()].into(),
            }),
        }
    }

    fn every_op() -> Vec<Op> {
        let index = Index {
            name: "ix_users_email".into(),
            table: "users".into(),
            columns: vec!["email".into(), "name".into()].into(),
            unique: true,
            predicate: Some("deleted_at IS NULL".into()),
            concurrently: true,
        };
        let fk = |on_delete, on_update| ForeignKey {
            name: "fk_orders_user_id".into(),
            table: "orders".into(),
            columns: vec!["user_id".into()].into(),
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()].into(),
            on_delete,
            on_update,
        };
        let check = CheckConstraint {
            name: "ck_users_age".into(),
            table: "users".into(),
            expr: "age > 0".into(),
        };
        let unique = UniqueConstraint {
            name: "uq_users_email".into(),
            table: "users".into(),
            columns: vec!["email".into()].into(),
        };
        let mood = EnumType {
            name: "mood".into(),
            values: vec!["sad".into(), "ok".into(), "happy".into()].into(),
        };
        let alter = |change| Op::AlterColumn {
            table: "users".into(),
            column: "age".into(),
            change,
        };
        let mut ops = vec![
            Op::CreateTable(kitchen_sink()),
            Op::DropTable(Table {
                name: "empty".into(),
                columns: vec![].into(),
                primary_key: None,
            }),
            Op::AddColumn {
                table: "users".into(),
                column: column("age", Scalar::Integer),
            },
            Op::DropColumn {
                table: "users".into(),
                column: Column {
                    nullable: true,
                    default: Some(DefaultValue::Int("0".into())),
                    ..column("legacy", Scalar::Numeric(Some((10, 3))))
                },
            },
            Op::RenameTable {
                from: "people".into(),
                to: "users".into(),
            },
            Op::RenameColumn {
                table: "users".into(),
                from: "mail".into(),
                to: "email".into(),
            },
            alter(ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::BigInt),
                from: ColumnType::Array(Scalar::Integer),
                using: Some("age::bigint".into()),
            }),
            alter(ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Text),
                from: ColumnType::Scalar(Scalar::Varchar(10)),
                using: None,
            }),
            alter(ColumnChange::SetNotNull),
            alter(ColumnChange::DropNotNull),
            alter(ColumnChange::SetDefault {
                to: DefaultValue::Int("18".into()),
                from: None,
            }),
            alter(ColumnChange::SetDefault {
                to: DefaultValue::Function(SqlFunction::Random),
                from: Some(DefaultValue::Int("18".into())),
            }),
            alter(ColumnChange::DropDefault {
                was: DefaultValue::Null,
            }),
            Op::CreateIndex(index.clone()),
            Op::DropIndex(Index {
                unique: false,
                predicate: None,
                concurrently: false,
                ..index
            }),
            Op::AddCheck(check.clone()),
            Op::DropCheck(check),
            Op::AddUnique(unique.clone()),
            Op::DropUnique(unique),
            Op::AddPrimaryKey {
                table: "users".into(),
                key: PrimaryKey {
                    name: "pk_users".into(),
                    columns: vec!["id".into(), "email".into()].into(),
                },
            },
            Op::InsertRows(Rows {
                table: "roles".into(),
                columns: vec!["id".into(), "name".into(), "created_at".into()].into(),
                values: vec![
                    vec![
                        DefaultValue::Int("1".into()),
                        DefaultValue::Str("admin".into()),
                        DefaultValue::Function(SqlFunction::Now),
                    ]
                    .into(),
                    vec![
                        DefaultValue::Int("2".into()),
                        DefaultValue::Null,
                        DefaultValue::Sql("now()".into()),
                    ]
                    .into(),
                ]
                .into(),
            }),
            Op::DeleteRows(Rows {
                table: "roles".into(),
                columns: vec!["id".into()].into(),
                values: vec![vec![DefaultValue::Bool(true)].into()].into(),
            }),
            Op::DropPrimaryKey {
                table: "users".into(),
                key: PrimaryKey {
                    name: "pk_users".into(),
                    columns: vec!["id".into()].into(),
                },
            },
            Op::CreateEnum(mood.clone()),
            Op::DropEnum(mood),
            Op::AddEnumValue {
                enum_name: "mood".into(),
                value: "meh".into(),
                position: Some(EnumPosition::Before("ok".into())),
            },
            Op::AddEnumValue {
                enum_name: "mood".into(),
                value: "great".into(),
                position: None,
            },
            Op::DropEnumValue {
                enum_name: "mood".into(),
                value: "meh".into(),
                position: Some(EnumPosition::After("sad".into())),
            },
            Op::Execute {
                up: "UPDATE users SET age = 1".into(),
                down: Some("UPDATE users SET age = NULL".into()),
            },
            Op::Execute {
                up: String::new().into(),
                down: None,
            },
            Op::Execute {
                up: RawSql::PerDialect(
                    vec![
                        (Dialect::Postgres, "CREATE EXTENSION citext".into()),
                        (Dialect::Sqlite, String::new().into()),
                    ]
                    .into(),
                ),
                down: Some(RawSql::PerDialect(
                    vec![(Dialect::Mysql, "SELECT 1".into())].into(),
                )),
            },
            Op::Backfill {
                table: "users".into(),
                set: "age = 0".into(),
                filter: "age IS NULL".into(),
                batch_size: u32::MAX,
            },
            Op::RunRust {
                up: "crate::data::up".into(),
                down: Some("crate::data::down".into()),
            },
            Op::RunRust {
                up: "crate::data::only_up".into(),
                down: None,
            },
        ];
        for (i, &on_delete) in ReferentialAction::ALL.iter().enumerate() {
            let on_update = ReferentialAction::ALL[(i + 1) % ReferentialAction::ALL.len()];
            ops.push(Op::AddForeignKey(fk(on_delete, on_update)));
            ops.push(Op::DropForeignKey(fk(on_update, on_delete)));
        }
        ops
    }

    fn migration(downgrade: Downgrade, mode: Mode, timeouts: Option<(u64, u64)>) -> Migration {
        Migration {
            id: "0042_everything".into(),
            parents: vec!["0040_a".into(), "0041_b".into()].into(),
            replaces: vec!["0039_x".into(), "0039_y".into()].into(),
            doc: "Covers every op.\n\nSecond paragraph, with ünïcödé.".into(),
            upgrade: every_op().into(),
            downgrade,
            mode,
            lock_timeout_ms: timeouts.map(|(lock, _)| lock),
            statement_timeout_ms: timeouts.map(|(_, statement)| statement),
            checksum: "ab".repeat(32).into(),
        }
    }

    /// Every form the migration-level fields take.
    fn migrations() -> Vec<Migration> {
        let mut reversed = every_op();
        reversed.reverse();
        vec![
            migration(
                Downgrade::Ops(reversed.into()),
                Mode::NonTransactional,
                Some((u64::MAX, 0)),
            ),
            migration(
                Downgrade::Irreversible("data is lost".into()),
                Mode::Transactional,
                None,
            ),
            Migration {
                id: "0001_root".into(),
                parents: vec![].into(),
                replaces: vec![].into(),
                doc: String::new().into(),
                upgrade: vec![].into(),
                downgrade: Downgrade::Ops(vec![].into()),
                mode: Mode::Transactional,
                lock_timeout_ms: Some(300),
                statement_timeout_ms: None,
                checksum: String::new().into(),
            },
        ]
    }

    #[test]
    fn the_fixture_holds_every_op_kind() {
        let ops = every_op();
        for kind in OpKind::ALL {
            assert!(ops.iter().any(|op| op.kind() == *kind), "{kind:?} missing");
        }
    }

    #[test]
    fn round_trips_every_value_of_the_model() {
        for migration in migrations() {
            let bytes = encode(&migration);
            let decoded = decode(&bytes).unwrap();
            assert_eq!(decoded, migration);
            assert_eq!(encode(&decoded), bytes);
        }
    }

    #[test]
    fn decoded_text_and_lists_are_owned() {
        let decoded = decode(&encode(&migrations()[0])).unwrap();
        assert!(matches!(decoded.id, Cow::Owned(_)));
        assert!(matches!(decoded.upgrade, Cow::Owned(_)));
        let Op::CreateTable(table) = &decoded.upgrade[0] else {
            panic!("the fixture starts with create_table");
        };
        assert!(matches!(table.columns, Cow::Owned(_)));
    }

    #[test]
    fn is_smaller_than_the_canonical_text() {
        let migration = &migrations()[0];
        let bytes = encode(migration).len();
        let text = crate::canonical::migration(migration).len();
        assert!(bytes < text, "{bytes} bytes encoded, {text} bytes of text");
    }

    #[test]
    fn every_truncation_is_an_error() {
        for migration in migrations() {
            let bytes = encode(&migration);
            for len in 0..bytes.len() {
                let error = decode(&bytes[..len]).unwrap_err();
                assert!(error.position <= len, "{len}: {error}");
            }
        }
    }

    #[test]
    fn a_wrong_version_is_an_error() {
        let mut bytes = encode(&migrations()[2]);
        bytes[0] = VERSION + 1;
        let error = decode(&bytes).unwrap_err();
        assert_eq!(error.position, 0);
        assert_eq!(
            error.to_string(),
            format!(
                "invalid migration encoding at byte 0: expected format version {VERSION}, found {}",
                VERSION + 1
            )
        );
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut bytes = encode(&migrations()[2]);
        let len = bytes.len();
        bytes.extend_from_slice(&[0, 0]);
        let error = decode(&bytes).unwrap_err();
        assert_eq!(error.position, len);
        assert!(error.expected.contains("found 2 more bytes"), "{error}");
    }

    #[test]
    fn bad_tags_bools_and_utf8_are_errors() {
        // Version, id "a", no parents, no replaces, doc "", no upgrade, then an unknown
        // Downgrade tag.
        let error = decode(&[VERSION, 1, b'a', 0, 0, 0, 0, 7]).unwrap_err();
        assert_eq!(error.position, 7);
        assert_eq!(error.expected, "a Downgrade tag, found 7");

        let error = decode(&[VERSION, 2, b'a', 0xff]).unwrap_err();
        assert_eq!(
            (error.position, error.expected.as_str()),
            (3, "valid UTF-8")
        );

        // A length longer than the input left.
        let error = decode(&[VERSION, 0x80, 0x01, b'a']).unwrap_err();
        assert_eq!(error.position, 1);

        // An over-long varint (a trailing zero byte), and one past 64 bits.
        let error = decode(&[VERSION, 0x81, 0x00]).unwrap_err();
        assert_eq!(error.expected, "a varint without a trailing zero byte");
        let too_big = [
            VERSION, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
        ];
        assert_eq!(
            decode(&too_big).unwrap_err().expected,
            "a varint that fits in 64 bits"
        );
    }

    #[test]
    fn varints_round_trip_at_their_edges() {
        for n in [
            0,
            1,
            0x7f,
            0x80,
            0x3fff,
            0x4000,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut w = Writer(Vec::new());
            w.varint(n);
            let mut r = Reader {
                bytes: &w.0,
                pos: 0,
                borrowed: None,
            };
            assert_eq!(r.varint().unwrap(), n);
            assert_eq!(r.pos, w.0.len());
        }
    }

    /// Whatever a corrupted encoding decodes to, it never panics, and what it accepts is exactly
    /// what `encode` would write: every value has one encoding.
    #[test]
    fn corrupted_bytes_never_panic_and_accepted_bytes_are_canonical() {
        // The irreversible one: every op once, at half the size (and time) of the first.
        let bytes = encode(&migrations()[1]);
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut corrupted = bytes.clone();
                corrupted[i] ^= flip;
                let decoded = decode(&corrupted);
                if let Ok(migration) = &decoded {
                    assert_eq!(encode(migration), corrupted, "byte {i} ^ {flip:#x}");
                }
                // Borrowing the texts accepts and refuses exactly the same bytes.
                assert_eq!(decode_static(corrupted.leak()), decoded);
            }
        }
    }
}
