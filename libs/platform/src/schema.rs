//! Column and table helpers for migrations: every service's schema reads the same way.

use sea_orm_migration::prelude::*;

/// A UUID primary key.
pub fn id(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}
/// A required UUID.
pub fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .to_owned()
}
/// An optional UUID.
pub fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}
/// Required text.
pub fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .text()
        .not_null()
        .to_owned()
}
/// Optional text.
pub fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().null().to_owned()
}
/// A required 64-bit integer, default 0.
pub fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}
/// A required timestamp with time zone.
pub fn time(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
/// An optional timestamp with time zone.
pub fn time_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}
/// Required bytes.
pub fn bytes(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .binary()
        .not_null()
        .to_owned()
}

/// `CREATE TABLE IF NOT EXISTS name (columns…)`.
pub fn table(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name)).if_not_exists();
    for mut c in columns {
        t.col(&mut c);
    }
    t.to_owned()
}

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS name ON table (columns…)`.
pub fn index(name: &str, table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table)).if_not_exists();
    for c in columns {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

/// A required boolean, default false.
pub fn flag(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}
