//! `get_recent_tickets`: newest first, with counts by status and severity.

use super::data::{Severity, Ticket, TicketStatus};
use serde_json::{Map, Value, json};

pub fn report(tickets: &[Ticket], limit: usize, status: Option<&str>) -> Value {
    let mut by_status = Map::new();
    for s in TicketStatus::ALL {
        by_status.insert(s.into(), 0.into());
    }
    let mut open_by_severity = Map::new();
    let mut by_severity = Map::new();
    for s in Severity::ALL {
        by_severity.insert(s.into(), 0.into());
        open_by_severity.insert(s.into(), 0.into());
    }
    let bump = |m: &mut Map<String, Value>, k: &str| {
        let n = m.get(k).and_then(Value::as_u64).unwrap_or(0);
        m.insert(k.into(), (n + 1).into());
    };
    for t in tickets {
        bump(&mut by_status, t.status.as_str());
        bump(&mut by_severity, t.severity.as_str());
        if t.status.is_unresolved() {
            bump(&mut open_by_severity, t.severity.as_str());
        }
    }
    let mut chosen: Vec<&Ticket> = tickets
        .iter()
        .filter(|t| status.is_none_or(|s| t.status.as_str() == s))
        .collect();
    let matching = chosen.len();
    // Newest first; ties broken by id so the order is stable.
    chosen.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.id.cmp(&a.id))
    });
    chosen.truncate(limit);
    json!({
        "total": tickets.len(),
        "matching": matching,
        "returned": chosen.len(),
        "statusFilter": status,
        "countsByStatus": by_status,
        "countsBySeverity": by_severity,
        "openBySeverity": open_by_severity,
        "unresolved": tickets.iter().filter(|t| t.status.is_unresolved()).count(),
        "tickets": chosen,
    })
}
