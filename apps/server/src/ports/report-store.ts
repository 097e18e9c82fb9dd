import type { EvidenceEntry, ReportAction, ReportReason, ReportStatus } from '@parley/protocol';

/** A message as it is stored at report time, for the evidence snapshot (content of recalled ones included, as far as it is kept). */
export interface StoredMessageRecord {
  messageId: number;
  seq: number;
  senderId: number;
  receiverId: number;
  messageType: string;
  content: string;
  extra: Record<string, unknown> | null;
  status: string;
  createdAt: string;
}

export interface ReportResolution {
  action: ReportAction;
  hours: number | null;
  note: string | null;
  resolvedAt: Date;
}

export interface StoredReport {
  id: number;
  reporterId: number;
  userId: number;
  conversationId: number;
  reason: ReportReason;
  messageIds: number[];
  note: string | null;
  status: ReportStatus;
  createdAt: Date;
  resolution: ReportResolution | null;
}

export interface StoredReportWithEvidence extends StoredReport {
  evidence: EvidenceEntry[];
  evidenceHead: string;
}

export interface NewReport {
  reporterId: number;
  userId: number;
  conversationId: number;
  reason: ReportReason;
  messageIds: number[];
  note: string | null;
  evidence: EvidenceEntry[];
  evidenceHead: string;
}

export interface ReportStore {
  /** The named messages of the conversation (ids of other conversations are left out) and its last `recent`, ascending seq, deduplicated. */
  messagesForEvidence(conversationId: number, messageIds: readonly number[], recent: number): Promise<StoredMessageRecord[]>;
  create(report: NewReport): Promise<StoredReport>;
  get(id: number): Promise<StoredReportWithEvidence | null>;
  /** Newest first, ids below `before`. */
  list(options: { status: ReportStatus | null; limit: number; before: number | null }): Promise<StoredReport[]>;
  resolve(id: number, resolution: ReportResolution): Promise<StoredReport | null>;
  /** Distinct users with an open report about the user made since `since`. */
  openReportersSince(userId: number, since: Date): Promise<number>;
}
