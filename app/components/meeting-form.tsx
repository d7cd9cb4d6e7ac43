import { Form, useFetcher, useLocation } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { MEETING_KIND_LABEL, type Category, type MeetingKind } from "../../shared/domain/labels";
import type { InviteeRole } from "../../shared/schemas/meetings";
import { CategoryTag, FieldError, FormAlert } from "./people";

// The meeting form, shared by "安排会议" and "编辑会议". It works without JavaScript: the
// checklist is plain checkboxes, and 「按类型重新生成」 posts the form back to get the default list
// for the chosen kind. With JavaScript, changing the kind fetches that list from the loader.

/** Who is ticked, and as what; someone absent is not invited. */
export type Ticks = Record<string, InviteeRole>;

export interface FormPerson {
  id: string;
  displayName: string;
  category: Category;
  /** Role or group, e.g. "书记" or "第一党小组 · 流动党员". */
  note: string;
  /** May be 主持人 or 记录人: has activated their account (shared/permissions mayChair). */
  canChair: boolean;
}

export interface MeetingFormValues {
  kind: string;
  title: string;
  date: string;
  startTime: string;
  endTime: string;
  location: string;
  onlineUrl: string;
  hostId: string;
  recorderId: string;
  agenda: string;
  links: string;
}

export interface MeetingFormResult {
  formError?: string;
  fieldErrors?: Record<string, string>;
  intent?: string;
  ok?: string;
  values?: Partial<MeetingFormValues>;
  ticks?: Ticks;
}

const countOf = (ticks: Ticks) => {
  const all = Object.values(ticks);
  return { attendees: all.filter((r) => r === "attendee").length, guests: all.filter((r) => r === "guest").length };
};

export function MeetingForm({
  kinds,
  people,
  initial,
  initialTicks,
  result,
  busy,
  submitLabel,
  busyLabel,
  intent,
}: {
  kinds: MeetingKind[];
  people: FormPerson[];
  initial: MeetingFormValues;
  initialTicks: Ticks;
  result?: MeetingFormResult;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  /** The intent this form posts (a page with several forms tells them apart by it). */
  intent: string;
}) {
  const mine = !result?.intent || result.intent === intent || result.intent === "defaults";
  const v: MeetingFormValues = { ...initial, ...(mine ? result?.values : undefined) };
  const e = (mine ? result?.fieldErrors : undefined) ?? {};
  const [ticks, setTicks] = useState<Ticks>(() => (mine && result?.ticks) || initialTicks);
  const [notice, setNotice] = useState<string | undefined>();
  const kindRef = useRef<HTMLSelectElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const defaults = useFetcher<{ kind: MeetingKind; ticks: Ticks }>();
  const { pathname } = useLocation();

  // The default list for a kind comes from the page's own loader (`?kind=`).
  const reload = (kind: string) => defaults.load(`${pathname}?kind=${encodeURIComponent(kind)}`);
  useEffect(() => {
    if (defaults.state !== "idle" || !defaults.data) return;
    setTicks(defaults.data.ticks);
    setNotice(`已按“${MEETING_KIND_LABEL[defaults.data.kind]}”重新生成参会名单。`);
  }, [defaults.state, defaults.data]);

  // After a refused submit, take the member to the first field that needs attention.
  useEffect(() => {
    if (!result?.fieldErrors || !mine) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [result, mine]);

  const counts = useMemo(() => countOf(ticks), [ticks]);
  const invite = (id: string, on: boolean) =>
    setTicks((t) => {
      const next = { ...t };
      if (on) next[id] = t[id] ?? "attendee";
      else delete next[id];
      return next;
    });
  const guest = (id: string, on: boolean) => setTicks((t) => ({ ...t, [id]: on ? "guest" : "attendee" }));
  /** A field's label, hint and error, tied to its control by id (the label names it; the rest describes it). */
  const field = (name: keyof MeetingFormValues, label: string, hint?: string, className?: string) => {
    const id = `meeting-${name}`;
    const describedBy = [e[name] ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
    return {
      wrap: (control: React.ReactNode) => (
        <div className={className ? `field ${className}` : "field"}>
          <label className="field__label" htmlFor={id}>
            {label}
          </label>
          {control}
          <FieldError id={`${id}-error`} message={e[name]} />
          {hint ? (
            <span className="field__hint" id={`${id}-hint`}>
              {hint}
            </span>
          ) : null}
        </div>
      ),
      props: {
        id,
        name,
        "aria-invalid": e[name] ? true : undefined,
        "aria-describedby": describedBy || undefined,
      },
    };
  };
  const kind = field("kind", "会议类型");
  const title = field("title", "会议主题");
  const date = field("date", "日期", undefined, "when-grid__date");
  const startTime = field("startTime", "开始时间");
  const endTime = field("endTime", "结束时间");
  const location = field("location", "地点");
  const onlineUrl = field("onlineUrl", "线上会议链接（可选）");
  const hostId = field("hostId", "主持人");
  const recorderId = field("recorderId", "记录人");
  const agenda = field("agenda", "议程", "每行一项，最多 20 项。");
  const links = field("links", "学习资料链接（可选）", "每行一条，格式为“标题 | 链接”。文件资料可在会议安排好后上传。");
  // Only people who can sign in chair or record; whoever already does stays selectable.
  const chairOptions = (current: string) =>
    people
      .filter((p) => p.canChair || p.id === current)
      .map((p) => (
        <option key={p.id} value={p.id}>
          {p.displayName}
          {p.note ? `（${p.note}）` : ""}
        </option>
      ));

  return (
    <Form method="post" className="form meeting-form" noValidate ref={formRef}>
      {/* Enter in a field submits with the first submit button: make it this form's own action. */}
      <button type="submit" name="intent" value={intent} className="sr-only" tabIndex={-1} aria-hidden="true" />
      {mine ? <FormAlert error={result?.formError} ok={result?.ok} /> : null}

      <section className="card form" aria-labelledby="mf-basic">
        <h2 className="h3" id="mf-basic">
          基本信息
        </h2>
        {kind.wrap(
          <select
            {...kind.props}
            ref={kindRef}
            className="select"
            defaultValue={v.kind}
            onChange={(ev) => reload(ev.currentTarget.value)}
          >
            {kinds.map((k) => (
              <option key={k} value={k}>
                {MEETING_KIND_LABEL[k]}
              </option>
            ))}
          </select>,
        )}
        {title.wrap(
          <input
            {...title.props}
            className="input"
            defaultValue={v.title}
            maxLength={80}
            placeholder="如：学习贯彻党的二十届四中全会精神"
          />,
        )}
      </section>

      <section className="card form" aria-labelledby="mf-when">
        <h2 className="h3" id="mf-when">
          时间与地点
        </h2>
        <div className="form-grid when-grid">
          {date.wrap(<input {...date.props} className="input" type="date" defaultValue={v.date} />)}
          {startTime.wrap(<input {...startTime.props} className="input" type="time" defaultValue={v.startTime} />)}
          {endTime.wrap(<input {...endTime.props} className="input" type="time" defaultValue={v.endTime} />)}
        </div>
        <p className="field__hint when-grid__hint">按北京时间填写。</p>
        <div className="form-grid">
          {location.wrap(
            <input
              {...location.props}
              className="input"
              defaultValue={v.location}
              maxLength={100}
              placeholder="如：三楼党员活动室"
            />,
          )}
          {onlineUrl.wrap(
            <input
              {...onlineUrl.props}
              className="input"
              type="url"
              inputMode="url"
              defaultValue={v.onlineUrl}
              placeholder="https://"
            />,
          )}
        </div>
        <p className="field__hint">地点和线上链接至少填写一项。</p>
      </section>

      <section className="card form" aria-labelledby="mf-people">
        <h2 className="h3" id="mf-people">
          主持与记录
        </h2>
        <div className="form-grid">
          {hostId.wrap(
            <select {...hostId.props} className="select" defaultValue={v.hostId}>
              {v.hostId ? null : <option value="">请选择</option>}
              {chairOptions(v.hostId)}
            </select>,
          )}
          {recorderId.wrap(
            <select {...recorderId.props} className="select" defaultValue={v.recorderId}>
              <option value="">暂不指定</option>
              {chairOptions(v.recorderId)}
            </select>,
          )}
        </div>
      </section>

      <section className="card form" aria-labelledby="mf-agenda">
        <h2 className="h3" id="mf-agenda">
          议程与学习资料
        </h2>
        {agenda.wrap(
          <textarea
            {...agenda.props}
            className="input"
            rows={4}
            defaultValue={v.agenda}
            placeholder={"例如：\n集中学习《中国共产党支部工作条例（试行）》\n交流学习体会"}
          />,
        )}
        {links.wrap(
          <textarea
            {...links.props}
            className="input input--links"
            rows={3}
            defaultValue={v.links}
            placeholder="党章全文 | https://…"
          />,
        )}
      </section>

      <section className="card form" aria-labelledby="mf-invitees">
        <div className="invitees__head">
          <h2 className="h3" id="mf-invitees">
            参会人员
          </h2>
          <span className="invitees__count" aria-live="polite" data-testid="invitee-count">
            应到 {counts.attendees} 人{counts.guests ? ` · 列席 ${counts.guests} 人` : ""}
          </span>
        </div>
        <p className="field__hint">已按会议类型勾选应参加的人员；勾选“列席”表示列席会议，不计入应到人数。</p>
        {notice ? (
          <p className="alert alert--ok" role="status">
            {notice}
          </p>
        ) : null}
        <FieldError id="invitees-error" message={e.invitees} />
        <input type="hidden" name="inviteesShown" value="1" />
        <ul className="invitees" aria-labelledby="mf-invitees" data-testid="invitees">
          {people.map((p) => {
            const role = ticks[p.id];
            return (
              <li key={p.id} className={role ? "invitee invitee--on" : "invitee"}>
                <label className="invitee__main">
                  <input
                    type="checkbox"
                    name="invitees"
                    value={p.id}
                    checked={Boolean(role)}
                    onChange={(ev) => invite(p.id, ev.currentTarget.checked)}
                  />
                  <span className="invitee__text">
                    <span className="invitee__name">
                      {p.displayName}
                      {/* Only the exceptions are tagged: most people on the list are 正式党员. */}
                      {p.category === "full" ? null : <CategoryTag category={p.category} />}
                    </span>
                    {p.note ? <span className="invitee__note">{p.note}</span> : null}
                  </span>
                </label>
                <label className="invitee__guest">
                  <input
                    type="checkbox"
                    name="guests"
                    value={p.id}
                    checked={role === "guest"}
                    onChange={(ev) => guest(p.id, ev.currentTarget.checked)}
                    aria-label={`${p.displayName} 列席`}
                  />
                  列席
                </label>
              </li>
            );
          })}
        </ul>
        <button
          className="btn btn--small btn--ghost"
          type="submit"
          name="intent"
          value="defaults"
          formNoValidate
          onClick={(ev) => {
            // With JavaScript, fetch the list instead of posting the whole form.
            ev.preventDefault();
            reload(kindRef.current?.value ?? v.kind);
          }}
        >
          按会议类型重新生成名单
        </button>
      </section>

      <button className="btn btn--primary btn--block" type="submit" name="intent" value={intent} disabled={busy}>
        {busy ? busyLabel : submitLabel}
      </button>
    </Form>
  );
}
