//! `spin:key-value`, `spin:sqlite` and `spin:variables` for the test host,
//! each checking the calling component's grants first.

use crate::Ctx;
use crate::spin::key_value::key_value as kv;
use crate::spin::sqlite::sqlite as sql;
use crate::spin::variables::variables as vars;
use wasmtime::component::{Accessor, FutureReader, HasData, Resource, StreamReader};

/// An open key-value store.
pub struct KvHandle {
    label: String,
}

/// An open SQLite connection: its own connection to the database, as
/// Spin gives each `open`.
pub struct DbHandle {
    conn: std::sync::Mutex<rusqlite::Connection>,
    changes: u64,
    last_rowid: i64,
}

/// Marker for the generated `*WithStore` traits.
pub struct SpinApis;

impl HasData for SpinApis {
    type Data<'a> = &'a mut Ctx;
}

fn kv_open(
    ctx: &mut Ctx,
    label: String,
) -> wasmtime::Result<Result<Resource<KvHandle>, kv::Error>> {
    if !ctx.grants.key_value_stores.contains(&label) {
        ctx.shared.violation(
            &ctx.grants,
            format!("key-value store '{label}' not granted"),
        );
        return Ok(Err(kv::Error::AccessDenied));
    }
    if label != "default" {
        return Ok(Err(kv::Error::NoSuchStore));
    }
    Ok(Ok(ctx.table.push(KvHandle { label })?))
}

fn kv_label(ctx: &Ctx, store: &Resource<KvHandle>) -> wasmtime::Result<String> {
    Ok(ctx.table.get(store)?.label.clone())
}

impl kv::HostStoreWithStore for SpinApis {
    async fn open<T: Send>(
        accessor: &Accessor<T, Self>,
        label: String,
    ) -> wasmtime::Result<Result<Resource<KvHandle>, kv::Error>> {
        accessor.with(|mut access| kv_open(access.get(), label))
    }

    async fn get<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<KvHandle>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, kv::Error>> {
        accessor.with(|mut access| {
            let ctx = access.get();
            let label = kv_label(ctx, &store)?;
            let map = ctx.shared.kv.lock().unwrap();
            Ok(Ok(map.get(&label).and_then(|m| m.get(&key)).cloned()))
        })
    }

    async fn set<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<KvHandle>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), kv::Error>> {
        accessor.with(|mut access| {
            let ctx = access.get();
            let label = kv_label(ctx, &store)?;
            let mut map = ctx.shared.kv.lock().unwrap();
            map.entry(label).or_default().insert(key, value);
            Ok(Ok(()))
        })
    }

    async fn delete<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<KvHandle>,
        key: String,
    ) -> wasmtime::Result<Result<(), kv::Error>> {
        accessor.with(|mut access| {
            let ctx = access.get();
            let label = kv_label(ctx, &store)?;
            if let Some(m) = ctx.shared.kv.lock().unwrap().get_mut(&label) {
                m.remove(&key);
            }
            Ok(Ok(()))
        })
    }

    async fn exists<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<KvHandle>,
        key: String,
    ) -> wasmtime::Result<Result<bool, kv::Error>> {
        accessor.with(|mut access| {
            let ctx = access.get();
            let label = kv_label(ctx, &store)?;
            let map = ctx.shared.kv.lock().unwrap();
            Ok(Ok(map.get(&label).is_some_and(|m| m.contains_key(&key))))
        })
    }

    async fn get_keys<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<KvHandle>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), kv::Error>>)> {
        accessor.with(|mut access| {
            let label = kv_label(access.get(), &store)?;
            let keys: Vec<String> = access
                .get()
                .shared
                .kv
                .lock()
                .unwrap()
                .get(&label)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            Ok((
                StreamReader::new(&mut access, keys)?,
                FutureReader::new(&mut access, async { wasmtime::error::Ok(Ok(())) })?,
            ))
        })
    }
}

impl kv::HostStore for Ctx {
    fn drop(&mut self, rep: Resource<KvHandle>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl kv::Host for Ctx {}

fn db_open(
    ctx: &mut Ctx,
    database: String,
) -> wasmtime::Result<Result<Resource<DbHandle>, sql::Error>> {
    if !ctx.grants.sqlite_databases.contains(&database) {
        ctx.shared.violation(
            &ctx.grants,
            format!("sqlite database '{database}' not granted"),
        );
        return Ok(Err(sql::Error::AccessDenied));
    }
    let opened = match ctx.shared.sqlite.lock().unwrap().get(&database) {
        None => return Ok(Err(sql::Error::NoSuchDatabase)),
        Some(db) => db.open(),
    };
    let conn = match opened {
        Ok(c) => c,
        Err(e) => return Ok(Err(sql::Error::Io(e.to_string()))),
    };
    Ok(Ok(ctx.table.push(DbHandle {
        conn: std::sync::Mutex::new(conn),
        changes: 0,
        last_rowid: 0,
    })?))
}

fn to_sql(v: sql::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        sql::Value::Integer(i) => V::Integer(i),
        sql::Value::Real(r) => V::Real(r),
        sql::Value::Text(t) => V::Text(t),
        sql::Value::Blob(b) => V::Blob(b),
        sql::Value::Null => V::Null,
    }
}

fn from_sql(v: rusqlite::types::ValueRef<'_>) -> sql::Value {
    use rusqlite::types::ValueRef as V;
    match v {
        V::Integer(i) => sql::Value::Integer(i),
        V::Real(r) => sql::Value::Real(r),
        V::Text(t) => sql::Value::Text(String::from_utf8_lossy(t).into_owned()),
        V::Blob(b) => sql::Value::Blob(b.to_vec()),
        V::Null => sql::Value::Null,
    }
}

/// Column names and rows of one statement's result.
type Rows = (Vec<String>, Vec<sql::RowResult>);

/// Runs one statement; returns columns and rows, and records the changes.
fn db_execute(
    ctx: &mut Ctx,
    conn: &Resource<DbHandle>,
    statement: &str,
    params: Vec<sql::Value>,
) -> wasmtime::Result<Result<Rows, sql::Error>> {
    let handle = ctx.table.get_mut(conn)?;
    let db = handle.conn.get_mut().unwrap();
    let run = || -> rusqlite::Result<Rows> {
        let mut stmt = db.prepare(statement)?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let n = columns.len();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.into_iter().map(to_sql)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let values = (0..n)
                .map(|i| row.get_ref(i).map(from_sql))
                .collect::<rusqlite::Result<_>>()?;
            out.push(sql::RowResult { values });
        }
        Ok((columns, out))
    };
    let result = run();
    let (changes, rowid) = (db.changes(), db.last_insert_rowid());
    handle.changes = changes;
    handle.last_rowid = rowid;
    Ok(result.map_err(|e| sql::Error::Io(e.to_string())))
}

impl sql::HostConnectionWithStore for SpinApis {
    async fn open_async<T: Send>(
        accessor: &Accessor<T, Self>,
        database: String,
    ) -> wasmtime::Result<Result<Resource<DbHandle>, sql::Error>> {
        accessor.with(|mut access| db_open(access.get(), database))
    }

    async fn execute_async<T: Send>(
        accessor: &Accessor<T, Self>,
        conn: Resource<DbHandle>,
        statement: String,
        parameters: Vec<sql::Value>,
    ) -> wasmtime::Result<
        Result<
            (
                Vec<String>,
                StreamReader<sql::RowResult>,
                FutureReader<Result<(), sql::Error>>,
            ),
            sql::Error,
        >,
    > {
        accessor.with(
            |mut access| match db_execute(access.get(), &conn, &statement, parameters)? {
                Err(e) => Ok(Err(e)),
                Ok((columns, rows)) => Ok(Ok((
                    columns,
                    StreamReader::new(&mut access, rows)?,
                    FutureReader::new(&mut access, async { wasmtime::error::Ok(Ok(())) })?,
                ))),
            },
        )
    }

    async fn last_insert_rowid_async<T: Send>(
        accessor: &Accessor<T, Self>,
        conn: Resource<DbHandle>,
    ) -> wasmtime::Result<i64> {
        accessor.with(|mut access| Ok(access.get().table.get(&conn)?.last_rowid))
    }

    async fn changes_async<T: Send>(
        accessor: &Accessor<T, Self>,
        conn: Resource<DbHandle>,
    ) -> wasmtime::Result<u64> {
        accessor.with(|mut access| Ok(access.get().table.get(&conn)?.changes))
    }
}

impl sql::HostConnection for Ctx {
    fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<DbHandle>, sql::Error>> {
        db_open(self, database)
    }

    fn execute(
        &mut self,
        conn: Resource<DbHandle>,
        statement: String,
        parameters: Vec<sql::Value>,
    ) -> wasmtime::Result<Result<sql::QueryResult, sql::Error>> {
        Ok(db_execute(self, &conn, &statement, parameters)?
            .map(|(columns, rows)| sql::QueryResult { columns, rows }))
    }

    fn last_insert_rowid(&mut self, conn: Resource<DbHandle>) -> wasmtime::Result<i64> {
        Ok(self.table.get(&conn)?.last_rowid)
    }

    fn changes(&mut self, conn: Resource<DbHandle>) -> wasmtime::Result<u64> {
        Ok(self.table.get(&conn)?.changes)
    }

    fn drop(&mut self, rep: Resource<DbHandle>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl sql::Host for Ctx {}

impl vars::HostWithStore for SpinApis {
    async fn get<T: Send>(
        accessor: &Accessor<T, Self>,
        name: String,
    ) -> wasmtime::Result<Result<String, vars::Error>> {
        accessor.with(|mut access| {
            let ctx = access.get();
            match ctx.grants.variables.get(&name) {
                Some(v) => Ok(Ok(v.clone())),
                None => {
                    ctx.shared
                        .violation(&ctx.grants, format!("variable '{name}' not granted"));
                    Ok(Err(vars::Error::Undefined(name)))
                }
            }
        })
    }
}

impl vars::Host for Ctx {}
