// calculate_health, ported from shared/core/src/health.rs (integer scoring),
// shared/copilot/src/usage.rs (windows), shared/copilot/src/health.rs (the
// answer) and shared/copilot/src/tenths.rs (numbers in text). Integer
// arithmetic stays integer (Math.floor / Math.trunc where Rust divides
// integers), so both Workers give the same numbers.

export const DAY_MS = 86_400_000;

export const MEASURES = [
  "usageTrend",
  "adoption",
  "supportLoad",
  "renewalProximity",
  "paymentStatus",
] as const;
export type Measure = (typeof MEASURES)[number];

/** Weights per measure, in `MEASURES` order, summing to 100. */
export type Weights = readonly number[];
export const DEFAULT_WEIGHTS: Weights = [25, 25, 20, 10, 20];

/**
 * `HEALTH_WEIGHTS` (`usageTrend=30,adoption=20,...`): each measure named at
 * most once, those left out weigh 0; null when invalid or not summing to 100.
 */
export function parseWeights(spec: string): Weights | null {
  const weights: (number | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  for (const raw of spec.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) return null;
    const k = (MEASURES as readonly string[]).indexOf(part.slice(0, eq).trim());
    const value = part.slice(eq + 1).trim();
    // What Rust's `u8::from_str` takes: digits, an optional '+', at most 255.
    if (k < 0 || weights[k] !== undefined || !/^\+?\d+$/.test(value)) return null;
    const n = Number(value);
    if (n > 255) return null;
    weights[k] = n;
  }
  const out = weights.map((w) => w ?? 0);
  return out.reduce((a, b) => a + b, 0) === 100 ? out : null;
}

export type PaymentStatus = "current" | "late" | "overdue" | "failed";
export type TicketStatus = "open" | "pending" | "solved" | "closed";
export type Severity = "low" | "medium" | "high" | "critical";
export type Band = "red" | "yellow" | "green";

const PAYMENT_SCORE: Record<PaymentStatus, number> = {
  current: 100,
  late: 60,
  overdue: 25,
  failed: 0,
};
const TICKET_STATUSES: readonly string[] = ["open", "pending", "solved", "closed"];
const SEVERITIES: readonly string[] = ["low", "medium", "high", "critical"];

// ---------------------------------------------------------------------
// The stored documents, as JSON, and as scored (dates as day numbers).

export interface StoredUsage {
  licensedSeats: number;
  days: { date: string; activeUsers: number; sessions: number; events: number }[];
}

export interface StoredTickets {
  tickets: {
    status: TicketStatus;
    severity: Severity;
    createdAt: string;
    resolvedAt?: string | null;
  }[];
}

export interface StoredContract {
  renewalDate: string;
  paymentStatus: PaymentStatus;
}

interface UsageDay {
  /** Days since 1970-01-01. */
  day: number;
  activeUsers: number;
  events: number;
}

export interface Usage {
  licensedSeats: number;
  days: UsageDay[];
}

export interface Ticket {
  status: TicketStatus;
  severity: Severity;
  createdMs: number;
  resolvedMs: number | null;
}

export interface Contract {
  renewalDay: number;
  paymentStatus: PaymentStatus;
}

/** Thrown by the readers below; the caller reports the document as unreadable. */
class Unreadable extends Error {}

function count(n: unknown): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new Unreadable();
  return n;
}

/** Days since 1970-01-01 of a strict `YYYY-MM-DD` calendar day. */
function parseDay(s: unknown): number {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new Unreadable();
  const [y, m, d] = [+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10)];
  const at = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 2026-02-30 over into March: refuse what does not round-trip.
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) {
    throw new Unreadable();
  }
  return at.getTime() / DAY_MS;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function parseInstant(s: unknown): number {
  const ms = typeof s === "string" ? Date.parse(s) : NaN;
  if (Number.isNaN(ms)) throw new Unreadable();
  return ms;
}

export function readUsage(doc: StoredUsage): Usage {
  return {
    licensedSeats: count(doc.licensedSeats),
    days: doc.days.map((d) => ({
      day: parseDay(d.date),
      activeUsers: count(d.activeUsers),
      events: count(d.events),
    })),
  };
}

export function readTickets(doc: StoredTickets): Ticket[] {
  return doc.tickets.map((t) => {
    if (!TICKET_STATUSES.includes(t.status) || !SEVERITIES.includes(t.severity)) {
      throw new Unreadable();
    }
    return {
      status: t.status,
      severity: t.severity,
      createdMs: parseInstant(t.createdAt),
      resolvedMs: t.resolvedAt == null ? null : parseInstant(t.resolvedAt),
    };
  });
}

export function readContract(doc: StoredContract): Contract {
  if (!Object.hasOwn(PAYMENT_SCORE, doc.paymentStatus)) throw new Unreadable();
  return { renewalDay: parseDay(doc.renewalDate), paymentStatus: doc.paymentStatus };
}

// ---------------------------------------------------------------------
// Usage windows (shared/copilot/src/usage.rs).

interface WindowSummary {
  daysWithData: number;
  avgDailyActiveUsers: number;
  /** Average active users over licensed seats, in basis points. */
  utilisationBp: number;
  /** Average events per day with data, times 100. */
  eventsPerDayX100: number;
}

interface UsageTrend {
  eventsChangeBp: number;
  eventsChangePct: number;
}

interface UsageReport {
  asOf: number;
  periodDays: number;
  licensedSeats: number;
  current: WindowSummary;
  /** Null when the previous window has less than half its days of data. */
  trend: UsageTrend | null;
}

/** Rust's `f64::round`: halves away from zero (`Math.round` goes up). */
const round = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
const round1 = (x: number) => round(x * 10) / 10;

function summarise(days: UsageDay[], start: number, end: number, seats: number): WindowSummary {
  let n = 0;
  let events = 0;
  let users = 0;
  for (const d of days) {
    if (d.day >= start && d.day <= end) {
      n += 1;
      events += d.events;
      users += d.activeUsers;
    }
  }
  const avgUsersX100 = n === 0 ? 0 : Math.floor((users * 100) / n);
  return {
    daysWithData: n,
    avgDailyActiveUsers: round1(avgUsersX100 / 100),
    utilisationBp: seats === 0 ? 0 : Math.floor((avgUsersX100 * 100) / seats),
    eventsPerDayX100: n === 0 ? 0 : Math.floor((events * 100) / n),
  };
}

/** The change in basis points; Rust's integer division truncates toward zero. */
const changeBp = (now: number, before: number) =>
  Math.trunc(((now - before) * 10_000) / Math.max(before, 1));

/** The `periodDays` ending at `asOf`, and the trend against the window before. */
function report(usage: Usage, asOf: number, periodDays: number): UsageReport {
  const seats = usage.licensedSeats;
  const current = summarise(usage.days, asOf - (periodDays - 1), asOf, seats);
  const previous = summarise(usage.days, asOf - (2 * periodDays - 1), asOf - periodDays, seats);
  let trend: UsageTrend | null = null;
  if (
    previous.daysWithData * 2 >= periodDays &&
    previous.eventsPerDayX100 > 0 &&
    current.daysWithData > 0
  ) {
    const bp = changeBp(current.eventsPerDayX100, previous.eventsPerDayX100);
    trend = { eventsChangeBp: bp, eventsChangePct: bp / 100 };
  }
  return { asOf, periodDays, licensedSeats: seats, current, trend };
}

/** Whether the days are in date order (Rust's `is_sorted_by_key`). */
export function isSorted(usage: Usage): boolean {
  return usage.days.every((d, i) => i === 0 || usage.days[i - 1].day <= d.day);
}

/** The newest exported day not after today, or null when there is none. */
export function asOfDay(usage: Usage, today: number): number | null {
  let best: number | null = null;
  for (const d of usage.days) {
    if (d.day <= today && (best === null || d.day > best)) best = d.day;
  }
  return best;
}

// ---------------------------------------------------------------------
// Scoring (shared/core/src/health.rs).

type OpenTickets = Record<Severity, number>;

const SEVERITY_PENALTY: OpenTickets = { low: 3, medium: 8, high: 20, critical: 40 };
const NEUTRAL_TREND_SCORE = 60;
const GREEN_FROM = 70;
const YELLOW_FROM = 40;

interface HealthInputs {
  usageChangeBp: number | null;
  seatUtilisationBp: number;
  openTickets: OpenTickets;
  daysToRenewal: number;
  payment: PaymentStatus;
}

interface MeasureScore {
  measure: Measure;
  score: number;
  weight: number;
  /** score x weight: the measure's share, in hundredths of a point. */
  weighted: number;
}

interface HealthScore {
  score: number;
  band: Band;
  measures: MeasureScore[];
}

function scoreUsageTrend(bp: number | null): number {
  if (bp === null) return NEUTRAL_TREND_SCORE;
  if (bp <= -5000) return 0;
  if (bp <= 0) return Math.floor((70 * (bp + 5000)) / 5000);
  if (bp < 2000) return 70 + Math.floor((30 * bp) / 2000);
  return 100;
}

const scoreAdoption = (bp: number) => Math.floor((Math.min(bp, 8000) * 100) / 8000);

function scoreSupportLoad(open: OpenTickets): number {
  const p = SEVERITY_PENALTY;
  const penalty =
    open.low * p.low + open.medium * p.medium + open.high * p.high + open.critical * p.critical;
  return 100 - Math.min(penalty, 100);
}

function scoreRenewalProximity(days: number): number {
  if (days < 0) return 0;
  if (days >= 120) return 100;
  return 20 + Math.floor((80 * days) / 120);
}

const bandOf = (score: number): Band =>
  score >= GREEN_FROM ? "green" : score >= YELLOW_FROM ? "yellow" : "red";

function scoreHealth(i: HealthInputs, weights: Weights): HealthScore {
  const raw = [
    scoreUsageTrend(i.usageChangeBp),
    scoreAdoption(i.seatUtilisationBp),
    scoreSupportLoad(i.openTickets),
    scoreRenewalProximity(i.daysToRenewal),
    PAYMENT_SCORE[i.payment],
  ];
  const measures = MEASURES.map((measure, k) => ({
    measure,
    score: raw[k],
    weight: weights[k],
    weighted: raw[k] * weights[k],
  }));
  const total = measures.reduce((sum, m) => sum + m.weighted, 0);
  // Weights sum to 100; round half up.
  const score = Math.floor((total + 50) / 100);
  return { score, band: bandOf(score), measures };
}

/** The lowest-scoring measure that carries weight (the first on a tie). */
function weakest(s: HealthScore): Measure | null {
  let best: MeasureScore | null = null;
  for (const m of s.measures) {
    if (m.weight > 0 && (best === null || m.score < best.score)) best = m;
  }
  return best?.measure ?? null;
}

/** Open tickets at the end (23:59:59 UTC) of `day`, by severity. */
function openTicketsOn(tickets: Ticket[], day: number): OpenTickets {
  const end = day * DAY_MS + DAY_MS - 1000;
  const open: OpenTickets = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const t of tickets) {
    if (t.createdMs > end) continue;
    const isOpen =
      t.resolvedMs !== null ? t.resolvedMs > end : t.status === "open" || t.status === "pending";
    if (isOpen) open[t.severity] += 1;
  }
  return open;
}

// ---------------------------------------------------------------------
// The assessment and its answer (shared/copilot/src/health.rs).

interface Assessment {
  usage: UsageReport;
  inputs: HealthInputs;
  score: HealthScore;
  previous: HealthScore | null;
  daysToRenewal: number;
}

function inputsAt(
  usage: UsageReport,
  tickets: Ticket[],
  contract: Contract,
  on: number,
  todayOffset: number,
): HealthInputs {
  return {
    usageChangeBp: usage.trend?.eventsChangeBp ?? null,
    seatUtilisationBp: usage.current.utilisationBp,
    openTickets: openTicketsOn(tickets, on),
    daysToRenewal: contract.renewalDay - on + todayOffset,
    payment: contract.paymentStatus,
  };
}

/**
 * Scores the window ending at the newest exported day, and the window
 * before it for the trend. Renewal distance counts from `today`.
 */
export function assess(
  usage: Usage,
  tickets: Ticket[],
  contract: Contract,
  asOf: number,
  today: number,
  periodDays: number,
  weights: Weights,
): Assessment {
  const current = report(usage, asOf, periodDays);
  const lag = today - asOf;
  const inputs = inputsAt(current, tickets, contract, asOf, -lag);
  const prev = report(usage, asOf - periodDays, periodDays);
  const previous =
    prev.current.daysWithData * 2 >= periodDays
      ? scoreHealth(inputsAt(prev, tickets, contract, prev.asOf, -lag), weights)
      : null;
  return {
    usage: current,
    inputs,
    score: scoreHealth(inputs, weights),
    previous,
    daysToRenewal: contract.renewalDay - today,
  };
}

/** To one decimal place, like Rust's `{:.1}` (`fixed`) or `{}` of a tenth (`short`). */
function tenths(x: number, alwaysPoint: boolean): string {
  const t = round(x * 10);
  const sign = t < 0 ? "-" : "";
  const abs = Math.abs(t);
  const whole = Math.floor(abs / 10);
  const tenth = abs % 10;
  return alwaysPoint || tenth !== 0 ? `${sign}${whole}.${tenth}` : `${sign}${whole}`;
}
const fixed = (x: number) => tenths(x, true);
const short = (x: number) => tenths(x, false);

type MeasureInputs =
  | { eventsChangePct: number | null; comparedWithPreviousDays: number }
  | { avgDailyActiveUsers: number; licensedSeats: number; seatUtilisationPct: number }
  | { openTickets: OpenTickets; penaltyPerTicket: OpenTickets }
  | { daysToRenewal: number }
  | { paymentStatus: PaymentStatus };

/** Counts in the answer's order: most severe first. */
const bySeverity = (o: OpenTickets): OpenTickets => ({
  critical: o.critical,
  high: o.high,
  medium: o.medium,
  low: o.low,
});

function explain(a: Assessment, measure: Measure): [MeasureInputs, string] {
  const u = a.usage;
  const period = u.periodDays;
  switch (measure) {
    case "usageTrend": {
      const t = u.trend;
      if (t === null) {
        return [
          { eventsChangePct: null, comparedWithPreviousDays: period },
          `not enough history before the last ${period} days to compare; scored neutral (${NEUTRAL_TREND_SCORE})`,
        ];
      }
      const verb = t.eventsChangeBp < 0 ? "fell" : "rose";
      return [
        { eventsChangePct: t.eventsChangePct, comparedWithPreviousDays: period },
        `product events per day ${verb} ${fixed(Math.abs(t.eventsChangePct))}% against the previous ${period} days`,
      ];
    }
    case "adoption": {
      const pct = u.current.utilisationBp / 100;
      const avg = u.current.avgDailyActiveUsers;
      return [
        { avgDailyActiveUsers: avg, licensedSeats: u.licensedSeats, seatUtilisationPct: pct },
        `${short(avg)} of ${u.licensedSeats} licensed seats active on an average day (${fixed(pct)}%); 80% or more scores full marks`,
      ];
    }
    case "supportLoad": {
      const o = a.inputs.openTickets;
      const total = o.critical + o.high + o.medium + o.low;
      return [
        { openTickets: bySeverity(o), penaltyPerTicket: bySeverity(SEVERITY_PENALTY) },
        `${total} unresolved tickets (${o.critical} critical, ${o.high} high, ${o.medium} medium, ${o.low} low)`,
      ];
    }
    case "renewalProximity": {
      const d = a.daysToRenewal;
      return [
        { daysToRenewal: d },
        d < 0
          ? `renewal date passed ${-d} days ago`
          : `${d} days to renewal; 120 or more scores full marks`,
      ];
    }
    case "paymentStatus": {
      const p = a.inputs.payment;
      return [{ paymentStatus: p }, `payment status is ${p}`];
    }
  }
}

/** The `calculate_health` answer, fields in the Rust struct's order. */
export function answer(a: Assessment) {
  const { score, previous } = a;
  const delta = previous === null ? 0 : score.score - previous.score;
  return {
    asOf: formatDay(a.usage.asOf),
    periodDays: a.usage.periodDays,
    score: score.score,
    band: score.band,
    bandRules: {
      green: `score >= ${GREEN_FROM}`,
      yellow: `${YELLOW_FROM} <= score < ${GREEN_FROM}`,
      red: `score < ${YELLOW_FROM}`,
    },
    trend:
      previous === null
        ? null
        : {
            previousScore: previous.score,
            previousBand: previous.band,
            delta,
            // A change under 3 points either way is stable.
            direction: delta >= 3 ? "improving" : delta <= -3 ? "declining" : "stable",
          },
    weakestMeasure: weakest(score),
    measures: score.measures.map((m) => {
      const [inputs, explanation] = explain(a, m.measure);
      return {
        measure: m.measure,
        score: m.score,
        weight: m.weight,
        points: m.weighted / 100,
        inputs,
        explanation,
      };
    }),
  };
}
