//! `get_recent_tickets`: newest first, with counts by status and severity.

use crate::model::{SeverityCounts, StatusCounts, Ticket, TicketsAnswer};

pub fn report<'a>(
    tickets: &'a [Ticket],
    limit: usize,
    status: Option<&'a str>,
) -> TicketsAnswer<'a> {
    let mut counts_by_status = StatusCounts::default();
    let mut counts_by_severity = SeverityCounts::default();
    let mut open_by_severity = SeverityCounts::default();
    for t in tickets {
        counts_by_status.bump(t.status);
        counts_by_severity.bump(t.severity);
        if t.status.is_unresolved() {
            open_by_severity.bump(t.severity);
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
    TicketsAnswer {
        total: tickets.len(),
        matching,
        returned: chosen.len(),
        status_filter: status,
        counts_by_status,
        counts_by_severity,
        open_by_severity,
        unresolved: tickets.iter().filter(|t| t.status.is_unresolved()).count(),
        tickets: chosen,
    }
}
