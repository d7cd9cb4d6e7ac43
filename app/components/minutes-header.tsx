import { formatDate, formatTime } from "../lib/format";

// The header of the minutes: filled by the system from the schedule and the attendance, and
// current as people sign in (the page reloads on every change of the session).

export interface MinutesHeaderData {
  title: string;
  kindLabel: string;
  orgName: string;
  start: Date | string;
  end: Date | string;
  actualStart: boolean;
  actualEnd: boolean;
  place: string;
  hostName: string;
  recorderName: string;
  expected: { count: number; names: string[] };
  /** summary: "3 人，其中现场 2 人、线上 1 人" (decision 028). */
  present: { count: number; names: string[]; summary: string };
  absent: { name: string; reason: string }[];
  guests: string[];
}

const names = (list: string[]) => (list.length ? list.join("、") : "无");

export function MinutesHeaderView({ header: h }: { header: MinutesHeaderData }) {
  const time =
    `${formatDate(h.start)} ${formatTime(h.start)}${h.actualStart ? "（实际开始）" : ""} 至 ` +
    `${formatTime(h.end)}${h.actualEnd ? "（实际结束）" : ""}`;
  return (
    <div className="minutes-head" data-testid="minutes-header">
      <p className="minutes-head__note">
        {h.actualEnd
          ? "以下由系统根据会议安排和考勤自动填写；会后考勤的更正会同步到这里。"
          : "以下由系统根据会议安排和签到情况自动填写，随签到实时更新。"}
      </p>
      <dl className="minutes-head__grid">
        <div className="minutes-head__wide">
          <dt>会议名称</dt>
          <dd>{h.title}</dd>
        </div>
        <div>
          <dt>会议类型</dt>
          <dd>{h.kindLabel}</dd>
        </div>
        <div>
          <dt>组织</dt>
          <dd>{h.orgName}</dd>
        </div>
        <div className="minutes-head__wide">
          <dt>时间</dt>
          <dd>{time}</dd>
        </div>
        <div className="minutes-head__wide">
          <dt>地点</dt>
          <dd>{h.place}</dd>
        </div>
        <div>
          <dt>主持人</dt>
          <dd>{h.hostName}</dd>
        </div>
        <div>
          <dt>记录人</dt>
          <dd>{h.recorderName}</dd>
        </div>
        <div className="minutes-head__wide" data-testid="header-expected">
          <dt>应到</dt>
          <dd>{`${h.expected.count} 人：${names(h.expected.names)}`}</dd>
        </div>
        <div className="minutes-head__wide" data-testid="header-present">
          <dt>实到</dt>
          <dd>{`${h.present.summary}：${names(h.present.names)}`}</dd>
        </div>
        <div className="minutes-head__wide" data-testid="header-absent">
          <dt>缺席</dt>
          <dd>
            {h.absent.length === 0
              ? "无"
              : `${h.absent.length} 人：${h.absent.map((a) => `${a.name}（${a.reason}）`).join("、")}`}
          </dd>
        </div>
        <div className="minutes-head__wide" data-testid="header-guests">
          <dt>列席</dt>
          <dd>{names(h.guests)}</dd>
        </div>
      </dl>
    </div>
  );
}
