//! The sales playbook ("sailwind"): the organisation's clients, its
//! products, and a strategy for selling a product to a client. Admins
//! write it; every member reads it. Every query names the caller's
//! organisation, so another organisation's id is a 404 like an unknown
//! one.

use crate::compat::not_found;
use crate::page::Page;
use crate::tenancy::Caller;
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::db::{self, Cols};
use edgedesk_kernel::input::Input;
use edgedesk_kernel::platform::{Row, SqlValue};
use edgedesk_kernel::{Platform, Request, times};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

pub const STRATEGY_STATUSES: [&str; 3] = ["draft", "active", "archived"];

/// The query of a playbook list.
fn list_query(req: &Request) -> Result<(bool, Page), ApiError> {
    let q = Input::query(req, &["include_archived", "limit", "offset"])?;
    Ok((
        q.boolean("include_archived")?.unwrap_or(false),
        Page::read(&q)?,
    ))
}

/// A nullable text field of a body: `Some(None)` when it is given as null
/// (to clear it), `None` when it is left out.
fn nullable(input: &Input, name: &str, max: usize) -> Result<Option<Option<String>>, ApiError> {
    if !input.has(name) {
        return Ok(None);
    }
    Ok(Some(input.text(name, max)?.filter(|s| !s.is_empty())))
}

fn email(input: &Input) -> Result<Option<Option<String>>, ApiError> {
    // Cleared with null; an empty string is no address.
    if input.text("email", 254)?.is_some_and(|e| e.is_empty()) {
        return Err(ApiError::unprocessable(
            "email must be an email address (name@example.com), or null to clear it",
        ));
    }
    let e = nullable(input, "email", 254)?;
    if let Some(Some(e)) = &e {
        let (local, domain) = e.split_once('@').unwrap_or(("", ""));
        if local.is_empty() || !domain.contains('.') || e.contains(char::is_whitespace) {
            return Err(ApiError::unprocessable(
                "email must be an email address (name@example.com)",
            ));
        }
    }
    Ok(e)
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingClient")]
pub struct Client {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub industry: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    /// prospect by default; the organisation's own words otherwise.
    pub status: String,
    pub total_revenue: f64,
    /// When it was archived; archived clients are listed only with
    /// include_archived=true.
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) const CLIENT: &str = "SELECT id, organization_id, name, industry, email, phone, company, status, \
     total_revenue, archived_at, created_at, updated_at FROM clients";

fn client(r: &Row) -> Client {
    let c = Cols(r);
    Client {
        id: c.text(0),
        organization_id: c.text(1),
        name: c.text(2),
        industry: c.opt_text(3),
        email: c.opt_text(4),
        phone: c.opt_text(5),
        company: c.opt_text(6),
        status: c.text(7),
        total_revenue: c.real(8),
        archived_at: c.opt_text(9),
        created_at: c.text(10),
        updated_at: c.text(11),
    }
}

pub(crate) async fn list<P: Platform, T: Serialize>(
    p: &P,
    c: &Caller,
    select: &str,
    archived_column: &str,
    order: &str,
    req: &Request,
    read: fn(&Row) -> T,
) -> Result<Value, ApiError> {
    let (include_archived, page) = list_query(req)?;
    let hidden = if include_archived {
        String::new()
    } else {
        format!(" AND {archived_column}")
    };
    let rows = db::query(
        p,
        &format!("{select} WHERE organization_id = ?1{hidden} ORDER BY {order} LIMIT ?2 OFFSET ?3"),
        &[
            c.organization_id.as_str().into(),
            page.limit.into(),
            page.offset.into(),
        ],
    )
    .await?;
    Ok(json!(rows.iter().map(read).collect::<Vec<_>>()))
}

pub(crate) async fn one<P: Platform, T>(
    p: &P,
    c: &Caller,
    select: &str,
    what: &str,
    id: &str,
    read: fn(&Row) -> T,
) -> Result<T, ApiError> {
    db::one(
        p,
        &format!("{select} WHERE organization_id = ?1 AND id = ?2"),
        &[c.organization_id.as_str().into(), id.into()],
    )
    .await?
    .map(|r| read(&r))
    .ok_or_else(|| not_found(what))
}

pub async fn list_clients<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    list(p, c, CLIENT, "archived_at IS NULL", "name, id", req, client).await
}

pub async fn get_client<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<Value, ApiError> {
    Ok(json!(one(p, c, CLIENT, "Client", id, client).await?))
}

const CLIENT_FIELDS: [&str; 7] = [
    "name",
    "industry",
    "email",
    "phone",
    "company",
    "status",
    "total_revenue",
];

/// `name` (1-200 characters): required when adding, else only if given.
fn name(input: &Input, creating: bool) -> Result<Option<SqlValue>, ApiError> {
    Ok(if creating || input.has("name") {
        Some(input.required_text("name", 200)?.into())
    } else {
        None
    })
}

/// `status` (at most 40 characters), `default` when adding without one or
/// when given empty.
fn status(input: &Input, creating: bool, default: &str) -> Result<Option<SqlValue>, ApiError> {
    Ok(if creating || input.has("status") {
        let s = input.text("status", 40)?.filter(|s| !s.is_empty());
        Some(s.unwrap_or_else(|| default.into()).into())
    } else {
        None
    })
}

/// An amount of money (0 to a trillion), 0 when adding without one.
fn amount(input: &Input, field: &str, creating: bool) -> Result<Option<SqlValue>, ApiError> {
    Ok(match input.number(field, 0.0, 1e12)? {
        Some(v) => Some(v.into()),
        None if creating => Some(0.0.into()),
        None => None,
    })
}

/// The `SET` clauses of the fields given (`None`: left as it is), with
/// their parameters after the organisation (1) and the id (2).
fn assignments(
    c: &Caller,
    id: &str,
    fields: &[&str],
    values: Vec<Option<SqlValue>>,
) -> (Vec<String>, Vec<SqlValue>) {
    let mut sets = Vec::new();
    let mut params: Vec<SqlValue> = vec![c.organization_id.as_str().into(), id.into()];
    for (field, value) in fields.iter().zip(values) {
        if let Some(v) = value {
            params.push(v);
            sets.push(format!("{field} = ?{}", params.len()));
        }
    }
    (sets, params)
}

/// The client fields a body sets, in [`CLIENT_FIELDS`]' order (`None`:
/// left as it is).
fn client_values(input: &Input, creating: bool) -> Result<Vec<Option<SqlValue>>, ApiError> {
    let name = name(input, creating)?;
    let status = status(input, creating, "prospect")?;
    let revenue = amount(input, "total_revenue", creating)?;
    let text = |name: &str, max: usize| -> Result<Option<SqlValue>, ApiError> {
        Ok(nullable(input, name, max)?.map(SqlValue::from))
    };
    Ok(vec![
        name,
        text("industry", 100)?,
        email(input)?.map(SqlValue::from),
        text("phone", 40)?,
        text("company", 200)?,
        status,
        revenue,
    ])
}

pub async fn create_client<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let input = Input::body(req, &CLIENT_FIELDS)?;
    let values = client_values(&input, true)?;
    let id = db::new_id(p);
    let now = times::iso(p.now_ms());
    let mut params: Vec<SqlValue> = vec![id.as_str().into(), c.organization_id.as_str().into()];
    params.extend(values.into_iter().map(|v| v.unwrap_or(SqlValue::Null)));
    params.push(now.into());
    db::execute(
        p,
        "INSERT INTO clients (id, organization_id, name, industry, email, phone, company, status, \
         total_revenue, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        &params,
    )
    .await?;
    get_client(p, c, &id).await
}

/// Sets each given field; `archived` archives (true) or restores (false).
pub async fn update_client<P: Platform>(
    p: &P,
    c: &Caller,
    id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let mut allowed = CLIENT_FIELDS.to_vec();
    allowed.push("archived");
    let input = Input::body(req, &allowed)?;
    let values = client_values(&input, false)?;
    let archived = input.boolean("archived")?;
    let (sets, params) = assignments(c, id, &CLIENT_FIELDS, values);
    update(p, "clients", sets, params, archived).await?;
    get_client(p, c, id).await
}

/// Archives a client (`DELETE`): it stays, with its strategies and
/// sessions, but is listed only with include_archived=true.
pub async fn archive_client<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<Value, ApiError> {
    c.require_admin()?;
    update(
        p,
        "clients",
        Vec::new(),
        vec![c.organization_id.as_str().into(), id.into()],
        Some(true),
    )
    .await?;
    get_client(p, c, id).await
}

/// One `UPDATE` of a row of the caller's organisation (params 1 and 2 are
/// the organisation and the id); 404 when there is no such row.
async fn update<P: Platform>(
    p: &P,
    table: &str,
    mut sets: Vec<String>,
    mut params: Vec<SqlValue>,
    archived: Option<bool>,
) -> Result<(), ApiError> {
    let now = times::iso(p.now_ms());
    if let Some(archived) = archived {
        // Archiving again keeps the first time.
        params.push(archived.then(|| now.clone()).into());
        sets.push(format!(
            "archived_at = CASE WHEN ?{n} IS NULL THEN NULL ELSE COALESCE(archived_at, ?{n}) END",
            n = params.len()
        ));
    }
    params.push(now.into());
    sets.push(format!("updated_at = ?{}", params.len()));
    let changed = db::execute(
        p,
        &format!(
            "UPDATE {table} SET {} WHERE organization_id = ?1 AND id = ?2",
            sets.join(", ")
        ),
        &params,
    )
    .await?;
    if changed == 0 {
        return Err(not_found(match table {
            "clients" => "Client",
            "products" => "Product",
            _ => "Strategy",
        }));
    }
    Ok(())
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingProduct")]
pub struct Product {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub category: Option<String>,
    /// What the coach tells reps about it.
    pub description: Option<String>,
    pub price: f64,
    pub stock: i64,
    /// active by default; the organisation's own words otherwise.
    pub status: String,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) const PRODUCT: &str = "SELECT id, organization_id, name, category, description, price, stock, \
     status, archived_at, created_at, updated_at FROM products";

fn product(r: &Row) -> Product {
    let c = Cols(r);
    Product {
        id: c.text(0),
        organization_id: c.text(1),
        name: c.text(2),
        category: c.opt_text(3),
        description: c.opt_text(4),
        price: c.real(5),
        stock: c.int(6),
        status: c.text(7),
        archived_at: c.opt_text(8),
        created_at: c.text(9),
        updated_at: c.text(10),
    }
}

pub async fn list_products<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    list(
        p,
        c,
        PRODUCT,
        "archived_at IS NULL",
        "name, id",
        req,
        product,
    )
    .await
}

pub async fn get_product<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<Value, ApiError> {
    Ok(json!(one(p, c, PRODUCT, "Product", id, product).await?))
}

const PRODUCT_FIELDS: [&str; 6] = [
    "name",
    "category",
    "description",
    "price",
    "stock",
    "status",
];

fn product_values(input: &Input, creating: bool) -> Result<Vec<Option<SqlValue>>, ApiError> {
    let name = name(input, creating)?;
    let status = status(input, creating, "active")?;
    let price = amount(input, "price", creating)?;
    let stock = match input.int("stock", 0, 1_000_000_000)? {
        Some(v) => Some(v.into()),
        None if creating => Some(0i64.into()),
        None => None,
    };
    Ok(vec![
        name,
        nullable(input, "category", 100)?.map(SqlValue::from),
        nullable(input, "description", 2000)?.map(SqlValue::from),
        price,
        stock,
        status,
    ])
}

pub async fn create_product<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let input = Input::body(req, &PRODUCT_FIELDS)?;
    let values = product_values(&input, true)?;
    let id = db::new_id(p);
    let mut params: Vec<SqlValue> = vec![id.as_str().into(), c.organization_id.as_str().into()];
    params.extend(values.into_iter().map(|v| v.unwrap_or(SqlValue::Null)));
    params.push(times::iso(p.now_ms()).into());
    db::execute(
        p,
        "INSERT INTO products (id, organization_id, name, category, description, price, stock, \
         status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        &params,
    )
    .await?;
    get_product(p, c, &id).await
}

pub async fn update_product<P: Platform>(
    p: &P,
    c: &Caller,
    id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let mut allowed = PRODUCT_FIELDS.to_vec();
    allowed.push("archived");
    let input = Input::body(req, &allowed)?;
    let values = product_values(&input, false)?;
    let archived = input.boolean("archived")?;
    let (sets, params) = assignments(c, id, &PRODUCT_FIELDS, values);
    update(p, "products", sets, params, archived).await?;
    get_product(p, c, id).await
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CoachingStrategy")]
pub struct Strategy {
    pub id: String,
    pub organization_id: String,
    pub product_id: String,
    pub client_id: String,
    /// draft, active or archived.
    pub status: String,
    pub strategy_text: String,
    pub created_at: String,
    pub updated_at: String,
}

const STRATEGY: &str = "SELECT id, organization_id, product_id, client_id, status, \
     strategy_text, created_at, updated_at FROM strategies";

pub fn strategy(r: &Row) -> Strategy {
    let c = Cols(r);
    Strategy {
        id: c.text(0),
        organization_id: c.text(1),
        product_id: c.text(2),
        client_id: c.text(3),
        status: c.text(4),
        strategy_text: c.text(5),
        created_at: c.text(6),
        updated_at: c.text(7),
    }
}

/// Archived strategies (status archived) are listed only with
/// include_archived=true.
pub async fn list_strategies<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    list(
        p,
        c,
        STRATEGY,
        "status <> 'archived'",
        "created_at, id",
        req,
        strategy,
    )
    .await
}

pub async fn get_strategy<P: Platform>(p: &P, c: &Caller, id: &str) -> Result<Strategy, ApiError> {
    one(p, c, STRATEGY, "Strategy", id, strategy).await
}

/// `{product_id, client_id, strategy_text, status?}`: one strategy per
/// product and client (409 for a second); both must be the
/// organisation's (404).
pub async fn create_strategy<P: Platform>(
    p: &P,
    c: &Caller,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let input = Input::body(req, &["product_id", "client_id", "strategy_text", "status"])?;
    let product_id = input.required_text("product_id", 64)?;
    let client_id = input.required_text("client_id", 64)?;
    let text = input.required_text("strategy_text", 10_000)?;
    let status = input
        .choice("status", &STRATEGY_STATUSES)?
        .unwrap_or("draft");
    one(p, c, PRODUCT, "Product", &product_id, |_| ()).await?;
    one(p, c, CLIENT, "Client", &client_id, |_| ()).await?;
    let id = db::new_id(p);
    let created = db::execute(
        p,
        "INSERT INTO strategies (id, organization_id, product_id, client_id, status, strategy_text, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) \
         ON CONFLICT (organization_id, product_id, client_id) DO NOTHING",
        &[
            id.as_str().into(),
            c.organization_id.as_str().into(),
            product_id.into(),
            client_id.into(),
            status.into(),
            text.into(),
            times::iso(p.now_ms()).into(),
        ],
    )
    .await?;
    if created == 0 {
        return Err(ApiError::conflict(
            "Strategy already exists for this product and client",
        ));
    }
    Ok(json!(get_strategy(p, c, &id).await?))
}

/// `{strategy_text?, status?}`.
pub async fn update_strategy<P: Platform>(
    p: &P,
    c: &Caller,
    id: &str,
    req: &Request,
) -> Result<Value, ApiError> {
    c.require_admin()?;
    let input = Input::body(req, &["strategy_text", "status"])?;
    let mut sets = Vec::new();
    let mut params: Vec<SqlValue> = vec![c.organization_id.as_str().into(), id.into()];
    if input.has("strategy_text") {
        params.push(input.required_text("strategy_text", 10_000)?.into());
        sets.push(format!("strategy_text = ?{}", params.len()));
    }
    if let Some(status) = input.choice("status", &STRATEGY_STATUSES)? {
        params.push(status.into());
        sets.push(format!("status = ?{}", params.len()));
    }
    update(p, "strategies", sets, params, None).await?;
    Ok(json!(get_strategy(p, c, id).await?))
}
