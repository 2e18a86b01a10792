//! The demo business `make dev` loads: a hair salon in Chicago with its
//! services, hours, Twilio number, widget token and a few appointments in
//! the days after it is loaded, and its owner.

use crate::availability;
use crate::hours;
use edgedesk_core::calendar::weekday;
use edgedesk_core::zone::Zone;

pub const BUSINESS: &str = "demo-salon";
pub const NAME: &str = "Demo Salon";
pub const TIME_ZONE: &str = "America/Chicago";
/// Twilio's test number that always succeeds.
pub const NUMBER: &str = "+15005550006";
pub const OWNER_PHONE: &str = "+15005550001";
pub const WIDGET_TOKEN: &str = "demo-salon-widget";
/// The variable holding the demo business's Twilio auth token.
pub const TOKEN_SECRET: &str = "TWILIO_AUTH_TOKEN";
/// Its value in `.dev.vars` and in the tests.
pub const DEV_TWILIO_TOKEN: &str = "dev-twilio-token";
/// The demo salon's owner, who signs in to the dashboard.
pub const OWNER_ID: &str = "owner-demo";
pub const OWNER_EMAIL: &str = "owner@demo-salon.test";
pub const OWNER_NAME: &str = "Dana Demo";
pub const DEV_PASSWORD: &str = "dev-password";

pub const HOURS: &str = r#"{"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]], "thu": [["09:00", "20:00"]], "fri": [["09:00", "18:00"]], "sat": [["09:00", "14:00"]]}"#;

/// (id, name, aliases, minutes, buffer, price in cents)
pub const SERVICES: [(&str, &str, &str, i64, i64, i64); 4] = [
    ("haircut", "Haircut", r#"["cut", "trim"]"#, 45, 15, 4500),
    (
        "color",
        "Hair color",
        r#"["colour", "dye", "highlights"]"#,
        90,
        15,
        9500,
    ),
    (
        "blowout",
        "Blowout",
        r#"["blow dry", "blow-dry", "style"]"#,
        30,
        10,
        3500,
    ),
    ("beard", "Beard trim", r#"["beard"]"#, 20, 10, 2000),
];

/// Empties the product's tables, children first.
pub const CLEAR: &str = "DELETE FROM notifications; DELETE FROM call_events; DELETE FROM deliveries; \
     DELETE FROM feedback; DELETE FROM owner_invitations; DELETE FROM owners; \
     DELETE FROM revoked_tokens; DELETE FROM login_failures; DELETE FROM owner_messages; DELETE FROM turns; DELETE FROM conversations; \
     DELETE FROM calendar_busy; DELETE FROM appointment_cells; DELETE FROM appointments; \
     DELETE FROM contacts; DELETE FROM services; DELETE FROM business_numbers; \
     DELETE FROM businesses; DELETE FROM seen_calls;";

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The demo data as SQL, with appointments on the next open days after
/// `now_ms`: (contact, name, phone, service, day offset, local hour).
pub fn sql(now_ms: i64) -> String {
    let mut out = String::from(CLEAR);
    out.push('\n');
    out.push_str(&format!(
        "INSERT INTO businesses (id, name, time_zone, hours, holidays, address, phone, owner_phone, \
         twilio_token_secret, widget_token, created_at) VALUES ({}, {}, {}, {}, '[]', {}, {}, {}, {}, {}, {now_ms});\n",
        quote(BUSINESS),
        quote(NAME),
        quote(TIME_ZONE),
        quote(HOURS),
        quote("1200 W Madison St, Chicago, IL 60607"),
        quote(NUMBER),
        quote(OWNER_PHONE),
        quote(TOKEN_SECRET),
        quote(WIDGET_TOKEN),
    ));
    out.push_str(&format!(
        "INSERT INTO business_numbers (number, business_id) VALUES ({}, {});\n",
        quote(NUMBER),
        quote(BUSINESS)
    ));
    // A fixed salt: the sample is the same every time it is written.
    let hashed = edgedesk_kernel::passwords::hash(DEV_PASSWORD, *b"demo-owner-salt!");
    out.push_str(&format!(
        "INSERT INTO owners (id, business_id, email, hashed_password, name, created_at) \
         VALUES ({}, {}, {}, {}, {}, {now_ms});\n",
        quote(OWNER_ID),
        quote(BUSINESS),
        quote(OWNER_EMAIL),
        quote(&hashed),
        quote(OWNER_NAME)
    ));
    for (id, name, aliases, minutes, buffer, price) in SERVICES {
        out.push_str(&format!(
            "INSERT INTO services (business_id, id, name, aliases, duration_minutes, buffer_minutes, price_cents) \
             VALUES ({}, {}, {}, {}, {minutes}, {buffer}, {price});\n",
            quote(BUSINESS),
            quote(id),
            quote(name),
            quote(aliases)
        ));
    }
    let zone = Zone::parse(TIME_ZONE).unwrap_or(Zone::UTC);
    let week = serde_json::from_str(HOURS)
        .ok()
        .and_then(|v| hours::parse_week(&v).ok())
        .unwrap_or_default();
    let Some(cal) = hours::calendar(zone, week, Vec::new()) else {
        return out;
    };
    let today = availability::local_day(&cal, now_ms / 1000);
    // The next three days the salon opens, from tomorrow.
    let open_days: Vec<i64> = (today + 1..today + 10)
        .filter(|&d| !cal.week[weekday(d)].is_empty() && weekday(d) != 5)
        .take(3)
        .collect();
    let people = [
        ("Maria Garcia", "+13125550101", "haircut", 0, 10 * 3600),
        ("James Chen", "+13125550102", "color", 0, 12 * 3600 + 1800),
        (
            "Aisha Johnson",
            "+13125550103",
            "blowout",
            1,
            11 * 3600 + 1800,
        ),
        ("Tom Becker", "+13125550104", "beard", 2, 16 * 3600),
    ];
    for (i, (name, phone, service, day, secs)) in people.into_iter().enumerate() {
        let Some(&day) = open_days.get(day) else {
            continue;
        };
        let (_, _, _, minutes, buffer, _) = SERVICES
            .iter()
            .copied()
            .find(|s| s.0 == service)
            .unwrap_or(SERVICES[0]);
        let start = availability::instant(&cal, day, secs) * 1000;
        let end = start + minutes * 60_000;
        let held = end + buffer * 60_000;
        let contact = crate::contacts::id_for(BUSINESS, phone);
        let id = format!("apt-demo-{}", i + 1);
        out.push_str(&format!(
            "INSERT INTO contacts (id, business_id, phone, name, created_at) VALUES ({}, {}, {}, {}, {now_ms});\n",
            quote(&contact),
            quote(BUSINESS),
            quote(phone),
            quote(name)
        ));
        out.push_str(&format!(
            "INSERT INTO appointments (id, business_id, service_id, contact_id, start_at, end_at, held_until, \
             status, source, created_at, updated_at) VALUES ({}, {}, {}, {}, {start}, {end}, {held}, 'booked', 'owner', {now_ms}, {now_ms});\n",
            quote(&id),
            quote(BUSINESS),
            quote(service),
            quote(&contact)
        ));
        let (first, last) = crate::appointments::cells(start, held);
        out.push_str(&format!(
            "WITH RECURSIVE c(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM c WHERE n < {last}) \
             INSERT INTO appointment_cells (business_id, cell, appointment_id) SELECT {}, n, {} FROM c;\n",
            quote(BUSINESS),
            quote(&id)
        ));
    }
    out
}
