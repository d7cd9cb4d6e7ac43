import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { formatDate, formatTime } from "../lib/format";
import { FileIcon, LinkIcon } from "./icons";

// Pieces of the meeting pages: agenda and study materials, the change history.

const FILE_KIND: [RegExp, string][] = [
  [/pdf/, "PDF"],
  [/word/, "Word"],
  [/powerpoint|presentation/, "PPT"],
  [/image/, "图片"],
  [/text/, "文本"],
];

export function fileKind(mime: string | null): string {
  return FILE_KIND.find(([re]) => mime && re.test(mime))?.[1] ?? "文件";
}

export function fileSize(bytes: number | null): string {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface AgendaItem {
  id: string;
  position: number;
  title: string;
}
export interface Material {
  id: string;
  title: string;
  url: string | null;
  fileId: string | null;
  mime: string | null;
  size: number | null;
}

/** A material as a link: the address, or the file route that checks who may read it. */
export function MaterialLink({ m }: { m: Material }) {
  const href = m.url ?? `/files/${m.fileId}`;
  return (
    <a className="material" href={href} target="_blank" rel="noopener noreferrer">
      <span className="material__icon">{m.url ? <LinkIcon size={18} /> : <FileIcon size={18} />}</span>
      <span className="material__main">
        <span className="material__title">{m.title}</span>
        <span className="material__sub">
          {m.url ? new URL(m.url).host : `${fileKind(m.mime)} · ${fileSize(m.size)}`}
        </span>
      </span>
    </a>
  );
}

/** The meeting's agenda and study materials, as the meeting page shows them. */
export function AgendaAndMaterials({ agenda, materials }: { agenda: AgendaItem[]; materials: Material[] }) {
  if (agenda.length === 0 && materials.length === 0) return null;
  return (
    <div className="agenda-grid">
      {agenda.length > 0 ? (
        <section className="card agenda" aria-labelledby="agenda-heading">
          <h2 className="h3" id="agenda-heading">
            议程
          </h2>
          <ol className="agenda__list" data-testid="agenda">
            {agenda.map((a) => (
              <li key={a.id}>{a.title}</li>
            ))}
          </ol>
        </section>
      ) : null}
      {materials.length > 0 ? (
        <section className="card agenda" aria-labelledby="materials-heading">
          <h2 className="h3" id="materials-heading">
            学习资料
          </h2>
          <ul className="materials" data-testid="materials">
            {materials.map((m) => (
              <li key={m.id}>
                <MaterialLink m={m} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export interface HistoryEntry {
  id: string;
  at: Date | string;
  change: string;
  actorName: string | null;
  detail: Record<string, unknown>;
}

const FIELD_LABEL: Record<string, string> = {
  kind: "类型",
  title: "主题",
  location: "地点",
  onlineUrl: "线上链接",
  hostId: "主持人",
  recorderId: "记录人",
  agenda: "议程",
  links: "资料链接",
  invitees: "参会名单",
};

const moment = (iso: unknown) => (typeof iso === "string" ? `${formatDate(iso)} ${formatTime(iso)}` : "");

/** One line per change, in words. */
export function describeChange(h: HistoryEntry): string {
  const d = h.detail;
  switch (h.change) {
    case "created":
      return "安排了会议";
    case "rescheduled": {
      const from = d.from as { startsAt?: string } | undefined;
      const to = d.to as { startsAt?: string } | undefined;
      return `改期：由 ${moment(from?.startsAt)} 改至 ${moment(to?.startsAt)}`;
    }
    case "updated": {
      const fields = Array.isArray(d.fields) ? (d.fields as string[]) : [];
      const kind = (d.to as { kind?: MeetingKind } | undefined)?.kind;
      return (
        `修改了${fields.map((f) => FIELD_LABEL[f] ?? f).join("、")}` +
        (kind ? `（改为${MEETING_KIND_LABEL[kind]}）` : "")
      );
    }
    case "corrected": {
      const fields = Array.isArray(d.fields) ? (d.fields as string[]) : [];
      return `更正了${fields.map((f) => FIELD_LABEL[f] ?? f).join("、")}：${String(d.reason ?? "")}`;
    }
    case "cancelled":
      return `取消了会议：${String(d.reason ?? "")}`;
    case "materials": {
      const added = Array.isArray(d.added) ? (d.added as string[]) : [];
      const removed = Array.isArray(d.removed) ? (d.removed as string[]) : [];
      return [added.length ? `上传了 ${added.join("、")}` : "", removed.length ? `移除了 ${removed.join("、")}` : ""]
        .filter(Boolean)
        .join("；");
    }
    default:
      return h.change;
  }
}

export function HistoryList({ history }: { history: HistoryEntry[] }) {
  return (
    <ul className="list" data-testid="meeting-history">
      {history.map((h) => (
        <li key={h.id} className="row">
          <div className="row__main">
            <span className="history__text">{describeChange(h)}</span>
            <span className="row__sub">
              {h.actorName ?? "系统"} · {formatDate(h.at)} {formatTime(h.at)}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
