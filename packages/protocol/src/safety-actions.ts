/**
 * Reports, restrictions and unmatch (docs/safety.md): what a user may report, what an operator
 * may decide, and the shapes both see. One schema per message, the types derived from them.
 */
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { Id, WELL_FORMED_TEXT } from './schemas.js';

const Text = (options: { minLength?: number; maxLength: number }) => Type.String({ ...options, pattern: WELL_FORMED_TEXT });
const literalUnion = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;

export const REPORT_REASONS = ['SPAM', 'SCAM', 'HARASSMENT', 'INAPPROPRIATE', 'UNDERAGE', 'OTHER'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_ACTIONS = ['DISMISS', 'WARN', 'MUTE', 'BAN'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

export const RESTRICTION_KINDS = ['MUTE', 'BAN'] as const;
export type RestrictionKind = (typeof RESTRICTION_KINDS)[number];
export type RestrictionSource = 'ADMIN' | 'AUTO';

/** Most messages one report may name; the snapshot adds the conversation's last 50 anyway. */
export const REPORT_MAX_MESSAGE_IDS = 50;
export const REPORT_NOTE_MAX_CHARS = 500;
/** Messages of the conversation taken into a report's evidence besides the listed ones. */
export const REPORT_EVIDENCE_RECENT = 50;

export const ReportBody = Type.Object({
  userId: Id,
  reason: literalUnion(REPORT_REASONS),
  messageIds: Type.Optional(Type.Array(Id, { maxItems: REPORT_MAX_MESSAGE_IDS, uniqueItems: true })),
  note: Type.Optional(Text({ maxLength: REPORT_NOTE_MAX_CHARS })),
});
export type ReportBody = Static<typeof ReportBody>;

/** Unmatch as a command payload (STOMP body); REST takes the id from the path, SignalR as the argument. */
export const UnmatchBody = Type.Object({ conversationId: Id });
export type UnmatchBody = Static<typeof UnmatchBody>;

export const ReportsQuery = Type.Object({
  status: Type.Optional(literalUnion(REPORT_STATUSES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  before: Type.Optional(Id),
});
export type ReportsQuery = Static<typeof ReportsQuery>;

export const ResolveReportBody = Type.Object({
  action: literalUnion(REPORT_ACTIONS),
  /** How long a MUTE or BAN lasts; without it, until lifted. */
  hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 366 * 10 })),
  note: Type.Optional(Text({ maxLength: REPORT_NOTE_MAX_CHARS })),
});
export type ResolveReportBody = Static<typeof ResolveReportBody>;

export const RestrictionBody = Type.Object({
  kind: literalUnion(RESTRICTION_KINDS),
  /** ISO 8601 time the restriction ends by itself; without it, until lifted. */
  until: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})$', maxLength: 64 }), Type.Null()])),
  reason: Type.Optional(Text({ maxLength: REPORT_NOTE_MAX_CHARS })),
});
export type RestrictionBody = Static<typeof RestrictionBody>;

/** A report as the reporter and the admin queue see it. */
export interface Report {
  id: number;
  reporterId: number;
  userId: number;
  reason: ReportReason;
  status: ReportStatus;
  /** ISO-8601 UTC. */
  createdAt: string;
}

/** One message as the evidence snapshot keeps it, with its links in the hash chain. */
export interface EvidenceEntry {
  messageId: number;
  seq: number;
  senderId: number;
  receiverId: number;
  messageType: string;
  /** The stored content at report time (what a later recall empties stays here). */
  content: string;
  extra: Record<string, unknown> | null;
  status: string;
  createdAt: string;
  /** Named by the reporter, as opposed to one of the conversation's last messages. */
  listed: boolean;
  prevHash: string;
  hash: string;
}

/** A report in the admin API: the queue item plus the decision, and on its own page the evidence. */
export interface AdminReport extends Report {
  conversationId: number;
  messageIds: number[];
  note: string | null;
  resolution: { action: ReportAction; hours: number | null; note: string | null; resolvedAt: string } | null;
}

export interface AdminReportDetail extends AdminReport {
  evidence: EvidenceEntry[];
  /** The last entry's hash as kept with the report when it was filed (64 zeros for no entries). */
  evidenceHead: string;
  /** The chain re-verified now, against the head hash kept with the report. */
  evidenceIntact: boolean;
}

export interface ReportPage {
  items: AdminReport[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

export interface Restriction {
  kind: RestrictionKind;
  /** ISO-8601 UTC, or null: until lifted. */
  until: string | null;
  reason: string | null;
  source: RestrictionSource;
  createdAt: string;
}

/** The unmatch command's answer: the conversation and whether this call unmatched it (false: it already was). */
export interface UnmatchResult {
  conversationId: number;
  state: 'UNMATCHED';
}
