import type { EvidenceEntry, ReportAction, ReportReason, ReportStatus } from '@parley/protocol';
import type { NewReport, ReportResolution, ReportStore, StoredMessageRecord, StoredReport, StoredReportWithEvidence } from '../ports/report-store.js';
import { OutboxEventWriter } from './outbox-events.js';
import type { SqlClient } from './sql-client.js';

interface ReportRow {
  id: number;
  reporter_id: number;
  user_id: number;
  conversation_id: number;
  reason: ReportReason;
  message_ids: (number | string)[];
  note: string | null;
  status: ReportStatus;
  created_at: Date | string;
  resolution_action: ReportAction | null;
  resolution_hours: number | null;
  resolution_note: string | null;
  resolved_at: Date | string | null;
}

interface EvidenceRow extends ReportRow {
  evidence: EvidenceEntry[];
  evidence_head: string;
}

const COLUMNS = 'id, reporter_id, user_id, conversation_id, reason, message_ids, note, status, created_at, resolution_action, resolution_hours, resolution_note, resolved_at';

const toReport = (row: ReportRow): StoredReport => ({
  id: Number(row.id),
  reporterId: Number(row.reporter_id),
  userId: Number(row.user_id),
  conversationId: Number(row.conversation_id),
  reason: row.reason,
  messageIds: row.message_ids.map(Number),
  note: row.note,
  status: row.status,
  createdAt: new Date(row.created_at),
  resolution:
    row.resolution_action === null
      ? null
      : { action: row.resolution_action, hours: row.resolution_hours, note: row.resolution_note, resolvedAt: new Date(row.resolved_at!) },
});

interface MessageRecordRow {
  id: number;
  seq: number;
  sender_id: number;
  receiver_id: number;
  message_type: string;
  content: string;
  extra: Record<string, unknown> | null;
  status: string;
  created_at: Date | string;
}

export class PostgresReportStore implements ReportStore {
  /** `events`: the event webhooks' filter; `report.created` is written with the report. */
  constructor(
    private readonly db: SqlClient,
    private readonly events: OutboxEventWriter = OutboxEventWriter.NONE,
  ) {}

  async messagesForEvidence(conversationId: number, messageIds: readonly number[], recent: number): Promise<StoredMessageRecord[]> {
    // The raw rows, as stored: what the reporter saw, before any per-viewer rendering.
    const rows = await this.db.query<MessageRecordRow>(
      `SELECT id, seq, sender_id, receiver_id, message_type, content, extra, status, created_at FROM messages
       WHERE conversation_id = $1 AND (id = ANY($2::int8[]) OR id IN (SELECT id FROM messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $3))
       ORDER BY seq`,
      [conversationId, messageIds, recent],
    );
    return rows.map((r) => ({
      messageId: Number(r.id),
      seq: Number(r.seq),
      senderId: Number(r.sender_id),
      receiverId: Number(r.receiver_id),
      messageType: r.message_type,
      content: r.content,
      extra: r.extra,
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  async create(report: NewReport): Promise<StoredReport> {
    return this.db.transaction(async (tx) => {
      // The conversation's row first, as every write: its events then leave in commit order.
      if (this.events.wants('report.created')) await tx.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [report.conversationId]);
      const [row] = await tx.query<ReportRow>(
        `INSERT INTO reports (reporter_id, user_id, conversation_id, reason, message_ids, note, evidence, evidence_head)
         VALUES ($1, $2, $3, $4, $5::int8[], $6, $7::jsonb, $8) RETURNING ${COLUMNS}`,
        [report.reporterId, report.userId, report.conversationId, report.reason, report.messageIds, report.note, JSON.stringify(report.evidence), report.evidenceHead],
      );
      const stored = toReport(row!);
      await this.events.append(tx, [
        {
          event: 'report.created',
          conversationId: stored.conversationId,
          data: { id: stored.id, reporterId: stored.reporterId, userId: stored.userId, conversationId: stored.conversationId, reason: stored.reason, messageIds: stored.messageIds, createdAt: stored.createdAt.toISOString() },
        },
      ]);
      return stored;
    });
  }

  async get(id: number): Promise<StoredReportWithEvidence | null> {
    const [row] = await this.db.query<EvidenceRow>(`SELECT ${COLUMNS}, evidence, evidence_head FROM reports WHERE id = $1`, [id]);
    return row ? { ...toReport(row), evidence: row.evidence, evidenceHead: row.evidence_head } : null;
  }

  async list(options: { status: ReportStatus | null; limit: number; before: number | null }): Promise<StoredReport[]> {
    const rows = await this.db.query<ReportRow>(
      `SELECT ${COLUMNS} FROM reports WHERE ($1::text IS NULL OR status = $1) AND ($2::int8 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [options.status, options.before, options.limit],
    );
    return rows.map(toReport);
  }

  async resolve(id: number, resolution: ReportResolution): Promise<StoredReport | null> {
    const [row] = await this.db.query<ReportRow>(
      `UPDATE reports SET status = 'RESOLVED', resolution_action = $2, resolution_hours = $3, resolution_note = $4, resolved_at = $5
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, resolution.action, resolution.hours, resolution.note, resolution.resolvedAt],
    );
    return row ? toReport(row) : null;
  }

  async openReportersSince(userId: number, since: Date): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT count(DISTINCT reporter_id) AS n FROM reports WHERE user_id = $1 AND status = 'OPEN' AND created_at > $2`,
      [userId, since],
    );
    return Number(row?.n ?? 0);
  }
}
