//! The dev organisation `make dev` loads: `dev_token`'s user (an admin who
//! also practises) and a second rep, three clients, three products, a
//! strategy for each pairing the team sells, and rep assignments. Fixed
//! ids, so loading it again replaces it rather than adding to it.

use crate::tenancy::Identity;

pub const ORG: &str = "00000000-0000-4000-8000-00000000d001";
pub const DEV_USER: &str = "00000000-0000-4000-8000-00000000d101";
pub const REP_USER: &str = "00000000-0000-4000-8000-00000000d102";
/// Northwind Traders, the Edgedesk Platform, and the strategy for them.
pub const CLIENT: &str = "00000000-0000-4000-8000-00000000c001";
pub const PRODUCT: &str = "00000000-0000-4000-8000-00000000b001";
pub const STRATEGY: &str = "00000000-0000-4000-8000-00000000a001";

/// (id, name, industry, company, status)
const CLIENTS: [(&str, &str, &str, &str, &str); 3] = [
    (
        CLIENT,
        "Northwind Traders",
        "Wholesale",
        "Northwind Traders Ltd",
        "active",
    ),
    (
        "00000000-0000-4000-8000-00000000c002",
        "Contoso Health",
        "Healthcare",
        "Contoso Health Systems",
        "prospect",
    ),
    (
        "00000000-0000-4000-8000-00000000c003",
        "Fabrikam Logistics",
        "Logistics",
        "Fabrikam Inc",
        "prospect",
    ),
];

/// (id, name, category, description, price)
const PRODUCTS: [(&str, &str, &str, &str, f64); 3] = [
    (
        PRODUCT,
        "Edgedesk Platform",
        "Software",
        "The core plan: shared inbox, SLA clocks and the smart inbox, per seat per year.",
        990.0,
    ),
    (
        "00000000-0000-4000-8000-00000000b002",
        "Analytics Add-on",
        "Software",
        "Dashboards and weekly reports on top of the core plan.",
        240.0,
    ),
    (
        "00000000-0000-4000-8000-00000000b003",
        "Onboarding Package",
        "Services",
        "Four weeks of guided setup, data import and team training.",
        4500.0,
    ),
];

/// (id, product, client, text)
const STRATEGIES: [(&str, usize, usize, &str); 3] = [
    (
        STRATEGY,
        0,
        0,
        "Northwind's support team misses SLAs at month end. Lead with SLA clocks and the smart inbox; quantify the overtime they pay today; offer a 60-day pilot for one team.",
    ),
    (
        "00000000-0000-4000-8000-00000000a002",
        1,
        0,
        "Northwind already reports by hand every Monday. Show the weekly report replacing that work; anchor on the hours saved; bundle with the platform renewal.",
    ),
    (
        "00000000-0000-4000-8000-00000000a003",
        0,
        1,
        "Contoso worries about patient data. Open with where data is kept and who can see it; bring references from two clinics; expect a long security review and plan for it.",
    ),
];

/// (id, user, product, client, strategy, minutes)
const ASSIGNMENTS: [(&str, &str, usize, usize, usize, i64); 3] = [
    (
        "00000000-0000-4000-8000-00000000e001",
        DEV_USER,
        0,
        0,
        0,
        30,
    ),
    (
        "00000000-0000-4000-8000-00000000e002",
        DEV_USER,
        0,
        1,
        2,
        45,
    ),
    (
        "00000000-0000-4000-8000-00000000e003",
        REP_USER,
        1,
        0,
        1,
        20,
    ),
];

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The dev organisation as SQL, stamped `now_ms`.
pub fn sql(now_ms: i64) -> String {
    let dev = Identity::dev();
    let now = quote(&edgedesk_kernel::times::iso(now_ms));
    let mut out = String::new();
    out.push_str(&format!(
        "INSERT OR REPLACE INTO organizations (id, org_id, name, created_at) VALUES ({}, {}, 'Dev Sales Team', {now});\n",
        quote(ORG),
        quote(&dev.org_id)
    ));
    for (id, subject, email, name) in [
        (DEV_USER, dev.subject.as_str(), "dev@example.com", "dev"),
        (REP_USER, "rep_user_456", "rep@example.com", "rep"),
    ] {
        out.push_str(&format!(
            "INSERT OR REPLACE INTO users (id, auth_provider, auth_subject, email, display_name, created_at, updated_at) \
             VALUES ({}, 'workos', {}, {}, {}, {now}, {now});\n",
            quote(id),
            quote(subject),
            quote(email),
            quote(name)
        ));
    }
    for (user, role) in [(DEV_USER, "admin"), (REP_USER, "member")] {
        out.push_str(&format!(
            "INSERT OR REPLACE INTO organization_memberships (user_id, organization_id, role, created_at) \
             VALUES ({}, {}, '{role}', {now});\n",
            quote(user),
            quote(ORG)
        ));
    }
    for (id, name, industry, company, status) in CLIENTS {
        out.push_str(&format!(
            "INSERT OR REPLACE INTO clients (id, organization_id, name, industry, company, status, created_at, updated_at) \
             VALUES ({}, {}, {}, {}, {}, {}, {now}, {now});\n",
            quote(id),
            quote(ORG),
            quote(name),
            quote(industry),
            quote(company),
            quote(status)
        ));
    }
    for (id, name, category, description, price) in PRODUCTS {
        out.push_str(&format!(
            "INSERT OR REPLACE INTO products (id, organization_id, name, category, description, price, created_at, updated_at) \
             VALUES ({}, {}, {}, {}, {}, {price}, {now}, {now});\n",
            quote(id),
            quote(ORG),
            quote(name),
            quote(category),
            quote(description)
        ));
    }
    for (id, product, client, text) in STRATEGIES {
        out.push_str(&format!(
            "INSERT OR REPLACE INTO strategies (id, organization_id, product_id, client_id, status, strategy_text, created_at, updated_at) \
             VALUES ({}, {}, {}, {}, 'active', {}, {now}, {now});\n",
            quote(id),
            quote(ORG),
            quote(PRODUCTS[product].0),
            quote(CLIENTS[client].0),
            quote(text)
        ));
    }
    for (id, user, product, client, strategy, minutes) in ASSIGNMENTS {
        out.push_str(&format!(
            "INSERT OR REPLACE INTO rep_assignments (id, organization_id, user_id, product_id, client_id, strategy_id, min_practice_minutes, created_at, updated_at) \
             VALUES ({}, {}, {}, {}, {}, {}, {minutes}, {now}, {now});\n",
            quote(id),
            quote(ORG),
            quote(user),
            quote(PRODUCTS[product].0),
            quote(CLIENTS[client].0),
            quote(STRATEGIES[strategy].0)
        ));
    }
    out
}
