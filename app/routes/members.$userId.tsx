import {
  type LinksFunction,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { audit } from "../../server/services/audit";
import {
  addMembership,
  changeMembership,
  endMembership,
  getMemberFor,
  moveMembership,
  reissueInvitation,
  updatePerson,
} from "../../server/services/people/members";
import { RESET_HOURS } from "../../server/services/people/password-reset";
import { managedRoots, orgTree } from "../../server/services/people/orgs";
import { CATEGORIES, CATEGORY_LABEL, ORG_KIND_LABEL, ROLE_LABEL, ROLES } from "../../shared/domain/labels";
import { hasVote, PersonSchema } from "../../shared/domain/people";
import { canManage, ORDINARY_ROLE, rolesFitting } from "../../shared/permissions";
import { MemberActionSchema } from "../../shared/schemas/members";
import { AppShell } from "../components/app-shell";
import { InvitationCode } from "../components/invitation-code";
import { CategoryTag, Crumbs, FieldError, FormAlert, OrgOptions } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { invalid, refused, type FormErrors } from "../lib/form-errors.server";
import { formatDate } from "../lib/format";
import memberCss from "../styles/member.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: memberCss }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.person.displayName} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getMemberFor(sql, actor.subject, params.userId ?? "");
  if (!found) notFound();
  const { person, memberships, access, codeIssuer } = found;
  const manage = canManage(access);
  const anyManaged = memberships.some((m) => m.manageable);
  const self = person.id === user.id;
  if (!self) {
    await audit(sql, {
      actorId: user.id,
      action: "member.view",
      orgId: memberships.find((m) => m.active)?.orgId ?? memberships[0]?.orgId ?? null,
      subjectUserId: person.id,
      address: context.clientAddress,
    });
  }
  // Where a manager may place this person: the organisations they manage.
  const places =
    manage || anyManaged ? (await Promise.all(managedRoots(actor.subject).map((r) => orgTree(sql, r)))).flat() : [];
  return {
    userName: user.displayName,
    self,
    manage,
    codeIssuer,
    resetHours: RESET_HOURS,
    person: {
      ...person,
      // The sign-in name (often a phone number) is for the person and their managers only.
      username: manage || anyManaged || self ? person.username : null,
    },
    memberships: memberships.map((m) => ({ ...m, votes: m.active && hasVote(person.category, m) })),
    places: places.map((p) => ({ id: p.id, name: p.name, depth: p.depth, kind: p.kind })),
  };
}

type Result = FormErrors & { ok?: string; code?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const userId = params.userId ?? "";
  const form = Object.fromEntries(await request.formData());
  const parsed = MemberActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, String(form.intent ?? ""));
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "role":
        live.accessChanged(await changeMembership(sql, actor, input.membershipId, input));
        return { ok: "职务已调整。", intent: input.intent } satisfies Result;
      case "move":
        live.accessChanged(await moveMembership(sql, actor, input.membershipId, input.orgId));
        return { ok: "已调整所在组织。", intent: input.intent } satisfies Result;
      case "end":
        live.accessChanged(await endMembership(sql, actor, input.membershipId, input.reason));
        return { ok: "组织关系已结束，记录保留在历史中。", intent: input.intent } satisfies Result;
      case "add":
        live.accessChanged(await addMembership(sql, actor, userId, input));
        return { ok: "已增加组织关系。", intent: input.intent } satisfies Result;
      case "invite":
        return { code: await reissueInvitation(sql, actor, userId), intent: input.intent } satisfies Result;
      case "person": {
        const person = PersonSchema.safeParse(form);
        if (!person.success) return invalid(person.error, "person");
        await updatePerson(sql, actor, userId, person.data);
        return { ok: "信息已保存。", intent: input.intent } satisfies Result;
      }
    }
  } catch (e) {
    return refused(e, input.intent);
  }
}

export default function MemberPage() {
  const { userName, self, manage, codeIssuer, resetHours, person, memberships, places } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const active = memberships.filter((m) => m.active);
  const history = memberships.filter((m) => !m.active);
  const home = active[0];
  const errorsFor = (intent: string) => (result?.intent === intent ? result.fieldErrors : undefined);
  return (
    <AppShell userName={userName}>
      <Crumbs back={home ? { to: `/orgs/${home.orgId}/members`, label: "成员名册" } : { to: "/orgs", label: "组织" }} />
      <section className="person-head">
        <span className="avatar" aria-hidden="true">
          {person.displayName.slice(-2)}
        </span>
        <div className="person-head__main">
          <h1 className="h1">{person.displayName}</h1>
          <span className="person-head__tags">
            <CategoryTag category={person.category} />
            {!person.activated ? <span className="tag tag--muted">未激活</span> : null}
          </span>
        </div>
      </section>
      <FormAlert error={result?.formError} ok={result?.ok} />
      {result?.code ? (
        <InvitationCode
          name={person.displayName}
          code={result.code}
          reset={person.activated}
          validFor={person.activated ? `${resetHours} 小时` : undefined}
        />
      ) : null}

      <dl className="facts facts--grid card">
        {person.username ? (
          <div>
            <dt>登录名</dt>
            <dd>{person.username}</dd>
          </div>
        ) : null}
        <div>
          <dt>人员类别</dt>
          <dd>{CATEGORY_LABEL[person.category]}</dd>
        </div>
        {person.probationStartedOn ? (
          <div>
            <dt>预备期</dt>
            <dd>
              {person.probationStartedOn} 至 {person.probationEndsOn}
            </dd>
          </div>
        ) : null}
      </dl>

      <section className="section" aria-labelledby="memberships-heading">
        <h2 className="h2" id="memberships-heading">
          组织关系
        </h2>
        {active.length === 0 ? <p className="muted">当前没有组织关系。</p> : null}
        <ul className="list" data-testid="memberships">
          {active.map((m) => (
            <li key={m.id} className="membership">
              <div className="row__main">
                <span className="membership__title">
                  <Link to={`/orgs/${m.orgId}`}>{m.orgName}</Link>
                  <span className="tag tag--muted">{ORG_KIND_LABEL[m.orgKind]}</span>
                </span>
                <span className="row__sub">
                  {ROLE_LABEL[m.role]}
                  {m.mobile ? " · 流动党员" : ""} · {m.votes ? "有表决权" : "无表决权"} · 自 {formatDate(m.startedAt)}
                </span>
              </div>
              {m.manageable ? (
                <div className="panel-group">
                  <details className="panel">
                    <summary>调整职务</summary>
                    <Form method="post" className="panel__body form">
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="membershipId" value={m.id} />
                      <select className="select" name="role" defaultValue={m.role} aria-label="职务">
                        {rolesFitting(m.orgKind).map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABEL[r]}
                          </option>
                        ))}
                      </select>
                      <label className="check">
                        <input type="checkbox" name="mobile" value="是" defaultChecked={m.mobile} />
                        流动党员
                      </label>
                      <button className="btn btn--small" type="submit" disabled={busy}>
                        保存职务
                      </button>
                    </Form>
                  </details>
                  <details className="panel">
                    <summary>调到其他组织</summary>
                    <Form method="post" className="panel__body form">
                      <input type="hidden" name="intent" value="move" />
                      <input type="hidden" name="membershipId" value={m.id} />
                      <select className="select" name="orgId" defaultValue={m.orgId} aria-label="调入组织">
                        <OrgOptions orgs={places} />
                      </select>
                      <button className="btn btn--small" type="submit" disabled={busy}>
                        调动
                      </button>
                    </Form>
                  </details>
                  <details className="panel">
                    <summary>结束组织关系</summary>
                    <Form method="post" className="panel__body form">
                      <input type="hidden" name="intent" value="end" />
                      <input type="hidden" name="membershipId" value={m.id} />
                      <input className="input" name="reason" placeholder="原因，如：组织关系转出" maxLength={200} />
                      <button className="btn btn--small" type="submit" disabled={busy}>
                        结束（保留历史记录）
                      </button>
                    </Form>
                  </details>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {manage ? (
        <section className="section" aria-labelledby="manage-heading">
          <h2 className="h2" id="manage-heading">
            管理
          </h2>
          <div className="panel-group">
            <details className="panel" open={result?.intent === "person"}>
              <summary>修改基本信息</summary>
              <Form method="post" className="panel__body form" noValidate>
                <input type="hidden" name="intent" value="person" />
                <label className="field">
                  <span className="field__label">姓名</span>
                  <input className="input" name="displayName" defaultValue={person.displayName} maxLength={32} />
                  <FieldError id="p-name" message={errorsFor("person")?.displayName} />
                </label>
                <label className="field">
                  <span className="field__label">人员类别</span>
                  <select className="select" name="category" defaultValue={person.category}>
                    {CATEGORIES.map((c) => (
                      <option key={c} value={c}>
                        {CATEGORY_LABEL[c]}
                      </option>
                    ))}
                  </select>
                </label>
                <div className="form-grid">
                  <label className="field">
                    <span className="field__label">预备期开始（预备党员必填）</span>
                    <input
                      className="input"
                      type="date"
                      name="probationStartedOn"
                      defaultValue={person.probationStartedOn ?? ""}
                    />
                    <FieldError id="p-start" message={errorsFor("person")?.probationStartedOn} />
                  </label>
                  <label className="field">
                    <span className="field__label">预备期结束</span>
                    <input
                      className="input"
                      type="date"
                      name="probationEndsOn"
                      defaultValue={person.probationEndsOn ?? ""}
                    />
                    <FieldError id="p-end" message={errorsFor("person")?.probationEndsOn} />
                  </label>
                </div>
                <button className="btn btn--small" type="submit" disabled={busy}>
                  保存
                </button>
              </Form>
            </details>
            <details className="panel" open={result?.intent === "add"}>
              <summary>增加组织关系（双重组织生活、流动党员）</summary>
              <Form method="post" className="panel__body form">
                <input type="hidden" name="intent" value="add" />
                <select className="select" name="orgId" aria-label="组织">
                  <OrgOptions orgs={places} />
                </select>
                <FieldError id="add-org" message={errorsFor("add")?.orgId ?? errorsFor("add")?.role} />
                <select className="select" name="role" defaultValue={ORDINARY_ROLE} aria-label="职务">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABEL[r]}
                    </option>
                  ))}
                </select>
                <label className="check">
                  <input type="checkbox" name="mobile" value="是" />
                  流动党员（在此参加活动，不表决）
                </label>
                <button className="btn btn--small" type="submit" disabled={busy}>
                  增加
                </button>
              </Form>
            </details>
            {codeIssuer === "you" ? (
              <Form method="post" className="panel-group__row">
                <input type="hidden" name="intent" value="invite" />
                <span>
                  {person.activated
                    ? `重置密码：本人忘记密码时，生成一次性重置码（${resetHours} 小时内有效）交给本人。谁用它设置新密码，谁就掌握这个账号：原密码和已登录的设备随即失效。本人会收到通知，操作记入审计日志。`
                    : "尚未激活。重新生成后，之前发出的邀请码即失效。"}
                </span>
                <button className="btn btn--small" type="submit" disabled={busy}>
                  {person.activated ? "生成重置密码的一次性码" : "重新生成邀请码"}
                </button>
              </Form>
            ) : person.activated ? (
              <p className="panel-group__row muted" data-testid="reset-elsewhere">
                {codeIssuer === "operator"
                  ? "本人忘记密码时，须由系统管理员在服务器上为其重新设置。"
                  : "本人忘记密码时，须由上级组织的书记、副书记或组织委员为其重新设置；同一组织的委员之间不能互相重置。"}
              </p>
            ) : null}
          </div>
        </section>
      ) : null}

      {manage && history.length > 0 ? (
        <section className="section" aria-labelledby="history-heading">
          <h2 className="h2" id="history-heading">
            历史记录
          </h2>
          <ul className="list" data-testid="membership-history">
            {history.map((m) => (
              <li key={m.id} className="row">
                <div className="row__main">
                  <span className="row__title">
                    {m.orgName} · {ROLE_LABEL[m.role]}
                    {m.mobile ? "（流动）" : ""}
                  </span>
                  <span className="row__sub">
                    {formatDate(m.startedAt)} 至 {m.endedAt ? formatDate(m.endedAt) : ""}
                    {m.endedReason ? ` · ${m.endedReason}` : ""}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {self ? (
        <Link to="/me" className="btn btn--ghost">
          修改我的密码
        </Link>
      ) : null}
    </AppShell>
  );
}
