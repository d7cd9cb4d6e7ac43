import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { createMember, type CreatedMember } from "../../server/services/people/members";
import { orgTree } from "../../server/services/people/orgs";
import { CATEGORIES, CATEGORY_LABEL, ROLE_LABEL, ROLES } from "../../shared/domain/labels";
import { ORDINARY_ROLE } from "../../shared/permissions";
import { NewMemberSchema } from "../../shared/schemas/members";
import { AppShell } from "../components/app-shell";
import { InvitationCode } from "../components/invitation-code";
import { Crumbs, FieldError, FormAlert, OrgOptions } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { managedOrg } from "../lib/org-access.server";
import { invalid, refused, type FormErrors } from "../lib/form-errors.server";

export const meta: MetaFunction = () => [{ title: "添加成员 · 同心" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await managedOrg(context, request, params.orgId, "添加成员");
  const tree = await orgTree(context.services.sql, org.id);
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name },
    places: tree.map((n) => ({ id: n.id, name: n.name, depth: n.depth, kind: n.kind })),
  };
}

type Result = FormErrors & { created?: CreatedMember; values?: Record<string, string> };

export async function action({ context, request }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const parsed = NewMemberSchema.safeParse(form);
  if (!parsed.success) {
    const reply = invalid(parsed.error);
    reply.data = { ...reply.data, values: form } as Result;
    return reply;
  }
  const { username, orgId, role, mobile, ...person } = parsed.data;
  try {
    const created = await createMember(context.services.sql, actor, { person, username, orgId, role, mobile });
    return { created } satisfies Result;
  } catch (e) {
    const reply = refused(e);
    reply.data = { ...reply.data, values: form } as Result;
    return reply;
  }
}

export default function NewMember() {
  const { userName, org, places } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const v = result?.created ? undefined : result?.values;
  const [category, setCategory] = useState(v?.category ?? "full");
  const e = result?.fieldErrors ?? {};
  const back = `/orgs/${org.id}/members`;

  if (result?.created) {
    return (
      <AppShell userName={userName} narrow>
        <Crumbs back={{ to: back, label: "成员名册" }} />
        <h1 className="h1">已添加 {result.created.displayName}</h1>
        <InvitationCode name={result.created.displayName} code={result.created.code} />
        <div className="actions">
          <Link to="." reloadDocument={false} className="btn btn--primary">
            继续添加
          </Link>
          <Link to={`/members/${result.created.userId}`} className="btn">
            查看成员
          </Link>
        </div>
      </AppShell>
    );
  }

  return (
    <AppShell userName={userName} narrow>
      <Crumbs back={{ to: back, label: "成员名册" }} trail={[org.name]} />
      <h1 className="h1">添加成员</h1>
      <Form method="post" className="card form" noValidate>
        <FormAlert error={result?.formError} />
        <label className="field">
          <span className="field__label">姓名</span>
          <input
            className="input"
            name="displayName"
            defaultValue={v?.displayName}
            maxLength={32}
            aria-invalid={e.displayName ? true : undefined}
          />
          <FieldError id="displayName-error" message={e.displayName} />
        </label>
        <label className="field">
          <span className="field__label">登录名</span>
          <input
            className="input"
            name="username"
            inputMode="tel"
            autoComplete="off"
            placeholder="手机号或工号"
            defaultValue={v?.username}
            aria-invalid={e.username ? true : undefined}
          />
          <FieldError id="username-error" message={e.username} />
          <span className="field__hint">本人用它登录；手机号为 11 位数字。</span>
        </label>
        <label className="field">
          <span className="field__label">人员类别</span>
          <select className="select" name="category" value={category} onChange={(ev) => setCategory(ev.target.value)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        {category === "probationary" ? (
          <div className="form-grid">
            <label className="field">
              <span className="field__label">预备期开始</span>
              <input
                className="input"
                type="date"
                name="probationStartedOn"
                defaultValue={v?.probationStartedOn}
                aria-invalid={e.probationStartedOn ? true : undefined}
              />
              <FieldError id="probationStartedOn-error" message={e.probationStartedOn} />
            </label>
            <label className="field">
              <span className="field__label">预备期结束</span>
              <input className="input" type="date" name="probationEndsOn" defaultValue={v?.probationEndsOn} />
              <FieldError id="probationEndsOn-error" message={e.probationEndsOn} />
              <span className="field__hint">不填则为开始日期后一年。</span>
            </label>
          </div>
        ) : null}
        <div className="form-grid">
          <label className="field">
            <span className="field__label">所在组织</span>
            <select className="select" name="orgId" defaultValue={v?.orgId ?? places[0].id}>
              <OrgOptions orgs={places} />
            </select>
            <FieldError id="orgId-error" message={e.orgId} />
          </label>
          <label className="field">
            <span className="field__label">职务</span>
            <select className="select" name="role" defaultValue={v?.role ?? ORDINARY_ROLE}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
            <FieldError id="role-error" message={e.role} />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" name="mobile" value="是" defaultChecked={v?.mobile === "是"} />
          流动党员（参加本组织活动，不在此表决）
        </label>
        <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
          {busy ? "正在添加…" : "添加并生成邀请码"}
        </button>
      </Form>
    </AppShell>
  );
}
