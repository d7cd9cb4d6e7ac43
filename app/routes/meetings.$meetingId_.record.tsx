import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { recordPreparation, signOff, type SignOffView } from "../../server/services/archive/signoff";
import { MEETING_KIND_LABEL, SIGN_OFF_ROLE_LABEL as ROLE_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { RecordActionSchema } from "../../shared/schemas/record";
import { AppShell } from "../components/app-shell";
import { ConfirmButton } from "../components/confirm-dialog";
import { ClockIcon, FlagIcon, ShieldIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatTime } from "../lib/format";
import recordStyles from "../styles/record.css?url";

// A meeting's record after the session (issue 17 §1; docs/decisions/038): what is still open
// (心得体会 not submitted, votes not closed, minutes sections with nothing written), the 主持人's
// and the 记录人's sign-offs, and the seal with its SHA-256 and link. The 主持人, the 记录人 and
// the organisation's managers open it; the committees above read it; anyone else: 404.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `会议记录封存 · ${data.record.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: recordStyles }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const record = await loaded(recordPreparation(sql, live, actor.subject, params.meetingId ?? ""));
  return { userName: user.displayName, record };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const form = Object.fromEntries(await request.formData());
  const parsed = RecordActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, String(form.intent ?? ""));
  try {
    const r = await signOff(sql, live, actor, params.meetingId ?? "", parsed.data.role);
    const roles = r.signed.map((x) => ROLE_LABEL[x]).join("、");
    const ok = r.sealed ? `已签字（${roles}）。主持人和记录人均已签字，会议记录已封存。` : `已签字（${roles}）。`;
    return { ok, intent: "sign" } satisfies Result;
  } catch (e) {
    return refused(e, "sign");
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;
const STATUS_LABEL: Record<string, string> = { draft: "未提交", returned: "已退回，未重新提交" };

export default function RecordPage() {
  const { userName, record: r } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const kind = MEETING_KIND_LABEL[r.meeting.kind as MeetingKind];
  const mineSelf = r.signOffs.filter((s) => s.mine === "self");
  // Rows that need attention (the minutes, the votes, the 心得体会), not the people or sections in them.
  const openCount = [
    r.open.minutesEmpty || r.open.emptySections.length > 0,
    r.open.openVotes.length > 0,
    r.open.notSubmitted.length > 0,
  ].filter(Boolean).length;

  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${r.meeting.id}`, label: "会议" }} trail={[kind, "会议记录封存"]} />
      <MeetingHead
        tags={
          <>
            <span className="tag">{kind}</span>
            {r.seal ? (
              <span className="tag tag--green" data-testid="record-state">
                已封存
              </span>
            ) : (
              <span className="tag tag--outline" data-testid="record-state">
                {r.ended ? "待签字封存" : r.cancelled ? "已取消" : "会议未结束"}
              </span>
            )}
          </>
        }
        eyebrow="会议记录封存"
        title={r.meeting.title}
        facts={[
          { icon: FlagIcon, label: "组织", value: r.meeting.orgName },
          {
            icon: ClockIcon,
            label: "会议结束",
            value: r.meeting.endedAt ? `会议结束于 ${when(r.meeting.endedAt)}` : "会议尚未结束",
          },
        ]}
      />

      <FormAlert error={result?.formError} ok={result?.ok} />

      {r.seal ? (
        <section className="card record-seal" aria-labelledby="seal-heading" data-testid="record-seal">
          <h2 className="h3" id="seal-heading">
            <ShieldIcon size={18} /> 已封存，只读
          </h2>
          <p>
            {when(r.seal.sealedAt)} 由{r.seal.sealedByName}
            签字后封存。会议记录、心得体会、表决和考勤不能再修改；补学、整改清单和评定意见照常进行。
          </p>
          <dl className="record-hash">
            <dt>SHA-256</dt>
            <dd data-testid="record-sha">{r.seal.sha256}</dd>
            <dt>上一条封存记录</dt>
            <dd>{r.seal.prevSha256 ?? "无（本组织第一条封存记录）"}</dd>
            <dt>链序号</dt>
            <dd>{r.seal.chainSeq}</dd>
          </dl>
        </section>
      ) : !r.ended ? (
        <p className="card muted">
          {r.cancelled ? "会议已取消，没有需要封存的记录。" : "会议结束后，主持人和记录人在这里签字封存会议记录。"}
        </p>
      ) : null}

      <section className="section" aria-labelledby="open-heading">
        <div className="section__head">
          <h2 className="h3" id="open-heading">
            {r.seal ? "封存时的未完成事项" : "封存前请检查"}
          </h2>
          <span className="muted small">{openCount === 0 ? "没有未完成事项" : `${openCount} 项`}</span>
        </div>
        <ul className="list" data-testid="record-open">
          <li className="row">
            <div className="row__main">
              <span className="row__title">会议记录</span>
              <span className="row__sub record-wrap">
                {r.open.minutesEmpty
                  ? "会议记录还是空的"
                  : r.open.emptySections.length
                    ? `以下部分未填写：${r.open.emptySections.join("；")}`
                    : "各部分均已填写"}
              </span>
            </div>
            {r.open.minutesEmpty || r.open.emptySections.length ? <span className="tag tag--gold">待补充</span> : null}
          </li>
          <li className="row">
            <div className="row__main">
              <span className="row__title">表决</span>
              <span className="row__sub record-wrap">
                {r.open.openVotes.length
                  ? `未结束：${r.open.openVotes.map((v) => v.title).join("、")}（结束表决后才能签字）`
                  : "没有未结束的表决"}
              </span>
            </div>
            {r.open.openVotes.length ? <span className="tag tag--gold">未结束</span> : null}
          </li>
          <li className="row">
            <div className="row__main">
              <span className="row__title">心得体会</span>
              <span className="row__sub record-wrap">
                {r.open.notSubmitted.length
                  ? `${r.open.notSubmitted
                      .map((p) => `${p.name}（${STATUS_LABEL[p.status] ?? "未提交"}）`)
                      .join("、")}${r.seal ? "：封存时记为未提交" : "：封存时将记为未提交"}`
                  : "应到和列席人员均已提交"}
              </span>
            </div>
            {r.open.notSubmitted.length ? <span className="tag tag--gold">{r.open.notSubmitted.length} 人</span> : null}
          </li>
        </ul>
      </section>

      <section className="section" aria-labelledby="sign-heading">
        <div className="section__head">
          <h2 className="h3" id="sign-heading">
            签字
          </h2>
          <span className="muted small">主持人和记录人均签字后，会议记录即封存</span>
        </div>
        <ul className="list" data-testid="record-signoffs">
          {r.signOffs.map((s) => (
            <SignOffRow key={s.role} s={s} busy={busy} sealsNow={signsLast(r.signOffs, [s.role])} />
          ))}
        </ul>
        {mineSelf.length > 0 ? (
          <Form method="post" className="record-sign">
            <input type="hidden" name="intent" value="sign" />
            <ConfirmButton
              className="btn btn--primary btn--block"
              disabled={busy}
              data-testid="record-sign"
              confirm={{
                title: "签字确认会议记录？",
                message: signsLast(
                  r.signOffs,
                  mineSelf.map((s) => s.role),
                )
                  ? "签字后会议记录即封存：会议记录、心得体会、表决和考勤都不能再修改。"
                  : "签字后，待另一位签字即封存会议记录。",
                confirmLabel: "签字",
              }}
            >
              以{mineSelf.map((s) => ROLE_LABEL[s.role]).join("、")}身份签字
            </ConfirmButton>
          </Form>
        ) : null}
      </section>
    </AppShell>
  );
}

/** A sign-off as the page receives it (times serialised). */
type Sign = Omit<SignOffView, "signed"> & { signed: { byName: string; onBehalf: boolean; at: Date | string } | null };

/** Whether signing these roles completes the sign-offs (and so seals). */
function signsLast(all: Sign[], roles: string[]) {
  return all.every((s) => s.signed || roles.includes(s.role));
}

function SignOffRow({ s, busy, sealsNow }: { s: Sign; busy: boolean; sealsNow: boolean }) {
  return (
    <li className="row" data-testid={`signoff-${s.role}`}>
      <div className="row__main">
        <span className="row__title">
          {ROLE_LABEL[s.role]}：{s.holderName ?? "未指定"}
          {s.holderLeft ? <span className="tag tag--muted">已离开本组织</span> : null}
        </span>
        <span className="row__sub">
          {s.signed
            ? `${s.signed.onBehalf ? `${s.signed.byName}代为签字` : `${s.signed.byName}已签字`} · ${when(s.signed.at)}`
            : "尚未签字"}
        </span>
      </div>
      {s.signed ? (
        <span className="tag tag--green">已签字</span>
      ) : s.mine === "behalf" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="sign" />
          <input type="hidden" name="role" value={s.role} />
          <ConfirmButton
            className="btn btn--small"
            disabled={busy}
            data-testid={`record-sign-${s.role}`}
            confirm={{
              title: `代${ROLE_LABEL[s.role]}签字？`,
              message: `${s.holderName ?? "本次会议未指定" + ROLE_LABEL[s.role]}${s.holderName ? "已离开本组织" : ""}，由你代为签字，记录中注明代签。${sealsNow ? "签字后会议记录即封存。" : ""}`,
              confirmLabel: "代为签字",
            }}
          >
            代为签字
          </ConfirmButton>
        </Form>
      ) : null}
    </li>
  );
}
